package oauth_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
)

var tkUpdate = flag.Bool("update", false, "rewrite the golden files under testdata/")

// tkGolden compares got with testdata/name, or writes it there with -tkUpdate.
func tkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *tkUpdate {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -tkUpdate to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

// tkIndentJSON re-indents a JSON body, keeping its field order.
func tkIndentJSON(t *testing.T, body string) string {
	t.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(body), "", "  "); err != nil {
		t.Fatalf("%v in %q", err, body)
	}
	return out.String()
}

func TestDiscoveryDocument(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	for _, host := range []struct{ name, host, base string }{{"login", "", e.base}, {"instance", "instance", e.instance}} {
		got := e.do(t, tkRequest{method: "GET", path: "/.well-known/openid-configuration", host: host.host})
		if got.status != 200 || got.header.Get("Content-Type") != "application/json;charset=UTF-8" {
			t.Fatalf("%s host: %d %s %s", host.name, got.status, got.header.Get("Content-Type"), got.body)
		}
		// The golden file is the login host's, with the host written {base}.
		tkGolden(t, "discovery.golden.json", strings.ReplaceAll(tkIndentJSON(t, got.body), host.base, "{base}"))
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	got := e.do(t, tkRequest{method: "GET", path: "/id/keys"})
	var set struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal([]byte(got.body), &set); err != nil || got.status != 200 {
		t.Fatalf("got %d %q (%v)", got.status, got.body, err)
	}
	if len(set.Keys) < 2 {
		t.Fatalf("keys %v; want several, as Salesforce publishes", set.Keys)
	}
	for _, k := range set.Keys {
		if k["kty"] != "RSA" || k["alg"] != "RS256" || k["use"] != "sig" || k["e"] != "AQAB" || len(k["n"]) != 342 {
			t.Errorf("key %v; want a 2048-bit RSA signing key for RS256", k)
		}
		if kid := k["kid"]; kid == "" || strings.Trim(kid, "0123456789") != "" {
			t.Errorf("kid %q; want a numeric string like Salesforce's", kid)
		}
	}
	if !strings.HasPrefix(got.body, `{"keys":[{"kty":"RSA","n":`) {
		t.Errorf("body %.60s…; want Salesforce's field order kty, n, e, alg, use, kid", got.body)
	}
}

// idClaims are the claims the tests read beyond go-oidc's own.
type idClaims struct {
	CHash             string `json:"c_hash"`
	Name              string `json:"name"`
	PreferredUsername string `json:"preferred_username"`
	Email             string `json:"email"`
	EmailVerified     bool   `json:"email_verified"`
}

func tkHalfHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}

