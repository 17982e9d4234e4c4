package oauth_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

const (
	baseURL     = "http://mocksf.test"
	callback    = "https://product.example/salesforce/callback"
	keyMain     = "3MVG9MainKeyMainKeyMainKeyMainKeyMainKeyMainKeyMainKeyMainKeyMainKeyMainKeyMainKeyM"
	keyPKCE     = "3MVG9PKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyPKCEKeyP"
	keyPartner  = "3MVG9PartnerKeyPartnerKeyPartnerKeyPartnerKeyPartnerKeyPartnerKeyPartnerKeyPartner"
	keyBlocked  = "3MVG9BlockedKeyBlockedKeyBlockedKeyBlockedKeyBlockedKeyBlockedKeyBlockedKeyBlocked"
	keyNew      = "3MVG9NewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyNewKeyN"
	keyECA      = "3MVG9ECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyECAKeyE"
	keyECAOpen  = "3MVG9ECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenECAOpenEC"
	challenge   = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" // RFC 7636 appendix B
	scopeDesc   = "requested+scope+is+invalid%2C+unknown%2C+or+malformed"
	immediateQS = "error=immediate_unsuccessful&error_description=immediate+unsuccessful&state=s1"
)

// authorizeSeed has one app per policy the authorize endpoint applies, an
// inactive user, and a frozen org.
var authorizeSeed = `
orgs:
  - name: Acme
    users:
      - {username: sync@acme.test, password: Sync-Pass-1}
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: gone@acme.test, password: Gone-Pass-1, active: false}
    connectedApps:
      - {name: Main, consumerKey: "` + keyMain + `", consumerSecret: S1, callbackUrls: ["` + callback + `", "myapp://oauth/done"], scopes: [api, refresh_token, id]}
      - {name: Needs PKCE, consumerKey: "` + keyPKCE + `", consumerSecret: S2, callbackUrls: ["` + callback + `"], scopes: [api], requirePkce: true}
      - {name: Partner, consumerKey: "` + keyPartner + `", consumerSecret: S3, callbackUrls: ["` + callback + `"], scopes: [api, openid], permittedUsers: admin-approved, assignedUsers: [sync@acme.test]}
      - {name: Blocked, consumerKey: "` + keyBlocked + `", consumerSecret: S4, callbackUrls: ["` + callback + `"], scopes: [api], blocked: true}
      - {name: Brand New, consumerKey: "` + keyNew + `", consumerSecret: S5, callbackUrls: ["` + callback + `"], scopes: [api], activationDelay: 48h}
    externalClientApps:
      - {name: Sync ECA, consumerKey: "` + keyECA + `", consumerSecret: S6, callbackUrls: ["` + callback + `"], scopes: [api, refresh_token]}
      - {name: Open ECA, consumerKey: "` + keyECAOpen + `", consumerSecret: S7, callbackUrls: ["` + callback + `"], scopes: [api], requirePkce: false}
  - name: Frozen Co
    status: frozen
    users:
      - {username: ice@frozen.test, password: Ice-Pass-1}
`

// authorizeServer is mocksf serving authorizeSeed in process, its routes
// as served.
type authorizeServer struct {
	st      *store.Store
	handler http.Handler
}

