// Package sfsteps is the harness's steps for a godog suite of your own:
// the step catalogue (docs/steps.md, in English, Dutch and Japanese), the
// Chromium driver they act through and the client of mocksf's control
// API that gives every scenario an org of its own. The product-side steps
// drive your product through its profile (docs/writing-scenarios.md,
// "Testing your own product"); the Salesforce-side steps drive mocksf's
// pages, in a pop-up or in the product's own window.
//
//	steps, err := sfsteps.New(ctx, sfsteps.Config{MocksfURL: srv.URL, Product: "profile.yaml"})
//	if err != nil { ... }
//	defer steps.Close()
//	godog.TestSuite{ScenarioInitializer: steps.Register, Options: &godog.Options{Strict: true, ...}}.Run()
//
// Config, New, Steps and its methods are the package's stable API; the
// suite of this repository (e2e/) registers its steps through it too.
// examples/sfsteps is a module of its own that uses it against its own
// product.
package sfsteps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"github.com/cucumber/godog"

	"github.com/sfharness/sfharness/internal/steps"
)

// Config is what the steps need. MocksfURL and Product are required.
type Config struct {
	// MocksfURL is the fake Salesforce every scenario creates its org in:
	// one your test started (mocksftest.NewServer) or a running one.
	MocksfURL string
	// ControlToken is the bearer token of mocksf's control API, for a
	// mocksf started with -control-token.
	ControlToken string
	// Product is the product profile (a YAML file, docs/writing-scenarios.md).
	// It is read and checked by New, before any browser starts.
	Product string
	// ProductURL, when set, is a running product every scenario uses,
	// instead of the profile's url. Scenarios that share one product
	// must run one at a time (Steps.SharedProduct).
	ProductURL string
	// ChromeURL, when set, is a running Chromium to drive: ws://… or the
	// http://host:port of one started with --remote-debugging-port (a
	// browser grid's CDP endpoint). Otherwise New starts Chromium
	// (chromium on PATH, Debian's package) headless.
	ChromeURL string
	// Headed shows the started Chromium's windows (it needs a display).
	Headed bool
	// Chromium is the Chromium program to start, on PATH or a path
	// (default: chromium-headless-shell for a headless run when it is
	// installed, chromium otherwise).
	Chromium string
	// BrowserLog receives the started Chromium's own output (nil: none).
	BrowserLog io.Writer
	// ResultsDir is where a failed step's screenshots, HTML and console
	// go, one folder per scenario (default "results").
	ResultsDir string
	// Log receives the steps' messages: the artefacts of a failed step,
	// what a long step waits for (default os.Stdout).
	Log io.Writer
	// MailpitURL, when set, is a Mailpit the steps read the verification
	// mail from, instead of mocksf's copies.
	MailpitURL string
	// Trace screenshots every window after every step and films every
	// window, for the harness's report (docs/writing-scenarios.md, TRACE).
	Trace bool
	// KeepOrgs leaves each scenario's org in mocksf at its end.
	KeepOrgs bool
	// KeyByKey types into fields one key event a character, for pages
	// that listen to keydown or keyup; by default the text goes in with
	// one Input.insertText, which fires the input events an IME's does.
	KeyByKey bool
}

// Steps are the step definitions of one run: the browser they drive
// and the settings every scenario shares. Each scenario gets its own
// org, its own product (unless one is shared) and its own browser
// contexts, so scenarios run in parallel (godog's Concurrency).
type Steps struct {
	suite     *steps.Suite
	chromeURL string
	stop      func()
}

// New checks the profile, then starts (or attaches to) the browser.
// The browser lives until Close; ctx must have no deadline.
func New(ctx context.Context, cfg Config) (*Steps, error) {
	if cfg.MocksfURL == "" {
		return nil, errors.New("sfsteps: Config.MocksfURL names no mocksf")
	}
	if cfg.Product == "" {
		return nil, errors.New("sfsteps: Config.Product names no product profile")
	}
	product, err := steps.LoadProfile(cfg.Product)
	if err != nil {
		return nil, err
	}
	if cfg.ResultsDir == "" {
		cfg.ResultsDir = "results"
	}
	if cfg.Log == nil {
		cfg.Log = os.Stdout
	}
	if cfg.BrowserLog == nil {
		cfg.BrowserLog = io.Discard
	}
	if cfg.ProductURL == "" {
		cfg.ProductURL = product.URL
	}
	userData, err := os.MkdirTemp("", "sfsteps-chromium-")
	if err != nil {
		return nil, fmt.Errorf("sfsteps: the browser's user data folder: %w", err)
	}
	browserCtx, stopBrowser, err := steps.StartBrowser(ctx, cfg.ChromeURL, cfg.Chromium, userData, !cfg.Headed, cfg.BrowserLog)
	if err != nil {
		os.RemoveAll(userData)
		return nil, err
	}
	s := &steps.Suite{BrowserCtx: browserCtx, ResultsDir: cfg.ResultsDir, Log: cfg.Log, Trace: cfg.Trace,
		MocksfURL: strings.TrimSuffix(cfg.MocksfURL, "/"), ControlToken: cfg.ControlToken,
		ClientURL: cfg.ProductURL, Product: product, MailpitURL: cfg.MailpitURL, KeepOrgs: cfg.KeepOrgs,
		KeyByKey: cfg.KeyByKey, RunID: steps.NewRunID()}
	// The tabs of the first scenarios open while the suite starts the
	// rest (mocksf's orgs, the product).
	s.Warm()
	return &Steps{suite: s, chromeURL: cfg.ChromeURL, stop: func() {
		s.Close()
		stopBrowser()
		os.RemoveAll(userData)
	}}, nil
}

// Register registers the catalogue's steps, in the feature's language,
// on a fresh world for the scenario: godog's ScenarioInitializer.
func (s *Steps) Register(sc *godog.ScenarioContext) { s.suite.InitializeScenario(sc) }

// Close closes the tabs the steps opened ahead and stops the browser New
// started (or detaches from ChromeURL's).
func (s *Steps) Close() { s.stop() }

// SharedProduct says whether every scenario uses one running product
// (ProductURL, or the profile's url): they must then take turns
// (godog's Concurrency 1).
func (s *Steps) SharedProduct() bool { return s.suite.ClientURL != "" }

// Attempt sets which attempt at the scenarios runs from now on, from 1:
// a runner that runs failed scenarios again calls it before each retry,
// and a retry's artefacts go under attempt-N/, apart from the first's.
func (s *Steps) Attempt(n int) { s.suite.Attempt = n }

// Finished counts the scenarios that have ended (none for nil Steps).
func (s *Steps) Finished() int {
	if s == nil {
		return 0
	}
	return s.suite.Finished()
}

// About is what the steps use, for a run's report: Chromium's version,
// mocksf, the product and the browser, as name and value.
func (s *Steps) About() [][2]string {
	chromium := "unknown"
	if v, err := chromedp.Call(s.suite.BrowserCtx, browser.GetVersion, cdp.Empty{}); err == nil {
		chromium = v.Product
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	p := s.suite.Product
	return [][2]string{
		{"Chromium", chromium},
		{"mocksf", s.suite.MocksfURL},
		{"product", or(p.Name, "unnamed") + " (" + p.File + "), " + or(s.suite.ClientURL, "one per scenario")},
		{"browser", or(s.chromeURL, "started by the run")},
	}
}
