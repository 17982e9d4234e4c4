// Command gothdemo runs the goth example product (package
// examples/goth/gothapp): a settings page and a "Connect to Salesforce"
// login built on github.com/markbates/goth's Salesforce provider.
//
// Usage:
//
//	gothdemo [-addr 127.0.0.1:9100] [-salesforce http://127.0.0.1:8080]
//	         [-base-url URL] [-callback-url URL] [-api-version 67.0]
//	         [-query 'SELECT Name FROM Lead LIMIT 5']
//	         [-salesforce-timeout 30s] [-read-header-timeout 10s]
//
// -salesforce is the login URL the settings page starts with, mocksf's
// default address unless given; the admin may change it on the page.
// The connected app's Callback URL must be exactly -callback-url
// (default: -base-url, itself the listening address by default, then
// /auth/salesforce/callback); gothdemo prints it after its first line,
// "gothdemo listening on http://HOST:PORT". Settings and the connection
// live in memory: a restart forgets them. On SIGINT or SIGTERM it stops
// accepting connections and waits up to 10 seconds for the requests in
// flight.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/sfharness/sfharness/examples/goth/gothapp"
	"github.com/sfharness/sfharness/internal/httpserve"
)

// defaultAddr is -addr's default; examples/goth/seed.yaml's connected app
// has its callback URL.
const defaultAddr = "127.0.0.1:9100"

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can run it on port 0: args is the
// command line with the program's name first. gothdemo reads no
// environment variable; the getenv argument is there for the shape every
// cmd/ shares.
// It serves until ctx is done or a SIGINT or SIGTERM arrives. Its errors
// start "gothdemo: ".
func run(ctx context.Context, args []string, _ func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := serve(ctx, args, stdout, stderr)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return nil // -h: the usage is printed, which is all that was asked
	}
	return fmt.Errorf("gothdemo: %w", err)
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name := "gothdemo"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", defaultAddr, "`address` to listen on; port 0 picks a free port")
	loginURL := fs.String("salesforce", gothapp.DefaultLoginURL, "Salesforce login `URL` the settings page starts with")
	baseURL := fs.String("base-url", "", "public base `URL` of this server (default: derived from the listening address)")
	callbackURL := fs.String("callback-url", "", "redirect `URI` sent to Salesforce; the connected app's Callback URL must be exactly this (default: base URL + "+gothapp.CallbackPath+")")
	apiVersion := fs.String("api-version", gothapp.DefaultAPIVersion, "REST API `version` of the records query")
	query := fs.String("query", gothapp.DefaultQuery, "SOQL `query` whose first records (their Name) the page shows after connecting")
	sfTimeout := fs.Duration("salesforce-timeout", gothapp.DefaultTimeout, "how long one call to Salesforce may take")
	readHeaderTimeout := fs.Duration("read-header-timeout", httpserve.DefaultReadHeaderTimeout, "how long a browser may take to send a request's headers before the connection is closed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *sfTimeout <= 0 {
		return fmt.Errorf("-salesforce-timeout must be positive, got %v", *sfTimeout)
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	listenURL := httpserve.LocalURL(ln)
	if *baseURL == "" {
		*baseURL = listenURL
	}
	cfg := gothapp.Config{
		LoginURL: *loginURL, BaseURL: *baseURL, CallbackURL: *callbackURL,
		APIVersion: *apiVersion, Query: *query,
		HTTPClient: &http.Client{Timeout: *sfTimeout},
	}
	h, err := gothapp.New(cfg)
	if err != nil {
		return err
	}
	cb := cfg.RedirectURI()
	hs := httpserve.New(h, *readHeaderTimeout)
	return httpserve.Run(ctx, hs, ln, func() {
		fmt.Fprintf(stdout, "gothdemo listening on %s\ncallback URL for the connected app: %s\n", listenURL, cb)
	})
}
