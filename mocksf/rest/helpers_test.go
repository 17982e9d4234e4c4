package rest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	mclock "github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/store"
)

// start is the store clock's time when a test begins.
var start = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// testSeed has an org whose only Leads are 2,500 generated ones (Acme), an
// org with hand-written records (Initech), a second small org (Globex)
// and an org without API access (SmallCo).
const testSeed = `
orgs:
  - name: Acme
    edition: Enterprise
    users:
      - {username: sync@acme.test, password: Sync-Pass-1, firstName: Sam, lastName: Sync}
      - {username: noapi@acme.test, password: No-Api-1, apiEnabled: false}
    records:
      Account:
        - {Name: Analytical Engines, Industry: Technology, AnnualRevenue: 5000000, NumberOfEmployees: 42}
      generate: {Lead: 2500}
  - name: Initech
    users:
      - {username: sync@initech.test, password: Sync-Pass-1, firstName: Ina, lastName: Tech}
    records:
      Lead:
        - {FirstName: Ada, LastName: Lovelace, Company: Analytical Engines, Email: ada@example.com, AnnualRevenue: 1000000, NumberOfEmployees: 12, DoNotCall: true, Industry: Technology, City: London}
        - {LastName: Hopper, Company: US Navy, Status: Working - Contacted, ConvertedDate: "2026-03-01", Street: "1 Main St\nSuite 2"}
        - {LastName: Turing, Company: Bletchley Park, Email: alan@example.org, City: Bletchley}
      Contact:
        - {FirstName: Grace, LastName: Hopper, Email: grace@example.com}
  - name: Globex
    users:
      - {username: sync@globex.test, password: Sync-Pass-1}
    records:
      generate: {Lead: 10}
  - name: SmallCo
    edition: Professional
    users:
      - {username: admin@small.test, password: Admin-Pass-1}
`

// fixture is mocksf's real server (mocksf.New, so mocksf/routes.go's
// routes and middleware) over a seed document, with the seed's orgs by
// name.
type fixture struct {
	srv   *mocksf.Server
	store *store.Store
	clock *mclock.Clock
	orgs  map[string]store.OrgResult
}

// newServer builds mocksf from cfg, on BaseURL http://127.0.0.1:8080
// unless cfg says otherwise, and closes it when the test ends.
func newServer(tb testing.TB, cfg mocksf.Config) *fixture {
	tb.Helper()
	if cfg.BaseURL == "" {
		cfg.BaseURL = "http://127.0.0.1:8080"
	}
	srv, err := mocksf.New(cfg)
	if err != nil {
		tb.Fatalf("mocksf.New: %v", err)
	}
	tb.Cleanup(func() { _ = srv.Close() })
	f := &fixture{srv: srv, store: srv.Store(), clock: srv.Clock(), orgs: map[string]store.OrgResult{}}
	for _, o := range f.store.Orgs() {
		f.orgs[o.Name] = store.OrgResult{Org: o, Users: f.store.Users(o.ID)}
	}
	return f
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	return newFixtureFromSeed(tb, testSeed)
}

// newFixtureFromSeed serves the seed on a clock standing at start until a
// test moves it. Requests without a host (httptest's example.com) reach
// the instance host.
func newFixtureFromSeed(tb testing.TB, yaml string) *fixture {
	tb.Helper()
	return newServer(tb, mocksf.Config{InstanceURL: "http://example.com", Seed: []byte(yaml),
		Clock: func() time.Time { return start }})
}

// token issues an access token for the org's n-th user.
func (f *fixture) token(tb testing.TB, org string, user int, scopes ...string) string {
	tb.Helper()
	if len(scopes) == 0 {
		scopes = []string{"api"}
	}
	at, _, err := f.store.IssueTokens("", "key", f.orgs[org].Users[user].ID, scopes, false)
	if err != nil {
		tb.Fatalf("IssueTokens: %v", err)
	}
	return at.Token
}

// serve sends a request to h (mocksf's router) with a bearer token, a
// body and extra headers given as name, value pairs; an empty token or
// header value is not sent.
func serve(h http.Handler, method, path, token, body string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] != "" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// get requests path with a bearer token (none when empty) and extra
// headers given as name, value pairs.
func (f *fixture) get(tb testing.TB, path, token string, headers ...string) *httptest.ResponseRecorder {
	tb.Helper()
	return serve(f.srv, http.MethodGet, path, token, "", headers...)
}

// query runs a SOQL query through /query (or another resource).
func (f *fixture) query(tb testing.TB, resource, soql, token string, headers ...string) *httptest.ResponseRecorder {
	tb.Helper()
	return f.get(tb, "/services/data/v67.0/"+resource+"?q="+url.QueryEscape(soql), token, headers...)
}

// queryPage is a decoded query response.
type queryPage struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL *string           `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

func decode[T any](tb testing.TB, rec *httptest.ResponseRecorder) T {
	tb.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		tb.Fatalf("decoding %s: %v", rec.Body.String(), err)
	}
	return v
}

// decodeStatus is decode of an answer wantStatus has checked.
func decodeStatus[T any](tb testing.TB, rec *httptest.ResponseRecorder, status int) T {
	tb.Helper()
	wantStatus(tb, rec, status)
	return decode[T](tb, rec)
}

// wantStatus fails the test unless the response has the status and a
// JSON content type.
func wantStatus(tb testing.TB, rec *httptest.ResponseRecorder, status int) {
	tb.Helper()
	if rec.Code != status {
		tb.Fatalf("status = %d; want %d; body %s", rec.Code, status, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json;charset=UTF-8" {
		tb.Errorf("Content-Type = %q; want application/json;charset=UTF-8", ct)
	}
}

// wantBody fails the test unless the response has the status and exactly
// the body.
func wantBody(tb testing.TB, rec *httptest.ResponseRecorder, status int, body string) {
	tb.Helper()
	wantStatus(tb, rec, status)
	if got := rec.Body.String(); got != body {
		tb.Errorf("body =\n%s\nwant\n%s", got, body)
	}
}
