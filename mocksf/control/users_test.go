package control_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/store"
)

func TestUpdateUser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	path := "/__mocksf/orgs/" + acme + "/users/sync@acme.test"
	tok := s.token(t, "sync@acme.test", acmeKey)
	patch := func(t *testing.T, path, body string) control.OrgUser {
		t.Helper()
		status, b := s.do(t, "PATCH", path, body)
		if status != 200 {
			t.Fatalf("PATCH %s %s = %d %s; want 200", path, body, status, b)
		}
		return decode[control.OrgUser](t, b)
	}

	// API access off: the REST API refuses the user's token.
	u := patch(t, path, `{"apiEnabled": false}`)
	if u.Username != "sync@acme.test" || u.APIEnabled || !u.Active || u.Password != "Sync-Pass-1" {
		t.Errorf("after apiEnabled false: %+v", u)
	}
	if status, body, _ := s.get(t, query, tok); status != 403 || !strings.Contains(body, "API_DISABLED_FOR_ORG") {
		t.Errorf("query without API access = %d %s; want 403 API_DISABLED_FOR_ORG", status, body)
	}
	// The answer is the user as the org shows it.
	org := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+acme))
	if shown, _ := org.User("sync@acme.test"); shown != u {
		t.Errorf("PATCH answered %+v; the org shows %+v", u, shown)
	}
	if status, body, _ := s.get(t, query, s.token(t, "admin@acme.test", acmeKey)); status != 200 {
		t.Errorf("another user's query = %d %s; want 200", status, body)
	}

	// Deactivated: no login, and its tokens fail.
	u = patch(t, "/__mocksf/orgs/"+acme[:15]+"/users/Sync@Acme.TEST", `{"active": false, "apiEnabled": true}`)
	if u.Active || !u.APIEnabled {
		t.Errorf("after active false: %+v", u)
	}
	if _, err := s.Store().Authenticate("sync@acme.test", "Sync-Pass-1", 0); err == nil {
		t.Error("a deactivated user logs in")
	}
	if status, body, _ := s.get(t, query, tok); status != 401 {
		t.Errorf("query of a deactivated user = %d %s; want 401", status, body)
	}
	patch(t, path, `{"active": true}`)
	if status, body, _ := s.get(t, query, tok); status != 200 {
		t.Errorf("query once reactivated = %d %s; want 200", status, body)
	}

	// A new password.
	if u = patch(t, path, `{"password": "New-Pass-2"}`); u.Password != "New-Pass-2" {
		t.Errorf("password = %q; want New-Pass-2", u.Password)
	}
	if _, err := s.Store().Authenticate("sync@acme.test", "Sync-Pass-1", 0); err == nil {
		t.Error("the old password still works")
	}
	if _, err := s.Store().Authenticate("sync@acme.test", "New-Pass-2", 0); err != nil {
		t.Errorf("the new password: %v", err)
	}

	// Locked out by failed logins, then unlocked.
	for range 3 {
		_, _ = s.Store().Authenticate("sync@acme.test", "wrong", 3)
	}
	if _, err := s.Store().Authenticate("sync@acme.test", "New-Pass-2", 3); !errors.Is(err, store.ErrLockedOut) {
		t.Fatalf("after 3 failures: %v; want locked out", err)
	}
	patch(t, path, `{"unlock": true}`)
	if _, err := s.Store().Authenticate("sync@acme.test", "New-Pass-2", 3); err != nil {
		t.Errorf("after unlock: %v", err)
	}
}

func TestUpdateUserErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	globex := decode[control.Org](t, body)
	sync := "/__mocksf/orgs/" + acme + "/users/sync@acme.test"
	tests := []struct {
		name, path, body string
		status           int
		code, inMsg      string
	}{
		{"bad JSON", sync, `{"active": `, 400, "bad_request", "bad JSON"},
		{"empty body", sync, ``, 400, "bad_request", "empty"},
		{"unknown field", sync, `{"active": true, "admin": true}`, 400, "bad_request", `unknown field "admin"`},
		{"wrong type", sync, `{"active": "no"}`, 400, "bad_request", `field "active": want boolean`},
		{"nothing to do", sync, `{}`, 400, "bad_request", "nothing to do"},
		{"unlock false", sync, `{"unlock": false}`, 400, "bad_request", "nothing to do"},
		{"empty password", sync, `{"password": ""}`, 400, "bad_request", "password"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/users/sync@acme.test", `{"active": false}`, 404, "not_found", "no org"},
		{"unknown user", "/__mocksf/orgs/" + acme + "/users/nobody@acme.test", `{"active": false}`, 404, "not_found", "no user nobody@acme.test"},
		{"a user of another org", "/__mocksf/orgs/" + acme + "/users/hank@globex.test", `{"active": false}`, 404, "not_found", "no user hank@globex.test in org " + acme},
		{"through another org", "/__mocksf/orgs/" + globex.ID + "/users/sync@acme.test", `{"active": false}`, 404, "not_found", "no user sync@acme.test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "PATCH", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	for _, username := range []string{"sync@acme.test", "hank@globex.test"} {
		if u, err := s.Store().UserByUsername(username); err != nil || !u.Active {
			t.Errorf("%s after failed changes: %+v, %v; want active", username, u, err)
		}
	}
}
