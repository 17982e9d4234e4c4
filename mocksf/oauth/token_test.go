package oauth_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/store"
)

// A PKCE verifier and its S256 challenge.
var (
	tkVerifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r-wW1gFWFOEjXk"
	tkChallenge = oauth2.S256ChallengeFromVerifier(tkVerifier)
)

// tokenCase is one request to the token endpoint and the exact answer
// expected. body builds the form body against a fresh server, so that a
// case can mint the code or token it needs.
type tokenCase struct {
	name        string
	contentType string // default form
	host        string // "instance" for the instance host
	basic       [2]string
	body        func(t *testing.T, e *tkEnv) string
	wantErr     string // error code; the description is wantDesc
	wantDesc    string
}

func runTokenCases(t *testing.T, cases []tokenCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTokenEnv(t)
			ct := tc.contentType
			if ct == "" {
				ct = tkFormType
			}
			got := e.do(t, tkRequest{path: "/services/oauth2/token", host: tc.host, contentType: ct,
				body: tc.body(t, e), basicUser: tc.basic[0], basicPass: tc.basic[1]})
			want := tokenErrorBody(tc.wantErr, tc.wantDesc)
			if got.status != http.StatusBadRequest || got.body != want {
				t.Errorf("got %d %q; want 400 %q", got.status, got.body, want)
			}
			if ct := got.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type = %q; want application/json;charset=UTF-8", ct)
			}
			if cc := got.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store", cc)
			}
		})
	}
}

// tkStatic is a body that needs no server state.
func tkStatic(s string) func(*testing.T, *tkEnv) string {
	return func(*testing.T, *tkEnv) string { return s }
}

// codeForm is an authorization_code request for a code minted with o.
func codeForm(key, secret, username string, o codeOpts, extra ...string) func(*testing.T, *tkEnv) string {
	return func(t *testing.T, e *tkEnv) string {
		f := tkForm("grant_type", "authorization_code", "code", e.mintCode(t, key, username, o),
			"client_id", key, "redirect_uri", tkCallback)
		if secret != "" {
			f.Set("client_secret", secret)
		}
		for i := 0; i+1 < len(extra); i += 2 {
			f.Set(extra[i], extra[i+1])
		}
		return f.Encode()
	}
}

func TestTokenRequestErrors(t *testing.T) {
	runTokenCases(t, []tokenCase{
		{name: "JSON body", contentType: "application/json", body: tkStatic(`{"grant_type":"password"}`),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "no content type", contentType: "text/plain", body: tkStatic("grant_type=password"),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "missing grant_type", body: tkStatic("client_id=" + tkKeyMain),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "unknown grant_type", body: tkStatic("grant_type=magic"),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "malformed form", body: tkStatic("grant_type=password&x=%zz"),
			wantErr: "invalid_request", wantDesc: "malformed request"},
		{name: "body too large", body: tkStatic("grant_type=password&pad=" + strings.Repeat("a", 17<<10)),
			wantErr: "invalid_request", wantDesc: "request too large"},
	})
}

