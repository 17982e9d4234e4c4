package mocksf_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Flows through the authorize endpoint that depend on what happened
// before: remembered consent, prompt, immediate, app policies, the
// user-agent flow (reference §1, §3, §10.5).

// logInFrom fills in the login page an authorize request led the browser
// to (resp, page) as username, enters the emailed code, and returns where
// the browser ends.
func logInFrom(t testing.TB, srv *mocksf.Server, ts *httptest.Server, c *http.Client, resp *http.Response, page, username, password string) (*http.Response, string) {
	t.Helper()
	if resp.StatusCode != 200 || resp.Request.URL.Query().Get("ec") != "302" {
		t.Fatalf("at %s (%d); want the login page", resp.Request.URL, resp.StatusCode)
	}
	return logIn(t, srv, ts, c, resp, page, username, password)
}

// logIn posts the login form of the page the browser is on (resp, page)
// as username, then the code mailed to username, and returns where the
// browser ends.
func logIn(t testing.TB, srv *mocksf.Server, ts *httptest.Server, c *http.Client, resp *http.Response, page, username, password string) (*http.Response, string) {
	t.Helper()
	resp, token := enterPassword(t, ts, c, resp, page, username, password)
	mails := srv.Mailer().Sent(username)
	if len(mails) == 0 || mails[0].Code == "" || mails[0].Subject != "Verify your identity in Salesforce" {
		t.Fatalf("verification mail = %+v", mails)
	}
	return post(t, c, resp.Request.URL.String(), url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}})
}

// typePassword opens the login page and posts username and password as
// typed; it returns the session's CSRF token and where the post ended.
func typePassword(t *testing.T, ts *httptest.Server, c *http.Client, username, password string) (string, *http.Response, string) {
	t.Helper()
	_, page := get(t, c, ts.URL+"/")
	token := csrf(t, page)
	resp, page := post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {username}, "pw": {password}})
	return token, resp, page
}

// enterPassword posts the login form of the page the browser is on (resp,
// page) and checks that it asks for the emailed code; it returns that
// page and the session's CSRF token.
func enterPassword(t testing.TB, ts *httptest.Server, c *http.Client, resp *http.Response, page, username, password string) (*http.Response, string) {
	t.Helper()
	token := csrf(t, page)
	resp, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {username},
		"pw": {password}, "startURL": {resp.Request.URL.Query().Get("startURL")}})
	if !strings.Contains(page, "Verify Your Identity") {
		t.Fatalf("login as %s ended at %s: %s", username, resp.Request.URL, page)
	}
	return resp, token
}

// callback returns where mocksf sent the browser back to the client, or
// fails when the browser is still on a mocksf page.
func callback(t testing.TB, resp *http.Response, page string) *url.URL {
	t.Helper()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("at %s (%d); want a redirect to the client: %s", resp.Request.URL, resp.StatusCode, page)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// allowPage checks the browser is on Allow Access for username and
// returns the pending request's source.
func allowPage(t *testing.T, resp *http.Response, page, username string) string {
	t.Helper()
	if resp.StatusCode != 200 || resp.Request.URL.Path != oauth.ApprovalPath || !strings.Contains(page, "Allow Access?") ||
		!strings.Contains(page, `id="approvalUsername">`+username+`<`) {
		t.Fatalf("at %s (%d); want Allow Access for %s: %s", resp.Request.URL, resp.StatusCode, username, page)
	}
	return resp.Request.URL.Query().Get("source")
}

func decide(t testing.TB, ts *httptest.Server, c *http.Client, page, source, decision string) *url.URL {
	t.Helper()
	resp, body := post(t, c, ts.URL+oauth.ApprovalPath, url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "source": {source}, "decision": {decision}})
	return callback(t, resp, body)
}

func wantCode(t testing.TB, cb *url.URL, state string) string {
	t.Helper()
	q := cb.Query()
	if cb.Scheme+"://"+cb.Host+cb.Path != testCallback || q.Get("state") != state || !strings.HasPrefix(q.Get("code"), "aPrx") || q.Has("error") {
		t.Fatalf("callback %s; want %s with an aPrx code and state %q", cb, testCallback, state)
	}
	return q.Get("code")
}

func wantError(t *testing.T, q url.Values, code, desc, state string) {
	t.Helper()
	if q.Get("error") != code || q.Get("error_description") != desc || q.Get("state") != state || q.Has("code") {
		t.Fatalf("callback params %v; want error=%s error_description=%q state=%s", q, code, desc, state)
	}
}

func updateApp(t *testing.T, srv *mocksf.Server, fn func(*store.ConnectedApp)) {
	t.Helper()
	if _, err := srv.Store().UpdateApp(testKey, fn); err != nil {
		t.Fatal(err)
	}
}

