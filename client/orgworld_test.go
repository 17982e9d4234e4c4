package client_test

import (
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
	org mocksftest.Org
}

// newOrgWorld starts mocksf with an org whose sync user is syncUser and
// whose one connected app is app with Beacon's key, secret, callback URL
// and scopes filled in where app leaves them empty; setup, if not nil,
// changes Beacon's configuration before it starts.
func newOrgWorld(t *testing.T, app mocksftest.AppSpec, setup func(*client.Config)) *orgWorld {
	t.Helper()
	w := newWorld(t)
	w.use(mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []"))))
	if app.Name == "" {
		app.Name = "Beacon Sync"
	}
	if app.ConsumerKey == "" {
		app.ConsumerKey, app.ConsumerSecret = sfKey, sfSecret
	}
	if app.CallbackURLs == nil {
		app.CallbackURLs = []string{w.callbackURL()}
	}
	if app.Scopes == nil {
		app.Scopes = []string{"api", "refresh_token", "id"}
	}
	org := w.srv.NewOrg(t, mocksftest.OrgSpec{
		Name: "Acme",
		Users: []mocksftest.UserSpec{
			{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
			{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"},
		},
		ConnectedApps: []mocksftest.AppSpec{app},
		Records:       mocksftest.RecordsSpec{Generate: map[string]int{"Lead": 20, "Contact": 5, "Account": 3}},
	})
	cfg := client.Config{
		OAuthFeature: true,
		SyncInterval: 50 * time.Millisecond,
		RetryBackoff: 20 * time.Millisecond,
		MaxBackoff:   200 * time.Millisecond,
	}
	if setup != nil {
		setup(&cfg)
	}
	w.run(cfg)
	return &orgWorld{mocksfWorld: w, org: org}
}
