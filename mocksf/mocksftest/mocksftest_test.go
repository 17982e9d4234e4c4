package mocksftest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// org returns a spec for an org whose usernames end in @<domain>.
func org(name, domain string, leads int) mocksftest.OrgSpec {
	return mocksftest.OrgSpec{
		Name: name,
		Users: []mocksftest.UserSpec{
			{Username: "admin@" + domain, Password: "Admin-Pass-1", Admin: true},
			{Username: "sync@" + domain, Password: "Sync-Pass-1"},
		},
		ConnectedApps: []mocksftest.AppSpec{{
			Name: name + " Sync", CallbackURLs: []string{"http://127.0.0.1:9/" + domain + "/callback"},
			Scopes: []string{"api", "refresh_token", "id"},
		}},
		Records: mocksftest.RecordsSpec{
			Explicit: map[string][]map[string]any{"Account": {{"Name": name + " Corp"}}},
			Generate: map[string]int{"Lead": leads},
		},
	}
}

func rest(t *testing.T, srv *mocksftest.Server, token, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", srv.InstanceURL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Two orgs in one mocksf never see each other's users, apps, tokens,
// records or mail.
func TestOrgsAreIsolated(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	a := srv.NewOrg(t, org("Acme", "acme.test", 3))
	b := srv.NewOrg(t, org("Globex", "globex.test", 5))
	tokA := srv.Login(t, "sync@acme.test", "Sync-Pass-1", a.ConnectedApps[0])
	tokB := srv.Login(t, "sync@globex.test", "Sync-Pass-1", b.ConnectedApps[0])

	// Records: each token sees its own org's.
	for _, tc := range []struct {
		name    string
		tok     *oauth2.Token
		leads   string
		account string
	}{{"Acme", tokA, `"totalSize":3`, "Acme Corp"}, {"Globex", tokB, `"totalSize":5`, "Globex Corp"}} {
		if status, body := rest(t, srv, tc.tok.AccessToken, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead"); status != 200 || !strings.Contains(body, tc.leads) {
			t.Errorf("%s's leads: %d %s; want %s", tc.name, status, body, tc.leads)
		}
		_, body := rest(t, srv, tc.tok.AccessToken, "/services/data/v60.0/query?q=SELECT+Name+FROM+Account")
		if !strings.Contains(body, tc.account) || strings.Count(body, " Corp") != 1 {
			t.Errorf("%s's accounts: %s; want only %s", tc.name, body, tc.account)
		}
	}
	// A record of one org is not found with the other's token.
	_, body := rest(t, srv, tokB.AccessToken, "/services/data/v60.0/query?q=SELECT+Id+FROM+Account")
	var accounts struct {
		Records []struct{ Id string } `json:"records"`
	}
	json.Unmarshal([]byte(body), &accounts)
	if len(accounts.Records) != 1 {
		t.Fatalf("Globex accounts: %s", body)
	}
	if status, _ := rest(t, srv, tokA.AccessToken, "/services/data/v60.0/sobjects/Account/"+accounts.Records[0].Id); status != 404 {
		t.Errorf("Acme's token reading Globex's account: %d; want 404", status)
	}

	// Tokens and users: the identity URL of the other org's user is
	// refused.
	idB, _ := tokB.Extra("id").(string)
	req, _ := http.NewRequest("GET", idB, nil)
	req.Header.Set("Authorization", "Bearer "+tokA.AccessToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("Acme's token on Globex's identity URL: %d; want 403", resp.StatusCode)
	}
	if !strings.Contains(idB, b.ID) || strings.Contains(idB, a.ID) {
		t.Errorf("Globex's identity URL %s", idB)
	}

	// Apps: each admin's App Manager lists only their org's app.
	for _, tc := range []struct{ admin, mine, theirs string }{
		{"admin@acme.test", "Acme Sync", "Globex Sync"}, {"admin@globex.test", "Globex Sync", "Acme Sync"},
	} {
		c := srv.Browser(t, tc.admin, "Admin-Pass-1")
		resp, err := c.Get(srv.URL + "/lightning/setup/NavigationMenus/home")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(page), tc.mine) || strings.Contains(string(page), tc.theirs) {
			t.Errorf("%s's App Manager: want %q and not %q:\n%s", tc.admin, tc.mine, tc.theirs, page)
		}
	}

	// Mail: by org, each sees only its own users' codes.
	for _, tc := range []struct {
		org    mocksftest.Org
		domain string
	}{{a, "@acme.test"}, {b, "@globex.test"}} {
		msgs, err := srv.Control.Mail(context.Background(), mail.Filter{Org: tc.org.ID}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) < 2 {
			t.Errorf("%s's mail: %d messages; want its logins' codes", tc.org.Name, len(msgs))
		}
		for _, m := range msgs {
			if !strings.HasSuffix(m.To, tc.domain) || m.Org != tc.org.ID {
				t.Errorf("%s's mail includes %+v", tc.org.Name, m)
			}
		}
	}

	// Deleting one org leaves the other working.
	srv.DeleteOrg(t, b.ID)
	if status, _ := rest(t, srv, tokB.AccessToken, "/services/data/v60.0/sobjects"); status != 401 {
		t.Errorf("a deleted org's token: %d; want 401", status)
	}
	if status, _ := rest(t, srv, tokA.AccessToken, "/services/data/v60.0/sobjects"); status != 200 {
		t.Errorf("the other org's token after the delete: %d; want 200", status)
	}
	if got, err := srv.Control.Mail(context.Background(), mail.Filter{Org: b.ID}, 0); err != nil || len(got) != 0 {
		t.Errorf("a deleted org's mail: %+v, %v; want []", got, err)
	}
}

