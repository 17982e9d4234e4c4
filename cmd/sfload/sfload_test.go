package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// noEnv is an empty environment.
func noEnv(string) string { return "" }

// runOK runs sfload with args and returns what it printed, failing the
// test with all of its output when it fails.
func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), append([]string{"sfload"}, args...), noEnv, &stdout, &stderr); err != nil {
		t.Fatalf("sfload %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func TestFlagsAreChecked(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"-flows", "1"}, "-mocksf URL is required"},
		{"both targets", []string{"-start", "-mocksf", "http://127.0.0.1:1", "-flows", "1"}, "not both"},
		{"unbounded", []string{"-start"}, "refusing an unbounded run"},
		{"another host", []string{"-mocksf", "http://10.0.0.8:8080", "-flows", "1"}, "only loopback"},
		{"a name that is not localhost", []string{"-mocksf", "http://mocksf.test:8080", "-flows", "1"}, "only loopback"},
		{"no scheme", []string{"-mocksf", "127.0.0.1:8080", "-flows", "1"}, "want an http(s) URL"},
		{"no workers", []string{"-start", "-flows", "1", "-concurrency", "0"}, "at least 1"},
		{"batch size", []string{"-start", "-flows", "1", "-batch-size", "50"}, "-batch-size"},
		{"instance hosts", []string{"-start", "-flows", "1", "-instance-hosts", "each"}, `-instance-hosts "each": want shared or per-org`},
		{"timeout under the long-poll", []string{"-start", "-flows", "1", "-timeout", "2s"}, "longer than the mail long-poll"},
		{"pid with start", []string{"-start", "-flows", "1", "-pid", "1"}, "-pid is for an external mocksf"},
		{"unknown soak", []string{"-start", "-soak", "logins"}, `-soak "logins": want one of authorize, query, refresh`},
		{"soak of nothing", []string{"-start", "-soak", "query", "-n", "0"}, "-n at least 1"},
		{"soak without a target", []string{"-soak", "query"}, "-mocksf URL is required"},
		{"token-wrk against a running mocksf", []string{"-token-wrk", "-mocksf", "http://127.0.0.1:1"}, "no -mocksf or -pid"},
		{"token-wrk without rounds", []string{"-token-wrk", "-token-wrk-rounds", "0"}, "-token-wrk-rounds at least 1"},
		{"token-wrk under a second", []string{"-token-wrk", "-token-wrk-duration", "500ms"}, "-token-wrk-duration at least 1s"},
		{"token-wrk threads over connections", []string{"-token-wrk", "-token-wrk-threads", "4", "-token-wrk-connections", "2"}, "-token-wrk-connections at least as many"},
		{"token-wrk without wrk", []string{"-token-wrk", "-wrk", "/nonexistent/wrk"}, "apt-get install wrk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"sfload"}, tt.args...), noEnv, &stdout, &stderr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v; want an error with %q", tt.args, err, tt.want)
			}
		})
	}
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.9.9.9:1", "http://[::1]:8080", "http://localhost:8080/"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("checkLoopback(%q) = %v; want nil", ok, err)
		}
	}
}

// Each -soak mode runs its requests against an in-process mocksf without
// a failure and prints the memory before, during and after.
func TestSoakModes(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-soak", "authorize", "-n", "40", "-records", "0"},
		{"-soak", "query", "-n", "20", "-records", "500", "-batch-size", "200"},
		{"-soak", "refresh", "-n", "40", "-records", "0"},
	} {
		t.Run(args[1], func(t *testing.T) {
			t.Parallel()
			out := runOK(t, append([]string{"-start", "-concurrency", "2"}, args...)...)
			for _, want := range []string{"before ", "after 4", "after GC ", "HeapInuse", ", 0 failed", "VmRSS grew"} {
				if !strings.Contains(out, want) {
					t.Errorf("sfload %q printed no %q:\n%s", args, want, out)
				}
			}
		})
	}
}

// TestTwoHundredConcurrentFlows is the bar: 200 browserless flows
// at once against an in-process mocksf, with no error, under -race too.
// Record counts stay small so it fits the default test timeout.
func TestTwoHundredConcurrentFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("200 concurrent flows: not in -short")
	}
	out := runOK(t, "-start", "-concurrency", "200", "-flows", "400", "-duration", "5m", "-orgs", "10",
		"-records", "450", "-batch-size", "200", "-timeout", "60s")
	for _, want := range []string{"sfload: 400 flows (0 failed)", "errors: 0\n", "mocksf memory: peak HeapInuse", "mocksf allocations: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Every step ran 400 times: the query's three pages (450 Leads in
	// batches of 200) included.
	for _, s := range append(stepNames[:], "flow") {
		if !regexp.MustCompile(`(?m)^` + s + ` +400 `).MatchString(out) {
			t.Errorf("the %s row does not count 400:\n%s", s, out)
		}
	}
	t.Log("\n" + out)
}

