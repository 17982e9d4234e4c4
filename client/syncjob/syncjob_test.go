package syncjob_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client/internal/fakesalesforce"
	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"golang.org/x/oauth2"
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
		since time.Time
		want  string
	}{
		{time.Time{}, "SELECT Id, Name FROM Account"},
		{since, "SELECT Id, Name FROM Account WHERE LastModifiedDate > 2026-01-02T03:04:05Z"},
	}
	for _, tc := range tests {
		if got := syncjob.SelectQuery("Account", []string{"Id", "Name"}, tc.since); got != tc.want {
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

// connected returns a store connected to fake and a REST client for it.
func connected(t *testing.T, fake *fakesalesforce.Server) (*store.Store, *salesforce.Client) {
	t.Helper()
	access, refresh := fake.IssueToken()
	tok := &oauth2.Token{AccessToken: access, RefreshToken: refresh}
	st := store.New()
	st.Connect(store.Connection{Token: tok, InstanceURL: fake.URL}, syncjob.Objects)
	api := salesforce.NewClient(salesforce.Config{
		OAuth:       salesforce.OAuthConfig(fake.URL, fakesalesforce.ConsumerKey, fakesalesforce.ConsumerSecret, "http://127.0.0.1/cb"),
		InstanceURL: fake.URL,
		Token:       tok,
	})
	return st, api
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func TestSyncFields(t *testing.T) {
	t.Parallel()
	fake := fakesalesforce.New(t)
	st, api := connected(t, fake)
	if err := syncjob.SyncFields(context.Background(), api, st, discard); err != nil {
		t.Fatalf("SyncFields: %v", err)
	}
	if !st.FieldSyncDone() {
		t.Error("field sync not done")
	}
	want := map[string]int{"Lead": 37, "Contact": 17, "Account": 17}
	for o, n := range want {
		f, ok := st.Fields(o)
		if !ok || len(f) != n {
			t.Errorf("%s: %d fields, ok %v; want %d", o, len(f), ok, n)
		}
	}
}

func TestRecordSyncIncremental(t *testing.T) {
	t.Parallel()
	fake := fakesalesforce.New(t)
	fake.SetPageSize(100)
	ids := fake.AddRecords("Lead", 250)
	st, api := connected(t, fake)
	if err := syncjob.SyncFields(context.Background(), api, st, discard); err != nil {
		t.Fatal(err)
	}
	if !st.StartRecordSync() {
		t.Fatal("StartRecordSync = false")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	rs := &syncjob.RecordSync{API: api, Store: st, Interval: 10 * time.Millisecond, Logger: discard}
	go func() { done <- rs.Run(ctx) }()

	waitFor(t, "first pull", func() bool { return st.RecordSync().State == store.SyncRunning })
	if n := st.RecordCount("Lead"); n != 250 {
		t.Errorf("Lead count = %d; want 250", n)
	}
	fake.UpdateRecord("Lead", ids[7], "Email", "new@example.com")
	waitFor(t, "the change", func() bool {
		r, _ := st.Record("Lead", ids[7])
		return r["Email"] == "new@example.com"
	})
	if n := st.RecordCount("Lead"); n != 250 {
		t.Errorf("Lead count after the change = %d; want 250", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v after cancel; want nil", err)
	}
	// Leads are pulled incrementally; Accounts, of which there are none
	// yet, in full each time.
	var lastLead string
	for _, q := range fake.Queries() {
		if strings.Contains(q, " FROM Lead") {
			lastLead = q
		}
	}
	if !strings.HasPrefix(lastLead, "SELECT Id, LastModifiedDate, FirstName, LastName, Company, Email FROM Lead WHERE LastModifiedDate > 2026-01-02T") {
		t.Errorf("last Lead query %q is not incremental", lastLead)
	}
}

func TestRecordSyncStopsOnAdminError(t *testing.T) {
	t.Parallel()
	fake := fakesalesforce.New(t)
	st, api := connected(t, fake)
	if err := syncjob.SyncFields(context.Background(), api, st, discard); err != nil {
		t.Fatal(err)
	}
	fake.SetAPIDisabled(true)
	st.StartRecordSync()
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
