package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

var testKey = bytes.Repeat([]byte{7}, store.KeySize)

// open opens the database at path ("" for a temporary one) with key, and
// closes it when the test ends.
func open(t *testing.T, path string, key []byte) *store.Store {
	t.Helper()
	st, err := store.Open(store.Options{Path: path, Key: key})
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestMaskedSecret(t *testing.T) {
	t.Parallel()
	tests := []struct{ secret, want string }{
		{"1955279925675241571", "••••••••1571"},
		{"12345678", "••••••••5678"},
		{"123", "••••"},
	}
	for _, tc := range tests {
		if got := (store.Credentials{ConsumerSecret: tc.secret}).MaskedSecret(); got != tc.want {
			t.Errorf("MaskedSecret(%q) = %q; want %q", tc.secret, got, tc.want)
		}
	}
}

func at(sec int) time.Time { return time.Date(2026, 1, 2, 3, 4, sec, 0, time.UTC) }

func live(id string, sec int, email string) store.RecordVersion {
	return store.RecordVersion{ID: id, LastModified: at(sec), Fields: store.Record{"Id": id, "Email": email}}
}

func TestSavePage(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	mustNil(t, st.Connect(store.Connection{}, []string{"Lead"}))
	save := func(vs ...store.RecordVersion) (int, int) {
		t.Helper()
		a, r, err := st.SavePage("Lead", vs, nil)
		mustNil(t, err)
		return a, r
	}
	email := func(id string) any {
		t.Helper()
		r, ok, err := st.Record("Lead", id)
		mustNil(t, err)
		if !ok {
			return nil
		}
		return r["Email"]
	}

	if a, r := save(live("a", 1, "1"), live("b", 1, "1"), store.RecordVersion{Fields: store.Record{"Email": "no id"}}); a != 2 || r != 0 {
		t.Errorf("first page added %d, removed %d; want 2, 0", a, r)
	}
	if a, _ := save(live("a", 2, "2"), live("c", 1, "1")); a != 1 {
		t.Errorf("second page added %d; want 1", a)
	}
	if n := st.RecordCount("Lead"); n != 3 {
		t.Errorf("count = %d; want 3", n)
	}
	if got := email("a"); got != "2" {
		t.Errorf("record a = %v; want the newer version", got)
	}
	// A page read again, or late, changes nothing.
	if a, _ := save(live("a", 1, "1")); a != 0 || email("a") != "2" {
		t.Errorf("an older version replaced a newer one")
	}
	// Deletions remove, once; an older copy does not bring a record back.
	if _, r := save(store.RecordVersion{ID: "b", LastModified: at(5), Deleted: true}); r != 1 {
		t.Errorf("deletion removed %d; want 1", r)
	}
	if _, r := save(store.RecordVersion{ID: "b", LastModified: at(5), Deleted: true}); r != 0 {
		t.Errorf("second deletion removed %d; want 0", r)
	}
	if a, _ := save(live("b", 1, "old")); a != 0 || email("b") != nil {
		t.Error("an older copy brought a deleted record back")
	}
	if n := st.RecordCount("Lead"); n != 2 {
		t.Errorf("count after deletion = %d; want 2", n)
	}
	// An undelete is a newer version.
	if a, _ := save(live("b", 9, "back")); a != 1 || email("b") != "back" {
		t.Error("an undeleted record did not come back")
	}
	// A deletion of a record never synced leaves a tombstone only.
	if _, r := save(store.RecordVersion{ID: "z", LastModified: at(5), Deleted: true}); r != 0 || st.RecordCount("Lead") != 3 {
		t.Errorf("unknown deletion removed %d; count %d; want 0, 3", r, st.RecordCount("Lead"))
	}
	// RecordIDs lists the live records only, tombstones left out.
	ids, err := st.RecordIDs("Lead")
	mustNil(t, err)
	if got := strings.Join(ids, ","); got != "a,b,c" {
		t.Errorf("RecordIDs = %s; want a,b,c", got)
	}
}

func TestSavePageWithCursor(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	mustNil(t, st.Connect(store.Connection{}, []string{"Lead"}))
	if c, err := st.Cursor("Lead"); err != nil || c != (store.Cursor{}) {
		t.Fatalf("Cursor of a new object = %+v, %v; want zero", c, err)
	}
	want := store.Cursor{Pulling: true, PullFrom: at(3), NextRecordsURL: "/services/data/v67.0/query/01gX-2000", ReplicatedTo: at(0)}
	if _, _, err := st.SavePage("Lead", []store.RecordVersion{live("a", 3, "x")}, &want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Cursor("Lead")
	if err != nil || !got.PullFrom.Equal(want.PullFrom) || got.NextRecordsURL != want.NextRecordsURL || !got.Pulling || got.FullDone || !got.ReplicatedTo.Equal(at(0)) {
		t.Errorf("Cursor = %+v, %v; want %+v", got, err, want)
	}
}

func TestConcurrentSavePages(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	mustNil(t, st.Connect(store.Connection{}, []string{"Lead"}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 50 {
				if _, _, err := st.SavePage("Lead", []store.RecordVersion{live(fmt.Sprint(i), 1, "")}, nil); err != nil {
					t.Error(err)
				}
				_ = st.Status()
			}
		})
	}
	wg.Wait()
	if n := st.RecordCount("Lead"); n != 50 {
		t.Errorf("count = %d; want 50", n)
	}
}

func TestUpdateTokenOnlyForItsConnection(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	first := &oauth2.Token{AccessToken: "1"}
	mustNil(t, st.Connect(store.Connection{Token: first, InstanceURL: "https://a"}, nil))
	second := &oauth2.Token{AccessToken: "2"}
	mustNil(t, st.UpdateToken(first, second, "https://b"))
	if c, _ := st.Connection(); c.Token != second || c.InstanceURL != "https://b" {
		t.Errorf("connection = %+v; want the refreshed token and instance", c)
	}
	mustNil(t, st.UpdateToken(first, &oauth2.Token{AccessToken: "stale"}, ""))
	if c, _ := st.Connection(); c.Token != second {
		t.Error("a refresh of a replaced token changed the connection")
	}
}

func TestPending(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	tok := &oauth2.Token{AccessToken: "a"}
	if old, err := st.SetPending(store.Connection{Token: tok}); old != nil || err != nil {
		t.Errorf("SetPending = %v, %v on an empty store", old, err)
	}
	mustNil(t, st.SetPendingIdentity("other", store.Identity{Username: "x"}))
	if p, _ := st.Pending(); p.Identity != nil {
		t.Error("identity set for another token")
	}
	mustNil(t, st.SetPendingIdentity("a", store.Identity{Username: "u"}))
	p, ok, err := st.TakePending()
	if !ok || err != nil || p.Identity == nil || p.Identity.Username != "u" {
		t.Errorf("TakePending = %+v, %v, %v", p, ok, err)
	}
	if _, ok := st.Pending(); ok {
		t.Error("still pending after TakePending")
	}
}

func TestRecordSyncStates(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	if ok, _ := st.StartRecordSync(); ok {
		t.Error("started without a connection")
	}
	mustNil(t, st.Connect(store.Connection{}, []string{"Lead"}))
	first, _ := st.StartRecordSync()
	second, _ := st.StartRecordSync()
	if !first || second {
		t.Error("want exactly one start")
	}
	mustNil(t, st.RecordSyncFailed(fmt.Errorf("boom")))
	if ok, _ := st.StartRecordSync(); !ok {
		t.Error("cannot restart after a failure")
	}
}

// secretToken is a token with Salesforce's extra fields.
func secretToken() *oauth2.Token {
	return (&oauth2.Token{AccessToken: "00D000000000001!AQsecret-access", RefreshToken: "5Aep861secret-refresh", TokenType: "Bearer"}).
		WithExtra(map[string]any{"instance_url": "https://acme.my.salesforce.com", "id": "https://login.salesforce.com/id/00D/005",
			"issued_at": "1771257689412", "signature": "c2lnbmF0dXJl", "scope": "api refresh_token id"})
}

func TestPersistence(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "beacon.db")
	st, err := store.Open(store.Options{Path: path, Key: testKey, Describe: func(err error) string { return "described: " + err.Error() }})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "0123456789ABCDEFsecret0123456789"
	mustNil(t, st.SaveCredentials(store.Credentials{ConsumerKey: "3MVG9key", ConsumerSecret: secret}))
	_, err = st.SetPending(store.Connection{Token: &oauth2.Token{AccessToken: "pending-access-token"}, InstanceURL: "https://p", IdentityURL: "https://p/id"})
	mustNil(t, err)
	connectedAt := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	mustNil(t, st.Connect(store.Connection{Token: secretToken(), InstanceURL: "https://acme.my.salesforce.com", IdentityURL: "https://login.salesforce.com/id/00D/005",
		Identity: &store.Identity{Username: "sync@acme.test", OrganizationID: "00D", UserID: "005", DisplayName: "Sam"}, ConnectedAt: connectedAt},
		[]string{"Lead", "Account"}))
	mustNil(t, st.SetFields("Lead", []store.Field{{Name: "Id", Type: "id"}, {Name: "Email", Type: "email"}}))
	mustNil(t, st.SetFieldPhase("Account", store.PhaseFailed, errors.New("no access")))
	_, _, err = st.SavePage("Lead", []store.RecordVersion{live("00Q1", 1, "a@x"), live("00Q2", 2, "b@x")}, &store.Cursor{FullDone: true, Since: at(2)})
	mustNil(t, err)
	_, err = st.StartRecordSync()
	mustNil(t, err)
	mustNil(t, st.RecordSyncError(errors.New("network down")))
	mustNil(t, st.Close())

	for _, f := range []string{path, path + "-wal"} {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, s := range []string{secret, "secret-access", "secret-refresh", "pending-access-token", "c2lnbmF0dXJl"} {
			if bytes.Contains(raw, []byte(s)) {
				t.Errorf("%s holds %q in the clear", filepath.Base(f), s)
			}
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("database mode = %v, %v; want 0600", info.Mode(), err)
	}

	st = open(t, path, testKey)
	if c, ok := st.Credentials(); !ok || c.ConsumerSecret != secret || c.ConsumerKey != "3MVG9key" {
		t.Errorf("credentials = %+v, %v", c, ok)
	}
	if p, ok := st.Pending(); !ok || p.Token.AccessToken != "pending-access-token" {
		t.Errorf("pending = %+v, %v", p, ok)
	}
	c, ok := st.Connection()
	if !ok || c.Identity == nil || c.Identity.Username != "sync@acme.test" || !c.ConnectedAt.Equal(connectedAt) {
		t.Fatalf("connection = %+v, %v", c, ok)
	}
	if c.Token.RefreshToken != "5Aep861secret-refresh" || c.Token.Extra("signature") != "c2lnbmF0dXJl" || c.Token.Extra("instance_url") != "https://acme.my.salesforce.com" {
		t.Errorf("token = %+v; want it whole with its extra fields", c.Token)
	}
	if f, ok := st.Fields("Lead"); !ok || len(f) != 2 || f[1].Name != "Email" {
		t.Errorf("fields = %v, %v", f, ok)
	}
	s := st.Status()
	if s.Fields[1].Phase != store.PhaseFailed || s.Fields[1].Err == nil || s.Fields[1].Err.Error() != "described: no access" {
		t.Errorf("Account field sync = %+v", s.Fields[1])
	}
	if s.Counts["Lead"] != 2 || s.Sync.State != store.SyncInitial || s.Sync.LastError == nil || s.Sync.LastError.Error() != "described: network down" {
		t.Errorf("status = %+v", s)
	}
	var pe *store.PersistedError
	if !errors.As(s.Sync.LastError, &pe) {
		t.Errorf("last error %T; want *store.PersistedError", s.Sync.LastError)
	}
	if cur, err := st.Cursor("Lead"); err != nil || !cur.FullDone || !cur.Since.Equal(at(2)) {
		t.Errorf("cursor = %+v, %v", cur, err)
	}
}

func TestWrongKey(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	st := open(t, path, testKey)
	mustNil(t, st.Close())
	other := bytes.Repeat([]byte{8}, store.KeySize)
	if _, err := store.Open(store.Options{Path: path, Key: other}); !errors.Is(err, store.ErrWrongKey) {
		t.Errorf("Open with another key = %v; want ErrWrongKey", err)
	}
	if _, err := store.Open(store.Options{Path: path, Key: []byte("short")}); err == nil {
		t.Error("Open with a 5-byte key succeeded")
	}
}

func TestNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	mustNil(t, open(t, path, testKey).Close())
	db, err := sql.Open("sqlite", path)
	mustNil(t, err)
	_, err = db.Exec("PRAGMA user_version = 99")
	mustNil(t, err)
	db.Close()
	if _, err := store.Open(store.Options{Path: path, Key: testKey}); err == nil {
		t.Error("Open of a newer schema succeeded")
	}
}

func TestReopenKeepsSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	for range 3 {
		st, err := store.Open(store.Options{Path: path, Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		mustNil(t, st.Close())
	}
}

func TestTemporaryDatabaseIsRemoved(t *testing.T) {
	t.Parallel()
	st, err := store.Open(store.Options{Key: testKey})
	mustNil(t, err)
	mustNil(t, st.SaveCredentials(store.Credentials{ConsumerKey: "k", ConsumerSecret: "s"}))
	mustNil(t, st.Close())
	// Nothing to check by path: a second temporary store starts empty.
	other := open(t, "", testKey)
	if _, ok := other.Credentials(); ok {
		t.Error("a new temporary store has credentials")
	}
}

func TestConnectKeepsRecordsOfTheSameOrg(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	conn := func(org string) store.Connection {
		return store.Connection{Token: &oauth2.Token{AccessToken: org}, Identity: &store.Identity{OrganizationID: org}}
	}
	mustNil(t, st.Connect(conn("00DA"), []string{"Lead"}))
	_, _, err := st.SavePage("Lead", []store.RecordVersion{live("a", 1, "")}, &store.Cursor{FullDone: true, Since: at(1)})
	mustNil(t, err)

	// Disconnect keeps the records, and so does a new login to the same org.
	old, ok, err := st.Disconnect()
	if err != nil || !ok || old.Token.AccessToken != "00DA" {
		t.Fatalf("Disconnect = %+v, %v, %v", old, ok, err)
	}
	if _, ok := st.Connection(); ok {
		t.Error("still connected after Disconnect")
	}
	if _, ok, _ := st.Disconnect(); ok {
		t.Error("second Disconnect found a connection")
	}
	mustNil(t, st.Connect(conn("00DA"), []string{"Lead"}))
	if n := st.RecordCount("Lead"); n != 1 {
		t.Errorf("count after reconnecting to the same org = %d; want 1", n)
	}
	if c, _ := st.Cursor("Lead"); !c.FullDone {
		t.Error("cursor lost on reconnecting to the same org")
	}
	if s := st.RecordSync(); s.State != store.SyncNotStarted {
		t.Errorf("sync state = %s; want not_started", s.State)
	}

	// Another org's records replace them.
	mustNil(t, st.Connect(conn("00DB"), []string{"Lead"}))
	if n := st.RecordCount("Lead"); n != 0 {
		t.Errorf("count after connecting to another org = %d; want 0", n)
	}
	if c, _ := st.Cursor("Lead"); c.FullDone {
		t.Error("cursor of the other org kept")
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{0xfb}, 32) // base64 with + and / (or - and _)
	for _, text := range []string{
		"+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s=",
		"+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/s",
		"-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s=\n",
	} {
		got, err := store.ParseKey(text)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("ParseKey(%q) = %x, %v", text, got, err)
		}
	}
	for _, text := range []string{"", "not base64!", "c2hvcnQ="} {
		if _, err := store.ParseKey(text); err == nil {
			t.Errorf("ParseKey(%q) succeeded", text)
		}
	}
}

