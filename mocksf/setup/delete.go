package setup

import (
	"errors"
	"net/http"

	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// HandleDeletePage asks the admin to confirm deleting an app.
func HandleDeletePage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Delete Connected App")
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, http.StatusOK, "app_delete.html", struct {
			chrome
			App    store.ConnectedApp
			Notice string
		}{c, app, MsgDeleteNotice})
	})
}

// HandleDeleteApp deletes an app with every code and token issued to it,
// and goes back to App Manager.
func HandleDeleteApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Delete Connected App")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		if err := d.Store.DeleteApp(app.ConsumerKey); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				message(d, w, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
				return
			}
			d.Log.Error("mocksf: delete connected app", "err", err)
			http.Error(w, "could not delete the connected app", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, AppManagerPath, http.StatusFound)
	})
}
