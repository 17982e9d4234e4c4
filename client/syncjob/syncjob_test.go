package syncjob_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

func TestSelectFields(t *testing.T) {
	t.Parallel()
	fields := func(names ...string) []store.Field {
		var out []store.Field
		for _, n := range names {
			out = append(out, store.Field{Name: n})
		}
		return out
	}
	tests := []struct {
		object    string
		described []store.Field
		want      string
	}{
		{"Lead", fields("Id", "Email", "Company", "LastName", "FirstName", "Phone"), "Id LastModifiedDate FirstName LastName Company Email"},
		{"Lead", fields("Id", "LastName"), "Id LastModifiedDate LastName"},
		{"Contact", fields("FirstName", "LastName", "Email"), "Id LastModifiedDate FirstName LastName Email"},
		{"Account", fields("Name", "Industry"), "Id LastModifiedDate Name"},
		{"Account", nil, "Id LastModifiedDate"},
	}
	for _, tc := range tests {
		if got := strings.Join(syncjob.SelectFields(tc.object, tc.described), " "); got != tc.want {
			t.Errorf("SelectFields(%s) = %q; want %q", tc.object, got, tc.want)
		}
	}
}

func TestSelectQuery(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 1, 2, 4, 4, 5, 999e6, time.FixedZone("CET", 3600))
	tests := []struct {
		since     time.Time
		inclusive bool
		want      string
	}{
		{time.Time{}, false, "SELECT Id, Name FROM Account ORDER BY LastModifiedDate"},
		{since, false, "SELECT Id, Name FROM Account WHERE LastModifiedDate > 2026-01-02T03:04:05Z ORDER BY LastModifiedDate"},
		{since, true, "SELECT Id, Name FROM Account WHERE LastModifiedDate >= 2026-01-02T03:04:05Z ORDER BY LastModifiedDate"},
	}
	for _, tc := range tests {
		if got := syncjob.SelectQuery("Account", []string{"Id", "Name"}, tc.since, tc.inclusive); got != tc.want {
			t.Errorf("SelectQuery = %q; want %q", got, tc.want)
		}
	}
}

func TestParseDateTime(t *testing.T) {
	t.Parallel()
	want := time.Date(2021, 4, 28, 20, 54, 9, 0, time.UTC)
	for _, s := range []string{"2021-04-28T20:54:09.000+0000", "2021-04-28T20:54:09+0000", "2021-04-28T20:54:09Z", "2021-04-28T22:54:09.000+0200"} {
		got, err := syncjob.ParseDateTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDateTime(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if _, err := syncjob.ParseDateTime("yesterday"); err == nil {
		t.Error("ParseDateTime(yesterday) = nil error")
	}
}

// sf is mocksf with one org, a sync user and Beacon's app, on a frozen
// clock that each change moves a second, so LastModifiedDates are
// exact.
type sf struct {
	*mocksftest.Server
	org mocksftest.Org
}

func newSF(t *testing.T) *sf {
	t.Helper()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	srv.FreezeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Acme",
		Users: []mocksftest.UserSpec{{Username: "sync@acme.test", Password: "Sync-Pass-1"}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Beacon Sync", CallbackURLs: []string{"http://127.0.0.1/cb"},
			Scopes: []string{"api", "refresh_token", "id"}}},
	})
	return &sf{Server: srv, org: org}
}

// now is mocksf's clock.
func (s *sf) now() time.Time { return s.Mocksf.Clock().Now() }

