package client_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

func TestNewServerConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     client.Config
		wantErr bool
	}{
		{"ok", client.Config{SalesforceURL: "https://login.salesforce.com", BaseURL: "http://127.0.0.1:9000"}, false},
		{"trailing slashes", client.Config{SalesforceURL: "https://login.salesforce.com/", BaseURL: "http://127.0.0.1:9000/"}, false},
		{"no salesforce URL", client.Config{BaseURL: "http://127.0.0.1:9000"}, true},
		{"no base URL", client.Config{SalesforceURL: "https://login.salesforce.com"}, true},
		{"relative salesforce URL", client.Config{SalesforceURL: "login.salesforce.com", BaseURL: "http://127.0.0.1:9000"}, true},
		{"ftp base URL", client.Config{SalesforceURL: "https://login.salesforce.com", BaseURL: "ftp://127.0.0.1"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, err := client.NewServer(tc.cfg)
			if (err != nil) != tc.wantErr {
				t.Fatalf("NewServer(%+v) error = %v; want error %v", tc.cfg, err, tc.wantErr)
			}
			if srv != nil {
				srv.Close()
			}
		})
	}
}

func TestNavigation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	noRedirect := h.newAgent().noRedirects()

	tests := []struct {
		path       string
		wantStatus int
		wantIn     []string
		wantHeader map[string]string
	}{
		{"/", http.StatusFound, nil, map[string]string{"Location": "/admin"}},
		{"/admin", http.StatusOK, []string{"<title>Admin · Beacon</title>", `id="nav-crm" href="/admin/crm"`, ">CRM</a>"}, nil},
		{"/admin/crm", http.StatusOK, []string{`id="crm-sync-salesforce" href="/admin/crm/salesforce"`, "Sync with Salesforce</a>"}, nil},
		{"/admin/crm/salesforce", http.StatusOK, []string{"<h1>Sync with Salesforce</h1>", `id="consumerKey" name="consumerKey"`,
			`<label for="consumerKey">Consumer Key</label>`, `<label for="consumerSecret">Consumer Secret</label>`,
			`id="consumerSecret" name="consumerSecret" type="password"`, `<button id="saveCredentials" type="submit">Save</button>`,
			`name="csrf_token"`, "/salesforce/getSfdcOAuthTokensRedirect",
			// The connection type: the user login by default, the client
			// credentials flow's My Domain URL and Connect hidden.
			`<input id="connectionUserLogin" name="connectionType" type="radio" value="userLogin" checked><label for="connectionUserLogin">User login (Login with Salesforce)</label>`,
			`<input id="connectionClientCredentials" name="connectionType" type="radio" value="clientCredentials"><label for="connectionClientCredentials">Integration user (client credentials flow)</label>`,
			`<div class="field" id="my-domain-field" data-connection="clientCredentials" hidden>`, `<label for="myDomainUrl">My Domain URL</label>`,
			`<div class="actions" data-connection="clientCredentials" hidden><button id="connectClientCredentials" type="submit" formaction="/admin/crm/salesforce/client-credentials">Connect</button></div>`}, nil},
		{"/healthz", http.StatusOK, []string{"ok"}, nil},
		{"/static/beacon.css", http.StatusOK, []string{"--brand"}, map[string]string{"Content-Type": "text/css; charset=utf-8"}},
		{"/static/salesforce.js", http.StatusOK, []string{"window.open('/salesforce/login?lang=' + encodeURIComponent(lang), 'sfdcLogin', 'popup,width=600,height=700')",
			// An answer without Beacon's error text shows the page's
			// data-http-error, in the page's language.
			"script.dataset.httpError", "httpError.replace('{status}', String(resp.status))"}, nil},
		{"/static/callback.js", http.StatusOK, []string{"postMessage(result, location.origin)", "window.close()"}, nil},
		{"/nowhere", http.StatusNotFound, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			r := noRedirect.get(tc.path)
			if r.status != tc.wantStatus {
				t.Fatalf("GET %s = %d; want %d", tc.path, r.status, tc.wantStatus)
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(r.body, s) {
					t.Errorf("GET %s: body lacks %q", tc.path, s)
				}
			}
			for k, v := range tc.wantHeader {
				if got := r.header.Get(k); got != v {
					t.Errorf("GET %s: %s = %q; want %q", tc.path, k, got, v)
				}
			}
		})
	}
}

