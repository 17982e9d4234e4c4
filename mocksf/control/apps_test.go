package control_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
)

const acmeCallback = "http://127.0.0.1:9/callback"

// authorize starts the web-server flow for an app without following the
// answer's redirect: its status, Location and body.
func (s *server) authorize(t *testing.T, consumerKey, redirectURI string, extra ...string) (int, string, string) {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {consumerKey}, "redirect_uri": {redirectURI}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.URL + "/services/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

func TestUpdateApp(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	path := "/__mocksf/orgs/" + acme + "/connectedApps/" + acmeKey
	if status, loc, body := s.authorize(t, acmeKey, acmeCallback); status != http.StatusFound || strings.Contains(loc, "error=") {
		t.Fatalf("authorize before any change = %d %s %.200s; want a redirect to the login page", status, loc, body)
	}

	// Blocked: every flow fails with OAUTH_APP_BLOCKED.
	status, body := s.do(t, "PATCH", path, `{"blocked": true}`)
	if status != 200 {
		t.Fatalf("PATCH blocked = %d %s", status, body)
	}
	app := decode[control.OrgApp](t, body)
	org := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+acme))
	if shown, _ := org.App("Product Sync"); app.ConsumerKey != acmeKey || app.ConsumerSecret != acmeSecret ||
		app.Name != shown.Name || app.ID != shown.ID || strings.Join(app.CallbackURLs, " ") != strings.Join(shown.CallbackURLs, " ") {
		t.Errorf("PATCH answered %+v; the org shows %+v", app, shown)
	}
	if _, loc, _ := s.authorize(t, acmeKey, acmeCallback); !strings.Contains(loc, "error=OAUTH_APP_BLOCKED") {
		t.Errorf("authorize a blocked app: Location %q; want error=OAUTH_APP_BLOCKED", loc)
	}
	if status, body := s.do(t, "PATCH", path, `{"blocked": false}`); status != 200 {
		t.Fatalf("PATCH unblock = %d %s", status, body)
	}
	if a, _ := s.Store().AppByKey(acmeKey); a.Policy.Blocked {
		t.Error("the app is still blocked")
	}

	// New callback URLs: the old one no longer matches.
	status, body = s.do(t, "PATCH", path, `{"callbackUrls": ["http://127.0.0.1:9/new", "myapp://oauth/done"], "requirePkce": true}`)
	if app := decode[control.OrgApp](t, body); status != 200 || strings.Join(app.CallbackURLs, " ") != "http://127.0.0.1:9/new myapp://oauth/done" {
		t.Fatalf("PATCH callbackUrls = %d %s", status, body)
	}
	if status, _, body := s.authorize(t, acmeKey, acmeCallback); status != 400 || !strings.Contains(body, "redirect_uri_mismatch") {
		t.Errorf("authorize with the old callback = %d %.200s; want 400 redirect_uri_mismatch", status, body)
	}
	// PKCE required: a request without a challenge fails.
	if a, _ := s.Store().AppByKey(acmeKey); !a.Policy.RequirePKCE {
		t.Error("PKCE is not required")
	}
	if _, loc, _ := s.authorize(t, acmeKey, "http://127.0.0.1:9/new"); !strings.Contains(loc, "error=") {
		t.Errorf("authorize without a code challenge: Location %q; want an error", loc)
	}
	if _, loc, _ := s.authorize(t, acmeKey, "http://127.0.0.1:9/new", "code_challenge", strings.Repeat("a", 43), "code_challenge_method", "S256"); strings.Contains(loc, "error=") {
		t.Errorf("authorize with a code challenge: Location %q; want the login page", loc)
	}
	// Refresh token rotation on, then off.
	for _, on := range []bool{true, false} {
		if status, body := s.do(t, "PATCH", path, fmt.Sprintf(`{"refreshTokenRotation": %v}`, on)); status != 200 {
			t.Fatalf("PATCH refreshTokenRotation %v = %d %s", on, status, body)
		}
		if a, _ := s.Store().AppByKey(acmeKey); a.Policy.RotateRefreshTokens != on {
			t.Errorf("after PATCH refreshTokenRotation %v the app rotates: %v", on, a.Policy.RotateRefreshTokens)
		}
	}
}

func TestUpdateAppActivationDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	if status, body := s.do(t, "POST", "/__mocksf/clock", `{"set": "2030-01-02T03:04:05Z", "freeze": true}`); status != 200 {
		t.Fatalf("POST /__mocksf/clock = %d %s", status, body)
	}
	status, body := s.do(t, "PATCH", "/__mocksf/orgs/"+acme+"/connectedApps/"+acmeKey, `{"activationDelay": "10m"}`)
	if status != 200 {
		t.Fatalf("PATCH activationDelay = %d %s", status, body)
	}
	a, err := s.Store().AppByKey(acmeKey)
	if err != nil {
		t.Fatal(err)
	}
	if now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC); !a.CreatedAt.Equal(now) || a.Policy.ActivationDelay == nil || *a.Policy.ActivationDelay != 10*time.Minute {
		t.Errorf("app created %v with delay %v; want created at mocksf's now %v with 10m", a.CreatedAt, a.Policy.ActivationDelay, now)
	}
	// The app was just created: invalid_client_id until the delay is up.
	for _, step := range []struct {
		advance string
		want    bool // active
	}{{"", false}, {"9m59s", false}, {"1s", true}} {
		if step.advance != "" {
			s.do(t, "POST", "/__mocksf/clock", `{"advance": "`+step.advance+`"}`)
		}
		status, loc, body := s.authorize(t, acmeKey, acmeCallback)
		if active := !strings.Contains(body, "invalid_client_id"); active != step.want {
			t.Errorf("after +%s: authorize = %d %s %.200s; want active %v", step.advance, status, loc, body, step.want)
		}
	}
	// Each change starts the delay again from now; a zero delay makes the
	// app active at once.
	s.do(t, "PATCH", "/__mocksf/orgs/"+acme+"/connectedApps/"+acmeKey, `{"activationDelay": "1h"}`)
	if _, _, body := s.authorize(t, acmeKey, acmeCallback); !strings.Contains(body, "invalid_client_id") {
		t.Errorf("after a 1h delay: %.200s; want invalid_client_id", body)
	}
	s.do(t, "PATCH", "/__mocksf/orgs/"+acme+"/connectedApps/"+acmeKey, `{"activationDelay": "0s"}`)
	if _, _, body := s.authorize(t, acmeKey, acmeCallback); strings.Contains(body, "invalid_client_id") {
		t.Errorf("after a 0s delay: %.200s; want the app active", body)
	}
}

func TestUpdateAppErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}],
		"connectedApps": [{"name": "Globex Sync"}]}`)
	globex := decode[control.Org](t, body)
	globexKey := globex.ConnectedApps[0].ConsumerKey
	app := "/__mocksf/orgs/" + acme + "/connectedApps/" + acmeKey
	tests := []struct {
		name, path, body string
		status           int
		code, inMsg      string
	}{
		{"bad JSON", app, `{"blocked": `, 400, "bad_request", "bad JSON"},
		{"empty body", app, ``, 400, "bad_request", "empty"},
		{"unknown field", app, `{"blocked": true, "scopes": ["api"]}`, 400, "bad_request", `unknown field "scopes"`},
		{"wrong type", app, `{"blocked": "yes"}`, 400, "bad_request", `field "blocked": want boolean`},
		{"nothing to do", app, `{}`, 400, "bad_request", "nothing to do"},
		{"bad delay", app, `{"activationDelay": "ten minutes"}`, 400, "bad_request", `activationDelay "ten minutes"`},
		{"negative delay", app, `{"activationDelay": "-1m"}`, 400, "bad_request", "activationDelay"},
		{"no callback", app, `{"callbackUrls": []}`, 400, "bad_request", "at least one"},
		{"a relative callback", app, `{"callbackUrls": ["http://127.0.0.1:9/ok", "/callback"]}`, 400, "bad_request", `callbackUrls[1] "/callback"`},
		{"a callback without a host", app, `{"callbackUrls": ["https:///x"]}`, 400, "bad_request", "callbackUrls[0]"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/connectedApps/" + acmeKey, `{"blocked": true}`, 404, "not_found", "no org"},
		{"unknown app", "/__mocksf/orgs/" + acme + "/connectedApps/3MVG9nope", `{"blocked": true}`, 404, "not_found", "no connected app with consumer key 3MVG9nope"},
		{"an app of another org", "/__mocksf/orgs/" + acme + "/connectedApps/" + globexKey, `{"blocked": true}`, 404, "not_found", "in org " + acme},
		{"through another org", "/__mocksf/orgs/" + globex.ID + "/connectedApps/" + acmeKey, `{"blocked": true}`, 404, "not_found", "no connected app"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "PATCH", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	for _, key := range []string{acmeKey, globexKey} {
		a, err := s.Store().AppByKey(key)
		if err != nil || a.Policy.Blocked || a.Policy.ActivationDelay != nil {
			t.Errorf("app %s after failed changes: %+v, %v; want it unchanged", key, a.Policy, err)
		}
	}
	if a, _ := s.Store().AppByKey(acmeKey); strings.Join(a.CallbackURLs, " ") != acmeCallback {
		t.Errorf("callbacks after failed changes = %v; want [%s]", a.CallbackURLs, acmeCallback)
	}
}