func newAuthorizeServer(tb testing.TB) *authorizeServer {
	tb.Helper()
	srv, err := mocksf.New(mocksf.Config{BaseURL: baseURL, InstanceURL: "http://acme.mocksf.test", Seed: []byte(authorizeSeed)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return &authorizeServer{st: srv.Store(), handler: srv}
}

// session returns the cookie of a browser session logged in as username,
// or nil for "".
func (s *authorizeServer) session(tb testing.TB, username string) *http.Cookie {
	tb.Helper()
	if username == "" {
		return nil
	}
	u, err := s.st.UserByUsername(username)
	if err != nil {
		tb.Fatal(err)
	}
	sess := s.st.NewSession()
	if _, err := s.st.UpdateSession(sess.ID, func(x *store.Session) { x.UserID, x.OrgID, x.Verified = u.ID, u.OrgID, true }); err != nil {
		tb.Fatal(err)
	}
	return &http.Cookie{Name: web.SessionCookie, Value: sess.ID}
}

// authorize sends GET /services/oauth2/authorize?rawQuery with the cookie.
func (s *authorizeServer) authorize(rawQuery string, cookie *http.Cookie) *httptest.ResponseRecorder {
	return s.send("GET", rawQuery, "", cookie)
}

// approvalPage sends GET /services/oauth2/authorize?rawQuery with the
// cookie, which must redirect to Allow Access, and follows the redirect:
// it returns the page's URL (as Location gave it) and the page.
func (s *authorizeServer) approvalPage(t *testing.T, rawQuery string, cookie *http.Cookie) (location, page string) {
	t.Helper()
	w := s.authorize(rawQuery, cookie)
	location = w.Header().Get("Location")
	if w.Code != 302 || !strings.HasPrefix(location, oauth.ApprovalPath+"?source=") {
		t.Fatalf("got %d %q; want the approval page", w.Code, location)
	}
	r := httptest.NewRequest("GET", baseURL+location, nil)
	r.AddCookie(cookie)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, r)
	return location, rec.Body.String()
}

// post sends POST /services/oauth2/authorize?rawQuery with form as its
// form-encoded body and the cookie.
func (s *authorizeServer) post(rawQuery, form string, cookie *http.Cookie) *httptest.ResponseRecorder {
	return s.send("POST", rawQuery, form, cookie)
}

func (s *authorizeServer) send(method, rawQuery, form string, cookie *http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, baseURL+"/services/oauth2/authorize", strings.NewReader(form))
	r.URL.RawQuery = rawQuery
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	s.handler.ServeHTTP(w, r)
	return w
}

// query builds an authorize query string from name/value pairs, in order.
func query(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(pairs[i] + "=" + url.QueryEscape(pairs[i+1]))
	}
	return b.String()
}

var prePattern = regexp.MustCompile(`(?s)<pre[^>]*>(.*?)</pre>`)

