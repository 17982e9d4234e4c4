package control_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

const (
	acmeKey    = "3MVG9AcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAcmeKeyAc"
	acmeSecret = "ACME0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789AB"
)

const testSeed = `
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: sync@acme.test, password: Sync-Pass-1}
    connectedApps:
      - name: Product Sync
        consumerKey: "` + acmeKey + `"
        consumerSecret: "` + acmeSecret + `"
        callbackUrls: ["http://127.0.0.1:9/callback"]
        scopes: [api, refresh_token]
      - name: Generated
    externalClientApps:
      - name: Generated ECA
        flows: [jwtBearer]
    records:
      generate: {Lead: 3}
`

// server is mocksf on a loopback port, as tests and mocksftest use it.
type server struct {
	*mocksf.Server
	URL string
}

func newServer(t *testing.T, configure ...func(*mocksf.Config)) *server {
	t.Helper()
	opts := []mocksftest.Option{mocksftest.WithSeed([]byte(testSeed))}
	for _, f := range configure {
		opts = append(opts, mocksftest.WithConfig(f))
	}
	s := mocksftest.NewServer(t, opts...)
	return &server{Server: s.Mocksf, URL: s.URL}
}

// do sends a request with an optional JSON (or raw string) body and
// returns the status and body.
func (s *server) do(t *testing.T, method, path string, body any, header ...string) (int, []byte) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// postToken posts a form to the token endpoint, with extra headers as
// name, value pairs, and returns the status and body.
func (s *server) postToken(t *testing.T, form url.Values, header ...string) (int, string) {
	t.Helper()
	status, b := s.do(t, "POST", "/services/oauth2/token", form.Encode(), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
	return status, string(b)
}

// decode unmarshals a body or fails the test.
func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	return v
}

// controlError is the control API's error body.
type controlError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// wantError checks a control API error answer.
func wantError(t *testing.T, status int, body []byte, wantStatus int, wantCode, wantMessage string) {
	t.Helper()
	e := decode[controlError](t, body)
	if status != wantStatus || e.Error != wantCode || !strings.Contains(e.Message, wantMessage) {
		t.Errorf("got %d %s; want %d %s with a message containing %q", status, body, wantStatus, wantCode, wantMessage)
	}
}

// token issues an access token for a user of the store directly.
func (s *server) token(t *testing.T, username, consumerKey string) string {
	t.Helper()
	u, err := s.Store().UserByUsername(username)
	if err != nil {
		t.Fatal(err)
	}
	at, _, err := s.Store().IssueTokens("", consumerKey, u.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return at.Token
}

func orgID(t *testing.T, st *store.Store, name string) string {
	t.Helper()
	for _, o := range st.Orgs() {
		if o.Name == name {
			return o.ID
		}
	}
	t.Fatalf("no org %q", name)
	return ""
}

// startLogin posts the login form of a new browser (mocksfclient's, as
// e2e's) as username; mocksf then emails a verification code. It returns
// the browser on Verify Your Identity.
func (s *server) startLogin(t *testing.T, username, password string) (*mocksfclient.Browser, mocksfclient.Page) {
	t.Helper()
	ctx := context.Background()
	b := (&mocksfclient.Client{URL: s.URL}).NewBrowser("")
	p, err := b.Get(ctx, s.URL+"/")
	if err == nil {
		p, err = b.Submit(ctx, p, mocksfclient.FormLogin, url.Values{"username": {username}, "pw": {password}})
	}
	if err != nil || !strings.Contains(p.Body, "Verify Your Identity") {
		t.Fatalf("login as %s: %v %s", username, err, p.Body)
	}
	return b, p
}
