package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDisplayPathIsRelativeToTheRoot(t *testing.T) {
	root := filepath.FromSlash("/repo")
	for in, want := range map[string]string{
		"features/a.feature":     "features/a.feature",
		"/repo/results":          "results",
		"/elsewhere/results":     "/elsewhere/results",
		"../outside":             "/outside",
		"/repo/features/../docs": "docs",
	} {
		if got := displayPath(root, filepath.FromSlash(in)); got != filepath.FromSlash(want) {
			t.Errorf("displayPath(%q) = %q; want %q", in, got, want)
		}
	}
}

// A run starts with an empty results folder: nothing of an earlier run
// (a report, a scenario's artefacts) can pass for this one's.
func TestFreshResultsReplacesTheFolder(t *testing.T) {
	root := t.TempDir()
	old := filepath.Join(root, "results", "old_scenario", "01-step.png")
	if err := os.MkdirAll(filepath.Dir(old), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(old, []byte("png"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := freshResults(root, filepath.Join(root, "results"))
	if err != nil || got != "results" {
		t.Fatalf("freshResults = %q, %v; want results", got, err)
	}
	if entries, err := os.ReadDir(filepath.Join(root, "results")); err != nil || len(entries) != 0 {
		t.Errorf("results after freshResults: %v, %v; want an empty folder", entries, err)
	}
}

func TestFreshResultsRefusesASourceTree(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "sub")
	if err := os.MkdirAll(filepath.Join(sub, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{".", root, "sub"} {
		if _, err := freshResults(root, dir); err == nil {
			t.Errorf("freshResults(%q) replaced a source tree; want an error", dir)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Errorf("go.mod is gone: %v", err)
	}
}

func TestRepoRootFindsGoMod(t *testing.T) {
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "e2e", "e2e_test.go")); err != nil {
		t.Errorf("repoRoot = %s, which has no e2e/e2e_test.go", root)
	}
}

// A run cut short by Ctrl-C or go test's deadline says so, with an exit
// code that fails the run.
func TestWatchCutShort(t *testing.T) {
	cut, stop := watchCutShort(time.Now().Add(200 * time.Millisecond))
	defer stop()
	select {
	case c := <-cut:
		if c.Code == 0 || !strings.Contains(c.Reason, "timed out") {
			t.Errorf("near the deadline: %+v; want a timeout with a non-zero code", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no cut short reported near the deadline")
	}

	cut, stop = watchCutShort(time.Time{})
	defer stop()
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-cut:
		if c.Code != 130 || !strings.Contains(c.Reason, "interrupted") {
			t.Errorf("after SIGINT: %+v; want interrupted, exit code 130", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no cut short reported after SIGINT")
	}
}

func TestReportsOfARunCutShortSaySo(t *testing.T) {
	info := runInfo{CutShort: "interrupted (interrupt) after 12s"}
	var junit, html bytes.Buffer
	if err := writeJUnit(&junit, nil, info); err != nil {
		t.Fatal(err)
	}
	if x := junit.String(); !strings.Contains(x, `failures="1"`) || !strings.Contains(x, "run cut short: interrupted (interrupt) after 12s") {
		t.Errorf("JUnit of a run cut short:\n%s", x)
	}
	if err := writeHTMLReport(&html, nil, info); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "Run cut short: interrupted (interrupt) after 12s") {
		t.Error("report.html of a run cut short does not say so")
	}
}

// A run cut short by Ctrl-C writes reports that say so and exits 130:
// the test binary runs itself with E2E_CUT_SHORT_HELPER set, which starts
// the watch of a run, interrupts itself and must not return.
func TestRunCutShortExits130WithItsReports(t *testing.T) {
	if dir := os.Getenv("E2E_CUT_SHORT_HELPER"); dir != "" {
		r := &featureRun{t: t, results: dir, info: runInfo{Started: time.Now()}}
		r.exitWhenCutShort(t, func() {})
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Second)
		t.Fatal("still running 10s after SIGINT")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestRunCutShortExits130WithItsReports$")
	cmd.Env = append(os.Environ(), "E2E_CUT_SHORT_HELPER="+dir)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("run cut short: %v; want exit code 130\n%s", err, out)
	}
	if !strings.Contains(string(out), "RUN CUT SHORT: interrupted") {
		t.Errorf("console of a run cut short:\n%s", out)
	}
	for name, want := range map[string]string{"report.html": "Run cut short: interrupted", "junit.xml": `type="cut-short"`} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !strings.Contains(string(b), want) {
			t.Errorf("%s of a run cut short lacks %q (%v)", name, want, err)
		}
	}
}