// authorizeErrorCases has one row per error of the authorize endpoint:
// rendered ones (pre set) and redirected ones (location set). Fuzzing is
// seeded with their queries.
var authorizeErrorCases = []struct {
	name, query, user string
	status            int
	pre, location     string
}{
	{name: "unknown client_id", status: 400,
		query: query("response_type", "code", "client_id", "3MVG9nope", "redirect_uri", callback, "state", "s1"),
		pre:   "error=invalid_client_id&error_description=client%20identifier%20invalid"},
	{name: "missing client_id", status: 400,
		query: query("response_type", "code", "redirect_uri", callback, "state", "s1"),
		pre:   "error=invalid_client_id&error_description=client%20identifier%20invalid"},
	{name: "app not active yet", status: 400,
		query: query("response_type", "code", "client_id", keyNew, "redirect_uri", callback, "state", "s1"),
		pre:   "error=invalid_client_id&error_description=client%20identifier%20invalid"},
	{name: "missing redirect_uri", status: 400,
		query: query("response_type", "code", "client_id", keyMain, "state", "s1"),
		pre:   "error=redirect_uri_missing&error_description=redirect_uri%20not%20provided"},
	{name: "redirect_uri mismatch", status: 400,
		query: query("response_type", "code", "client_id", keyMain, "redirect_uri", callback+"/", "state", "s1"),
		pre:   "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration"},
	{name: "unsupported response_type", status: 302,
		query:    query("response_type", "id_token", "client_id", keyMain, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=unsupported_response_type&error_description=response+type+not+supported&state=s1"},
	{name: "missing response_type", status: 302,
		query:    query("client_id", keyMain, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=unsupported_response_type&error_description=response+type+not+supported&state=s1"},
	{name: "blocked app", status: 302,
		query:    query("response_type", "code", "client_id", keyBlocked, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=OAUTH_APP_BLOCKED&error_description=this+app+is+blocked+by+admin&state=s1"},
	{name: "scope not granted to the app", status: 302,
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "scope", "api web", "state", "s1"),
		location: callback + "?error=invalid_scope&error_description=" + scopeDesc + "&state=s1"},
	{name: "unknown scope, user-agent flow", status: 302,
		query:    query("response_type", "token", "client_id", keyMain, "redirect_uri", callback, "scope", "api nonsense", "state", "s1"),
		location: callback + "#error=invalid_scope&error_description=" + scopeDesc + "&state=s1"},
	{name: "unsupported prompt", status: 302,
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "prompt", "none", "state", "s1"),
		location: callback + "?error=invalid_request&error_description=invalid+prompt+parameter&state=s1"},
	{name: "plain code_challenge_method", status: 302,
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "code_challenge", challenge, "code_challenge_method", "plain", "state", "s1"),
		location: callback + "?error=invalid_request&error_description=unsupported+code+challenge+method&state=s1"},
	{name: "padded code_challenge", status: 302,
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "code_challenge", challenge+"=", "state", "s1"),
		location: callback + "?error=invalid_request&error_description=invalid+code+challenge&state=s1"},
	{name: "PKCE required, no challenge", status: 302,
		query:    query("response_type", "code", "client_id", keyPKCE, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=invalid_request&error_description=missing+required+code+challenge&state=s1"},
	// An External Client App requires PKCE unless it is unticked.
	{name: "External Client App, PKCE by default, no challenge", status: 302,
		query:    query("response_type", "code", "client_id", keyECA, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=invalid_request&error_description=missing+required+code+challenge&state=s1"},
	{name: "External Client App, bad challenge", status: 302,
		query:    query("response_type", "code", "client_id", keyECA, "redirect_uri", callback, "state", "s1", "code_challenge", "short", "code_challenge_method", "S256"),
		location: callback + "?error=invalid_request&error_description=invalid+code+challenge&state=s1"},
	{name: "immediate without a session", status: 302,
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "immediate", "true", "state", "s1"),
		location: callback + "?" + immediateQS},
	{name: "immediate before approval", status: 302, user: "sync@acme.test",
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "immediate", "true", "state", "s1"),
		location: callback + "?" + immediateQS},
	{name: "immediate with prompt=login", status: 302, user: "sync@acme.test",
		query:    query("response_type", "token", "client_id", keyMain, "redirect_uri", callback, "immediate", "true", "prompt", "login", "state", "s1"),
		location: callback + "#" + immediateQS},
	{name: "admin-approved app, user not assigned", status: 302, user: "admin@acme.test",
		query:    query("response_type", "code", "client_id", keyPartner, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=OAUTH_APP_ACCESS_DENIED&error_description=user+is+not+admin+approved+to+access+this+app&state=s1"},
	{name: "session of an inactive user", status: 302, user: "gone@acme.test",
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=inactive_user&error_description=User+is+inactive&state=s1"},
	{name: "session in a frozen org", status: 302, user: "ice@frozen.test",
		query:    query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "state", "s1"),
		location: callback + "?error=inactive_org&error_description=Org+is+locked%2C+closed%2C+or+suspended&state=s1"},
}

func TestAuthorizeErrors(t *testing.T) {
	s := newAuthorizeServer(t)
	for _, tt := range authorizeErrorCases {
		t.Run(tt.name, func(t *testing.T) {
			w := s.authorize(tt.query, s.session(t, tt.user))
			if w.Code != tt.status {
				t.Fatalf("status = %d; want %d (Location %q)", w.Code, tt.status, w.Header().Get("Location"))
			}
			if tt.pre != "" {
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type = %q; want text/html", ct)
				}
				if loc := w.Header().Get("Location"); loc != "" {
					t.Errorf("Location = %q; a rendered error must not redirect", loc)
				}
				m := prePattern.FindStringSubmatch(w.Body.String())
				if m == nil {
					t.Fatalf("no <pre> in page:\n%s", w.Body)
				}
				if got := html.UnescapeString(m[1]); got != tt.pre {
					t.Errorf("<pre> = %q; want %q", got, tt.pre)
				}
				return
			}
			if got := w.Header().Get("Location"); got != tt.location {
				t.Errorf("Location = %q; want %q", got, tt.location)
			}
		})
	}
}

// A POST to the authorize endpoint, parameters in the form or the query:
// Salesforce's "Must use HTTP GET" to a trusted redirect URI, the GET's
// pages otherwise, and never a session's pending request.
func TestAuthorizeByPost(t *testing.T) {
	s := newAuthorizeServer(t)
	good := query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "state", "s1")
	mustUseGet := callback + "?error=invalid_request&error_description=must+use+HTTP+GET&state=s1"
	tests := []struct {
		name, query, form string
		status            int
		pre, location     string
	}{
		{name: "in the form", form: good, status: 302, location: mustUseGet},
		{name: "in the query", query: good, status: 302, location: mustUseGet},
		{name: "user-agent flow", form: query("response_type", "token", "client_id", keyMain, "redirect_uri", callback, "state", "s1"),
			status: 302, location: callback + "#error=invalid_request&error_description=must+use+HTTP+GET&state=s1"},
		{name: "unknown client", form: query("response_type", "code", "client_id", "3MVG9nope", "redirect_uri", callback), status: 400,
			pre: "error=invalid_client_id&error_description=client%20identifier%20invalid"},
		{name: "redirect mismatch", form: query("response_type", "code", "client_id", keyMain, "redirect_uri", "https://evil.example/cb"), status: 400,
			pre: "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration"},
		// The method is checked last: a request that is wrong in another
		// way gets that error first.
		{name: "scope not granted, by POST", form: query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "scope", "api web", "state", "s1"),
			status: 302, location: callback + "?error=invalid_scope&error_description=" + scopeDesc + "&state=s1"},
		{name: "form too large", form: "x=" + strings.Repeat("a", 20<<10), status: 400,
			pre: "error=invalid_client_id&error_description=client%20identifier%20invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cookie := s.session(t, "sync@acme.test")
			w := s.post(tt.query, tt.form, cookie)
			if w.Code != tt.status {
				t.Fatalf("status = %d; want %d (Location %q, body %s)", w.Code, tt.status, w.Header().Get("Location"), w.Body)
			}
			if tt.location != "" && w.Header().Get("Location") != tt.location {
				t.Errorf("Location = %q; want %q", w.Header().Get("Location"), tt.location)
			}
			if tt.pre != "" {
				if m := prePattern.FindStringSubmatch(w.Body.String()); m == nil || html.UnescapeString(m[1]) != tt.pre {
					t.Errorf("page = %s; want <pre>%s</pre>", w.Body, tt.pre)
				}
			}
			if sess, err := s.st.Session(cookie.Value); err != nil || len(sess.Pending) != 0 {
				t.Errorf("session after the POST = %+v, %v; want it live with no pending request", sess, err)
			}
		})
	}
}

func TestRedirectURIMustMatchExactly(t *testing.T) {
	s := newAuthorizeServer(t)
	for _, uri := range []string{
		"https://product.example/salesforce",                       // prefix
		"https://product.example/salesforce/callback/extra",        // longer path
		"https://PRODUCT.example/salesforce/callback",              // host case
		"https://product.example/Salesforce/callback",              // path case
		"HTTPS://product.example/salesforce/callback",              // scheme case
		"https://product.example/salesforce/callback/",             // trailing slash
		"https://product.example/salesforce/callback?x=1",          // extra query
		"https://product.example/salesforce/callback#x",            // fragment
		"https://evil.example@product.example/salesforce/callback", // user@host
		"https://product.example@evil.example/salesforce/callback", // user@host the other way
		"https://product.example/salesforce/%63allback",            // percent-encoded letter
		"https://product.example/salesforce%2Fcallback",            // encoded slash
		"https://product.example:443/salesforce/callback",          // explicit default port
		"https://product.example:8443/salesforce/callback",         // other port
		"http://product.example/salesforce/callback",               // other scheme
		" https://product.example/salesforce/callback",             // leading space
	} {
		t.Run(uri, func(t *testing.T) {
			w := s.authorize(query("response_type", "code", "client_id", keyMain, "redirect_uri", uri, "state", "s1"), nil)
			m := prePattern.FindStringSubmatch(w.Body.String())
			if w.Code != 400 || m == nil || html.UnescapeString(m[1]) != "error=redirect_uri_mismatch&error_description=redirect_uri%20must%20match%20configuration" {
				t.Errorf("got %d, Location %q, body %s; want the rendered redirect_uri_mismatch", w.Code, w.Header().Get("Location"), w.Body)
			}
		})
	}
}

// TestAuthorizeSendsToLogin checks where a valid request goes without a
// session: the login page, with the pending request as startURL.
func TestAuthorizeSendsToLogin(t *testing.T) {
	s := newAuthorizeServer(t)
	w := s.authorize(query("response_type", "code", "client_id", keyMain, "redirect_uri", callback,
		"login_hint", "sync@acme.test", "display", "popup", "code_challenge", challenge, "code_challenge_method", "S256"), nil)
	loc, err := url.Parse(w.Header().Get("Location"))
	if w.Code != 302 || err != nil {
		t.Fatalf("got %d %q; want a redirect", w.Code, w.Header().Get("Location"))
	}
	q := loc.Query()
	if loc.Path != "/" || q.Get("ec") != "302" || !strings.HasPrefix(q.Get("startURL"), oauth.ApprovalPath+"?source=") ||
		q.Get("login_hint") != "sync@acme.test" || q.Get("display") != "popup" {
		t.Errorf("Location = %s; want the login page with startURL, login_hint and display", loc)
	}
}

// TestApprovalPageShowsScopesAndUser renders Allow Access for a logged-in
// user with Salesforce's wording and element ids.
func TestApprovalPageShowsScopesAndUser(t *testing.T) {
	s := newAuthorizeServer(t)
	cookie := s.session(t, "sync@acme.test")
	location, body := s.approvalPage(t, query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "display", "touch"), cookie)
	for _, want := range []string{
		"<h1>Allow Access?</h1>", `<strong id="appName">Main</strong> is asking to:`,
		"<li>Manage user data via APIs</li><li>Perform requests at any time</li><li>Access the identity URL service</li>",
		`Do you want to allow access for <strong id="approvalUsername">sync@acme.test</strong>? (<a id="notYou"`,
		`id="oadeny"`, `>Deny</button>`, `id="oaapprove"`, `>Allow</button>`, `name="_CONFIRMATIONTOKEN"`, "display-touch",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("approval page lacks %q:\n%s", want, body)
		}
	}
	// "Not you?" carries the whole approval URL as one startURL value.
	m := regexp.MustCompile(`id="notYou" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no Not you? link")
	}
	notYou, _ := url.Parse(html.UnescapeString(m[1]))
	if got := notYou.Query().Get("startURL"); got != location {
		t.Errorf("Not you? startURL = %q; want %q", got, location)
	}
}

// TestAuthorizeIgnoresUnknownDisplay documents the choice: an unknown
// display renders as "page" rather than failing.
func TestAuthorizeIgnoresUnknownDisplay(t *testing.T) {
	s := newAuthorizeServer(t)
	w := s.authorize(query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "display", "hologram"), nil)
	loc, _ := url.Parse(w.Header().Get("Location"))
	if w.Code != 302 || loc == nil || loc.Path != "/" || loc.Query().Has("display") {
		t.Errorf("got %d %q; want the login page with the default display", w.Code, w.Header().Get("Location"))
	}
}

// An External Client App goes through the same approval page as a
// connected app, under its own name: with a challenge when it requires
// PKCE (its default), without one when that is unticked.
func TestAuthorizeExternalClientApps(t *testing.T) {
	s := newAuthorizeServer(t)
	cookie := s.session(t, "sync@acme.test")
	for _, tc := range []struct {
		name, key, app string
		extra          []string
	}{
		{"PKCE required, challenge given", keyECA, "Sync ECA", []string{"code_challenge", challenge, "code_challenge_method", "S256"}},
		{"PKCE unticked, no challenge", keyECAOpen, "Open ECA", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := query(append([]string{"response_type", "code", "client_id", tc.key, "redirect_uri", callback, "state", "s1"}, tc.extra...)...)
			_, page := s.approvalPage(t, q, cookie)
			if want := `<strong id="appName">` + tc.app + `</strong> is asking to:`; !strings.Contains(page, want) {
				t.Errorf("approval page lacks %q:\n%s", want, page)
			}
		})
	}
}
