package e2e

import (
	"context"
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
	"sync"
	"testing"
	"time"

	"github.com/cucumber/godog"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/sfsteps"
)

// concurrencyFlag is godog's -godog.concurrency, as a go test flag:
// `go test ./e2e -godog.concurrency=1` runs one scenario at a time; the
// default is two per CPU. (godog's BindCommandLineFlags binds to pflag,
// which go test does not parse.) The rest of the suite is configured by
// environment: see env (env.go) and README.
var concurrencyFlag = flag.Int("godog.concurrency", 0, "scenarios run at once (default: two per CPU)")

func TestFeatures(t *testing.T) {
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	// From the root, godog names features as people do
	// (features/x.feature), and RESULTS_DIR is relative to it.
	t.Chdir(root)
	e, err := readEnv(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	results, err := freshResults(root, e.ResultsDir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := Discover(featurePaths(root, e.Feature))
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
	// Scenarios are isolated (own org, browser context and client), so
	// they run in parallel. A scenario mostly waits (for pages, mail, the
	// product's sync), so two per CPU: on 2 cores 4 at once beat 2 by 16%
	// and 6 by 11% (docs/performance.md).
	concurrency := 2 * runtime.NumCPU()
	if *concurrencyFlag > 0 {
		concurrency = *concurrencyFlag
	}

	var browserOut io.Writer
	if e.BrowserLog {
		browserOut = os.Stderr
	}
	headless, note := e.headless()
	if note != "" {
		fmt.Println(note)
	}
	var stops []func()
	defer func() { runStops(stops) }()
	mocksfURL := e.MocksfURL
	if mocksfURL == "" {
		stopMocksf, url, err := startMocksf(e.SMTP, e.InstanceHosts)
		if err != nil {
			t.Fatal(err)
		}
		stops = append(stops, stopMocksf)
		mocksfURL = url
	}
	// The steps, through the package teams use in their own suites: a
	// broken profile fails here, before any browser starts. The browser
	// lives for the whole run: its context has no deadline.
	steps, err := sfsteps.New(context.Background(), sfsteps.Config{MocksfURL: mocksfURL, ControlToken: e.ControlToken,
		Product: e.Product, ProductURL: e.ClientURL, ChromeURL: e.ChromeURL, Chromium: e.Chromium, Headed: !headless, BrowserLog: browserOut,
		ResultsDir: results, Log: os.Stdout, MailpitURL: e.MailpitURL, Trace: e.Trace, KeepOrgs: e.KeepOrgs, KeyByKey: e.KeyByKey})
	if err != nil {
		t.Fatal(err)
	}
	stops = append(stops, steps.Close)
	if steps.SharedProduct() && concurrency > 1 {
		// One product for every scenario: they must take turns.
		concurrency = 1
	}
	r := &featureRun{t: t, env: e, steps: steps, results: results, attemptsDir: t.TempDir(),
		info: runInfo{Started: time.Now(), Env: environment(e, steps, concurrency)}}
	for _, s := range all {
		r.runRef = append(r.runRef, [2]string{s.Ref(), s.RunRef()})
	}
	stopWatch := r.exitWhenCutShort(t, func() { runStops(stops) })
	defer stopWatch()

	parallel, serial := splitSerial(selected)
	r.runRefs(parallel, concurrency)
	r.runRefs(serial, 1)

	// A Ctrl-C from here on waits for these reports, then cannot
	// replace them: the run has ended.
	r.reporting.Lock()
	defer r.reporting.Unlock()
	stopWatch()
	merged := r.merged()
	if err := writeReports(results, merged, r.info); err != nil {
		t.Error(err)
	}
	writeTimingSummary(os.Stdout, merged, 5)
	writeUndefined(os.Stdout, merged, shownByConsole)
	sum := summarize(merged)
	fmt.Printf("\n%s\n", sum)
	if sum.Flaky > 0 {
		fmt.Printf("%d flaky: passed only on a retry (see %s)\n", sum.Flaky, filepath.Join(results, "report.html"))
	}
	fmt.Printf("%d scenarios in %s at concurrency %d; reports in %s\n", len(selected), time.Since(r.info.Started).Round(time.Millisecond), concurrency, results)
	if sum.Failed > 0 {
		t.Fatalf("%d scenarios failed; see the output above, %s and the artefacts under %s", sum.Failed, filepath.Join(results, "report.html"), results)
	}
}

// featurePaths are the features FEATURE names, relative to the root as
// people write them, or all of features/.
func featurePaths(root, feature string) []string {
	if feature == "" {
		return []string{"features"}
	}
	var paths []string
	for _, p := range strings.Fields(feature) {
		paths = append(paths, displayPath(root, p))
	}
	return paths
}

// splitSerial returns the run refs of the scenarios, apart from those
// tagged @serial: a team tags so a scenario that changes what every org
// shares (mocksf's own clock, a server setting), and it runs after the
// others, one at a time. Letting time pass moves one org's clock and
// needs no tag.
func splitSerial(selected []Scenario) (parallel, serial []string) {
	for _, s := range selected {
		list := &parallel
		if slices.Contains(s.Tags, "@serial") {
			list = &serial
		}
		if !slices.Contains(*list, s.RunRef()) {
			*list = append(*list, s.RunRef())
		}
	}
	return parallel, serial
}

// featureRun is one TestFeatures run: its attempts so far, for the
// reports at its end or when it is cut short.
type featureRun struct {
	t           *testing.T
	env         env
	steps       *sfsteps.Steps
	results     string
	attemptsDir string      // the attempts' Cucumber JSON, outside results
	runRef      [][2]string // a row's ref and its outline's
	info        runInfo

	mu       sync.Mutex
	attempts [][]cukeFeature
	// reporting is held by whoever writes the reports: the end of the
	// run, or a run cut short.
	reporting sync.Mutex
}

// runRefs runs the scenarios, then the failed ones again, up to RETRIES
// more times.
func (r *featureRun) runRefs(refs []string, concurrency int) {
	for attempt := 0; attempt <= r.env.Retries && len(refs) > 0; attempt++ {
		if attempt > 0 {
			fmt.Printf("\nRetry %d of %d: %s\n", attempt, r.env.Retries, strings.Join(refs, " "))
		}
		fs, err := r.attempt(refs, concurrency)
		if err != nil {
			r.t.Fatal(err)
		}
		r.mu.Lock()
		r.attempts = append(r.attempts, fs)
		r.mu.Unlock()
		refs = r.retryRefs(fs)
	}
}

// attempt runs the scenarios once and returns godog's Cucumber JSON of it.
func (r *featureRun) attempt(refs []string, concurrency int) ([]cukeFeature, error) {
	r.mu.Lock()
	n := len(r.attempts) + 1
	r.mu.Unlock()
	r.steps.Attempt(n)
	cuke := filepath.Join(r.attemptsDir, fmt.Sprintf("cucumber-attempt-%d.json", n))
	fsys, files, err := selectScenarios(refs)
	if err != nil {
		return nil, err
	}
	opts := godog.Options{}
	opts.Format = consoleFormat(r.env.Format) + ",cucumber:" + cuke
	opts.Paths = files
	opts.FS = fsys
	opts.Tags = ""     // selection is done above, with real tag expressions
	opts.Strict = true // an undefined or pending step fails the run
	opts.Concurrency = concurrency
	opts.NoColors = r.env.NoColors
	opts.Output = os.Stdout
	godog.TestSuite{Name: "features", ScenarioInitializer: r.steps.Register, Options: &opts}.Run()
	return readCucumber(cuke)
}

// retryRefs are the run refs of the scenarios that did not pass: an
// outline's row is run again with its outline, as godog runs it.
func (r *featureRun) retryRefs(fs []cukeFeature) []string {
	var refs []string
	for _, ref := range failedRefs(fs) {
		for _, rr := range r.runRef {
			if rr[0] == ref {
				ref = rr[1]
				break
			}
		}
		if !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	return refs
}

// merged is the run's result so far: each scenario's last attempt.
func (r *featureRun) merged() []cukeFeature {
	r.mu.Lock()
	defer r.mu.Unlock()
	return mergeAttempts(r.attempts)
}

// exitWhenCutShort writes this run's reports, marked as cut short, and
// exits when the run is interrupted (Ctrl-C, SIGTERM) or about to reach
// go test's -timeout, which would otherwise kill it with a goroutine dump
// and no report at all. It returns the function that stops watching.
func (r *featureRun) exitWhenCutShort(t *testing.T, cleanup func()) (stop func()) {
	deadline, ok := t.Deadline()
	if !ok {
		deadline = time.Time{}
	}
	cut, stop := watchCutShort(deadline)
	go func() {
		c, ok := <-cut
		if !ok {
			return
		}
		// Never unlocked: the process exits below.
		r.reporting.Lock()
		r.info.CutShort = fmt.Sprintf("%s after %s", c.Reason, time.Since(r.info.Started).Round(time.Second))
		merged := r.merged()
		fmt.Printf("\n\nRUN CUT SHORT: %s; %d scenarios had finished. The reports say so: %s\n",
			r.info.CutShort, r.steps.Finished(), filepath.Join(r.results, "report.html"))
		if err := writeReports(r.results, merged, r.info); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
		cleanup()
		os.Exit(c.Code)
	}()
	return stop
}

// runStops stops what the run started, the last started first.
func runStops(stops []func()) {
	for i := len(stops) - 1; i >= 0; i-- {
		stops[i]()
	}
}

// environment is what the report shows of the run's set-up.
func environment(e env, steps *sfsteps.Steps, concurrency int) [][2]string {
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	return append(append([][2]string{{"Go", runtime.Version()}}, steps.About()...), [][2]string{
		{"mail", or(e.MailpitURL, or(e.SMTP, "mocksf's copies"))},
		{"concurrency", strconv.Itoa(concurrency)},
		{"shard", or(e.Shard, "all")},
		{"tags", e.Tags},
		{"features", or(e.Feature, "features")},
		{"retries", strconv.Itoa(e.Retries)},
		{"instance hosts", e.InstanceHosts},
	}...)
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
