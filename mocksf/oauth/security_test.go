package oauth_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
)

// A code_verifier sent for a code issued without a challenge is a PKCE
// downgrade (RFC 9700 §2.1.1: the server MUST refuse it), answered as
// Salesforce answers a wrong verifier; 3 verifiers, on a confidential
// and a public app (issue 16, break 7).
func TestSecurityPKCEDowngrade(t *testing.T) {
	runTokenCases(t, []tokenCase{
		{name: "confidential app, a right-looking verifier", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{}, "code_verifier", tkVerifier),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "confidential app, a 171-character verifier", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{}, "code_verifier", tkVerifier+tkVerifier+tkVerifier+tkVerifier[:42]),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "confidential app, a malformed verifier", body: codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{}, "code_verifier", "x"),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
		{name: "External Client App", body: codeForm(tkKeyECA, tkSecret, tkUser, codeOpts{}, "code_verifier", tkVerifier),
			wantErr: "invalid_grant", wantDesc: "invalid code verifier"},
	})
}

// A code another app's client presents is refused without using it up:
// its own client's exchange then gets tokens, and only that client's
// second exchange is a replay that revokes them. Another client with the
// code after it was used revokes nothing (issue 16, break 7).
func TestSecurityCodeOfAnotherClient(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	own := tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))
	other := url.Values{}
	for k, v := range own {
		other[k] = v
	}
	other.Set("client_id", tkKeyJWT) // same secret, same callback
	want := tokenErrorBody("invalid_grant", "invalid authorization code")
	if got := e.token(t, other); got.status != http.StatusBadRequest || got.body != want {
		t.Fatalf("another client's exchange: %d %s; want 400 %s", got.status, got.body, want)
	}
	m := decodeToken(t, e.token(t, own))
	if got := e.token(t, other); got.status != http.StatusBadRequest || got.body != want {
		t.Fatalf("another client with the used code: %d %s; want 400 %s", got.status, got.body, want)
	}
	if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err != nil {
		t.Fatalf("another client's try with the used code revoked its tokens: %v", err)
	}
	if got := e.token(t, own); got.status != http.StatusBadRequest || got.body != want {
		t.Fatalf("its own client's replay: %d %s; want 400 %s", got.status, got.body, want)
	}
	if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err == nil {
		t.Error("its own client's replay left the access token live")
	}
}

// Two exchanges of one code at once: whichever wins, the other is a
// replay, so when both are done no token from the code is live, in every
// one of 200 rounds (issue 16, break 8: 1-2 in 300 rounds kept theirs).
// Run it with -race.
func TestSecurityConcurrentCodeReplay(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	rounds := 200
	if testing.Short() {
		rounds = 50
	}
	for round := range rounds {
		body := tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))
		var wg sync.WaitGroup
		got := make([]tkResponse, 2)
		for i := range got {
			wg.Go(func() { got[i] = e.token(t, body) })
		}
		wg.Wait()
		won := 0
		for _, r := range got {
			if r.status != http.StatusOK {
				continue
			}
			won++
			m := decodeToken(t, r)
			if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err == nil {
				t.Fatalf("round %d: an access token outlived the code's replay", round+1)
			}
			if _, err := e.store.LookupRefreshToken(m["refresh_token"].(string)); err == nil {
				t.Fatalf("round %d: a refresh token outlived the code's replay", round+1)
			}
		}
		if won > 1 {
			t.Fatalf("round %d: both exchanges got tokens", round+1)
		}
	}
}

