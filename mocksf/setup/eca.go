package setup

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// The External Client App pages' own strings, in one place. Salesforce's
// labels are in the templates as salesforce-today.md §1 gives them; the
// messages and notes here are mocksf's (unconfirmed) unless marked.
const (
	// MsgDuplicateECAName refuses a second app of the same name or API
	// name; the store keeps names unique across both kinds of app.
	MsgDuplicateECAName = "Error: Duplicate value: an app with this name or API name already exists."
	// MsgECADeleteNotice is the Delete confirmation's warning.
	MsgECADeleteNotice = "Deleting this external client app also revokes the access tokens and refresh tokens issued to it: every client using it must be authorized again with another app."
	// MsgAllowConnectedApps follows MsgCreationRestricted: the way out that
	// salesforce-today.md §1 documents.
	MsgAllowConnectedApps = "An admin can turn on Allow creation of connected apps in External Client App Settings."
	// MsgLightningApp is what View and Edit of a standard Lightning app in
	// App Manager show: mocksf lists them only so that App Manager looks
	// as it does in a real org.
	MsgLightningApp = "mocksf lists the org's standard Lightning apps in App Manager but does not simulate them: this app has nothing to view or edit here."
	// MsgAssignedUsersNote explains why Permitted Users picks users where
	// Salesforce picks profiles and permission sets.
	MsgAssignedUsersNote = "Admin approved users are pre-authorized: on Salesforce you pick profiles and permission sets; mocksf has no profiles, so you tick the users who may use the app, and they see no approval page."
	// MsgSettingsSaved confirms External Client App Settings.
	MsgSettingsSaved = "Your settings were saved."

	// ecaVerifyPurpose completes "You're trying to …" on Verify Your
	// Identity.
	ecaVerifyPurpose = "view the consumer key and secret of an external client app"
)

// Notes on the settings mocksf stores and shows but does not simulate.
const (
	NoteUnsimulatedFlow = "mocksf stores this setting and shows it; it does not serve this flow."
	NoteUnsimulated     = "mocksf stores this setting and shows it; it changes nothing in mocksf."
	NoteSessionTimeout  = "mocksf stores this setting and shows it; tokens follow the org's session timeout."
)

// Keys of ConnectedApp.Unsimulated an External Client App uses, named
// after the form fields.
const (
	unsimJWTAccessTokens = "jwtAccessTokens"
	unsimSessionTimeout  = "sessionTimeout"
)

// ecaNotes hands the notes to the templates.
type ecaNotes struct{ Flow, Setting, SessionTimeout, AssignedUsers string }

var notes = ecaNotes{NoteUnsimulatedFlow, NoteUnsimulated, NoteSessionTimeout, MsgAssignedUsersNote}

// ecaPagePaths hands the External Client App paths to the templates.
type ecaPagePaths struct {
	Manager, New, Detail, EditSettings, Policies, Consumer, Verify, Delete, Settings, AppManager, LightningApp string
}

var ecaPaths = ecaPagePaths{
	Manager: ECAManagerPath, New: ECANewPath, Detail: ECADetailPath, EditSettings: ECAEditSettingsPath,
	Policies: ECAPoliciesPath, Consumer: ECAConsumerPath, Verify: ECAVerifyPath, Delete: ECADeletePath,
	Settings: ECASettingsPath, AppManager: AppManagerPath, LightningApp: LightningAppPath,
}

// LightningAppPath is what View and Edit of a standard Lightning app in
// App Manager open (ours): a page saying mocksf does not simulate it. The
// query parameter app names it by developer name.
const LightningAppPath = "/lightning/setup/NavigationMenus/lightningApp"

// lightningApp is one of the org's standard Lightning apps.
type lightningApp struct{ Name, DeveloperName string }

// lightningApps are the standard Lightning apps a real org's App Manager
// lists besides its connected apps. The names are Salesforce's; the
// developer names are as commonly seen, unconfirmed.
var lightningApps = []lightningApp{
	{"Marketing", "Marketing"},
	{"Platform", "Platform"},
	{"Sales", "LightningSales"},
	{"Sales Console", "LightningSalesConsole"},
	{"Service", "Service"},
	{"Service Console", "LightningService"},
}

