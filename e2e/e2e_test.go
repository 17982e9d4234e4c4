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
// environment: see env (env.go) and README.
var concurrencyFlag = flag.Int("godog.concurrency", 0, "scenarios run at once (default: one per CPU)")

func TestFeatures(t *testing.T) {
	e, err := readEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	results := e.ResultsDir
	if err := os.MkdirAll(results, 0o755); err != nil {
		t.Fatal(err)
	}
	paths := []string{filepath.Join("..", "features")}
	if f := e.Feature; f != "" {
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
	selected, err := Select(all, e.Tags, e.Shard)
	if err != nil {
		t.Fatal(err)
	}
	if len(selected) == 0 {
		t.Logf("shard %s has no scenarios", e.Shard)
		return
	}
	retries := e.Retries
	// Scenarios are isolated (own org, browser context and client), so
	// they run in parallel: by default one per CPU.
	concurrency := runtime.NumCPU()
	if *concurrencyFlag > 0 {
		concurrency = *concurrencyFlag
	}

	var browserOut io.Writer = io.Discard
	if e.BrowserLog {
		browserOut = os.Stderr
	}
	// The browser lives for the whole run: its context has no deadline.
	browserCtx, stop, err := StartBrowser(context.Background(), e.ChromeURL, t.TempDir(), browserOut)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()

	mocksfURL := e.MocksfURL
	if mocksfURL == "" {
		stopMocksf, url, err := startMocksf(e.SMTP, e.InstanceHosts)
		if err != nil {
			t.Fatal(err)
		}
		defer stopMocksf()
		mocksfURL = url
	}
	clientURL := e.ClientURL
	if clientURL != "" && concurrency > 1 {
		// One product for every scenario: they must take turns.
		concurrency = 1
	}
	suite := &Suite{BrowserCtx: browserCtx, ResultsDir: results, Log: os.Stdout, Trace: e.Trace,
		MocksfURL: strings.TrimSuffix(mocksfURL, "/"), ControlToken: e.ControlToken, ClientURL: clientURL,
		MailpitURL: e.MailpitURL, KeepOrgs: e.KeepOrgs, RunID: runID()}
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
			opts.Format = e.Format + ",cucumber:" + cuke
			opts.Paths = refs
			opts.Tags = ""     // selection is done above, with real tag expressions
			opts.Strict = true // an undefined or pending step fails the run
			opts.Concurrency = concurrency
			opts.NoColors = e.NoColors
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
// (INSTANCE_HOSTS=shared gives them one). It relays mail to smtpAddr
// when that is set.
func startMocksf(smtpAddr, instanceHosts string) (stop func(), url string, err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	url = "http://" + ln.Addr().String()
	srv, err := mocksf.New(mocksf.Config{BaseURL: url, Seed: []byte("orgs: []\n"), SMTPAddr: smtpAddr,
		InstanceHosts: instanceHosts,
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
