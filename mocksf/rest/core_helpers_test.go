package rest_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/store"
)

// coreSeed is the org the tests of the org objects, columns=true,
// recent, tooling and search run against, through mocksf's own router.
const coreSeed = `
orgs:
  - name: Core Corp
    edition: Developer
    users:
      - {username: admin@core.test, password: Admin-Pass-1, firstName: Ada, lastName: Admin, admin: true}
      - {username: nolast@core.test, password: User-Pass-1}
    records:
      Account:
        - {Name: Acme Widgets, Phone: "555-0100", Industry: Technology}
        - {Name: Globex, Description: makes widgets too}
      Contact:
        - {FirstName: Wanda, LastName: Widget, Email: wanda@widgets.example}
        - {FirstName: Bob, LastName: Builder, Email: bob@build.example}
      Lead:
        - {LastName: Smith, Company: Widget Works, Email: smith@works.example}
  - name: Other Org
    users:
      - {username: other@other.test, password: Other-Pass-1}
    records:
      Account:
        - {Name: Other Widgets}
`

// coreServer is mocksf's real handler, by default with coreSeed and a
// token of Core Corp's admin.
type coreServer struct {
	srv   *mocksf.Server
	st    *store.Store
	org   store.Org
	users []store.User
	token string
}

func newCoreServer(t *testing.T) *coreServer {
	t.Helper()
	return newCoreServerAs(t, coreSeed, "Core Corp")
}

// newCoreServerAs serves seed with a token of the named org's first user.
func newCoreServerAs(t *testing.T, seed, org string) *coreServer {
	t.Helper()
	f := newServer(t, mocksf.Config{Seed: []byte(seed)})
	r := f.orgs[org]
	return &coreServer{srv: f.srv, st: f.store, org: r.Org, users: r.Users, token: f.token(t, org, 0)}
}

// do sends a request with the admin's token.
func (c *coreServer) do(method, path, body string) *httptest.ResponseRecorder {
	contentType := ""
	if body != "" {
		contentType = "application/json"
	}
	return serve(c.srv, method, "http://localhost:8080"+path, c.token, body, "Content-Type", contentType)
}

// getJSON sends a GET and decodes a 200 answer.
func (c *coreServer) getJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	rec := c.do("GET", path, "")
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		t.Fatalf("GET %s: %v in %s", path, err, rec.Body.String())
	}
	return out
}

const coreV = "/services/data/v67.0"

// jsonText encodes v again, for matching parts of a decoded answer.
func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