func TestSecurityHeadersAndCookie(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.get("/admin/crm/salesforce")
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("Content-Security-Policy = %q; want script-src 'self'", csp)
	}
	for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
		if got := r.header.Get(k); got != want {
			t.Errorf("%s = %q; want %q", k, got, want)
		}
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"beacon_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("Set-Cookie = %q; want it to contain %q", cookie, want)
		}
	}
	if strings.Contains(r.body, "<script>") {
		t.Error("page has an inline script; the CSP forbids it")
	}
}

func TestFeatureDisabled(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{featureOff: true})
	page := h.get("/admin/crm/salesforce")
	if page.status != http.StatusOK {
		t.Fatalf("GET page = %d; want 200", page.status)
	}
	for _, want := range []string{`id="feature-disabled"`, "Enable OAuth for SFDC sync", "support"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, unwanted := range []string{`id="consumerKey"`, `id="consumerSecret"`, `id="saveCredentials"`, `id="loginWithSalesforce"`, "salesforce.js"} {
		if strings.Contains(page.body, unwanted) {
			t.Errorf("page has %q; want no credential form or login button", unwanted)
		}
	}

	csrf := h.csrf()
	if r := h.postForm("/admin/crm/salesforce", url.Values{"csrf_token": {csrf}, "consumerKey": {sfKey}, "consumerSecret": {"12345678"}}); r.status != http.StatusForbidden {
		t.Errorf("POST credentials = %d; want 403", r.status)
	}
	if r := h.get("/salesforce/login"); r.status != http.StatusForbidden {
		t.Errorf("GET /salesforce/login = %d; want 403", r.status)
	}
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusForbidden {
		t.Errorf("POST sync = %d; want 403", r.status)
	}
	if n := h.sf.requests(authorizePath); n != 0 {
		t.Errorf("mocksf saw %d authorize requests; want 0", n)
	}
}

func TestSaveCredentials(t *testing.T) {
	t.Parallel()
	validKey := sfKey
	tests := []struct {
		name      string
		key       string
		secret    string
		wantOK    bool
		wantError string
	}{
		{"valid", validKey, sfSecret, true, ""},
		{"valid after trimming", "  " + validKey + "\t", " " + sfSecret + " ", true, ""},
		{"valid hex secret", validKey, strings.Repeat("AB12", 16), true, ""},
		{"empty key", "", sfSecret, false, "Enter the Consumer Key."},
		{"blank key", "   ", sfSecret, false, "Enter the Consumer Key."},
		{"short key", "3MVG9short", sfSecret, false, "20 to 255 characters"},
		{"long key", strings.Repeat("a", 256), sfSecret, false, "20 to 255 characters"},
		{"key with a dash", "3MVG9-abcdefghijklmnopqrstuvwxyz", sfSecret, false, "letters, digits, dots and underscores"},
		{"key with a space", "3MVG9abcdefg hijklmnopqrstuvwxyz", sfSecret, false, "letters, digits, dots and underscores"},
		{"empty secret", validKey, "", false, "Enter the Consumer Secret."},
		{"short secret", validKey, "1234567", false, "8 to 255 characters"},
		{"secret with a space", validKey, "1234 5678", false, "without spaces"},
		{"long secret", validKey, strings.Repeat("9", 256), false, "8 to 255 characters"},
		{"both empty", "", "", false, "Enter the Consumer Secret."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := h.postForm("/admin/crm/salesforce", url.Values{"csrf_token": {h.csrf()}, "consumerKey": {tc.key}, "consumerSecret": {tc.secret}})
			if tc.wantOK {
				if r.status != http.StatusOK || !strings.Contains(r.body, `id="message" class="notice notice-ok" role="status">Credentials saved.</p>`) {
					t.Fatalf("save = %d; want the page with Credentials saved.\n%s", r.status, r.body)
				}
				secret := strings.TrimSpace(tc.secret)
				if strings.Contains(r.body, secret) {
					t.Error("page shows the saved secret in full")
				}
				if !strings.Contains(r.body, secret[len(secret)-4:]+"</span>") {
					t.Error("page does not show the masked secret's last 4 characters")
				}
				if !strings.Contains(r.body, `value="`+strings.TrimSpace(tc.key)+`"`) {
					t.Error("page does not show the saved key")
				}
				if !strings.Contains(r.body, `<button id="loginWithSalesforce" type="button" data-closed-message="The Salesforce login window closed before the login finished.`) ||
					!strings.Contains(r.body, `">Login with Salesforce</button>`) {
					t.Error("no Login with Salesforce button after saving")
				}
				// The notice shows once.
				if again := h.get("/admin/crm/salesforce"); strings.Contains(again.body, "Credentials saved.") {
					t.Error("Credentials saved. shows again on reload")
				}
				return
			}
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("save = %d; want 422", r.status)
			}
			if !strings.Contains(r.body, `<div id="error" class="notice notice-error" role="alert">`) || !strings.Contains(r.body, tc.wantError) {
				t.Errorf("page lacks a visible #error with %q:\n%s", tc.wantError, r.body)
			}
			if tc.key != "" && !strings.Contains(r.body, `value="`+strings.TrimSpace(tc.key)+`"`) {
				t.Error("the typed key is not kept")
			}
			if tc.secret != "" && strings.Contains(r.body, `value="`+tc.secret+`"`) {
				t.Error("the typed secret is echoed back")
			}
			if strings.Contains(r.body, `id="loginWithSalesforce"`) {
				t.Error("Login with Salesforce shows without saved credentials")
			}
		})
	}
}