// ecaPage is what every External Client App page has besides the header.
type ecaPage struct {
	chrome
	ECA   ecaPagePaths
	Notes ecaNotes
}

func newECAPage(c chrome) ecaPage { return ecaPage{chrome: c, ECA: ecaPaths, Notes: notes} }

// lastModified is the Last Modified Date column. The store keeps no
// modification time, so an app's creation time stands in for it.
func lastModified(a store.ConnectedApp) string { return a.CreatedAt.Format("1/2/2006, 3:04 PM") }

// HandleECAManager is the External Client App Manager: the org's External
// Client Apps with their row menus, and New External Client App.
func HandleECAManager(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "External Client App Manager")
		var apps []store.ConnectedApp
		for _, a := range d.Store.Apps(sess.OrgID) {
			if a.External() {
				apps = append(apps, a)
			}
		}
		d.Pages.Render(w, r, http.StatusOK, "eca_manager.html", struct {
			ecaPage
			Apps []store.ConnectedApp
		}{newECAPage(c), apps})
	})
}

// appManagerRow is one row of App Manager: a connected app, an External
// Client App or a standard Lightning app.
type appManagerRow struct {
	Name, DeveloperName, AppType, LastModified string
	ID                                         string // the app's ID; "" for a Lightning app
	External, Lightning                        bool
}

// appManagerRows lists the org's apps of every kind, ordered by name as
// App Manager orders them.
func appManagerRows(apps []store.ConnectedApp) []appManagerRow {
	var rows []appManagerRow
	for _, a := range apps {
		row := appManagerRow{Name: a.Name, DeveloperName: a.APIName, AppType: "Connected", LastModified: lastModified(a), ID: a.ID}
		if a.External() {
			row.AppType, row.External = "External Client App", true
		}
		rows = append(rows, row)
	}
	for _, l := range lightningApps {
		rows = append(rows, appManagerRow{Name: l.Name, DeveloperName: l.DeveloperName, AppType: "Lightning", Lightning: true})
	}
	sortRows(rows)
	return rows
}

func sortRows(rows []appManagerRow) {
	// Insertion sort keeps equal names in their order (apps first); the
	// list is a few dozen rows at most.
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && strings.ToLower(rows[j].Name) < strings.ToLower(rows[j-1].Name); j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

// HandleLightningApp is View or Edit of a standard Lightning app in App
// Manager: a page that says mocksf does not simulate it.
func HandleLightningApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("app")
		for _, l := range lightningApps {
			if l.DeveloperName == name {
				c, _, _ := page(d, r, l.Name)
				message(d, w, r, c, http.StatusOK, l.Name, MsgLightningApp)
				return
			}
		}
		c, _, _ := page(d, r, "Data Not Available")
		message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
	})
}

// ecaDetailPage is the data of eca_detail.html.
type ecaDetailPage struct {
	ecaPage
	policySummary
	App             store.ConnectedApp
	Policies        bool // the Policies tab is open
	ScopeLabels     []string
	Certificate     *certificate
	JWTAccessTokens bool
	SessionTimeout  string
}

// HandleECADetail is the app's page with its Settings and Policies tabs
// (tab=settings, the default, or tab=policies).
func HandleECADetail(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "External Client App")
		app, ok := ecaKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		c.Title = app.Name + " | External Client App | Salesforce"
		p := ecaDetailPage{ecaPage: newECAPage(c), policySummary: summarizePolicy(d, sess.OrgID, app.Policy), App: app,
			Policies: r.URL.Query().Get("tab") == "policies", ScopeLabels: scopeLabels(app.Scopes),
			Certificate:     certificateSummary(app.Policy.CertificatePEM),
			JWTAccessTokens: app.Unsimulated[unsimJWTAccessTokens] == "true",
			SessionTimeout:  labelOf(sessionTimeouts, app.Unsimulated[unsimSessionTimeout]),
		}
		d.Pages.Render(w, r, http.StatusOK, "eca_detail.html", p)
	})
}

