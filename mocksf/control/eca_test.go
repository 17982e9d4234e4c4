package control_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/store"
)

// newECAOrg creates an org with a connected app and two External Client
// Apps over the control API and returns its answer, decoded and raw.
func newECAOrg(t *testing.T, s *server) (control.Org, []byte) {
	t.Helper()
	status, body := s.do(t, "POST", "/__mocksf/orgs", `{
		"name": "Initech", "restrictConnectedApps": true,
		"users": [{"username": "peter@initech.test", "password": "pw"}],
		"connectedApps": [{"name": "Legacy Sync", "callbackUrls": ["http://127.0.0.1:9/cb"]}],
		"externalClientApps": [
			{"name": "Sync ECA", "callbackUrls": ["http://127.0.0.1:9/eca"], "scopes": ["api", "refresh_token"]},
			{"name": "Server ECA", "consumerKey": "3MVG9ServerECA", "distributionState": "Packaged",
			 "flows": ["jwtBearer", "clientCredentials"], "clientCredentialsRunAs": "peter@initech.test"}
		]}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /__mocksf/orgs = %d %s; want 201", status, body)
	}
	return decode[control.Org](t, body), body
}

func TestCreateOrgExternalClientApps(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	org, created := newECAOrg(t, s)
	_, got := s.do(t, "GET", "/__mocksf/orgs/"+org.ID, nil)
	for _, answer := range []struct {
		name string
		body []byte
	}{{"POST", created}, {"GET", got}} {
		org := decode[control.Org](t, answer.body)
		if len(org.ConnectedApps) != 1 || len(org.ExternalClientApps) != 2 {
			t.Fatalf("%s: %d connected apps, %d External Client Apps; want 1 and 2", answer.name, len(org.ConnectedApps), len(org.ExternalClientApps))
		}
		sync, ok := org.ExternalClientApp("sync eca")
		if !ok || sync.DistributionState != "Local" || len(sync.ConsumerKey) != 85 || len(sync.ConsumerSecret) != 64 ||
			sync.APIName != "Sync_ECA" || sync.CallbackURLs[0] != "http://127.0.0.1:9/eca" {
			t.Errorf("%s: Sync ECA = %+v, %v; want Local with generated credentials", answer.name, sync, ok)
		}
		server, _ := org.ExternalClientApp("Server ECA")
		if server.ConsumerKey != "3MVG9ServerECA" || server.DistributionState != "Packaged" ||
			!slices.Equal(server.Flows, []string{"clientCredentials", "jwtBearer"}) {
			t.Errorf("%s: Server ECA = %+v; want Packaged with clientCredentials, jwtBearer", answer.name, server)
		}
		if _, ok := org.App("Sync ECA"); ok {
			t.Errorf("%s: an External Client App is listed among the connected apps", answer.name)
		}
		if !org.RestrictConnectedApps {
			t.Errorf("%s: restrictConnectedApps = false; want the seed's true", answer.name)
		}
		// The raw JSON: an External Client App without flows has
		// "flows": [], a connected app has neither key.
		var raw struct {
			ConnectedApps      []map[string]json.RawMessage `json:"connectedApps"`
			ExternalClientApps []map[string]json.RawMessage `json:"externalClientApps"`
		}
		if err := json.Unmarshal(answer.body, &raw); err != nil {
			t.Fatal(err)
		}
		for _, e := range raw.ExternalClientApps {
			if string(e["name"]) == `"Sync ECA"` && string(e["flows"]) != "[]" {
				t.Errorf("%s: Sync ECA flows = %s; want []", answer.name, e["flows"])
			}
		}
		if _, has := raw.ConnectedApps[0]["flows"]; has {
			t.Errorf("%s: a connected app's entry has flows", answer.name)
		}
		if _, has := raw.ConnectedApps[0]["distributionState"]; has {
			t.Errorf("%s: a connected app's entry has a distributionState", answer.name)
		}
	}
	// The store holds the External Client Apps' defaults.
	sync, _ := org.ExternalClientApp("Sync ECA")
	a, err := s.Store().AppByKey(sync.ConsumerKey)
	if err != nil || !a.External() || !a.Policy.RequirePKCE || !a.Policy.RequireSecretWebServer || !a.Policy.RequireSecretRefresh {
		t.Errorf("stored Sync ECA = %+v, %v; want an External Client App requiring PKCE and both secrets", a, err)
	}
	// A change made through Setup shows.
	if err := s.Store().SetRestrictConnectedApps(org.ID, false); err != nil {
		t.Fatal(err)
	}
	if after := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+org.ID)); after.RestrictConnectedApps {
		t.Error("restrictConnectedApps = true after Setup allowed connected apps; want false")
	}
}

func TestUpdateExternalClientApp(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	org, _ := newECAOrg(t, s)
	sync, _ := org.ExternalClientApp("Sync ECA")
	path := "/__mocksf/orgs/" + org.ID + "/externalClientApps/" + sync.ConsumerKey
	tests := []struct {
		name, body string
		check      func(store.ConnectedApp) bool
		wantFlows  []string
		wantState  string
	}{
		{"enable flows", `{"flows": ["tokenExchange", "clientCredentials"]}`,
			func(a store.ConnectedApp) bool {
				return a.Policy.ClientCredentials && a.Policy.Flows.TokenExchange && !a.Policy.Flows.JWTBearer
			},
			[]string{"clientCredentials", "tokenExchange"}, "Local"},
		{"replace them", `{"flows": ["jwtBearer"]}`,
			func(a store.ConnectedApp) bool {
				return !a.Policy.ClientCredentials && a.Policy.Flows.JWTBearer && !a.Policy.Flows.TokenExchange
			},
			[]string{"jwtBearer"}, "Local"},
		{"untick PKCE and package it", `{"requirePkce": false, "distributionState": "Packaged"}`,
			func(a store.ConnectedApp) bool {
				return !a.Policy.RequirePKCE && a.DistributionState == store.DistributionPackaged
			},
			[]string{"jwtBearer"}, "Packaged"},
		{"no flows", `{"flows": []}`,
			func(a store.ConnectedApp) bool { return len(a.Policy.EnabledFlows()) == 0 },
			[]string{}, "Packaged"},
		{"the connected-app fields", `{"blocked": true, "refreshTokenRotation": true, "callbackUrls": ["myapp://done"]}`,
			func(a store.ConnectedApp) bool {
				return a.Policy.Blocked && a.Policy.RotateRefreshTokens && slices.Equal(a.CallbackURLs, []string{"myapp://done"})
			},
			[]string{}, "Packaged"},
	}
	for _, tc := range tests {
		status, body := s.do(t, "PATCH", path, tc.body)
		if status != http.StatusOK {
			t.Fatalf("%s: PATCH = %d %s; want 200", tc.name, status, body)
		}
		got := decode[control.OrgApp](t, body)
		if got.ConsumerKey != sync.ConsumerKey || got.ConsumerSecret != sync.ConsumerSecret || !slices.Equal(got.Flows, tc.wantFlows) || got.DistributionState != tc.wantState {
			t.Errorf("%s: PATCH answered %+v; want flows %q, state %s", tc.name, got, tc.wantFlows, tc.wantState)
		}
		if a, err := s.Store().AppByKey(sync.ConsumerKey); err != nil || !tc.check(a) {
			t.Errorf("%s: stored app = %+v, %v", tc.name, a, err)
		}
	}
}

func TestUpdateExternalClientAppErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	org, _ := newECAOrg(t, s)
	sync, _ := org.ExternalClientApp("Sync ECA")
	legacy, _ := org.App("Legacy Sync")
	eca := "/__mocksf/orgs/" + org.ID + "/externalClientApps/" + sync.ConsumerKey
	tests := []struct {
		name, path, body string
		status           int
		code, inMsg      string
	}{
		{"unknown flow", eca, `{"flows": ["jwtBearer", "foo"]}`, 400, "bad_request", `flows[1]: unknown flow "foo" (want clientCredentials,`},
		{"flows not a list", eca, `{"flows": "jwtBearer"}`, 400, "bad_request", `field "flows": want array`},
		{"bad distribution state", eca, `{"distributionState": "Global"}`, 400, "bad_request", `distributionState "Global": want Local or Packaged`},
		{"nothing to do", eca, `{}`, 400, "bad_request", "flows or distributionState"},
		{"null flows is nothing to do", eca, `{"flows": null}`, 400, "bad_request", "nothing to do"},
		{"unknown field", eca, `{"scopes": ["api"]}`, 400, "bad_request", `unknown field "scopes"`},
		{"a connected app on the External Client App path", "/__mocksf/orgs/" + org.ID + "/externalClientApps/" + legacy.ConsumerKey, `{"blocked": true}`,
			404, "not_found", "no External Client App with consumer key " + legacy.ConsumerKey},
		{"an External Client App on the connected-app path", "/__mocksf/orgs/" + org.ID + "/connectedApps/" + sync.ConsumerKey, `{"blocked": true}`,
			404, "not_found", "no connected app with consumer key " + sync.ConsumerKey},
		{"flows on the connected-app path", "/__mocksf/orgs/" + org.ID + "/connectedApps/" + legacy.ConsumerKey, `{"flows": ["jwtBearer"]}`,
			400, "bad_request", "only an External Client App has flows"},
		{"distribution state on the connected-app path", "/__mocksf/orgs/" + org.ID + "/connectedApps/" + legacy.ConsumerKey, `{"distributionState": "Local"}`,
			400, "bad_request", "only an External Client App has one"},
		{"an External Client App of another org", "/__mocksf/orgs/" + orgID(t, s.Store(), "Acme") + "/externalClientApps/" + sync.ConsumerKey, `{"blocked": true}`,
			404, "not_found", "no External Client App"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/externalClientApps/" + sync.ConsumerKey, `{"blocked": true}`, 404, "not_found", "no org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "PATCH", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	for _, key := range []string{sync.ConsumerKey, legacy.ConsumerKey} {
		a, err := s.Store().AppByKey(key)
		if err != nil || a.Policy.Blocked || len(a.Policy.EnabledFlows()) != 0 || a.DistributionState != map[bool]string{true: "Local"}[a.External()] {
			t.Errorf("app %s after failed changes: %+v, %v; want it unchanged", key, a, err)
		}
	}
	if !strings.HasPrefix(sync.ConsumerKey, "3MVG9") {
		t.Errorf("generated key %q; want Salesforce's 3MVG9 prefix", sync.ConsumerKey)
	}
}
