// Command client runs Beacon, the product side of the harness: a
// marketing-automation admin that connects to Salesforce with OAuth 2.0 and
// syncs leads, contacts and accounts.
//
// Usage:
//
//	client [-addr 127.0.0.1:9000] [-salesforce https://login.salesforce.com]
//	       [-base-url URL] [-oauth-feature=true] [-sync-interval 5s]
//
// It prints one line, "client listening on http://HOST:PORT", once it
// accepts connections, and shuts down gracefully on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sfharness/sfharness/client"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(1)
	}
}

// run starts the server with the command line args (args[0] is the program
// name) and serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name := "client"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9000", "`address` to listen on; port 0 picks a free port")
	sfURL := fs.String("salesforce", "https://login.salesforce.com", "Salesforce login `URL`")
	baseURL := fs.String("base-url", "", "public base `URL` of this server (default: derived from the listening address)")
	oauthFeature := fs.Bool("oauth-feature", true, `subscription feature "Enable OAuth for SFDC sync"`)
	syncInterval := fs.Duration("sync-interval", 5*time.Second, "how often the running sync pulls changes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()
	listenURL := "http://" + reachableAddr(ln.Addr().(*net.TCPAddr))
	if *baseURL == "" {
		*baseURL = listenURL
	}

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := client.NewServer(client.Config{
		SalesforceURL: *sfURL,
		BaseURL:       *baseURL,
		OAuthFeature:  *oauthFeature,
		SyncInterval:  *syncInterval,
		Logger:        logger,
	})
	if err != nil {
		return err
	}
	defer srv.Close()

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Fprintf(stdout, "client listening on %s\n", listenURL)

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// reachableAddr returns host:port to reach a listener: a wildcard address
// becomes the loopback one.
func reachableAddr(a *net.TCPAddr) string {
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}