// addRecords adds n records of object (Lead, Contact or Account), each
// a second after the previous change, and returns their ids.
func (s *sf) addRecords(t *testing.T, object string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	first := len(s.Mocksf.Store().RecordSnapshot(s.org.ID, object)) + 1
	for i := range n {
		seq := first + i
		fields := map[string]any{}
		switch object {
		case "Lead":
			fields = map[string]any{"FirstName": "Lee", "LastName": fmt.Sprintf("Lead %d", seq),
				"Company": fmt.Sprintf("Company %d", seq), "Email": fmt.Sprintf("lead%d@example.com", seq)}
		case "Contact":
			fields = map[string]any{"FirstName": "Cora", "LastName": fmt.Sprintf("Contact %d", seq), "Email": fmt.Sprintf("contact%d@example.com", seq)}
		case "Account":
			fields = map[string]any{"Name": fmt.Sprintf("Account %d", seq)}
		}
		ids[i] = s.InsertRecord(t, s.org.ID, object, fields)
	}
	return ids
}

// The replication resources, as fault and journal path patterns.
const (
	queryAllPath = "/services/data/*/queryAll"
	deletedPath  = "/services/data/*/sobjects/*/deleted/**"
	updatedPath  = "/services/data/*/sobjects/*/updated/**"
)

// requests counts the requests mocksf got on a path pattern.
func (s *sf) requests(path string) int {
	return len(s.Requests(mocksftest.RequestFilter{Path: path}))
}