func TestAuthorizationCodeErrors(t *testing.T) {
	runTokenCases(t, []tokenCase{
		{name: "unknown client", body: codeForm("3MVG9nope", tkSecret, tkUser, codeOpts{}),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "app still propagating", body: codeForm(tkKeyNew, tkSecret, tkUser, codeOpts{}),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "wrong secret", body: codeForm(tkKeyMain, "wrong", tkUser, codeOpts{}),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "missing secret", body: codeForm(tkKeyMain, "", tkUser, codeOpts{}),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "wrong secret in Basic", basic: [2]string{tkKeyMain, "wrong"}, body: func(t *testing.T, e *tkEnv) string {
			return tkForm("grant_type", "authorization_code", "code", e.mintCode(t, tkKeyMain, tkUser, codeOpts{}), "redirect_uri", tkCallback).Encode()
		}, wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "secret optional but wrong", body: codeForm(tkKeyPublic, "wrong", tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "blocked app", body: codeForm(tkKeyBlocked, tkSecret, tkUser, codeOpts{}),
			wantErr: "OAUTH_APP_BLOCKED", wantDesc: "this app is blocked by admin"},
		// An External Client App requires the secret and PKCE by default.
		{name: "External Client App, missing secret", body: codeForm(tkKeyECA, "", tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "External Client App, code without a challenge", body: codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{}),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "External Client App, wrong verifier", body: codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", strings.Repeat("v", 43)),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "unknown code", body: tkStatic(tkForm("grant_type", "authorization_code", "code", "aPrxnope==", "client_id", tkKeyMain,
			"client_secret", tkSecret, "redirect_uri", tkCallback).Encode()),
			wantErr: "invalid_grant", wantDesc: "invalid authorization code"},
		{name: "code of another app", body: func(t *testing.T, e *tkEnv) string {
			return tkForm("grant_type", "authorization_code", "code", e.mintCode(t, tkKeyJWT, tkUser, codeOpts{}), "client_id", tkKeyMain,
				"client_secret", tkSecret, "redirect_uri", tkCallback).Encode()
		}, wantErr: "invalid_grant", wantDesc: "invalid authorization code"},
		{name: "replayed code", body: func(t *testing.T, e *tkEnv) string {
			body := codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e)
			if first := e.token(t, tkParse(t, body)); first.status != 200 {
				t.Fatalf("first exchange: %d %s", first.status, first.body)
			}
			return body
		}, wantErr: "invalid_grant", wantDesc: "invalid authorization code"},
		{name: "expired code", body: func(t *testing.T, e *tkEnv) string {
			body := codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{ttl: time.Minute})(t, e)
			e.clock.Advance(time.Minute + time.Second)
			return body
		}, wantErr: "invalid_grant", wantDesc: "expired authorization code"},
		{name: "redirect_uri mismatch", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{}, "redirect_uri", tkCallback+"/"),
			wantErr: "redirect_uri_mismatch", wantDesc: "redirect_uri must match configuration"},
		{name: "missing redirect_uri", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{}, "redirect_uri", ""),
			wantErr: "redirect_uri_mismatch", wantDesc: "redirect_uri must match configuration"},
		{name: "PKCE without verifier", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{challenge: tkChallenge}),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "PKCE wrong verifier", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", strings.Repeat("a", 43)),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "PKCE verifier with tilde", body: func(t *testing.T, e *tkEnv) string {
			v := strings.Repeat("a", 42) + "~"
			sum := sha256.Sum256([]byte(v))
			return codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{challenge: base64.RawURLEncoding.EncodeToString(sum[:])}, "code_verifier", v)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "PKCE required, code without challenge", body: codeForm(tkKeyPublic, "", tkUser, codeOpts{}, "code_verifier", tkVerifier),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "user deactivated after authorizing", body: func(t *testing.T, e *tkEnv) string {
			body := codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e)
			tkDeactivate(t, e, tkUser)
			return body
		}, wantErr: "invalid_grant", wantDesc: "inactive user"},
		{name: "org frozen after authorizing", body: codeForm(tkKeyFrozen, tkSecret, "user@frozen.test", codeOpts{}),
			wantErr: "inactive_org", wantDesc: "Org is locked, closed, or suspended"},
	})
}

func tkParse(t *testing.T, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func tkDeactivate(t *testing.T, e *tkEnv, username string) {
	t.Helper()
	if _, err := e.store.UpdateUser(e.user(t, username).ID, func(u *store.User) { u.Active = false }); err != nil {
		t.Fatal(err)
	}
}

func tkFreeze(t *testing.T, e *tkEnv, username string) {
	t.Helper()
	if _, err := e.store.UpdateOrg(e.user(t, username).OrgID, func(o *store.Org) { o.Status = store.OrgFrozen }); err != nil {
		t.Fatal(err)
	}
}

// decodeToken decodes a successful token reply, failing on anything else.
func decodeToken(t *testing.T, got tkResponse) map[string]any {
	t.Helper()
	if got.status != http.StatusOK {
		t.Fatalf("got %d %s; want 200", got.status, got.body)
	}
	if ct := got.header.Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type = %q; want application/json;charset=UTF-8", ct)
	}
	if cc := got.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(got.body), &m); err != nil {
		t.Fatalf("reply %q: %v", got.body, err)
	}
	return m
}

