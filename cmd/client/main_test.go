package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/internal/httpserve"
	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
)

func noEnv(string) string { return "" }

func TestRun(t *testing.T) {
	base, cancel, done := startCancelable(t, []string{"-salesforce", "http://127.0.0.1:1", "-db", filepath.Join(t.TempDir(), "beacon.db")}, noEnv)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line names %q; want client listening on http://127.0.0.1:PORT", base)
	}

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
		want   string // in the error, when not ""
	}{
		{"unknown flag", []string{"client", "-nope"}, noEnv, ""},
		{"bad salesforce URL", []string{"client", "-addr", "127.0.0.1:0", "-salesforce", "login.salesforce.com", "-db", ""}, noEnv, ""},
		{"extra argument", []string{"client", "extra"}, noEnv, ""},
		{"zero -status-poll", []string{"client", "-addr", "127.0.0.1:0", "-db", "", "-status-poll", "0s"}, noEnv, "-status-poll must be at least 1ms, got 0s"},
		{"-popup-grace below a millisecond", []string{"client", "-addr", "127.0.0.1:0", "-db", "", "-popup-grace", "500us"}, noEnv, "-popup-grace must be at least 1ms, got 500µs"},
		{"-status-poll not a duration", []string{"client", "-status-poll", "fast"}, noEnv, `invalid value "fast" for flag -status-poll`},
		{"bad BEACON_KEY", []string{"client", "-addr", "127.0.0.1:0", "-db", ""}, func(k string) string {
			if k == "BEACON_KEY" {
				return "c2hvcnQ="
			}
			return ""
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, tc.getenv, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run returned nil; want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v; want an error with %q", err, tc.want)
			}
		})
	}
}

// startRun runs the program with args and getenv until the test ends or
// stop is called; it returns the base URL it listens on.
func startRun(t *testing.T, args []string, getenv func(string) string) (base string, stop func() error) {
	t.Helper()
	base, cancel, done := httpservetest.StartRun(t, run, "client", append([]string{"-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1"}, args...), getenv)
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
	return base, stop
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

// startCancelable runs the program with args and getenv until cancel is
// called; done receives run's result. It returns the base URL.
func startCancelable(t *testing.T, args []string, getenv func(string) string) (base string, cancel func(), done <-chan error) {
	t.Helper()
	return httpservetest.StartRun(t, run, "client", append([]string{"-addr", "127.0.0.1:0"}, args...), getenv)
}

// TestRunShutdownDrainsInFlightRequests cancels run's context (what
// SIGTERM does) while Disconnect waits for a slow Salesforce to revoke the
// token: new connections are refused at once, the Disconnect still gets
// its answer, and run returns nil.
func TestRunShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	revoking := make(chan struct{}, 1)
	sf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/services/oauth2/revoke" {
			http.NotFound(w, r)
			return
		}
		select {
		case revoking <- struct{}{}:
		default:
		}
		time.Sleep(700 * time.Millisecond)
	}))
	defer sf.Close()

	// A database with a confirmed connection to the slow Salesforce.
	key := bytes.Repeat([]byte{9}, store.KeySize)
	db := filepath.Join(t.TempDir(), "beacon.db")
	st, err := store.Open(store.Options{Path: db, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveCredentials(store.Credentials{ConsumerKey: "3MVG9fakeConsumerKey.For_Beacon_Tests0123456789", ConsumerSecret: "1955279925675241571"}); err != nil {
		t.Fatal(err)
	}
	conn := store.Connection{Token: &oauth2.Token{AccessToken: "access", RefreshToken: "refresh"}, InstanceURL: sf.URL,
		Identity: &store.Identity{Username: "sync@acme.test", OrganizationID: "00D000000000001AAA"}}
	if err := st.Connect(conn, syncjob.Objects); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := func(k string) string {
		if k == "BEACON_KEY" {
			return base64.StdEncoding.EncodeToString(key)
		}
		return ""
	}
	base, cancel, done := startCancelable(t, []string{"-salesforce", sf.URL, "-db", db}, env)

	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	resp, err := hc.Get(base + "/admin/crm/salesforce")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf-token" content="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token:\n%s", page)
	}
	answer := make(chan string, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+"/admin/crm/salesforce/disconnect", nil)
		req.Header.Set("X-CSRF-Token", html.UnescapeString(string(m[1])))
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- resp.Status + " " + string(body)
	}()
	select {
	case <-revoking:
	case <-time.After(5 * time.Second):
		t.Fatal("Disconnect never called Salesforce")
	}
	if got := httpservetest.Drain(t, base, cancel, answer, done); !strings.HasPrefix(got, "200 OK") || !strings.Contains(got, "Disconnected from Salesforce: Beacon revoked its access and stopped the sync.") {
		t.Errorf("Disconnect = %.300s; want 200 and the revocation done", got)
	}
}

func TestRunCutsOffSlowHeaders(t *testing.T) {
	t.Parallel()
	base, cancel, done := startCancelable(t, []string{"-salesforce", "http://127.0.0.1:1", "-db", "", "-read-header-timeout", "300ms"}, noEnv)
	httpservetest.CheckSlowHeadersCutOff(t, base, "/admin", "/healthz")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run = %v", err)
	}
}

