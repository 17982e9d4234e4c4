package mocksf_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/oauth"
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
	host := strings.TrimPrefix(ts.URL, "http://")

	b.ReportAllocs()
	for b.Loop() {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Transport: ts.Client().Transport, Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Host != host {
				return http.ErrUseLastResponse
			}
			return nil
		}}
		if err := codeFlow(ctx, srv, ts, c, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// codeFlow runs one web-server flow in a fresh browser c.
func codeFlow(ctx context.Context, srv *mocksf.Server, ts *httptest.Server, c *http.Client, cfg *oauth2.Config) error {
	verifier := oauth2.GenerateVerifier()
	resp, page, err := fetch(c.Get(cfg.AuthCodeURL("bench", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent"))))
	if err != nil {
		return err
	}
	m := csrfPattern.FindStringSubmatch(page)
	if m == nil || resp.Request.URL.Query().Get("ec") != "302" {
		return fmt.Errorf("code flow: authorize ended at %s, not the login page", resp.Request.URL)
	}
	token := m[1]
	resp, _, err = fetch(c.PostForm(ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"},
		"pw": {"Sync-Pass-1"}, "startURL": {resp.Request.URL.Query().Get("startURL")}}))
	if err != nil {
		return err
	}
	mails := srv.Mailer().Sent("sync@acme.test")
	if len(mails) == 0 {
		return errors.New("code flow: no verification mail")
	}
	resp, page, err = fetch(c.PostForm(resp.Request.URL.String(), url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}}))
	if err != nil {
		return err
	}
	if resp.Request.URL.Path != oauth.ApprovalPath || !strings.Contains(page, `id="oaapprove"`) {
		return fmt.Errorf("code flow: verification ended at %s, not Allow Access", resp.Request.URL)
	}
	// The login renewed the session's token: the Allow page's form has it.
	if m = csrfPattern.FindStringSubmatch(page); m == nil {
		return errors.New("code flow: no CSRF token on Allow Access")
	}
	resp, _, err = fetch(c.PostForm(ts.URL+oauth.ApprovalPath, url.Values{"_CONFIRMATIONTOKEN": {m[1]},
		"source": {resp.Request.URL.Query().Get("source")}, "decision": {"allow"}}))
	if err != nil {
		return err
	}
	cb, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || cb.Query().Get("code") == "" {
		return fmt.Errorf("code flow: Allow answered %d %q, not a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return err
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		return fmt.Errorf("code flow: token %+v lacks an access or refresh token", tok)
	}
	return nil
}

// fetch reads and closes a response body.
func fetch(resp *http.Response, err error) (*http.Response, string, error) {
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}
