package mocksf_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/oauth"
)

const (
	testKey      = "3MVG9TestKeyTestKeyTestKeyTestKeyTestKeyTestKeyTestKeyTestKeyTestKeyTestKeyTestKey1"
	testSecret   = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	testCallback = "http://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"
)

var testSeed = `
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: sync@acme.test, password: Sync-Pass-1, firstName: Sam}
    connectedApps:
      - name: Product Sync
        consumerKey: "` + testKey + `"
        consumerSecret: "` + testSecret + `"
        callbackUrls: ["` + testCallback + `"]
        scopes: [api, refresh_token, id]
    records:
      generate: {Lead: 3}
`

// newServer runs mocksf on a real loopback port for the test.
func newServer(t *testing.T) (*mocksf.Server, *httptest.Server) {
	t.Helper()
	return newServerWith(t, func(*mocksf.Config) {})
}

// newServerWith is newServer with configure's changes to its Config.
func newServerWith(t testing.TB, configure func(*mocksf.Config)) (*mocksf.Server, *httptest.Server) {
	t.Helper()
	s := mocksftest.NewServer(t, mocksftest.WithSeed([]byte(testSeed)), mocksftest.WithConfig(configure))
	return s.Mocksf, s.HTTPServer()
}

// controlOf is the client of the control API of a test's mocksf.
func controlOf(ts *httptest.Server) *mocksfclient.Client {
	return &mocksfclient.Client{URL: ts.URL, HTTPClient: ts.Client()}
}