func TestSaveCredentialsCSRF(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		token func(h *harness) string
	}{
		{"missing token", func(*harness) string { return "" }},
		{"wrong token", func(*harness) string { return "not-the-token" }},
		{"another session's token", func(h *harness) string {
			other := h.newAgent()
			return other.csrf()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.csrf() // start a session
			form := url.Values{"consumerKey": {sfKey}, "consumerSecret": {sfSecret}}
			if tok := tc.token(h); tok != "" {
				form.Set("csrf_token", tok)
			}
			r := h.postForm("/admin/crm/salesforce", form)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "CSRF token") {
				t.Fatalf("POST = %d; want 403 with a CSRF message\n%s", r.status, r.body)
			}
			if page := h.get("/admin/crm/salesforce"); strings.Contains(page.body, `id="loginWithSalesforce"`) {
				t.Error("credentials were saved despite the bad CSRF token")
			}
			// The JSON endpoints refuse too, in JSON.
			j := h.postAction("/admin/crm/salesforce/confirm", tc.token(h)+"x")
			if j.status != http.StatusForbidden || !strings.Contains(j.body, `"error"`) {
				t.Errorf("POST confirm = %d %s; want 403 JSON", j.status, j.body)
			}
		})
	}
}

func TestRequestBodyLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.csrf()
	r := h.postForm("/admin/crm/salesforce", url.Values{"consumerKey": {strings.Repeat("k", 100<<10)}})
	if r.status != http.StatusRequestEntityTooLarge {
		t.Fatalf("POST 100 KiB form = %d; want 413", r.status)
	}
}

func TestLoginRedirect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	if r := h.get("/salesforce/login"); r.status != http.StatusConflict {
		t.Errorf("login without credentials = %d; want 409", r.status)
	}
	h.saveCredentials(sfKey, sfSecret)
	h.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	first := h.get("/salesforce/login")
	if first.status != http.StatusFound {
		t.Fatalf("GET /salesforce/login = %d; want 302", first.status)
	}
	loc, err := url.Parse(first.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := loc.Scheme+"://"+loc.Host+loc.Path, h.sf.URL+authorizePath; got != want {
		t.Errorf("redirect to %s; want %s", got, want)
	}
	q := loc.Query()
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             sfKey,
		"redirect_uri":          h.clientURL + "/salesforce/getSfdcOAuthTokensRedirect",
		"scope":                 "api refresh_token id",
		"code_challenge_method": "S256",
		"display":               "popup",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("%s = %q; want %q", k, got, want)
		}
	}
	if len(q.Get("state")) < 32 {
		t.Errorf("state = %q; want a long random value", q.Get("state"))
	}
	if len(q.Get("code_challenge")) != 43 {
		t.Errorf("code_challenge = %q; want 43 base64url characters", q.Get("code_challenge"))
	}
	second := h.get("/salesforce/login")
	q2, _ := url.ParseQuery(strings.SplitN(second.header.Get("Location"), "?", 2)[1])
	if q2.Get("state") == q.Get("state") || q2.Get("code_challenge") == q.Get("code_challenge") {
		t.Error("two logins got the same state or challenge")
	}
}

func TestCallbackStateMismatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		state func(real string) string
		login bool
	}{
		{"wrong state", func(string) string { return "forged" }, true},
		{"empty state", func(string) string { return "" }, true},
		{"no login started", func(string) string { return "anything" }, false},
		{"state of another browser", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.saveCredentials(sfKey, sfSecret)
			h.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			realState := ""
			if tc.login {
				loc, _ := url.Parse(h.get("/salesforce/login").header.Get("Location"))
				realState = loc.Query().Get("state")
			}
			// A code as Salesforce's, which Beacon must never exchange.
			code := "aPrxNeverExchanged" + strings.Repeat("A", 60) + "=="
			browser := h.agent
			state := realState
			if tc.state != nil {
				state = tc.state(realState)
			} else {
				browser = h.newAgent() // the attacker's browser has the code and state but not the session
			}
			r := browser.get("/salesforce/getSfdcOAuthTokensRedirect?" + url.Values{"code": {code}, "state": {state}}.Encode())
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, "state mismatch") || !strings.Contains(r.body, `data-ok="false"`) {
				t.Errorf("callback = %d; want 400 with a state mismatch result\n%s", r.status, r.body)
			}
			if n := h.sf.grants("authorization_code"); n != 0 {
				t.Errorf("mocksf saw %d code exchanges; want none", n)
			}
			if p := h.get("/admin/crm/salesforce/pending"); p.status != http.StatusNotFound {
				t.Errorf("pending = %d; want 404", p.status)
			}
		})
	}
}

