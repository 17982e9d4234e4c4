package setup

import (
	"net/http"
	"net/url"

	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// RequireLogin lets any logged-in user through and sends others to the
// login page, coming back here after it. It is for the Lightning home
// page, which every user sees; Setup pages need RequireAdmin.
func RequireLogin(st *store.Store) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess, err := web.Session(st, r)
			if err != nil || !web.LoggedIn(sess) {
				http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// homePage is the Lightning home page's data.
type homePage struct {
	web.Chrome
	Title, Name, Search string
	Admin               bool
	SetupPath           string
}

// HandleLightningHome is the Lightning Experience home page
// (LightningHomePath), where a login without a start URL lands: the
// global header with the gear menu that leads to Setup, and a Home body
// of mocksf's own (a real org's home shows its records, which mocksf has
// no pages for). The global search box searches nothing; what it was
// given is shown back.
func HandleLightningHome(st *store.Store, pages *web.Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, _ := web.Session(st, r)
		user, _ := st.User(sess.UserID)
		search := r.URL.Query().Get("str")
		pages.Render(w, r, http.StatusOK, "lightning_home.html", homePage{
			Chrome: web.Chrome{Setup: true, Username: user.Username, Initials: web.Initials(user.DisplayName()),
				AppName: "Sales", GlobalSearch: search},
			Title: "Home | Salesforce", Name: user.DisplayName(), Search: search, Admin: user.Admin, SetupPath: HomePath,
		})
	})
}
