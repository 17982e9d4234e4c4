package mocksf_test

// Login IP Ranges (an org setting standing in for the profile's) and a
// connected app's IP Relaxation policy, over HTTP: the login page, the
// password and refresh token grants, Edit Policies and the control API.
// The test server listens on 127.0.0.1, so that is every client's address.

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

// descIPRestricted is Salesforce's token error for a user outside the
// org's Login IP Ranges (reference §1.4, §11).
const descIPRestricted = "IP restricted or invalid login hours"

// restrictOrg sets the test org's Login IP Ranges (none: no restriction)
// and turns on the username-password flow.
func restrictOrg(t *testing.T, srv *mocksf.Server, ranges ...string) {
	t.Helper()
	var prefixes []netip.Prefix
	for _, r := range ranges {
		prefixes = append(prefixes, netip.MustParsePrefix(r))
	}
	org := srv.Store().Orgs()[0]
	if _, err := srv.Store().UpdateOrg(org.ID, func(o *store.Org) {
		o.LoginIPRanges, o.AllowPasswordFlow = store.NewIPRanges(prefixes...), true
	}); err != nil {
		t.Fatal(err)
	}
}

// setIPRelaxation sets the test app's IP Relaxation.
func setIPRelaxation(t *testing.T, srv *mocksf.Server, mode string) {
	t.Helper()
	updateApp(t, srv, func(a *store.ConnectedApp) { a.Policy.IPRelaxation = mode })
}

// postLogin posts the login form of a fresh page at pageURL (the login
// page, or an authorize request that leads to it) with extra headers, and
// returns where it ended and the page.
func postLogin(t *testing.T, ts *httptest.Server, c *http.Client, pageURL, username, password string, header http.Header) (*http.Response, string) {
	t.Helper()
	resp, page := get(t, c, pageURL)
	form := url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {username}, "pw": {password},
		"startURL": {resp.Request.URL.Query().Get("startURL")}}
	req, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// loginError is the text of the login page's #error, or "".
func loginError(page string) string {
	const open = `<div id="error" class="error loginError" role="alert">`
	i := strings.Index(page, open)
	if i < 0 {
		return ""
	}
	rest := page[i+len(open):]
	return html.UnescapeString(rest[:strings.Index(rest, "<")])
}

func TestLoginIPRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		ranges   []string
		password string
		header   http.Header
		want     string // the login page's error; "" means on to Verify Your Identity
	}{
		{"no ranges", nil, "Sync-Pass-1", nil, ""},
		{"outside the ranges", []string{"10.0.0.0/8", "192.168.1.10/32"}, "Sync-Pass-1", nil, login.MsgIPRestricted},
		{"inside a /32", []string{"10.0.0.0/8", "127.0.0.1/32"}, "Sync-Pass-1", nil, ""},
		{"inside a /8", []string{"127.0.0.0/8"}, "Sync-Pass-1", nil, ""},
		{"IPv6 range only", []string{"::1/128"}, "Sync-Pass-1", nil, login.MsgIPRestricted},
		{"wrong password outside the ranges", []string{"10.0.0.0/8"}, "wrong", nil, login.MsgBadCredentials},
		{"X-Forwarded-For names an allowed address", []string{"10.0.0.0/8"}, "Sync-Pass-1",
			http.Header{"X-Forwarded-For": {"10.1.2.3"}, "X-Real-Ip": {"10.1.2.3"}}, login.MsgIPRestricted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			restrictOrg(t, srv, tt.ranges...)
			c := browser(t, ts)
			resp, page := postLogin(t, ts, c, ts.URL+"/", "sync@acme.test", tt.password, tt.header)
			if got := loginError(page); got != tt.want {
				t.Errorf("got error %q at %s; want %q", got, resp.Request.URL.Path, tt.want)
			}
			onVerify := resp.Request.URL.Path == login.VerifyPath
			if onVerify != (tt.want == "") {
				t.Errorf("got %s; want Verify Your Identity %v", resp.Request.URL.Path, tt.want == "")
			}
			mails := len(srv.Mailer().Sent("sync@acme.test"))
			if wantMails := map[bool]int{true: 1, false: 0}[tt.want == ""]; mails != wantMails {
				t.Errorf("got %d verification mails; want %d", mails, wantMails)
			}
			if sess := sessionOf(t, srv, ts, c); tt.want != "" && sess.UserID != "" {
				t.Errorf("a refused login left user %s in the session", sess.UserID)
			}
		})
	}
}