// An external mocksf (here one mocksftest started) is loaded through its
// URL, and -pid reads its memory from /proc: this process's.
// With an instance host per org, every flow's API calls go to its own
// org's host, as the token's instance_url names it.
func TestPerOrgInstanceHosts(t *testing.T) {
	t.Parallel()
	if out := runOK(t, "-start", "-instance-hosts", "per-org", "-concurrency", "4", "-flows", "8", "-orgs", "2", "-records", "10"); !strings.Contains(out, "sfload: 8 flows (0 failed)") {
		t.Errorf("output:\n%s", out)
	}
}

func TestExternalMocksf(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	args := []string{"-mocksf", srv.URL, "-concurrency", "4", "-flows", "8", "-orgs", "2", "-records", "10"}
	if runtime.GOOS == "linux" {
		args = append(args, "-pid", strconv.Itoa(os.Getpid()))
	}
	out := runOK(t, args...)
	if !strings.Contains(out, "sfload: 8 flows (0 failed)") {
		t.Errorf("output:\n%s", out)
	}
	if runtime.GOOS == "linux" && !strings.Contains(out, "VmHWM") {
		t.Errorf("no peak memory from /proc:\n%s", out)
	}
	// The orgs sfload made are gone again.
	if got := len(srv.Mocksf.Store().Orgs()); got != 0 {
		t.Errorf("%d orgs left behind; want 0", got)
	}
}

// Failures are counted by step and kind, and make run fail.
func TestErrorsAreReportedByKind(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	srv.Fault(t, mocksftest.Rule{Path: "/services/data/*/sobjects/Lead/describe", Status: 503, Times: 2})
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"sfload", "-mocksf", srv.URL, "-concurrency", "2", "-flows", "5", "-records", "0"}, noEnv, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "2 of 5 flows failed") {
		t.Errorf("run = %v; want 2 of 5 flows failed", err)
	}
	if !strings.Contains(stdout.String(), "errors: 2\n") || !regexp.MustCompile(`\n +2  describe: HTTP 503 `).MatchString(stdout.String()) {
		t.Errorf("output does not count 2 describe 503s:\n%s", stdout.String())
	}
}

func TestErrorKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{&stepError{stepToken, &statusError{code: 500}}, "token: HTTP 500"},
		{&stepError{stepMail, context.DeadlineExceeded}, "mail: timeout"},
		{&stepError{stepLogin, &pageError{"no form"}}, "login: unexpected answer"},
		{&stepError{stepQuery, context.Canceled}, "query: canceled"},
		{&stepError{stepAuthorize, errors.New("something")}, "authorize: other"},
	}
	for _, tt := range tests {
		if got := errorKindOf(tt.err); got != tt.want {
			t.Errorf("errorKindOf(%v) = %q; want %q", tt.err, got, tt.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {95, 95}, {99, 99}, {100, 100}} {
		if got := percentile(ds, tt.p); got != tt.want {
			t.Errorf("percentile(1..100, %v) = %v; want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("percentile of one = %v; want 7", got)
	}
}

// -measure-startup runs the real binary: built here from cmd/mocksf.
func TestMeasureStartup(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/mocksf: not in -short")
	}
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "mocksf")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/sfharness/sfharness/cmd/mocksf").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out := runOK(t, "-measure-startup", "-mocksf-bin", bin, "-runs", "2", "-measure-orgs", "20")
	for _, want := range []string{"default seed  median", "empty seed    median"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if runtime.GOOS == "linux" && !strings.Contains(out, "with 20 more orgs") {
		t.Errorf("output lacks the memory with 20 orgs:\n%s", out)
	}
	t.Log("\n" + out)
}

// A query page's records are counted however the stream is cut.
func TestReadQueryPage(t *testing.T) {
	t.Parallel()
	page := `{"totalSize":5,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01gX-3","records":[` +
		`{"attributes":{"type":"Lead","url":"/a"},"Id":"1"},{"attributes":{"type":"Lead","url":"/b"},"Id":"2"},` +
		`{"attributes":{"type":"Lead","url":"/c"},"Id":"3"}]}` + "\n"
	for _, tt := range []struct {
		name string
		r    io.Reader
	}{{"whole", strings.NewReader(page)}, {"byte by byte", iotest.OneByteReader(strings.NewReader(page))}} {
		got, err := readQueryPage(tt.r)
		if err != nil || got.records != 3 || got.TotalSize != 5 || got.Done || got.NextRecordsURL != "/services/data/v67.0/query/01gX-3" {
			t.Errorf("%s: readQueryPage = %+v, %v; want 3 records of 5, not done, the next URL", tt.name, got, err)
		}
	}
	for _, bad := range []string{page[:len(page)-4], `{"totalSize":5,"done":true}`, `{"totalSize":"x","records":[]}`} {
		if _, err := readQueryPage(strings.NewReader(bad)); err == nil {
			t.Errorf("readQueryPage(%.60q…) succeeded; want an error", bad)
		}
	}
}

// -h and -help print the usage and end well (exit 0); before, run
// returned "flag: help requested" and main exited 1.
func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help"} {
		var help strings.Builder
		if err := run(context.Background(), []string{"sfload", arg}, noEnv, io.Discard, &help); err != nil {
			t.Errorf("sfload %s: %v; want nil", arg, err)
		}
		if !strings.Contains(help.String(), "Usage of ") {
			t.Errorf("sfload %s printed no usage:\n%s", arg, help.String())
		}
	}
}
