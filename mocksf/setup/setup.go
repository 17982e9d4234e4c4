// Package setup serves the Salesforce Setup pages for connected apps
// (reference §10): Setup home, App Manager with its row menu, New and Edit
// Connected App with the OAuth settings, the notice after saving, the app's
// page, Manage Consumer Details behind an emailed verification code, Manage
// Connected Apps with Edit Policies and Block, and Delete; and the
// External Client App pages (salesforce-today.md §1, eca*.go): External
// Client App Manager, New External Client App, the app's Settings and
// Policies tabs, Consumer Key and Secret, Delete and External Client App
// Settings. It also serves the Lightning home page a login lands on, and
// builds what every Setup page's layout shows: the global header and
// Setup's tree in a left sidebar with Quick Find (page, Nav).
package setup

import (
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/locales"
	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Paths of the Setup pages, as on Salesforce where it has them. Pages that
// act on one app name it with the query parameter applicationId.
const (
	HomePath       = "/lightning/setup/SetupOneHome/home"
	AppManagerPath = "/lightning/setup/NavigationMenus/home"
	// ChoosePath is where New Connected App leads first: the choice
	// between an External Client App and a Connected App (reference §10.1).
	ChoosePath = "/app/mgmt/forceconnectedapps/chooseAppType.apexp"
	// EditPath is New Connected App; with applicationId it edits that app.
	EditPath     = "/app/mgmt/forceconnectedapps/forceAppEdit.apexp"
	SavedPath    = "/app/mgmt/forceconnectedapps/forceAppSaved.apexp"
	DetailPath   = "/app/mgmt/forceconnectedapps/forceAppDetail.apexp"
	ManagePath   = "/app/mgmt/forceconnectedapps/manageConsumer.apexp"
	VerifyPath   = "/app/mgmt/forceconnectedapps/verifyConsumer.apexp"
	ConsumerPath = "/app/mgmt/forceconnectedapps/consumerDetails.apexp"
	// DeletePath asks to confirm (GET) and deletes (POST).
	DeletePath = "/app/mgmt/forceconnectedapps/forceAppDelete.apexp"
	// ManageAppsPath is Setup → Manage Connected Apps.
	ManageAppsPath = "/lightning/setup/ConnectedApplication/home"
	// ManageAppPath is an app's Manage page (its policies); a POST there
	// blocks or unblocks the app.
	ManageAppPath = "/_ui/core/application/force/connectedapp/ForceConnectedApplicationPage/d"
	// PoliciesPath is Edit Policies on the Manage page.
	PoliciesPath = "/_ui/core/application/force/connectedapp/ForceConnectedApplicationPage/e"

	// LightningHomePath is the Lightning Experience home page, where a
	// login without a start URL lands (Salesforce's own path).
	LightningHomePath = "/lightning/page/home"

	// External Client Apps (salesforce-today.md §1). No source gives
	// Salesforce's paths for these pages; these are Lightning-shaped and
	// mocksf's own (docs/mocksf-pages.md). Pages that act on one app name
	// it with applicationId, as the connected-app pages do.
	//
	// ECAManagerPath is Setup → Apps → External Client Apps → External
	// Client App Manager, the list.
	ECAManagerPath = "/lightning/setup/ManageExternalClientApplication/home"
	// ECANewPath is New External Client App: the form (GET) and Create
	// (POST).
	ECANewPath = "/lightning/setup/ManageExternalClientApplication/new"
	// ECADetailPath is the app's page; tab=settings (default) or
	// tab=policies chooses its tab.
	ECADetailPath = "/lightning/setup/ManageExternalClientApplication/view"
	// ECAEditSettingsPath edits the Settings tab (GET form, POST save).
	ECAEditSettingsPath = "/lightning/setup/ManageExternalClientApplication/editSettings"
	// ECAPoliciesPath edits the Policies tab (GET form, POST save).
	ECAPoliciesPath = "/lightning/setup/ManageExternalClientApplication/editPolicies"
	// ECAConsumerPath is what Consumer Key and Secret opens in a new tab:
	// the emailed-code check, then the key and secret.
	ECAConsumerPath = "/lightning/setup/ManageExternalClientApplication/consumer"
	// ECAVerifyPath takes the emailed code for ECAConsumerPath.
	ECAVerifyPath = "/lightning/setup/ManageExternalClientApplication/verifyConsumer"
	// ECADeletePath asks to confirm (GET) and deletes (POST).
	ECADeletePath = "/lightning/setup/ManageExternalClientApplication/delete"
	// ECASettingsPath is Setup → External Client App Settings, with
	// Allow creation of connected apps.
	ECASettingsPath = "/lightning/setup/ExternalClientAppSettings/home"
)

// pagePaths hands the paths above to the templates, so a path changes in
// one place.
type pagePaths struct {
	Home, AppManager, Choose, Edit, Saved, Detail, ManageConsumer, Verify, Consumer, Delete, ManageApps, ManageApp, Policies string
}

var paths = pagePaths{
	Home: HomePath, AppManager: AppManagerPath, Choose: ChoosePath, Edit: EditPath, Saved: SavedPath, Detail: DetailPath,
	ManageConsumer: ManagePath, Verify: VerifyPath, Consumer: ConsumerPath, Delete: DeletePath,
	ManageApps: ManageAppsPath, ManageApp: ManageAppPath, Policies: PoliciesPath,
}

// Setup's messages, in one place. Those marked "unconfirmed" are ours:
// the reference (§10, §14) does not quote Salesforce's wording.
const (
	MsgRequired        = "Error: You must enter a value"
	MsgBadAPIName      = "Error: The API Name can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores."
	MsgDuplicateName   = "Error: Duplicate value: a connected app with this name or API name already exists."
	MsgBadEmail        = "Error: Invalid email address"
	MsgCallbackTooLong = "Error: Callback URL can't be longer than 2,000 characters."
	MsgBadCallback     = "Error: Invalid callback URL: "
	MsgNoScopes        = "Error: Select at least one OAuth scope."
	MsgNoPrivileges    = "You don't have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary."
	MsgInvalidData     = "Error: Invalid Data. Review all error messages below to correct your data."
	MsgNotFound        = "The data you were trying to access could not be found. It may be due to another user deleting the data or a system error."

	// Contact Phone, Logo Image URL and Info URL (unconfirmed).
	MsgPhoneTooLong = "Error: Contact Phone can't be longer than 40 characters."
	MsgBadURL       = "Error: Enter a complete URL that starts with http:// or https://."

	// MsgCreationRestricted is the Spring '26 notice shown instead of New
	// Connected App when the org restricts creation (reference §10.1; the
	// words the reference elides are filled in, unconfirmed).
	MsgCreationRestricted = "Connected apps creation is restricted. You can continue to use existing connected apps. However, we recommend using external client apps instead. If you must continue creating connected apps, contact Salesforce Support."

	// The New Connected App chooser (ours: Salesforce's dialog wording is
	// not in the reference).
	MsgChooseAppType = "Error: Choose the kind of app to create."

	// The client credentials security warning and its OK (unconfirmed).
	MsgClientCredentialsWarning = "Warning: The client credentials flow lets this connected app get access tokens with its consumer key and secret alone, with no user logging in. Anyone who holds the consumer secret can then work as the Run As user you choose under Manage > Edit Policies. Enable it only if you understand the security risks."
	MsgAcceptClientCredentials  = "Error: Read the warning about the client credentials flow and tick OK to enable it."

	// Use digital signatures (unconfirmed).
	MsgCertificateRequired = "Error: You must choose a certificate file to use digital signatures."
	MsgBadCertificate      = "Error: The file isn't a valid certificate. Upload an X.509 certificate in PEM format (a .crt file)."
	MsgCertificateTooLarge = "Error: The file is too large. Upload a certificate of at most 256 KB."
	MsgCertificateReupload = "Choose the certificate file again: a file isn't kept when a save fails."

	// Edit Policies. MsgBadPicklist is Salesforce's; the others are ours.
	MsgBadPicklist       = "Error: bad value for restricted picklist field: "
	MsgNoSuchUser        = "Error: No matching user found."
	MsgBadNumber         = "Error: Enter a whole number from 1 to 999."
	MsgAssignedUsersHelp = "Admin approved users are pre-authorized: only the users ticked here may use the app, and they see no approval page."
	MsgBlockedNotice     = "This app is blocked: every OAuth flow of it fails with OAUTH_APP_BLOCKED until you unblock it."
	MsgDeleteNotice      = "Deleting this connected app also revokes the access tokens and refresh tokens issued to it: every client using it must be authorized again with another app."

	// verifyPurpose completes "You're trying to …" on Verify Your Identity.
	verifyPurpose = "view the consumer details of a connected app"
)

// Deps are what the Setup pages need.
type Deps struct {
	Store    *store.Store
	Pages    *web.Pages
	Verifier *identity.Verifier
	Log      *slog.Logger
	// RestrictConnectedApps reports whether an org has Salesforce's
	// Spring '26 restriction on creating connected apps: New Connected App
	// then shows MsgCreationRestricted instead of the form and refuses a
	// POST, while existing apps can still be viewed, edited, managed and
	// deleted. nil means no org is restricted, the default.
	RestrictConnectedApps func(orgID string) bool
}

// restricted reports whether the org may not create connected apps.
func (d Deps) restricted(orgID string) bool {
	return d.RestrictConnectedApps != nil && d.RestrictConnectedApps(orgID)
}

// chrome is what every Setup page's layout shows: the global header and
// the Setup sidebar (web.Chrome), the title, and the CSRF token and paths
// its forms and links use.
type chrome struct {
	web.Chrome
	Title, QuickFind, CSRF string
	Paths                  pagePaths
}

// The Setup tree of the sidebar, in Salesforce's order and words (the
// entries with no page in mocksf are plain). The ids are what tests and
// the e2e steps click; externalClientAppSettingsNav is not
// externalClientAppSettings because that id may be used in the body of the
// External Client App Settings page.
var setupTree = []web.NavNode{
	{Label: "Administration", Children: []web.NavNode{
		{Label: "Users", Children: []web.NavNode{{Label: "Users", ID: "setupUsers"}}},
	}},
	{Label: "Platform Tools", Children: []web.NavNode{
		{Label: "Apps", Children: []web.NavNode{
			{Label: "App Manager", ID: "appManager", Href: AppManagerPath},
			{Label: "Connected Apps", Children: []web.NavNode{
				{Label: "Manage Connected Apps", ID: "manageConnectedApps", Href: ManageAppsPath},
			}},
			{Label: "External Client Apps", Children: []web.NavNode{
				{Label: "External Client App Manager", ID: "externalClientAppManager", Href: ECAManagerPath},
				{Label: "External Client App Settings", ID: "externalClientAppSettingsNav", Href: ECASettingsPath},
			}},
		}},
	}},
	{Label: "Settings", Children: []web.NavNode{
		{Label: "Company Settings", ID: "setupCompanySettings"},
		{Label: "Security", Children: []web.NavNode{{Label: "Session Settings", ID: "setupSessionSettings"}}},
	}},
}

// Nav returns the Setup sidebar for a Quick Find text: as on Salesforce,
// an entry stays when its label or the label of a section above it
// contains the text (any case), and a section stays when an entry under
// it does. The labels compared are the ones the page shows: shown turns
// an English label into the page's language (nil keeps it English), so a
// Dutch admin finds "Manager van externe client-apps" by its Dutch words,
// as the page's own script filters while one types. The entry whose path
// is active is marked.
func Nav(quickFind, active string, shown func(string) string) *web.Nav {
	if shown == nil {
		shown = func(label string) string { return label }
	}
	q := strings.ToLower(strings.TrimSpace(quickFind))
	var filter func(nodes []web.NavNode, above bool) []web.NavNode
	filter = func(nodes []web.NavNode, above bool) []web.NavNode {
		var out []web.NavNode
		for _, n := range nodes {
			hit := above || q == "" || strings.Contains(strings.ToLower(shown(n.Label)), q)
			n.Active = n.Href != "" && n.Href == active
			if len(n.Children) > 0 {
				n.Children = filter(n.Children, hit)
				if len(n.Children) == 0 {
					continue
				}
			} else if !hit {
				continue
			}
			out = append(out, n)
		}
		return out
	}
	nodes := filter(setupTree, false)
	return &web.Nav{QuickFind: strings.TrimSpace(quickFind), Nodes: nodes, NoMatch: len(nodes) == 0}
}

// RequireAdmin lets only a logged-in admin through; others go to the login
// page or see Insufficient Privileges. Setup's forms never leave mocksf, so
// its pages also allow form posts to mocksf alone (web.FormsStayOnSite).
func RequireAdmin(st *store.Store, pages *web.Pages) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return web.FormsStayOnSite(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sess, err := web.Session(st, r)
			if err != nil || !web.LoggedIn(sess) {
				http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
				return
			}
			user, err := st.User(sess.UserID)
			if err != nil || !user.Admin {
				pages.Render(w, r, http.StatusForbidden, "message.html", map[string]any{
					"Title": "Insufficient Privileges", "Heading": "Insufficient Privileges", "Message": MsgNoPrivileges,
				})
				return
			}
			next.ServeHTTP(w, r)
		}))
	}
}