// TestHTTPServerTimeouts checks what Beacon needs of httpserve's
// timeouts; internal/httpserve's own test checks they are all set.
func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	// Disconnect waits up to 20s for Salesforce to revoke the token.
	if hs := httpserve.New(http.NotFoundHandler(), 0); hs.WriteTimeout <= 20*time.Second {
		t.Errorf("WriteTimeout %v; want more than 20s", hs.WriteTimeout)
	}
	if err := run(context.Background(), []string{"client", "-salesforce-timeout", "0s"}, noEnv, io.Discard, io.Discard); err == nil {
		t.Error("run accepted -salesforce-timeout 0s")
	}
}

// TestSIGTERM builds the real binary, starts it, and sends it SIGTERM
// while a browser is still uploading a form: the form gets its answer and
// Beacon exits with status 0, its first line of output being "client
// listening on".
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	cmd, base, stderr := httpservetest.StartBinary(t, httpservetest.BuildBinary(t), "client", append(os.Environ(), "BEACON_KEY="),
		"-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1", "-db", "")
	addr := strings.TrimPrefix(base, "http://")

	// A form post whose body is still on its way when SIGTERM comes.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "consumerKey=3MVG9fakeConsumerKey.For_Beacon_Tests0123456789&consumerSecret=1955279925675241571"
	fmt.Fprintf(conn, "POST /admin/crm/salesforce HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(body), body[:10])
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	httpservetest.WaitRefused(t, addr)
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatalf("finishing the form after SIGTERM: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the form in flight got no answer: %v", err)
	}
	resp.Body.Close()
	// No CSRF token: the answer is the form again with an error, but an
	// answer it is.
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("form in flight = %s; want Beacon's 403 for the missing CSRF token", resp.Status)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("client exited with %v after SIGTERM; want status 0; stderr: %s", err, stderr.String())
	}
	t.Logf("exited %v after SIGTERM, having answered the form in flight", time.Since(start).Round(time.Millisecond))
}

// TestNoPKCEFlag checks that -no-pkce takes code_challenge out of the
// authorize URL Login with Salesforce redirects to, and that Beacon sends
// one without it.
func TestNoPKCEFlag(t *testing.T) {
	tests := []struct {
		name          string
		args          []string
		wantChallenge bool
	}{
		{"default", nil, true},
		{"-no-pkce", []string{"-no-pkce"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, _ := startRun(t, append([]string{"-db", ""}, tc.args...), noEnv)
			saveCredentials(t, base)
			hc := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := hc.Get(base + "/salesforce/login")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			loc, err := url.Parse(resp.Header.Get("Location"))
			if resp.StatusCode != http.StatusFound || err != nil || loc.Query().Get("state") == "" {
				t.Fatalf("/salesforce/login = %d to %q; want a redirect to the authorize endpoint", resp.StatusCode, resp.Header.Get("Location"))
			}
			q := loc.Query()
			if got := q.Has("code_challenge"); got != tc.wantChallenge {
				t.Errorf("authorize URL has code_challenge: %v; want %v (%s)", got, tc.wantChallenge, loc)
			}
			if got := q.Has("code_challenge_method"); got != tc.wantChallenge {
				t.Errorf("authorize URL has code_challenge_method: %v; want %v (%s)", got, tc.wantChallenge, loc)
			}
		})
	}
}

// TestTimingFlags checks that -status-poll and -popup-grace reach the Sync
// with Salesforce page's script, in milliseconds.
func TestTimingFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"defaults", nil, `<script src="/static/salesforce.js" data-status-poll-ms="500" data-popup-grace-ms="1500" data-http-error=`},
		{"set", []string{"-status-poll", "25ms", "-popup-grace", "0.2s"}, `<script src="/static/salesforce.js" data-status-poll-ms="25" data-popup-grace-ms="200" data-http-error=`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, _ := startRun(t, append([]string{"-db", ""}, tc.args...), noEnv)
			resp, err := http.Get(base + "/admin/crm/salesforce")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
				t.Errorf("GET /admin/crm/salesforce = %d; want 200 with %s:\n%s", resp.StatusCode, tc.want, body)
			}
		})
	}
}

// TestRunShutdownEndsStatusStreams cancels run's context (what SIGTERM
// does) while a page's status stream is open: the stream ends, and run
// returns nil at once rather than after waiting httpserve.ShutdownGrace
// for a stream that never ends by itself.
func TestRunShutdownEndsStatusStreams(t *testing.T) {
	t.Parallel()
	base, cancel, done := startCancelable(t, []string{"-salesforce", "http://127.0.0.1:1", "-db", ""}, noEnv)
	resp, err := http.Get(base + "/admin/crm/salesforce/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for line := range lines {
		if strings.HasPrefix(line, "data: ") {
			break
		}
	}
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run = %v; want nil", err)
		}
	case <-time.After(httpserve.ShutdownGrace / 2):
		t.Fatalf("run still shutting down after %v with a status stream open", httpserve.ShutdownGrace/2)
	}
	for range lines {
		// Whatever came before the end.
	}
	t.Logf("run returned %v after cancel, the stream ended", time.Since(start).Round(time.Millisecond))
}
