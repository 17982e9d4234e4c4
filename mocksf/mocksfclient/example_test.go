package mocksfclient_test

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/store"
)

// A mocksf started on its own, as cmd/mocksf or e2e's MOCKSF_URL is, and
// driven at its URL: an org, a user's API access turned off, a fault, and
// the login a person would do.
func Example() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := mocksf.New(mocksf.Config{BaseURL: base, Seed: []byte("orgs: []")})
	if err != nil {
		panic(err)
	}
	hs := &http.Server{Handler: srv}
	go hs.Serve(ln)
	defer srv.Close()
	defer hs.Close()

	ctx := context.Background()
	c := &mocksfclient.Client{URL: base, Follow: srv.IsInstanceHost}
	org, err := c.CreateOrg(ctx, store.OrgSpec{
		Name: "Acme",
		Users: []store.UserSpec{
			{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
			{Username: "sync@acme.test", Password: "Sync-Pass-1"},
		},
		ConnectedApps: []store.AppSpec{{Name: "Sync", CallbackURLs: []string{"http://127.0.0.1:9/callback"}, Scopes: []string{"api", "refresh_token"}}},
	})
	if err != nil {
		panic(err)
	}
	off := false
	if _, err := c.UpdateUser(ctx, org.ID, "admin@acme.test", control.UserChange{APIEnabled: &off}); err != nil {
		panic(err)
	}
	if _, err := c.AddFault(ctx, control.Rule{Path: "/services/data/**", SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 1}); err != nil {
		panic(err)
	}
	tok, err := c.Login(ctx, c.OAuth2Config(org.ConnectedApps[0]), "sync@acme.test", "Sync-Pass-1")
	if err != nil {
		panic(err)
	}
	fmt.Println(org.Name, tok.TokenType, tok.RefreshToken != "")
	// Output: Acme Bearer true
}