// page returns the layout data for the current admin: every Setup page
// built on it gets the global header and the Setup sidebar.
func page(d Deps, r *http.Request, title string) (chrome, store.Session, store.User) {
	sess, _ := web.Session(d.Store, r)
	user, _ := d.Store.User(sess.UserID)
	return chrome{
		Chrome: web.Chrome{Setup: true, Username: user.Username, Initials: web.Initials(user.DisplayName()), AppName: "Setup",
			Nav: Nav("", r.URL.Path, nil)},
		Title: title + " | Salesforce", CSRF: sess.CSRF, Paths: paths,
	}, sess, user
}

// messagePage is the data of message.html inside the Setup layout.
type messagePage struct {
	chrome
	Heading, Message, Link, LinkText string
}

// message renders message.html inside the Setup layout.
func message(d Deps, w http.ResponseWriter, r *http.Request, c chrome, status int, heading, msg string) {
	d.Pages.Render(w, r, status, "message.html", messagePage{chrome: c, Heading: heading, Message: msg,
		Link: AppManagerPath, LinkText: "Back to App Manager"})
}

// HandleHome is Setup home. Its Quick Find text (q) filters the sidebar's
// tree, which the body repeats as the list of what matched.
func HandleHome(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _, _ := page(d, r, "Setup Home")
		c.QuickFind = strings.TrimSpace(r.URL.Query().Get("q"))
		c.Nav = Nav(c.QuickFind, r.URL.Path, locales.Catalogue.In(web.Language(r)).Text)
		d.Pages.Render(w, r, http.StatusOK, "setup_home.html", c)
	})
}