// browser is a cookie-keeping HTTP client that follows redirects within
// mocksf and stops at the client's callback.
func browser(t testing.TB, ts *httptest.Server) *http.Client {
	jar, _ := cookiejar.New(nil)
	host := strings.TrimPrefix(ts.URL, "http://")
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Host != host {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

var csrfPattern = regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`)

func get(t testing.TB, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func post(t testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func csrf(t testing.TB, page string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in page:\n%s", page)
	}
	return m[1]
}

// authorize walks the browser half of the flow and returns the callback
// URL mocksf redirected to.
func authorize(t testing.TB, srv *mocksf.Server, ts *httptest.Server, c *http.Client, cfg *oauth2.Config, decision string, opts ...oauth2.AuthCodeOption) *url.URL {
	t.Helper()
	resp, page := get(t, c, cfg.AuthCodeURL("st4te", opts...))
	resp, page = logInFrom(t, srv, ts, c, resp, page, "sync@acme.test", "Sync-Pass-1")
	if !strings.Contains(page, "Allow Access?") || !strings.Contains(page, `id="oaapprove"`) {
		t.Fatalf("after verification at %s: %s", resp.Request.URL, page)
	}
	return decide(t, ts, c, page, resp.Request.URL.Query().Get("source"), decision)
}

func oauthConfig(ts *httptest.Server) *oauth2.Config {
	return &oauth2.Config{
		ClientID: testKey, ClientSecret: testSecret, RedirectURL: testCallback,
		Scopes:   []string{"api", "refresh_token", "id"},
		Endpoint: oauth2.Endpoint{AuthURL: ts.URL + "/services/oauth2/authorize", TokenURL: ts.URL + "/services/oauth2/token"},
	}
}

func TestWebServerFlowWithXOAuth2(t *testing.T) {
	srv, ts := newServer(t)
	cfg := oauthConfig(ts)
	verifier := oauth2.GenerateVerifier()
	cb := authorize(t, srv, ts, browser(t, ts), cfg, "allow", oauth2.S256ChallengeOption(verifier))
	if got := cb.Scheme + "://" + cb.Host + cb.Path; got != testCallback {
		t.Fatalf("redirected to %s; want the callback", got)
	}
	if cb.Query().Get("state") != "st4te" || !strings.HasPrefix(cb.Query().Get("code"), "aPrx") {
		t.Fatalf("callback query %q; want state and an aPrx code", cb.RawQuery)
	}

	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	id, _ := tok.Extra("id").(string)
	issuedAt, _ := tok.Extra("issued_at").(string)
	if !tok.Expiry.IsZero() {
		t.Errorf("Expiry = %v; Salesforce sends no expires_in", tok.Expiry)
	}
	if got, want := tok.Extra("signature"), oauth.Signature(testSecret, id, issuedAt); got != want {
		t.Errorf("signature = %v; want %v", got, want)
	}
	if tok.Extra("instance_url") != srv.InstanceURL() || !strings.HasPrefix(id, ts.URL+"/id/00D") || tok.RefreshToken == "" || tok.TokenType != "Bearer" {
		t.Errorf("token = %+v, id %q, instance_url %v", tok, id, tok.Extra("instance_url"))
	}
	if !strings.Contains(tok.AccessToken, "!") {
		t.Errorf("access token %q lacks the org prefix", tok.AccessToken)
	}

	// The identity URL names the user.
	_, body := hostRequest(t, id, "", nil, tok.AccessToken)
	var ident map[string]any
	json.Unmarshal([]byte(body), &ident)
	if ident["username"] != "sync@acme.test" {
		t.Errorf("identity = %v; want sync@acme.test", ident)
	}

	// A replayed code fails and revokes what it issued.
	_, err = cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	if err == nil || !asRetrieve(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "invalid authorization code" {
		t.Fatalf("replay: %v; want invalid_grant / invalid authorization code", err)
	}
	if status, b := hostRequest(t, id, "", nil, tok.AccessToken); status != 403 || b != "Bad_OAuth_Token" {
		t.Errorf("identity after replay = %d %q; want 403 Bad_OAuth_Token", status, b)
	}
}

func asRetrieve(err error, re **oauth2.RetrieveError) bool {
	r, ok := err.(*oauth2.RetrieveError)
	if !ok {
		for u := err; u != nil; {
			if r, ok = u.(*oauth2.RetrieveError); ok {
				break
			}
			w, ok2 := u.(interface{ Unwrap() error })
			if !ok2 {
				return false
			}
			u = w.Unwrap()
		}
	}
	*re = r
	return r != nil
}

func TestRefreshGrant(t *testing.T) {
	srv, ts := newServer(t)
	cfg := oauthConfig(ts)
	cb := authorize(t, srv, ts, browser(t, ts), cfg, "allow")
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	tok.AccessToken = "" // force a refresh
	fresh, err := cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == "" || fresh.Extra("signature") == nil || fresh.Extra("refresh_token") != nil {
		t.Errorf("refreshed token %+v; want an access token with signature and no new refresh token", fresh)
	}
	bad := &oauth2.Token{RefreshToken: "5Aep861bogus"}
	_, err = cfg.TokenSource(ctx, bad).Token()
	var re *oauth2.RetrieveError
	if !asRetrieve(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "expired access/refresh token" {
		t.Errorf("bad refresh: %v; want invalid_grant / expired access/refresh token", err)
	}
}

func TestDenyReturnsAccessDenied(t *testing.T) {
	srv, ts := newServer(t)
	cb := authorize(t, srv, ts, browser(t, ts), oauthConfig(ts), "deny")
	q := cb.Query()
	if q.Get("error") != "access_denied" || q.Get("error_description") != "end-user denied authorization" || q.Get("state") != "st4te" {
		t.Errorf("deny redirected with %q", cb.RawQuery)
	}
}

func TestAuthorizeErrorsAreRenderedNotRedirected(t *testing.T) {
	_, ts := newServer(t)
	tests := []struct {
		name, query, want string
	}{
		{"unknown client", "response_type=code&client_id=3MVG9nope&redirect_uri=" + url.QueryEscape(testCallback), "error=invalid_client_id"},
		{"redirect mismatch", "response_type=code&client_id=" + testKey + "&redirect_uri=" + url.QueryEscape(testCallback+"/"), "error=redirect_uri_mismatch&amp;error_description=redirect_uri%20must%20match%20configuration"},
		{"redirect prefix", "response_type=code&client_id=" + testKey + "&redirect_uri=" + url.QueryEscape("http://127.0.0.1:9/salesforce"), "error=redirect_uri_mismatch"},
		{"missing redirect", "response_type=code&client_id=" + testKey, "error=redirect_uri_missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := browser(t, ts)
			resp, page := get(t, c, ts.URL+"/services/oauth2/authorize?"+tt.query)
			if resp.StatusCode != 400 || !strings.Contains(page, tt.want) {
				t.Errorf("got %d %s; want 400 with %q", resp.StatusCode, page, tt.want)
			}
		})
	}
}

func TestWrongPasswordShowsSalesforceMessage(t *testing.T) {
	_, ts := newServer(t)
	c := browser(t, ts)
	_, page := get(t, c, ts.URL+"/")
	_, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {"sync@acme.test"}, "pw": {"wrong"}})
	if !strings.Contains(page, "Please check your username and password. If you still can&#39;t log in, contact your Salesforce administrator.") {
		t.Errorf("wrong password page lacks Salesforce's message:\n%s", page)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	_, ts := newServer(t)
	tests := []struct {
		name, contentType, body, wantErr, wantDesc string
	}{
		{"json body", "application/json", `{"grant_type":"authorization_code"}`, "unsupported_grant_type", "grant type not supported"},
		{"unknown grant", "application/x-www-form-urlencoded", "grant_type=magic", "unsupported_grant_type", "grant type not supported"},
		{"unknown client", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=x&client_id=nope&client_secret=x", "invalid_client_id", "client identifier invalid"},
		{"wrong secret", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=x&client_id=" + testKey + "&client_secret=wrong", "invalid_client", "invalid client credentials"},
		{"unknown code", "application/x-www-form-urlencoded", "grant_type=authorization_code&code=aPrxnope&client_id=" + testKey + "&client_secret=" + testSecret, "invalid_grant", "invalid authorization code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := http.Post(ts.URL+"/services/oauth2/token", tt.contentType, strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]string
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != 400 || body["error"] != tt.wantErr || body["error_description"] != tt.wantDesc {
				t.Errorf("got %d %v; want 400 %s / %s", resp.StatusCode, body, tt.wantErr, tt.wantDesc)
			}
		})
	}
}

func TestDoubleSlashPathsAreServed(t *testing.T) {
	_, ts := newServer(t)
	if status, _ := hostRequest(t, ts.URL, "//services/data", nil, ""); status != 200 {
		t.Errorf("GET //services/data = %d; want 200", status)
	}
}

// wantContains fails the test for each of wants that page, the page
// named what, lacks.
func wantContains(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(page, want) {
			t.Errorf("%s lacks %s", what, want)
		}
	}
}
