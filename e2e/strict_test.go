package e2e

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/cucumber/godog"
)

// A feature with a step nobody defined must fail the run, or a typo in a
// QA engineer's scenario would pass green. No browser is needed: the
// undefined step is found before any step runs.
func TestUndefinedStepFailsTheRun(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "typo.feature")
	if err := os.WriteFile(f, []byte("Feature: typo\n  Scenario: a step nobody wrote\n    Given the admin does something nobody defined\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	suite := &Suite{ResultsDir: dir, Log: io.Discard}
	status := godog.TestSuite{
		ScenarioInitializer: suite.InitializeScenario,
		Options:             &godog.Options{Format: "progress", Paths: []string{f}, Strict: true, Output: io.Discard},
	}.Run()
	if status == 0 {
		t.Fatal("a feature with an undefined step passed; want a failed run")
	}
}
