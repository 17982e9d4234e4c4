package mocksf_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Every page carries the Content-Security-Policy and X-Frame-Options;
// Setup pages, whose forms never leave mocksf, also restrict form-action.
func TestPagesSendSecurityHeaders(t *testing.T) {
	srv, ts := newServer(t)
	admin, token := adminBrowser(t, srv, ts)
	app := srv.Store().Apps(srv.Store().Orgs()[0].ID)[0]
	verifyForConsumer(t, srv, ts, admin, token, setup.ManagePath, setup.VerifyPath, app.ID)

	// The sync user stops on the login, verification and approval pages.
	anon := browser(t, ts)
	sync := browser(t, ts)
	resp, page := get(t, sync, oauthConfig(ts).AuthCodeURL("st4te"))
	syncToken := csrf(t, page)
	post(t, sync, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {syncToken}, "username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"},
		"startURL": {resp.Request.URL.Query().Get("startURL")}})

	tests := []struct {
		name    string
		c       *http.Client
		path    string
		wantCSP string
	}{
		{"login", anon, "/", web.ContentSecurityPolicy},
		{"Verify Your Identity", sync, login.VerifyPath, web.ContentSecurityPolicy},
		{"Setup home", admin, setup.HomePath, web.SetupContentSecurityPolicy},
		{"App Manager", admin, setup.AppManagerPath, web.SetupContentSecurityPolicy},
		{"chooser", admin, setup.ChoosePath, web.SetupContentSecurityPolicy},
		{"New Connected App", admin, setup.EditPath, web.SetupContentSecurityPolicy},
		{"Consumer Details", admin, setup.ConsumerPath + "?applicationId=" + app.ID, web.SetupContentSecurityPolicy},
		{"authorization error", anon, "/services/oauth2/authorize?response_type=code&client_id=3MVG9nope", web.ContentSecurityPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, tt.c, ts.URL+tt.path)
			if resp.Request.URL.Path != strings.SplitN(tt.path, "?", 2)[0] {
				t.Fatalf("got %s; want %s", resp.Request.URL.Path, tt.path)
			}
			checkSecurityHeaders(t, resp, tt.wantCSP)
		})
	}
	t.Run("Allow Access", func(t *testing.T) {
		resp, page := post(t, sync, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {syncToken},
			"emc": {srv.Mailer().Sent("sync@acme.test")[0].Code}})
		if !strings.Contains(page, `id="oaapprove"`) {
			t.Fatalf("got %s; want Allow Access", resp.Request.URL)
		}
		checkSecurityHeaders(t, resp, web.ContentSecurityPolicy)
	})
}

func checkSecurityHeaders(t *testing.T, resp *http.Response, wantCSP string) {
	t.Helper()
	if got := resp.Header.Get("Content-Security-Policy"); got != wantCSP {
		t.Errorf("got Content-Security-Policy %q; want %q", got, wantCSP)
	}
	if got := resp.Header.Get("X-Frame-Options"); got != "SAMEORIGIN" {
		t.Errorf("got X-Frame-Options %q; want SAMEORIGIN", got)
	}
}

// A browser verified with "Don't ask again" ticked goes straight through
// the next authorization: password, then the app (approved before).
func TestRememberedBrowserSkipsVerification(t *testing.T) {
	srv, ts := newServer(t)
	c := browser(t, ts)
	token, _, _ := typePassword(t, ts, c, "sync@acme.test", "Sync-Pass-1")
	resp, _ := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "daa": {"1"},
		"emc": {srv.Mailer().Sent("sync@acme.test")[0].Code}})
	if resp.Request.URL.Path != login.HomePath {
		t.Fatalf("got %s after verification; want %s", resp.Request.URL.Path, login.HomePath)
	}
	get(t, c, ts.URL+"/secur/logout.jsp")
	mailed := len(srv.Mailer().Sent("sync@acme.test"))

	resp, page := get(t, c, oauthConfig(ts).AuthCodeURL("st4te"))
	token = csrf(t, page)
	resp, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"},
		"startURL": {resp.Request.URL.Query().Get("startURL")}})
	if resp.Request.URL.Path != oauth.ApprovalPath || !strings.Contains(page, `id="oaapprove"`) {
		t.Errorf("got %s after the password; want Allow Access", resp.Request.URL.Path)
	}
	if got := len(srv.Mailer().Sent("sync@acme.test")); got != mailed {
		t.Errorf("got %d codes mailed; want none", got-mailed)
	}
}

