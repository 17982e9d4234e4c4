// Command sfrun is make run: it starts bin/mocksf and bin/client together
// for a person to click through the documented flow, and stops both.
//
//	sfrun [-mocksf-addr 127.0.0.1:8080] [-client-addr 127.0.0.1:9000]
//	      [-bin bin] [-db FILE]
//
// Both ports are checked first: a taken one stops it at once with a
// message naming the make variable to change (MOCKSF_ADDR, CLIENT_ADDR).
// The client gets a temporary database unless -db names one (make run
// KEEP=1 keeps .run/beacon.db), so a run never meets the previous run's
// connection to a mocksf that has forgotten it. On SIGINT or SIGTERM it
// stops both programs by their PIDs, each once, waits for them and exits
// 0; when either stops by itself it stops the other and exits 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can run it: args is the command line
// with the program's name first. It runs until ctx is done, a SIGINT or
// SIGTERM arrives, or a program stops.
func run(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the usage is printed
	}
	if err != nil {
		return err
	}
	if err := supervise(ctx, c, stdout, stderr); err != nil {
		return fmt.Errorf("sfrun: %w", err)
	}
	return nil
}