func TestKeyFile(t *testing.T) {
	t.Parallel()
	path := store.KeyFilePath(filepath.Join(t.TempDir(), "data", "beacon.db"))
	first, err := store.LoadOrCreateKeyFile(path)
	if err != nil || len(first) != store.KeySize {
		t.Fatalf("LoadOrCreateKeyFile = %x, %v", first, err)
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, %v; want 0600", info.Mode(), err)
	}
	again, err := store.LoadOrCreateKeyFile(path)
	if err != nil || !bytes.Equal(first, again) {
		t.Errorf("second LoadOrCreateKeyFile = %x, %v; want the same key", again, err)
	}
	mustNil(t, os.Chmod(path, 0o644))
	if _, err := store.LoadOrCreateKeyFile(path); err == nil {
		t.Error("a key file readable by others was accepted")
	}
}

func TestClientCredentialsConnectionPersists(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	st := open(t, path, testKey)
	mustNil(t, st.Connect(store.Connection{Flow: store.FlowClientCredentials, MyDomainURL: "https://acme.my.salesforce.com",
		Token: &oauth2.Token{AccessToken: "cc-access"}, InstanceURL: "https://acme.my.salesforce.com",
		Identity: &store.Identity{Username: "integration@acme.test", OrganizationID: "00D"}}, []string{"Lead"}))
	c, _ := st.Connection()
	// A refresh keeps how the connection gets its tokens.
	mustNil(t, st.UpdateToken(c.Token, &oauth2.Token{AccessToken: "cc-access-2"}, ""))
	mustNil(t, st.Close())

	st = open(t, path, testKey)
	c, ok := st.Connection()
	if !ok || c.Flow != store.FlowClientCredentials || c.MyDomainURL != "https://acme.my.salesforce.com" || c.Token.AccessToken != "cc-access-2" {
		t.Errorf("connection = %+v, %v; want the client credentials one with its My Domain URL", c, ok)
	}
}

