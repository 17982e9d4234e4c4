package e2e

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"
)

// godogOpts binds godog's own flags, so `go test ./e2e -godog.concurrency=1`
// works; the rest of the suite is configured by environment (see README):
//
//	FEATURE      feature files or dirs, optionally :LINE, from the repo root
//	TAGS         a Cucumber tag expression (default "not @wip")
//	SHARD        i/n: run this CI shard's share of the scenarios
//	RETRIES      re-run failed scenarios up to n times; passes after a
//	             failure are reported as flaky
//	FORMAT       console format: pretty (default) or progress
//	TRACE=1      screenshot every window after every step
//	RESULTS_DIR  where reports and artefacts go (default ../results)
//	CHROME_URL   drive a running browser (ws://… or http://host:9222)
//	BROWSER_LOG=1 show Chromium's own output
var godogOpts = godog.Options{}

func init() { godog.BindCommandLineFlags("godog.", &godogOpts) }

func TestFeatures(t *testing.T) {
	results := envOr("RESULTS_DIR", filepath.Join("..", "results"))
	if err := os.MkdirAll(results, 0o755); err != nil {
		t.Fatal(err)
	}
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
	all, err := Discover(paths)
	if err != nil {
		t.Fatal(err)
	}
	selected, err := Select(all, envOr("TAGS", "not @wip"), os.Getenv("SHARD"))
	if err != nil {
		t.Fatal(err)
	}
	if len(selected) == 0 {
		t.Logf("shard %s has no scenarios", os.Getenv("SHARD"))
		return
	}
	retries, err := strconv.Atoi(envOr("RETRIES", "0"))
	if err != nil || retries < 0 {
		t.Fatalf("RETRIES=%q: want a whole number", os.Getenv("RETRIES"))
	}
	// Scenarios are isolated (own org, browser context and client), so
	// they run in parallel: by default one per CPU.
	concurrency := runtime.NumCPU()
	flag.Visit(func(f *flag.Flag) {
		if f.Name == "godog.concurrency" {
			concurrency = godogOpts.Concurrency
		}
	})
	if concurrency < 1 {
		concurrency = 1
	}

	var browserOut io.Writer = io.Discard
	if os.Getenv("BROWSER_LOG") != "" {
		browserOut = os.Stderr
	}
	// The browser lives for the whole run: its context has no deadline.
	browserCtx, stop, err := StartBrowser(context.Background(), os.Getenv("CHROME_URL"), t.TempDir(), browserOut)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	suite := &Suite{BrowserCtx: browserCtx, ResultsDir: results, Log: os.Stdout, Trace: os.Getenv("TRACE") != ""}
	start := time.Now()
	refs := make([]string, len(selected))
	for i, s := range selected {
		refs[i] = s.Ref()
	}
	var attempts [][]cukeFeature
	for attempt := 0; attempt <= retries && len(refs) > 0; attempt++ {
		if attempt > 0 {
			fmt.Printf("\nRetry %d of %d: %s\n", attempt, retries, strings.Join(refs, " "))
		}
		cuke := filepath.Join(results, fmt.Sprintf("cucumber-attempt-%d.json", attempt+1))
		opts := godogOpts
		opts.Format = envOr("FORMAT", "pretty") + ",cucumber:" + cuke
		opts.Paths = refs
		opts.Tags = ""     // selection is done above, with real tag expressions
		opts.Strict = true // an undefined or pending step fails the run
		opts.Concurrency = concurrency
		opts.NoColors = opts.NoColors || os.Getenv("NO_COLOR") != "" || os.Getenv("CI") != ""
		opts.Output = os.Stdout
		godog.TestSuite{Name: "features", ScenarioInitializer: suite.InitializeScenario, Options: &opts}.Run()
		fs, err := readCucumber(cuke)
		if err != nil {
			t.Fatal(err)
		}
		attempts = append(attempts, fs)
		refs = failedRefs(fs)
	}

	merged := mergeAttempts(attempts)
	if err := writeReports(results, merged); err != nil {
		t.Error(err)
	}
	writeTimingSummary(os.Stdout, merged, 5)
	sum := summarize(merged)
	fmt.Printf("\n%d passed, %d failed\n", sum.Passed+sum.Flaky, sum.Failed+sum.Other)
	if sum.Flaky > 0 {
		fmt.Printf("%d flaky: passed only on a retry (see %s)\n", sum.Flaky, filepath.Join(results, "report.html"))
	}
	fmt.Printf("%d scenarios in %s at concurrency %d; reports in %s\n", len(selected), time.Since(start).Round(time.Millisecond), concurrency, results)
	if sum.Failed+sum.Other > 0 {
		t.Fatalf("%d scenarios failed; see the output above, %s/report.html and the artefacts under %s", sum.Failed+sum.Other, results, results)
	}
}

func writeReports(dir string, fs []cukeFeature) error {
	var junit, html bytes.Buffer
	if err := writeJUnit(&junit, fs); err != nil {
		return err
	}
	if err := writeHTMLReport(&html, fs, time.Now()); err != nil {
		return err
	}
	js, err := jsonIndent(fs)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"junit.xml": junit.Bytes(), "report.html": html.Bytes(), "cucumber.json": js} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("e2e: write %s: %w", name, err)
		}
	}
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