// IP Relaxation "Relax IP restrictions" lets a login through that
// continues an authorization request of the app; the other policies, and
// a login that is not for the app, are refused.
func TestLoginIPRelaxation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode      string
		fromOAuth bool
		want      string
	}{
		{store.IPEnforce, true, login.MsgIPRestricted},
		{"", true, login.MsgIPRestricted},
		{store.IPEnforceRelaxRefresh, true, login.MsgIPRestricted},
		{store.IPRelax, true, ""},
		{store.IPRelax, false, login.MsgIPRestricted},
	}
	for _, tt := range tests {
		name := tt.mode
		if !tt.fromOAuth {
			name += " without authorize"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			restrictOrg(t, srv, "10.0.0.0/8")
			setIPRelaxation(t, srv, tt.mode)
			c := browser(t, ts)
			pageURL := ts.URL + "/"
			if tt.fromOAuth {
				pageURL = authorizeURL(ts)
			}
			resp, page := postLogin(t, ts, c, pageURL, "sync@acme.test", "Sync-Pass-1", nil)
			if got := loginError(page); got != tt.want {
				t.Errorf("got error %q at %s; want %q", got, resp.Request.URL.Path, tt.want)
			}
			if tt.want == "" && resp.Request.URL.Path != login.VerifyPath {
				t.Errorf("got %s; want Verify Your Identity", resp.Request.URL.Path)
			}
		})
	}
}

// The password and refresh token grants obey the org's Login IP Ranges
// unless the app's IP Relaxation lifts them; the authorization code
// exchange does not (the browser's address was checked at login).
func TestTokenGrantsUnderLoginIPRanges(t *testing.T) {
	srv, ts := newServer(t)
	c := browser(t, ts)
	loc := authorize(t, srv, ts, c, oauthConfig(ts), "allow")
	status, tokens := tokenCall(t, ts, exchangeForm(loc.Query().Get("code")))
	refreshToken, _ := tokens["refresh_token"].(string)
	if status != http.StatusOK || refreshToken == "" {
		t.Fatalf("got %d %v; want tokens with a refresh token", status, tokens)
	}
	code := codeFor(t, c, authorizeURL(ts))

	restrictOrg(t, srv, "10.0.0.0/8")
	if status, m := tokenCall(t, ts, exchangeForm(code)); status != http.StatusOK {
		t.Errorf("code exchange outside the ranges: got %d %v; want 200", status, m)
	}

	passwordForm := url.Values{"grant_type": {"password"}, "client_id": {testKey}, "client_secret": {testSecret},
		"username": {"sync@acme.test"}, "password": {"Sync-Pass-1"}}
	refreshForm := url.Values{"grant_type": {"refresh_token"}, "client_id": {testKey}, "client_secret": {testSecret},
		"refresh_token": {refreshToken}}
	tests := []struct {
		name                      string
		ranges                    []string
		mode                      string
		wantPassword, wantRefresh bool
	}{
		{"no ranges", nil, store.IPEnforce, true, true},
		{"inside the ranges", []string{"10.0.0.0/8", "127.0.0.1/32"}, store.IPEnforce, true, true},
		{"enforce", []string{"10.0.0.0/8"}, store.IPEnforce, false, false},
		{"unset is enforce", []string{"10.0.0.0/8"}, "", false, false},
		{"enforce, relax for refresh", []string{"10.0.0.0/8"}, store.IPEnforceRelaxRefresh, false, true},
		{"relax", []string{"10.0.0.0/8"}, store.IPRelax, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			restrictOrg(t, srv, tt.ranges...)
			setIPRelaxation(t, srv, tt.mode)
			for _, g := range []struct {
				grant string
				form  url.Values
				want  bool
			}{{"password", passwordForm, tt.wantPassword}, {"refresh_token", refreshForm, tt.wantRefresh}} {
				status, m := tokenCall(t, ts, g.form)
				switch {
				case g.want && status != http.StatusOK:
					t.Errorf("%s grant: got %d %v; want 200", g.grant, status, m)
				case !g.want:
					wantTokenError(t, status, m, "invalid_grant", descIPRestricted)
				}
			}
		})
	}

	t.Run("X-Forwarded-For is not trusted", func(t *testing.T) {
		restrictOrg(t, srv, "10.0.0.0/8")
		setIPRelaxation(t, srv, store.IPEnforce)
		status, body := hostRequest(t, ts.URL, "/services/oauth2/token", passwordForm, "", "X-Forwarded-For", "10.1.2.3")
		var m map[string]any
		_ = json.Unmarshal([]byte(body), &m)
		wantTokenError(t, status, m, "invalid_grant", descIPRestricted)
	})
}

