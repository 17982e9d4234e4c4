package rest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gorilla/mux"

	mclock "github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/store"
)

// newRouter mounts the REST handlers as mocksf's main router does
// (mocksf/routes.go), over a store the tests build by hand.
// TestServerRoutes drives the same routes through the real mocksf.New
// router, so a wiring mistake there does not hide behind this copy.
func newRouter(api rest.Deps) *mux.Router {
	api.Router = &rest.Router{}
	r := mux.NewRouter()
	r.Handle("/services/data", rest.HandleVersions(api)).Methods("GET")
	r.Handle("/services/data/", rest.HandleVersions(api)).Methods("GET")
	v := r.PathPrefix("/services/data/{version:v[0-9]+\\.[0-9]}").Subrouter()
	v.Use(rest.RequireSession(api))
	v.NotFoundHandler = rest.RequireSession(api)(rest.HandleNotFound())
	get := func(h http.Handler) rest.Methods { return rest.Methods{"GET": h} }
	v.Handle("", get(rest.HandleResources(api)))
	v.Handle("/", get(rest.HandleResources(api)))
	v.Handle("/limits", get(rest.HandleLimits(api)))
	v.Handle("/sobjects", get(rest.HandleGlobalDescribe(api)))
	v.Handle("/sobjects/{object}/describe", get(rest.HandleDescribe(api)))
	v.Handle("/sobjects/{object}/updated", get(rest.HandleUpdated(api)))
	v.Handle("/sobjects/{object}/updated/", get(rest.HandleUpdated(api)))
	v.Handle("/sobjects/{object}/deleted", get(rest.HandleDeleted(api)))
	v.Handle("/sobjects/{object}/deleted/", get(rest.HandleDeleted(api)))
	v.Handle("/sobjects/{object}", rest.Methods{"GET": rest.HandleSObjectBasic(api), "POST": rest.HandleCreate(api)})
	record, byExternalID := rest.HandleRecord(api), rest.HandleExternalID(api)
	v.Handle("/sobjects/{object}/{id}", rest.Methods{"GET": record, "PATCH": record, "DELETE": record})
	v.Handle("/sobjects/{object}/{field}/{value}", rest.Methods{"GET": byExternalID, "PATCH": byExternalID, "DELETE": byExternalID})
	v.Handle("/query", get(rest.HandleQuery(api, false)))
	v.Handle("/queryAll", get(rest.HandleQuery(api, true)))
	v.Handle("/query/{locator}", get(rest.HandleQueryMore(api)))
	v.Handle("/queryAll/{locator}", get(rest.HandleQueryMore(api)))

	// SObject Collections and Composite (docs/mocksf-rest.md, "Composite
	// and collections"); subrequests go back through this router.
	collections, retrieve := rest.HandleCollections(api), rest.HandleCollectionRetrieve(api)
	v.Handle("/composite/sobjects", rest.Methods{"POST": collections, "PATCH": collections, "DELETE": collections})
	v.Handle("/composite/sobjects/{object}", rest.Methods{"GET": retrieve, "POST": retrieve})
	v.Handle("/composite/sobjects/{object}/{field}", rest.Methods{"PATCH": rest.HandleCollectionUpsert(api)})
	v.Handle("/composite", rest.Methods{"POST": rest.HandleComposite(api)})
	v.Handle("/composite/batch", rest.Methods{"POST": rest.HandleBatch(api)})
	v.Handle("/composite/tree/{object}", rest.Methods{"POST": rest.HandleTree(api)})
	api.Router.Set(r)
	return r
}

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

// fixture is a seeded store served by the REST router.
type fixture struct {
	store   *store.Store
	clock   *mclock.Clock
	handler http.Handler
	orgs    map[string]store.OrgResult
}

func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	return newFixtureFromSeed(tb, testSeed)
}

func newFixtureFromSeed(tb testing.TB, yaml string) *fixture {
	tb.Helper()
	c := mclock.At(start)
	st := store.New(c.Now)
	seed, err := store.ParseSeed([]byte(yaml))
	if err != nil {
		tb.Fatalf("ParseSeed: %v", err)
	}
	results, err := st.Apply(seed)
	if err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	f := &fixture{store: st, clock: c, orgs: map[string]store.OrgResult{}}
	for _, r := range results {
		f.orgs[r.Org.Name] = r
	}
	f.handler = newRouter(rest.Deps{Store: st, BaseURL: "http://127.0.0.1:8080/", NewestVersion: "67.0"})
	return f
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

// get requests path with a bearer token (none when empty) and extra
// headers given as name, value pairs.
func (f *fixture) get(tb testing.TB, path, token string, headers ...string) *httptest.ResponseRecorder {
	tb.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	return rec
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
