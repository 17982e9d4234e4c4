package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// shop is a small product that logs in by redirecting its own window
// (login: redirect), as the web-server flow's plain form does: its
// settings page takes the key and secret, Connect Salesforce goes to
// Salesforce's authorize endpoint, and the callback trades the code for
// a token and shows whom it is connected as.
func shop(t *testing.T, salesforce string) *httptest.Server {
	var mu sync.Mutex
	var key, secret, connected, problem string
	var srv *httptest.Server
	callback := func() string { return srv.URL + "/auth/salesforce/callback" }
	mux := http.NewServeMux()
	mux.HandleFunc("GET /settings", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, `<!DOCTYPE html><title>Shop</title><h1>Salesforce settings</h1><p>Paste the connected app's key and secret.</p>
<form method="post" action="/settings"><input id="key" name="key"><input id="secret" name="secret" type="password"><button id="save">Save</button></form>`)
		if key != "" {
			fmt.Fprint(w, `<p id="saved">Saved.</p><a class="connect" href="/auth/salesforce">Connect Salesforce</a>`)
		}
		fmt.Fprintf(w, `<p class="status">%s</p><p class="problem">%s</p>`, html.EscapeString(connected), html.EscapeString(problem))
	})
	mux.HandleFunc("POST /settings", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		key, secret = r.FormValue("key"), r.FormValue("secret")
		mu.Unlock()
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /auth/salesforce", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		q := url.Values{"response_type": {"code"}, "client_id": {key}, "redirect_uri": {callback()}}
		http.Redirect(w, r, salesforce+"/services/oauth2/authorize?"+q.Encode(), http.StatusFound)
	})
	mux.HandleFunc("GET /auth/salesforce/callback", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		user, err := func() (string, error) {
			res, err := http.PostForm(salesforce+"/services/oauth2/token", url.Values{"grant_type": {"authorization_code"},
				"code": {r.FormValue("code")}, "client_id": {key}, "client_secret": {secret}, "redirect_uri": {callback()}})
			if err != nil {
				return "", err
			}
			defer res.Body.Close()
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
				return "", fmt.Errorf("token: %d %v", res.StatusCode, err)
			}
			req, _ := http.NewRequest("GET", salesforce+"/services/oauth2/userinfo", nil)
			req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			res, err = http.DefaultClient.Do(req)
			if err != nil {
				return "", err
			}
			defer res.Body.Close()
			var info struct {
				PreferredUsername string `json:"preferred_username"`
			}
			err = json.NewDecoder(res.Body).Decode(&info)
			return info.PreferredUsername, err
		}()
		if err != nil {
			problem = err.Error()
		} else {
			connected = "Connected as " + user
		}
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// shopRedirectProfile is shop's profile.
const shopRedirectProfile = `name: Shop
url: %s
callback: /auth/salesforce/callback
login: redirect
steps:
  open: {url: /settings, selector: h1, text: Salesforce settings}
  consumerKey: {selector: "#key"}
  consumerSecret: {selector: "#secret"}
  save: {selector: "#save", label: Save, reloads: true}
  saved: {selector: "#saved"}
  loginWithSalesforce: {selector: "a.connect", label: Connect Salesforce}
  connectedAs: {selector: ".status", text: "Connected as {user}"}
`