func TestCallbackExchange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	r := h.login("allow", nil)
	if r.status != http.StatusOK {
		t.Fatalf("callback = %d; want 200\n%s", r.status, r.body)
	}
	for _, want := range []string{`data-ok="true"`, `src="/static/callback.js"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("callback page lacks %q", want)
		}
	}
	if n := h.sf.grants("authorization_code"); n != 1 {
		t.Errorf("mocksf saw %d code exchanges; want 1", n)
	}
	p := h.get("/admin/crm/salesforce/pending")
	if p.status != http.StatusOK {
		t.Fatalf("pending = %d %s; want 200", p.status, p.body)
	}
	for _, want := range []string{`"username":"` + syncUser + `"`, `"organizationId":"` + h.sf.org.ID + `"`, `"userId":"` + h.sf.user().ID + `"`} {
		if !strings.Contains(p.body, want) {
			t.Errorf("pending = %s; want it to contain %s", p.body, want)
		}
	}
	// The identity URL is read once and kept.
	h.get("/admin/crm/salesforce/pending")
	if n := h.sf.requests(identityPath); n != 1 {
		t.Errorf("mocksf saw %d identity requests; want 1", n)
	}
}

func TestCallbackReplay(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	h.hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	authorize := h.get("/salesforce/login").header.Get("Location")
	callback := h.sf.Authorize(t, authorize, syncUser, syncPass).String()
	if !strings.HasPrefix(callback, h.clientURL+"/salesforce/getSfdcOAuthTokensRedirect?") {
		t.Fatalf("mocksf redirected to %q; want the callback", callback)
	}
	req, _ := http.NewRequest(http.MethodGet, callback, nil)
	if r := h.do(req); !strings.Contains(r.body, `data-ok="true"`) {
		t.Fatalf("callback = %d; want success\n%s", r.status, r.body)
	}
	req, _ = http.NewRequest(http.MethodGet, callback, nil)
	if r := h.do(req); r.status != http.StatusBadRequest || !strings.Contains(r.body, "state mismatch") {
		t.Errorf("replayed callback = %d; want 400 state mismatch", r.status)
	}
	if n := h.sf.grants("authorization_code"); n != 1 {
		t.Errorf("mocksf saw %d code exchanges; want 1", n)
	}
}

func TestCallbackBadSignature(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	h.sf.Fault(t, mocksftest.Rule{Path: tokenPath, BadSignature: true})
	r := h.login("allow", nil)
	if r.status != http.StatusBadGateway || !strings.Contains(r.body, "signature check") || !strings.Contains(r.body, `data-ok="false"`) {
		t.Fatalf("callback = %d; want 502 with a signature error\n%s", r.status, r.body)
	}
	if p := h.get("/admin/crm/salesforce/pending"); p.status != http.StatusNotFound {
		t.Errorf("pending = %d; want 404: the tokens must be discarded", p.status)
	}
}

func TestCallbackErrors(t *testing.T) {
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	callback := h.clientURL + "/salesforce/getSfdcOAuthTokensRedirect"
	tests := []struct {
		code, description string
		want              string
	}{
		{"access_denied", "end-user denied authorization", "You denied access in Salesforce. Click Login with Salesforce and choose Allow."},
		{"invalid_client_id", "client identifier invalid", "Wait a few minutes"},
		{"invalid_client", "invalid client credentials", "check the Consumer Secret"},
		{"redirect_uri_mismatch", "redirect_uri must match configuration", "Callback URL must be exactly " + callback},
		{"OAUTH_APP_BLOCKED", "this app is blocked by admin", "OAUTH_APP_BLOCKED: this app is blocked by admin"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			r := h.get("/salesforce/getSfdcOAuthTokensRedirect?" + url.Values{"error": {tc.code}, "error_description": {tc.description}, "state": {h.pendingState()}}.Encode())
			if !strings.Contains(r.body, `data-ok="false"`) || !strings.Contains(r.body, `data-error="`+tc.code+`"`) {
				t.Errorf("callback page lacks the result for the opener:\n%s", r.body)
			}
			if !strings.Contains(r.body, `<p id="error" class="notice notice-error" role="alert">`) || !strings.Contains(r.body, tc.want) {
				t.Errorf("callback page lacks %q for the admin:\n%s", tc.want, r.body)
			}
		})
	}

	// The same through the whole redirect chain: mocksf's authorize
	// endpoint answers with the error, as after Deny.
	authorize, _ := url.Parse(h.noRedirects().get("/salesforce/login").header.Get("Location"))
	denied := callback + "?" + url.Values{"error": {"access_denied"}, "error_description": {"end-user denied authorization"},
		"state": {authorize.Query().Get("state")}}.Encode()
	h.sf.Fault(t, mocksftest.Rule{Method: "GET", Path: authorizePath, Status: http.StatusFound, Headers: map[string]string{"Location": denied}, Times: 1})
	req, _ := http.NewRequest(http.MethodGet, authorize.String(), nil)
	r := h.do(req)
	if !strings.Contains(r.body, "You denied access in Salesforce.") {
		t.Errorf("denied login page lacks the explanation:\n%s", r.body)
	}
	if n := h.sf.grants("authorization_code"); n != 0 {
		t.Errorf("mocksf saw %d code exchanges; want none", n)
	}
}

func TestConfirmRunsFieldSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	csrf := h.connect()
	s := h.waitStatus("field sync", fieldSyncComplete)
	if want := "Connected as " + syncUser; s.Connection != want {
		t.Errorf("connection = %q; want %q", s.Connection, want)
	}
	if s.FieldSync.Text != "Field sync complete" {
		t.Errorf("field sync text = %q; want Field sync complete", s.FieldSync.Text)
	}
	want := []string{fmt.Sprintf("Lead: %d fields", h.sf.fieldCount(t, "Lead")), fmt.Sprintf("Contact: %d fields", h.sf.fieldCount(t, "Contact")),
		fmt.Sprintf("Account: %d fields", h.sf.fieldCount(t, "Account"))}
	for i, o := range s.FieldSync.Objects {
		if o.Text != want[i] {
			t.Errorf("object %d = %q; want %q", i, o.Text, want[i])
		}
	}
	if !s.Sync.CanStart || s.Sync.Text != "Not started" {
		t.Errorf("sync = %+v; want startable and Not started", s.Sync)
	}
	page := h.get("/admin/crm/salesforce").body
	for _, want := range []string{
		`<p id="connection">Connected as ` + syncUser + `</p>`,
		`<p id="field-sync-status">Field sync complete</p>`,
		`<li id="field-sync-Lead" data-phase="done">` + want[0] + `</li>`,
		`<button id="startSalesforceSync" type="button">Start Salesforce Sync</button>`,
		`<div id="sync-panel" class="panel" hidden>`,
		`<strong id="sync-status">Not started</strong>`,
		`<td id="count-Lead">0</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Nothing is pending any more.
	if r := h.postAction("/admin/crm/salesforce/confirm", csrf); r.status != http.StatusNotFound {
		t.Errorf("second confirm = %d; want 404", r.status)
	}
}