func TestLoginErrorsAreClear(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	a := srv.NewOrg(t, org("Acme", "acme.test", 0))
	if msg := fatalOf(func(ft mocksftest.TB) { srv.Login(ft, "sync@acme.test", "wrong", a.ConnectedApps[0]) }); !strings.Contains(msg, "Please check your username and password") {
		t.Errorf("Login with a wrong password failed with %q; want Salesforce's message", msg)
	}
	if msg := fatalOf(func(ft mocksftest.TB) { srv.NewOrg(ft, org("Again", "acme.test", 0)) }); !strings.Contains(msg, "409 conflict") {
		t.Errorf("NewOrg with taken usernames failed with %q; want the 409", msg)
	}
}

// Login honours an app that is already approved: the second login goes
// straight to the callback, as in Salesforce.
func TestLoginTwice(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t)
	a := srv.NewOrg(t, org("Initech", "initech.test", 0))
	first := srv.Login(t, "sync@initech.test", "Sync-Pass-1", a.ConnectedApps[0])
	second := srv.Login(t, "sync@initech.test", "Sync-Pass-1", a.ConnectedApps[0])
	if first.AccessToken == second.AccessToken || second.AccessToken == "" {
		t.Errorf("second login gave %q; want a new token", second.AccessToken)
	}
	// The refresh token refreshes through x/oauth2.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	stale := &oauth2.Token{RefreshToken: first.RefreshToken}
	fresh, err := srv.OAuth2Config(a.ConnectedApps[0]).TokenSource(ctx, stale).Token()
	if err != nil || fresh.AccessToken == "" {
		t.Errorf("refresh: %v, %+v", err, fresh)
	}
}

func TestControlToken(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithConfig(func(c *mocksf.Config) { c.ControlToken = "tok-123" }))
	// mocksftest sends the token; a bare client is refused.
	o := srv.NewOrg(t, org("Acme", "acme2.test", 0))
	if o.ID == "" {
		t.Fatal("no org")
	}
	resp, err := http.Get(srv.URL + "/__mocksf/orgs")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("control API without the token: %d; want 403", resp.StatusCode)
	}
}

func TestResetAndFaultCleanup(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t)
	srv.NewOrg(t, org("Temp", "temp.test", 0))
	inner := &fakeT{}
	srv.Fault(inner, mocksftest.Rule{Path: "/services/data", Status: 503})
	if resp, _ := srv.Client().Get(srv.URL + "/services/data"); resp.StatusCode != 503 {
		t.Errorf("with the fault: %d; want 503", resp.StatusCode)
	}
	inner.cleanup()
	if resp, _ := srv.Client().Get(srv.URL + "/services/data"); resp.StatusCode != 200 {
		t.Errorf("after the fault's cleanup: %d; want 200", resp.StatusCode)
	}
	srv.Reset(t)
	resp, _ := srv.Client().Get(srv.URL + "/__mocksf/orgs?name=Temp")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(b)) != "[]" {
		t.Errorf("after Reset: %s; want the org gone", b)
	}
}

// fakeT records a Fatalf instead of ending the test.
type fakeT struct {
	msg      string
	cleanups []func()
}

func (*fakeT) Helper()             {}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeT) Fatalf(format string, args ...any) {
	f.msg = strings.TrimSpace(fmt.Sprintf(format, args...))
	panic("fatal")
}

