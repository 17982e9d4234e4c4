package mocksf_test

import (
	"context"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
)

// BenchmarkCodeFlow measures one whole web-server flow over HTTP on
// loopback, as a browser and a client drive it: authorize, login page,
// password, emailed code (read from the server's mailer), Allow, and the
// token exchange. prompt=consent keeps the Allow page in every round.
//
//	go test -run '^$' -bench CodeFlow -count 5 ./mocksf/ | benchstat -
func BenchmarkCodeFlow(b *testing.B) {
	srv, ts := newServerWith(b, func(*mocksf.Config) {})
	cfg := oauthConfig(ts)
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())

	b.ReportAllocs()
	for b.Loop() {
		verifier := oauth2.GenerateVerifier()
		// One fresh browser a round, to the callback with a code.
		code := wantCode(b, authorize(b, srv, ts, browser(b, ts), cfg, "allow", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent")), "st4te")
		tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
		if err != nil {
			b.Fatal(err)
		}
		if tok.AccessToken == "" || tok.RefreshToken == "" {
			b.Fatalf("code flow: token %+v lacks an access or refresh token", tok)
		}
	}
}