func userID(t *testing.T, srv *mocksf.Server, username string) string {
	t.Helper()
	return userNamed(t, srv, username).ID
}

func TestConsentIsRemembered(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")
	if !srv.Store().Approved(userID(t, srv, "sync@acme.test"), testKey) {
		t.Fatal("Allow was not remembered")
	}

	// Same browser, same app: no login, no page, a code at once.
	resp, page := get(t, c, cfg.AuthCodeURL("again"))
	wantCode(t, callback(t, resp, page), "again")

	// A new browser logs in but skips the page too.
	c2 := browser(t, ts)
	resp, page = get(t, c2, cfg.AuthCodeURL("third"))
	resp, page = logInFrom(t, srv, ts, c2, resp, page, "sync@acme.test", "Sync-Pass-1")
	wantCode(t, callback(t, resp, page), "third")

	// Revoking the approval brings the page back.
	srv.Store().RevokeApproval(userID(t, srv, "sync@acme.test"), testKey)
	resp, page = get(t, c, cfg.AuthCodeURL("fourth"))
	allowPage(t, resp, page, "sync@acme.test")
}

func TestPromptConsentAsksAgain(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")
	resp, page := get(t, c, cfg.AuthCodeURL("st2", oauth2.SetAuthURLParam("prompt", "consent")))
	source := allowPage(t, resp, page, "sync@acme.test")
	// Deny now does not forget the earlier Allow.
	cb := decide(t, ts, c, page, source, "deny")
	wantError(t, cb.Query(), "access_denied", "end-user denied authorization", "st2")
	resp, page = get(t, c, cfg.AuthCodeURL("st3"))
	wantCode(t, callback(t, resp, page), "st3")
}

func TestPromptLoginForcesLogin(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")
	before := len(srv.Mailer().Sent("sync@acme.test"))
	resp, page := get(t, c, cfg.AuthCodeURL("st2", oauth2.SetAuthURLParam("prompt", "login")))
	// The login page, although the browser had a session; the approval
	// is still remembered, so the code follows the login at once.
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	wantCode(t, callback(t, resp, page), "st2")
	if got := len(srv.Mailer().Sent("sync@acme.test")); got != before+1 {
		t.Errorf("%d verification mails after prompt=login; want %d", got, before+1)
	}

	// prompt="login consent" asks for both.
	resp, page = get(t, c, cfg.AuthCodeURL("st3", oauth2.SetAuthURLParam("prompt", "login consent")))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	allowPage(t, resp, page, "sync@acme.test")
}

func TestPromptSelectAccount(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")

	resp, page := get(t, c, cfg.AuthCodeURL("st2", oauth2.SetAuthURLParam("prompt", "select_account")))
	if resp.StatusCode != 200 || !strings.Contains(page, `id="continueAs"`) || !strings.Contains(page, "Log in as sync@acme.test") ||
		!strings.Contains(page, `id="username"`) {
		t.Fatalf("select_account showed %s: %s; want the current user offered above the login form", resp.Request.URL, page)
	}
	// Continuing as the current user: approved before, so a code.
	cont := resp.Request.URL.Query().Get("startURL")
	resp, page = get(t, c, ts.URL+cont)
	wantCode(t, callback(t, resp, page), "st2")

	// Or another user logs in with the form and answers for themselves.
	resp, page = get(t, c, cfg.AuthCodeURL("st3", oauth2.SetAuthURLParam("prompt", "select_account")))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "admin@acme.test", "Admin-Pass-1")
	allowPage(t, resp, page, "admin@acme.test")
}

func TestImmediate(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	immediate := oauth2.SetAuthURLParam("immediate", "true")

	resp, page := get(t, c, cfg.AuthCodeURL("st1", immediate))
	wantError(t, callback(t, resp, page).Query(), "immediate_unsuccessful", "immediate unsuccessful", "st1")

	// Logged in, but never approved.
	authorize(t, srv, ts, c, cfg, "deny")
	resp, page = get(t, c, cfg.AuthCodeURL("st2", immediate))
	wantError(t, callback(t, resp, page).Query(), "immediate_unsuccessful", "immediate unsuccessful", "st2")

	// Logged in and approved: straight back with a code.
	resp, page = get(t, c, cfg.AuthCodeURL("st3", oauth2.SetAuthURLParam("prompt", "consent")))
	wantCode(t, decide(t, ts, c, page, allowPage(t, resp, page, "sync@acme.test"), "allow"), "st3")
	resp, page = get(t, c, cfg.AuthCodeURL("st4", immediate))
	wantCode(t, callback(t, resp, page), "st4")

	// immediate with a prompt cannot be honoured without a page.
	resp, page = get(t, c, cfg.AuthCodeURL("st5", immediate, oauth2.SetAuthURLParam("prompt", "consent")))
	wantError(t, callback(t, resp, page).Query(), "immediate_unsuccessful", "immediate unsuccessful", "st5")
}

