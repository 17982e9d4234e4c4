package oauth_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// An External Client App's tokens live as a connected app's do: the code
// exchange (with PKCE, its default), refresh with the secret it requires
// by default, introspection, revocation, the refresh token policy and
// the propagation delay; deleting the app stops them all.
func TestExternalClientAppTokens(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))
	at, rt := m["access_token"].(string), m["refresh_token"].(string)
	checkSignature(t, m, tkSecret)

	// Refresh: the secret is required by default.
	want := tokenErrorBody("invalid_client", "invalid client credentials")
	if got := e.token(t, refreshForm(tkKeyECA, "", rt)); got.status != http.StatusBadRequest || got.body != want {
		t.Errorf("refresh without the secret: %d %s; want 400 %s", got.status, got.body, want)
	}
	again := decodeToken(t, e.token(t, refreshForm(tkKeyECA, tkSecret, rt)))["access_token"].(string)

	// Introspection by the app itself.
	if got := e.introspect(t, introspectForm(tkKeyECA, tkSecret, again, "")); !strings.Contains(got.body, `"active":true`) || !strings.Contains(got.body, tkKeyECA) {
		t.Errorf("introspecting the refreshed token: %d %s; want it active for the External Client App", got.status, got.body)
	}

	// Revoking the access token leaves the refresh token.
	if got := e.do(t, revokeRequest(http.MethodPost, "token="+url.QueryEscape(at))); got.status != http.StatusOK {
		t.Fatalf("revoke: %d %s", got.status, got.body)
	}
	if _, err := e.store.LookupAccessToken(at); err == nil {
		t.Error("the revoked access token still works")
	}

	// Deleting the app stops its tokens.
	if err := e.store.DeleteApp(tkKeyECA); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.LookupAccessToken(again); err == nil {
		t.Error("an access token of the deleted External Client App still works")
	}
	if _, err := e.store.LookupRefreshToken(rt); err == nil {
		t.Error("a refresh token of the deleted External Client App still works")
	}
	want = tokenErrorBody("invalid_client_id", "client identifier invalid")
	if got := e.token(t, refreshForm(tkKeyECA, tkSecret, rt)); got.status != http.StatusBadRequest || got.body != want {
		t.Errorf("refresh after deletion: %d %s; want 400 %s", got.status, got.body, want)
	}
}

// The refresh token policy and the propagation delay apply to an
// External Client App as to a connected app.
func TestExternalClientAppPolicies(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	if _, err := e.store.UpdateApp(tkKeyECA, func(a *store.ConnectedApp) {
		a.Policy.Refresh = store.RefreshPolicy{Mode: store.RefreshIdle, For: time.Hour}
	}); err != nil {
		t.Fatal(err)
	}
	rt := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)(t, e))))["refresh_token"].(string)
	e.clock.Advance(61 * time.Minute)
	want := tokenErrorBody("invalid_grant", "expired access/refresh token")
	if got := e.token(t, refreshForm(tkKeyECA, tkSecret, rt)); got.status != http.StatusBadRequest || got.body != want {
		t.Errorf("refresh after an hour idle: %d %s; want 400 %s", got.status, got.body, want)
	}

	delay := 10 * time.Minute
	if _, err := e.store.UpdateApp(tkKeyECA, func(a *store.ConnectedApp) {
		a.Policy.ActivationDelay, a.CreatedAt = &delay, e.clock.Now()
	}); err != nil {
		t.Fatal(err)
	}
	want = tokenErrorBody("invalid_client_id", "client identifier invalid")
	body := codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{challenge: tkChallenge}, "code_verifier", tkVerifier)
	if got := e.token(t, tkParse(t, body(t, e))); got.status != http.StatusBadRequest || got.body != want {
		t.Errorf("code exchange while the app propagates: %d %s; want 400 %s", got.status, got.body, want)
	}
	e.clock.Advance(delay)
	if got := e.token(t, tkParse(t, body(t, e))); got.status != http.StatusOK {
		t.Errorf("code exchange once propagated: %d %s; want 200", got.status, got.body)
	}
}