// A refresh token that rotation retired, replayed, revokes the refresh
// token that took its place and the login's access tokens (RFC 9700
// §4.14.2), the first retired as much as the last; -keep-tokens-on-
// refresh-replay only refuses it (issue 16, break 13).
func TestSecurityRefreshReplayRevokesFamily(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		keep     bool
		replayed int // which retired token: 0 the first
		revoked  bool
	}{
		{name: "the last retired", replayed: 2, revoked: true},
		{name: "the first retired", replayed: 0, revoked: true},
		{name: "kept by the setting", keep: true, replayed: 2, revoked: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTokenEnvWith(t, func(c *mocksf.Config) { c.KeepTokensOnRefreshReplay = tt.keep })
			current := e.refreshToken(t, tkKeyRotating, tkUser)
			var retired []string
			var access string
			for range 3 {
				m := decodeToken(t, e.token(t, refreshForm(tkKeyRotating, tkSecret, current)))
				retired, current, access = append(retired, current), m["refresh_token"].(string), m["access_token"].(string)
			}
			want := tokenErrorBody("invalid_grant", "expired access/refresh token")
			if got := e.token(t, refreshForm(tkKeyRotating, tkSecret, retired[tt.replayed])); got.status != http.StatusBadRequest || got.body != want {
				t.Fatalf("the retired token: %d %s; want 400 %s", got.status, got.body, want)
			}
			got := e.token(t, refreshForm(tkKeyRotating, tkSecret, current))
			if revoked := got.status != http.StatusOK; revoked != tt.revoked {
				t.Errorf("the live refresh token after the replay: %d %s; want revoked %v", got.status, got.body, tt.revoked)
			}
			if _, err := e.store.LookupAccessToken(access); (err != nil) != tt.revoked {
				t.Errorf("the login's access token after the replay: %v; want revoked %v", err, tt.revoked)
			}
		})
	}
}

// The JWT bearer grant refuses an exp string other than digits
// (simple-salesforce's digits are Salesforce's accepted form), an nbf in
// the future, and an assertion used before: 7 variants (issue 16,
// break 13).
func TestSecurityJWTBearerClaims(t *testing.T) {
	inMinutes := func(e *tkEnv, m int) int64 { return e.clock.Now().Add(time.Duration(m) * time.Minute).Unix() }
	runTokenCases(t, []tokenCase{
		{name: "exp in exponent form", body: jwtForm(tkUser, true, map[string]any{"exp": "1e12"}, nil),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "exp as a hex float", body: jwtForm(tkUser, true, map[string]any{"exp": "0x1p40"}, nil),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "exp with spaces", body: func(t *testing.T, e *tkEnv) string {
			return jwtForm(tkUser, true, map[string]any{"exp": " " + strconv.FormatInt(inMinutes(e, 3), 10) + " "}, nil)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "exp as a decimal string", body: func(t *testing.T, e *tkEnv) string {
			return jwtForm(tkUser, true, map[string]any{"exp": strconv.FormatInt(inMinutes(e, 3), 10) + ".5"}, nil)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "nbf in a minute", body: func(t *testing.T, e *tkEnv) string {
			return jwtForm(tkUser, true, map[string]any{"nbf": inMinutes(e, 1)}, nil)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "nbf as a string of digits, in a minute", body: func(t *testing.T, e *tkEnv) string {
			return jwtForm(tkUser, true, map[string]any{"nbf": strconv.FormatInt(inMinutes(e, 1), 10)}, nil)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "the same assertion twice", body: func(t *testing.T, e *tkEnv) string {
			body := jwtForm(tkUser, true, nil, nil)(t, e)
			decodeToken(t, e.token(t, tkParse(t, body)))
			return body
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
	})
}

// What the JWT bearer grant still takes: exp as a string of digits (as
// simple-salesforce sends it), an nbf now or past, and with
// -allow-jwt-replay the same assertion twice.
func TestSecurityJWTBearerAccepted(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		claims  func(e *tkEnv) map[string]any
		replay  bool
		allowed bool
	}{
		{name: "exp as a string of digits", claims: func(e *tkEnv) map[string]any {
			return map[string]any{"exp": strconv.FormatInt(e.clock.Now().Add(3*time.Minute).Unix(), 10)}
		}},
		{name: "nbf now", claims: func(e *tkEnv) map[string]any { return map[string]any{"nbf": e.clock.Now().Unix()} }},
		{name: "nbf a minute ago", claims: func(e *tkEnv) map[string]any {
			return map[string]any{"nbf": e.clock.Now().Add(-time.Minute).Unix()}
		}},
		{name: "replay allowed by the setting", claims: func(*tkEnv) map[string]any { return nil }, replay: true, allowed: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newTokenEnvWith(t, func(c *mocksf.Config) { c.AllowJWTReplay = tt.allowed })
			body := tkParse(t, jwtForm(tkUser, true, tt.claims(e), nil)(t, e))
			decodeToken(t, e.token(t, body))
			if tt.replay {
				decodeToken(t, e.token(t, body))
			}
		})
	}
}