// userAgentURL is an authorize URL for the user-agent flow.
func userAgentURL(ts *httptest.Server, redirect, state string) string {
	return ts.URL + "/services/oauth2/authorize?" + url.Values{"response_type": {"token"}, "client_id": {testKey},
		"redirect_uri": {redirect}, "scope": {"api refresh_token id"}, "state": {state}}.Encode()
}

func fragment(t *testing.T, cb *url.URL) url.Values {
	t.Helper()
	if cb.RawQuery != "" {
		t.Errorf("user-agent callback has a query %q; want everything in the fragment", cb.RawQuery)
	}
	q, err := url.ParseQuery(cb.EscapedFragment())
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestUserAgentFlow(t *testing.T) {
	srv, ts := newServer(t)
	c := browser(t, ts)
	resp, page := get(t, c, userAgentURL(ts, testCallback, "ua1"))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	cb := decide(t, ts, c, page, allowPage(t, resp, page, "sync@acme.test"), "allow")
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != testCallback {
		t.Fatalf("redirected to %s; want the callback", cb)
	}
	if !strings.HasPrefix(cb.EscapedFragment(), "access_token=") || !strings.HasSuffix(cb.EscapedFragment(), "&token_type=Bearer&state=ua1") {
		t.Errorf("fragment %q; want Salesforce's order, access_token first and state last", cb.EscapedFragment())
	}
	f := fragment(t, cb)
	id, issuedAt := f.Get("id"), f.Get("issued_at")
	if f.Get("signature") != oauth.Signature(testSecret, id, issuedAt) {
		t.Errorf("signature %q; want HMAC-SHA256 of id and issued_at with the consumer secret", f.Get("signature"))
	}
	uid := userID(t, srv, "sync@acme.test")
	if !strings.HasPrefix(id, ts.URL+"/id/00D") || !strings.HasSuffix(id, "/"+uid) || len(issuedAt) != 13 ||
		f.Get("instance_url") != srv.InstanceURL() || f.Get("scope") != "api refresh_token id" || f.Get("token_type") != "Bearer" ||
		!strings.Contains(f.Get("access_token"), "!") || f.Get("state") != "ua1" {
		t.Errorf("fragment %v", f)
	}
	// An http(s) callback gets no refresh token, even with the scope.
	if f.Has("refresh_token") {
		t.Errorf("refresh_token in the fragment of an https callback: %v", f)
	}
	// The access token works.
	if status, b := hostRequest(t, id, "", nil, f.Get("access_token")); status != 200 || !strings.Contains(b, `"username":"sync@acme.test"`) {
		t.Errorf("identity with the fragment's token: %d %s", status, b)
	}

	// A custom-scheme callback (a mobile app) gets one.
	updateApp(t, srv, func(a *store.ConnectedApp) { a.CallbackURLs = append(a.CallbackURLs, "myapp://oauth/done") })
	resp, page = get(t, c, userAgentURL(ts, "myapp://oauth/done", "ua2"))
	cb = callback(t, resp, page)
	f = fragment(t, cb)
	if cb.Scheme != "myapp" || !strings.HasPrefix(f.Get("refresh_token"), "5Aep861") || f.Get("state") != "ua2" {
		t.Errorf("custom-scheme callback %s; want a refresh token in the fragment", cb)
	}

	// Errors go in the fragment too.
	resp, page = get(t, c, ts.URL+"/services/oauth2/authorize?response_type=token&client_id="+testKey+
		"&redirect_uri="+url.QueryEscape(testCallback)+"&scope=full&state=ua3")
	wantError(t, fragment(t, callback(t, resp, page)), "invalid_scope", "requested scope is invalid, unknown, or malformed", "ua3")
}

func TestAdminApprovedApp(t *testing.T) {
	srv, ts := newServer(t)
	cfg := oauthConfig(ts)
	syncID := userID(t, srv, "sync@acme.test")
	updateApp(t, srv, func(a *store.ConnectedApp) {
		a.Policy.AdminApproved = true
		a.Policy.AssignedUserIDs = []string{syncID}
	})

	// The assigned user never sees Allow Access, even with prompt=consent.
	c := browser(t, ts)
	resp, page := get(t, c, cfg.AuthCodeURL("st1", oauth2.SetAuthURLParam("prompt", "consent")))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	wantCode(t, callback(t, resp, page), "st1")

	// Anyone else is refused after logging in.
	c = browser(t, ts)
	resp, page = get(t, c, cfg.AuthCodeURL("st2"))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "admin@acme.test", "Admin-Pass-1")
	wantError(t, callback(t, resp, page).Query(), "OAUTH_APP_ACCESS_DENIED", "user is not admin approved to access this app", "st2")
}

