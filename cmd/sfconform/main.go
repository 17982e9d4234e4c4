// Command sfconform is the conformance suite of real Salesforce clients
// (make conformance, docs/conformance.md): it starts mocksf in-process on
// a free loopback port with conformance/seed.yaml, logs in through
// mocksf's own pages (authorize, login form, the emailed code read from
// /__mocksf/mail, Allow), then runs the pinned Salesforce CLI and jsforce
// from conformance/node_modules against it. Each check prints one line,
// PASS or FAIL; a FAIL is followed by the last requests mocksf saw. It
// ends with "N passed, N failed" and exits non-zero on any failure.
//
//	sfconform [-dir conformance] [-only sf|jsforce] [-timeout 2m] [-node node] [-v]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// errFailed is run's answer when the suite ran and some check failed;
// the lines above it said which.
var errFailed = errors.New("sfconform: some checks failed")

// config is what the flags say.
type config struct {
	dir     string        // the npm project: package.json, node_modules, seed.yaml, jsforce.mjs
	only    string        // "", "sf" or "jsforce"
	timeout time.Duration // per client command
	verbose bool          // print each client's output
	node    string        // the JavaScript runtime jsforce.mjs runs in
}

// run is the whole program, so tests can run it: args is the command
// line with the program's name first, getenv the environment the clients
// run in. A SIGINT or SIGTERM ends it as ctx does.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 {
		args = args[1:]
	}
	fs := flag.NewFlagSet("sfconform", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.dir, "dir", "conformance", "`DIR` of the npm project (node_modules installed by npm ci), seed.yaml and jsforce.mjs")
	fs.StringVar(&c.only, "only", "", "run one client's checks only: sf or jsforce")
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "how long one client command may take")
	fs.BoolVar(&c.verbose, "v", false, "print each client command's output")
	fs.StringVar(&c.node, "node", "node", "the `PROGRAM` that runs "+jsforceScript)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h or -help: the usage is printed, which is all that was asked
		}
		return err
	}
	if c.only != "" && c.only != "sf" && c.only != "jsforce" {
		return fmt.Errorf("sfconform: -only %q: want sf or jsforce", c.only)
	}
	dir, err := filepath.Abs(c.dir)
	if err != nil {
		return fmt.Errorf("sfconform: -dir: %w", err)
	}
	c.dir = dir
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		return fmt.Errorf("sfconform: %s has no node_modules (run npm ci there, or make conformance): %w", dir, err)
	}
	seed, err := os.ReadFile(filepath.Join(dir, "seed.yaml"))
	if err != nil {
		return fmt.Errorf("sfconform: %w", err)
	}
	start := time.Now()
	h, err := startHarness(seed)
	if err != nil {
		return err
	}
	defer h.close()
	r := &report{out: stdout, tail: h.journalTail}
	fmt.Fprintf(stdout, "mocksf at %s (instance %s), org %s\n", h.srv.URL, h.org.InstanceURL, h.org.ID)
	if c.only != "jsforce" {
		runSF(ctx, c, h, r, getenv)
	}
	if c.only != "sf" {
		runJSforce(ctx, c, h, r, getenv)
	}
	// The count alone on the last line, as CI reads it.
	fmt.Fprintf(stdout, "the suite took %.1fs\n", time.Since(start).Seconds())
	fmt.Fprintf(stdout, "%d passed, %d failed\n", r.passed, r.failed)
	if r.failed > 0 || r.passed == 0 {
		return errFailed
	}
	return nil
}