// connected returns a store connected to s, with its field sync done,
// and a REST client for it.
func connected(t *testing.T, s *sf) (*store.Store, *salesforce.Client) {
	t.Helper()
	st, err := store.Open(store.Options{Key: make([]byte, store.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	app := s.org.ConnectedApps[0]
	tok := s.IssueToken(t, s.org.Users[0].ID, app.ConsumerKey, "api", "refresh_token", "id")
	if err := st.Connect(store.Connection{Token: tok, InstanceURL: s.org.InstanceURL}, syncjob.Objects); err != nil {
		t.Fatal(err)
	}
	api := salesforce.NewClient(salesforce.Config{
		OAuth:        salesforce.OAuthConfig(s.URL, app.ConsumerKey, app.ConsumerSecret, "http://127.0.0.1/cb"),
		InstanceURL:  s.org.InstanceURL,
		Token:        tok,
		MaxRetries:   -1,
		RetryBackoff: time.Millisecond,
	})
	return st, api
}

// fieldsDone runs the field sync and starts the record sync state.
func fieldsDone(t *testing.T, st *store.Store, api syncjob.API) {
	t.Helper()
	if err := syncjob.SyncFields(context.Background(), api, st, discard); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.StartRecordSync(); !ok || err != nil {
		t.Fatalf("StartRecordSync = %v, %v", ok, err)
	}
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// run runs rs until the test ends or stop is called, which waits for it.
func run(t *testing.T, rs *syncjob.RecordSync) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rs.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

func record(t *testing.T, st *store.Store, object, id string) store.Record {
	t.Helper()
	r, ok, err := st.Record(object, id)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return nil
	}
	return r
}

func TestSyncFields(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := connected(t, fake)
	if err := syncjob.SyncFields(context.Background(), api, st, discard); err != nil {
		t.Fatalf("SyncFields: %v", err)
	}
	if !st.FieldSyncDone() {
		t.Error("field sync not done")
	}
	for _, o := range syncjob.Objects {
		d, err := api.Describe(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		n := len(d.Fields)
		f, ok := st.Fields(o)
		if !ok || len(f) != n {
			t.Errorf("%s: %d fields, ok %v; want %d", o, len(f), ok, n)
		}
	}
}

func TestRecordSyncIncremental(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	fake.PageSize(t, 200)
	ids := fake.addRecords(t, "Lead", 250)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	stop := run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard})

	waitFor(t, "first pull", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := st.RecordCount("Lead"); n != 250 {
		t.Errorf("Lead count = %d; want 250", n)
	}
	fake.UpdateRecord(t, fake.org.ID, "Lead", ids[7], map[string]any{"Email": "new@example.com"})
	waitFor(t, "the change", func() bool { return record(t, st, "Lead", ids[7])["Email"] == "new@example.com" })
	if n := st.RecordCount("Lead"); n != 250 {
		t.Errorf("Lead count after the change = %d; want 250", n)
	}
	if err := stop(); err != nil {
		t.Errorf("Run = %v after cancel; want nil", err)
	}
	// Leads are pulled incrementally from queryAll; Accounts, of which
	// there are none yet, in full each time.
	var lastLead string
	for _, q := range fake.Queries() {
		if strings.Contains(q, " FROM Lead") {
			lastLead = q
		}
	}
	want := "SELECT Id, LastModifiedDate, FirstName, LastName, Company, Email, IsDeleted FROM Lead WHERE LastModifiedDate > 2026-01-02T"
	if !strings.HasPrefix(lastLead, want) || !strings.HasSuffix(lastLead, " ORDER BY LastModifiedDate") {
		t.Errorf("last Lead query %q; want %q...", lastLead, want)
	}
	if fake.requests(queryAllPath) == 0 {
		t.Error("no queryAll requests")
	}
	if r := record(t, st, "Lead", ids[0]); r == nil || r["IsDeleted"] != nil || r["Company"] != "Company 1" {
		t.Errorf("stored record = %v; want its fields without IsDeleted", r)
	}
}

func TestRecordSyncDeletionsFromQueryAll(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	ids := fake.addRecords(t, "Contact", 5)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, ReplicationEvery: -1, Logger: discard})
	waitFor(t, "first pull", func() bool { return st.RecordCount("Contact") == 5 })
	fake.DeleteRecord(t, fake.org.ID, "Contact", ids[2])
	waitFor(t, "the deletion", func() bool { return st.RecordCount("Contact") == 4 })
	if record(t, st, "Contact", ids[2]) != nil {
		t.Error("deleted record still readable")
	}
	if n := fake.requests(deletedPath); n != 0 {
		t.Errorf("fake saw %d deleted requests with replication off; want 0", n)
	}
}

func TestRecordSyncReplication(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	ids := fake.addRecords(t, "Lead", 5)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	rs := &syncjob.RecordSync{API: api, Store: st, Interval: 5 * time.Millisecond, ReplicationEvery: 2 * time.Minute, Logger: discard, Now: fake.now}
	run(t, rs)
	waitFor(t, "first pull", func() bool { return st.RecordSync().State == store.SyncRunning })

	// A change that commits late, with a LastModifiedDate older than what
	// the sync already pulled: LastModifiedDate polling misses it, the
	// updated resource does not.
	fake.CommitLate(t, fake.org.ID, "Lead", ids[1], map[string]any{"Email": "late@example.com"}, time.Date(2026, 1, 2, 3, 4, 8, 0, time.UTC))
	fake.DeleteRecord(t, fake.org.ID, "Lead", ids[3])
	waitFor(t, "the deletion", func() bool { return st.RecordCount("Lead") == 4 })
	time.Sleep(50 * time.Millisecond)
	if got := record(t, st, "Lead", ids[1])["Email"]; got == "late@example.com" {
		t.Fatal("the late change arrived before the replication window opened")
	}
	fake.Mocksf.Clock().Advance(3 * time.Minute)
	waitFor(t, "the late change", func() bool { return record(t, st, "Lead", ids[1])["Email"] == "late@example.com" })
	if fake.requests(deletedPath) == 0 || fake.requests(updatedPath) == 0 {
		t.Errorf("fake saw %d deleted and %d updated requests; want some", fake.requests(deletedPath), fake.requests(updatedPath))
	}
	if n := st.RecordCount("Lead"); n != 4 {
		t.Errorf("count = %d; want 4", n)
	}
	var byID bool
	for _, q := range fake.Queries() {
		byID = byID || strings.Contains(q, "FROM Lead WHERE Id IN (") && strings.Contains(q, "'"+ids[1]+"'")
	}
	if !byID {
		t.Error("the late change was not fetched by id")
	}
	if s := st.RecordSync(); s.LastError != nil {
		t.Errorf("last error = %v", s.LastError)
	}
}

func TestRecordSyncWithoutReplicationAPI(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	fake.Fault(t, mocksftest.Rule{Path: deletedPath, SalesforceError: "NOT_FOUND"})
	fake.Fault(t, mocksftest.Rule{Path: updatedPath, SalesforceError: "NOT_FOUND"})
	ids := fake.addRecords(t, "Account", 3)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 5 * time.Millisecond, ReplicationEvery: 2 * time.Minute, Logger: discard, Now: fake.now})
	waitFor(t, "first pull", func() bool { return st.RecordSync().State == store.SyncRunning })
	fake.Mocksf.Clock().Advance(3 * time.Minute)
	fake.DeleteRecord(t, fake.org.ID, "Account", ids[0])
	waitFor(t, "the deletion", func() bool { return st.RecordCount("Account") == 2 })
	before := len(fake.Queries())
	waitFor(t, "more pulls", func() bool { return len(fake.Queries()) > before+6 })
	// One 404 per object, then the sync does without the resource.
	if n := fake.requests(deletedPath); n != 3 {
		t.Errorf("fake saw %d deleted requests; want 3, one per object", n)
	}
	if s := st.RecordSync(); s.State != store.SyncRunning || s.LastError != nil {
		t.Errorf("sync = %+v; want running without error", s)
	}
}

