// Package setup serves the Salesforce Setup pages part 1 of the documented
// flow uses: Setup home, App Manager, New Connected App, the notice after
// saving, the app's page, and Manage Consumer Details behind an emailed
// verification code (reference §10).
package setup

import (
	"errors"
	"log/slog"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"

	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Paths of the Setup pages, as on Salesforce where it has them.
const (
	HomePath       = "/lightning/setup/SetupOneHome/home"
	AppManagerPath = "/lightning/setup/NavigationMenus/home"
	EditPath       = "/app/mgmt/forceconnectedapps/forceAppEdit.apexp"
	SavedPath      = "/app/mgmt/forceconnectedapps/forceAppSaved.apexp"
	DetailPath     = "/app/mgmt/forceconnectedapps/forceAppDetail.apexp"
	ManagePath     = "/app/mgmt/forceconnectedapps/manageConsumer.apexp"
	VerifyPath     = "/app/mgmt/forceconnectedapps/verifyConsumer.apexp"
	ConsumerPath   = "/app/mgmt/forceconnectedapps/consumerDetails.apexp"
)

// Setup's validation messages, in one place.
const (
	MsgRequired        = "Error: You must enter a value"
	MsgBadAPIName      = "Error: The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores."
	MsgDuplicateName   = "Error: Duplicate value: a connected app with this name or API name already exists."
	MsgBadEmail        = "Error: Invalid email address"
	MsgCallbackTooLong = "Error: Callback URL can't be longer than 2,000 characters."
	MsgBadCallback     = "Error: Invalid callback URL: "
	MsgNoScopes        = "Error: Select at least one OAuth scope."
	MsgNoPrivileges    = "You don't have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary."
)

// Deps are what the Setup pages need.
type Deps struct {
	Store    *store.Store
	Pages    *web.Pages
	Verifier *identity.Verifier
	Log      *slog.Logger
}

// chrome is what every Setup page's header shows.
type chrome struct {
	Title, Username, QuickFind, CSRF string
	Setup                            bool
}

// RequireAdmin lets only a logged-in admin through; others go to the login
// page or see Insufficient Privileges.
func RequireAdmin(d Deps) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess, err := web.Session(d.Store, r)
			if err != nil || !web.LoggedIn(sess) {
				http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
				return
			}
			user, err := d.Store.User(sess.UserID)
			if err != nil || !user.Admin {
				d.Pages.Render(w, http.StatusForbidden, "message.html", map[string]any{
					"Title": "Insufficient Privileges", "Heading": "Insufficient Privileges", "Message": MsgNoPrivileges,
				})
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// page returns the header data for the current admin.
func page(d Deps, r *http.Request, title string) (chrome, store.Session, store.User) {
	sess, _ := web.Session(d.Store, r)
	user, _ := d.Store.User(sess.UserID)
	return chrome{Title: title + " | Salesforce", Username: user.Username, CSRF: sess.CSRF, Setup: true}, sess, user
}

// HandleHome is Setup home with its Quick Find box and tree.
func HandleHome(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := page(d, r, "Setup Home")
		c.QuickFind = strings.TrimSpace(r.URL.Query().Get("q"))
		q := strings.ToLower(c.QuickFind)
		match := func(words ...string) bool {
			for _, w := range words {
				if strings.Contains(strings.ToLower(w), q) {
					return true
				}
			}
			return false
		}
		showApps := q == "" || match("Platform Tools", "Apps", "App Manager")
		showAdmin := q == "" || match("Administration", "Users")
		d.Pages.Render(w, http.StatusOK, "setup_home.html", struct {
			chrome
			ShowApps, ShowAdmin, NoMatch bool
		}{c, showApps, showAdmin, !showApps && !showAdmin})
	})
}

// HandleAppManager lists the org's apps.
func HandleAppManager(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "App Manager")
		d.Pages.Render(w, http.StatusOK, "app_manager.html", struct {
			chrome
			Apps []store.ConnectedApp
		}{c, d.Store.Apps(sess.OrgID)})
	})
}

// appForm is what the admin typed into New Connected App.
type appForm struct {
	Name, APIName, ContactEmail, ContactPhone, Description, CallbackURL string
	OAuthEnabled                                                        bool
	Scopes                                                              []string // tokens
}

type editPage struct {
	chrome
	Form                appForm
	Errors              map[string]string
	Available, Selected []scope.Scope
}

