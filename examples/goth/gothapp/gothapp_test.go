package gothapp_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/examples/goth/gothapp"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// The documented flow's product half: save the connected app's
// credentials, Connect, the login page, the emailed verification code,
// Allow, and the callback shows the sync user and the first Leads, with
// one instance host for every org and with one per org.
func TestConnectShowsTheSyncUserAndTheFirstRecords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opts []mocksftest.Option
	}{
		{"shared instance host", nil},
		{"per-org instance hosts", []mocksftest.Option{mocksftest.WithConfig(perOrgHosts)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testConnect(t, newWorld(t, tc.opts...))
		})
	}
}

func testConnect(t *testing.T, w *world) {
	p := w.open()
	if got := text(p, "status"); got != "Not connected" {
		t.Errorf("status before connecting = %q; want Not connected", got)
	}
	if got := text(p, "callback_url"); got != w.app.CallbackURL {
		t.Errorf("shown Callback URL = %q; want %q", got, w.app.CallbackURL)
	}
	if !strings.Contains(p.Body, `value="`+w.srv.URL+`"`) {
		t.Errorf("the login URL field does not start with mocksf's URL %s", w.srv.URL)
	}

	p = w.save(w.key(), w.secret())
	if p.Status != http.StatusOK || text(p, "notice") != "Settings saved." {
		t.Fatalf("after Save: %d, notice %q, error %q; want Settings saved.", p.Status, text(p, "notice"), text(p, "error"))
	}
	if strings.Contains(p.Body, w.secret()) {
		t.Error("the page shows the saved Consumer Secret")
	}

	p = w.connect("allow")
	msgs, err := w.srv.Control.Mail(context.Background(), mail.Filter{Username: syncUser}, 0)
	if err != nil || len(msgs) != 1 {
		t.Errorf("mail to %s = %d messages, %v; want the one verification code", syncUser, len(msgs), err)
	}
	if p.Status != http.StatusOK || text(p, "error") != "" {
		t.Fatalf("callback: %d, error %q", p.Status, text(p, "error"))
	}
	if got, want := text(p, "status"), "Connected as "+syncUser; got != want {
		t.Errorf("status = %q; want %q", got, want)
	}
	if got := text(p, "org_id"); got != w.org.ID {
		t.Errorf("org id = %q; want %q", got, w.org.ID)
	}
	if got := text(p, "display_name"); got != "Sam Sync" {
		t.Errorf("display name = %q; want Sam Sync", got)
	}
	want := []string{"Ada Lovelace", "Grace Hopper", "Alan Turing"}
	if got := records(p); !slices.Equal(got, want) {
		t.Errorf("records = %q; want %q (records error %q)", got, want, text(p, "records_error"))
	}

	queries := w.srv.Requests(mocksftest.RequestFilter{Path: "/services/data/**"})
	if instance, _ := url.Parse(w.org.InstanceURL); len(queries) == 1 && queries[0].Host != instance.Host {
		t.Errorf("query sent to %s; want the org's instance host %s", queries[0].Host, instance.Host)
	}
	// urls.query ends in "/", which Salesforce serves as without it.
	if len(queries) != 1 || !strings.HasSuffix(queries[0].Path, "/v67.0/query/") || queries[0].Query["q"][0] != gothapp.DefaultQuery {
		t.Errorf("REST requests = %+v; want the one query", queries)
	}

	// The connection stays on the page.
	if got := text(w.open(), "status"); got != "Connected as "+syncUser {
		t.Errorf("page after the callback: status %q", got)
	}
}

