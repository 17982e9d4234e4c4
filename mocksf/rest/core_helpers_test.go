package rest_test

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
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

// coreServer is mocksf's real handler with coreSeed and a token of the
// first org's admin.
type coreServer struct {
	srv   *mocksf.Server
	st    *store.Store
	org   store.Org
	users []store.User
	token string
}

func newCoreServer(t *testing.T) *coreServer {
	t.Helper()
	srv, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:8080", Seed: []byte(coreSeed)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	st := srv.Store()
	var org store.Org
	for _, o := range st.Orgs() {
		if o.Name == "Core Corp" {
			org = o
		}
	}
	users := st.Users(org.ID)
	at, _, err := st.IssueTokens("", "key", users[0].ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return &coreServer{srv: srv, st: st, org: org, users: users, token: at.Token}
}

// do sends a request with the admin's token.
func (c *coreServer) do(method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://localhost:8080"+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.srv.ServeHTTP(rec, req)
	return rec
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
