package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/sfharness/sfharness/mocksf"
)

// concurrencyFlag is godog's -godog.concurrency, as a go test flag:
// `go test ./e2e -godog.concurrency=1` runs one scenario at a time; the
// default is one per CPU. (godog's BindCommandLineFlags binds to pflag,
// which go test does not parse.) The rest of the suite is configured by
// environment (see README):
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
//	MOCKSF_URL   use a running mocksf instead of starting one
//	             (MOCKSF_CONTROL_TOKEN if it was started with -control-token)
//	CLIENT_URL   use a running product instead of one per scenario
//	SMTP         mocksf relays its mail to this SMTP server (host:port)
//	INSTANCE_HOSTS the started mocksf's instance hosts: per-org (default)
//	             or shared
//	MAILPIT_URL  read the mail from this Mailpit instead of from mocksf
//	BROWSER_LOG=1 show Chromium's own output
var concurrencyFlag = flag.Int("godog.concurrency", 0, "scenarios run at once (default: one per CPU)")

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
	if *concurrencyFlag > 0 {
		concurrency = *concurrencyFlag
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

	mocksfURL := os.Getenv("MOCKSF_URL")
	if mocksfURL == "" {
		stopMocksf, url, err := startMocksf()
		if err != nil {
			t.Fatal(err)
		}
		defer stopMocksf()
		mocksfURL = url
	}
	clientURL := os.Getenv("CLIENT_URL")
	if clientURL != "" && concurrency > 1 {
		// One product for every scenario: they must take turns.
		concurrency = 1
	}
	suite := &Suite{BrowserCtx: browserCtx, ResultsDir: results, Log: os.Stdout, Trace: os.Getenv("TRACE") != "",
		MocksfURL: strings.TrimSuffix(mocksfURL, "/"), ClientURL: clientURL, RunID: runID()}
	start := time.Now()

	// Scenarios tagged @serial change what every org shares (mocksf's
	// clock): they run after the others, one at a time.
	var parallel, serial []string
	runRef := map[string]string{} // a row's ref → its outline's
	for _, s := range all {
		runRef[s.Ref()] = s.RunRef()
	}
	for _, s := range selected {
		list := &parallel
		if slices.Contains(s.Tags, "@serial") {
			list = &serial
		}
		if !slices.Contains(*list, s.RunRef()) {
			*list = append(*list, s.RunRef())
		}
	}
	var attempts [][]cukeFeature
	runRefs := func(refs []string, concurrency int) {
		for attempt := 0; attempt <= retries && len(refs) > 0; attempt++ {
			if attempt > 0 {
				fmt.Printf("\nRetry %d of %d: %s\n", attempt, retries, strings.Join(refs, " "))
			}
			cuke := filepath.Join(results, fmt.Sprintf("cucumber-attempt-%d.json", len(attempts)+1))
			opts := godog.Options{}
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
			refs = nil
			for _, r := range failedRefs(fs) {
				if u, ok := runRef[r]; ok {
					r = u
				}
				if !slices.Contains(refs, r) {
					refs = append(refs, r)
				}
			}
		}
	}
	runRefs(parallel, concurrency)
	runRefs(serial, 1)

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

// startMocksf starts the run's own fake Salesforce on a free loopback
// port, with no org: every scenario creates its own, and by default each
// org gets an instance host of its own, as in Salesforce
// (INSTANCE_HOSTS=shared gives them one).
func startMocksf() (stop func(), url string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	url = "http://" + ln.Addr().String()
	srv, err := mocksf.New(mocksf.Config{BaseURL: url, Seed: []byte("orgs: []\n"), SMTPAddr: os.Getenv("SMTP"),
		InstanceHosts: envOr("INSTANCE_HOSTS", "per-org"),
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		_ = srv.Close()
	}, url, nil
}

// runID tells this run's usernames from another run's in a shared mocksf.
func runID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("r%x.", b)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
