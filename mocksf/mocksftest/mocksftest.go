// Package mocksftest runs mocksf, the fake Salesforce, inside Go tests,
// as net/http/httptest runs a handler: NewServer starts one on a
// loopback port and the test's cleanup closes it. Its methods drive
// mocksf's test-control API (docs/mocksf-control.md): new orgs on demand,
// emailed verification codes, faults, the clock and the request journal;
// Login completes the OAuth 2.0 web-server flow without a browser and
// returns the *oauth2.Token a client would hold. They wrap Server.Control,
// the mocksfclient.Client of the server, which has the rest of the
// control API and works as well against a mocksf at a URL.
//
//	srv := mocksftest.NewServer(t)
//	org := srv.NewOrg(t, mocksftest.OrgSpec{Name: "Acme", Users: ..., ConnectedApps: ...})
//	tok := srv.Login(t, "sync@acme.test", "pw", org.ConnectedApps[0]) // or org.ExternalClientApps[0]
//	srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 1})
//	srv.Advance(2 * time.Hour)
//	reqs := srv.Requests(mocksftest.RequestFilter{Path: "/services/oauth2/token"})
package mocksftest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/store"
)

// TB is what mocksftest needs of a test; *testing.T, *testing.B and
// *testing.F have it.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// The control API's types, under this package's name so a test imports
// one package.
type (
	// OrgSpec describes an org as one entry of a seed file's orgs.
	OrgSpec = store.OrgSpec
	// UserSpec describes a user of an OrgSpec.
	UserSpec = store.UserSpec
	// AppSpec describes a connected app of an OrgSpec, or an External
	// Client App (OrgSpec.ExternalClientApps, with DistributionState and
	// Flows).
	AppSpec = store.AppSpec
	// RecordsSpec lists an OrgSpec's records and generated record counts.
	RecordsSpec = store.RecordsSpec
	// RefreshPolicySpec is an AppSpec's refresh token policy.
	RefreshPolicySpec = store.RefreshPolicySpec
	// Org is an org NewOrg made: IDs, passwords, keys and secrets.
	Org = control.Org
	// OrgUser is a user of an Org.
	OrgUser = control.OrgUser
	// OrgApp is a connected app or an External Client App of an Org
	// (Org.ConnectedApps, Org.ExternalClientApps); Login and OAuth2Config
	// take either.
	OrgApp = control.OrgApp
	// Rule is a fault: which requests it matches and what they get.
	Rule = control.Rule
	// Fault is a Rule in force, with the requests it took.
	Fault = control.Fault
	// RequestFilter selects journal entries.
	RequestFilter = control.RequestFilter
	// Entry is one request in the journal.
	Entry = control.Entry
)

// Option changes the configuration NewServer starts mocksf with.
type Option func(*mocksf.Config)

// WithSeed starts mocksf with a seed document (YAML, the -seed file's
// schema) instead of the default org. WithSeed([]byte("orgs: []")) starts
// it with no orgs at all.
func WithSeed(yaml []byte) Option {
	return func(c *mocksf.Config) { c.Seed = yaml }
}

// WithConfig lets f change any other setting of mocksf.Config (BaseURL is
// set by NewServer).
func WithConfig(f func(*mocksf.Config)) Option { return f }

// Server is mocksf running for one test.
type Server struct {
	// URL is the login host, http://127.0.0.1:PORT: the login page, the
	// authorize and token endpoints, and the control API.
	URL string
	// InstanceURL is the orgs' shared instance host (the same listener
	// under the name localhost), the instance_url of tokens. With
	// WithConfig setting InstanceHosts to "per-org", each org has its
	// own instead: Mocksf.InstanceURLOf(orgID).
	InstanceURL string
	// Mocksf is the server itself, for what the control API does not do.
	Mocksf *mocksf.Server
	// Control is the client of its control API and login pages, for
	// what the methods of Server do not wrap (users and apps changed,
	// records added, tokens revoked, mail) and for a context of one's
	// own.
	Control *mocksfclient.Client

	ts        *httptest.Server
	closeOnce sync.Once
}

// NewServer starts mocksf on a loopback port, with the default org
// unless an option says otherwise, and closes it when the test ends.
func NewServer(t TB, opts ...Option) *Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	cfg := mocksf.Config{}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.BaseURL = "http://" + ts.Listener.Addr().String()
	srv, err := mocksf.New(cfg)
	if err != nil {
		ts.Listener.Close()
		t.Fatalf("mocksftest: %v", err)
	}
	ts.Config.Handler = srv
	ts.Start()
	s := &Server{URL: ts.URL, InstanceURL: srv.InstanceURL(), Mocksf: srv, ts: ts}
	s.Control = &mocksfclient.Client{URL: ts.URL, Token: cfg.ControlToken, HTTPClient: ts.Client(), Follow: srv.IsInstanceHost}
	t.Cleanup(s.Close)
	return s
}