// Manage Consumer Details tells a wrong code from an expired one and from
// too many, and Resend Code mails one that works.
func TestConsumerDetailsVerificationMessages(t *testing.T) {
	tests := []struct {
		name string
		fail func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client, target string, token string) string
		want string
	}{
		{"wrong code", func(t *testing.T, _ *mocksf.Server, _ *httptest.Server, c *http.Client, target, token string) string {
			_, page := post(t, c, target, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x"}})
			return page
		}, identity.MsgInvalidCode},
		{"expired code", func(t *testing.T, srv *mocksf.Server, _ *httptest.Server, c *http.Client, target, token string) string {
			srv.Clock().Advance(11 * time.Minute)
			_, page := post(t, c, target, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}})
			return page
		}, identity.MsgExpiredCode},
		{"too many wrong codes", func(t *testing.T, _ *mocksf.Server, _ *httptest.Server, c *http.Client, target, token string) string {
			var page string
			for range 5 {
				_, page = post(t, c, target, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x"}})
			}
			return page
		}, identity.MsgTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ts := newServer(t)
			c, token := adminBrowser(t, srv, ts)
			app := srv.Store().Apps(srv.Store().Orgs()[0].ID)[0]
			resp, page := post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {app.ID}})
			if resp.Request.URL.Path != setup.VerifyPath || strings.Contains(page, `id="daa"`) {
				t.Fatalf("got %s; want the verification page without Don't ask again", resp.Request.URL.Path)
			}
			target := ts.URL + setup.VerifyPath + "?applicationId=" + app.ID
			page = tt.fail(t, srv, ts, c, target, token)
			if !strings.Contains(html.UnescapeString(page), tt.want) {
				t.Fatalf("got page without %q:\n%s", tt.want, page)
			}
			mailed := len(srv.Mailer().Sent("admin@acme.test"))
			resp, _ = post(t, c, target, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
			if resp.Request.URL.Path != setup.VerifyPath || len(srv.Mailer().Sent("admin@acme.test")) != mailed+1 {
				t.Fatalf("got Resend Code at %s; want the verification page and a new mail", resp.Request.URL.Path)
			}
			resp, page = post(t, c, target, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}})
			if resp.Request.URL.Path != setup.ConsumerPath || !strings.Contains(page, app.ConsumerSecret) {
				t.Errorf("got %s after the resent code; want Consumer Details", resp.Request.URL.Path)
			}
		})
	}
}

// The org setting restrictConnectedApps, given when the org is created
// through the control API, shows in the org and restricts New Connected
// App in that org alone.
func TestRestrictConnectedAppsOrgSetting(t *testing.T) {
	srv, ts := newServer(t)
	body := `{"name": "Initech", "restrictConnectedApps": true, "users": [{"username": "admin@initech.test", "password": "Admin-Pass-1", "admin": true}]}`
	var org struct {
		Restrict bool `json:"restrictConnectedApps"`
	}
	if err := controlOf(ts).Do(context.Background(), "POST", "/__mocksf/orgs", json.RawMessage(body), http.StatusCreated, &org); err != nil || !org.Restrict {
		t.Fatalf("restrictConnectedApps %v, %v; want 201 and true", org.Restrict, err)
	}
	tests := []struct {
		username, password string
		wantRestricted     bool
	}{
		{"admin@initech.test", "Admin-Pass-1", true},
		{"admin@acme.test", "Admin-Pass-1", false},
	}
	for _, tt := range tests {
		t.Run(tt.username, func(t *testing.T) {
			c, token := loggedIn(t, srv, ts, tt.username, tt.password)
			resp, page := post(t, c, ts.URL+setup.ChoosePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "appType": {setup.AppTypeConnected}})
			restricted := strings.Contains(html.UnescapeString(page), setup.MsgCreationRestricted)
			if restricted != tt.wantRestricted {
				t.Errorf("got restriction message %v at %s; want %v", restricted, resp.Request.URL.Path, tt.wantRestricted)
			}
			if !tt.wantRestricted && !strings.Contains(page, `id="connectedAppForm"`) {
				t.Errorf("got %s; want the New Connected App form", resp.Request.URL.Path)
			}
			resp, _ = post(t, c, ts.URL+setup.EditPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon"},
				"contactEmail": {"a@example.com"}, "oauthEnabled": {"1"}, "callbackUrl": {"https://example.com/cb"}, "scopes": {"api"}})
			if got := resp.StatusCode == http.StatusForbidden; got != tt.wantRestricted {
				t.Errorf("got status %d for a posted form; want refused %v", resp.StatusCode, tt.wantRestricted)
			}
		})
	}
	var seeded store.Org
	for _, o := range srv.Store().Orgs() {
		if o.Name == "Acme" {
			seeded = o
		}
	}
	if seeded.RestrictConnectedApps {
		t.Errorf("got the seeded org restricted; want the setting off by default")
	}
}