// TestMigrateKeepsWebServerConnection opens a database of the first
// schema, with a Login with Salesforce connection in it, and checks that
// the connection reads back as one after the migration.
func TestMigrateKeepsWebServerConnection(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	st := open(t, path, testKey)
	mustNil(t, st.Connect(store.Connection{Token: &oauth2.Token{AccessToken: "a", RefreshToken: "r"}, InstanceURL: "https://i"}, []string{"Lead"}))
	mustNil(t, st.Close())
	// Back to schema 1: drop what migration 2 added.
	db, err := sql.Open("sqlite", path)
	mustNil(t, err)
	for _, q := range []string{"ALTER TABLE connections DROP COLUMN flow", "ALTER TABLE connections DROP COLUMN my_domain_url", "PRAGMA user_version = 1"} {
		_, err := db.Exec(q)
		mustNil(t, err)
	}
	db.Close()

	st = open(t, path, testKey)
	c, ok := st.Connection()
	if !ok || c.Flow != store.FlowWebServer || c.MyDomainURL != "" || c.Token.RefreshToken != "r" {
		t.Errorf("connection after the migration = %+v, %v; want the web server one", c, ok)
	}
}

// TestChangedWakesOnEveryStatusWrite checks that each write the page's
// status shows closes the channel Changed returned before it, and that
// Status then already holds the write: the status stream reads it right
// after the wake-up.
func TestChangedWakesOnEveryStatusWrite(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	tok := &oauth2.Token{AccessToken: "a1"}
	tests := []struct {
		name  string
		write func() error
		shown func(store.Status) bool
	}{
		{"Connect", func() error {
			return st.Connect(store.Connection{Token: tok, Identity: &store.Identity{Username: "sync@acme.test"}}, []string{"Lead"})
		}, func(s store.Status) bool { return s.Connection != nil }},
		{"UpdateToken", func() error { return st.UpdateToken(tok, &oauth2.Token{AccessToken: "a2"}, "") },
			func(s store.Status) bool { return s.Connection.Token.AccessToken == "a2" }},
		{"SetFieldPhase", func() error { return st.SetFieldPhase("Lead", store.PhaseRunning, nil) },
			func(s store.Status) bool { return s.Fields[0].Phase == store.PhaseRunning }},
		{"SetFields", func() error { return st.SetFields("Lead", []store.Field{{Name: "Id", Type: "id"}}) },
			func(s store.Status) bool { return s.Fields[0].Phase == store.PhaseDone }},
		{"StartRecordSync", func() error { _, err := st.StartRecordSync(); return err },
			func(s store.Status) bool { return s.Sync.State == store.SyncInitial }},
		{"SavePage", func() error {
			_, _, err := st.SavePage("Lead", []store.RecordVersion{live("a", 1, "1")}, nil)
			return err
		},
			func(s store.Status) bool { return s.Counts["Lead"] == 1 }},
		{"RecordSyncError", func() error { return st.RecordSyncError(errors.New("HTTP 503")) },
			func(s store.Status) bool { return s.Sync.LastError != nil }},
		{"RecordSyncRunning", func() error { return st.RecordSyncRunning(at(2)) },
			func(s store.Status) bool { return s.Sync.State == store.SyncRunning && s.Sync.LastError == nil }},
		{"RecordSyncFailed", func() error { return st.RecordSyncFailed(errors.New("invalid_grant")) },
			func(s store.Status) bool { return s.Sync.State == store.SyncFailed }},
		{"Disconnect", func() error { _, _, err := st.Disconnect(); return err },
			func(s store.Status) bool { return s.Connection == nil }},
	}
	for _, tc := range tests {
		changed, before := st.Changed(), st.Status().Version
		select {
		case <-changed:
			t.Fatalf("before %s: Changed is closed already", tc.name)
		default:
		}
		mustNil(t, tc.write())
		if after := st.Status().Version; after <= before {
			t.Errorf("%s left Status.Version at %d (before: %d); want it higher", tc.name, after, before)
		}
		select {
		case <-changed:
		default:
			t.Errorf("%s did not close the channel Changed returned before it", tc.name)
		}
		if !tc.shown(st.Status()) {
			t.Errorf("after %s woke Changed, Status does not show it: %+v", tc.name, st.Status())
		}
	}
}

// A store opened again (Beacon restarted) counts its versions on from
// above the last one's, so that a page open across the restart takes its
// statuses as newer; and they stay exact in a JavaScript number.
func TestStatusVersionGrowsAcrossOpens(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "beacon.db")
	first := open(t, path, testKey)
	for range 100 {
		mustNil(t, first.SetFieldPhase("Lead", store.PhaseRunning, nil))
	}
	last := first.Status().Version
	mustNil(t, first.Close())
	second := open(t, path, testKey)
	if v := second.Status().Version; v <= last || v > 1<<53 {
		t.Errorf("the reopened store's Version = %d; want above the last one's %d and at most 2^53", v, last)
	}
}
