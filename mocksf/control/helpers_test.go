package control_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
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

// browser is a cookie-keeping client that does not follow redirects out
// of mocksf.
func (s *server) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

var csrfPattern = regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`)

// startLogin posts the login form and returns the session's CSRF token;
// mocksf then emails a verification code.
func (s *server) startLogin(t *testing.T, c *http.Client, username, password string) string {
	t.Helper()
	resp, err := c.Get(s.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfPattern.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page: %s", page)
	}
	token := string(m[1])
	resp, err = c.PostForm(s.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {username}, "pw": {password}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), "Verify Your Identity") {
		t.Fatalf("login as %s: %s", username, page)
	}
	return token
}
