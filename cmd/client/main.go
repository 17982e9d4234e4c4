// Command client runs Beacon, the product side of the harness: a
// marketing-automation admin that connects to Salesforce with OAuth 2.0 and
// syncs leads, contacts and accounts.
//
// Usage:
//
//	client [-addr 127.0.0.1:9000] [-salesforce https://login.salesforce.com]
//	       [-base-url URL] [-oauth-feature=true] [-sync-interval 5s]
//	       [-db FILE] [-salesforce-timeout 30s] [-retry-backoff 500ms]
//	       [-max-backoff 5m] [-read-header-timeout 10s] [-no-pkce]
//	       [-status-poll 500ms] [-popup-grace 1.5s]
//
// It prints one line, "client listening on http://HOST:PORT", once it
// accepts connections. On SIGINT or SIGTERM it stops accepting
// connections, waits up to 10 seconds for the requests in flight to
// finish, then stops the background sync (which resumes at the next
// start) and closes the database. Its server timeouts keep a slow or idle
// client from holding a connection: headers must arrive within
// -read-header-timeout, a request within 30s, an answer may take 60s, and
// an idle keep-alive connection is closed after 120s.
//
// Each call to Salesforce may take -salesforce-timeout. A REST API call
// that fails on the network, times out or answers 502, 503 or 504 is
// retried up to three times, after -retry-backoff, then twice and four
// times that. When that is not enough, or a token refresh or the API limit
// fails a pull, the sync shows the error and tries again after 2×, 4×, …
// -sync-interval (the field sync after 2×, 4×, … twice -retry-backoff), at
// most -max-backoff (see docs/resilience.md).
//
// Beacon keeps its settings, tokens and synced records in the SQLite
// database FILE (default: beacon/beacon.db under the user's configuration
// directory, such as ~/.config/beacon/beacon.db), created with mode 0600;
// -db "" uses a temporary database that is removed on exit. A sync that was
// running when Beacon stopped goes on where it stopped.
//
// -no-pkce leaves PKCE out of the "Login with Salesforce" web server flow,
// as a product built on an older OAuth library does: no code_challenge in
// the authorize URL, no code_verifier in the code exchange. A connected
// app that requires PKCE then refuses the login, and the page shows
// Salesforce's error (invalid_request: missing required code challenge).
//
// The Sync with Salesforce page follows the status as Beacon sends it
// (server-sent events). -status-poll is how often the page checks what it
// is not sent: whether the login pop-up has closed, and the status when
// the browser cannot keep the stream open; it is also the wait before the
// browser opens the stream again. -popup-grace is how long the page waits,
// once the pop-up has closed, for the login's result before it says the
// window closed before the login finished (the result is posted as the
// pop-up closes, and may come after). A test suite sets both small.
//
// The Consumer Secret and the OAuth tokens are encrypted in the database
// with AES-256-GCM. The key is the environment variable BEACON_KEY, the
// base64 of 32 random bytes (head -c 32 /dev/urandom | base64); without it,
// the key is read from FILE.key, which is generated with mode 0600 the
// first time. Keep the key with the database: without it the secrets
// cannot be read, and with it they can.
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
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/internal/httpserve"
)

// defaultDBPath is beacon/beacon.db under the user's configuration
// directory, or "" (a temporary database) when there is none.
func defaultDBPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "beacon", "beacon.db")
}

func dbDescription(path string) string {
	if path == "" {
		return "temporary, removed on exit"
	}
	return path
}

// keySource says where the encryption key comes from, never the key.
func keySource(dbPath string, key []byte) string {
	switch {
	case key != nil:
		return "BEACON_KEY"
	case dbPath == "":
		return "random, for this run only"
	default:
		return store.KeyFilePath(dbPath)
	}
}

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can run it on port 0: args is the
// command line with the program's name first, getenv the environment. It
// serves until ctx is done or a SIGINT or SIGTERM arrives. Its errors
// start "client: ".
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := serve(ctx, args, getenv, stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return nil // -h or -help: the usage is printed, which is all that was asked
	case strings.HasPrefix(err.Error(), "client: "):
		// Package client's errors name it already: once is enough.
		return err
	default:
		return fmt.Errorf("client: %w", err)
	}
}

// serve is run without the signals and the "client: " prefix.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
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
	dbPath := fs.String("db", defaultDBPath(), "SQLite database `file` for settings, tokens and synced records; \"\" for a temporary one")
	sfTimeout := fs.Duration("salesforce-timeout", 30*time.Second, "how long one call to Salesforce may take before it is retried")
	retryBackoff := fs.Duration("retry-backoff", 500*time.Millisecond, "wait before the first quick retry of a failed call to Salesforce; doubles with each")
	maxBackoff := fs.Duration("max-backoff", 5*time.Minute, "longest wait of the sync between attempts after failures in a row")
	readHeaderTimeout := fs.Duration("read-header-timeout", httpserve.DefaultReadHeaderTimeout, "how long a browser may take to send a request's headers before the connection is closed")
	noPKCE := fs.Bool("no-pkce", false, "leave PKCE (code_challenge, code_verifier) out of the Login with Salesforce flow, as an older OAuth library does")
	statusPoll := fs.Duration("status-poll", 500*time.Millisecond, "how often the Sync with Salesforce page checks the login pop-up, and the status when it cannot keep the status stream")
	popupGrace := fs.Duration("popup-grace", 1500*time.Millisecond, "how long the page waits for the login's result after the pop-up closed before it says the window closed too soon")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var key []byte
	if text := getenv("BEACON_KEY"); text != "" {
		var err error
		if key, err = store.ParseKey(text); err != nil {
			return fmt.Errorf("BEACON_KEY: %w", err)
		}
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if *sfTimeout <= 0 {
		return fmt.Errorf("-salesforce-timeout must be positive, got %v", *sfTimeout)
	}
	// The page counts whole milliseconds; zero would be client.Config's
	// default rather than what was asked for.
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{{"-status-poll", *statusPoll}, {"-popup-grace", *popupGrace}} {
		if d.value < time.Millisecond {
			return fmt.Errorf("%s must be at least 1ms, got %v", d.flag, d.value)
		}
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

	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv, err := client.NewServer(client.Config{
		SalesforceURL: *sfURL,
		BaseURL:       *baseURL,
		OAuthFeature:  *oauthFeature,
		SyncInterval:  *syncInterval,
		HTTPClient:    &http.Client{Timeout: *sfTimeout},
		RetryBackoff:  *retryBackoff,
		MaxBackoff:    *maxBackoff,
		Logger:        logger,
		DBPath:        *dbPath,
		EncryptionKey: key,
		DisablePKCE:   *noPKCE,
		StatusPoll:    *statusPoll,
		PopupGrace:    *popupGrace,
	})
	if err != nil {
		return err
	}
	defer srv.Close()
	logger.Info("database", "path", dbDescription(*dbPath), "key", keySource(*dbPath, key))

	hs := httpserve.New(srv, *readHeaderTimeout)
	hs.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	// The status streams never end by themselves: without this, Shutdown
	// would wait ShutdownGrace for any page left open, then fail.
	hs.RegisterOnShutdown(srv.CloseStreams)
	return httpserve.Run(ctx, hs, ln, func() { fmt.Fprintf(stdout, "client listening on %s\n", listenURL) })
}
