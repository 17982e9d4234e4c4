package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/httpserve"
	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
)

// noEnv is an empty environment.
func noEnv(string) string { return "" }

// start runs the real program on a free port and returns its URL; the
// test's cleanup stops it and checks run returned nil.
func start(t *testing.T, args ...string) string {
	t.Helper()
	base := startTo(t, io.Discard, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(base) {
		t.Fatalf("first line names %q; want \"mocksf listening on http://HOST:PORT\"", base)
	}
	return base
}

func TestRunServesOnAFreePort(t *testing.T) {
	base := start(t)
	resp, err := http.Get(base + "/__mocksf/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health = %d; want 200", resp.StatusCode)
	}
}

// seedFile writes a seed document to a file of its own and returns its
// path.
func seedFile(t *testing.T, yaml string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "orgs.yaml")
	if err := os.WriteFile(f, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// A bad seed refuses to start, the error naming the file, the line and
// the field. In want, FILE stands for the seed's path; exact wants the
// whole error, else each line of want is a part of it.
func TestRunRejectsABadSeed(t *testing.T) {
	tests := []struct {
		name, seed, want string
		exact            bool
	}{
		{"unknown field names the file", "orgs:\n  - name: A\n    colour: blue\n", "FILE\ncolour", false},
		{"unknown language names file, line and field", "orgs:\n  - name: A\n    users:\n      - username: a@a.test\n        password: pw\n        language: nl_BE\n",
			"FILE:6:\norgs[0].users[0].language\n\"nl_BE\" is not a Salesforce language", false},
		{"the line of each bad field", "orgs:\n  - users:\n      - username: a@a.test\n      - {username: b, password: pw}\n",
			"FILE:2: orgs[0].name is required\nFILE:3: orgs[0].users[0].password is required\nFILE:4: orgs[0].users[1].username \"b\" must look like an email address", true},
		// An External Client App's seed error names the file, the line and
		// the flow, as the seed loader names every field.
		{"the line of a bad flow", "orgs:\n  - name: A\n    externalClientApps:\n      - name: App\n        flows: [clientCredentials, foo]\n",
			"FILE:5: orgs[0].externalClientApps[0].flows[1]: unknown flow \"foo\" (want clientCredentials, authorizationCodeAndCredentials, deviceFlow, jwtBearer, tokenExchange)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := seedFile(t, tt.seed)
			want := strings.ReplaceAll(tt.want, "FILE", f)
			err := run(context.Background(), []string{"mocksf", "-addr", "127.0.0.1:0", "-seed", f}, noEnv, io.Discard, io.Discard)
			if err == nil {
				t.Fatalf("run with a bad seed: nil; want\n%s", want)
			}
			if tt.exact && err.Error() != want {
				t.Errorf("run with a bad seed:\n%v\nwant\n%s", err, want)
			}
			for _, part := range strings.Split(want, "\n") {
				if !tt.exact && !strings.Contains(err.Error(), part) {
					t.Errorf("run with a bad seed: %v; want an error with %q", err, part)
				}
			}
		})
	}
}