// tkFields is the sorted field names of a reply.
func tkFields(m map[string]any) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, " ")
}

// checkSignature checks the reply's signature as omniauth-salesforce and
// other clients do: base64(HMAC-SHA256(consumer secret, id + issued_at)).
func checkSignature(t *testing.T, m map[string]any, secret string) {
	t.Helper()
	id, _ := m["id"].(string)
	issuedAt, _ := m["issued_at"].(string)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(id + issuedAt))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if m["signature"] != want {
		t.Errorf("signature = %v; want %s", m["signature"], want)
	}
}

func TestAuthorizationCodeReply(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	before := e.clock.Now()
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))))
	if got, want := tkFields(m), "access_token id instance_url issued_at refresh_token scope signature token_type"; got != want {
		t.Errorf("fields %s; want %s", got, want)
	}
	u := e.user(t, tkUser)
	if want := e.base + "/id/" + u.OrgID + "/" + u.ID; m["id"] != want {
		t.Errorf("id = %v; want %s", m["id"], want)
	}
	if m["instance_url"] != e.instance || m["token_type"] != "Bearer" || m["scope"] != "api refresh_token" {
		t.Errorf("instance_url %v, token_type %v, scope %v", m["instance_url"], m["token_type"], m["scope"])
	}
	if at, _ := m["access_token"].(string); !strings.HasPrefix(at, u.OrgID[:15]+"!") {
		t.Errorf("access_token %q does not start with the 15-character org id", at)
	}
	if rt, _ := m["refresh_token"].(string); !strings.HasPrefix(rt, "5Aep861") {
		t.Errorf("refresh_token %q does not look like Salesforce's", rt)
	}
	if got, want := m["issued_at"], strconv.FormatInt(before.UnixMilli(), 10); got != want {
		t.Errorf("issued_at = %v; want %s (milliseconds, a string)", got, want)
	}
	checkSignature(t, m, tkSecret)
}

func TestAuthorizationCodeWithoutRefreshScope(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{scopes: []string{"api", "id"}})(t, e))))
	if _, ok := m["refresh_token"]; ok || m["scope"] != "api id" {
		t.Errorf("reply %v; want no refresh_token without refresh_token/offline_access", m)
	}
	m = decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{scopes: []string{"api", "offline_access"}})(t, e))))
	if _, ok := m["refresh_token"]; !ok {
		t.Errorf("reply %v; want a refresh_token for offline_access", m)
	}
}

func TestAuthorizationCodeSecretPolicy(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	// "Require Secret for Web Server Flow" off: PKCE alone will do.
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyPublic, "", tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))
	checkSignature(t, m, tkSecret)
	// And a right secret is still fine.
	decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyPublic, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))
}

func TestReplayedCodeRevokesItsTokens(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	body := tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))
	m := decodeToken(t, e.token(t, body))
	e.token(t, body)
	if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err == nil {
		t.Error("the access token survived a replay of its code")
	}
	if _, err := e.store.LookupRefreshToken(m["refresh_token"].(string)); err == nil {
		t.Error("the refresh token survived a replay of its code")
	}
}

// refreshForm is a refresh_token request of the main app.
func refreshForm(key, secret, rt string) url.Values {
	f := tkForm("grant_type", "refresh_token", "refresh_token", rt, "client_id", key)
	if secret != "" {
		f.Set("client_secret", secret)
	}
	return f
}

// refreshToken runs the code flow for username and returns the refresh
// token.
func (e *tkEnv) refreshToken(t *testing.T, key, username string) string {
	t.Helper()
	secret := tkSecret
	return decodeToken(t, e.token(t, tkParse(t, codeForm(key, secret, username, codeOpts{})(t, e))))["refresh_token"].(string)
}

