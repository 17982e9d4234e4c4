package setup_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

const seed = `
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: pw, admin: true}
    connectedApps:
      - {name: Product Sync, callbackUrls: ["https://example.com/cb"], scopes: [api]}
  - name: Globex
    users:
      - {username: admin@globex.test, password: pw, admin: true}
`

// restrictedOrg is a store with two orgs and a logged-in admin session in
// each, by org name.
func restrictedOrg(t *testing.T) (*store.Store, map[string]store.Session) {
	t.Helper()
	doc, err := store.ParseSeed([]byte(seed))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(nil)
	if _, err := st.Apply(doc); err != nil {
		t.Fatal(err)
	}
	sessions := map[string]store.Session{}
	for _, o := range st.Orgs() {
		admin := st.Users(o.ID)[0]
		sess := st.NewSession()
		sess, err := st.UpdateSession(sess.ID, func(s *store.Session) { s.UserID, s.OrgID, s.Verified = admin.ID, o.ID, true })
		if err != nil {
			t.Fatal(err)
		}
		sessions[o.Name] = sess
	}
	return st, sessions
}

// serve runs one request through the session and admin middleware, as
// mocksf's routes do (record), and returns its status and body.
func serve(t *testing.T, d setup.Deps, h http.Handler, sess store.Session, method, target string, form url.Values) (int, string) {
	t.Helper()
	rec := record(t, d, h, sess, method, target, form)
	return rec.Code, rec.Body.String()
}

