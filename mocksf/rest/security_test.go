package rest_test

// Hostile growth through the REST API: creates that would grow an org
// without end.

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
)

// Break 13: an org took records without end. With MaxRecordsPerOrg, a
// create in a full org fails as in a Salesforce org whose data storage
// is full: STORAGE_LIMIT_EXCEEDED "storage limit exceeded", 400 for the
// single-record resource, a per-record error in a collection, and
// nothing stored.
func TestSecurityCreateInAFullOrg(t *testing.T) {
	t.Parallel()
	// coreSeed's Core Corp holds 5 records: room for 1 more.
	f := newServer(t, mocksf.Config{Seed: []byte(coreSeed), MaxRecordsPerOrg: 6})
	c := &coreServer{srv: f.srv, st: f.store, org: f.orgs["Core Corp"].Org, token: f.token(t, "Core Corp", 0)}
	const full = `{"message":"storage limit exceeded","errorCode":"STORAGE_LIMIT_EXCEEDED","fields":[]}`
	steps := []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string // contained in the answer
	}{
		{"the last record that fits", "POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Fits","Company":"C"}`, http.StatusCreated, `"success":true`},
		{"one more", "POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Over","Company":"C"}`, http.StatusBadRequest, "[" + full + "]"},
		{"another object", "POST", "/services/data/v67.0/sobjects/Account", `{"Name":"Over"}`, http.StatusBadRequest, "[" + full + "]"},
		{"collection create", "POST", "/services/data/v67.0/composite/sobjects", `{"allOrNone":false,"records":[{"attributes":{"type":"Contact"},"LastName":"Over"}]}`,
			http.StatusOK, `"success":false,"errors":[{"statusCode":"STORAGE_LIMIT_EXCEEDED","message":"storage limit exceeded","fields":[]}]`},
	}
	for _, st := range steps {
		rec := c.do(st.method, st.path, st.body)
		if rec.Code != st.wantStatus || !strings.Contains(rec.Body.String(), st.wantBody) {
			t.Errorf("%s: %d %s; want %d with %s", st.name, rec.Code, rec.Body, st.wantStatus, st.wantBody)
		}
	}
	held := 0
	for _, object := range []string{"Lead", "Account", "Contact"} {
		held += len(f.store.Records(c.org.ID, object))
	}
	if held != 6 {
		t.Errorf("Core Corp holds %d records; want 6, the cap", held)
	}
	// Other orgs have their own room.
	other := &coreServer{srv: f.srv, token: f.token(t, "Other Org", 0)}
	if rec := other.do("POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Own","Company":"C"}`); rec.Code != http.StatusCreated {
		t.Errorf("create in another org: %d %s; want 201", rec.Code, rec.Body)
	}
}

// cursorSeed has two orgs of 500 Leads, the first with two API users, so
// that a query with batchSize=200 leaves a cursor.
const cursorSeed = `
orgs:
  - name: Acme
    users:
      - {username: a1@acme.test, password: Sync-Pass-1}
      - {username: a2@acme.test, password: Sync-Pass-1}
    records:
      generate: {Lead: 500}
  - name: Globex
    users:
      - {username: b1@globex.test, password: Sync-Pass-1}
    records:
      generate: {Lead: 500}
`

// Query cursors are kept per user, 10 each, the oldest released by an
// eleventh, as Salesforce's API guide says ("A user can have up to 10
// query cursors open at a time ... the oldest of the 10 cursors is
// released"); a released locator answers INVALID_QUERY_LOCATOR, and one
// user's queries never release another user's or another org's cursor
// (mocksf kept 1,000 cursors for all orgs together, so 1,001 queries by
// one user took another org's locator and held 6.7 GiB over 200,000
// Leads). A cursor unused for 15 minutes of mocksf's clock expires; a
// use restarts its 15 minutes.
func TestSecurityQueryCursorsPerUser(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, cursorSeed)
	a1, a2, b1 := f.token(t, "Acme", 0), f.token(t, "Acme", 1), f.token(t, "Globex", 0)
	open := func(token string) string {
		t.Helper()
		rec := f.query(t, "query", "SELECT Id FROM Lead", token, "Sforce-Query-Options", "batchSize=200")
		page := decodeStatus[queryPage](t, rec, 200)
		if page.NextRecordsURL == nil {
			t.Fatal("a query of 500 Leads in batches of 200 left no cursor")
		}
		return *page.NextRecordsURL
	}
	otherOrg, otherUser := open(b1), open(a2)
	var mine []string
	for range 11 {
		mine = append(mine, open(a1))
	}
	tests := []struct {
		name    string
		next    string
		token   string
		wantOK  bool
		advance time.Duration // moved on mocksf's clock first
	}{
		{"a1's first, released by its eleventh", mine[0], a1, false, 0},
		{"a1's second, within the 10", mine[1], a1, true, 0},
		{"a1's newest", mine[10], a1, true, 0},
		{"another user's, opened before", otherUser, a2, true, 0},
		{"another org's, opened before", otherOrg, b1, true, 0},
		// The cursors just used restart their 15 minutes.
		{"a1's newest 14 minutes after its use", mine[10], a1, true, 14 * time.Minute},
		{"a1's third, unused for 15 minutes", mine[2], a1, false, time.Minute + time.Second},
		{"a1's newest, 14 minutes after", mine[10], a1, true, 13 * time.Minute},
		{"another org's, unused for 15 minutes", otherOrg, b1, false, 2 * time.Minute},
	}
	for _, tt := range tests {
		f.clock.Advance(tt.advance)
		rec := f.get(t, tt.next, tt.token)
		if tt.wantOK {
			if rec.Code != 200 {
				t.Errorf("%s: %d %s; want 200", tt.name, rec.Code, rec.Body.String())
			}
			continue
		}
		if rec.Code != 400 || rec.Body.String() != bodyBadLocator {
			t.Errorf("%s: %d %.200s; want 400 %s", tt.name, rec.Code, rec.Body.String(), bodyBadLocator)
		}
	}
	// The /queryAll spelling of a released locator is released too.
	if rec := f.get(t, strings.Replace(mine[0], "/query/", "/queryAll/", 1), a1); rec.Code != 400 {
		t.Errorf("queryAll of the released locator: %d; want 400", rec.Code)
	}
}