// pullStopped runs a sync that stops in the middle of the Lead pull, once
// its first page is stored, and returns the store and API.
func pullStopped(t *testing.T, fake *sf) (*store.Store, *salesforce.Client) {
	t.Helper()
	fake.PageSize(t, 200)
	fake.addRecords(t, "Lead", 500)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	hold := fake.Fault(t, mocksftest.Rule{Path: mocksftest.QueryMorePath, Hold: true})
	stop := run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard})
	waitFor(t, "the first page", func() bool { return st.RecordCount("Lead") == 200 && fake.Hits(t, hold).HitCount == 1 })
	if err := stop(); err != nil {
		t.Fatalf("Run = %v", err)
	}
	fake.RemoveFault(t, hold)
	cur, err := st.Cursor("Lead")
	if err != nil || !cur.Pulling || cur.FullDone || cur.NextRecordsURL == "" || cur.PullFrom.IsZero() {
		t.Fatalf("cursor after the stop = %+v, %v; want an unfinished pull with its next page", cur, err)
	}
	return st, api
}

func TestRecordSyncResumesFromNextRecordsURL(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := pullStopped(t, fake)
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard})
	waitFor(t, "the rest", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := st.RecordCount("Lead"); n != 500 {
		t.Errorf("Lead count = %d; want 500", n)
	}
	var full int
	for _, q := range fake.Queries() {
		if strings.Contains(q, "FROM Lead") && !strings.Contains(q, "WHERE") {
			full++
		}
	}
	if full != 1 {
		t.Errorf("the full Lead query ran %d times; want once, then the saved nextRecordsUrl", full)
	}
}

func TestRecordSyncResumesAfterLocatorExpired(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := pullStopped(t, fake)
	cur, _ := st.Cursor("Lead")
	// The locators handed out so far are forgotten, as after Salesforce's
	// 15 minutes.
	fake.Fault(t, mocksftest.Rule{Path: mocksftest.QueryMorePath, SalesforceError: "INVALID_QUERY_LOCATOR", Times: 1})
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard})
	waitFor(t, "the rest", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := st.RecordCount("Lead"); n != 500 {
		t.Errorf("Lead count = %d; want 500", n)
	}
	want := "FROM Lead WHERE LastModifiedDate >= " + syncjob.SOQLDateTime(cur.PullFrom) + " ORDER BY LastModifiedDate"
	var resumed bool
	for _, q := range fake.Queries() {
		resumed = resumed || strings.HasSuffix(q, want)
	}
	if !resumed {
		t.Errorf("no query ends with %q: %q", want, fake.Queries())
	}
}

