package mocksftest_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// exampleT stands in for the *testing.T a test passes: examples have
// none. It runs the cleanups when the example ends and panics on Fatalf.
type exampleT struct{ cleanups []func() }

func (*exampleT) Helper()                           {}
func (e *exampleT) Cleanup(f func())                { e.cleanups = append(e.cleanups, f) }
func (*exampleT) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (e *exampleT) done() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}

// acme is the org most examples make.
var acme = mocksftest.OrgSpec{
	Name: "Acme",
	Users: []mocksftest.UserSpec{
		{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
		{Username: "sync@acme.test", Password: "Sync-Pass-1", FirstName: "Sam"},
	},
	ConnectedApps: []mocksftest.AppSpec{{
		Name:         "Product Sync",
		CallbackURLs: []string{"http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"},
		Scopes:       []string{"api", "refresh_token", "id"},
	}},
	Records: mocksftest.RecordsSpec{Generate: map[string]int{"Lead": 25}},
}

// In a test: srv := mocksftest.NewServer(t). It starts with no orgs here,
// and with mocksf's default org without WithSeed.
func ExampleNewServer() {
	t := &exampleT{} // a test passes its *testing.T
	defer t.done()

	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	resp, err := srv.Client().Get(srv.URL + "/services/data")
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.HasPrefix(srv.URL, "http://127.0.0.1:"))
	// Output: 200 true
}

func ExampleServer_NewOrg() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))

	org := srv.NewOrg(t, acme)
	app := org.ConnectedApps[0]
	fmt.Println(org.Name, org.ID[:3], len(org.Users), org.Records["Lead"])
	fmt.Println(app.Name, len(app.ConsumerKey), len(app.ConsumerSecret))
	fmt.Println(org.InstanceURL == srv.InstanceURL)
	// Output:
	// Acme 00D 2 25
	// Product Sync 85 64
	// true
}

// Login gives a test a logged-in client without a browser.
func ExampleServer_Login() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, acme)
	app := org.ConnectedApps[0]

	tok := srv.Login(t, "sync@acme.test", "Sync-Pass-1", app)
	fmt.Println(tok.TokenType, tok.RefreshToken != "", tok.Extra("instance_url") == srv.InstanceURL)

	// The token works with x/oauth2's client against the REST API.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	client := srv.OAuth2Config(app).Client(ctx, tok)
	resp, err := client.Get(srv.InstanceURL + "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `"totalSize":25`))
	// Output:
	// Bearer true true
	// 200 true
}

// Authorize is for a client that builds its own authorize URL, state and
// PKCE verifier (a library under test, a product's login button): mocksf
// does the person's part, and the client exchanges the code itself.
func ExampleServer_Authorize() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, acme)
	cfg := srv.OAuth2Config(org.ConnectedApps[0]) // stands in for the client's own
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("client-state", oauth2.S256ChallengeOption(verifier))

	cb := srv.Authorize(t, authURL, "sync@acme.test", "Sync-Pass-1")
	fmt.Println(cb.Host+cb.Path, cb.Query().Get("state"))

	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		panic(err)
	}
	fmt.Println(tok.AccessToken != "")
	// Output:
	// 127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect client-state
	// true
}

// An External Client App logs in as a connected app does: Login sends
// the PKCE challenge it requires by default. Its optional flows are off
// until the spec lists them.
func ExampleServer_Login_externalClientApp() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	spec := acme
	spec.ConnectedApps = nil
	spec.ExternalClientApps = []mocksftest.AppSpec{{
		Name:         "Product Sync",
		CallbackURLs: []string{"http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"},
		Scopes:       []string{"api", "refresh_token"},
		Flows:        []string{"clientCredentials"},
		// The client credentials flow runs as this user.
		ClientCredentialsRunAs: "sync@acme.test",
	}}
	org := srv.NewOrg(t, spec)
	app, _ := org.ExternalClientApp("Product Sync")
	fmt.Println(app.DistributionState, app.Flows)

	tok := srv.Login(t, "sync@acme.test", "Sync-Pass-1", app)
	fmt.Println(tok.TokenType, tok.RefreshToken != "")
	// Output:
	// Local [clientCredentials]
	// Bearer true
}

// VerificationCode reads the code mocksf emailed, as a person reads it
// from their inbox.
func ExampleServer_VerificationCode() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t) // the default org: sync@acme.test / Sync-Pass-1

	// Something logs in as the sync user: a browser, or here Browser,
	// which reads the code itself.
	srv.Browser(t, "sync@acme.test", "Sync-Pass-1")

	code := srv.VerificationCode(t, "sync@acme.test")
	fmt.Println(len(code))
	// Output: 6
}

// Fault breaks Salesforce on purpose: here the next REST call hits the
// daily API limit. The rule is removed when the test ends.
func ExampleServer_Fault() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, acme)
	tok := srv.Login(t, "sync@acme.test", "Sync-Pass-1", org.ConnectedApps[0])

	f := srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 1})

	get := func() string {
		req, _ := http.NewRequest("GET", srv.InstanceURL+"/services/data/v60.0/sobjects", nil)
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := srv.Client().Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			return fmt.Sprint(resp.StatusCode, " ", string(body))
		}
		return fmt.Sprint(resp.StatusCode)
	}
	fmt.Println(get())
	fmt.Println(get())
	fmt.Println(srv.Hits(t, f).HitCount)
	// Output:
	// 403 [{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]
	// 200
	// 1
}

// Advance moves mocksf's clock instead of sleeping: here a refresh token
// under the policy "Expire refresh token after 1 hour" stops working.
func ExampleServer_Advance() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	spec := acme
	spec.ConnectedApps = []mocksftest.AppSpec{acme.ConnectedApps[0]}
	spec.ConnectedApps[0].RefreshTokenPolicy = &mocksftest.RefreshPolicySpec{Mode: "absolute", For: "1h"}
	app := srv.NewOrg(t, spec).ConnectedApps[0]
	tok := srv.Login(t, "sync@acme.test", "Sync-Pass-1", app)

	refresh := func() error {
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, srv.Client())
		_, err := srv.OAuth2Config(app).TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		return err
	}
	fmt.Println(refresh() == nil)
	srv.Advance(2 * time.Hour)
	var re *oauth2.RetrieveError
	if errors.As(refresh(), &re) {
		fmt.Println(re.ErrorCode, re.ErrorDescription)
	}
	// Output:
	// true
	// invalid_grant expired access/refresh token
}

// Requests shows what a client sent, secrets masked.
func ExampleServer_Requests() {
	t := &exampleT{}
	defer t.done()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, acme)
	srv.Login(t, "sync@acme.test", "Sync-Pass-1", org.ConnectedApps[0])

	for _, e := range srv.Requests(mocksftest.RequestFilter{Method: "POST", Path: "/services/oauth2/token"}) {
		fmt.Println(e.Status, e.Form["grant_type"], e.Form["code"][0][:4], e.Authorization[:6], e.OrgID == org.ID)
	}
	// Output: 200 [authorization_code] aPrx Basic  true
}
