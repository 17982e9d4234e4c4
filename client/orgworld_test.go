package client_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// orgWorld is Beacon and a mocksftest server with one org of its own,
// whose connected app a test describes: the worlds of the PKCE and client
// credentials tests.
type orgWorld struct {
	*mocksfWorld
	srv *mocksftest.Server
	org mocksftest.Org
}

// newOrgWorld starts mocksf with an org whose sync user is syncUser and
// whose one connected app is app with Beacon's key, secret, callback URL
// and scopes filled in where app leaves them empty; setup, if not nil,
// changes Beacon's configuration before it starts.
func newOrgWorld(t *testing.T, app mocksftest.AppSpec, setup func(*client.Config)) *orgWorld {
	t.Helper()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	w := &mocksfWorld{t: t, sf: srv.Mocksf, sfURL: srv.URL, wire: &wireTap{revoked: map[string]int{}}}
	clientTS := httptest.NewUnstartedServer(&w.handler)
	w.clientURL = "http://" + clientTS.Listener.Addr().String()
	if app.Name == "" {
		app.Name = "Beacon Sync"
	}
	if app.ConsumerKey == "" {
		app.ConsumerKey, app.ConsumerSecret = sfKey, sfSecret
	}
	if app.CallbackURLs == nil {
		app.CallbackURLs = []string{w.clientURL + "/salesforce/getSfdcOAuthTokensRedirect"}
	}
	if app.Scopes == nil {
		app.Scopes = []string{"api", "refresh_token", "id"}
	}
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name: "Acme",
		Users: []mocksftest.UserSpec{
			{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
			{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"},
		},
		ConnectedApps: []mocksftest.AppSpec{app},
		Records:       mocksftest.RecordsSpec{Generate: map[string]int{"Lead": 20, "Contact": 5, "Account": 3}},
	})
	clientTS.Start()
	w.cfg = client.Config{
		SalesforceURL: w.sfURL,
		BaseURL:       w.clientURL,
		OAuthFeature:  true,
		SyncInterval:  50 * time.Millisecond,
		RetryBackoff:  20 * time.Millisecond,
		MaxBackoff:    200 * time.Millisecond,
		HTTPClient:    &http.Client{Transport: w.wire, Timeout: 10 * time.Second},
		Logger:        newTestLogger(t),
	}
	if setup != nil {
		setup(&w.cfg)
	}
	w.start()
	// Registered after mocksftest's: runs first, so Beacon stops before
	// mocksf does.
	t.Cleanup(func() {
		w.beacon.Close()
		clientTS.Close()
	})
	jar, _ := cookiejar.New(nil)
	w.browser = &http.Client{Jar: jar, Timeout: 30 * time.Second}
	return &orgWorld{mocksfWorld: w, srv: srv, org: org}
}
