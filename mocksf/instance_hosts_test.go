package mocksf_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// perOrgServer is mocksf with an instance host per org, and two orgs,
// each with a sync user and an app allowed the client credentials flow.
func perOrgServer(t *testing.T) (srv *mocksftest.Server, acme, globex mocksftest.Org) {
	t.Helper()
	srv = mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []\n")),
		mocksftest.WithConfig(func(c *mocksf.Config) { c.InstanceHosts = "per-org" }))
	org := func(name, domain string) mocksftest.Org {
		return srv.NewOrg(t, mocksftest.OrgSpec{Name: name,
			Users: []mocksftest.UserSpec{{Username: "sync@" + domain, Password: "Sync-Pass-1", LastName: "Sync"}},
			ConnectedApps: []mocksftest.AppSpec{{Name: "Sync", CallbackURLs: []string{"https://product.example/callback"},
				Scopes: []string{"api", "refresh_token", "id", "openid"}, ClientCredentialsRunAs: "sync@" + domain}}})
	}
	return srv, org("Acme", "acme.test"), org("Globex", "globex.test")
}

// hostRequest sends a request to mocksf's listener at base with the
// given form body (GET without one), bearer token and extra headers as
// name, value pairs; "Host" is the request's Host.
func hostRequest(t *testing.T, base, path string, form url.Values, bearer string, header ...string) (int, string) {
	t.Helper()
	method, body := http.MethodGet, io.Reader(nil)
	if form != nil {
		method, body = http.MethodPost, strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
		}
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestPerOrgInstanceHosts(t *testing.T) {
	srv, acme, globex := perOrgServer(t)
	if acme.InstanceURL == globex.InstanceURL || acme.InstanceURL == srv.URL || acme.InstanceURL == srv.InstanceURL {
		t.Fatalf("instance URLs: Acme %s, Globex %s, login %s, shared %s; want one for each org", acme.InstanceURL, globex.InstanceURL, srv.URL, srv.InstanceURL)
	}
	if got := srv.Mocksf.InstanceURLOf(acme.ID); got != acme.InstanceURL {
		t.Errorf("InstanceURLOf(Acme) = %s; the control API said %s", got, acme.InstanceURL)
	}

	// The code flow's token names the org's own host, where the API is.
	tok := srv.Login(t, "sync@acme.test", "Sync-Pass-1", acme.ConnectedApps[0])
	if got := tok.Extra("instance_url"); got != acme.InstanceURL {
		t.Errorf("instance_url %v; want Acme's %s", got, acme.InstanceURL)
	}
	if status, body := hostRequest(t, acme.InstanceURL, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead", nil, tok.AccessToken); status != 200 {
		t.Errorf("query on Acme's host: %d %s", status, body)
	}
	// On another org's host the token is no session at all.
	status, body := hostRequest(t, globex.InstanceURL, "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead", nil, tok.AccessToken)
	if want := `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`; status != 401 || body != want {
		t.Errorf("query on Globex's host with Acme's token: %d %s; want 401 %s", status, body, want)
	}

	// The identity URL stays on the login host; the URLs it lists are on
	// the org's host.
	status, body = hostRequest(t, tok.Extra("id").(string), "?version=60.0", nil, tok.AccessToken)
	var id struct{ URLs map[string]string }
	if err := json.Unmarshal([]byte(body), &id); status != 200 || err != nil {
		t.Fatalf("identity URL: %d %s", status, body)
	}
	if rest := id.URLs["rest"]; !strings.HasPrefix(rest, acme.InstanceURL+"/services/data/v60.0/") {
		t.Errorf("urls.rest %s; want it on %s", rest, acme.InstanceURL)
	}

	// Discovery on an org's host names that host as the issuer.
	status, body = hostRequest(t, globex.InstanceURL, "/.well-known/openid-configuration", nil, "")
	if !strings.Contains(body, `"issuer":"`+globex.InstanceURL+`"`) {
		t.Errorf("discovery on Globex's host: %d %s; want issuer %s", status, body, globex.InstanceURL)
	}
}

func TestClientCredentialsOnlyOnTheOrgsOwnHost(t *testing.T) {
	srv, acme, globex := perOrgServer(t)
	app := acme.ConnectedApps[0]
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ConsumerKey}, "client_secret": {app.ConsumerSecret}}
	wrongDomain := `{"error":"invalid_grant","error_description":"request not supported on this domain"}` + "\n"
	for _, tc := range []struct{ name, base string }{
		{"login host", srv.URL},
		{"the shared instance name", srv.InstanceURL},
		{"another org's host", globex.InstanceURL},
	} {
		if status, body := hostRequest(t, tc.base, "/services/oauth2/token", form, ""); status != 400 || body != wrongDomain {
			t.Errorf("%s: %d %s; want 400 %s", tc.name, status, body, wrongDomain)
		}
	}
	status, body := hostRequest(t, acme.InstanceURL, "/services/oauth2/token", form, "")
	var tok map[string]string
	if err := json.Unmarshal([]byte(body), &tok); status != 200 || err != nil {
		t.Fatalf("Acme's host: %d %s", status, body)
	}
	if tok["instance_url"] != acme.InstanceURL || tok["api_instance_url"] != acme.InstanceURL || !strings.HasPrefix(tok["id"], acme.InstanceURL+"/id/"+acme.ID+"/") {
		t.Errorf("instance_url %s, api_instance_url %s, id %s; want them on %s", tok["instance_url"], tok["api_instance_url"], tok["id"], acme.InstanceURL)
	}
	// The identity URL answers where the reply put it.
	if status, body := hostRequest(t, tok["id"], "", nil, tok["access_token"]); status != 200 || !strings.Contains(body, `"username":"sync@acme.test"`) {
		t.Errorf("identity URL %s: %d %s", tok["id"], status, body)
	}
}

