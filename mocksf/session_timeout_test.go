package mocksf_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// Two hours without use end a session (the org's Session Settings
// timeout, reference §0): the REST API and the identity URL refuse the
// access token, introspection calls it inactive, and the refresh token
// gets a new one.
func TestSessionTimesOutOverHTTP(t *testing.T) {
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []\n")))
	org := srv.NewOrg(t, mocksftest.OrgSpec{Name: "Umbrella",
		Users: []mocksftest.UserSpec{{Username: "sync@umbrella.test", Password: "Sync-Pass-1", LastName: "Sync"}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Sync", CallbackURLs: []string{"https://product.example/callback"},
			Scopes: []string{"api", "refresh_token", "id"}}}})
	if org.SessionTimeout != "2h0m0s" {
		t.Errorf("the control API says sessionTimeout %q; want 2h0m0s", org.SessionTimeout)
	}
	app := org.ConnectedApps[0]
	tok := srv.Login(t, "sync@umbrella.test", "Sync-Pass-1", app)
	const query = "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead"

	srv.Advance(time.Hour + 59*time.Minute)
	if status, body := hostRequest(t, srv.InstanceURL, query, nil, tok.AccessToken); status != 200 {
		t.Fatalf("1h59m after login: %d %s", status, body)
	}
	// That use restarted the timeout.
	srv.Advance(time.Hour + 59*time.Minute)
	if status, body := hostRequest(t, srv.InstanceURL, query, nil, tok.AccessToken); status != 200 {
		t.Fatalf("1h59m after the last use: %d %s", status, body)
	}
	srv.Advance(2 * time.Hour)

	if status, body := hostRequest(t, srv.InstanceURL, query, nil, tok.AccessToken); status != 401 ||
		body != `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]` {
		t.Errorf("REST after 2h unused: %d %s; want 401 INVALID_SESSION_ID", status, body)
	}
	if status, body := hostRequest(t, tok.Extra("id").(string), "", nil, tok.AccessToken); status != 403 || body != "Bad_OAuth_Token" {
		t.Errorf("identity URL after 2h unused: %d %q; want 403 Bad_OAuth_Token", status, body)
	}
	form := url.Values{"token": {tok.AccessToken}, "client_id": {app.ConsumerKey}, "client_secret": {app.ConsumerSecret}}
	if status, body := hostRequest(t, srv.URL, "/services/oauth2/introspect", form, ""); status != 200 || strings.TrimSpace(body) != `{"active":false}` {
		t.Errorf("introspection after 2h unused: %d %s; want {\"active\":false}", status, body)
	}
	// Salesforce sends no expires_in, so x/oauth2 cannot know: a client
	// refreshes on the 401, as this one is made to.
	tok.Expiry = time.Now().Add(-time.Minute)
	fresh, err := srv.OAuth2Config(app).TokenSource(context.Background(), tok).Token()
	if err != nil {
		t.Fatalf("refresh after the timeout: %v", err)
	}
	if status, body := hostRequest(t, srv.InstanceURL, query, nil, fresh.AccessToken); status != 200 {
		t.Errorf("REST with the refreshed token: %d %s", status, body)
	}
}