func TestRunRefusesAnUnknownRetiredLoginFault(t *testing.T) {
	err := run(context.Background(), []string{"mocksf", "-addr", "127.0.0.1:0", "-soap-retired-login-fault", "INVALID_LOGIN"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `-soap-retired-login-fault "INVALID_LOGIN": want INVALID_OPERATION or UNSUPPORTED_API_VERSION`) {
		t.Errorf("run with -soap-retired-login-fault INVALID_LOGIN: %v; want the two codes named", err)
	}
}

func TestRunLoadsASeedFile(t *testing.T) {
	f := seedFile(t, `
orgs:
  - name: Globex
    users:
      - {username: hank@globex.test, password: Hank-Pass-1}
`)
	base := start(t, "-seed", f)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := fetch(t, c, "GET", base+"/", nil)
	token := regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`).FindStringSubmatch(page)[1]
	page = fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"hank@globex.test"}, "pw": {"Hank-Pass-1"}})
	if !strings.Contains(page, "Verify Your Identity") {
		t.Errorf("the seeded user could not log in: %s", page)
	}
	page = fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
	if strings.Contains(page, "Verify Your Identity") {
		t.Errorf("the default org is present although a seed was given")
	}
}

// With -smtp, mail goes to the external server, and the copy is still
// readable from /__mocksf/mail.
func TestRunRelaysMailToAnExternalSMTPServer(t *testing.T) {
	external, err := mail.StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer external.Close()
	base := start(t, "-smtp", external.Addr())
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := fetch(t, c, "GET", base+"/", nil)
	token := regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`).FindStringSubmatch(page)[1]
	fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"}})

	got := external.Inbox("sync@acme.test")
	if len(got) != 1 || got[0].Code == "" || got[0].Subject != "Verify your identity in Salesforce" {
		t.Fatalf("external server received %+v; want one verification mail", got)
	}
	copyJSON := fetch(t, c, "GET", base+"/__mocksf/mail?to=sync@acme.test", nil)
	if !strings.Contains(copyJSON, `"code":"`+got[0].Code+`"`) {
		t.Errorf("/__mocksf/mail = %s; want the code %s", copyJSON, got[0].Code)
	}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) string {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}

