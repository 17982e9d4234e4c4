package oauth_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
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

// BenchmarkTokenRefresh refreshes one refresh token over HTTP on loopback.
func BenchmarkTokenRefresh(b *testing.B) {
	e := newTokenEnv(b)
	rt := decodeTokenTB(b, e, tkForm("grant_type", "authorization_code", "code", e.mintCode(b, tkKeyMain, tkUser, codeOpts{}),
		"client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback).Encode())
	body := refreshForm(tkKeyMain, tkSecret, rt).Encode()
	benchPost(b, e, func(int) string { return body })
}
