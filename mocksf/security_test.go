package mocksf_test

// Hostile input against mocksf over HTTP, end to end: authorization code
// replay, redirect URI tricks, PKCE downgrade and reuse, CSRF on every
// form, brute force of passwords and verification codes, script injection
// in every field a user or a test supplies, oversized bodies, and session
// fixation. The expected errors are Salesforce's (docs/mocksf-oauth.md).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
	"github.com/sfharness/sfharness/internal/xsstest"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Another connected app of the test seed's org, for codes presented by the
// wrong client.
const (
	otherKey    = "3MVG9OtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOtherKeyOther1"
	otherSecret = "FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210FEDCBA9876543210"
)

// Salesforce's answers the tests expect (docs/mocksf-oauth.md).
const (
	mismatchPre = `<pre id="oauthError">error=redirect_uri_mismatch&amp;error_description=redirect_uri%20must%20match%20configuration</pre>`
	msgCSRF     = "Your session has expired or the form was submitted twice."
)

// noRedirects is c, with its cookies, stopping at the first redirect.
func noRedirects(c *http.Client) *http.Client {
	return &http.Client{Jar: c.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// approvedBrowser is a browser logged in as sync@acme.test that has
// allowed the test app once: the next authorize request redirects to the
// callback at once, with a code.
func approvedBrowser(t *testing.T, srv *mocksf.Server, ts *httptest.Server) *http.Client {
	t.Helper()
	c := browser(t, ts)
	authorize(t, srv, ts, c, oauthConfig(ts), "allow")
	return c
}

// authorizeURL is an authorize request of the web-server flow for the test
// app, with extra parameters as key, value pairs.
func authorizeURL(ts *httptest.Server, kv ...string) string {
	q := url.Values{"response_type": {"code"}, "client_id": {testKey}, "redirect_uri": {testCallback}, "state": {"st4te"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return ts.URL + "/services/oauth2/authorize?" + q.Encode()
}

// callbackQuery follows an authorize request of an approved browser to the
// redirect it answers with, which must be to the test callback.
func callbackQuery(t *testing.T, c *http.Client, authURL string) url.Values {
	t.Helper()
	resp, page := get(t, noRedirects(c), authURL)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, testCallback+"?") {
		t.Fatalf("authorize = %d to %q; want a redirect to the callback\n%s", resp.StatusCode, loc, page)
	}
	u, _ := url.Parse(loc)
	return u.Query()
}

// codeFor returns the code an approved browser gets for authURL.
func codeFor(t *testing.T, c *http.Client, authURL string) string {
	t.Helper()
	q := callbackQuery(t, c, authURL)
	if q.Get("code") == "" {
		t.Fatalf("callback query %v; want a code", q)
	}
	return q.Get("code")
}

// tokenCall posts a form to the token endpoint and returns the status and
// the JSON answer.
func tokenCall(t *testing.T, ts *httptest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	status, body := hostRequest(t, ts.URL, "/services/oauth2/token", form, "")
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("token answer %d is not JSON: %v", status, err)
	}
	return status, m
}

// exchangeForm is an authorization_code grant of the test app.
func exchangeForm(code string, kv ...string) url.Values {
	f := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "client_id": {testKey},
		"client_secret": {testSecret}, "redirect_uri": {testCallback}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			f.Del(kv[i])
		} else {
			f.Set(kv[i], kv[i+1])
		}
	}
	return f
}

// wantTokenError checks a token endpoint answer for Salesforce's error.
func wantTokenError(t *testing.T, status int, m map[string]any, code, desc string) {
	t.Helper()
	if status != http.StatusBadRequest || m["error"] != code || m["error_description"] != desc {
		t.Errorf("token answer %d %v; want 400 %s / %s", status, m, code, desc)
	}
}

// identityStatus calls the identity URL with an access token.
func identityStatus(t *testing.T, ts *httptest.Server, tokens map[string]any) (int, string) {
	t.Helper()
	return hostRequest(t, tokens["id"].(string), "", nil, tokens["access_token"].(string))
}

// addOtherApp gives the test seed's org a second connected app with the
// same callback.
func addOtherApp(t *testing.T, srv *mocksf.Server) {
	t.Helper()
	_, err := srv.Store().CreateApp(store.ConnectedApp{
		OrgID: srv.Store().Orgs()[0].ID, Name: "Other App", APIName: "Other_App", OAuthEnabled: true,
		CallbackURLs: []string{testCallback}, Scopes: []string{"api", "refresh_token"},
		ConsumerKey: otherKey, ConsumerSecret: otherSecret, Policy: store.DefaultAppPolicy(),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An authorization code is good for one try. A second exchange fails with
// invalid_grant and revokes what the first issued; any failed exchange by
// the code's own authenticated client uses the code up, so a stolen code
// cannot be tried against the right redirect URI or verifier after a
// wrong one. A client that cannot authenticate, or another app's client,
// does not use it up: otherwise any app's credentials could burn a code
// before its own client exchanged it (issue 16, break 7).
func TestSecurityCodeReplay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		first url.Values // nil: a successful exchange
		// firstCode and firstDesc are the first try's error.
		firstCode, firstDesc string
		// secondOK is whether the right exchange after it succeeds.
		secondOK bool
	}{
		{name: "replay after a success"},
		{"after a wrong redirect_uri", url.Values{"redirect_uri": {testCallback + "/"}}, "redirect_uri_mismatch", "redirect_uri must match configuration", false},
		{"after a missing redirect_uri", url.Values{"redirect_uri": {""}}, "redirect_uri_mismatch", "redirect_uri must match configuration", false},
		{"after another app presented it", url.Values{"client_id": {otherKey}, "client_secret": {otherSecret}}, "invalid_grant", "invalid authorization code", true},
		{"after a try without the secret", url.Values{"client_secret": {""}}, "invalid_client", "invalid client credentials", true},
		{"after a try with a wrong secret", url.Values{"client_secret": {"wrong"}}, "invalid_client", "invalid client credentials", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			addOtherApp(t, srv)
			c := approvedBrowser(t, srv, ts)
			code := codeFor(t, c, authorizeURL(ts))

			var firstTokens map[string]any
			if tt.first == nil {
				status, m := tokenCall(t, ts, exchangeForm(code))
				if status != http.StatusOK || m["refresh_token"] == nil {
					t.Fatalf("first exchange = %d %v; want tokens", status, m)
				}
				firstTokens = m
			} else {
				f := exchangeForm(code)
				for k, v := range tt.first {
					if v[0] == "" {
						f.Del(k)
					} else {
						f[k] = v
					}
				}
				status, m := tokenCall(t, ts, f)
				wantTokenError(t, status, m, tt.firstCode, tt.firstDesc)
			}

			status, m := tokenCall(t, ts, exchangeForm(code))
			if tt.secondOK {
				if status != http.StatusOK {
					t.Fatalf("right exchange after a failed client check = %d %v; want tokens", status, m)
				}
				return
			}
			wantTokenError(t, status, m, "invalid_grant", "invalid authorization code")
			if firstTokens == nil {
				return
			}
			// The replay revoked the first exchange's tokens.
			if status, body := identityStatus(t, ts, firstTokens); status != http.StatusForbidden || body != "Bad_OAuth_Token" {
				t.Errorf("identity URL with the first access token = %d %q; want 403 Bad_OAuth_Token", status, body)
			}
			status, m = tokenCall(t, ts, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {firstTokens["refresh_token"].(string)},
				"client_id": {testKey}, "client_secret": {testSecret}})
			wantTokenError(t, status, m, "invalid_grant", "expired access/refresh token")
		})
	}
}