func TestRefreshErrors(t *testing.T) {
	withToken := func(key, secret string, before func(*testing.T, *tkEnv)) func(*testing.T, *tkEnv) string {
		return func(t *testing.T, e *tkEnv) string {
			rt := e.refreshToken(t, key, tkUser)
			if before != nil {
				before(t, e)
			}
			return refreshForm(key, secret, rt).Encode()
		}
	}
	runTokenCases(t, []tokenCase{
		{name: "unknown client", body: tkStatic(refreshForm("3MVG9nope", tkSecret, "5Aep861x").Encode()),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "missing secret", body: withToken(tkKeyMain, "", nil),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "wrong secret", body: withToken(tkKeyMain, "wrong", nil),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "secret optional but wrong", body: func(t *testing.T, e *tkEnv) string {
			rt := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyPublic, "", tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))["refresh_token"].(string)
			return refreshForm(tkKeyPublic, "wrong", rt).Encode()
		}, wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "unknown refresh token", body: tkStatic(refreshForm(tkKeyMain, tkSecret, "5Aep861bogus==").Encode()),
			wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "refresh token of another app", body: func(t *testing.T, e *tkEnv) string {
			return refreshForm(tkKeyMain, tkSecret, e.refreshToken(t, tkKeyJWT, tkUser)).Encode()
		}, wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "revoked", body: withToken(tkKeyMain, tkSecret, func(t *testing.T, e *tkEnv) {
			e.store.RevokeApproval(e.user(t, tkUser).ID, tkKeyMain)
		}), wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "policy: immediately", body: withToken(tkKeyImmediate, tkSecret, nil),
			wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "policy: idle for 1h", body: withToken(tkKeyIdle, tkSecret, func(t *testing.T, e *tkEnv) { e.clock.Advance(61 * time.Minute) }),
			wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "policy: after 24h", body: withToken(tkKeyAbsolute, tkSecret, func(t *testing.T, e *tkEnv) { e.clock.Advance(24*time.Hour + time.Second) }),
			wantErr: "invalid_grant", wantDesc: "expired access/refresh token"},
		{name: "blocked app", body: func(t *testing.T, e *tkEnv) string {
			rt := e.refreshToken(t, tkKeyMain, tkUser)
			if _, err := e.store.UpdateApp(tkKeyMain, func(a *store.ConnectedApp) { a.Policy.Blocked = true }); err != nil {
				t.Fatal(err)
			}
			return refreshForm(tkKeyMain, tkSecret, rt).Encode()
		}, wantErr: "OAUTH_APP_BLOCKED", wantDesc: "this app is blocked by admin"},
		{name: "inactive user", body: withToken(tkKeyMain, tkSecret, func(t *testing.T, e *tkEnv) { tkDeactivate(t, e, tkUser) }),
			wantErr: "invalid_grant", wantDesc: "inactive user"},
		{name: "frozen org", body: withToken(tkKeyMain, tkSecret, func(t *testing.T, e *tkEnv) { tkFreeze(t, e, tkUser) }),
			wantErr: "inactive_org", wantDesc: "Org is locked, closed, or suspended"},
	})
}

func TestRefreshReply(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	rt := e.refreshToken(t, tkKeyMain, tkUser)
	e.clock.Advance(time.Hour)
	m := decodeToken(t, e.token(t, refreshForm(tkKeyMain, tkSecret, rt)))
	if got, want := tkFields(m), "access_token id instance_url issued_at scope signature token_type"; got != want {
		t.Errorf("fields %s; want %s (no new refresh token)", got, want)
	}
	checkSignature(t, m, tkSecret)
	// Without "Require Secret for Refresh Token Flow" the secret may be left out.
	prt := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyPublic, "", tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))["refresh_token"].(string)
	decodeToken(t, e.token(t, refreshForm(tkKeyPublic, "", prt)))
	decodeToken(t, e.token(t, refreshForm(tkKeyPublic, tkSecret, prt)))
}

