package setup

import (
	"net/http"

	"github.com/sfharness/sfharness/mocksf/web"
)

// The kinds of app the New Connected App chooser offers, as its radio
// values; the element ids are Salesforce's labels in camel case.
const (
	AppTypeExternalClient = "externalClientApp"
	AppTypeConnected      = "connectedApp"
)

// appTypes are the chooser's options, in the order Salesforce lists them:
// the External Client App it recommends first.
var appTypes = []appTypeOption{
	{option{AppTypeExternalClient, "Create an External Client App", "createExternalClientApp"},
		"Recommended by Salesforce: the newer kind of app for OAuth integrations, with its settings and policies kept apart."},
	{option{AppTypeConnected, "Create a Connected App", "createConnectedApp"},
		"The classic connected app, with its OAuth settings on one page."},
}

type appTypeOption struct {
	option
	Description string
}

// choosePage is the data of app_choose.html.
type choosePage struct {
	chrome
	Options []appTypeOption
	Error   string
}

// HandleChooseAppType is where App Manager's New Connected App leads: the
// choice between an External Client App and a Connected App, with
// Continue and Cancel (reference §10.1). Nothing is chosen at first.
func HandleChooseAppType(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := page(d, r, "New Connected App")
		d.Pages.Render(w, r, http.StatusOK, "app_choose.html", choosePage{chrome: c, Options: appTypes})
	})
}

// HandleChosenAppType is Continue on the chooser. A Connected App goes on
// to the New Connected App form, unless the org restricts creating them;
// an External Client App goes on to New External Client App; no choice
// stays on the chooser with an error.
func HandleChosenAppType(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "New Connected App")
		if !web.ParseForm(w, r, sess) {
			return
		}
		switch r.PostFormValue("appType") {
		case AppTypeConnected:
			if d.restricted(sess.OrgID) {
				restrictedNotice(d, w, r, c, http.StatusOK)
				return
			}
			http.Redirect(w, r, EditPath, http.StatusFound)
		case AppTypeExternalClient:
			http.Redirect(w, r, ECANewPath, http.StatusFound)
		default:
			d.Pages.Render(w, r, http.StatusOK, "app_choose.html", choosePage{chrome: c, Options: appTypes, Error: MsgChooseAppType})
		}
	})
}