// redirectTricks are redirect URIs that are not exactly the test app's
// Callback URL, though a lax comparison might take them for it.
var redirectTricks = []struct{ name, uri string }{
	{"prefix", "http://127.0.0.1:9/salesforce"},
	{"scheme and host only", "http://127.0.0.1:9"},
	{"longer path", testCallback + "/evil"},
	{"suffix", testCallback + "Evil"},
	{"dot segments", testCallback + "/../../evil"},
	{"query added", testCallback + "?next=https://evil.test"},
	{"empty query", testCallback + "?"},
	{"fragment added", testCallback + "#x"},
	{"upper-case scheme", "HTTP://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"path case", "http://127.0.0.1:9/Salesforce/getSfdcOAuthTokensRedirect"},
	{"trailing slash", testCallback + "/"},
	{"user@host", "http://evil.test@127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"host@evil", "http://127.0.0.1:9@evil.test/salesforce/getSfdcOAuthTokensRedirect"},
	{"backslash", `http://evil.test\@127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect`},
	{"percent-encoded slash", "http://127.0.0.1:9/salesforce%2FgetSfdcOAuthTokensRedirect"},
	{"percent-encoded letter", "http://127.0.0.1:9/%73alesforce/getSfdcOAuthTokensRedirect"},
	{"percent-encoded host", "http://%31%32%37.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"dot segment", "http://127.0.0.1:9/salesforce/./getSfdcOAuthTokensRedirect"},
	{"double slash", "http://127.0.0.1:9//salesforce/getSfdcOAuthTokensRedirect"},
	{"trailing dot in the host", "http://127.0.0.1.:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"other port", "http://127.0.0.1:90/salesforce/getSfdcOAuthTokensRedirect"},
	{"no port", "http://127.0.0.1/salesforce/getSfdcOAuthTokensRedirect"},
	{"port with a leading zero", "http://127.0.0.1:09/salesforce/getSfdcOAuthTokensRedirect"},
	{"other name of the host", "http://localhost:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"other scheme", "https://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"custom scheme", "myapp://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"scheme-relative", "//127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	{"leading space", " " + testCallback},
	{"trailing space", testCallback + " "},
	{"trailing newline", testCallback + "\n"},
	{"trailing NUL", testCallback + "\x00"},
}

// Every redirect URI trick is rendered as Salesforce's redirect_uri_mismatch
// page and never redirected to, in both flows, for a browser logged in and
// approved (which the exact URI sends straight back with a code or tokens)
// and for one that is not. A code issued for the exact URI cannot be
// exchanged with a trick either.
func TestSecurityRedirectURITricks(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	browsers := map[string]*http.Client{"anonymous": browser(t, ts), "approved": approvedBrowser(t, srv, ts)}
	// The exact URI is answered with a redirect: the tricks fail for
	// their URI alone.
	for _, rt := range []string{"code", "token"} {
		resp, _ := get(t, noRedirects(browsers["approved"]), authorizeURL(ts, "response_type", rt))
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, testCallback) {
			t.Fatalf("response_type=%s with the exact URI = %d to %q; want a redirect to the callback", rt, resp.StatusCode, loc)
		}
	}
	for _, tt := range redirectTricks {
		t.Run(tt.name, func(t *testing.T) {
			for who, c := range browsers {
				for _, rt := range []string{"code", "token"} {
					resp, page := get(t, noRedirects(c), authorizeURL(ts, "response_type", rt, "redirect_uri", tt.uri))
					if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, mismatchPre) {
						t.Errorf("%s browser, response_type=%s: %d; want 400 with %s\n%s", who, rt, resp.StatusCode, mismatchPre, page)
					}
					if loc := resp.Header.Get("Location"); loc != "" {
						t.Errorf("%s browser, response_type=%s: redirected to %q", who, rt, loc)
					}
					if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
						t.Errorf("%s browser, response_type=%s: Content-Type %q; want a page", who, rt, ct)
					}
				}
			}
			code := codeFor(t, browsers["approved"], authorizeURL(ts))
			status, m := tokenCall(t, ts, exchangeForm(code, "redirect_uri", tt.uri))
			wantTokenError(t, status, m, "redirect_uri_mismatch", "redirect_uri must match configuration")
		})
	}
}

// PKCE cannot be downgraded: a code issued for a challenge needs the
// verifier of that challenge, sent as S256 expects it, and nothing else;
// a failed try uses the code up. A verifier cannot serve for a code of
// another challenge. The plain method and, for an app that requires PKCE,
// a request without a challenge are refused at authorize.
func TestSecurityPKCE(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	c := approvedBrowser(t, srv, ts)
	verifier := oauth2.GenerateVerifier()
	challenge := oauth2.S256ChallengeFromVerifier(verifier)
	withChallenge := authorizeURL(ts, "code_challenge", challenge, "code_challenge_method", "S256")

	tests := []struct {
		name, verifier string
		ok             bool
	}{
		{"no verifier", "", false},
		{"wrong verifier", oauth2.GenerateVerifier(), false},
		{"the challenge as verifier (plain method)", challenge, false},
		{"verifier with a tilde", "~" + verifier[1:], false},
		{"verifier one character short", verifier[:len(verifier)-1], false},
		{"verifier with a character added", verifier + "A", false},
		{"verifier in upper case", strings.ToUpper(verifier), false},
		{"right verifier", verifier, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := codeFor(t, c, withChallenge)
			status, m := tokenCall(t, ts, exchangeForm(code, "code_verifier", tt.verifier))
			if tt.ok {
				if status != http.StatusOK {
					t.Fatalf("exchange with the right verifier = %d %v", status, m)
				}
				return
			}
			wantTokenError(t, status, m, "invalid_grant", "invalid code verifier")
			// The failed try used the code up.
			status, m = tokenCall(t, ts, exchangeForm(code, "code_verifier", verifier))
			wantTokenError(t, status, m, "invalid_grant", "invalid authorization code")
		})
	}

	t.Run("reuse of a verifier for another challenge", func(t *testing.T) {
		other := oauth2.GenerateVerifier()
		code1 := codeFor(t, c, withChallenge)
		code2 := codeFor(t, c, authorizeURL(ts, "code_challenge", oauth2.S256ChallengeFromVerifier(other), "code_challenge_method", "S256"))
		status, m := tokenCall(t, ts, exchangeForm(code2, "code_verifier", verifier))
		wantTokenError(t, status, m, "invalid_grant", "invalid code verifier")
		if status, m := tokenCall(t, ts, exchangeForm(code1, "code_verifier", verifier)); status != http.StatusOK {
			t.Errorf("the verifier's own code = %d %v; want tokens", status, m)
		}
		// A verifier, once used, does not redeem its code twice.
		status, m = tokenCall(t, ts, exchangeForm(code1, "code_verifier", verifier))
		wantTokenError(t, status, m, "invalid_grant", "invalid authorization code")
	})

	authorizeErrors := []struct {
		name     string
		params   []string
		requires bool // the app requires PKCE
		desc     string
	}{
		{"plain method", []string{"code_challenge", challenge, "code_challenge_method", "plain"}, false, "unsupported code challenge method"},
		{"plain method, app requires PKCE", []string{"code_challenge", challenge, "code_challenge_method", "plain"}, true, "unsupported code challenge method"},
		{"no challenge, app requires PKCE", nil, true, "missing required code challenge"},
		{"challenge not base64url", []string{"code_challenge", strings.Repeat("~", 43), "code_challenge_method", "S256"}, false, "invalid code challenge"},
		{"challenge too short", []string{"code_challenge", challenge[:42]}, false, "invalid code challenge"},
	}
	for _, tt := range authorizeErrors {
		t.Run("authorize: "+tt.name, func(t *testing.T) {
			setRequirePKCE(t, srv, tt.requires)
			q := callbackQuery(t, c, authorizeURL(ts, tt.params...))
			if q.Get("error") != "invalid_request" || q.Get("error_description") != tt.desc || q.Get("state") != "st4te" || q.Get("code") != "" {
				t.Errorf("callback query %v; want invalid_request / %s with the state and no code", q, tt.desc)
			}
		})
	}

	t.Run("code from before the app required PKCE", func(t *testing.T) {
		setRequirePKCE(t, srv, false)
		code := codeFor(t, c, authorizeURL(ts))
		setRequirePKCE(t, srv, true)
		status, m := tokenCall(t, ts, exchangeForm(code, "code_verifier", verifier))
		wantTokenError(t, status, m, "invalid_grant", "invalid code verifier")
	})
}

func setRequirePKCE(t *testing.T, srv *mocksf.Server, on bool) {
	t.Helper()
	updateApp(t, srv, func(a *store.ConnectedApp) { a.Policy.RequirePKCE = on })
}

// securityState is what a form post may change: the store's orgs, users
// (failed logins included), apps, approvals and mail, and the session of
// the browser that posts.
type securityState struct {
	Orgs     []store.Org
	Users    []store.User
	Apps     []store.ConnectedApp
	Approved []string
	Mails    int
	Session  store.Session
}

func stateOf(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) securityState {
	t.Helper()
	st := srv.Store()
	s := securityState{Orgs: st.Orgs(), Mails: len(srv.Mailer().Sent(""))}
	for _, o := range s.Orgs {
		s.Users = append(s.Users, st.Users(o.ID)...)
		s.Apps = append(s.Apps, st.Apps(o.ID)...)
	}
	for _, u := range s.Users {
		for _, a := range s.Apps {
			if st.Approved(u.ID, a.ConsumerKey) {
				s.Approved = append(s.Approved, u.Username+" "+a.Name)
			}
		}
	}
	s.Session = sessionOf(t, srv, ts, c)
	return s
}

// sessionOf returns the session of a browser's cookie, or the zero Session.
// Its LastUsed is left out: every request is a use, refused or not.
func sessionOf(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) store.Session {
	t.Helper()
	if c.Jar == nil {
		return store.Session{}
	}
	u, _ := url.Parse(ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == web.SessionCookie {
			sess, _ := srv.Store().Session(ck.Value)
			sess.LastUsed = time.Time{}
			return sess
		}
	}
	return store.Session{}
}

// csrfForm is a form post of a browser in the state the form needs.
type csrfForm struct {
	c      *http.Client
	path   string
	form   url.Values // without _CONFIRMATIONTOKEN
	token  string     // the session's CSRF token
	change bool       // the right token changes the state
}

// appID is the ID of the test seed's connected app.
func appID(t *testing.T, srv *mocksf.Server) string {
	t.Helper()
	return appNamed(t, srv, "Product Sync").ID
}

// pendingLogin is a browser that typed the right password for username and
// is asked for the emailed code; it returns the session's CSRF token.
func pendingLogin(t *testing.T, ts *httptest.Server, c *http.Client, username, password string) string {
	t.Helper()
	resp, page := get(t, c, ts.URL+"/")
	_, token := enterPassword(t, ts, c, resp, page, username, password)
	return token
}

// csrfForms are mocksf's browser forms, by the handler that reads them
// (as routes.go names it), each in the state where the right token would
// make it work.
var csrfForms = map[string]func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm{
	"login.HandleLogin": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c := browser(t, ts)
		_, page := get(t, c, ts.URL+"/")
		return csrfForm{c, "/", url.Values{"username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"}}, csrf(t, page), true}
	},
	"login.HandleVerify": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c := browser(t, ts)
		token := pendingLogin(t, ts, c, "sync@acme.test", "Sync-Pass-1")
		return csrfForm{c, login.VerifyPath, url.Values{"emc": {srv.Mailer().Sent("sync@acme.test")[0].Code}}, token, true}
	},
	"oauth.HandleApprove": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := loggedIn(t, srv, ts, "sync@acme.test", "Sync-Pass-1")
		resp, page := get(t, c, authorizeURL(ts))
		if !strings.Contains(page, `id="oaapprove"`) {
			t.Fatalf("authorize led to %s; want Allow Access", resp.Request.URL)
		}
		return csrfForm{c, oauth.ApprovalPath, url.Values{"source": {resp.Request.URL.Query().Get("source")}, "decision": {"allow"}}, token, true}
	},
	"setup.HandleChosenAppType": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.ChoosePath, url.Values{"appType": {setup.AppTypeConnected}}, token, false}
	},
	"setup.HandleCreateApp": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.EditPath, newAppForm("Forged App"), token, true}
	},
	"setup.HandleUpdateApp": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.EditPath + "?applicationId=" + appID(t, srv), newAppForm("Renamed App"), token, true}
	},
	"setup.HandleDeleteApp": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.DeletePath + "?applicationId=" + appID(t, srv), url.Values{}, token, true}
	},
	"setup.HandleBlockApp": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.ManageAppPath + "?applicationId=" + appID(t, srv), url.Values{"action": {"block"}}, token, true}
	},
	"setup.HandleSavePolicies": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.PoliciesPath + "?applicationId=" + appID(t, srv),
			url.Values{"permittedUsers": {setup.PermittedAdminApproved}, "refreshPolicy": {store.RefreshImmediately}}, token, true}
	},
	"setup.HandleManageConsumer": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.ManagePath, url.Values{"applicationId": {appID(t, srv)}}, token, true}
	},
	"setup.HandleVerify": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		id := appID(t, srv)
		post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {id}})
		return csrfForm{c, setup.VerifyPath + "?applicationId=" + id, url.Values{"emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}}, token, true}
	},
	"setup.HandleCreateECA": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.ECANewPath, with(validECAForm(token), map[string]string{"_CONFIRMATIONTOKEN": ""}), token, true}
	},
	"setup.HandleUpdateECA": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token, app := ecaAdmin(t, srv, ts)
		return csrfForm{c, setup.ECAEditSettingsPath + "?applicationId=" + app.ID, with(validECAForm(token), map[string]string{"_CONFIRMATIONTOKEN": ""}), token, true}
	},
	"setup.HandleSaveECAPolicies": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token, app := ecaAdmin(t, srv, ts)
		return csrfForm{c, setup.ECAPoliciesPath + "?applicationId=" + app.ID,
			url.Values{"permittedUsers": {setup.PermittedAdminApproved}, "refreshPolicy": {store.RefreshImmediately}}, token, true}
	},
	"setup.HandleECAConsumer": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token, app := ecaAdmin(t, srv, ts)
		return csrfForm{c, setup.ECAConsumerPath, url.Values{"applicationId": {app.ID}}, token, true}
	},
	"setup.HandleECAVerify": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token, app := ecaAdmin(t, srv, ts)
		post(t, c, ts.URL+setup.ECAConsumerPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {app.ID}})
		return csrfForm{c, setup.ECAVerifyPath + "?applicationId=" + app.ID, url.Values{"emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}}, token, true}
	},
	"setup.HandleECADelete": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token, app := ecaAdmin(t, srv, ts)
		return csrfForm{c, setup.ECADeletePath + "?applicationId=" + app.ID, url.Values{}, token, true}
	},
	"setup.HandleSaveECASettings": func(t *testing.T, srv *mocksf.Server, ts *httptest.Server) csrfForm {
		c, token := adminBrowser(t, srv, ts)
		return csrfForm{c, setup.ECASettingsPath, url.Values{}, token, true}
	},
}

