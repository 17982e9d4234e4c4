package oauth_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/store"
)

// The test server listens on 127.0.0.1: with SecurityTokenFromLoopback
// every request comes from an untrusted address unless the org trusts
// 127.0.0.0/8.
func TestPasswordGrantSecurityToken(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name          string
		fromLoopback  bool // SecurityTokenFromLoopback
		trusted       string
		withToken     bool
		wrongToken    bool
		wantStatus    int
		wantErrorDesc string
	}{
		{name: "loopback trusted by default, password alone", wantStatus: 200},
		{name: "loopback trusted by default, token appended too", withToken: true, wantStatus: 200},
		{name: "untrusted, password alone", fromLoopback: true, wantStatus: 400, wantErrorDesc: "authentication failure"},
		{name: "untrusted, password and token", fromLoopback: true, withToken: true, wantStatus: 200},
		{name: "untrusted, wrong token", fromLoopback: true, wrongToken: true, wantStatus: 400, wantErrorDesc: "authentication failure"},
		{name: "in trusted ranges, password alone", fromLoopback: true, trusted: "127.0.0.0/8", wantStatus: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTokenEnvWith(t, func(c *mocksf.Config) { c.SecurityTokenFromLoopback = tc.fromLoopback })
			u := e.user(t, tkUser)
			e.store.Approve(u.ID, tkKeyMain)
			if tc.trusted != "" {
				if _, err := e.store.UpdateOrg(u.OrgID, func(o *store.Org) {
					o.TrustedIPRanges = store.NewIPRanges(netip.MustParsePrefix(tc.trusted))
				}); err != nil {
					t.Fatal(err)
				}
			}
			password := tkPassword
			switch {
			case tc.withToken:
				password += u.SecurityToken
			case tc.wrongToken:
				password += "X" + u.SecurityToken[1:]
			}
			resp := e.token(t, passwordForm(tkKeyMain, tkUser, password))
			if resp.status != tc.wantStatus {
				t.Fatalf("status = %d (%s); want %d", resp.status, resp.body, tc.wantStatus)
			}
			if tc.wantErrorDesc != "" && !strings.Contains(resp.body, `"error":"invalid_grant","error_description":"`+tc.wantErrorDesc+`"`) {
				t.Errorf("body = %s; want invalid_grant / %s", resp.body, tc.wantErrorDesc)
			}
		})
	}
}

// verifierOf returns a verifier of n base64url characters and its S256
// challenge.
func verifierOf(n int) (verifier, challenge string) {
	verifier = strings.Repeat("Ab0-_.", n/6+1)[:n]
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestPKCEVerifierLengths(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n      int
		wantOK bool
	}{{42, false}, {43, true}, {128, true}, {171, true}, {256, true}, {257, false}} {
		v, ch := verifierOf(tc.n)
		e := newTokenEnv(t)
		resp := e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{challenge: ch}, "code_verifier", v)(t, e)))
		if got := resp.status == http.StatusOK; got != tc.wantOK {
			t.Errorf("verifier of %d characters: status %d (%s); want ok = %v", tc.n, resp.status, resp.body, tc.wantOK)
		}
	}
}

func TestReplayedCodeKeepsTokensWhenSet(t *testing.T) {
	t.Parallel()
	e := newTokenEnvWith(t, func(c *mocksf.Config) { c.KeepTokensOnCodeReplay = true })
	body := tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))
	m := decodeToken(t, e.token(t, body))
	if again := e.token(t, body); again.status != http.StatusBadRequest || !strings.Contains(again.body, "invalid authorization code") {
		t.Errorf("replay = %d %s; want 400 invalid authorization code", again.status, again.body)
	}
	if _, err := e.store.LookupAccessToken(m["access_token"].(string)); err != nil {
		t.Errorf("access token after a replay: %v; want it kept", err)
	}
}

func TestUserInfoAccessTokenParam(t *testing.T) {
	t.Parallel()
	for _, only := range []bool{false, true} {
		e := newTokenEnvWith(t, func(c *mocksf.Config) { c.UserInfoOnlyOAuthToken = only })
		u := e.user(t, tkUser)
		at, _, err := e.store.IssueTokens("", tkKeyMain, u.ID, []string{"api", "openid"}, false)
		if err != nil {
			t.Fatal(err)
		}
		resp := e.do(t, tkRequest{method: "GET", path: "/services/oauth2/userinfo?access_token=" + at.Token})
		wantStatus := http.StatusOK
		if only {
			wantStatus = http.StatusForbidden
		}
		if resp.status != wantStatus {
			t.Errorf("UserInfoOnlyOAuthToken=%v: ?access_token= answered %d %s; want %d", only, resp.status, resp.body, wantStatus)
		}
		if only && resp.body != "Bad_OAuth_Token" {
			t.Errorf("refused body = %q; want Bad_OAuth_Token", resp.body)
		}
	}
}