func TestRefreshPolicies(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	steps := []struct {
		key     string
		advance time.Duration
		wantOK  bool
	}{
		{tkKeyIdle, 30 * time.Minute, true},
		{tkKeyIdle, 59 * time.Minute, true}, // idle since the last use, not since issue
		{tkKeyIdle, 61 * time.Minute, false},
	}
	rt := e.refreshToken(t, tkKeyIdle, tkUser)
	for i, s := range steps {
		e.clock.Advance(s.advance)
		got := e.token(t, refreshForm(s.key, tkSecret, rt))
		if (got.status == 200) != s.wantOK {
			t.Errorf("idle step %d (+%v): %d %s; want ok=%v", i, s.advance, got.status, got.body, s.wantOK)
		}
	}
	rt = e.refreshToken(t, tkKeyAbsolute, tkUser)
	for i, s := range []struct {
		advance time.Duration
		wantOK  bool
	}{{23 * time.Hour, true}, {59 * time.Minute, true}, {2 * time.Minute, false}} {
		e.clock.Advance(s.advance)
		got := e.token(t, refreshForm(tkKeyAbsolute, tkSecret, rt))
		if (got.status == 200) != s.wantOK {
			t.Errorf("absolute step %d (+%v): %d %s; want ok=%v", i, s.advance, got.status, got.body, s.wantOK)
		}
	}
	// "Immediately expire" leaves the access token it came with working.
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyImmediate, tkSecret, tkUser, codeOpts{})(t, e))))
	if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err != nil {
		t.Errorf("access token of an immediately expiring refresh token: %v", err)
	}
}

func TestSixthApprovalRevokesTheOldestRefreshToken(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	var tokens []string
	for i := 0; i < store.MaxApprovalsPerApp+1; i++ {
		tokens = append(tokens, e.refreshToken(t, tkKeyMain, tkUser))
		e.clock.Advance(time.Second)
	}
	got := e.token(t, refreshForm(tkKeyMain, tkSecret, tokens[0]))
	if want := tokenErrorBody("invalid_grant", "expired access/refresh token"); got.status != 400 || got.body != want {
		t.Errorf("oldest of six: %d %s; want 400 %s", got.status, got.body, want)
	}
	for i, rt := range tokens[1:] {
		if got := e.token(t, refreshForm(tkKeyMain, tkSecret, rt)); got.status != 200 {
			t.Errorf("token %d of six: %d %s; want 200", i+2, got.status, got.body)
		}
	}
}

func passwordForm(key, username, password string) url.Values {
	return tkForm("grant_type", "password", "client_id", key, "client_secret", tkSecret, "username", username, "password", password)
}