// csrfExempt are the routes of routes.go that take a POST (or another
// method that changes state) without a CSRF token, and why that is safe.
var csrfExempt = map[string]string{
	"oauth.HandleToken":         "OAuth endpoint: the client authenticates with its secret or a signed assertion; no cookie",
	"oauth.HandleRevoke":        "OAuth endpoint: needs the token itself; no cookie",
	"oauth.HandleUserInfo":      "OAuth endpoint: needs an access token; no cookie",
	"oauth.HandleIntrospect":    "OAuth endpoint: the client authenticates with its secret; no cookie",
	"oauth.HandleIdentity":      "identity URL: needs an access token; no cookie",
	"oauth.HandleAuthorizePost": "changes nothing: answers every POST with an error (Salesforce's authorize takes GET only)",
}

// newAppForm is a valid New Connected App form.
func newAppForm(name string) url.Values {
	return url.Values{"name": {name}, "contactEmail": {"admin@acme.test"}, "oauthEnabled": {"1"},
		"callbackUrl": {"https://app.example/cb"}, "scopes": {"api"}}
}

// What stateRoutes looks for in a line of routes.go.
var (
	routeMethods = regexp.MustCompile(`\.Methods\(([^)]*)\)`)
	stateMethod  = regexp.MustCompile(`"(POST|PUT|PATCH|DELETE)"`)
	routeHandler = regexp.MustCompile(`\b(login|setup|oauth|control|rest)\.(Handle\w+)\(`)
)

// stateRoutes reads routes.go and returns the handlers of its routes that
// take POST, PUT, PATCH or DELETE, as "package.HandleName".
func stateRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		m := routeMethods.FindStringSubmatch(line)
		if !strings.HasPrefix(line, "r.Handle(") || m == nil || !stateMethod.MatchString(m[1]) {
			continue
		}
		h := routeHandler.FindStringSubmatch(line)
		if h == nil {
			t.Fatalf("routes.go: no handler in %q", line)
		}
		out = append(out, h[1]+"."+h[2])
	}
	if len(out) < 10 {
		t.Fatalf("found only %v in routes.go; the pattern no longer matches it", out)
	}
	return out
}

// Every form of mocksf refuses a post without the session's CSRF token,
// with a wrong one and with another session's: 403 and no change at all,
// not even to the posting browser's session. The same post with the right
// token works, so it is the token that was refused. The list of forms is
// checked against routes.go: a new state-changing route must be added to
// csrfForms, to csrfExempt, or be a control route (which Guard protects:
// TestSecurityControlAPIRefusesCrossSite).
func TestSecurityCSRFOnEveryForm(t *testing.T) {
	t.Parallel()
	for _, h := range stateRoutes(t) {
		_, form := csrfForms[h]
		_, exempt := csrfExempt[h]
		if !form && !exempt && !strings.HasPrefix(h, "control.") {
			t.Errorf("routes.go has a state-changing route for %s that this test does not cover", h)
		}
	}
	for name, prepare := range csrfForms {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			f := prepare(t, srv, ts)
			other := browser(t, ts)
			_, page := get(t, other, ts.URL+"/")
			tokens := map[string]string{"no token": "", "wrong token": "not-the-token", "another session's token": csrf(t, page),
				"token with a byte added": f.token + "x", "truncated token": f.token[:len(f.token)-1]}
			for what, token := range tokens {
				before := stateOf(t, srv, ts, f.c)
				form := url.Values{}
				for k, v := range f.form {
					form[k] = v
				}
				if token != "" {
					form.Set("_CONFIRMATIONTOKEN", token)
				}
				resp, body := post(t, noRedirects(f.c), ts.URL+f.path, form)
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, msgCSRF) {
					t.Errorf("%s: %d %q; want 403 %q", what, resp.StatusCode, body, msgCSRF)
				}
				if after := stateOf(t, srv, ts, f.c); !reflect.DeepEqual(after, before) {
					t.Errorf("%s: the post changed the state:\nbefore %+v\nafter  %+v", what, before, after)
				}
			}
			before := stateOf(t, srv, ts, f.c)
			form := url.Values{"_CONFIRMATIONTOKEN": {f.token}}
			for k, v := range f.form {
				form[k] = v
			}
			resp, body := post(t, noRedirects(f.c), ts.URL+f.path, form)
			if resp.StatusCode == http.StatusForbidden || resp.StatusCode >= 500 {
				t.Fatalf("with the right token: %d %s", resp.StatusCode, body)
			}
			if after := stateOf(t, srv, ts, f.c); f.change && reflect.DeepEqual(after, before) {
				t.Errorf("with the right token the form changed nothing (%d): the test does not reach it", resp.StatusCode)
			}
		})
	}
}

