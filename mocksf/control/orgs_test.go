package control_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/sfharness/sfharness/mocksf/control"
)

func TestCreateOrg(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	status, body := s.do(t, "POST", "/__mocksf/orgs", `{
		"name": "Globex", "edition": "Enterprise",
		"users": [
			{"username": "hank@globex.test", "password": "Hank-Pass-1", "admin": true, "firstName": "Hank"},
			{"username": "sync@globex.test", "password": "Sync-Pass-1", "email": "ops@globex.test"}
		],
		"connectedApps": [{"name": "Globex Sync", "callbackUrls": ["http://127.0.0.1:9/cb"], "scopes": ["api"]}],
		"records": {"Account": [{"Name": "Globex"}], "generate": {"Lead": 5}}
	}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /__mocksf/orgs = %d %s; want 201", status, body)
	}
	org := decode[control.Org](t, body)
	if !strings.HasPrefix(org.ID, "00D") || len(org.ID) != 18 || org.Name != "Globex" || org.Status != "active" {
		t.Errorf("org = %+v; want an 18-character 00D id, Globex, active", org)
	}
	if org.InstanceURL != s.InstanceURL() || org.LoginURL != s.URL {
		t.Errorf("instanceUrl, loginUrl = %q, %q; want %q, %q", org.InstanceURL, org.LoginURL, s.InstanceURL(), s.URL)
	}
	if len(org.Users) != 2 || org.Users[0].Username != "hank@globex.test" || org.Users[0].Password != "Hank-Pass-1" ||
		!org.Users[0].Admin || !strings.HasPrefix(org.Users[0].ID, "005") || org.Users[1].Email != "ops@globex.test" {
		t.Errorf("users = %+v", org.Users)
	}
	if len(org.ConnectedApps) != 1 {
		t.Fatalf("connectedApps = %+v; want one", org.ConnectedApps)
	}
	app := org.ConnectedApps[0]
	if len(app.ConsumerKey) != 85 || len(app.ConsumerSecret) != 64 || app.APIName != "Globex_Sync" || app.CallbackURLs[0] != "http://127.0.0.1:9/cb" {
		t.Errorf("app = %+v; want a generated 85-character key, a 64-character secret, API name Globex_Sync", app)
	}
	if org.Records["Lead"] != 5 || org.Records["Account"] != 1 {
		t.Errorf("records = %v; want 5 leads and 1 account", org.Records)
	}
	// The org is real: its user logs in with the password.
	if _, err := s.Store().Authenticate("hank@globex.test", "Hank-Pass-1", 0); err != nil {
		t.Errorf("the new user cannot log in: %v", err)
	}
}

func TestCreateOrgErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct {
		name, body  string
		status      int
		code, inMsg string
	}{
		{"bad JSON", `{"name": "X",`, 400, "bad_request", "bad JSON"},
		{"not an object", `[1, 2]`, 400, "bad_request", "want"},
		{"empty body", ``, 400, "bad_request", "empty"},
		{"trailing data", `{"name": "X"} {}`, 400, "bad_request", "after the JSON object"},
		{"unknown field", `{"name": "X", "colour": "blue"}`, 400, "bad_request", `unknown field "colour"`},
		{"unknown user field", `{"name": "X", "users": [{"username": "a@x.test", "pasword": "pw"}]}`, 400, "bad_request", `unknown field "pasword"`},
		{"wrong type", `{"name": 5}`, 400, "bad_request", `"name"`},
		{"no name", `{"users": []}`, 400, "bad_request", "name is required"},
		{"no password", `{"name": "X", "users": [{"username": "a@x.test"}]}`, 400, "bad_request", "users[0].password is required"},
		{"records not a list", `{"name": "X", "records": {"Lead": {"LastName": "A"}}}`, 400, "bad_request", "records.Lead"},
		{"bad policy", `{"name": "X", "connectedApps": [{"name": "A", "permittedUsers": "some"}]}`, 400, "bad_request", "permittedUsers"},
		{"username of the seed", `{"name": "X", "users": [{"username": "sync@acme.test", "password": "pw"}]}`, 409, "conflict", "sync@acme.test"},
		{"username of the seed, other case", `{"name": "X", "users": [{"username": "SYNC@Acme.test", "password": "pw"}]}`, 409, "conflict", "already exists"},
		{"consumer key of the seed", `{"name": "X", "connectedApps": [{"name": "A", "consumerKey": "` + acmeKey + `"}]}`, 409, "conflict", "consumer key"},
		{"unknown flow", `{"name": "X", "externalClientApps": [{"name": "A", "flows": ["jwtBearer", "foo"]}]}`, 400, "bad_request", `externalClientApps[0].flows[1]: unknown flow "foo"`},
		{"flows on a connected app", `{"name": "X", "connectedApps": [{"name": "A", "flows": ["jwtBearer"]}]}`, 400, "bad_request", "connectedApps[0].flows: only an External Client App"},
		{"unknown External Client App field", `{"name": "X", "externalClientApps": [{"name": "A", "flow": []}]}`, 400, "bad_request", `unknown field "flow"`},
		{"External Client App named as a connected app", `{"name": "X", "connectedApps": [{"name": "A"}], "externalClientApps": [{"name": "a"}]}`, 400, "bad_request", "used twice"},
		{"External Client App with the consumer key of the seed", `{"name": "X", "externalClientApps": [{"name": "A", "consumerKey": "` + acmeKey + `"}]}`, 409, "conflict", "consumer key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", "/__mocksf/orgs", tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	if n := len(s.Store().Orgs()); n != 1 {
		t.Errorf("%d orgs after failed creations; want only the seed's", n)
	}
}

func TestCreateOrgConcurrentConflict(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var wg sync.WaitGroup
	statuses := make([]int, 8)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i], _ = s.do(t, "POST", "/__mocksf/orgs", `{"name": "Race", "users": [{"username": "race@x.test", "password": "pw"}]}`)
		}()
	}
	wg.Wait()
	created := 0
	for _, st := range statuses {
		switch st {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("status %d; want 201 or 409", st)
		}
	}
	if created != 1 {
		t.Errorf("%d of 8 racing creations succeeded; want exactly 1", created)
	}
}

func TestListGetDeleteOrgs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	globex := decode[control.Org](t, body)

	status, body := s.do(t, "GET", "/__mocksf/orgs", nil)
	list := decode[[]control.OrgSummary](t, body)
	if status != 200 || len(list) != 2 || list[0].Name != "Acme" || list[1].ID != globex.ID || list[1].InstanceURL != s.InstanceURL() {
		t.Errorf("GET /__mocksf/orgs = %d %s; want Acme and Globex", status, body)
	}
	_, body = s.do(t, "GET", "/__mocksf/orgs?name=globex", nil)
	if list := decode[[]control.OrgSummary](t, body); len(list) != 1 || list[0].ID != globex.ID {
		t.Errorf("GET /__mocksf/orgs?name=globex = %s; want Globex only", body)
	}
	_, body = s.do(t, "GET", "/__mocksf/orgs?name=nobody", nil)
	if string(body) != "[]\n" {
		t.Errorf("GET ?name=nobody = %q; want []", body)
	}

	// Show, by the 15-character ID too.
	status, body = s.do(t, "GET", "/__mocksf/orgs/"+globex.ID[:15], nil)
	got := decode[control.Org](t, body)
	if status != 200 || got.ID != globex.ID || len(got.Users) != 1 || got.Users[0].Password != "pw" {
		t.Errorf("GET /__mocksf/orgs/{id15} = %d %s", status, body)
	}
	acme := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+orgID(t, s.Store(), "Acme")))
	if len(acme.ConnectedApps) != 2 || acme.Records["Lead"] != 3 {
		t.Errorf("Acme = %+v; want 2 apps and 3 leads", acme)
	}
	if app, ok := acme.App("product sync"); !ok || app.ConsumerKey != acmeKey || app.ConsumerSecret != acmeSecret {
		t.Errorf("Acme's Product Sync = %+v, %v", app, ok)
	}
	status, body = s.do(t, "GET", "/__mocksf/orgs/00D000000000000AAA", nil)
	wantError(t, status, body, 404, "not_found", "no org")

	status, body = s.do(t, "DELETE", "/__mocksf/orgs/"+globex.ID, nil)
	if status != http.StatusNoContent || len(body) != 0 {
		t.Errorf("DELETE = %d %q; want 204", status, body)
	}
	status, body = s.do(t, "GET", "/__mocksf/orgs/"+globex.ID, nil)
	wantError(t, status, body, 404, "not_found", globex.ID)
	status, body = s.do(t, "DELETE", "/__mocksf/orgs/"+globex.ID, nil)
	wantError(t, status, body, 404, "not_found", "no org")
	// The username is free again.
	if status, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`); status != 201 {
		t.Errorf("re-creating after delete = %d %s; want 201", status, body)
	}
	if status, _ := s.do(t, "PUT", "/__mocksf/orgs", `{}`); status != http.StatusMethodNotAllowed {
		t.Errorf("PUT /__mocksf/orgs = %d; want 405", status)
	}
}

func mustGet(t *testing.T, s *server, path string) []byte {
	t.Helper()
	status, body := s.do(t, "GET", path, nil)
	if status != 200 {
		t.Fatalf("GET %s = %d %s", path, status, body)
	}
	return body
}

func TestThousandOrgs(t *testing.T) {
	if testing.Short() {
		t.Skip("creates a thousand orgs")
	}
	t.Parallel()
	s := newServer(t)
	for i := range 1000 {
		status, body := s.do(t, "POST", "/__mocksf/orgs", fmt.Sprintf(
			`{"name": "Org %d", "users": [{"username": "admin@org%d.test", "password": "pw", "admin": true}, {"username": "sync@org%d.test", "password": "pw"}],
			  "connectedApps": [{"name": "Sync", "callbackUrls": ["http://127.0.0.1:9/cb"]}]}`, i, i, i))
		if status != 201 {
			t.Fatalf("org %d: %d %s", i, status, body)
		}
	}
	if n := len(decode[[]control.OrgSummary](t, mustGet(t, s, "/__mocksf/orgs"))); n != 1001 {
		t.Errorf("%d orgs listed; want 1001", n)
	}
}
