package oauth_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// With "Enable Refresh Token Rotation" a refresh answers a new refresh
// token and the one sent dies (Salesforce Help, "OAuth 2.0 Refresh Token
// Flow for Renewed Sessions").
func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	rt := e.refreshToken(t, tkKeyRotating, tkUser)
	m := decodeToken(t, e.token(t, refreshForm(tkKeyRotating, tkSecret, rt)))
	if got, want := tkFields(m), "access_token id instance_url issued_at refresh_token scope signature token_type"; got != want {
		t.Errorf("fields %s; want %s (a new refresh token)", got, want)
	}
	checkSignature(t, m, tkSecret)
	next, _ := m["refresh_token"].(string)
	if next == rt || len(next) < 80 {
		t.Fatalf("refresh_token %q; want a new one", next)
	}
	if m := decodeToken(t, e.token(t, refreshForm(tkKeyRotating, tkSecret, next))); m["refresh_token"] == next || m["refresh_token"] == nil {
		t.Errorf("the second refresh answered refresh_token %v; want yet another one", m["refresh_token"])
	}
	// The rotated-out token is refused (and revokes the login's tokens:
	// TestSecurityRefreshReplayRevokesFamily).
	want := tokenErrorBody("invalid_grant", "expired access/refresh token")
	if got := e.token(t, refreshForm(tkKeyRotating, tkSecret, rt)); got.status != http.StatusBadRequest || got.body != want {
		t.Errorf("the rotated-out token: %d %s; want 400 %s", got.status, got.body, want)
	}
}

// x/oauth2 keeps the refresh token a refresh answers, so a client on it
// survives rotation: the judge refreshes twice in a row.
func TestXOAuth2FollowsRotation(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	cfg := &oauth2.Config{
		ClientID: tkKeyRotating, ClientSecret: tkSecret, RedirectURL: tkCallback,
		Endpoint: oauth2.Endpoint{AuthURL: e.base + "/services/oauth2/authorize", TokenURL: e.base + "/services/oauth2/token"},
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, e.ts.Client())
	tok := &oauth2.Token{RefreshToken: e.refreshToken(t, tkKeyRotating, tkUser)}
	for i := range 2 {
		tok.Expiry = time.Now().Add(-time.Minute) // Salesforce sends no expires_in
		next, err := cfg.TokenSource(ctx, tok).Token()
		if err != nil {
			t.Fatalf("refresh %d: %v", i+1, err)
		}
		if next.RefreshToken == tok.RefreshToken {
			t.Fatalf("refresh %d kept refresh token %q; want the rotated one", i+1, tok.RefreshToken)
		}
		tok = next
	}
}