func TestEditPoliciesIPRelaxation(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	policiesURL := ts.URL + setup.PoliciesPath + "?applicationId=" + app.ID
	manageURL := ts.URL + setup.ManageAppPath + "?applicationId=" + app.ID

	_, page := get(t, c, policiesURL)
	want := `<select id="ipRelaxation" name="ipRelaxation"><option value="enforce" selected>Enforce IP restrictions</option>` +
		`<option value="enforce-relax-refresh">Enforce IP restrictions, but relax for refresh tokens</option>` +
		`<option value="relax">Relax IP restrictions</option></select>`
	if !strings.Contains(page, want) {
		t.Errorf("Edit Policies lacks %s", want)
	}
	if _, page = get(t, c, manageURL); !strings.Contains(page, `<dd id="policyIPRelaxation">Enforce IP restrictions</dd>`) {
		t.Errorf("the Manage page does not show the default IP Relaxation")
	}

	base := url.Values{"_CONFIRMATIONTOKEN": {token}, "permittedUsers": {"all"}, "refreshPolicy": {"until_revoked"},
		"refreshIdleUnit": {"hours"}, "refreshAbsoluteUnit": {"days"}}
	for _, tt := range []struct{ value, label string }{
		{store.IPRelax, "Relax IP restrictions"},
		{store.IPEnforceRelaxRefresh, "Enforce IP restrictions, but relax for refresh tokens"},
		{store.IPEnforce, "Enforce IP restrictions"},
	} {
		t.Run(tt.value, func(t *testing.T) {
			resp, page := post(t, c, policiesURL, with(base, map[string]string{"ipRelaxation": tt.value}))
			if resp.Request.URL.Path != setup.ManageAppPath {
				t.Fatalf("got %s (errors %v); want the Manage page", resp.Request.URL.Path, fieldErrors(page))
			}
			if got := appNamed(t, srv, "Product Sync").Policy.IPRelaxation; got != tt.value {
				t.Errorf("got IPRelaxation %q; want %q", got, tt.value)
			}
			if want := `<dd id="policyIPRelaxation">` + html.EscapeString(tt.label) + `</dd>`; !strings.Contains(page, want) {
				t.Errorf("the Manage page lacks %s", want)
			}
			if _, again := get(t, c, policiesURL); !strings.Contains(again, `<option value="`+tt.value+`" selected>`) {
				t.Errorf("Edit Policies does not show %q chosen", tt.value)
			}
		})
	}

	setIPRelaxation(t, srv, store.IPRelax)
	before := appNamed(t, srv, "Product Sync")
	t.Run("absent keeps the app's", func(t *testing.T) {
		resp, page := post(t, c, policiesURL, base)
		if resp.Request.URL.Path != setup.ManageAppPath {
			t.Fatalf("got %s (errors %v); want the Manage page", resp.Request.URL.Path, fieldErrors(page))
		}
		if got := appNamed(t, srv, "Product Sync").Policy.IPRelaxation; got != store.IPRelax {
			t.Errorf("got IPRelaxation %q; want %q kept", got, store.IPRelax)
		}
	})
	emptyValue := with(base, nil)
	emptyValue.Set("ipRelaxation", "")
	refused := []struct {
		name       string
		form       url.Values
		wantStatus int
		wantError  string // field error of ipRelaxation
	}{
		{"bad value", with(base, map[string]string{"ipRelaxation": "loose"}), http.StatusOK, setup.MsgBadPicklist + "loose"},
		{"empty value", emptyValue, http.StatusOK, setup.MsgBadPicklist},
		{"no CSRF token", with(base, map[string]string{"ipRelaxation": store.IPEnforce, "_CONFIRMATIONTOKEN": ""}), http.StatusForbidden, ""},
		{"wrong CSRF token", with(base, map[string]string{"ipRelaxation": store.IPEnforce, "_CONFIRMATIONTOKEN": "forged"}), http.StatusForbidden, ""},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := post(t, c, policiesURL, tt.form)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d at %s; want %d", resp.StatusCode, resp.Request.URL.Path, tt.wantStatus)
			}
			if tt.wantError != "" {
				if got := fieldErrors(page); len(got) != 1 || got["ipRelaxation"] != tt.wantError {
					t.Errorf("got field errors %v; want only ipRelaxation: %q", got, tt.wantError)
				}
				if _, checked := checkbox(page, "refreshUntilRevoked"); !checked {
					t.Errorf("the form does not keep what was posted")
				}
			}
			if after := appNamed(t, srv, "Product Sync"); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused post changed the app: %+v", after.Policy)
			}
		})
	}
}

