package store_test

// Storage failures Beacon must survive without losing what it stored and
// tell the admin about in plain words: a full disk, a database file cut
// to nothing or replaced, a damaged value.

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client/store"
)

// bigPage is a page of records large enough to need new database pages.
func bigPage(n int) []store.RecordVersion {
	out := make([]store.RecordVersion, n)
	for i := range out {
		out[i] = store.RecordVersion{ID: fmt.Sprintf("00Q%015d", i), Fields: map[string]any{"Description": strings.Repeat("x", 2000)}}
	}
	return out
}

// Break 12: a full disk failed the sync with SQLite's "database or disk
// is full (13)". Writes now fail with a *store.WriteError that says the
// disk is full, nothing of the failed write is kept, and the sync's
// failure shows although the disk refuses to store it.
func TestSecurityFullDisk(t *testing.T) {
	t.Parallel()
	st := open(t, "", testKey)
	if err := st.SaveCredentials(store.Credentials{ConsumerKey: "key", ConsumerSecret: "secret"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SimulateFullDisk(); err != nil {
		t.Fatal(err)
	}
	writes := []struct {
		name  string
		write func() error
	}{
		{"save a page of records", func() error {
			_, _, err := st.SavePage("Lead", bigPage(200), &store.Cursor{FullDone: true})
			return err
		}},
		{"save credentials", func() error {
			return st.SaveCredentials(store.Credentials{ConsumerKey: "key", ConsumerSecret: strings.Repeat("s", 200_000)})
		}},
	}
	for _, w := range writes {
		err := w.write()
		var we *store.WriteError
		if !errors.As(err, &we) || !we.Full {
			t.Errorf("%s on a full disk: %v (%T); want a *store.WriteError with Full", w.name, err, err)
		}
	}
	if n := st.RecordCount("Lead"); n != 0 {
		t.Errorf("after the failed page: %d Leads; want 0", n)
	}
	if c, _ := st.Credentials(); c.ConsumerSecret != "secret" {
		t.Errorf("after the failed save the secret is %d bytes; want the one stored before", len(c.ConsumerSecret))
	}
	_, _, cause := st.SavePage("Lead", bigPage(200), nil)
	st.RecordSyncFailed(cause) // may fail too: the disk is full
	if rs := st.RecordSync(); rs.State != store.SyncFailed || !errors.Is(rs.Err, cause) {
		t.Errorf("record sync after its failure = %+v; want failed with the write's error", rs)
	}
}

// damage replaces the database at path, closed, with what f makes of it.
func damage(t *testing.T, path string, f func(path string)) {
	t.Helper()
	st, err := store.Open(store.Options{Path: path, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveCredentials(store.Credentials{ConsumerKey: "key", ConsumerSecret: "secret"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	f(path)
}

// Break 12: a database file cut to zero bytes was taken for a new one,
// and the stored credentials were gone for good. An empty or foreign file
// now refuses to open, with ErrUnreadable, and is left as it was.
func TestSecurityUnreadableDatabaseRefused(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		breakIt func(path string)
		want    string
	}{
		{"cut to zero bytes", func(p string) { os.Truncate(p, 0) }, "is empty (0 bytes)"},
		{"replaced by a directory", func(p string) { os.Remove(p); os.Mkdir(p, 0o700) }, "is a directory"},
		{"replaced by text", func(p string) { os.WriteFile(p, []byte(strings.Repeat("not a database\n", 300)), 0o600) }, "is not an SQLite database"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "beacon.db")
			damage(t, path, c.breakIt)
			before, _ := os.ReadFile(path)
			st, err := store.Open(store.Options{Path: path, Key: testKey})
			if err == nil {
				st.Close()
				t.Fatal("Open succeeded; want ErrUnreadable")
			}
			if !errors.Is(err, store.ErrUnreadable) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Open: %v; want ErrUnreadable naming %s and saying %q", err, path, c.want)
			}
			if after, _ := os.ReadFile(path); string(after) != string(before) {
				t.Errorf("Open changed the file: %d bytes before, %d after", len(before), len(after))
			}
		})
	}
	t.Run("a new file is still created", func(t *testing.T) {
		t.Parallel()
		open(t, filepath.Join(t.TempDir(), "new", "beacon.db"), testKey)
	})
}

// Break 12: a damaged sealed value was reported as "encrypted with
// another key", sending the admin after the wrong problem. Once the key
// check opens, a value that does not is ErrCorrupt; a wrong key is still
// ErrWrongKey.
func TestSecurityCorruptValueIsNotAWrongKey(t *testing.T) {
	t.Parallel()
	flip := func(p string) {
		db, err := sql.Open("sqlite", p)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		// Every bit of byte 21 is inverted: writing a fixed byte left the
		// value whole whenever the sealed value already held it there.
		var value []byte
		if err := db.QueryRow("SELECT value FROM settings WHERE name = 'consumer_secret'").Scan(&value); err != nil {
			t.Fatal(err)
		}
		value[20] ^= 0xff
		if _, err := db.Exec("UPDATE settings SET value = ? WHERE name = 'consumer_secret'", value); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name    string
		breakIt func(path string)
		key     []byte
		want    error
		notWant error
	}{
		{"damaged secret", flip, testKey, store.ErrCorrupt, store.ErrWrongKey},
		{"cut secret", func(p string) {
			db, _ := sql.Open("sqlite", p)
			defer db.Close()
			db.Exec("UPDATE settings SET value = X'01' WHERE name = 'consumer_secret'")
		}, testKey, store.ErrCorrupt, store.ErrWrongKey},
		{"another key", func(string) {}, []byte(strings.Repeat("k", store.KeySize)), store.ErrWrongKey, store.ErrCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "beacon.db")
			damage(t, path, c.breakIt)
			st, err := store.Open(store.Options{Path: path, Key: c.key})
			if err == nil {
				st.Close()
			}
			if !errors.Is(err, c.want) || errors.Is(err, c.notWant) {
				t.Errorf("Open: %v; want %v, not %v", err, c.want, c.notWant)
			}
		})
	}
}