// A locator that expires between two pages of a running query (the org's
// clock moved past Salesforce's 15 minutes, say) does not stop the sync:
// the query goes on from the last page stored.
func TestRecordSyncGoesOnAfterLocatorExpiredMidQuery(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	fake.PageSize(t, 200)
	fake.addRecords(t, "Lead", 500)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	expired := fake.Fault(t, mocksftest.Rule{Path: mocksftest.QueryMorePath, SalesforceError: "INVALID_QUERY_LOCATOR", Times: 1})
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard})
	waitFor(t, "the pull", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := fake.Hits(t, expired).HitCount; n != 1 {
		t.Fatalf("the expired locator was followed %d times; want once", n)
	}
	if n := st.RecordCount("Lead"); n != 500 {
		t.Errorf("Lead count = %d; want 500", n)
	}
	if s := st.RecordSync(); s.LastError != nil {
		t.Errorf("sync = %+v; want running without error", s)
	}
	var again bool
	for _, q := range fake.Queries() {
		again = again || strings.Contains(q, "FROM Lead WHERE LastModifiedDate >= ")
	}
	if !again {
		t.Errorf("no Lead query went on from the last page stored: %q", fake.Queries())
	}
}

func TestRecordSyncRetriesNetworkFailures(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	fake.addRecords(t, "Lead", 3)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	dropped := fake.DropConnections(t, 4)
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, Logger: discard})
	waitFor(t, "the recovery", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := fake.Hits(t, dropped).HitCount; n != 4 {
		t.Errorf("fake dropped %d requests; want 4", n)
	}
	if s := st.RecordSync(); s.LastError != nil || st.RecordCount("Lead") != 3 {
		t.Errorf("sync = %+v with %d leads; want running, no error, 3 leads", s, st.RecordCount("Lead"))
	}
}

func TestRecordSyncKeepsTheLastErrorWhileRetrying(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	dropped := fake.DropConnections(t, 0)
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Logger: discard})
	waitFor(t, "the error", func() bool { return st.RecordSync().LastError != nil })
	s := st.RecordSync()
	if s.State != store.SyncInitial || !salesforce.IsTemporary(s.LastError) {
		t.Errorf("sync = %+v; want still initial with a temporary error", s)
	}
	fake.RemoveFault(t, dropped)
	waitFor(t, "the recovery", func() bool { return st.RecordSync().State == store.SyncRunning })
}

func TestRecordSyncStopsOnAdminError(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := connected(t, fake)
	fieldsDone(t, st, api)
	fake.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "API_DISABLED_FOR_ORG"})
	rs := &syncjob.RecordSync{API: api, Store: st, Interval: time.Millisecond, Logger: discard}
	err := rs.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "API_DISABLED_FOR_ORG") {
		t.Fatalf("Run = %v; want API_DISABLED_FOR_ORG", err)
	}
	if s := st.RecordSync(); s.State != store.SyncFailed || s.Err == nil {
		t.Errorf("state = %+v; want failed with the error", s)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestSyncFieldsRetriesNetworkFailures(t *testing.T) {
	t.Parallel()
	fake := newSF(t)
	st, api := connected(t, fake)
	fake.DropConnections(t, 1)
	done := make(chan error, 1)
	go func() { done <- syncjob.SyncFields(context.Background(), api, st, discard) }()
	waitFor(t, "the failure", func() bool { return st.Status().Fields[0].Phase == store.PhaseFailed })
	if err := st.Status().Fields[0].Err; !salesforce.IsTemporary(err) {
		t.Errorf("Lead failure = %v; want the temporary error", err)
	}
	if err := <-done; err != nil {
		t.Fatalf("SyncFields = %v; want success after the retry", err)
	}
	if !st.FieldSyncDone() {
		t.Error("field sync not done after the retry")
	}
}
