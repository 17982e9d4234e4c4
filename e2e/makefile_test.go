package e2e

import (
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
		t.Skip("no make")
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