// Connect sends this window (no pop-up) to mocksf's authorize endpoint
// with a 303, so that the browser GETs it, with the exact callback URL.
func TestConnectRedirectsThisWindowToTheAuthorizeURL(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.save(w.key(), w.secret())
	p, err := w.b.Get(context.Background(), w.app.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	_, fields, _ := p.Form("connect_form")
	noRedirects := *w.b.HTTP
	noRedirects.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirects.PostForm(w.app.URL+"/connect", fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || err != nil {
		t.Fatalf("POST /connect = %d to %q; want 303", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got, want := loc.Scheme+"://"+loc.Host+loc.Path, w.srv.URL+"/services/oauth2/authorize"; got != want {
		t.Errorf("redirect to %s; want %s", got, want)
	}
	q := loc.Query()
	for k, want := range map[string]string{"client_id": w.key(), "redirect_uri": w.app.CallbackURL, "response_type": "code", "scope": "api id refresh_token"} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q; want %q", k, got, want)
		}
	}
	if q.Get("state") == "" || q.Has("display") {
		t.Errorf("state %q, display %q; want a state and no display=popup", q.Get("state"), q.Get("display"))
	}
}

// Salesforce's refusals are explained on the product's page.
func TestLoginErrorsAreShownOnThePage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		secret    func(*world) string
		decision  string
		fault     *mocksftest.Rule
		wantCode  string
		wantError string
	}{
		{name: "denied", decision: "deny", wantCode: "access_denied",
			wantError: "You denied access in Salesforce (access_denied: end-user denied authorization). Click Connect to Salesforce and choose Allow."},
		{name: "wrong secret", secret: func(*world) string { return strings.Repeat("F", 64) }, decision: "allow", wantCode: "invalid_client",
			wantError: "Salesforce rejected the Consumer Secret (invalid_client: invalid client credentials)."},
		// Salesforce answers invalid_client_id at the token endpoint while
		// a new app propagates (docs/mocksf-oauth.md); at the authorize
		// endpoint it shows its own error page, which the product never
		// sees.
		{name: "key not active yet", decision: "allow", fault: &mocksftest.Rule{Path: "/services/oauth2/token", OAuthError: "invalid_client_id", Times: 2},
			wantCode: "invalid_client_id", wantError: "Salesforce does not recognize the Consumer Key (invalid_client_id: client identifier invalid)."},
		// goth's Session.Authorize asserts the token's "id" is a string:
		// the product turns that panic into a message.
		{name: "token answer without id", decision: "allow", fault: &mocksftest.Rule{Path: "/services/oauth2/token", Times: 1, Status: 200,
			Body: `{"access_token":"00Dx!AQ","token_type":"Bearer","instance_url":"http://localhost:1","issued_at":"1","signature":"x"}`},
			wantCode: "no_identity", wantError: "Salesforce's token answer lacks the identity URL (id)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			secret := w.secret()
			if tc.secret != nil {
				secret = tc.secret(w)
			}
			w.save(w.key(), secret)
			if tc.fault != nil {
				w.srv.Fault(t, *tc.fault)
			}
			p := w.connect(tc.decision)
			if got := text(p, "error"); !strings.HasPrefix(got, tc.wantError) {
				t.Errorf("error = %q; want it to start %q", got, tc.wantError)
			}
			if got := errorCode(p); got != tc.wantCode {
				t.Errorf("data-error = %q; want %q", got, tc.wantCode)
			}
			if got := text(p, "status"); got != "Not connected" {
				t.Errorf("status = %q; want Not connected", got)
			}
		})
	}
}

// A query Salesforce refuses leaves the login good and says why.
func TestRecordsErrorKeepsTheConnection(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.save(w.key(), w.secret())
	w.srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 1})
	p := w.connect("allow")
	if got := text(p, "status"); got != "Connected as "+syncUser {
		t.Errorf("status = %q; want Connected as %s (error %q)", got, syncUser, text(p, "error"))
	}
	if got := text(p, "records_error"); !strings.HasPrefix(got, "Reading the first records failed: REQUEST_LIMIT_EXCEEDED: ") {
		t.Errorf("records error = %q; want Salesforce's REQUEST_LIMIT_EXCEEDED", got)
	}
	if got := records(p); len(got) != 0 {
		t.Errorf("records = %q; want none", got)
	}
}

// A form without the browser's CSRF token, or posted from another site,
// changes nothing and says why.
func TestFormsRefuseAMissingCSRFToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.open() // the browser has a session, hence a token
	settings := url.Values{"consumer_key": {w.key()}, "consumer_secret": {w.secret()}, "login_url": {w.srv.URL}}
	withToken := func(token string) url.Values {
		v := url.Values{"csrf_token": {token}}
		for k, vs := range settings {
			v[k] = vs
		}
		return v
	}
	for _, tc := range []struct {
		name   string
		path   string
		fields url.Values
		header http.Header
	}{
		{"save without a token", "/settings", settings, nil},
		{"save with another token", "/settings", withToken("not-the-token"), nil},
		{"connect without a token", "/connect", nil, nil},
		{"save from another site", "/settings", settings, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := w.post(tc.path, tc.fields, tc.header)
			if p.Status != http.StatusForbidden || errorCode(p) != "csrf" {
				t.Errorf("POST %s = %d, data-error %q; want 403 csrf", tc.path, p.Status, errorCode(p))
			}
			if got := text(p, "error"); !strings.Contains(got, "missing or invalid CSRF token") {
				t.Errorf("error = %q; want the CSRF explanation", got)
			}
		})
	}
	if p := w.open(); strings.Contains(p.Body, w.key()) {
		t.Error("a refused Save stored the Consumer Key")
	}
}