func TestRunControlToken(t *testing.T) {
	base := start(t, "-control-token", "t0ken")
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 403}, {"Bearer wrong", 403}, {"Bearer t0ken", 200}} {
		req, _ := http.NewRequest("GET", base+"/__mocksf/orgs", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET /__mocksf/orgs with %q = %d; want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}

// startTo runs the real program with args, its stderr going to stderr,
// and returns its URL; the test's cleanup stops it and checks run
// returned nil.
func startTo(t *testing.T, stderr io.Writer, args ...string) string {
	t.Helper()
	base, cancel, done := httpservetest.StartRunStderr(t, run, "mocksf", args, noEnv, stderr)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return base
}

// startCancelable runs the real program with args until cancel is called;
// done receives run's result. It returns the base URL it listens on.
func startCancelable(t *testing.T, args ...string) (base string, cancel func(), done <-chan error) {
	t.Helper()
	return httpservetest.StartRun(t, run, "mocksf", append([]string{"-addr", "127.0.0.1:0"}, args...), noEnv)
}

// holdRequest makes mocksf hold the next GET /services/data for d (a
// delay fault through the control API), sends that request, and returns
// once mocksf holds it; the request's status arrives on the channel.
func holdRequest(t *testing.T, base string, d time.Duration) <-chan string {
	t.Helper()
	ctl := &mocksfclient.Client{URL: base}
	fault, err := ctl.AddFault(context.Background(), control.Rule{Method: "GET", Path: "/services/data", Delay: d, Times: 1})
	if err != nil {
		t.Fatalf("adding the delay fault: %v", err)
	}
	answer := make(chan string, 1)
	go func() {
		hc := &http.Client{Timeout: 10 * time.Second}
		resp, err := hc.Get(base + "/services/data")
		if err != nil {
			answer <- err.Error()
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		answer <- resp.Status + " " + string(body)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if f, err := ctl.Fault(context.Background(), fault.ID); err == nil && f.HitCount == 1 {
			return answer
		}
		if time.Now().After(deadline) {
			t.Fatal("mocksf never held the request")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRunShutdownDrainsInFlightRequests cancels run's context (what
// SIGTERM does) while mocksf holds a request: new connections are refused
// at once, the held request still gets its answer, and run returns nil.
func TestRunShutdownDrainsInFlightRequests(t *testing.T) {
	t.Parallel()
	base, cancel, done := startCancelable(t)
	answer := holdRequest(t, base, 700*time.Millisecond)
	if got := httpservetest.Drain(t, base, cancel, answer, done); !strings.HasPrefix(got, "200 OK") || !strings.Contains(got, `"version"`) {
		t.Errorf("held request = %.100s; want 200 and the API versions", got)
	}
}

func TestRunCutsOffSlowHeaders(t *testing.T) {
	t.Parallel()
	base, cancel, done := startCancelable(t, "-read-header-timeout", "300ms")
	httpservetest.CheckSlowHeadersCutOff(t, base, "/", "/__mocksf/health")
	cancel()
	if err := <-done; err != nil {
		t.Errorf("run = %v", err)
	}
}

// TestHTTPServerTimeouts checks what mocksf needs of httpserve's
// timeouts; internal/httpserve's own test checks they are all set.
func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	if hs := httpserve.New(http.NotFoundHandler(), 0); hs.WriteTimeout <= control.MaxMailWait {
		t.Errorf("WriteTimeout %v; want more than the longest mail long-poll, %v", hs.WriteTimeout, control.MaxMailWait)
	}
}

// TestSIGTERM builds the real binary, starts it, and sends it SIGTERM
// while it holds a request: the request gets its answer and mocksf exits
// with status 0, its first line of output being "mocksf listening on".
func TestSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	t.Parallel()
	cmd, base, stderr := httpservetest.StartBinary(t, httpservetest.BuildBinary(t), "mocksf", nil, "-addr", "127.0.0.1:0")

	answer := holdRequest(t, base, 700*time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	httpservetest.WaitRefused(t, strings.TrimPrefix(base, "http://"))
	if got := <-answer; !strings.HasPrefix(got, "200 OK") {
		t.Errorf("held request = %.100s; want 200", got)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("mocksf exited with %v after SIGTERM; want status 0; stderr: %s", err, stderr.String())
	}
	t.Logf("exited %v after SIGTERM, having answered the held request", time.Since(start).Round(time.Millisecond))
}

func TestRunInstanceHosts(t *testing.T) {
	err := run(context.Background(), []string{"mocksf", "-addr", "127.0.0.1:0", "-instance-hosts", "each"}, noEnv, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `"each"`) || !strings.Contains(err.Error(), "per-org") {
		t.Errorf("run -instance-hosts each: %v; want an error naming the value and the modes", err)
	}
	base := start(t, "-instance-hosts", "per-org")
	resp, err := http.Get(base + "/__mocksf/orgs")
	if err != nil {
		t.Fatal(err)
	}
	var orgs []control.OrgSummary
	err = json.NewDecoder(resp.Body).Decode(&orgs)
	resp.Body.Close()
	if err != nil || len(orgs) != 1 {
		t.Fatalf("orgs: %v %v", orgs, err)
	}
	if u := orgs[0].InstanceURL; u == base || strings.HasSuffix(u, base[strings.LastIndex(base, ":"):]) {
		t.Errorf("the default org's instance URL %s is on mocksf's own port (%s); want a port of its own", u, base)
	}
	resp, err = http.Get(orgs[0].InstanceURL + "/__mocksf/health")
	if err != nil {
		t.Fatalf("the org's host: %v", err)
	}
	resp.Body.Close()
}

// -eca-password-flow lets an External Client App use the
// username-password flow; without it the flow fails as in an org that
// disallows it.
func TestRunECAPasswordFlow(t *testing.T) {
	f := seedFile(t, `
orgs:
  - name: Globex
    allowPasswordFlow: true
    users:
      - {username: hank@globex.test, password: Hank-Pass-1}
    externalClientApps:
      - {name: Sync, consumerKey: 3MVG9Globex, consumerSecret: S3CRET, permittedUsers: admin-approved, assignedUsers: [hank@globex.test]}
`)
	form := url.Values{"grant_type": {"password"}, "client_id": {"3MVG9Globex"}, "client_secret": {"S3CRET"},
		"username": {"hank@globex.test"}, "password": {"Hank-Pass-1"}}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, `"error_description":"authentication failure"`},
		{[]string{"-eca-password-flow"}, `"access_token":`},
	} {
		base := start(t, append([]string{"-seed", f}, tc.args...)...)
		if got := fetch(t, http.DefaultClient, "POST", base+"/services/oauth2/token", form); !strings.Contains(got, tc.want) {
			t.Errorf("args %q: password grant = %s; want %s", tc.args, got, tc.want)
		}
	}
}