func newEditPage(c chrome, f appForm, errs map[string]string) editPage {
	chosen := map[string]bool{}
	for _, t := range f.Scopes {
		chosen[t] = true
	}
	p := editPage{chrome: c, Form: f, Errors: errs}
	for _, s := range scope.Catalog {
		if chosen[s.Tokens[0]] {
			p.Selected = append(p.Selected, s)
		} else {
			p.Available = append(p.Available, s)
		}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	return p
}

// HandleNewApp shows the empty New Connected App form.
func HandleNewApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := page(d, r, "New Connected App")
		d.Pages.Render(w, http.StatusOK, "app_edit.html", newEditPage(c, appForm{}, nil))
	})
}

var apiNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$`)

// validate checks the form as Setup does and returns errors by field.
func (f appForm) validate() map[string]string {
	errs := map[string]string{}
	if f.Name == "" {
		errs["name"] = MsgRequired
	}
	switch {
	case f.APIName == "":
		errs["apiName"] = MsgRequired
	case len(f.APIName) > 80 || !apiNamePattern.MatchString(f.APIName):
		errs["apiName"] = MsgBadAPIName
	}
	if f.ContactEmail == "" {
		errs["contactEmail"] = MsgRequired
	} else if a, err := mail.ParseAddress(f.ContactEmail); err != nil || a.Address != f.ContactEmail || !strings.Contains(a.Address[strings.IndexByte(a.Address, '@'):], ".") {
		errs["contactEmail"] = MsgBadEmail
	}
	if !f.OAuthEnabled {
		return errs
	}
	switch urls := f.callbackURLs(); {
	case len(urls) == 0:
		errs["callbackUrl"] = MsgRequired
	case len(f.CallbackURL) > 2000:
		errs["callbackUrl"] = MsgCallbackTooLong
	default:
		for _, raw := range urls {
			u, err := url.Parse(raw)
			if err != nil || u.Scheme == "" || (u.Host == "" && (u.Scheme == "http" || u.Scheme == "https")) || strings.ContainsAny(raw, " \t") {
				errs["callbackUrl"] = MsgBadCallback + raw
				break
			}
		}
	}
	if len(f.Scopes) == 0 {
		errs["scopes"] = MsgNoScopes
	}
	return errs
}

func (f appForm) callbackURLs() []string {
	var out []string
	for _, line := range strings.Split(f.CallbackURL, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// HandleCreateApp saves a New Connected App form. On an error the form is
// shown again with everything typed and a message next to each bad field.
func HandleCreateApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "New Connected App")
		if !web.ParseForm(w, r, sess) {
			return
		}
		f := appForm{
			Name:         strings.TrimSpace(r.PostFormValue("name")),
			APIName:      strings.TrimSpace(r.PostFormValue("apiName")),
			ContactEmail: strings.TrimSpace(r.PostFormValue("contactEmail")),
			ContactPhone: strings.TrimSpace(r.PostFormValue("contactPhone")),
			Description:  r.PostFormValue("description"),
			CallbackURL:  r.PostFormValue("callbackUrl"),
			OAuthEnabled: r.PostFormValue("oauthEnabled") != "",
		}
		if f.APIName == "" && f.Name != "" {
			f.APIName = store.APIName(f.Name)
		}
		for _, v := range r.PostForm["scopes"] {
			for _, t := range strings.Fields(v) {
				if scope.Known(t) {
					f.Scopes = append(f.Scopes, t)
				}
			}
		}
		errs := f.validate()
		if len(errs) == 0 {
			app, err := d.Store.CreateApp(store.ConnectedApp{
				OrgID: sess.OrgID, Name: f.Name, APIName: f.APIName, ContactEmail: f.ContactEmail,
				Description: f.Description, OAuthEnabled: f.OAuthEnabled,
				CallbackURLs: f.callbackURLs(), Scopes: f.Scopes, Policy: store.DefaultAppPolicy(),
			})
			if err == nil {
				http.Redirect(w, r, SavedPath+"?applicationId="+app.ID, http.StatusFound)
				return
			}
			if !errors.Is(err, store.ErrConflict) {
				d.Log.Error("mocksf: create connected app", "err", err)
				http.Error(w, "could not save the connected app", http.StatusInternalServerError)
				return
			}
			errs["name"] = MsgDuplicateName
		}
		d.Pages.Render(w, http.StatusOK, "app_edit.html", newEditPage(c, f, errs))
	})
}

// appFor loads the app named by applicationId in the admin's org, or
// answers 404 itself.
func appFor(d Deps, w http.ResponseWriter, r *http.Request, sess store.Session, id string) (store.ConnectedApp, bool) {
	app, err := d.Store.AppByID(sess.OrgID, id)
	if err != nil {
		d.Pages.Render(w, http.StatusNotFound, "message.html", map[string]any{
			"Title": "Data Not Available", "Heading": "Data Not Available",
			"Message": "The data you were trying to access could not be found. It may be due to another user deleting the data or a system error.",
		})
		return store.ConnectedApp{}, false
	}
	return app, true
}

// HandleSaved shows the notice that changes take a while, with Continue.
func HandleSaved(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "New Connected App")
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, http.StatusOK, "app_saved.html", struct {
			chrome
			App store.ConnectedApp
		}{c, app})
	})
}

// HandleDetail is the app's page.
func HandleDetail(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected App")
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, http.StatusOK, "app_detail.html", struct {
			chrome
			App         store.ConnectedApp
			ScopeLabels []string
		}{c, app, scopeLabels(app.Scopes)})
	})
}

func scopeLabels(tokens []string) []string {
	var out []string
	for _, s := range scope.Catalog {
		for _, t := range tokens {
			if t == s.Tokens[0] {
				out = append(out, s.Picker())
				break
			}
		}
	}
	return out
}

// HandleManageConsumer emails the admin a verification code and shows the
// verification page, unless this session already verified for the app.
func HandleManageConsumer(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, sess, user := page(d, r, "Verify Your Identity")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := appFor(d, w, r, sess, r.PostFormValue("applicationId"))
		if !ok {
			return
		}
		if sess.Revealed[app.ID] {
			http.Redirect(w, r, ConsumerPath+"?applicationId="+app.ID, http.StatusFound)
			return
		}
		if err := d.Verifier.Send(r.Context(), sess.ID, user, "consumer:"+app.ID, "view the consumer details of a connected app"); err != nil {
			d.Log.Error("mocksf: consumer details verification mail", "err", err)
			http.Error(w, "We can't send your verification code right now. Try again later.", http.StatusServiceUnavailable)
			return
		}
		http.Redirect(w, r, VerifyPath+"?applicationId="+app.ID, http.StatusFound)
	})
}

func verifyPage(c chrome, sess store.Session, user store.User, appID, msg string) any {
	return map[string]any{
		"Title": "Verify Your Identity | Salesforce", "Setup": true, "Username": c.Username,
		"Purpose":     "view the consumer details of a connected app",
		"MaskedEmail": identity.MaskEmail(user.Email), "Error": msg, "CSRF": sess.CSRF,
		"Action": VerifyPath + "?applicationId=" + appID,
	}
}

// HandleVerifyPage shows the verification page for consumer details.
func HandleVerifyPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, user := page(d, r, "Verify Your Identity")
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, http.StatusOK, "verify.html", verifyPage(c, sess, user, app.ID, ""))
	})
}

// HandleVerify checks the code (or resends it) and reveals the details.
func HandleVerify(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, user := page(d, r, "Verify Your Identity")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		purpose := "consumer:" + app.ID
		if r.PostFormValue("resend") != "" {
			if err := d.Verifier.Send(r.Context(), sess.ID, user, purpose, "view the consumer details of a connected app"); err != nil {
				d.Log.Error("mocksf: resend consumer verification mail", "err", err)
				http.Error(w, "We can't send your verification code right now. Try again later.", http.StatusServiceUnavailable)
				return
			}
			http.Redirect(w, r, VerifyPath+"?applicationId="+app.ID, http.StatusFound)
			return
		}
		if err := d.Verifier.Check(sess.ID, purpose, r.PostFormValue("emc")); err != nil {
			d.Pages.Render(w, http.StatusOK, "verify.html", verifyPage(c, sess, user, app.ID, identity.Message(err)))
			return
		}
		if _, err := d.Store.UpdateSession(sess.ID, func(s *store.Session) { s.Revealed[app.ID] = true }); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, ConsumerPath+"?applicationId="+app.ID, http.StatusFound)
	})
}

// HandleConsumerDetails shows the Consumer Key and Secret to a session
// that verified for this app.
func HandleConsumerDetails(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Consumer Details")
		app, ok := appFor(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		if !sess.Revealed[app.ID] {
			http.Redirect(w, r, DetailPath+"?applicationId="+app.ID, http.StatusFound)
			return
		}
		d.Pages.Render(w, http.StatusOK, "consumer_details.html", struct {
			chrome
			App store.ConnectedApp
		}{c, app})
	})
}