func TestADeletedOrgsHostCloses(t *testing.T) {
	srv, acme, _ := perOrgServer(t)
	if status, _ := hostRequest(t, acme.InstanceURL, "/__mocksf/health", nil, ""); status != 200 {
		t.Fatalf("Acme's host answers %d before the org is deleted", status)
	}
	srv.DeleteOrg(t, acme.ID)
	if _, err := http.Get(acme.InstanceURL + "/__mocksf/health"); err == nil {
		t.Errorf("Acme's host still answers after the org was deleted")
	}
}

// The REST API answers on instance hosts, where instance_url points; on
// the login host a token is no session unless APIOnLoginHost says so.
func TestAPIOnlyOnInstanceHosts(t *testing.T) {
	const query = "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead"
	const invalid = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	for _, tc := range []struct {
		name          string
		apiOnLogin    bool
		wantLogin     int
		wantLoginBody string
	}{
		{name: "default", wantLogin: 401, wantLoginBody: invalid},
		{name: "APIOnLoginHost", apiOnLogin: true, wantLogin: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := mocksftest.NewServer(t, mocksftest.WithConfig(func(c *mocksf.Config) { c.APIOnLoginHost = tc.apiOnLogin }))
			org := srv.NewOrg(t, mocksftest.OrgSpec{Name: "Initech",
				Users: []mocksftest.UserSpec{{Username: "sync@initech.test", Password: "Sync-Pass-1", LastName: "Sync"}},
				ConnectedApps: []mocksftest.AppSpec{{Name: "Sync", CallbackURLs: []string{"https://product.example/callback"},
					Scopes: []string{"api", "refresh_token"}}}})
			tok := srv.Login(t, "sync@initech.test", "Sync-Pass-1", org.ConnectedApps[0])
			if status, body := hostRequest(t, srv.InstanceURL, query, nil, tok.AccessToken); status != 200 {
				t.Errorf("on the instance host: %d %s", status, body)
			}
			status, body := hostRequest(t, srv.URL, query, nil, tok.AccessToken)
			if status != tc.wantLogin || (tc.wantLoginBody != "" && body != tc.wantLoginBody) {
				t.Errorf("on the login host: %d %s; want %d %s", status, body, tc.wantLogin, tc.wantLoginBody)
			}
			// The versions list needs no session and answers everywhere.
			if status, body := hostRequest(t, srv.URL, "/services/data", nil, ""); status != 200 {
				t.Errorf("versions on the login host: %d %s", status, body)
			}
		})
	}
}
