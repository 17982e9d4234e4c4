package e2e

import (
	"fmt"
	"strconv"
)

// env is the run's configuration from the environment, read once by
// TestFeatures (readEnv); make e2e passes its variables through (README).
type env struct {
	Feature       string // FEATURE: feature files or dirs, optionally :LINE, from the repo root
	Tags          string // TAGS: a Cucumber tag expression (default "not @wip")
	Shard         string // SHARD: i/n, run this CI shard's share of the scenarios
	Retries       int    // RETRIES: re-run failed scenarios up to n times; passes after a failure are reported as flaky
	Format        string // FORMAT: console format, pretty (default) or progress
	Trace         bool   // TRACE=1: screenshot every window after every step
	Headed        bool   // HEADED=1: a visible Chromium, where a display exists
	HasDisplay    bool   // DISPLAY or WAYLAND_DISPLAY is set: there is one
	ResultsDir    string // RESULTS_DIR: where reports and artefacts go, replaced at the start of each run (default results; relative to the repository root)
	ChromeURL     string // CHROME_URL: drive a running browser (ws://… or http://host:9222)
	Chromium      string // CHROMIUM: the Chromium program to start (default chromium-headless-shell when headless and installed, else chromium)
	MocksfURL     string // MOCKSF_URL: use a running mocksf instead of starting one
	ControlToken  string // MOCKSF_CONTROL_TOKEN: the -control-token of the mocksf at MOCKSF_URL
	ClientURL     string // CLIENT_URL: use a running product instead of one per scenario
	Product       string // PRODUCT: the product profile, relative to the repo root (default profiles/beacon.yaml)
	SMTP          string // SMTP: the started mocksf relays its mail to this SMTP server (host:port)
	InstanceHosts string // INSTANCE_HOSTS: the started mocksf's instance hosts, per-org (default) or shared
	MailpitURL    string // MAILPIT_URL: read the mail from this Mailpit instead of from mocksf
	KeyByKey      bool   // TYPING=keys: type one key event a character (default insert: the text in one call)
	BrowserLog    bool   // BROWSER_LOG=1: show Chromium's own output
	KeepOrgs      bool   // KEEP_ORGS=1: leave each scenario's org in mocksf at its end
	NoColors      bool   // NO_COLOR or CI set: console output without colours
}

// readEnv reads the run's configuration with getenv (os.Getenv).
func readEnv(getenv func(string) string) (env, error) {
	or := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	e := env{
		Feature:       getenv("FEATURE"),
		Tags:          or("TAGS", "not @wip"),
		Shard:         getenv("SHARD"),
		Format:        or("FORMAT", "pretty"),
		Trace:         getenv("TRACE") != "",
		Headed:        getenv("HEADED") != "",
		HasDisplay:    getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "",
		ResultsDir:    or("RESULTS_DIR", "results"),
		ChromeURL:     getenv("CHROME_URL"),
		Chromium:      getenv("CHROMIUM"),
		MocksfURL:     getenv("MOCKSF_URL"),
		ControlToken:  getenv("MOCKSF_CONTROL_TOKEN"),
		ClientURL:     getenv("CLIENT_URL"),
		Product:       or("PRODUCT", "profiles/beacon.yaml"),
		SMTP:          getenv("SMTP"),
		InstanceHosts: or("INSTANCE_HOSTS", "per-org"),
		MailpitURL:    getenv("MAILPIT_URL"),
		BrowserLog:    getenv("BROWSER_LOG") != "",
		KeepOrgs:      getenv("KEEP_ORGS") != "",
		NoColors:      getenv("NO_COLOR") != "" || getenv("CI") != "",
	}
	retries, err := strconv.Atoi(or("RETRIES", "0"))
	if err != nil || retries < 0 {
		return e, fmt.Errorf("RETRIES=%q: want a whole number", getenv("RETRIES"))
	}
	e.Retries = retries
	switch typing := or("TYPING", "insert"); typing {
	case "insert":
	case "keys":
		e.KeyByKey = true
	default:
		return e, fmt.Errorf("TYPING=%q: want insert (the default) or keys", typing)
	}
	return e, nil
}

// headless says whether the started Chromium runs without a window, and
// why not as HEADED asked when it cannot: without a display a headed
// Chromium would not start at all, so the run goes on headless and says so.
func (e env) headless() (headless bool, note string) {
	switch {
	case !e.Headed:
		return true, ""
	case e.ChromeURL != "":
		return true, "HEADED=1 is for a started Chromium; the browser at CHROME_URL shows what it was started to show"
	case !e.HasDisplay:
		return true, "HEADED=1 but neither DISPLAY nor WAYLAND_DISPLAY is set: Chromium runs headless"
	}
	return false, ""
}
