package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
)

// makeTools are the repository root and the go command that make's
// recipes run (go test puts its own go on PATH); a machine without make
// fails the test: make is the suite's own entry point.
func makeTools(t *testing.T) (root, goCmd string) {
	t.Helper()
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is the suite's own entry point: %v", err)
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go test puts its go on PATH: %v", err)
	}
	if root, err = repoRoot("."); err != nil {
		t.Fatal(err)
	}
	return root, goCmd
}

// make e2e passes RESULTS_DIR on as an absolute path, relative to where
// make runs, so the suite (which runs from the repository root) writes
// where the person asked.
func TestMakeE2EPassesResultsDirFromWhereMakeRuns(t *testing.T) {
	root, _ := makeTools(t)
	elsewhere := t.TempDir()
	for dir, want := range map[string]string{root: filepath.Join(root, "myresults"), elsewhere: filepath.Join(elsewhere, "myresults")} {
		cmd := exec.Command("make", "-n", "-f", filepath.Join(root, "Makefile"), "e2e", "RESULTS_DIR=myresults")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n e2e in %s: %v\n%s", dir, err, out)
		}
		if !strings.Contains(string(out), `RESULTS_DIR="`+want+`"`) {
			t.Errorf("make -n e2e in %s does not pass RESULTS_DIR=%q:\n%s", dir, want, out)
		}
	}
}

// make report merges shards' folders, given relative to where make runs,
// and fails as the merged run does.
func TestMakeReportMergesShards(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/e2ereport")
	}
	root, goCmd := makeTools(t)
	dir := t.TempDir()
	writeShard(t, dir, "results-1", "1/2", shard1, "")
	writeShard(t, dir, "results-2", "2/2", shard2, "")
	cmd := exec.Command("make", "-f", filepath.Join(root, "Makefile"), "report", "SHARDS=results-1 results-2", "RESULTS_DIR=merged", "GO="+goCmd+" -C "+root)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Errorf("make report over a failed shard succeeded:\n%s", out)
	}
	for _, want := range []string{"2 shards merged: 2 passed, 1 failed; reports in " + filepath.Join(dir, "merged"), "1 scenarios failed"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("make report's output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"report.html", "junit.xml", "cucumber.json", "shards/results-2/broken/01-a.html"} {
		if _, err := os.Stat(filepath.Join(dir, "merged", f)); err != nil {
			t.Errorf("make report wrote no %s: %v", f, err)
		}
	}
}

// The targets that start programs beside the suite (make e2e-external:
// bin/mocksf and bin/client; make e2e-remote-browser: Chromium) leave none
// running when make ends, whether the suite passes, fails or is
// interrupted (Ctrl-C, SIGINT to make's process group). The suite is
// stood in for by MAKE, the command each recipe runs last. e2e-smtp and
// e2e-mailpit stop theirs with the same lines; CI runs them whole.
func TestMakeTargetsLeaveNoProcess(t *testing.T) {
	root, goCmd := makeTools(t)
	tests := []struct {
		target, suite string
		interrupt     bool
	}{
		{"e2e-external", "true #", false},
		{"e2e-external", "false #", false},
		{"e2e-external", "sleep 60 #", true},
		{"e2e-remote-browser", "true #", false},
		{"e2e-remote-browser", "sleep 60 #", true},
	}
	for _, tt := range tests {
		t.Run(tt.target+" "+tt.suite, func(t *testing.T) {
			out := &testlog.Buffer{}
			cmd := exec.Command("make", "-s", "-f", filepath.Join(root, "Makefile"), tt.target, "MAKE="+tt.suite, "GO="+goCmd)
			cmd.Dir, cmd.Stdout, cmd.Stderr = root, out, out
			cmd.Env = append(os.Environ(), "CDP_PORT="+freePort(t))
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var pids []int
			ended := false
			deadline := time.After(3 * time.Minute)
			for pids == nil && !ended {
				select {
				case err := <-done:
					ended = true
					if pids = startedPIDs(out.String()); pids == nil {
						t.Fatalf("make %s ended (%v) before starting its programs:\n%s", tt.target, err, out)
					}
				case <-deadline:
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					t.Fatalf("make %s started nothing in 3 minutes:\n%s", tt.target, out)
				case <-time.After(100 * time.Millisecond):
					pids = startedPIDs(out.String())
				}
			}
			if tt.interrupt && !ended {
				if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
			}
			if !ended {
				select {
				case <-done:
				case <-time.After(time.Minute):
					_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					t.Fatalf("make %s did not end:\n%s", tt.target, out)
				}
			}
			for _, pid := range pids {
				if processAlive(pid) {
					t.Errorf("pid %d is still running after make %s ended:\n%s", pid, tt.target, out)
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		})
	}
}

// startedLine is the line a target prints once its programs run, with
// their PIDs: "mocksf (pid 12) at URL, client (pid 13) at URL",
// "chromium (pid 14) on 127.0.0.1:9222".
var startedLine = regexp.MustCompile(`(?m)^(?:\w+ \(pid \d+\) (?:at|on) \S+(?:, |$))+`)

var pidOf = regexp.MustCompile(`\(pid (\d+)\)`)

// startedPIDs are the PIDs a target says it started, once it has said so.
func startedPIDs(out string) []int {
	line := startedLine.FindString(out)
	if line == "" {
		return nil
	}
	var pids []int
	for _, m := range pidOf.FindAllStringSubmatch(line, -1) {
		pid, _ := strconv.Atoi(m[1])
		pids = append(pids, pid)
	}
	return pids
}

// processAlive reports whether pid runs: a zombie, waiting for whoever
// adopted it to reap it, has stopped.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name, which is in parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// freePort is a loopback port nothing listens on just now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// make e2e passes PRODUCT on to the suite.
func TestMakeE2EPassesProduct(t *testing.T) {
	root, _ := makeTools(t)
	cmd := exec.Command("make", "-n", "-f", filepath.Join(root, "Makefile"), "e2e", "PRODUCT=profiles/shop.yaml")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("make -n e2e: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `PRODUCT="profiles/shop.yaml"`) {
		t.Errorf("make -n e2e does not pass PRODUCT:\n%s", out)
	}
}