// loginIpRanges and ipRelaxation given through the control API (the
// seed's schema) show in the org and take effect; bad values are refused
// with the field named.
func TestControlAPILoginIPRanges(t *testing.T) {
	srv, ts := newServer(t)
	createOrg := func(body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(ts.URL+"/__mocksf/orgs", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, m
	}
	status, org := createOrg(`{"name": "Initech", "loginIpRanges": ["10.0.0.0/8", "192.168.1.10/32"],
		"users": [{"username": "admin@initech.test", "password": "Admin-Pass-1", "admin": true}],
		"connectedApps": [{"name": "Relaxed", "ipRelaxation": "enforce-relax-refresh"}]}`)
	if got, want := org["loginIpRanges"], []any{"10.0.0.0/8", "192.168.1.10/32"}; status != http.StatusCreated || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %d, loginIpRanges %v; want 201 and %v", status, got, want)
	}
	app, err := srv.Store().AppByKey(org["connectedApps"].([]any)[0].(map[string]any)["consumerKey"].(string))
	if err != nil || app.Policy.IPRelaxation != store.IPEnforceRelaxRefresh {
		t.Errorf("got app policy %+v, %v; want IP Relaxation %q", app.Policy, err, store.IPEnforceRelaxRefresh)
	}
	_, page := postLogin(t, ts, browser(t, ts), ts.URL+"/", "admin@initech.test", "Admin-Pass-1", nil)
	if got := loginError(page); got != login.MsgIPRestricted {
		t.Errorf("login to the restricted org: got error %q; want %q", got, login.MsgIPRestricted)
	}
	if _, org = createOrg(`{"name": "Open"}`); !reflect.DeepEqual(org["loginIpRanges"], []any{}) {
		t.Errorf("got loginIpRanges %v for an org without; want []", org["loginIpRanges"])
	}

	for _, tt := range []struct{ body, want string }{
		{`{"name": "Bad", "loginIpRanges": ["10.0.0.0/8", "10.0.0.300/32"]}`, `loginIpRanges[1] "10.0.0.300/32": want a CIDR range`},
		{`{"name": "Bad", "loginIpRanges": ["192.168.1.10"]}`, `loginIpRanges[0] "192.168.1.10": want a CIDR range`},
		{`{"name": "Bad", "connectedApps": [{"name": "A", "ipRelaxation": "loose"}]}`, `connectedApps[0]: ipRelaxation "loose": want enforce, enforce-relax-refresh or relax`},
	} {
		status, m := createOrg(tt.body)
		if msg, _ := m["message"].(string); status != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
			t.Errorf("POST %s: got %d %q; want 400 with %q", tt.body, status, msg, tt.want)
		}
	}
}