func TestBlockedApp(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")
	updateApp(t, srv, func(a *store.ConnectedApp) { a.Policy.Blocked = true })
	resp, page := get(t, c, cfg.AuthCodeURL("st2"))
	wantError(t, callback(t, resp, page).Query(), "OAUTH_APP_BLOCKED", "this app is blocked by admin", "st2")
	// Before any login, too.
	resp, page = get(t, browser(t, ts), cfg.AuthCodeURL("st3"))
	wantError(t, callback(t, resp, page).Query(), "OAUTH_APP_BLOCKED", "this app is blocked by admin", "st3")
}

func TestPKCE(t *testing.T) {
	srv, ts := newServer(t)
	cfg := oauthConfig(ts)
	updateApp(t, srv, func(a *store.ConnectedApp) { a.Policy.RequirePKCE = true })
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	tests := []struct {
		name string
		opts []oauth2.AuthCodeOption
		desc string // "" when the login page follows
	}{
		{"required but missing", nil, "missing required code challenge"},
		{"method plain", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", challenge), oauth2.SetAuthURLParam("code_challenge_method", "plain")}, "unsupported code challenge method"},
		{"method lower case", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", challenge), oauth2.SetAuthURLParam("code_challenge_method", "s256")}, "unsupported code challenge method"},
		{"method without challenge", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge_method", "S256")}, "missing required code challenge"},
		{"standard base64", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", strings.NewReplacer("-", "+", "_", "/").Replace(challenge)+"=")}, "invalid code challenge"},
		{"too short", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", challenge[:42])}, "invalid code challenge"},
		{"S256", []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}, ""},
		{"no method (jsforce)", []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("code_challenge", challenge)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := get(t, browser(t, ts), cfg.AuthCodeURL("pk", tt.opts...))
			if tt.desc == "" {
				if resp.StatusCode != 200 || resp.Request.URL.Query().Get("ec") != "302" {
					t.Fatalf("at %s (%d); want the login page", resp.Request.URL, resp.StatusCode)
				}
				return
			}
			wantError(t, callback(t, resp, page).Query(), "invalid_request", tt.desc, "pk")
		})
	}

	// The whole flow with PKCE required; the verifier redeems the code.
	cb := authorize(t, srv, ts, browser(t, ts), cfg, "allow", oauth2.S256ChallengeOption(verifier))
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	if _, err := cfg.Exchange(ctx, wantCode(t, cb, "st4te"), oauth2.VerifierOption(verifier)); err != nil {
		t.Errorf("Exchange with the verifier: %v", err)
	}
}

func TestNonceIsKeptOnTheCode(t *testing.T) {
	srv, ts := newServer(t)
	cb := authorize(t, srv, ts, browser(t, ts), oauthConfig(ts), "allow", oauth2.SetAuthURLParam("nonce", "n-0S6_WzA2Mj"))
	code, err := srv.Store().RedeemCode(wantCode(t, cb, "st4te"))
	if err != nil || code.Nonce != "n-0S6_WzA2Mj" {
		t.Errorf("code = %+v, %v; want the request's nonce", code, err)
	}
}

func TestInactiveUserAndOrg(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")
	uid := userID(t, srv, "sync@acme.test")

	// A session of a user deactivated since it logged in.
	if _, err := srv.Store().UpdateUser(uid, func(u *store.User) { u.Active = false }); err != nil {
		t.Fatal(err)
	}
	resp, page := get(t, c, cfg.AuthCodeURL("st2"))
	wantError(t, callback(t, resp, page).Query(), "inactive_user", "User is inactive", "st2")
	// An inactive user cannot log in: the usual bad-credentials message.
	tryLogin := func(state string) string {
		c2 := browser(t, ts)
		resp, page := get(t, c2, cfg.AuthCodeURL(state))
		_, page = post(t, c2, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {"sync@acme.test"},
			"pw": {"Sync-Pass-1"}, "startURL": {resp.Request.URL.Query().Get("startURL")}})
		return page
	}
	if page := tryLogin("st3"); !strings.Contains(page, `id="error"`) || !strings.Contains(page, "Please check your username and password.") {
		t.Errorf("login of an inactive user: %s", page)
	}

	// Nor can the users of a frozen org; its sessions get inactive_org.
	if _, err := srv.Store().UpdateUser(uid, func(u *store.User) { u.Active = true }); err != nil {
		t.Fatal(err)
	}
	u, _ := srv.Store().User(uid)
	if _, err := srv.Store().UpdateOrg(u.OrgID, func(o *store.Org) { o.Status = store.OrgFrozen }); err != nil {
		t.Fatal(err)
	}
	if page := tryLogin("st4"); !strings.Contains(page, `id="error"`) || !strings.Contains(page, "Please check your username and password.") {
		t.Errorf("login in a frozen org: %s", page)
	}
	resp, page = get(t, c, cfg.AuthCodeURL("st5"))
	wantError(t, callback(t, resp, page).Query(), "inactive_org", "Org is locked, closed, or suspended", "st5")
}

// TestNotYouKeepsTheRequest follows "Not you?" on Allow Access: another
// user logs in and answers the same request for themselves.
func TestNotYouKeepsTheRequest(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	resp, page := get(t, c, cfg.AuthCodeURL("st1"))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	allowPage(t, resp, page, "sync@acme.test")
	m := regexp.MustCompile(`id="notYou" href="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no Not you? link: %s", page)
	}
	resp, page = get(t, c, ts.URL+html.UnescapeString(m[1]))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "admin@acme.test", "Admin-Pass-1")
	source := allowPage(t, resp, page, "admin@acme.test")
	code := wantCode(t, decide(t, ts, c, page, source, "allow"), "st1")
	ac, err := srv.Store().RedeemCode(code)
	if err != nil || ac.UserID != userID(t, srv, "admin@acme.test") {
		t.Errorf("code %+v, %v; want one for admin@acme.test", ac, err)
	}
}

// TestUserAgentFlowWithIDToken asks for "token id_token", which
// Salesforce's discovery document lists: the fragment carries an ID token
// with the request's nonce when openid is granted.
func TestUserAgentFlowWithIDToken(t *testing.T) {
	srv, ts := newServer(t)
	updateApp(t, srv, func(a *store.ConnectedApp) { a.Scopes = append(a.Scopes, "openid") })
	c := browser(t, ts)
	u := ts.URL + "/services/oauth2/authorize?" + url.Values{"response_type": {"token id_token"}, "client_id": {testKey},
		"redirect_uri": {testCallback}, "scope": {"openid api"}, "nonce": {"n-42"}, "state": {"oidc"}}.Encode()
	resp, page := get(t, c, u)
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	f := fragment(t, decide(t, ts, c, page, allowPage(t, resp, page, "sync@acme.test"), "allow"))
	parts := strings.Split(f.Get("id_token"), ".")
	if len(parts) != 3 || f.Get("access_token") == "" || f.Get("state") != "oidc" {
		t.Fatalf("fragment %v; want an access token and a three-part ID token", f)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Nonce, Aud, Sub string }
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Nonce != "n-42" || claims.Aud != testKey || claims.Sub != f.Get("id") {
		t.Errorf("ID token claims %s (%v); want nonce n-42, aud the consumer key, sub the identity URL", payload, err)
	}

	// Without openid there is no ID token to give.
	resp, page = get(t, c, strings.Replace(u, "openid+api", "api", 1))
	if f := fragment(t, callback(t, resp, page)); f.Has("id_token") || f.Get("access_token") == "" {
		t.Errorf("without openid: fragment %v; want an access token and no ID token", f)
	}
}

// The browser's Salesforce session ends after the org's session timeout
// without use, as the access token's does: the next authorization asks
// for the login again, and immediate=true can no longer be answered.
func TestBrowserSessionTimesOut(t *testing.T) {
	srv, ts := newServer(t)
	cfg, c := oauthConfig(ts), browser(t, ts)
	wantCode(t, authorize(t, srv, ts, c, cfg, "allow"), "st4te")

	srv.Clock().Advance(store.DefaultSessionTimeout - time.Minute)
	resp, page := get(t, c, cfg.AuthCodeURL("st2"))
	wantCode(t, callback(t, resp, page), "st2")

	// Unused for the whole timeout since that use.
	srv.Clock().Advance(store.DefaultSessionTimeout)
	resp, page = get(t, c, cfg.AuthCodeURL("st3", oauth2.SetAuthURLParam("immediate", "true")))
	wantError(t, callback(t, resp, page).Query(), "immediate_unsuccessful", "immediate unsuccessful", "st3")
	resp, page = get(t, c, cfg.AuthCodeURL("st4"))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	wantCode(t, callback(t, resp, page), "st4")
}