// The control API changes mocksf's state without a CSRF token, so it must
// refuse what a web page can send: a cross-site request (Sec-Fetch-Site)
// or one from another origin, even from loopback.
func TestSecurityControlAPIRefusesCrossSite(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	orgID := srv.Store().Orgs()[0].ID
	routes := []struct{ method, path, body string }{
		{"POST", "/__mocksf/orgs", `{"name": "Forged"}`},
		{"DELETE", "/__mocksf/orgs/" + orgID, ""},
		{"POST", "/__mocksf/orgs/" + orgID + "/records/Lead", `{"generate": 1}`},
		{"POST", "/__mocksf/orgs/" + orgID + "/revoke", `{"username": "sync@acme.test", "clientId": "` + testKey + `"}`},
		{"PATCH", "/__mocksf/orgs/" + orgID + "/users/sync@acme.test", `{"password": "Forged-1"}`},
		{"PATCH", "/__mocksf/orgs/" + orgID + "/connectedApps/" + testKey, `{"callbackUrls": ["https://evil.test/cb"]}`},
		{"POST", "/__mocksf/reset", ""},
		{"POST", "/__mocksf/faults", `{"status": 500}`},
		{"DELETE", "/__mocksf/faults", ""},
		{"POST", "/__mocksf/clock", `{"advance": "1h"}`},
		{"DELETE", "/__mocksf/requests", ""},
		{"DELETE", "/__mocksf/mail", ""},
		{"GET", "/__mocksf/mail", ""},
		{"GET", "/__mocksf/orgs/" + orgID, ""},
	}
	headers := map[string][2]string{
		"cross-site fetch":      {"Sec-Fetch-Site", "cross-site"},
		"other origin":          {"Origin", "https://evil.test"},
		"null origin":           {"Origin", "null"},
		"origin of a lookalike": {"Origin", "http://127.0.0.1.evil.test"},
	}
	c := browser(t, ts)
	for _, r := range routes {
		for what, h := range headers {
			before := stateOf(t, srv, ts, c)
			req, _ := http.NewRequest(r.method, ts.URL+r.path, strings.NewReader(r.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(h[0], h[1])
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"error":"forbidden"`) {
				t.Errorf("%s %s, %s: %d %s; want 403 forbidden", r.method, r.path, what, resp.StatusCode, body)
			}
			if after := stateOf(t, srv, ts, c); !reflect.DeepEqual(after, before) {
				t.Errorf("%s %s, %s: the request changed the state", r.method, r.path, what)
			}
		}
	}
}

// A page of attacker.test whose name is re-pointed at 127.0.0.1 (DNS
// rebinding) reaches mocksf from loopback, same-origin as far as the
// browser knows, so Sec-Fetch-Site and Origin do not tell; only its Host
// header does. The control API answers loopback host names and mocksf's
// own (base and instance URL) only, and a refused Host reads nothing.
func TestSecurityControlAPIRefusesRebindingHost(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	orgID := srv.Store().Orgs()[0].ID
	port := ts.URL[strings.LastIndex(ts.URL, ":")+1:]
	get := func(path, host string) (int, string) { return hostRequest(t, ts.URL, path, nil, "", "Host", host) }
	for _, path := range []string{"/__mocksf/orgs", "/__mocksf/orgs/" + orgID} {
		for _, host := range []string{"attacker.test:" + port, "attacker.test", "127.0.0.1.attacker.test:" + port, "localhost.attacker.test:" + port} {
			status, body := get(path, host)
			if status != http.StatusForbidden || !strings.Contains(body, `"error":"forbidden"`) {
				t.Errorf("GET %s with Host %s: %d %s; want 403 forbidden", path, host, status, body)
			}
			if strings.Contains(body, testSecret) || strings.Contains(body, orgID) {
				t.Errorf("GET %s with Host %s answered the org: %s", path, host, body)
			}
		}
		for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port} {
			if status, body := get(path, host); status != http.StatusOK {
				t.Errorf("GET %s with Host %s: %d %s; want 200", path, host, status, body)
			}
		}
	}
	if status, body := get("/__mocksf/orgs/"+orgID, "localhost:"+port); !strings.Contains(body, testSecret) {
		t.Errorf("GET /__mocksf/orgs/%s: %d, no consumer secret in %s; the test no longer shows what a refused Host would read", orgID, status, body)
	}
}

// After MaxLoginFailures wrong passwords in a row the user is locked out:
// the last wrong one and then even the right password meet the lock-out
// message, from any browser, and no code is mailed. The password flow
// counts towards the same lock-out and refuses a locked-out user too, so
// it can neither go on guessing nor unlock the user. An unknown username
// is locked out alike, so the message tells nothing about which usernames
// exist.
func TestSecurityLoginBruteForce(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	// The password flow needs the org setting and an earlier approval.
	org := srv.Store().Orgs()[0]
	if _, err := srv.Store().UpdateOrg(org.ID, func(o *store.Org) { o.AllowPasswordFlow = true }); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sync@acme.test", "admin@acme.test"} {
		u, _ := srv.Store().UserByUsername(name)
		srv.Store().Approve(u.ID, testKey)
	}
	passwordGrant := func(username, password string) (int, map[string]any) {
		return tokenCall(t, ts, url.Values{"grant_type": {"password"}, "client_id": {testKey}, "client_secret": {testSecret},
			"username": {username}, "password": {password}})
	}
	attempt := func(c *http.Client, username, password string) string {
		_, page := get(t, c, ts.URL+"/")
		_, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {username}, "pw": {password}})
		return html.UnescapeString(page)
	}
	const maxFailures = 10 // mocksf.Config's default
	mails := len(srv.Mailer().Sent("sync@acme.test"))

	// Wrong passwords from the login page and the password flow, from
	// fresh browsers each time: the count is the user's.
	for i := 1; i <= maxFailures; i++ {
		want := login.MsgBadCredentials
		if i == maxFailures {
			want = login.MsgLockedOut
		}
		if i%2 == 0 {
			status, m := passwordGrant("sync@acme.test", fmt.Sprintf("guess-%d", i))
			wantTokenError(t, status, m, "invalid_grant", "authentication failure")
			continue
		}
		if page := attempt(browser(t, ts), "sync@acme.test", fmt.Sprintf("guess-%d", i)); !strings.Contains(page, want) {
			t.Fatalf("wrong password %d: want %q in\n%s", i, want, page)
		}
	}
	for i := 0; i < 3; i++ {
		if page := attempt(browser(t, ts), "sync@acme.test", "Sync-Pass-1"); !strings.Contains(page, login.MsgLockedOut) || strings.Contains(page, "Verify Your Identity") {
			t.Fatalf("right password after the lock-out: want %q, got\n%s", login.MsgLockedOut, page)
		}
		status, m := passwordGrant("sync@acme.test", "Sync-Pass-1")
		wantTokenError(t, status, m, "invalid_grant", "authentication failure")
	}
	if n := len(srv.Mailer().Sent("sync@acme.test")); n != mails {
		t.Errorf("%d codes mailed to a locked-out user; want none", n-mails)
	}
	// Another user is not affected.
	if page := attempt(browser(t, ts), "admin@acme.test", "Admin-Pass-1"); !strings.Contains(page, "Verify Your Identity") {
		t.Errorf("another user cannot log in:\n%s", page)
	}
	if status, m := passwordGrant("admin@acme.test", "Admin-Pass-1"); status != http.StatusOK {
		t.Errorf("password flow of another user = %d %v", status, m)
	}
	// An unknown user looks like a real one: locked from the same attempt
	// on (mocksf/login's TestSecurityLoginUnknownUsernameLooksReal).
	for i := 1; i <= maxFailures+2; i++ {
		want := login.MsgBadCredentials
		if i >= maxFailures {
			want = login.MsgLockedOut
		}
		if page := attempt(browser(t, ts), "nobody@acme.test", "x"); !strings.Contains(page, want) {
			t.Fatalf("unknown user, attempt %d: want %q", i, want)
		}
	}
	// An admin's Unlock (the control API's) lets the right password in.
	if _, err := controlOf(ts).UpdateUser(context.Background(), org.ID, "sync@acme.test", control.UserChange{Unlock: true}); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if page := attempt(browser(t, ts), "sync@acme.test", "Sync-Pass-1"); !strings.Contains(page, "Verify Your Identity") {
		t.Errorf("right password after Unlock:\n%s", page)
	}
}

// After MaxVerificationAttempts wrong codes even the right code is refused,
// on the login's verification page and on the one in front of consumer
// details, until Resend Code mails a new one; the old code stays refused.
func TestSecurityVerificationCodeBruteForce(t *testing.T) {
	t.Parallel()
	const maxAttempts = 5 // mocksf.Config's default
	tests := []struct {
		name string
		// start brings a browser to the verification page and returns
		// the page's path, its CSRF token and the user the code goes to.
		start func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) (path, token, user string)
		// verified reports whether the right code got through.
		verified func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) bool
	}{
		{"login", func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) (string, string, string) {
			return login.VerifyPath, pendingLogin(t, ts, c, "sync@acme.test", "Sync-Pass-1"), "sync@acme.test"
		}, func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) bool {
			return web.LoggedIn(sessionOf(t, srv, ts, c))
		}},
		{"consumer details", func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) (string, string, string) {
			token := loginAs(t, srv, ts, c, "admin@acme.test", "Admin-Pass-1")
			post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {appID(t, srv)}})
			return setup.VerifyPath + "?applicationId=" + appID(t, srv), token, "admin@acme.test"
		}, func(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client) bool {
			return sessionOf(t, srv, ts, c).Revealed[appID(t, srv)]
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			c := browser(t, ts)
			path, token, user := tt.start(t, srv, ts, c)
			code := srv.Mailer().Sent(user)[0].Code
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			verify := func(emc string) string {
				_, page := post(t, c, ts.URL+path, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {emc}})
				return html.UnescapeString(page)
			}
			for i := 1; i <= maxAttempts; i++ {
				want := identity.MsgInvalidCode
				if i == maxAttempts {
					want = identity.MsgTooMany
				}
				if page := verify(wrong); !strings.Contains(page, want) {
					t.Fatalf("wrong code %d: want %q in\n%s", i, want, page)
				}
			}
			for i := 0; i < 3; i++ {
				if page := verify(code); !strings.Contains(page, identity.MsgTooMany) {
					t.Fatalf("right code after %d wrong ones: want %q in\n%s", maxAttempts, identity.MsgTooMany, page)
				}
			}
			if tt.verified(t, srv, ts, c) {
				t.Fatal("the right code got through after the attempt limit")
			}
			// Resend Code mails a new code: the old one stays refused, the
			// new one works.
			post(t, c, ts.URL+path, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
			fresh := srv.Mailer().Sent(user)[0].Code
			if fresh != code {
				if page := verify(code); !strings.Contains(page, identity.MsgInvalidCode) {
					t.Errorf("the old code after Resend: want %q in\n%s", identity.MsgInvalidCode, page)
				}
			}
			verify(fresh)
			if !tt.verified(t, srv, ts, c) {
				t.Error("the resent code was refused")
			}
		})
	}
}

// The caps on codes are the user's, on every verification page: Manage
// Consumer Details mails at most MaxVerificationCodes codes an hour
// (Resend Code pressed 8 times), then says it cannot send one, and 10
// wrong codes lock it, even to the right code.
func TestSecurityConsumerVerificationBounded(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	id := appID(t, srv)
	path := ts.URL + setup.VerifyPath + "?applicationId=" + id
	mails := len(srv.Mailer().Sent("admin@acme.test"))
	post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {id}})
	var page string
	for range 8 {
		_, page = post(t, c, path, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
	}
	if n := len(srv.Mailer().Sent("admin@acme.test")) - mails; n != mocksf.DefaultMaxVerificationCodes {
		t.Errorf("%d codes mailed for 1 request and 8 resends; want %d", n, mocksf.DefaultMaxVerificationCodes)
	}
	if !strings.Contains(html.UnescapeString(page), identity.MsgCannotSend) {
		t.Errorf("Resend Code past the cap: want %q in\n%s", identity.MsgCannotSend, page)
	}
	// An hour later Resend Code works again; 5 wrong tries on each of two
	// codes lock the verification.
	srv.Clock().Advance(time.Hour)
	for i := range mocksf.DefaultMaxVerificationFailures {
		if i%5 == 0 {
			post(t, c, path, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
		}
		_, page = post(t, c, path, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mocksftest.WrongCode(srv.Mailer().Sent("admin@acme.test")[0].Code)}})
	}
	code := srv.Mailer().Sent("admin@acme.test")[0].Code
	if !strings.Contains(html.UnescapeString(page), identity.MsgLockedOut) {
		t.Errorf("the wrong code that reaches the cap: want %q in\n%s", identity.MsgLockedOut, page)
	}
	if _, page = post(t, c, path, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}}); !strings.Contains(html.UnescapeString(page), identity.MsgLockedOut) {
		t.Errorf("the right code while locked: want %q in\n%s", identity.MsgLockedOut, page)
	}
	if sessionOf(t, srv, ts, c).Revealed[id] {
		t.Fatal("the consumer details were revealed while the verification was locked")
	}
}

// What a user types in Setup's New Connected App form is shown escaped,
// whether the form is refused and shown again or saved and then shown on
// every Setup page that lists the app.
func TestSecurityXSSSetupFields(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	fields := []string{"name", "apiName", "description", "contactEmail", "contactPhone", "callbackUrl", "logoUrl", "infoUrl"}
	n := 0
	for _, field := range fields {
		for _, payload := range xsstest.Payloads {
			n++
			form := newAppForm(fmt.Sprintf("App %d", n))
			form.Set("_CONFIRMATIONTOKEN", token)
			value := payload
			switch field {
			case "callbackUrl":
				value = "myapp://cb/" + payload
			case "logoUrl", "infoUrl":
				value = "https://app.example/" + payload
			}
			form.Set(field, value)
			t.Run(field+" "+payload, func(t *testing.T) {
				resp, page := post(t, c, ts.URL+setup.EditPath, form)
				saved := resp.Request.URL.Path == setup.SavedPath
				// A refused value is shown in the form again; a saved one on
				// the app's pages.
				xsstest.CheckEscaped(t, "the page after saving", page, value, !saved)
				if !saved {
					return
				}
				id := "?applicationId=" + resp.Request.URL.Query().Get("applicationId")
				for _, p := range []string{setup.DetailPath + id, setup.EditPath + id, setup.ManageAppPath + id, setup.PoliciesPath + id,
					setup.DeletePath + id, setup.AppManagerPath, setup.ManageAppsPath} {
					_, page := get(t, c, ts.URL+p)
					xsstest.CheckEscaped(t, p, page, "", false)
				}
				_, page = get(t, c, ts.URL+setup.DetailPath+id)
				xsstest.CheckEscaped(t, "the app's page", page, value, true)
			})
		}
	}
}

// Error messages that repeat what was posted, Quick Find, and the login
// page's username, login_hint and startURL show it escaped.
func TestSecurityXSSReflected(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	admin, token := adminBrowser(t, srv, ts)
	id := appID(t, srv)
	for _, payload := range xsstest.Payloads {
		t.Run(payload, func(t *testing.T) {
			cases := []struct {
				name string
				do   func() string
			}{
				{"Block with a bad action", func() string {
					_, page := post(t, admin, ts.URL+setup.ManageAppPath+"?applicationId="+id, url.Values{"_CONFIRMATIONTOKEN": {token}, "action": {payload}})
					return page
				}},
				{"Edit Policies with bad picklist values", func() string {
					_, page := post(t, admin, ts.URL+setup.PoliciesPath+"?applicationId="+id, url.Values{"_CONFIRMATIONTOKEN": {token},
						"permittedUsers": {payload}, "refreshPolicy": {store.RefreshIdle}, "refreshIdleValue": {"5"}, "refreshIdleUnit": {payload}})
					return page
				}},
				{"Edit Policies with a bad refresh policy", func() string {
					_, page := post(t, admin, ts.URL+setup.PoliciesPath+"?applicationId="+id, url.Values{"_CONFIRMATIONTOKEN": {token},
						"permittedUsers": {setup.PermittedAll}, "refreshPolicy": {payload}})
					return page
				}},
				{"Setup Quick Find", func() string {
					_, page := get(t, admin, ts.URL+setup.HomePath+"?q="+url.QueryEscape(payload))
					return page
				}},
				{"login_hint", func() string {
					_, page := get(t, browser(t, ts), ts.URL+"/?login_hint="+url.QueryEscape(payload))
					return page
				}},
				{"username after a wrong password", func() string {
					c := browser(t, ts)
					_, page := get(t, c, ts.URL+"/")
					_, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {payload}, "pw": {"x"}})
					return page
				}},
				{"startURL", func() string {
					_, page := get(t, browser(t, ts), ts.URL+"/?startURL="+url.QueryEscape("/"+payload))
					return page
				}},
			}
			for _, tc := range cases {
				page := tc.do()
				shown := payload
				if tc.name == "startURL" {
					shown = "/" + payload
				}
				xsstest.CheckEscaped(t, tc.name, page, shown, true)
			}
			// Pages that must not repeat the payload at all.
			for _, u := range []string{
				authorizeURL(ts, "redirect_uri", "https://evil.test/"+payload, "state", payload),
				authorizeURL(ts, "client_id", payload),
				ts.URL + oauth.ApprovalPath + "?source=" + url.QueryEscape(payload),
				ts.URL + "/?display=" + url.QueryEscape(payload),
			} {
				_, page := get(t, browser(t, ts), u)
				xsstest.CheckEscaped(t, u, page, "", false)
			}
		})
	}
}

// Names a seed or the control API gives (connected app, user) are shown
// escaped on the login, verification and approval pages and in the
// verification email's HTML; the identity URL's JSONP callback is echoed
// only when it is a JavaScript name.
func TestSecurityXSSStoredNames(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	const xssKey = "3MVG9XssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssKeyXssK1"
	username := xsstest.Script + "@xss.test"
	seed, err := store.ParseSeed([]byte(`
orgs:
  - name: '` + xsstest.Attr + `'
    users:
      - {username: '` + username + `', email: xss@xss.test, password: Xss-Pass-1, firstName: '` + xsstest.Attr + `', lastName: '` + xsstest.Script + `'}
    connectedApps:
      - name: '` + xsstest.Script + `'
        apiName: '` + xsstest.Attr + `'
        consumerKey: ` + xssKey + `
        consumerSecret: S3cret-S3cret
        callbackUrls: ["` + testCallback + `"]
        scopes: [api, refresh_token]
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Store().Apply(seed); err != nil {
		t.Fatal(err)
	}
	c := browser(t, ts)
	resp, page := get(t, c, authorizeURL(ts, "client_id", xssKey, "login_hint", username))
	xsstest.CheckEscaped(t, "login page", page, username, true)
	_, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {username}, "pw": {"Xss-Pass-1"},
		"startURL": {resp.Request.URL.Query().Get("startURL")}})
	if !strings.Contains(page, "Verify Your Identity") {
		t.Fatalf("login as %s:\n%s", username, page)
	}
	xsstest.CheckEscaped(t, "verification page", page, "", false)
	mail := srv.Mailer().Sent("xss@xss.test")[0]
	xsstest.CheckEscaped(t, "verification email", mail.HTML, xsstest.Attr, true)
	xsstest.CheckEscaped(t, "verification email", mail.HTML, username, true)
	_, page = post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "emc": {mail.Code}})
	if !strings.Contains(page, `id="oaapprove"`) {
		t.Fatalf("after verification:\n%s", page)
	}
	xsstest.CheckEscaped(t, "approval page", page, xsstest.Script, true)
	xsstest.CheckEscaped(t, "approval page", page, username, true)

	// The identity URL's JSONP callback.
	at, _, err := srv.Store().IssueTokens("", testKey, userID(t, srv, "sync@acme.test"), []string{"api", "id"}, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, cb := range []string{xsstest.Script, "alert(1)//", "a;alert(1)", "x.y"} {
		_, body := hostRequest(t, ts.URL, "/id/"+at.OrgID+"/"+at.UserID+"?format=jsonp&callback="+url.QueryEscape(cb), nil, at.Token)
		echoed := strings.HasPrefix(body, cb+"(")
		if echoed != (cb == "x.y") {
			t.Errorf("JSONP callback %q: body %.60q; want it echoed only when it is a JavaScript name", cb, body)
		}
	}
}

// Bodies over each endpoint's limit are refused with a 4xx in the
// endpoint's own format, never a 500 or a hang, and change nothing.
func TestSecurityOversizedBodies(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	admin, adminToken := adminBrowser(t, srv, ts)
	pending := browser(t, ts)
	pendingToken := pendingLogin(t, ts, pending, "sync@acme.test", "Sync-Pass-1")
	anon := browser(t, ts)
	_, page := get(t, anon, ts.URL+"/")
	anonToken := csrf(t, page)
	at, _, err := srv.Store().IssueTokens("", testKey, userID(t, srv, "sync@acme.test"), []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	id := appID(t, srv)
	form := func(token string, size int) []byte {
		return []byte(url.Values{"_CONFIRMATIONTOKEN": {token}, "pad": {strings.Repeat("a", size)}}.Encode())
	}
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	mw.WriteField("_CONFIRMATIONTOKEN", adminToken)
	fw, _ := mw.CreateFormFile("certificate", "big.crt")
	fw.Write(bytes.Repeat([]byte("A"), setup.MaxAppFormBytes+1))
	mw.Close()

	const formType = "application/x-www-form-urlencoded"
	tests := []struct {
		name, method, path, contentType string
		body                            []byte
		c                               *http.Client
		header                          []string
		status                          int
		want                            string
	}{
		{"token form over 16 KiB", "POST", "/services/oauth2/token", formType,
			[]byte("grant_type=password&pad=" + strings.Repeat("a", 16<<10)), nil, nil, 400, `{"error":"invalid_request","error_description":"request too large"}`},
		{"introspect form over 16 KiB", "POST", "/services/oauth2/introspect", formType,
			[]byte("token=x&pad=" + strings.Repeat("a", 16<<10)), nil, nil, 400, `"error":"invalid_request"`},
		{"revoke form over 16 KiB", "POST", "/services/oauth2/revoke", formType,
			[]byte("token=x&pad=" + strings.Repeat("a", 16<<10)), nil, nil, 400, "error=invalid_request"},
		{"identity form over 16 KiB", "POST", "/id/" + at.OrgID + "/" + at.UserID, formType,
			[]byte("oauth_token=x&pad=" + strings.Repeat("a", 16<<10)), nil, nil, 403, "Bad_OAuth_Token"},
		{"login form over 64 KiB", "POST", "/", formType, form(anonToken, web.MaxFormBytes), anon, nil, 400, "too large or malformed"},
		{"verification form over 64 KiB", "POST", login.VerifyPath, formType, form(pendingToken, web.MaxFormBytes), pending, nil, 400, "too large or malformed"},
		{"approval form over 64 KiB", "POST", oauth.ApprovalPath, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"app form over 64 KiB", "POST", setup.EditPath, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"app form with a certificate over 256 KiB", "POST", setup.EditPath, mw.FormDataContentType(), mp.Bytes(), admin, nil, 413, "Request Too Large"},
		{"policies form over 64 KiB", "POST", setup.PoliciesPath + "?applicationId=" + id, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"block form over 64 KiB", "POST", setup.ManageAppPath + "?applicationId=" + id, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"delete form over 64 KiB", "POST", setup.DeletePath + "?applicationId=" + id, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"consumer details form over 64 KiB", "POST", setup.ManagePath, formType, form(adminToken, web.MaxFormBytes), admin, nil, 400, "too large or malformed"},
		{"control API JSON over 16 MiB", "POST", "/__mocksf/orgs", "application/json",
			[]byte(`{"name": "` + strings.Repeat("a", 16<<20) + `"}`), nil, nil, 400, `"error":"bad_request"`},
		{"REST record over 4 MiB", "POST", "/services/data/v60.0/sobjects/Lead", "application/json",
			[]byte(`{"LastName": "` + strings.Repeat("a", 4<<20) + `"}`), nil, []string{"Authorization", "Bearer " + at.Token}, 400, "JSON_PARSER_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c
			if c == nil {
				c = http.DefaultClient
			}
			before := stateOf(t, srv, ts, c)
			base := ts.URL
			if strings.HasPrefix(tt.path, "/services/data") { // the REST API is on the instance host
				base = srv.InstanceURL()
			}
			req, _ := http.NewRequest(tt.method, base+tt.path, bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			resp, err := noRedirects(c).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
				t.Errorf("%d %.200s; want %d with %q", resp.StatusCode, body, tt.status, tt.want)
			}
			if after := stateOf(t, srv, ts, c); !reflect.DeepEqual(after, before) {
				t.Errorf("the oversized request changed the state")
			}
		})
	}
}

// The session ID and CSRF token change when the login completes, so an ID
// planted in a browser before the login (session fixation) stays logged
// out, the old ID names no session at all, and a token read before the
// login no longer passes a form.
func TestSecuritySessionRenewedAtLogin(t *testing.T) {
	t.Parallel()
	srv, ts := newServer(t)
	c := browser(t, ts)
	_, page := get(t, c, ts.URL+"/")
	planted := sessionOf(t, srv, ts, c).ID
	token := csrf(t, page)
	post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
	if got := sessionOf(t, srv, ts, c).ID; got != planted {
		t.Fatalf("the session changed before the verification (%s → %s)", planted, got)
	}
	post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}, "daa": {"1"}})
	sess := sessionOf(t, srv, ts, c)
	if sess.ID == planted || !web.LoggedIn(sess) {
		t.Fatalf("after login the browser's session is %q (logged in: %v); want a new, logged-in one", sess.ID, web.LoggedIn(sess))
	}
	if _, err := srv.Store().Session(planted); err == nil {
		t.Error("the planted session ID still names a session")
	}
	attacker := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("GET", ts.URL+setup.AppManagerPath, nil)
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: planted})
	resp, err := attacker.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/?ec=302") {
		t.Errorf("Setup with the planted ID = %d to %q; want the login page", resp.StatusCode, loc)
	}
	// The CSRF token changed too: one read before the login (a planted
	// session's) no longer passes a form; the session's new one does.
	if sess.CSRF == token {
		t.Error("the CSRF token survived the login")
	}
	_, page = post(t, c, ts.URL+setup.EditPath, func() url.Values { f := newAppForm("Forged"); f.Set("_CONFIRMATIONTOKEN", token); return f }())
	if !strings.Contains(page, msgCSRF) {
		t.Errorf("a form posted with the pre-login token after the login: want %q, got\n%s", msgCSRF, page)
	}
	resp, _ = post(t, c, ts.URL+setup.EditPath, func() url.Values { f := newAppForm("After Login"); f.Set("_CONFIRMATIONTOKEN", sess.CSRF); return f }())
	if resp.Request.URL.Path != setup.SavedPath {
		t.Errorf("a form posted with the session's token after the login led to %s; want %s", resp.Request.URL.Path, setup.SavedPath)
	}
	// A remembered browser logs in without a code: its session is renewed too.
	get(t, c, ts.URL+"/secur/logout.jsp")
	_, page = get(t, c, ts.URL+"/")
	before := sessionOf(t, srv, ts, c).ID
	post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
	if sess := sessionOf(t, srv, ts, c); sess.ID == before || !web.LoggedIn(sess) {
		t.Errorf("remembered browser: session %q → %q (logged in: %v); want a new, logged-in one", before, sess.ID, web.LoggedIn(sess))
	}
	if slices.Contains([]string{"", planted}, sessionOf(t, srv, ts, c).ID) {
		t.Error("the browser has no session of its own")
	}
}