// Close shuts the server down, waiting for requests in flight. The
// test's cleanup calls it; calling it again does nothing.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.ts.Close()
		_ = s.Mocksf.Close()
	})
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// HTTPServer is the test server mocksf runs on, for tests written
// against httptest.
func (s *Server) HTTPServer() *httptest.Server { return s.ts }

// NewOrg creates an isolated org from spec (POST /__mocksf/orgs) and
// returns it with its IDs, passwords, consumer keys and secrets. An
// empty Name becomes "Test Org". Usernames are unique across the orgs of
// one Server, as in Salesforce.
func (s *Server) NewOrg(t TB, spec OrgSpec) Org {
	t.Helper()
	if spec.Name == "" {
		spec.Name = "Test Org"
	}
	org, err := s.Control.CreateOrg(context.Background(), spec)
	if err != nil {
		t.Fatalf("mocksftest: new org: %v", err)
	}
	return org
}

// DeleteOrg removes an org and everything in it (DELETE
// /__mocksf/orgs/{id}).
func (s *Server) DeleteOrg(t TB, id string) {
	t.Helper()
	if err := s.Control.DeleteOrg(context.Background(), id); err != nil {
		t.Fatalf("mocksftest: delete org: %v", err)
	}
}

// Reset returns mocksf to its seed state (POST /__mocksf/reset).
func (s *Server) Reset(t TB) {
	t.Helper()
	if err := s.Control.Reset(context.Background()); err != nil {
		t.Fatalf("mocksftest: reset: %v", err)
	}
}

// VerificationCode returns the newest identity verification code emailed
// to the user, waiting up to 5 seconds for one.
func (s *Server) VerificationCode(t TB, username string) string {
	t.Helper()
	code, _, err := s.Control.WaitForCode(context.Background(), mail.Filter{Username: username}, mocksfclient.CodeWait)
	if err != nil {
		t.Fatalf("mocksftest: verification code for %s: %v", username, err)
	}
	return code
}

// Fault adds a fault rule (POST /__mocksf/faults) and removes it when
// the test ends. The Fault it returns has the rule's ID; see Hits for
// what it took.
func (s *Server) Fault(t TB, rule Rule) Fault {
	t.Helper()
	f, err := s.Control.AddFault(context.Background(), rule)
	if err != nil {
		t.Fatalf("mocksftest: fault: %v", err)
	}
	t.Cleanup(func() {
		// Gone already when the server was reset or closed first.
		_ = s.Control.DeleteFault(context.Background(), f.ID)
	})
	return f
}

// Hits returns a fault's current state, with the requests it took.
func (s *Server) Hits(t TB, f Fault) Fault {
	t.Helper()
	got, err := s.Control.Fault(context.Background(), f.ID)
	if err != nil {
		t.Fatalf("mocksftest: fault %s: %v", f.ID, err)
	}
	return got
}

// Advance moves mocksf's clock by d (POST /__mocksf/clock) and returns
// its new time: codes, tokens and refresh policies expire, and new
// records are stamped, as if d had passed. It panics if the server is
// closed.
func (s *Server) Advance(d time.Duration) time.Time {
	now, err := s.Control.Advance(context.Background(), d)
	if err != nil {
		panic("mocksftest: advance the clock: " + err.Error())
	}
	return now
}

// Requests returns the journal's entries that match the filter, newest
// first (GET /__mocksf/requests). It panics if the server is closed.
func (s *Server) Requests(filter RequestFilter) []Entry {
	got, err := s.Control.Requests(context.Background(), filter)
	if err != nil {
		panic("mocksftest: requests: " + err.Error())
	}
	return got
}

// OAuth2Config is an x/oauth2 configuration for a connected app of the
// server: its key, secret and first callback URL, mocksf's authorize and
// token endpoints, and the scopes given (none: all the app's scopes).
func (s *Server) OAuth2Config(app OrgApp, scopes ...string) *oauth2.Config {
	return s.Control.OAuth2Config(app, scopes...)
}

// WrongCode is a verification code of code's length that is not code, for
// tests of the wrong-code path.
func WrongCode(code string) string {
	digit := "0"
	if strings.HasPrefix(code, "0") {
		digit = "1"
	}
	return strings.Repeat(digit, len(code))
}