// HandleAppManager lists the org's apps of every kind, each with its row
// menu: connected apps, External Client Apps (whose menus lead to their
// own pages) and the standard Lightning apps a real org always has, with
// New Connected App and New External Client App.
func HandleAppManager(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "App Manager")
		d.Pages.Render(w, r, http.StatusOK, "app_manager.html", struct {
			ecaPage
			Rows []appManagerRow
		}{newECAPage(c), appManagerRows(d.Store.Apps(sess.OrgID))})
	})
}

// HandleSaved shows the notice that changes take a while, with Continue.
func HandleSaved(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "New Connected App")
		app, ok := connectedAppKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "app_saved.html", struct {
			chrome
			App store.ConnectedApp
		}{c, app})
	})
}

// HandleDetail is the app's page (View): its settings, the way to its
// consumer details, and Edit, Manage and Delete.
func HandleDetail(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected App")
		app, ok := connectedAppKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "app_detail.html", struct {
			chrome
			App         store.ConnectedApp
			ScopeLabels []string
			Certificate *certificate
			// Unsimulated and UnsimulatedNote show what mocksf stores
			// but does not simulate.
			Unsimulated     []unsimView
			UnsimulatedNote string
		}{c, app, scopeLabels(app.Scopes), certificateSummary(app.Policy.CertificatePEM),
			unsimViews(unsimFromApp(app.Unsimulated), nil), MsgUnsimulated})
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
func HandleManageConsumer(d Deps) http.Handler { return connectedAppKind.handleConsumer(d) }

// HandleVerifyPage shows the verification page for consumer details.
func HandleVerifyPage(d Deps) http.Handler { return connectedAppKind.handleVerifyPage(d) }

// HandleVerify checks the code (or resends it) and reveals the details.
func HandleVerify(d Deps) http.Handler { return connectedAppKind.handleVerify(d) }

// HandleConsumerDetails shows the Consumer Key and Secret to a session
// that verified for this app.
func HandleConsumerDetails(d Deps) http.Handler {
	return connectedAppKind.handleConsumerDetails(d, "Consumer Details", "consumer_details.html",
		func(id string) string { return DetailPath + "?applicationId=" + id })
}