// Every way a secret reaches mocksf (client secrets in the body and in
// HTTP Basic, passwords on the login page and in the password flow,
// emailed codes, authorization codes, access tokens in a header, in
// oauth_token and in revoke's query, refresh tokens) leaves it out of
// mocksf's debug logs and masked in the request journal.
func TestSecuritySecretsAbsentFromMocksfLogs(t *testing.T) {
	t.Parallel()
	logs := &testlog.Buffer{}
	srv, ts := newServerWith(t, func(c *mocksf.Config) {
		c.VerificationCodeLength, c.Logger = 8, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	org := srv.Store().Orgs()[0]
	srv.Store().UpdateOrg(org.ID, func(o *store.Org) { o.AllowPasswordFlow = true })

	secrets := map[string]string{"consumer secret": testSecret, "password": "Sync-Pass-1", "admin password": "Admin-Pass-1"}
	// A wrong password, then the whole flow through x/oauth2 (HTTP Basic).
	c := browser(t, ts)
	_, page := get(t, c, ts.URL+"/")
	post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {"sync@acme.test"}, "pw": {"Wrong-Pass-9"}})
	secrets["wrong password"] = "Wrong-Pass-9"
	cfg := oauthConfig(ts)
	cb := authorize(t, srv, ts, c, cfg, "allow")
	secrets["authorization code"] = cb.Query().Get("code")
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	secrets["access token"], secrets["refresh token"] = tok.AccessToken, tok.RefreshToken
	// The refresh grant with the secret in the body.
	status, m := tokenCall(t, ts, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {testKey}, "client_secret": {testSecret}})
	if status != http.StatusOK {
		t.Fatalf("refresh = %d %v", status, m)
	}
	secrets["refreshed access token"] = m["access_token"].(string)
	// The password flow.
	status, m = tokenCall(t, ts, url.Values{"grant_type": {"password"}, "username": {"sync@acme.test"}, "password": {"Sync-Pass-1"},
		"client_id": {testKey}, "client_secret": {testSecret}})
	if status != http.StatusOK {
		t.Fatalf("password flow = %d %v", status, m)
	}
	secrets["password flow's access token"] = m["access_token"].(string)
	// The identity URL with the token in the header and in the query;
	// introspection; revoke by GET.
	id := tok.Extra("id").(string)
	hostRequest(t, id, "", nil, tok.AccessToken)
	if resp, err := http.Get(id + "?oauth_token=" + url.QueryEscape(secrets["refreshed access token"])); err == nil {
		resp.Body.Close()
	}
	if resp, err := http.PostForm(ts.URL+"/services/oauth2/introspect", url.Values{"token": {tok.RefreshToken}, "client_id": {testKey}, "client_secret": {testSecret}}); err == nil {
		resp.Body.Close()
	}
	if resp, err := http.Get(ts.URL + "/services/oauth2/revoke?token=" + url.QueryEscape(secrets["password flow's access token"])); err == nil {
		resp.Body.Close()
	}
	// An admin reveals the consumer details behind an emailed code.
	admin, token := adminBrowser(t, srv, ts)
	verifyForConsumer(t, srv, ts, admin, token, setup.ManagePath, setup.VerifyPath, appID(t, srv))
	// The control API, which logs what it does.
	if _, err := controlOf(ts).CreateOrg(ctx, store.OrgSpec{Name: "Globex", Users: []store.UserSpec{{Username: "hank@globex.test", Password: "Hank-Pass-1"}},
		ConnectedApps: []store.AppSpec{{Name: "Globex Sync", ConsumerSecret: "Globex-Secret-1"}}}); err != nil {
		t.Fatalf("create org: %v", err)
	}
	secrets["control API password"], secrets["control API secret"] = "Hank-Pass-1", "Globex-Secret-1"
	for i, mail := range srv.Mailer().Sent("") {
		secrets[fmt.Sprintf("verification code %d", i+1)] = mail.Code
	}

	var journal json.RawMessage // as it came, to look for the secrets in
	if err := controlOf(ts).Do(ctx, "GET", "/__mocksf/requests", nil, http.StatusOK, &journal); err != nil {
		t.Fatal(err)
	}
	// What the journal lacks it did not see, or does not mask.
	wantContains(t, string(journal), "the journal", `"authorization":"Basic `+testKey+`:****"`, `"authorization":"Bearer 00D5****"`, `"pw":["Sync****"]`,
		`"client_secret":["0123****"]`, `"oauth_token":["00D5****"]`, `"emc":["****"]`, `"code":["aPrx****"]`)
	if !strings.Contains(logs.String(), "org created") {
		t.Fatalf("mocksf's logs do not show the control API:\n%s", logs.String())
	}
	for what, secret := range secrets {
		if len(secret) < 8 {
			t.Fatalf("%s %q is too short to look for", what, secret)
		}
		for where, text := range map[string]string{"mocksf's logs": logs.String(), "the journal": string(journal)} {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the %s", where, what)
			}
		}
	}
}