// The Salesforce-side steps drive a product that logs in by redirecting
// its own window: the login page, the emailed code and Allow in the
// product's window, which is then back on the product; a second login,
// which Salesforce remembers, comes straight back. A profile's selector
// that matches nothing fails the step with the page's text.
func TestProfileSteps(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatalf("no chromium on PATH: make e2e installs it (make chromium): %v", err)
	}
	salesforce := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []\n")), mocksftest.WithConfig(func(c *mocksf.Config) { c.InstanceHosts = "shared" })).URL
	browserCtx, stopBrowser, err := StartBrowser(context.Background(), "", "", t.TempDir(), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer stopBrowser()
	product := shop(t, salesforce)
	profile, err := parseProfile("profiles/shop.yaml", fmt.Appendf(nil, shopRedirectProfile, product.URL))
	if err != nil {
		t.Fatal(err)
	}
	suite := &Suite{BrowserCtx: browserCtx, ResultsDir: t.TempDir(), Log: io.Discard, MocksfURL: salesforce,
		ClientURL: profile.URL, Product: profile, RunID: NewRunID()}

	t.Run("redirect login", func(t *testing.T) {
		w := newWorld(suite)
		defer w.close()
		steps := []struct {
			name string
			run  func() error
		}{
			{"org", func() error { return w.orgWithUsers("Acme", "admin@acme.test", "sync@acme.test") }},
			{"app", func() error { return w.connectedAppExists("Shop Sync") }},
			{"create the org", w.ensureOrg},
			{"open", w.opensSyncPage},
			{"save", w.savesCredentials},
			{"login", func() error { return w.clicks("Login with Salesforce") }},
			{"login page", w.popupShowsLogin},
			{"log in", func() error { return w.syncUserLogsIn("sync@acme.test", "Sync-Pass-1") }},
			{"verify", func() error { return w.entersEmailedCode("sync@acme.test") }},
			{"access page", func() error { return w.accessPageAsks("sync@acme.test") }},
			{"allow", func() error { return w.clicks("Allow") }},
			{"back on the product", w.popupCloses},
			{"connected", func() error { return w.productConnectedAs("sync@acme.test") }},
			// Salesforce remembers the browser and the approval: straight back.
			{"login again", func() error { return w.clicks("Login with Salesforce") }},
			{"nothing to do in Salesforce", func() error { return w.logsInInPopup("sync@acme.test", "Sync-Pass-1") }},
			{"back again", w.popupCloses},
			{"still connected", func() error { return w.productConnectedAs("sync@acme.test") }},
		}
		for _, s := range steps {
			if err := s.run(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		if w.popup != nil || w.current != w.main {
			t.Errorf("after the login the steps act in %v; want the product's window, and no pop-up", w.current.Name)
		}
		want := "the product Shop logs in by redirecting its own window (login: redirect in profiles/shop.yaml): there is no pop-up to close"
		if err := w.closesPopup(); err == nil || err.Error() != want {
			t.Errorf("closesPopup = %v; want %q", err, want)
		}
		want = "the product profile profiles/shop.yaml has no steps.fieldSync (the field sync's status): add it to the profile (docs/writing-scenarios.md, \"Testing your own product\"), or leave this step out of the product's scenarios"
		if err := w.fieldSyncFinishes(); err == nil || err.Error() != want {
			t.Errorf("fieldSyncFinishes = %v; want %q", err, want)
		}
	})

	t.Run("a selector that matches nothing", func(t *testing.T) {
		broken := *profile
		open := *profile.Steps.Open
		open.Click = []string{"#salesforce-menu"}
		broken.Steps.Open = &open
		w := newWorld(&Suite{BrowserCtx: browserCtx, ResultsDir: t.TempDir(), Log: io.Discard, MocksfURL: salesforce,
			ClientURL: profile.URL, Product: &broken, RunID: NewRunID()})
		defer w.close()
		err := w.opensSyncPage()
		var pe *pageError
		if !errors.As(err, &pe) {
			t.Fatalf("opensSyncPage = %v; want a *pageError", err)
		}
		if pe.Expected != "to click #salesforce-menu" || pe.Page.URL != product.URL+"/settings" || pe.Page.NearWhat != "the page" ||
			!strings.Contains(pe.Page.Near, "Paste the connected app's key and secret.") || !strings.Contains(pe.Error(), "not within 15s") {
			t.Errorf("the error says:\n%s\nwant what was expected (to click #salesforce-menu) and the page's text", pe)
		}
	})
}
