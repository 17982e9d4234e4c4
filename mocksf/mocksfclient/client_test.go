package mocksfclient_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

var spec = store.OrgSpec{
	Name: "Acme",
	Users: []store.UserSpec{
		{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
		{Username: "sync@acme.test", Password: "Sync-Pass-1"},
	},
	ConnectedApps: []store.AppSpec{{Name: "Sync", CallbackURLs: []string{"http://127.0.0.1:9/callback"}, Scopes: []string{"api", "refresh_token", "id"}}},
}

// Every typed method against a mocksf at a URL, with a control token, as
// cmd/sfload and e2e's MOCKSF_URL use it.
func TestControlAPI(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")), mocksftest.WithConfig(func(c *mocksf.Config) { c.ControlToken = "s3cret" }))
	ctx := context.Background()
	c := &mocksfclient.Client{URL: srv.URL, Token: "s3cret", Follow: srv.Mocksf.IsInstanceHost}

	if err := c.Health(ctx); err != nil {
		t.Fatalf("Health: %v", err)
	}
	org, err := c.CreateOrg(ctx, spec)
	if err != nil || len(org.Users) != 2 || len(org.ConnectedApps) != 1 {
		t.Fatalf("CreateOrg = %+v, %v; want two users and an app", org, err)
	}
	if orgs, err := c.Orgs(ctx, "acme"); err != nil || len(orgs) != 1 || orgs[0].ID != org.ID {
		t.Errorf("Orgs(acme) = %+v, %v; want the new org", orgs, err)
	}
	if got, err := c.Org(ctx, org.ID); err != nil || got.Name != "Acme" {
		t.Errorf("Org = %+v, %v; want Acme", got, err)
	}
	if got, err := c.InsertRecords(ctx, org.ID, "Lead", control.RecordsInsert{Generate: 3}); err != nil || got.Created != 3 {
		t.Errorf("InsertRecords = %+v, %v; want 3 created", got, err)
	}
	off := false
	if u, err := c.UpdateUser(ctx, org.ID, "admin@acme.test", control.UserChange{APIEnabled: &off}); err != nil || u.APIEnabled {
		t.Errorf("UpdateUser = %+v, %v; want API access off", u, err)
	}
	rotate := true
	if _, err := c.UpdateApp(ctx, org.ID, org.ConnectedApps[0].ConsumerKey, control.AppChange{RefreshTokenRotation: &rotate}); err != nil {
		t.Errorf("UpdateApp: %v", err)
	}

	// The login, with the code from the mail.
	tok, err := c.Login(ctx, c.OAuth2Config(org.ConnectedApps[0]), "sync@acme.test", "Sync-Pass-1")
	if err != nil || tok.AccessToken == "" || tok.Extra("instance_url") == nil {
		t.Fatalf("Login = %+v, %v; want a token with an instance_url", tok, err)
	}
	code, newest, err := c.WaitForCode(ctx, mail.Filter{Username: "sync@acme.test"}, time.Second)
	if err != nil || code == "" || newest == "" {
		t.Errorf("WaitForCode = %q, %q, %v; want the login's code", code, newest, err)
	}
	if _, _, err := c.WaitForCode(ctx, mail.Filter{Username: "sync@acme.test", After: newest}, 10*time.Millisecond); !errors.Is(err, mocksfclient.ErrNoCode) {
		t.Errorf("WaitForCode after the newest = %v; want ErrNoCode", err)
	}
	if n, err := c.Revoke(ctx, org.ID, control.RevokeRequest{Username: "sync@acme.test", ClientID: org.ConnectedApps[0].ConsumerKey}); err != nil || n == 0 {
		t.Errorf("Revoke = %d, %v; want the login's tokens revoked", n, err)
	}

	// Faults, the clock and the journal.
	f, err := c.AddFault(ctx, control.Rule{Path: "/services/data/**", Status: 503, Times: 1})
	if err != nil || f.ID == "" {
		t.Fatalf("AddFault = %+v, %v", f, err)
	}
	if got, err := c.Fault(ctx, f.ID); err != nil || got.ID != f.ID {
		t.Errorf("Fault = %+v, %v", got, err)
	}
	if fs, err := c.Faults(ctx); err != nil || len(fs) != 1 {
		t.Errorf("Faults = %+v, %v; want one", fs, err)
	}
	if err := c.DeleteFault(ctx, f.ID); err != nil {
		t.Errorf("DeleteFault: %v", err)
	}
	if err := c.ClearFaults(ctx); err != nil {
		t.Errorf("ClearFaults: %v", err)
	}
	before, err := c.Clock(ctx)
	if err != nil {
		t.Fatalf("Clock: %v", err)
	}
	if now, err := c.Advance(ctx, 2*time.Hour); err != nil || now.Sub(before.Now) < 2*time.Hour {
		t.Errorf("Advance = %v, %v; want 2h after %v", now, err, before.Now)
	}
	reqs, err := c.Requests(ctx, control.RequestFilter{Path: "/services/oauth2/token"})
	if err != nil || len(reqs) != 1 || reqs[0].Status != http.StatusOK {
		t.Errorf("Requests(token) = %+v, %v; want the login's exchange", reqs, err)
	}
	if err := c.ClearRequests(ctx); err != nil {
		t.Errorf("ClearRequests: %v", err)
	}
	if err := c.ClearMail(ctx); err != nil {
		t.Errorf("ClearMail: %v", err)
	}
	if err := c.DeleteOrg(ctx, org.ID); err != nil {
		t.Errorf("DeleteOrg: %v", err)
	}
	if err := c.Reset(ctx); err != nil {
		t.Errorf("Reset: %v", err)
	}
}

// A refused call is an *Error with the control API's code; a missing
// token is refused.
func TestErrors(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithConfig(func(c *mocksf.Config) { c.ControlToken = "s3cret" }))
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		c     *mocksfclient.Client
		id    string
		code  string
		state int
	}{
		{"no such org", &mocksfclient.Client{URL: srv.URL, Token: "s3cret"}, "00D000000000000AAA", control.CodeNotFound, http.StatusNotFound},
		{"no token", &mocksfclient.Client{URL: srv.URL}, "00D000000000000AAA", control.CodeForbidden, http.StatusForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.Org(ctx, tt.id)
			var e *mocksfclient.Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Status != tt.state {
				t.Fatalf("Org = %v; want a %d %s *Error", err, tt.state, tt.code)
			}
			if !strings.Contains(err.Error(), "GET /__mocksf/orgs/"+tt.id) {
				t.Errorf("error %q; want the route in it", err)
			}
		})
	}
}

// An answer that is not the control API's JSON error keeps its status and
// the start of its body.
func TestErrorNotJSON(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream is down", http.StatusBadGateway)
	}))
	defer ts.Close()
	err := (&mocksfclient.Client{URL: ts.URL}).Health(context.Background())
	if got, want := err.Error(), "GET /__mocksf/health: 502 Bad Gateway: upstream is down"; got != want {
		t.Errorf("err = %q; want %q", got, want)
	}
}

// A wrong password stops the login at the login page with its message,
// as a *PageError.
func TestLoginWrongPassword(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, spec)
	_, err := srv.Control.Login(context.Background(), srv.OAuth2Config(org.ConnectedApps[0]), "sync@acme.test", "wrong")
	var pe *mocksfclient.PageError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "Verify Your Identity") {
		t.Errorf("Login with a wrong password = %v; want a PageError at the password", err)
	}
}
