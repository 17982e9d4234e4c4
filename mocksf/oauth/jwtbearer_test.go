package oauth_test

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/sfharness/sfharness/mocksf/store"
)

const tkJWTGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// signAssertion signs claims as a JWT bearer client does: RS256 with the
// private key of the certificate uploaded to the app.
func signAssertion(t testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := json.Marshal(claims)
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// assertionClaims are valid claims for the JWT app and user; changes
// overrides them (a nil value removes the claim).
func assertionClaims(e *tkEnv, username string, changes map[string]any) map[string]any {
	c := map[string]any{"iss": tkKeyJWT, "sub": username, "aud": "https://login.salesforce.com", "exp": e.clock.Now().Add(3 * time.Minute).Unix()}
	for k, v := range changes {
		if v == nil {
			delete(c, k)
			continue
		}
		c[k] = v
	}
	return c
}

// jwtForm is a JWT bearer request with an assertion made by make, after
// the user approved the JWT app (unless approve is false).
func jwtForm(username string, approve bool, changes map[string]any, before func(*testing.T, *tkEnv)) func(*testing.T, *tkEnv) string {
	return func(t *testing.T, e *tkEnv) string {
		if approve {
			e.store.Approve(e.user(t, username).ID, tkKeyJWT)
		}
		if before != nil {
			before(t, e)
		}
		return tkForm("grant_type", tkJWTGrant, "assertion", signAssertion(t, assertionCert(t).key, assertionClaims(e, username, changes))).Encode()
	}
}

// approveApp is a before hook of jwtForm: the user approves the app.
func approveApp(username, key string) func(*testing.T, *tkEnv) {
	return func(t *testing.T, e *tkEnv) { e.store.Approve(e.user(t, username).ID, key) }
}

func TestJWTBearerErrors(t *testing.T) {
	hs256 := func(t *testing.T, e *tkEnv) string {
		signer, _ := jose.NewSigner(jose.SigningKey{Algorithm: jose.HS256, Key: []byte(tkSecret)}, nil)
		payload, _ := json.Marshal(assertionClaims(e, tkUser, nil))
		jws, _ := signer.Sign(payload)
		s, _ := jws.CompactSerialize()
		return tkForm("grant_type", tkJWTGrant, "assertion", s).Encode()
	}
	unsigned := func(t *testing.T, e *tkEnv) string {
		payload, _ := json.Marshal(assertionClaims(e, tkUser, nil))
		s := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + base64.RawURLEncoding.EncodeToString(payload) + "."
		return tkForm("grant_type", tkJWTGrant, "assertion", s).Encode()
	}
	runTokenCases(t, []tokenCase{
		{name: "missing assertion", body: tkStatic(tkForm("grant_type", tkJWTGrant).Encode()),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "not a JWT", body: tkStatic(tkForm("grant_type", tkJWTGrant, "assertion", "abc.def.ghi").Encode()),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "HS256", body: hs256, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "alg none", body: unsigned, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "unknown consumer key", body: jwtForm(tkUser, true, map[string]any{"iss": "3MVG9nope"}, nil),
			wantErr: "invalid_client_id", wantDesc: "client identifier invalid"},
		{name: "app without certificate", body: jwtForm(tkUser, true, map[string]any{"iss": tkKeyMain}, nil),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "signed with another key", body: func(t *testing.T, e *tkEnv) string {
			e.store.Approve(e.user(t, tkUser).ID, tkKeyJWT)
			return tkForm("grant_type", tkJWTGrant, "assertion", signAssertion(t, otherCert(t).key, assertionClaims(e, tkUser, nil))).Encode()
		}, wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "wrong audience", body: jwtForm(tkUser, true, map[string]any{"aud": "https://example.com"}, nil),
			wantErr: "invalid_grant", wantDesc: "Audience validation failed"},
		{name: "login host with a trailing slash", body: jwtForm(tkUser, true, map[string]any{"aud": "https://login.salesforce.com/"}, nil),
			wantErr: "invalid_grant", wantDesc: "Audience validation failed"},
		{name: "no audience", body: jwtForm(tkUser, true, map[string]any{"aud": nil}, nil),
			wantErr: "invalid_grant", wantDesc: "Audience validation failed"},
		{name: "expired", body: func(t *testing.T, e *tkEnv) string {
			return jwtForm(tkUser, true, map[string]any{"exp": e.clock.Now().Add(-time.Second).Unix()}, nil)(t, e)
		}, wantErr: "invalid_grant", wantDesc: "expired authorization code"},
		{name: "no exp", body: jwtForm(tkUser, true, map[string]any{"exp": nil}, nil),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "exp not a number", body: jwtForm(tkUser, true, map[string]any{"exp": "soon"}, nil),
			wantErr: "invalid_grant", wantDesc: "invalid assertion"},
		{name: "app without the refresh_token scope", body: jwtForm(tkUser, true, nil, func(t *testing.T, e *tkEnv) {
			if _, err := e.store.UpdateApp(tkKeyJWT, func(a *store.ConnectedApp) { a.Scopes = []string{"api", "id"} }); err != nil {
				t.Fatal(err)
			}
		}), wantErr: "invalid_request", wantDesc: "refresh_token scope is required and the connected app should be installed and preauthorized."},
		{name: "offline_access stands for refresh_token", body: jwtForm(tkUser, false, nil, func(t *testing.T, e *tkEnv) {
			if _, err := e.store.UpdateApp(tkKeyJWT, func(a *store.ConnectedApp) { a.Scopes = []string{"api", "offline_access"} }); err != nil {
				t.Fatal(err)
			}
		}), wantErr: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
		{name: "unknown user", body: jwtForm(tkUser, false, map[string]any{"sub": "nobody@acme.test"}, nil),
			wantErr: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
		{name: "user never approved the app", body: jwtForm(tkUser, false, nil, nil),
			wantErr: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
		{name: "approval revoked", body: jwtForm(tkUser, true, nil, func(t *testing.T, e *tkEnv) {
			e.store.RevokeApproval(e.user(t, tkUser).ID, tkKeyJWT)
		}), wantErr: "invalid_grant", wantDesc: "user hasn't approved this consumer"},
		{name: "admin-approved app, user not assigned", body: jwtForm("other@acme.test", false, map[string]any{"iss": tkKeyAdmin}, nil),
			wantErr: "invalid_app_access", wantDesc: "user is not admin approved to access this app"},
		{name: "inactive user", body: jwtForm("gone@acme.test", true, nil, nil),
			wantErr: "invalid_grant", wantDesc: "inactive user"},
		{name: "frozen org", body: jwtForm(tkUser, true, nil, func(t *testing.T, e *tkEnv) { tkFreeze(t, e, tkUser) }),
			wantErr: "inactive_org", wantDesc: "Org is locked, closed, or suspended"},
		{name: "blocked app", body: jwtForm(tkUser, true, nil, func(t *testing.T, e *tkEnv) {
			if _, err := e.store.UpdateApp(tkKeyJWT, func(a *store.ConnectedApp) { a.Policy.Blocked = true }); err != nil {
				t.Fatal(err)
			}
		}), wantErr: "OAUTH_APP_BLOCKED", wantDesc: "this app is blocked by admin"},
		// An External Client App needs Enable JWT Bearer Flow as well as
		// the certificate a connected app needs alone.
		{name: "External Client App without the flow", body: jwtForm(tkUser, false, map[string]any{"iss": tkKeyECANoJWT}, approveApp(tkUser, tkKeyECANoJWT)),
			wantErr: "unsupported_grant_type", wantDesc: "grant type not supported"},
		{name: "External Client App with the flow, no certificate", body: jwtForm(tkUser, false, map[string]any{"iss": tkKeyECAJWT}, func(t *testing.T, e *tkEnv) {
			approveApp(tkUser, tkKeyECAJWT)(t, e)
			if _, err := e.store.UpdateApp(tkKeyECAJWT, func(a *store.ConnectedApp) { a.Policy.CertificatePEM = "" }); err != nil {
				t.Fatal(err)
			}
		}), wantErr: "invalid_grant", wantDesc: "invalid assertion"},
	})
}

func TestJWTBearerReply(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	now := e.clock.Now()
	cases := []struct {
		name    string
		user    string
		approve bool
		changes map[string]any
	}{
		{"production login host", tkUser, true, nil},
		{"sandbox login host", tkUser, true, map[string]any{"aud": "https://test.salesforce.com"}},
		{"mocksf's login host", tkUser, true, map[string]any{"aud": e.base}},
		{"mocksf's instance host", tkUser, true, map[string]any{"aud": e.instance}},
		{"audience array", tkUser, true, map[string]any{"aud": []string{"https://example.com", "https://login.salesforce.com"}}},
		// simple-salesforce sends exp as a string of digits.
		{"exp as a string", tkUser, true, map[string]any{"exp": strconv.FormatInt(now.Add(3*time.Minute).Unix(), 10)}},
		// The Salesforce CLI sends Date.now() + 300: milliseconds.
		{"exp in milliseconds", tkUser, true, map[string]any{"exp": now.UnixMilli() + 300}},
		{"assigned user of an admin-approved app", tkUser, false, map[string]any{"iss": tkKeyAdmin}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := jwtForm(tc.user, tc.approve, tc.changes, nil)(t, e)
			m := decodeToken(t, e.token(t, tkParse(t, body)))
			if got, want := tkFields(m), "access_token id instance_url scope token_type"; got != want {
				t.Errorf("fields %s; want %s", got, want)
			}
			u := e.user(t, tc.user)
			if m["id"] != e.base+"/id/"+u.OrgID+"/"+u.ID || m["instance_url"] != e.instance || m["token_type"] != "Bearer" || m["scope"] != "api" && m["scope"] != "api id" {
				t.Errorf("reply %v", m)
			}
		})
	}
}

// An External Client App with Enable JWT Bearer Flow and a certificate
// gets the same reply as a connected app.
func TestJWTBearerExternalClientApp(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	body := jwtForm(tkUser, false, map[string]any{"iss": tkKeyECAJWT}, approveApp(tkUser, tkKeyECAJWT))(t, e)
	m := decodeToken(t, e.token(t, tkParse(t, body)))
	u := e.user(t, tkUser)
	if got, want := tkFields(m), "access_token id instance_url scope token_type"; got != want || m["id"] != e.base+"/id/"+u.OrgID+"/"+u.ID || m["scope"] != "api" {
		t.Errorf("reply %v; want the connected app's fields (%s) for %s", m, want, tkUser)
	}
	if _, _, key := e.store.OrgOfToken(m["access_token"].(string)); key != tkKeyECAJWT {
		t.Errorf("token issued to %q; want the External Client App", key)
	}
}
