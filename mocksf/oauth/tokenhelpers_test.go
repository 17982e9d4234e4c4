package oauth_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	mclock "github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Consumer keys and secrets of the token tests' apps. Keys look like
// Salesforce's (3MVG9…) but are short enough to read in a failure.
const (
	tkKeyMain      = "3MVG9tk.Main"
	tkKeyPublic    = "3MVG9tk.Public"
	tkKeyAdmin     = "3MVG9tk.AdminApproved"
	tkKeyJWT       = "3MVG9tk.JWT"
	tkKeyBlocked   = "3MVG9tk.Blocked"
	tkKeyCreds     = "3MVG9tk.ClientCredentials"
	tkKeyImmediate = "3MVG9tk.Immediate"
	tkKeyIdle      = "3MVG9tk.Idle"
	tkKeyAbsolute  = "3MVG9tk.Absolute"
	tkKeyAll       = "3MVG9tk.IntrospectAll"
	tkKeyNew       = "3MVG9tk.New"
	tkKeyFrozen    = "3MVG9tk.Frozen"
	tkKeyNoPw      = "3MVG9tk.NoPassword"
	tkKeyRotating  = "3MVG9tk.Rotating"
	tkKeyECA       = "3MVG9tk.ECA"
	tkKeyECACreds  = "3MVG9tk.ECAClientCredentials"
	tkKeyECAJWT    = "3MVG9tk.ECAJWT"
	tkKeyECANoJWT  = "3MVG9tk.ECANoJWT"
	tkSecret       = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	tkCallback     = "https://product.example/salesforce/getSfdcOAuthTokensRedirect"
	tkUser         = "sync@acme.test"
	tkPassword     = "Sync-Pass-1"
)

// tkSeed has one app per policy the token endpoint applies, an inactive
// user, a frozen org and an org without the username-password flow.
var tkSeed = `
orgs:
  - name: Acme
    allowPasswordFlow: true
    users:
      - {username: sync@acme.test, password: Sync-Pass-1, firstName: Sam, lastName: Sync}
      - {username: admin@acme.test, password: Admin-Pass-1, firstName: Avery, lastName: Admin, admin: true}
      - {username: gone@acme.test, password: Gone-Pass-1, lastName: Gone, active: false}
      - {username: runas@acme.test, password: RunAs-Pass-1, lastName: Integration}
      - {username: other@acme.test, password: Other-Pass-1, lastName: Other}
    connectedApps:
      - {name: Main, consumerKey: ` + tkKeyMain + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token, id, openid, profile, email, web]}
      - {name: Public, consumerKey: ` + tkKeyPublic + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], requireSecretForWebServerFlow: false, requireSecretForRefreshTokenFlow: false, requirePkce: true}
      - {name: Admin Approved, consumerKey: ` + tkKeyAdmin + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], permittedUsers: admin-approved, assignedUsers: [sync@acme.test, runas@acme.test]}
      - {name: JWT, consumerKey: ` + tkKeyJWT + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token, id]}
      - {name: Blocked, consumerKey: ` + tkKeyBlocked + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], blocked: true}
      - {name: Client Credentials, consumerKey: ` + tkKeyCreds + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], clientCredentialsRunAs: runas@acme.test}
      - {name: Immediate, consumerKey: ` + tkKeyImmediate + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], refreshTokenPolicy: {mode: immediately}}
      - {name: Idle, consumerKey: ` + tkKeyIdle + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], refreshTokenPolicy: {mode: idle, for: 1h}}
      - {name: Absolute, consumerKey: ` + tkKeyAbsolute + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], refreshTokenPolicy: {mode: absolute, for: 24h}}
      - {name: Introspect All, consumerKey: ` + tkKeyAll + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api], introspectAllTokens: true}
      - {name: Rotating, consumerKey: ` + tkKeyRotating + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], refreshTokenRotation: true}
      - {name: New, consumerKey: ` + tkKeyNew + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api], activationDelay: 10m}
    externalClientApps:
      - {name: ECA, consumerKey: ` + tkKeyECA + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token, id]}
      - {name: ECA Client Credentials, consumerKey: ` + tkKeyECACreds + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], flows: [clientCredentials], clientCredentialsRunAs: runas@acme.test}
      - {name: ECA JWT, consumerKey: ` + tkKeyECAJWT + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token], flows: [jwtBearer]}
      - {name: ECA No JWT, consumerKey: ` + tkKeyECANoJWT + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token]}
  - name: Frozen Co
    status: frozen
    allowPasswordFlow: true
    users:
      - {username: user@frozen.test, password: Frozen-Pass-1}
    connectedApps:
      - {name: Frozen App, consumerKey: ` + tkKeyFrozen + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api, refresh_token]}
  - name: Strict Co
    users:
      - {username: user@strict.test, password: Strict-Pass-1}
    connectedApps:
      - {name: No Password, consumerKey: ` + tkKeyNoPw + `, consumerSecret: ` + tkSecret + `, callbackUrls: ["` + tkCallback + `"],
         scopes: [api]}
