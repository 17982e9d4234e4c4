package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
)

// The real program bounds request headers (MaxHeaderBytes 64 KiB): a
// 1 MiB header is answered 431 by net/http, and Beacon serves on.
func TestRunRefusesOversizedHeaders(t *testing.T) {
	base, _ := startRun(t, []string{"-db", ""}, noEnv)
	if got := httpservetest.SendHeader(t, base, "/healthz", 1<<20); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header = %d; want 431", got)
	}
	if got := httpservetest.SendHeader(t, base, "/healthz", 16<<10); got != http.StatusOK {
		t.Errorf("16 KiB header = %d; want 200", got)
	}
}

// Break 12: start-up errors read "client: client: ...", and a database
// file cut to zero bytes was silently taken as a new database, losing the
// stored credentials. Each start-up error now names the program once, and
// an empty database refuses to start, left as it was.
func TestSecurityStartupErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	empty := filepath.Join(dir, "beacon.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The key file of the database that was there.
	if err := os.WriteFile(empty+".key", []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDB := filepath.Join(dir, "other.db")
	os.WriteFile(notDB, []byte(strings.Repeat("not a database\n", 300)), 0o600)
	os.WriteFile(notDB+".key", []byte("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o600)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"empty database", []string{"-db", empty}, empty + " is empty (0 bytes)"},
		{"not a database", []string{"-db", notDB}, notDB + " is not an SQLite database"},
		{"bad base URL", []string{"-db", "", "-base-url", "nope"}, "BaseURL must be an absolute http or https URL"},
		{"bad Salesforce URL", []string{"-db", "", "-salesforce", "login.salesforce.com"}, "SalesforceURL must be"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"client", "-addr", "127.0.0.1:0"}, c.args...)
			err := run(context.Background(), args, noEnv, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run returned nil; want an error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "client: ") || strings.Count(msg, "client:") != 1 || !strings.Contains(msg, c.want) {
				t.Errorf("run: %q; want \"client: \" once, then %q", msg, c.want)
			}
		})
	}
	if info, err := os.Stat(empty); err != nil || info.Size() != 0 {
		t.Errorf("the empty database after the refused start: %v, %v; want it untouched", info, err)
	}
}

// -h and -help print the usage and end well (exit 0); before, run
// returned "flag: help requested" and main exited 1.
func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help"} {
		var help strings.Builder
		if err := run(context.Background(), []string{"client", arg}, noEnv, io.Discard, &help); err != nil {
			t.Errorf("client %s: %v; want nil", arg, err)
		}
		if !strings.Contains(help.String(), "Usage of ") {
			t.Errorf("client %s printed no usage:\n%s", arg, help.String())
		}
	}
}
