package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

func TestRun(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "beacon.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"client", "-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1", "-db", dbPath}, noEnv, outW, io.Discard)
		outW.Close()
	}()

	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "client listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q; want client listening on http://127.0.0.1:PORT", line)
	}
	go io.Copy(io.Discard, outR)

	hc := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		path string
		want string
	}{
		{"/healthz", "ok"},
		{"/admin", `id="nav-crm"`},
		{"/admin/crm/salesforce", `id="consumerKey"`},
	} {
		resp, err := hc.Get(base + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s = %d, body has %q: %v; want 200 and true", tc.path, resp.StatusCode, tc.want, strings.Contains(string(body), tc.want))
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v; want nil after cancel", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		getenv func(string) string
	}{
		{"unknown flag", []string{"client", "-nope"}, noEnv},
		{"bad salesforce URL", []string{"client", "-addr", "127.0.0.1:0", "-salesforce", "login.salesforce.com", "-db", ""}, noEnv},
		{"extra argument", []string{"client", "extra"}, noEnv},
		{"bad BEACON_KEY", []string{"client", "-addr", "127.0.0.1:0", "-db", ""}, func(k string) string {
			if k == "BEACON_KEY" {
				return "c2hvcnQ="
			}
			return ""
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, tc.getenv, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run returned nil; want an error")
			}
		})
	}
}

// startRun runs the program with args and getenv until the test ends or
// stop is called; it returns the base URL it listens on.
func startRun(t *testing.T, args []string, getenv func(string) string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"client", "-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1"}, args...), getenv, outW, io.Discard)
		outW.Close()
	}()
	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("reading the first line: %v (run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, outR)
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() { stop() })
	return strings.TrimPrefix(strings.TrimSpace(line), "client listening on "), stop
}

// saveCredentials saves a Consumer Key and Secret through the page.
func saveCredentials(t *testing.T, base string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 5 * time.Second}
	resp, err := hc.Get(base + "/admin/crm/salesforce")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("no CSRF token:\n%s", body)
	}
	resp, err = hc.PostForm(base+"/admin/crm/salesforce", url.Values{"csrf_token": {html.UnescapeString(m[1])},
		"consumerKey": {"3MVG9fakeConsumerKey.For_Beacon_Tests0123456789"}, "consumerSecret": {"1955279925675241571"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Credentials saved.") {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
}

func savedSecretShown(t *testing.T, base string) bool {
	t.Helper()
	resp, err := http.Get(base + "/admin/crm/salesforce")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return strings.Contains(string(body), `<span id="savedSecret">••••••••1571</span>`)
}

func TestDatabaseSurvivesRestart(t *testing.T) {
	t.Run("key file", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "data", "beacon.db")
		base, stop := startRun(t, []string{"-db", db}, noEnv)
		saveCredentials(t, base)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{db, db + ".key"} {
			if info, err := os.Stat(f); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, %v; want mode 0600", filepath.Base(f), info, err)
			}
		}
		base, _ = startRun(t, []string{"-db", db}, noEnv)
		if !savedSecretShown(t, base) {
			t.Error("the saved credentials are gone after a restart")
		}
	})
	t.Run("BEACON_KEY", func(t *testing.T) {
		t.Parallel()
		db := filepath.Join(t.TempDir(), "beacon.db")
		key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{42}, 32))
		env := func(k string) string {
			if k == "BEACON_KEY" {
				return key
			}
			return ""
		}
		base, stop := startRun(t, []string{"-db", db}, env)
		saveCredentials(t, base)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(db + ".key"); err == nil {
			t.Error("a key file was written although BEACON_KEY is set")
		}
		// Without the key the secrets cannot be read.
		err := run(context.Background(), []string{"client", "-addr", "127.0.0.1:0", "-db", db}, noEnv, io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "set BEACON_KEY") {
			t.Errorf("run without BEACON_KEY = %v; want an error about the key", err)
		}
		if _, err := os.Stat(db + ".key"); err == nil {
			t.Error("a key file was written for an existing database")
		}
		base, _ = startRun(t, []string{"-db", db}, env)
		if !savedSecretShown(t, base) {
			t.Error("the saved credentials are gone after a restart")
		}
	})
}

func TestDefaultDBPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/beacon-config-test")
	if got, want := defaultDBPath(), "/tmp/beacon-config-test/beacon/beacon.db"; got != want {
		t.Errorf("defaultDBPath = %q; want %q", got, want)
	}
}