`

// tkEnv is a mocksf serving tkSeed on a loopback port, with a clock the
// test controls (starting at the real time, so that ID tokens verify
// against real clocks) and a certificate on the JWT and admin-approved
// apps.
type tkEnv struct {
	srv      *mocksf.Server
	ts       *httptest.Server
	clock    *mclock.Clock
	store    *store.Store
	base     string // login host URL
	instance string // instance host URL (localhost on the same port)
}

func newTokenEnv(tb testing.TB) *tkEnv { return newTokenEnvWith(tb, nil) }

// newTokenEnvWith is newTokenEnv with configure (when not nil) changing
// mocksf's configuration first.
func newTokenEnvWith(tb testing.TB, configure func(*mocksf.Config)) *tkEnv {
	tb.Helper()
	clock := mclock.At(time.Now())
	opts := []mocksftest.Option{mocksftest.WithSeed([]byte(tkSeed)), mocksftest.WithConfig(func(c *mocksf.Config) { c.Clock = clock.Now })}
	if configure != nil {
		opts = append(opts, mocksftest.WithConfig(configure))
	}
	s := mocksftest.NewServer(tb, opts...)
	srv, ts := s.Mocksf, s.HTTPServer()
	e := &tkEnv{srv: srv, ts: ts, clock: clock, store: srv.Store(), base: ts.URL, instance: srv.InstanceURL()}
	if e.instance == e.base {
		tb.Fatalf("instance URL %s equals the login URL; the tests need two hosts", e.instance)
	}
	// The new app was created just now, so it is still propagating.
	if _, err := e.store.UpdateApp(tkKeyNew, func(a *store.ConnectedApp) { a.CreatedAt = clock.Now() }); err != nil {
		tb.Fatal(err)
	}
	for _, key := range []string{tkKeyJWT, tkKeyAdmin, tkKeyECAJWT, tkKeyECANoJWT} {
		if _, err := e.store.UpdateApp(key, func(a *store.ConnectedApp) { a.Policy.CertificatePEM = assertionCert(tb).pem }); err != nil {
			tb.Fatal(err)
		}
	}
	return e
}

// user returns a seeded user by username.
func (e *tkEnv) user(tb testing.TB, username string) store.User {
	tb.Helper()
	u, err := e.store.UserByUsername(username)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// codeOpts are the parts of an authorization request a minted code
// carries.
type codeOpts struct {
	scopes    []string // default: api refresh_token
	challenge string
	nonce     string
	ttl       time.Duration // default 15 minutes
}

// mintCode stores an authorization code as the authorize endpoint would
// after the user allowed access, without a browser.
func (e *tkEnv) mintCode(tb testing.TB, key, username string, o codeOpts) string {
	tb.Helper()
	u := e.user(tb, username)
	if o.scopes == nil {
		o.scopes = []string{"api", "refresh_token"}
	}
	if o.ttl == 0 {
		o.ttl = 15 * time.Minute
	}
	e.store.Approve(u.ID, key)
	return e.store.SaveCode(store.AuthCode{
		ConsumerKey: key, OrgID: u.OrgID, UserID: u.ID, RedirectURI: tkCallback, Scopes: o.scopes,
		CodeChallenge: o.challenge, Nonce: o.nonce, ExpiresAt: e.clock.Now().Add(o.ttl),
	}).Code
}

// tkResponse is what a test request got back.
type tkResponse struct {
	status int
	header http.Header
	body   string
}

// tkRequest is a request to mocksf; host "instance" sends it to the
// instance host, anything else to the login host.
type tkRequest struct {
	method, path, host, contentType, body string
	basicUser, basicPass                  string
	header                                map[string]string
}

func (e *tkEnv) do(tb testing.TB, req tkRequest) tkResponse {
	tb.Helper()
	if req.method == "" {
		req.method = http.MethodPost
	}
	hr, err := http.NewRequest(req.method, e.base+req.path, strings.NewReader(req.body))
	if err != nil {
		tb.Fatal(err)
	}
	if req.host == "instance" {
		u, _ := url.Parse(e.instance)
		hr.Host = u.Host
	}
	if req.contentType != "" {
		hr.Header.Set("Content-Type", req.contentType)
	}
	if req.basicUser != "" {
		hr.SetBasicAuth(req.basicUser, req.basicPass)
	}
	for k, v := range req.header {
		hr.Header.Set(k, v)
	}
	resp, err := e.ts.Client().Do(hr)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return tkResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

const tkFormType = "application/x-www-form-urlencoded"

// token posts a form to the token endpoint on the login host.
func (e *tkEnv) token(tb testing.TB, form url.Values) tkResponse {
	tb.Helper()
	return e.do(tb, tkRequest{path: "/services/oauth2/token", contentType: tkFormType, body: form.Encode()})
}

// tkForm builds url.Values from key, value pairs.
func tkForm(pairs ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		v.Set(pairs[i], pairs[i+1])
	}
	return v
}

// tokenErrorBody is the exact body of a token endpoint error.
func tokenErrorBody(code, desc string) string {
	return `{"error":"` + code + `","error_description":"` + desc + `"}` + "\n"
}

// assertionCertificate is an RSA key and a self-signed certificate for it,
// as an admin uploads with "Use digital signatures".
type assertionCertificate struct {
	key *rsa.PrivateKey
	pem string
}

var (
	certOnce                sync.Once
	certValue, otherCertVal assertionCertificate
)

// assertionCert is the certificate of the JWT apps; otherCert is one no
// app has. Both are made once per test binary.
func assertionCert(tb testing.TB) assertionCertificate {
	certOnce.Do(func() { certValue, otherCertVal = makeCert(tb), makeCert(tb) })
	return certValue
}

func otherCert(tb testing.TB) assertionCertificate {
	assertionCert(tb)
	return otherCertVal
}

func makeCert(tb testing.TB) assertionCertificate {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sfharness test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	return assertionCertificate{key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