func TestPasswordErrors(t *testing.T) {
	pw := func(key, username, password string, before func(*testing.T, *tkEnv)) func(*testing.T, *tkEnv) string {
		return func(t *testing.T, e *tkEnv) string {
			if before != nil {
				before(t, e)
			}
			return passwordForm(key, username, password).Encode()
		}
	}
	approve := func(key, username string) func(*testing.T, *tkEnv) {
		return func(t *testing.T, e *tkEnv) { e.store.Approve(e.user(t, username).ID, key) }
	}
	runTokenCases(t, []tokenCase{
		{name: "unknown client", body: pw("3MVG9nope", tkUser, tkPassword, nil),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "missing secret", body: tkStatic(tkForm("grant_type", "password", "client_id", tkKeyMain, "username", tkUser, "password", tkPassword).Encode()),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"},
		{name: "unknown user", body: pw(tkKeyMain, "nobody@acme.test", tkPassword, nil),
			wantErr: "invalid_grant", wantDesc: "authentication failure"},
		{name: "wrong password", body: pw(tkKeyMain, tkUser, "wrong", approve(tkKeyMain, tkUser)),
			wantErr: "invalid_grant", wantDesc: "authentication failure"},
		{name: "inactive user, wrong password", body: pw(tkKeyMain, "gone@acme.test", "wrong", nil),
			wantErr: "invalid_grant", wantDesc: "authentication failure"},
		{name: "inactive user", body: pw(tkKeyMain, "gone@acme.test", "Gone-Pass-1", nil),
			wantErr: "invalid_grant", wantDesc: "inactive user"},
		{name: "org disallows the flow", body: pw(tkKeyNoPw, "user@strict.test", "Strict-Pass-1", approve(tkKeyNoPw, "user@strict.test")),
			wantErr: "invalid_grant", wantDesc: "authentication failure"},
		{name: "frozen org", body: pw(tkKeyFrozen, "user@frozen.test", "Frozen-Pass-1", nil),
			wantErr: "inactive_org", wantDesc: "Org is locked, closed, or suspended"},
		{name: "never approved", body: pw(tkKeyMain, tkUser, tkPassword, nil),
			wantErr: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
		{name: "admin-approved app, user not assigned", body: pw(tkKeyAdmin, "other@acme.test", "Other-Pass-1", nil),
			wantErr: "invalid_app_access", wantDesc: "user is not admin approved to access this app"},
		{name: "blocked app", body: pw(tkKeyBlocked, tkUser, tkPassword, approve(tkKeyBlocked, tkUser)),
			wantErr: "OAUTH_APP_BLOCKED", wantDesc: "this app is blocked by admin"},
		// Refused as the org setting refuses it, unless the server allows
		// it (TestPasswordExternalClientAppSetting).
		{name: "External Client App", body: pw(tkKeyECA, tkUser, tkPassword, approve(tkKeyECA, tkUser)),
			wantErr: "invalid_grant", wantDesc: "authentication failure"},
	})
}

// -eca-password-flow lets an External Client App use the
// username-password flow where the org allows it, and only there.
func TestPasswordExternalClientAppSetting(t *testing.T) {
	t.Parallel()
	for _, allowed := range []bool{false, true} {
		e := newTokenEnvWith(t, func(c *mocksf.Config) { c.ExternalClientAppPasswordFlow = allowed })
		e.store.Approve(e.user(t, tkUser).ID, tkKeyECA)
		got := e.token(t, passwordForm(tkKeyECA, tkUser, tkPassword))
		if ok := got.status == 200; ok != allowed {
			t.Errorf("ExternalClientAppPasswordFlow %v: password grant = %d %s", allowed, got.status, got.body)
		}
		// A connected app is not affected.
		e.store.Approve(e.user(t, tkUser).ID, tkKeyMain)
		if got := e.token(t, passwordForm(tkKeyMain, tkUser, tkPassword)); got.status != 200 {
			t.Errorf("ExternalClientAppPasswordFlow %v: connected app's password grant = %d %s; want 200", allowed, got.status, got.body)
		}
		// The org's setting still applies.
		e.store.Approve(e.user(t, "user@strict.test").ID, tkKeyECA)
		if got := e.token(t, passwordForm(tkKeyECA, "user@strict.test", "Strict-Pass-1")); got.status != 400 || !strings.Contains(got.body, "authentication failure") {
			t.Errorf("ExternalClientAppPasswordFlow %v: grant in an org without the flow = %d %s; want authentication failure", allowed, got.status, got.body)
		}
	}
}

func TestPasswordReply(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	e.store.Approve(e.user(t, tkUser).ID, tkKeyMain)
	m := decodeToken(t, e.token(t, passwordForm(tkKeyMain, tkUser, tkPassword)))
	if got, want := tkFields(m), "access_token id instance_url issued_at scope signature token_type"; got != want {
		t.Errorf("fields %s; want %s", got, want)
	}
	if m["scope"] != "api id openid profile email web" {
		t.Errorf("scope = %v; want the app's scopes without refresh_token", m["scope"])
	}
	checkSignature(t, m, tkSecret)
	// An assigned user of an admin-approved app needs no approval.
	decodeToken(t, e.token(t, passwordForm(tkKeyAdmin, tkUser, tkPassword)))
}

func credsForm(key, secret string) url.Values {
	return tkForm("grant_type", "client_credentials", "client_id", key, "client_secret", secret)
}

func TestClientCredentialsErrors(t *testing.T) {
	onInstance := func(c tokenCase) tokenCase { c.host = "instance"; return c }
	runTokenCases(t, []tokenCase{
		{name: "login host", body: tkStatic(credsForm(tkKeyCreds, tkSecret).Encode()),
			wantErr: "invalid_grant", wantDesc: "request not supported on this domain"},
		onInstance(tokenCase{name: "unknown client", body: tkStatic(credsForm("3MVG9nope", tkSecret).Encode()),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"}),
		onInstance(tokenCase{name: "wrong secret", body: tkStatic(credsForm(tkKeyCreds, "wrong").Encode()),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"}),
		onInstance(tokenCase{name: "missing secret", body: tkStatic(tkForm("grant_type", "client_credentials", "client_id", tkKeyCreds).Encode()),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"}),
		onInstance(tokenCase{name: "flow not enabled", body: tkStatic(credsForm(tkKeyMain, tkSecret).Encode()),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"}),
		onInstance(tokenCase{name: "External Client App, flow not enabled, run-as user set", body: func(t *testing.T, e *tkEnv) string {
			runAs := e.user(t, "runas@acme.test").ID
			if _, err := e.store.UpdateApp(tkKeyECA, func(a *store.ConnectedApp) { a.Policy.RunAsUserID = runAs }); err != nil {
				t.Fatal(err)
			}
			return credsForm(tkKeyECA, tkSecret).Encode()
		}, wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"}),
		onInstance(tokenCase{name: "External Client App, wrong secret", body: tkStatic(credsForm(tkKeyECACreds, "wrong").Encode()),
			wantErr: "invalid_client", wantDesc: "invalid client credentials"}),
		onInstance(tokenCase{name: "no run-as user", body: func(t *testing.T, e *tkEnv) string {
			if _, err := e.store.UpdateApp(tkKeyMain, func(a *store.ConnectedApp) { a.Policy.ClientCredentials = true }); err != nil {
				t.Fatal(err)
			}
			return credsForm(tkKeyMain, tkSecret).Encode()
		}, wantErr: "invalid_grant", wantDesc: "no client credentials user enabled"}),
		onInstance(tokenCase{name: "run-as user inactive", body: func(t *testing.T, e *tkEnv) string {
			tkDeactivate(t, e, "runas@acme.test")
			return credsForm(tkKeyCreds, tkSecret).Encode()
		}, wantErr: "invalid_grant", wantDesc: "inactive user"}),
		onInstance(tokenCase{name: "admin-approved app, run-as user not assigned", body: func(t *testing.T, e *tkEnv) string {
			other := e.user(t, "other@acme.test").ID
			if _, err := e.store.UpdateApp(tkKeyAdmin, func(a *store.ConnectedApp) {
				a.Policy.ClientCredentials, a.Policy.RunAsUserID = true, other
			}); err != nil {
				t.Fatal(err)
			}
			return credsForm(tkKeyAdmin, tkSecret).Encode()
		}, wantErr: "invalid_app_access", wantDesc: "user is not admin approved to access this app"}),
		onInstance(tokenCase{name: "blocked app", body: func(t *testing.T, e *tkEnv) string {
			if _, err := e.store.UpdateApp(tkKeyCreds, func(a *store.ConnectedApp) { a.Policy.Blocked = true }); err != nil {
				t.Fatal(err)
			}
			return credsForm(tkKeyCreds, tkSecret).Encode()
		}, wantErr: "OAUTH_APP_BLOCKED", wantDesc: "this app is blocked by admin"}),
	})
}

func TestClientCredentialsReply(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	for _, tc := range []struct {
		key   string
		basic bool
	}{{tkKeyCreds, false}, {tkKeyCreds, true}, {tkKeyECACreds, false}, {tkKeyECACreds, true}} {
		basic := tc.basic
		req := tkRequest{path: "/services/oauth2/token", host: "instance", contentType: tkFormType, body: credsForm(tc.key, tkSecret).Encode()}
		if basic {
			req.body, req.basicUser, req.basicPass = "grant_type=client_credentials", tc.key, tkSecret
		}
		m := decodeToken(t, e.do(t, req))
		if got, want := tkFields(m), "access_token api_instance_url id instance_url issued_at scope signature token_type"; got != want {
			t.Errorf("basic=%v: fields %s; want %s", basic, got, want)
		}
		runAs := e.user(t, "runas@acme.test")
		if m["id"] != e.instance+"/id/"+runAs.OrgID+"/"+runAs.ID || m["api_instance_url"] != e.instance || m["scope"] != "api" {
			t.Errorf("basic=%v: reply %v; want the run-as user's identity on the instance host, api_instance_url %s, scope api", basic, m, e.instance)
		}
		checkSignature(t, m, tkSecret)
	}
}

// TestXOAuth2CodeFlowWithPKCEAndRefresh uses golang.org/x/oauth2 as the
// judge: its default AuthStyleAutoDetect must succeed with HTTP Basic on
// the first try, the PKCE verifier must be accepted, and a refresh must
// work from its TokenSource.
func TestXOAuth2CodeFlowWithPKCEAndRefresh(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	var requests []string
	client := &http.Client{Transport: tkRoundTrip(func(r *http.Request) (*http.Response, error) {
		_, _, basic := r.BasicAuth()
		requests = append(requests, r.URL.Path+" basic="+map[bool]string{true: "yes", false: "no"}[basic])
		return http.DefaultTransport.RoundTrip(r)
	})}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, client)
	cfg := &oauth2.Config{
		ClientID: tkKeyMain, ClientSecret: tkSecret, RedirectURL: tkCallback,
		Scopes:   []string{"api", "refresh_token"},
		Endpoint: oauth2.Endpoint{AuthURL: e.base + "/services/oauth2/authorize", TokenURL: e.base + "/services/oauth2/token"},
	}
	verifier := oauth2.GenerateVerifier()
	code := e.mintCode(t, tkKeyMain, tkUser, codeOpts{challenge: oauth2.S256ChallengeFromVerifier(verifier)})
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	if want := []string{"/services/oauth2/token basic=yes"}; !slices.Equal(requests, want) {
		t.Errorf("requests %v; want one Basic request (AuthStyleAutoDetect must work first time)", requests)
	}
	if !tok.Expiry.IsZero() || tok.TokenType != "Bearer" || tok.RefreshToken == "" {
		t.Errorf("token %+v; want Bearer, a refresh token and no expiry", tok)
	}
	checkSignature(t, map[string]any{"id": tok.Extra("id"), "issued_at": tok.Extra("issued_at"), "signature": tok.Extra("signature")}, tkSecret)

	stale := &oauth2.Token{RefreshToken: tok.RefreshToken, Expiry: time.Now().Add(-time.Minute)}
	fresh, err := cfg.TokenSource(ctx, stale).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == "" || fresh.AccessToken == tok.AccessToken || fresh.RefreshToken != tok.RefreshToken {
		t.Errorf("refreshed %+v; want a new access token and the same refresh token", fresh)
	}

	// A failure is x/oauth2's RetrieveError with Salesforce's fields.
	_, err = cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" || re.ErrorDescription != "invalid authorization code" || re.Response.StatusCode != 400 {
		t.Errorf("replay: %v; want RetrieveError 400 invalid_grant / invalid authorization code", err)
	}
}

type tkRoundTrip func(*http.Request) (*http.Response, error)

func (f tkRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestXOAuth2SecretsInBody covers clients that send the credentials in the
// body from the start, as a chunked body.
func TestXOAuth2SecretsInBody(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	cfg := &oauth2.Config{ClientID: tkKeyMain, ClientSecret: tkSecret, RedirectURL: tkCallback,
		Endpoint: oauth2.Endpoint{TokenURL: e.base + "/services/oauth2/token", AuthStyle: oauth2.AuthStyleInParams}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
	if _, err := cfg.Exchange(ctx, e.mintCode(t, tkKeyMain, tkUser, codeOpts{})); err != nil {
		t.Fatalf("Exchange with body credentials: %v", err)
	}
	body := codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e)
	req, _ := http.NewRequest("POST", e.base+"/services/oauth2/token", struct{ *strings.Reader }{strings.NewReader(body)})
	req.Header.Set("Content-Type", tkFormType+"; charset=UTF-8")
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("chunked body: %d; want 200", resp.StatusCode)
	}
}
