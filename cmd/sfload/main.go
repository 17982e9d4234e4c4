// Command sfload puts load on a running mocksf: N concurrent browserless
// OAuth 2.0 web-server flows, each authorize → login page → password →
// verification code read from mocksf's mail (long-polled) → verify →
// Allow → token exchange with PKCE S256 (golang.org/x/oauth2) → identity
// URL → Lead describe → a Lead query with its nextRecordsUrl pages. It
// stops after -flows flows or -duration, whichever comes first, and
// prints flows per second, p50/p95/p99 latencies per step, errors by kind
// and mocksf's peak memory. It exits non-zero when any flow failed.
//
//	sfload -start -concurrency 200 -flows 1000 -orgs 20 -records 2000
//	sfload -mocksf http://127.0.0.1:8080 -pid $(pgrep -n mocksf) -duration 30s
//	sfload -measure-startup -mocksf-bin bin/mocksf
//	sfload -start -soak authorize|query|refresh -n 100000
//	sfload -token-wrk -token-wrk-rounds 10 -token-wrk-duration 3s [-token-wrk-openid] [-cpuprofile cpu.out]
//
// -soak sends -n requests of one kind that would each leave something
// behind in mocksf (a pre-login session, a query cursor, an access
// token) and prints mocksf's resident memory before, during and after,
// to show that its bounds hold (soak.go, docs/security.md "Bounds").
//
// -token-wrk measures the token endpoint with Debian's wrk (apt-get
// install wrk; -wrk names another binary): it serves mocksf and a bare
// net/http handler (mocksf/oauth/tokenfloor: the same form parse, a reply
// of the same size) in this process on loopback, and runs wrk against
// each in turn, -token-wrk-rounds rounds of -token-wrk-duration with
// -token-wrk-connections and -token-wrk-threads, posting a refresh grant
// of scopes api and refresh_token (and, with -token-wrk-openid, one with
// openid, which signs an ID token each time). It prints each round's
// requests per second and each side's ratio to the bare handler's, then
// the medians; with -cpuprofile FILE, one more round of each side under
// the profiler, into FILE with the side's name before its extension
// (tokenwrk.go).
//
// sfload sets up its own orgs through the control API (POST
// /__mocksf/orgs), one user per concurrent worker, and deletes them at
// the end. It only loads loopback addresses: mocksf is a test tool, and
// load on other hosts is not ours to make. See docs/performance.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/instance"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// defaultTimeout bounds each HTTP request of a flow.
const defaultTimeout = 10 * time.Second

// config is sfload's command line.
type config struct {
	mocksfURL string
	start     bool
	// instanceHosts is the -start mocksf's -instance-hosts.
	instanceHosts string
	pid           int
	controlTok    string
	concurrency   int
	flows         int
	duration      time.Duration
	orgs          int
	records       int
	batchSize     int
	maxPages      int
	timeout       time.Duration
	apiVersion    string
	cpuProfile    string
	memProfile    string
	blockProf     string
	mutexProf     string

	// soak is a -soak mode (soak.go), n its requests and stateBytes the
	// authorize mode's state length.
	soak       string
	n          int
	stateBytes int

	measureStartup bool
	mocksfBin      string
	runs           int
	measureOrgs    int

	// tokenWrk is the -token-wrk mode (tokenwrk.go): wrk against the
	// token endpoint and the bare handler, in wrkRounds rounds of
	// wrkDuration each with wrkConns connections over wrkThreads threads.
	tokenWrk    bool
	wrkBin      string
	wrkRounds   int
	wrkDuration time.Duration
	wrkConns    int
	wrkThreads  int
	wrkOpenID   bool
}