// A startURL leads only to a path of mocksf itself, judged as the browser
// resolves it: "/./\host" passes a prefix check, http.Redirect cleans it to
// "/\host", and browsers follow that to "//host". Every place that
// redirects to a startURL is tried: the verification POST, the login page
// of a logged-in browser, logout, and the login POST of a remembered
// browser. A refused startURL lands on the default page.
func TestSecurityStartURLOpenRedirect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ startURL, want string }{
		{`/./\evil.test`, login.HomePath},
		{`/../\evil.test`, login.HomePath},
		{`/\evil.test`, login.HomePath},
		{`//evil.test`, login.HomePath},
		{`/%5Cevil.test`, login.HomePath},
		{`/%5cevil.test`, login.HomePath},
		{`\/evil.test`, login.HomePath},
		{`https://evil.test`, login.HomePath},
		{`/%2F%2Fevil.test`, login.HomePath},
		{`/.%2F%2Fevil.test`, login.HomePath},
		{`/%252F%252Fevil.test`, login.HomePath},
		{"/\t/evil.test", login.HomePath},
		{`/#/../\evil.test`, login.HomePath},
		{`/lightning/page/home`, `/lightning/page/home`},
		{setup.AppManagerPath, setup.AppManagerPath},
		{oauth.ApprovalPath + "?source=abc", oauth.ApprovalPath + "?source=abc"},
	} {
		t.Run(url.PathEscape(tc.startURL), func(t *testing.T) {
			t.Parallel()
			srv, ts := newServer(t)
			c := browser(t, ts)
			nr := noRedirects(c)
			check := func(where string, resp *http.Response) {
				t.Helper()
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusFound {
					t.Fatalf("%s: status %d; want %d", where, resp.StatusCode, http.StatusFound)
				}
				if !onHost(loc) {
					t.Errorf("%s: Location %q leaves mocksf", where, loc)
				}
				if loc != tc.want {
					t.Errorf("%s: Location %q; want %q", where, loc, tc.want)
				}
			}
			_, page := get(t, c, ts.URL+"/")
			token := csrf(t, page)
			resp, _ := post(t, nr, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}, "startURL": {tc.startURL}})
			if loc := resp.Header.Get("Location"); loc != login.VerifyPath {
				t.Fatalf("login POST led to %q; want the verification page", loc)
			}
			resp, _ = post(t, nr, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}, "daa": {"1"}})
			check("verification POST", resp)

			resp, _ = get(t, nr, ts.URL+"/?startURL="+url.QueryEscape(tc.startURL))
			check("login page, logged in", resp)

			resp, _ = get(t, nr, ts.URL+"/secur/logout.jsp?startURL="+url.QueryEscape(tc.startURL))
			loc, err := url.Parse(resp.Header.Get("Location"))
			if err != nil || !onHost(loc.String()) {
				t.Fatalf("logout: Location %q leaves mocksf", resp.Header.Get("Location"))
			}
			kept := loc.Query().Get("startURL")
			if want := strings.TrimPrefix(tc.want, login.HomePath); kept != want && kept != tc.want {
				t.Errorf("logout keeps startURL %q; want %q", kept, want)
			}
			if kept != "" && !onHost(kept) {
				t.Errorf("logout keeps startURL %q, which leaves mocksf", kept)
			}

			_, page = get(t, c, ts.URL+"/")
			resp, _ = post(t, nr, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}, "startURL": {tc.startURL}})
			check("login POST, remembered browser", resp)
		})
	}
}

