package oauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/oauth/tokenfloor"
)

// benchPost posts form bodies to the token endpoint over loopback HTTP
// with a keep-alive client, as a real client would, failing on anything
// but 200.
func benchPost(b *testing.B, e *tkEnv, bodies func(i int) string) {
	b.Helper()
	client := e.ts.Client()
	url := e.base + "/services/oauth2/token"
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		resp, err := client.Post(url, tkFormType, strings.NewReader(bodies(i)))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("request %d: status %d", i, resp.StatusCode)
		}
	}
}

// BenchmarkTokenAuthorizationCode exchanges authorization codes (scopes api
// and refresh_token, secret in the body) over HTTP on loopback.
func BenchmarkTokenAuthorizationCode(b *testing.B) {
	e := newTokenEnv(b)
	// Codes are single-use: mint them in batches, outside the timer.
	var codes []string
	benchPost(b, e, func(i int) string {
		if i >= len(codes) {
			b.StopTimer()
			for range 1000 {
				codes = append(codes, e.mintCode(b, tkKeyMain, tkUser, codeOpts{}))
			}
			b.StartTimer()
		}
		return tkForm("grant_type", "authorization_code", "code", codes[i], "client_id", tkKeyMain,
			"client_secret", tkSecret, "redirect_uri", tkCallback).Encode()
	})
}

// BenchmarkTokenRefresh refreshes one refresh token over HTTP on
// loopback: "api" with scopes api and refresh_token, "openid" with openid
// too, so that each reply carries a new RS256-signed ID token, and "bare"
// the floor they are measured against: a net/http handler on the same
// kind of server that parses the same form under the same bound and
// writes a reply of the same size and headers as "api", and does nothing
// else (tokenfloor). The three run side by side, so their ratio holds on
// a loaded machine as their times do not.
func BenchmarkTokenRefresh(b *testing.B) {
	e := newTokenEnv(b)
	refreshBody := func(scopes ...string) string {
		rt := decodeTokenTB(b, e, tkForm("grant_type", "authorization_code",
			"code", e.mintCode(b, tkKeyMain, tkUser, codeOpts{scopes: scopes}),
			"client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback).Encode())
		return refreshForm(tkKeyMain, tkSecret, rt).Encode()
	}
	api := refreshBody("api", "refresh_token")
	openid := refreshBody("api", "refresh_token", "openid")
	b.Run("api", func(b *testing.B) { benchPost(b, e, func(int) string { return api }) })
	b.Run("openid", func(b *testing.B) { benchPost(b, e, func(int) string { return openid }) })
	b.Run("bare", func(b *testing.B) {
		reply := e.token(b, mustParseQuery(b, api))
		if reply.status != http.StatusOK {
			b.Fatalf("refresh: %d %s", reply.status, reply.body)
		}
		ts := httptest.NewServer(tokenfloor.Handler(len(reply.body)))
		b.Cleanup(ts.Close)
		resp, err := ts.Client().Post(ts.URL, tkFormType, strings.NewReader(api))
		if err != nil {
			b.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if len(got) != len(reply.body) {
			b.Fatalf("the bare reply has %d bytes; want %d", len(got), len(reply.body))
		}
		benchPost(b, &tkEnv{ts: ts, base: ts.URL}, func(int) string { return api })
	})
}

func mustParseQuery(tb testing.TB, s string) url.Values {
	tb.Helper()
	v, err := url.ParseQuery(s)
	if err != nil {
		tb.Fatal(err)
	}
	return v
}