// parseFlags reads and checks the command line.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("sfload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mocksfURL, "mocksf", "", "`URL` of a running mocksf (a loopback address); required unless -start")
	fs.BoolVar(&c.start, "start", false, "start mocksf in this process on 127.0.0.1:0 for a self-contained run")
	fs.StringVar(&c.instanceHosts, "instance-hosts", mocksf.DefaultInstanceHosts, "with -start, the orgs' instance hosts: shared or per-org (a listener each), as mocksf's flag")
	fs.StringVar(&c.controlTok, "control-token", "", "the `TOKEN` of a mocksf started with -control-token")
	fs.IntVar(&c.pid, "pid", 0, "process `ID` of the mocksf at -mocksf, to report its peak memory from /proc (Linux)")
	fs.IntVar(&c.concurrency, "concurrency", 200, "flows at once")
	fs.IntVar(&c.flows, "flows", 0, "stop after `N` flows (0: no count bound)")
	fs.DurationVar(&c.duration, "duration", 0, "stop starting flows after this long (0: no time bound)")
	fs.IntVar(&c.orgs, "orgs", 1, "orgs to create through the control API; the workers' users are spread over them")
	fs.IntVar(&c.records, "records", 2000, "Leads generated in each org, for the query step")
	fs.IntVar(&c.batchSize, "batch-size", 2000, "query batch size (Sforce-Query-Options batchSize, 200–2,000)")
	fs.IntVar(&c.maxPages, "max-pages", 10, "query pages (nextRecordsUrl) read at most per flow")
	fs.DurationVar(&c.timeout, "timeout", defaultTimeout, "timeout of each HTTP request (the mail long-poll waits 5s within it)")
	fs.StringVar(&c.apiVersion, "api-version", "v"+mocksf.DefaultNewestAPIVersion, "REST API version of the describe and query steps")
	fs.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of the flows to `FILE` (with -start it covers mocksf too)")
	fs.StringVar(&c.memProfile, "memprofile", "", "write an allocation profile to `FILE` at the end (with -start it covers mocksf too)")
	fs.StringVar(&c.blockProf, "blockprofile", "", "write a profile of where goroutines of the flows blocked to `FILE` (with -start, mocksf's too)")
	fs.StringVar(&c.mutexProf, "mutexprofile", "", "write a profile of mutex contention during the flows to `FILE` (with -start, mocksf's too)")
	fs.StringVar(&c.soak, "soak", "", "instead of flows, send -n requests of one `MODE` and print mocksf's memory before, during and after: "+strings.Join(soakModes, ", "))
	fs.IntVar(&c.n, "n", 10000, "requests a -soak run sends")
	fs.IntVar(&c.stateBytes, "state-bytes", 15000, "length of the state of each -soak authorize request (mocksf refuses URIs past 16,384 bytes)")
	fs.BoolVar(&c.measureStartup, "measure-startup", false, "instead of a load run, measure -mocksf-bin's start-up time and memory")
	fs.StringVar(&c.mocksfBin, "mocksf-bin", "bin/mocksf", "the mocksf `binary` -measure-startup runs")
	fs.IntVar(&c.runs, "runs", 10, "start-ups per seed -measure-startup times")
	fs.IntVar(&c.measureOrgs, "measure-orgs", 1000, "orgs -measure-startup creates before it reads the memory again")
	fs.BoolVar(&c.tokenWrk, "token-wrk", false, "instead of flows, measure refreshes at the token endpoint against a bare net/http handler with wrk, both served by this process on loopback, in alternating rounds")
	fs.StringVar(&c.wrkBin, "wrk", "wrk", "the wrk `binary` -token-wrk runs")
	fs.IntVar(&c.wrkRounds, "token-wrk-rounds", 5, "rounds of -token-wrk, each running wrk once against each side")
	fs.DurationVar(&c.wrkDuration, "token-wrk-duration", 5*time.Second, "how long wrk runs against each side in a -token-wrk round (whole seconds)")
	fs.IntVar(&c.wrkConns, "token-wrk-connections", 16, "wrk's connections in -token-wrk")
	fs.IntVar(&c.wrkThreads, "token-wrk-threads", 1, "wrk's threads in -token-wrk")
	fs.BoolVar(&c.wrkOpenID, "token-wrk-openid", false, "with -token-wrk, a third side: refreshes of a token with openid, each signing a new ID token")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("sfload: unexpected arguments %q", fs.Args())
	}
	if c.measureStartup {
		if c.runs < 1 || c.measureOrgs < 0 {
			return c, errors.New("sfload: -runs must be at least 1 and -measure-orgs not negative")
		}
		return c, nil
	}
	if c.tokenWrk {
		switch {
		case c.mocksfURL != "" || c.pid != 0:
			return c, errors.New("sfload: -token-wrk serves mocksf and the bare handler itself: no -mocksf or -pid")
		case c.wrkRounds < 1 || c.wrkDuration < time.Second:
			return c, errors.New("sfload: -token-wrk wants -token-wrk-rounds at least 1 and -token-wrk-duration at least 1s")
		case c.wrkThreads < 1 || c.wrkConns < c.wrkThreads:
			return c, errors.New("sfload: -token-wrk wants -token-wrk-threads at least 1 and -token-wrk-connections at least as many")
		}
		if _, err := instance.ParseMode(c.instanceHosts); err != nil {
			return c, fmt.Errorf("sfload: -instance-hosts %q: want %s or %s", c.instanceHosts, instance.Shared, instance.PerOrg)
		}
		c.start = true
		return c, nil
	}
	if c.soak != "" {
		if !slices.Contains(soakModes, c.soak) {
			return c, fmt.Errorf("sfload: -soak %q: want one of %s", c.soak, strings.Join(soakModes, ", "))
		}
		if c.n < 1 || c.stateBytes < 0 {
			return c, errors.New("sfload: -soak wants -n at least 1 and -state-bytes not negative")
		}
		// One page of each query: the soak is of cursors left behind.
		c.flows, c.maxPages = c.n, 1
	}
	switch {
	case c.start && c.mocksfURL != "":
		return c, errors.New("sfload: give -mocksf or -start, not both")
	case !c.start && c.mocksfURL == "":
		return c, errors.New("sfload: -mocksf URL is required (or -start for an in-process mocksf)")
	case c.start && c.pid != 0:
		return c, errors.New("sfload: -pid is for an external mocksf; -start measures its own")
	case c.flows <= 0 && c.duration <= 0:
		return c, errors.New("sfload: refusing an unbounded run: give -flows N and/or -duration D")
	case c.flows < 0 || c.duration < 0:
		return c, errors.New("sfload: -flows and -duration cannot be negative")
	case c.concurrency < 1 || c.orgs < 1:
		return c, errors.New("sfload: -concurrency and -orgs must be at least 1")
	case c.records < 0 || c.maxPages < 1 || c.batchSize < 200 || c.batchSize > 2000:
		return c, errors.New("sfload: want -records >= 0, -max-pages >= 1 and -batch-size within 200–2,000")
	case c.timeout <= 5*time.Second:
		return c, errors.New("sfload: -timeout must be longer than the mail long-poll's 5s")
	}
	if _, err := instance.ParseMode(c.instanceHosts); err != nil {
		return c, fmt.Errorf("sfload: -instance-hosts %q: want %s or %s", c.instanceHosts, instance.Shared, instance.PerOrg)
	}
	if c.mocksfURL != "" {
		if err := checkLoopback(c.mocksfURL); err != nil {
			return c, err
		}
	}
	return c, nil
}

// checkLoopback refuses any target but this machine: load on other hosts
// is not sfload's to make.
func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("sfload: -mocksf %q: want an http(s) URL such as http://127.0.0.1:8080", raw)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("sfload: -mocksf %q: only loopback addresses (127.0.0.0/8, ::1, localhost) may be loaded", raw)
}

// run is the whole program, so tests run the real thing: args is the
// command line with the program's name first, getenv the environment
// (sfload reads none today). A SIGINT or SIGTERM ends it as ctx does.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 {
		args = args[1:]
	}
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // -h or -help: the usage is printed, which is all that was asked
	}
	if err != nil {
		return err
	}
	if c.measureStartup {
		return measureStartup(ctx, c, stdout)
	}
	if c.tokenWrk {
		return tokenWrk(ctx, c, stdout, stderr)
	}
	if c.soak != "" {
		return soak(ctx, c, stdout, stderr)
	}
	return load(ctx, c, stdout, stderr)
}