// onHost reports whether a browser on mocksf's page would stay on mocksf
// following a redirect to loc: a path with one leading "/" (browsers read
// "\" as "/"), no scheme or host.
func onHost(loc string) bool {
	u, err := url.Parse(loc)
	return err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(loc, "/") &&
		!strings.HasPrefix(strings.ReplaceAll(loc, `\`, "/"), "//")
}

// cookieTap records every Set-Cookie the server answers with.
type cookieTap struct {
	mu      sync.Mutex
	next    http.RoundTripper
	cookies []string
}

func (c *cookieTap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		c.mu.Lock()
		for _, v := range resp.Header.Values("Set-Cookie") {
			c.cookies = append(c.cookies, req.URL.Path+": "+v)
		}
		c.mu.Unlock()
	}
	return resp, err
}

// Break 13: behind an https -public-url mocksf's cookies never had
// Secure, so an http hop could read the session. Now every cookie of a
// login (the new session, the renewed one, the remembered browser) and of
// logout has it.
func TestSecurityCookiesSecureBehindHTTPS(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(nil)
	srv, err := mocksf.New(mocksf.Config{BaseURL: "https://" + ts.Listener.Addr().String(), Seed: []byte(testSeed)})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.StartTLS()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	tap := &cookieTap{next: ts.Client().Transport}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: tap}

	_, page := get(t, c, ts.URL+"/")
	token := csrf(t, page)
	post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
	resp, _ := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}, "daa": {"1"}})
	if resp.Request.URL.Path == login.VerifyPath {
		t.Fatal("verification failed")
	}
	get(t, c, ts.URL+"/secur/logout.jsp")

	tap.mu.Lock()
	defer tap.mu.Unlock()
	if len(tap.cookies) < 4 {
		t.Fatalf("saw cookies %q; want the session's, the renewed session's, the device's and logout's", tap.cookies)
	}
	for _, sc := range tap.cookies {
		if !regexp.MustCompile(`(?i);\s*Secure(;|$)`).MatchString(sc) {
			t.Errorf("cookie %s; want Secure behind https", sc)
		}
	}
}

// Break 13: mocksf's answers lacked X-Content-Type-Options: nosniff, so
// a browser could run a JSON or CSV body as script. Now every answer has
// it: pages, static files, OAuth, REST and SOAP errors, discovery, the
// control API, a 404, and an answer a fault rule makes up.
func TestSecurityNoSniffOnEveryAnswer(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t)
	if _, err := controlOf(ts).AddFault(context.Background(), control.Rule{Path: "/services/oauth2/userinfo", Status: 503, Body: "down"}); err != nil {
		t.Fatalf("add fault: %v", err)
	}
	cases := []struct{ method, path, body string }{
		{"GET", "/", ""},
		{"GET", "/static/mocksf.css", ""},
		{"GET", "/static/copy.js", ""},
		{"GET", "/services/oauth2/authorize?client_id=nope", ""},
		{"POST", "/services/oauth2/token", "grant_type=password"},
		{"GET", "/services/oauth2/userinfo", ""}, // the fault rule answers
		{"GET", "/.well-known/openid-configuration", ""},
		{"GET", "/id/keys", ""},
		{"GET", "/services/data/v67.0/sobjects", ""},
		{"GET", "/services/data", ""},
		{"POST", "/services/Soap/u/60.0", "<x/>"},
		{"GET", "/__mocksf/health", ""},
		{"GET", "/__mocksf/orgs", ""},
		{"GET", "/no/such/page", ""},
	}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, ts.URL+c.path, strings.NewReader(c.body))
		if c.body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s (%d): X-Content-Type-Options = %q; want nosniff", c.method, c.path, resp.StatusCode, got)
		}
	}
}

// anonymousAuthorize sends one cookie-less authorize request through the
// real router and returns its status and the session cookie it set.
func anonymousAuthorize(srv *mocksf.Server, ts *httptest.Server, state string) (int, string) {
	req := httptest.NewRequest("GET", authorizeURL(ts, "state", state), nil)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.SessionCookie {
			return rec.Code, c.Value
		}
	}
	return rec.Code, ""
}

// Cookie-less authorize requests, each of which makes a browser session
// holding its query, are bounded: a URI past Salesforce's documented
// 16,384 bytes gets 414 and keeps nothing; the pre-login sessions are
// capped in count and in bytes, the oldest evicted first, so a flood
// (mocksf kept 6,000 of 60 KB for two hours: 656 MiB in 5 s) leaves the
// newest and a logged-in browser untouched.
func TestSecurityAnonymousAuthorizeIsBounded(t *testing.T) {
	t.Parallel()
	t.Run("a URI past 16 KiB", func(t *testing.T) {
		t.Parallel()
		srv, ts := newServer(t)
		tests := []struct {
			name  string
			state int
			want  int
		}{
			{"60 KB state", 60 << 10, http.StatusRequestURITooLong},
			{"16 KiB state", 16 << 10, http.StatusRequestURITooLong},
			{"15 KiB state", 15 << 10, http.StatusFound},
		}
		for _, tt := range tests {
			code, _ := anonymousAuthorize(srv, ts, strings.Repeat("s", tt.state))
			if code != tt.want {
				t.Errorf("%s: %d; want %d", tt.name, code, tt.want)
			}
		}
		if _, bytes := srv.Store().PreLoginSessions(); bytes > 3<<10+16<<10 {
			t.Errorf("pre-login sessions hold %d bytes after two refused requests and one of 15 KiB; want the 15 KiB one and overheads", bytes)
		}
	})
	t.Run("a flood of pre-login sessions", func(t *testing.T) {
		t.Parallel()
		srv, ts := newServerWith(t, func(cfg *mocksf.Config) {
			cfg.PreLogin = store.PreLoginLimits{MaxSessions: 50, MaxBytes: 200 << 10}
		})
		loggedIn := approvedBrowser(t, srv, ts)
		tests := []struct {
			name     string
			state    int
			requests int
		}{
			{"small requests, past the count", 10, 500},
			{"8 KiB requests, past the bytes", 8 << 10, 500},
		}
		for _, tt := range tests {
			var first, last string
			for i := range tt.requests {
				code, sid := anonymousAuthorize(srv, ts, strings.Repeat("s", tt.state))
				if code != http.StatusFound || sid == "" {
					t.Fatalf("%s: request %d: %d, cookie %q; want 302 and a session", tt.name, i, code, sid)
				}
				if i == 0 {
					first = sid
				}
				last = sid
			}
			count, bytes := srv.Store().PreLoginSessions()
			if count > 50 || bytes > 200<<10 {
				t.Errorf("%s: %d pre-login sessions of %d bytes kept; want at most 50 and 200 KiB", tt.name, count, bytes)
			}
			if _, err := srv.Store().Session(first); err == nil {
				t.Errorf("%s: the oldest pre-login session is still kept", tt.name)
			}
			if sess, err := srv.Store().Session(last); err != nil || len(sess.Pending) != 1 {
				t.Errorf("%s: the newest pre-login session = %v, %d pending; want kept with its request", tt.name, err, len(sess.Pending))
			}
		}
		if q := callbackQuery(t, loggedIn, authorizeURL(ts)); q.Get("code") == "" {
			t.Errorf("the logged-in browser after the flood got %v; want a code at once", q)
		}
	})
}