// fatalOf runs f with a fakeT and returns what it failed with.
func fatalOf(f func(mocksftest.TB)) string {
	ft := &fakeT{}
	func() {
		defer func() { recover() }()
		f(ft)
	}()
	return ft.msg
}

func (f *fakeT) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

// Login works against an External Client App, which requires PKCE and
// the secret by default: Login sends a challenge, and the refresh token
// it gets refreshes with the secret.
func TestLoginExternalClientApp(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Initech",
		Users: []mocksftest.UserSpec{{Username: "sync@initech.test", Password: "Sync-Pass-1"}},
		ExternalClientApps: []mocksftest.AppSpec{{Name: "Sync ECA", Scopes: []string{"api", "refresh_token"},
			CallbackURLs: []string{"http://127.0.0.1:9/callback"}}},
	})
	app, ok := org.ExternalClientApp("Sync ECA")
	if !ok || len(org.ConnectedApps) != 0 || app.DistributionState != "Local" {
		t.Fatalf("org = %+v; want one Local External Client App and no connected app", org)
	}
	stored, err := srv.Mocksf.Store().AppByKey(app.ConsumerKey)
	if err != nil || !stored.External() || !stored.Policy.RequirePKCE {
		t.Fatalf("stored app = %+v, %v; want an External Client App requiring PKCE", stored, err)
	}
	// Without a challenge the app refuses to authorize.
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.OAuth2Config(app).AuthCodeURL("s1"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error_description=missing+required+code+challenge") {
		t.Errorf("authorize without a challenge: Location %q; want missing required code challenge", loc)
	}

	tok := srv.Login(t, "sync@initech.test", "Sync-Pass-1", app)
	if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Extra("instance_url") != srv.InstanceURL {
		t.Fatalf("Login = %+v; want access and refresh tokens on %s", tok, srv.InstanceURL)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	fresh, err := srv.OAuth2Config(app).TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	if err != nil || fresh.AccessToken == "" || fresh.AccessToken == tok.AccessToken {
		t.Errorf("refresh: %v, %+v; want a new access token", err, fresh)
	}
	if code, body := rest(t, srv, fresh.AccessToken, "/services/data/v60.0/limits"); code != 200 {
		t.Errorf("REST with the refreshed token: %d %s", code, body)
	}
}

// Authorize does only the browser's part for a URL another client built:
// that client's state and PKCE challenge come back to its callback, and
// it exchanges the code with its own verifier.
func TestAuthorizeAClientsOwnURL(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	a := srv.NewOrg(t, org("Hooli", "hooli.test", 0))
	cfg := srv.OAuth2Config(a.ConnectedApps[0])
	// A 171-character verifier's challenge would do as well; x/oauth2's
	// 43 characters are what mocksf accepts today.
	verifier := oauth2.GenerateVerifier()
	cb := srv.Authorize(t, cfg.AuthCodeURL("their-state", oauth2.S256ChallengeOption(verifier)), "sync@hooli.test", "Sync-Pass-1")
	if got := withoutQueryString(cb.String()); got != cfg.RedirectURL {
		t.Fatalf("Authorize stopped at %s; want the callback %s", got, cfg.RedirectURL)
	}
	if cb.Query().Get("state") != "their-state" || cb.Query().Get("code") == "" {
		t.Fatalf("callback %s; want their state and a code", cb)
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	if _, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption("a-different-verifier-"+verifier)); err == nil {
		t.Errorf("the code exchanged with another verifier; want the challenge Authorize carried to count")
	}
	cb = srv.Authorize(t, cfg.AuthCodeURL("again", oauth2.S256ChallengeOption(verifier)), "sync@hooli.test", "Sync-Pass-1")
	if tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier)); err != nil || tok.AccessToken == "" {
		t.Errorf("exchange with the client's verifier: %v", err)
	}

	for _, tc := range []struct{ name, url, password, want string }{
		{"no redirect_uri", srv.URL + "/services/oauth2/authorize?response_type=code&client_id=" + a.ConnectedApps[0].ConsumerKey, "Sync-Pass-1", "has no redirect_uri"},
		{"wrong password", cfg.AuthCodeURL("s"), "wrong", "Please check your username and password"},
	} {
		if msg := fatalOf(func(ft mocksftest.TB) { srv.Authorize(ft, tc.url, "sync@hooli.test", tc.password) }); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: Authorize failed with %q; want %q", tc.name, msg, tc.want)
		}
	}
}

func withoutQueryString(u string) string {
	before, _, _ := strings.Cut(u, "?")
	return before
}
