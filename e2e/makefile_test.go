package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// make e2e passes RESULTS_DIR on as an absolute path, relative to where
// make runs, so the suite (which runs from the repository root) writes
// where the person asked.
func TestMakeE2EPassesResultsDirFromWhereMakeRuns(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is the suite's own entry point: %v", err)
	}
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
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
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatalf("make is the suite's own entry point: %v", err)
	}
	if testing.Short() {
		t.Skip("builds cmd/e2ereport")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go test puts its go on PATH: %v", err)
	}
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
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