func TestConnectedAppCreationRestriction(t *testing.T) {
	t.Parallel()
	restrictAcme := func(st *store.Store) func(string) bool {
		return func(orgID string) bool { o, err := st.Org(orgID); return err == nil && o.Name == "Acme" }
	}
	escaped := strings.NewReplacer("'", "&#39;").Replace(setup.MsgCreationRestricted)
	tests := []struct {
		name       string
		restrict   bool // use restrictAcme rather than nil
		org        string
		wantStatus int
		wantForm   bool
		wantSaved  bool
	}{
		{"restricted org, GET", true, "Acme", http.StatusOK, false, false},
		{"restricted org, POST", true, "Acme", http.StatusForbidden, false, false},
		{"other org, GET", true, "Globex", http.StatusOK, true, false},
		{"other org, POST", true, "Globex", http.StatusFound, false, true},
		{"no setting, GET", false, "Acme", http.StatusOK, true, false},
		{"no setting, POST", false, "Acme", http.StatusFound, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, sessions := restrictedOrg(t)
			d := setup.Deps{Store: st, Pages: web.NewPages(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if tt.restrict {
				d.RestrictConnectedApps = restrictAcme(st)
			}
			sess := sessions[tt.org]
			before := len(st.Apps(sess.OrgID))
			var status int
			var page string
			if strings.HasSuffix(tt.name, "GET") {
				status, page = serve(t, d, setup.HandleNewApp(d), sess, "GET", setup.EditPath, nil)
			} else {
				status, page = serve(t, d, setup.HandleCreateApp(d), sess, "POST", setup.EditPath, url.Values{
					"_CONFIRMATIONTOKEN": {sess.CSRF}, "name": {"Beacon"}, "contactEmail": {"admin@example.com"},
					"oauthEnabled": {"1"}, "callbackUrl": {"https://example.com/cb"}, "scopes": {"api"},
				})
			}
			if status != tt.wantStatus {
				t.Errorf("got status %d; want %d", status, tt.wantStatus)
			}
			if got := strings.Contains(page, `id="connectedAppForm"`); got != tt.wantForm {
				t.Errorf("got form shown %v; want %v", got, tt.wantForm)
			}
			restrictedShown := strings.Contains(page, escaped)
			if want := tt.restrict && tt.org == "Acme"; restrictedShown != want {
				t.Errorf("got the restriction message %v; want %v:\n%s", restrictedShown, want, page)
			}
			if saved := len(st.Apps(sess.OrgID)) - before; saved != map[bool]int{true: 1, false: 0}[tt.wantSaved] {
				t.Errorf("got %d apps saved; want saved %v", saved, tt.wantSaved)
			}
		})
	}
}

// Existing apps stay usable in a restricted org: App Manager, View, Edit,
// Manage and Delete still work.
func TestRestrictionLeavesExistingApps(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := setup.Deps{Store: st, Pages: web.NewPages(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		RestrictConnectedApps: func(string) bool { return true }}
	sess := sessions["Acme"]
	app := st.Apps(sess.OrgID)[0]
	id := "?applicationId=" + app.ID
	tests := []struct {
		name string
		h    http.Handler
		path string
		want string
	}{
		{"App Manager", setup.HandleAppManager(d), setup.AppManagerPath, `id="newConnectedApp"`},
		{"View", setup.HandleDetail(d), setup.DetailPath + id, `id="manageConsumerDetails"`},
		{"Edit", setup.HandleEditApp(d), setup.EditPath + id, `id="connectedAppForm"`},
		{"Manage", setup.HandleManageApp(d), setup.ManageAppPath + id, `id="editPolicies"`},
		{"Delete", setup.HandleDeletePage(d), setup.DeletePath + id, `id="confirmDelete"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, page := serve(t, d, tt.h, sess, "GET", tt.path, nil)
			if status != http.StatusOK || !strings.Contains(page, tt.want) {
				t.Errorf("got %d without %s; want 200 with it", status, tt.want)
			}
		})
	}
	status, _ := serve(t, d, setup.HandleUpdateApp(d), sess, "POST", setup.EditPath+id, url.Values{
		"_CONFIRMATIONTOKEN": {sess.CSRF}, "name": {"Product Sync 2"}, "apiName": {"Product_Sync_2"}, "contactEmail": {"admin@example.com"},
	})
	if got, _ := st.AppByKey(app.ConsumerKey); status != http.StatusFound || got.Name != "Product Sync 2" {
		t.Errorf("edit in a restricted org: got %d, name %q; want 302 and the new name", status, got.Name)
	}
}

// An admin sees and changes only the apps of their own org.
func TestAppsOfAnotherOrgAreNotFound(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := setup.Deps{Store: st, Pages: web.NewPages(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	acmeApp := st.Apps(sessions["Acme"].OrgID)[0]
	globex := sessions["Globex"]
	id := "?applicationId=" + acmeApp.ID
	post := url.Values{"_CONFIRMATIONTOKEN": {globex.CSRF}, "action": {"block"}, "permittedUsers": {"all"}, "refreshPolicy": {"immediately"},
		"name": {"Stolen"}, "apiName": {"Stolen"}, "contactEmail": {"x@example.com"}}
	tests := []struct {
		name, method, path string
		h                  http.Handler
	}{
		{"View", "GET", setup.DetailPath + id, setup.HandleDetail(d)},
		{"Edit", "GET", setup.EditPath + id, setup.HandleEditApp(d)},
		{"Save edit", "POST", setup.EditPath + id, setup.HandleUpdateApp(d)},
		{"Manage", "GET", setup.ManageAppPath + id, setup.HandleManageApp(d)},
		{"Block", "POST", setup.ManageAppPath + id, setup.HandleBlockApp(d)},
		{"Edit Policies", "GET", setup.PoliciesPath + id, setup.HandlePoliciesPage(d)},
		{"Save policies", "POST", setup.PoliciesPath + id, setup.HandleSavePolicies(d)},
		{"Delete page", "GET", setup.DeletePath + id, setup.HandleDeletePage(d)},
		{"Delete", "POST", setup.DeletePath + id, setup.HandleDeleteApp(d)},
		{"Consumer details", "GET", setup.ConsumerPath + id, setup.HandleConsumerDetails(d)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var form url.Values
			if tt.method == "POST" {
				form = post
			}
			status, page := serve(t, d, tt.h, globex, tt.method, tt.path, form)
			if status != http.StatusNotFound || !strings.Contains(page, "Data Not Available") {
				t.Errorf("got %d; want 404 Data Not Available", status)
			}
		})
	}
	if got, err := st.AppByKey(acmeApp.ConsumerKey); err != nil || got.Name != acmeApp.Name || got.Policy.Blocked {
		t.Errorf("another org's admin changed the app: %+v, %v", got, err)
	}
}