func TestSaveChecksTheSettings(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	for _, tc := range []struct {
		name, key, secret, loginURL, want string
	}{
		{"no key", "", "secret-123", "http://127.0.0.1:1", "Enter the Consumer Key."},
		{"no secret", "KEY_1234567890", "", "http://127.0.0.1:1", "Enter the Consumer Secret."},
		{"login URL without a host", "KEY_1234567890", "secret-123", "login.salesforce.com", "The Salesforce login URL must be"},
		{"login URL with a query", "KEY_1234567890", "secret-123", "https://login.salesforce.com/?x=1", "The Salesforce login URL must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := w.submit(w.open(), "settings_form", url.Values{"consumer_key": {tc.key}, "consumer_secret": {tc.secret}, "login_url": {tc.loginURL}})
			if p.Status != http.StatusBadRequest || !strings.HasPrefix(text(p, "error"), tc.want) {
				t.Errorf("Save = %d, error %q; want 400 %q", p.Status, text(p, "error"), tc.want)
			}
		})
	}
	// An empty secret keeps the saved one.
	w.save(w.key(), w.secret())
	if p := w.save(w.key(), ""); text(p, "notice") != "Settings saved." {
		t.Fatalf("Save with the secret left empty: error %q", text(p, "error"))
	}
	if p := w.connect("allow"); text(p, "status") != "Connected as "+syncUser {
		t.Errorf("after keeping the secret: status %q, error %q", text(p, "status"), text(p, "error"))
	}
}

func TestPagesWithoutALoginInProgress(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	cb := w.app.CallbackURL
	for _, tc := range []struct {
		name, url   string
		save        bool
		status      int
		code, error string
	}{
		{"connect before saving", "", false, http.StatusBadRequest, "no_credentials", "Save the Consumer Key and Consumer Secret first"},
		{"a callback nobody started", cb + "?code=aPrx&state=forged", true, http.StatusBadRequest, "state_mismatch", "This callback does not belong to a login started in this browser"},
		// An error redirect is believed only for a login of this browser.
		{"a forged error", cb + "?error=access_denied&state=forged", true, http.StatusBadRequest, "state_mismatch", "This callback does not belong"},
		{"no such page", w.app.URL + "/nowhere", false, http.StatusNotFound, "not_found", "There is no page at /nowhere"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.save {
				w.save(w.key(), w.secret())
			}
			var p mocksfclient.Page
			if tc.url == "" {
				p = w.submit(w.open(), "connect_form", nil)
			} else {
				var err error
				if p, err = w.b.Get(context.Background(), tc.url); err != nil {
					t.Fatal(err)
				}
			}
			if p.Status != tc.status || errorCode(p) != tc.code || !strings.HasPrefix(text(p, "error"), tc.error) {
				t.Errorf("got %d %q %q; want %d %q %q", p.Status, errorCode(p), text(p, "error"), tc.status, tc.code, tc.error)
			}
		})
	}
}

// Two products in one process, each against its own mocksf: goth's
// package-level Salesforce URLs and provider registry do not mix them.
func TestTwoProductsInOneProcess(t *testing.T) {
	t.Parallel()
	a, b := newWorld(t), newWorld(t)
	a.save(a.key(), a.secret())
	b.save(b.key(), b.secret())
	for _, w := range []*world{a, b} {
		p := w.connect("allow")
		if got := text(p, "org_id"); got != w.org.ID {
			t.Errorf("org id = %q; want its own mocksf's %q (error %q)", got, w.org.ID, text(p, "error"))
		}
	}
}

func TestNewChecksTheConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  gothapp.Config
		want string
	}{
		{"no base or callback URL", gothapp.Config{}, "BaseURL or CallbackURL is required"},
		{"relative callback URL", gothapp.Config{CallbackURL: "/cb"}, "must be an absolute URL"},
		{"bad login URL", gothapp.Config{BaseURL: "http://127.0.0.1:1", LoginURL: "ftp://x"}, "LoginURL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := gothapp.New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New = %v; want an error with %q", err, tc.want)
			}
		})
	}
}