// TestIDTokenVerifiesWithGoOIDC has github.com/coreos/go-oidc judge the ID
// tokens of the code flow and of a refresh: discovery, issuer, JWKS and
// signature, audience, expiry, nonce and at_hash.
func TestIDTokenVerifiesWithGoOIDC(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	ctx := oidc.ClientContext(context.Background(), e.ts.Client())
	provider, err := oidc.NewProvider(ctx, e.base)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: tkKeyMain})

	code := e.mintCode(t, tkKeyMain, tkUser, codeOpts{scopes: []string{"api", "refresh_token", "openid", "profile", "email"}, nonce: "n-0S6_WzA2Mj"})
	m := decodeToken(t, e.token(t, tkForm("grant_type", "authorization_code", "code", code, "client_id", tkKeyMain,
		"client_secret", tkSecret, "redirect_uri", tkCallback)))
	if got, want := tkFields(m), "access_token id id_token instance_url issued_at refresh_token scope signature token_type"; got != want {
		t.Errorf("fields %s; want %s", got, want)
	}
	raw, _ := m["id_token"].(string)
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("go-oidc: %v\nID token %s", err, raw)
	}
	if idt.Subject != m["id"] || idt.Nonce != "n-0S6_WzA2Mj" || idt.Issuer != e.base {
		t.Errorf("sub %q, nonce %q, iss %q; want the identity URL, the nonce, %s", idt.Subject, idt.Nonce, idt.Issuer, e.base)
	}
	if got := idt.Expiry.Sub(idt.IssuedAt); got != 120*time.Second {
		t.Errorf("exp - iat = %v; want 120s as in Salesforce's ID tokens", got)
	}
	if err := idt.VerifyAccessToken(m["access_token"].(string)); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var claims idClaims
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.CHash != tkHalfHash(code) || claims.Name != "Sam Sync" || claims.PreferredUsername != tkUser ||
		claims.Email != tkUser || !claims.EmailVerified {
		t.Errorf("claims %+v; want c_hash of the code and the user's profile and email", claims)
	}
	header := strings.SplitN(raw, ".", 2)[0]
	if h, _ := base64.RawURLEncoding.DecodeString(header); !strings.Contains(string(h), `"kid":"248"`) || !strings.Contains(string(h), `"typ":"JWT"`) {
		t.Errorf("header %s; want typ JWT and the current kid", h)
	}

	// The refresh grant's ID token has no nonce and no c_hash.
	r := decodeToken(t, e.token(t, refreshForm(tkKeyMain, tkSecret, m["refresh_token"].(string))))
	idt, err = verifier.Verify(ctx, r["id_token"].(string))
	if err != nil {
		t.Fatalf("go-oidc on the refreshed ID token: %v", err)
	}
	claims = idClaims{}
	_ = idt.Claims(&claims)
	if idt.Nonce != "" || claims.CHash != "" || idt.VerifyAccessToken(r["access_token"].(string)) != nil {
		t.Errorf("refreshed ID token: nonce %q, c_hash %q; want neither, and at_hash of the new access token", idt.Nonce, claims.CHash)
	}

	// Another client must not accept it.
	if _, err := provider.Verifier(&oidc.Config{ClientID: tkKeyJWT}).Verify(ctx, raw); err == nil {
		t.Error("an ID token for one app verified for another")
	}
}

// TestIDTokenOnTheInstanceHost checks that the My Domain host is an issuer
// of its own, consistent between discovery and the ID tokens issued there.
func TestIDTokenOnTheInstanceHost(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	ctx := oidc.ClientContext(context.Background(), tkInstanceClient(e))
	provider, err := oidc.NewProvider(ctx, e.instance)
	if err != nil {
		t.Fatalf("discovery on the instance host: %v", err)
	}
	code := e.mintCode(t, tkKeyMain, tkUser, codeOpts{scopes: []string{"api", "openid"}})
	got := e.do(t, tkRequest{path: "/services/oauth2/token", host: "instance", contentType: tkFormType,
		body: tkForm("grant_type", "authorization_code", "code", code, "client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback).Encode()})
	m := decodeToken(t, got)
	idt, err := provider.Verifier(&oidc.Config{ClientID: tkKeyMain}).Verify(ctx, m["id_token"].(string))
	if err != nil {
		t.Fatalf("go-oidc: %v", err)
	}
	if idt.Issuer != e.instance || idt.Subject != m["id"] {
		t.Errorf("iss %q sub %q; want %s and the identity URL", idt.Issuer, idt.Subject, e.instance)
	}
	var claims idClaims
	_ = idt.Claims(&claims)
	if claims.Email != "" || claims.Name != "" {
		t.Errorf("claims %+v; want no profile or email claims without those scopes", claims)
	}
}

// tkInstanceClient reaches the instance host (localhost) on the test
// server's listener even where localhost resolves to ::1 first.
func tkInstanceClient(e *tkEnv) *http.Client {
	addr := strings.TrimPrefix(e.base, "http://")
	return &http.Client{Transport: tkRoundTrip(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Host = r.URL.Host
		r.URL.Host = addr
		return http.DefaultTransport.RoundTrip(r)
	})}
}
