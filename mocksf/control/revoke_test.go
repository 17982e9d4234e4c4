package control_test

import (
	"testing"

	"github.com/sfharness/sfharness/mocksf/control"
)

func TestRevoke(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	sync, err := s.Store().UserByUsername("sync@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	// The sync user holds a refresh token with its access token, and an
	// access token issued without one; it approved the app.
	at, rt, err := s.Store().IssueTokens("", acmeKey, sync.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	alone := s.token(t, "sync@acme.test", acmeKey)
	s.Store().Approve(sync.ID, acmeKey)
	admin := s.token(t, "admin@acme.test", acmeKey)

	status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme[:15]+"/revoke", `{"username": "SYNC@acme.test", "clientId": "`+acmeKey+`"}`)
	if got := decode[control.Revoked](t, body); status != 200 || got.Revoked != 3 || string(body) != "{\"revoked\":3}\n" {
		t.Fatalf("POST revoke = %d %s; want 200 {\"revoked\":3}", status, body)
	}
	for name, tok := range map[string]string{"access token with a refresh token": at.Token, "access token alone": alone} {
		if status, body, _ := s.get(t, query, tok); status != 401 {
			t.Errorf("query with the revoked %s = %d %s; want 401", name, status, body)
		}
	}
	if _, err := s.Store().LookupRefreshToken(rt.Token); err == nil {
		t.Error("the refresh token still works")
	}
	if s.Store().Approved(sync.ID, acmeKey) {
		t.Error("the approval is still remembered")
	}
	if status, body, _ := s.get(t, query, admin); status != 200 {
		t.Errorf("query with another user's token = %d %s; want 200", status, body)
	}
	// Nothing left to revoke.
	if status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme+"/revoke", `{"username": "sync@acme.test", "clientId": "`+acmeKey+`"}`); status != 200 || string(body) != "{\"revoked\":0}\n" {
		t.Errorf("revoking again = %d %s; want 200 {\"revoked\":0}", status, body)
	}
}

func TestRevokeErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}],
		"connectedApps": [{"name": "Globex Sync"}]}`)
	globex := decode[control.Org](t, body)
	globexKey := globex.ConnectedApps[0].ConsumerKey
	tok := s.token(t, "sync@acme.test", acmeKey)

	revoke := "/__mocksf/orgs/" + acme + "/revoke"
	tests := []struct {
		name, path, body string
		status           int
		code, inMsg      string
	}{
		{"bad JSON", revoke, `{"username": `, 400, "bad_request", "bad JSON"},
		{"empty body", revoke, ``, 400, "bad_request", "empty"},
		{"unknown field", revoke, `{"username": "sync@acme.test", "clientId": "` + acmeKey + `", "all": true}`, 400, "bad_request", `unknown field "all"`},
		{"wrong type", revoke, `{"username": 5, "clientId": "x"}`, 400, "bad_request", `"username"`},
		{"nothing given", revoke, `{}`, 400, "bad_request", "username and clientId are required"},
		{"no clientId", revoke, `{"username": "sync@acme.test"}`, 400, "bad_request", "clientId is required"},
		{"no username", revoke, `{"clientId": "` + acmeKey + `"}`, 400, "bad_request", "username is required"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/revoke", `{"username": "sync@acme.test", "clientId": "` + acmeKey + `"}`, 404, "not_found", "no org"},
		{"unknown user", revoke, `{"username": "nobody@acme.test", "clientId": "` + acmeKey + `"}`, 404, "not_found", "no user nobody@acme.test"},
		{"unknown app", revoke, `{"username": "sync@acme.test", "clientId": "3MVG9nope"}`, 404, "not_found", "no connected app with consumer key 3MVG9nope"},
		{"a user of another org", revoke, `{"username": "hank@globex.test", "clientId": "` + acmeKey + `"}`, 404, "not_found", "no user hank@globex.test in org " + acme},
		{"an app of another org", revoke, `{"username": "sync@acme.test", "clientId": "` + globexKey + `"}`, 404, "not_found", "no connected app"},
		{"the org's own, through another org", "/__mocksf/orgs/" + globex.ID + "/revoke", `{"username": "sync@acme.test", "clientId": "` + acmeKey + `"}`, 404, "not_found", "no user sync@acme.test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	if status, body, _ := s.get(t, query, tok); status != 200 {
		t.Errorf("query after failed revokes = %d %s; want the token still valid", status, body)
	}
}