func TestCancelRevokes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	h.login("allow", nil)
	r := h.postAction("/admin/crm/salesforce/cancel", h.csrf())
	if r.status != http.StatusOK {
		t.Fatalf("cancel = %d %s; want 200", r.status, r.body)
	}
	h.beacon.Close() // waits for the revocation
	if got := h.sf.revoked(); len(got) != 1 || !strings.HasPrefix(got[0], "5Aep") {
		t.Errorf("revoked %q; want the refresh token", got)
	}
	if p := h.get("/admin/crm/salesforce/pending"); p.status != http.StatusNotFound {
		t.Errorf("pending = %d; want 404", p.status)
	}
	if s := h.status(); s.Connected {
		t.Error("connected after cancel")
	}
}

func TestStartSyncNeedsConnection(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.postAction("/admin/crm/salesforce/sync", h.csrf())
	if r.status != http.StatusConflict {
		t.Errorf("sync without a connection = %d %s; want 409", r.status, r.body)
	}
}

func TestRecordSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	leads := h.sf.addRecords(t, "Lead", 2500)
	h.sf.addRecords(t, "Contact", 3)
	h.sf.addRecords(t, "Account", 2)
	csrf := h.connect()
	h.waitStatus("field sync", fieldSyncComplete)

	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s; want 202", r.status, r.body)
	}
	s := h.waitStatus("first full pull", func(s status) bool { return s.Sync.State == "running" })
	wantCounts := map[string]int{"Lead": 2500, "Contact": 3, "Account": 2}
	for o, n := range wantCounts {
		if s.Sync.Counts[o] != n {
			t.Errorf("count %s = %d; want %d", o, s.Sync.Counts[o], n)
		}
	}
	if s.Sync.Text != "Sync running" || s.Sync.CanStart {
		t.Errorf("sync = %+v; want Sync running and not startable", s.Sync)
	}
	if n := h.sf.requests(mocksftest.QueryMorePath); n < 1 {
		t.Errorf("mocksf saw %d queryMore requests; want the second Lead page fetched", n)
	}
	queries := h.sf.Queries()
	wantFirst := []string{
		"SELECT Id, LastModifiedDate, FirstName, LastName, Company, Email FROM Lead ORDER BY LastModifiedDate",
		"SELECT Id, LastModifiedDate, FirstName, LastName, Email FROM Contact ORDER BY LastModifiedDate",
		"SELECT Id, LastModifiedDate, Name FROM Account ORDER BY LastModifiedDate",
	}
	for i, want := range wantFirst {
		if i >= len(queries) || queries[i] != want {
			t.Errorf("query %d = %q; want %q", i, queries[i], want)
		}
	}

	// A second start does not start a second sync.
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		t.Errorf("second start = %d; want 202", r.status)
	}

	// Changes flow in by incremental pulls, without duplicates.
	h.sf.UpdateRecord(t, h.sf.org.ID, "Lead", leads[0], map[string]any{"Email": "changed@example.com"})
	h.sf.addRecords(t, "Lead", 1)
	h.sf.addRecords(t, "Account", 1)
	s = h.waitStatus("incremental pull", func(s status) bool { return s.Sync.Counts["Lead"] == 2501 && s.Sync.Counts["Account"] == 3 })
	before := len(h.sf.Queries())
	h.waitStatus("another pull", func(status) bool { return len(h.sf.Queries()) >= before+6 })
	if s := h.status(); s.Sync.Counts["Lead"] != 2501 || s.Sync.Counts["Contact"] != 3 || s.Sync.Counts["Account"] != 3 {
		t.Errorf("counts after more pulls = %v; want Lead 2501, Contact 3, Account 3", s.Sync.Counts)
	}
	var incremental int
	for _, q := range h.sf.Queries()[3:] {
		if !strings.Contains(q, " WHERE LastModifiedDate > 2026-01-02T") {
			t.Errorf("later query %q is not incremental", q)
			break
		}
		incremental++
	}
	if incremental == 0 {
		t.Error("no incremental queries")
	}

	page := h.get("/admin/crm/salesforce").body
	for _, want := range []string{`<td id="count-Lead">2501</td>`, `<strong id="sync-status">Sync running</strong>`, `<div id="sync-panel" class="panel">`, `<button id="startSync" type="button" disabled>Start Sync</button>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestRefreshOnInvalidSession(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 10)
	csrf := h.connect()
	h.waitStatus("field sync", fieldSyncComplete)
	h.postAction("/admin/crm/salesforce/sync", csrf)
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })

	h.sf.expireSessions()
	h.sf.addRecords(t, "Lead", 5)
	s := h.waitStatus("pull after refresh", func(s status) bool { return s.Sync.Counts["Lead"] == 15 })
	if s.Sync.State != "running" || s.Sync.LastError != "" {
		t.Errorf("sync = %+v; want running without error", s.Sync)
	}
	if n := h.sf.grants("refresh_token"); n != 1 {
		t.Errorf("mocksf saw %d refreshes; want 1", n)
	}
}

func TestSyncErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		setup func(h *harness)
		want  string
	}{
		{"refresh token revoked", func(h *harness) {
			h.sf.refreshFails(h.t)
			h.sf.expireSessions()
		}, "Sync failed: Connection to Salesforce lost: log in again. Salesforce no longer accepts Beacon's refresh token (it was revoked or expired, or the sync user was deactivated): click Login with Salesforce."},
		{"API disabled", func(h *harness) {
			h.sf.apiDisabled(h.t)
		}, "Sync failed: API access is not enabled for the Salesforce sync user: enable API Enabled on its profile."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.sf.addRecords(t, "Contact", 1)
			csrf := h.connect()
			h.waitStatus("field sync", fieldSyncComplete)
			h.postAction("/admin/crm/salesforce/sync", csrf)
			h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
			tc.setup(h)
			s := h.waitStatus("failure", func(s status) bool { return s.Sync.State == "failed" })
			if s.Sync.Text != tc.want {
				t.Errorf("sync text = %q; want %q", s.Sync.Text, tc.want)
			}
			if !s.Sync.CanStart {
				t.Error("a failed sync cannot be started again")
			}
			page := h.get("/admin/crm/salesforce").body
			if !strings.Contains(page, fmt.Sprintf(`<strong id="sync-status">%s</strong>`, html.EscapeString(tc.want))) {
				t.Errorf("page lacks the failure in #sync-status")
			}
		})
	}
}

// The field sync fails with one explanation whether the org refuses the
// API (a fault) or the sync user has no API access (mocksf's own check),
// and the sync cannot start.
func TestFieldSyncAPIDisabled(t *testing.T) {
	t.Parallel()
	for name, world := range map[string]func(t *testing.T) *mocksfWorld{
		"org":  func(t *testing.T) *mocksfWorld { h := newHarness(t); h.sf.apiDisabled(t); return h.mocksfWorld },
		"user": func(t *testing.T) *mocksfWorld { return newMocksfWorld(t, mocksfOptions{apiEnabled: false}) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := world(t)
			w.connect()
			s := w.waitStatus("field sync failure", func(s status) bool { return s.FieldSync.State == "failed" })
			want := "Field sync failed: API access is not enabled for the Salesforce sync user: enable API Enabled on its profile."
			if s.FieldSync.Text != want {
				t.Errorf("field sync text = %q; want %q", s.FieldSync.Text, want)
			}
			if s.FieldSync.Complete || s.Sync.CanStart {
				t.Error("sync startable after a failed field sync")
			}
		})
	}
}