// HandleECAConsumer is Consumer Key and Secret, posted from the Settings
// tab into a new tab: it emails the admin a verification code and goes
// to the verification page, unless this session already verified for the
// app.
func HandleECAConsumer(d Deps) http.Handler { return ecaKind.handleConsumer(d) }

// HandleECAVerifyPage shows the verification page for the key and secret.
func HandleECAVerifyPage(d Deps) http.Handler { return ecaKind.handleVerifyPage(d) }

// HandleECAVerify checks the code (or resends it) and shows the key and
// secret, as HandleVerify does for a connected app.
func HandleECAVerify(d Deps) http.Handler { return ecaKind.handleVerify(d) }

// HandleECAConsumerDetails shows the consumer key and secret to a session
// that verified for this app; any other goes back to the Settings tab.
func HandleECAConsumerDetails(d Deps) http.Handler {
	return ecaKind.handleConsumerDetails(d, "Consumer Key and Secret", "eca_consumer.html", ecaSettingsURL)
}

// HandleECADeletePage asks the admin to confirm deleting the app.
func HandleECADeletePage(d Deps) http.Handler {
	return ecaKind.handleDeletePage(d, "Delete External Client App", MsgECADeleteNotice, ecaSettingsURL)
}

// HandleECADelete deletes the app with every code and token issued to it,
// and goes back to the External Client App Manager.
func HandleECADelete(d Deps) http.Handler {
	return ecaKind.handleDelete(d, "Delete External Client App", ECAManagerPath)
}

// ecaSettingsPage is the data of eca_settings.html.
type ecaSettingsPage struct {
	ecaPage
	AllowConnectedApps bool
	Saved              string
}

// HandleECASettings is External Client App Settings with Allow creation of
// connected apps, ticked when the org is not restricted.
func HandleECASettings(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "External Client App Settings")
		p := ecaSettingsPage{ecaPage: newECAPage(c), AllowConnectedApps: !d.restricted(sess.OrgID)}
		if r.URL.Query().Get("saved") == "1" {
			p.Saved = MsgSettingsSaved
		}
		d.Pages.Render(w, r, http.StatusOK, "eca_settings.html", p)
	})
}

// HandleSaveECASettings saves External Client App Settings: ticking Allow
// creation of connected apps lifts the org's restriction, unticking it
// restricts the org.
func HandleSaveECASettings(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "External Client App Settings")
		if !web.ParseForm(w, r, sess) {
			return
		}
		allow := r.PostFormValue("allowConnectedAppCreation") != ""
		if err := d.Store.SetRestrictConnectedApps(sess.OrgID, !allow); err != nil {
			message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
			return
		}
		http.Redirect(w, r, ECASettingsPath+"?saved=1", http.StatusFound)
	})
}

// restrictedNotice shows MsgCreationRestricted with the way to lift it:
// a link to External Client App Settings.
func restrictedNotice(d Deps, w http.ResponseWriter, r *http.Request, c chrome, status int) {
	d.Pages.Render(w, r, status, "eca_restricted.html", struct {
		ecaPage
		Notice, Allow string
	}{newECAPage(c), MsgCreationRestricted, MsgAllowConnectedApps})
}

// sessionTimeouts are the Timeout Value choices of the Policies tab, in
// minutes; "" is --None--, the org's session timeout.
var sessionTimeouts = []option{
	{"", "--None--", ""},
	{"15", "15 minutes", ""},
	{"30", "30 minutes", ""},
	{"60", "1 hour", ""},
	{"120", "2 hours", ""},
	{"240", "4 hours", ""},
	{"480", "8 hours", ""},
	{"720", "12 hours", ""},
	{"1440", "24 hours", ""},
}

// ecaDetailURL is the app's page on a tab.
func ecaDetailURL(id, tab string) string {
	return ECADetailPath + "?applicationId=" + url.QueryEscape(id) + "&tab=" + tab
}
