package e2e

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cucumber/godog"
)

// The suite is configured by environment, so make targets can pass it on:
// FEATURE (a feature file or dir, optionally :LINE, relative to the repo
// root), TAGS (godog's tag filter), RESULTS_DIR (default ../results),
// TRACE=1 to save screenshots after every step, and BROWSER_LOG=1 to
// show Chromium's own output.
func TestFeatures(t *testing.T) {
	results := envOr("RESULTS_DIR", filepath.Join("..", "results"))
	if err := os.MkdirAll(results, 0o755); err != nil {
		t.Fatal(err)
	}
	var browserOut io.Writer = io.Discard
	if os.Getenv("BROWSER_LOG") != "" {
		browserOut = os.Stderr
	}
	// The browser lives for the whole run: its context has no deadline.
	browserCtx, stop, err := StartBrowser(context.Background(), t.TempDir(), browserOut)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	paths := []string{filepath.Join("..", "features")}
	if f := os.Getenv("FEATURE"); f != "" {
		paths = nil
		for _, p := range strings.Fields(f) {
			if !filepath.IsAbs(p) {
				p = filepath.Join("..", p)
			}
			paths = append(paths, p)
		}
	}
	tags := "~@wip"
	if t := os.Getenv("TAGS"); t != "" {
		tags = t
	}
	suite := &Suite{BrowserCtx: browserCtx, ResultsDir: results, Log: os.Stdout, Trace: os.Getenv("TRACE") != ""}
	status := godog.TestSuite{
		Name:                "features",
		ScenarioInitializer: suite.InitializeScenario,
		Options: &godog.Options{
			Format:   "pretty,junit:" + filepath.Join(results, "junit.xml"),
			Paths:    paths,
			Tags:     tags,
			Strict:   true, // an undefined or pending step fails the run
			NoColors: os.Getenv("NO_COLOR") != "" || os.Getenv("CI") != "",
			Output:   os.Stdout,
		},
	}.Run()
	if status != 0 {
		t.Fatalf("godog: the features failed (status %d); see the output above and %s", status, results)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
