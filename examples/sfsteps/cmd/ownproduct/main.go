// Command ownproduct runs Ledgerly (examples/sfsteps/product), the team's
// own product of the importable-steps example, for the harness to test.
//
// Usage:
//
//	ownproduct [-addr 127.0.0.1:9300] [-salesforce-url http://127.0.0.1:8080]
//
// -salesforce-url is the Salesforce login URL: mocksf's base URL in tests
// (its default is mocksf's default address), https://login.salesforce.com
// or a My Domain in real use. The connected app's Callback URL must be
// the listening URL + /oauth/callback, which ownproduct prints after its
// first line, "ownproduct listening on http://HOST:PORT". Settings and the
// connection live in memory. On SIGINT or SIGTERM it drains the requests
// in flight for up to 10 seconds.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"example.com/ownproduct/product"
)

// Defaults: Ledgerly's own port, and mocksf's default address as
// Salesforce.
const (
	defaultAddr          = "127.0.0.1:9300"
	defaultSalesforceURL = "http://127.0.0.1:8080"
)

func main() {
	if err := run(context.Background(), os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, args with the program's name first, so tests
// run it on port 0. It serves until ctx ends or a SIGINT or SIGTERM
// arrives; its errors start "ownproduct: ".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, args, stdout, stderr); err != nil && !errors.Is(err, flag.ErrHelp) {
		return fmt.Errorf("ownproduct: %w", err)
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", defaultAddr, "`address` to listen on; port 0 picks a free port")
	sfURL := fs.String("salesforce-url", defaultSalesforceURL, "Salesforce login `URL` (mocksf's base URL, https://login.salesforce.com or a My Domain)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if u, err := url.Parse(*sfURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-salesforce-url %q: want an absolute http(s) URL such as https://login.salesforce.com", *sfURL)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	base := "http://" + ln.Addr().String()
	if a := ln.Addr().(*net.TCPAddr); a.IP.IsUnspecified() {
		base = fmt.Sprintf("http://127.0.0.1:%d", a.Port) // what a browser on this machine can open
	}
	hs := &http.Server{
		Handler:           product.New(product.Config{SalesforceURL: *sfURL, BaseURL: base}),
		ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "ownproduct listening on %s\ncallback URL for the connected app: %s%s\n", base, base, product.CallbackPath)
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
