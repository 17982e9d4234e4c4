// Package client is Beacon, a marketing-automation product, in the part that
// connects it to Salesforce: the Admin → CRM → Sync with Salesforce pages,
// the OAuth 2.0 web server flow in a pop-up window (or, for an integration
// user, the client credentials flow on the org's My Domain), the
// confirmation of the connected user, and the background field and record
// syncs.
//
// It talks to Salesforce only over HTTP, so it works against the real
// Salesforce and against a fake one.
//
// # Storage
//
// Settings, the pending and confirmed connections, the field map, the
// synced records and where each sync stands live in a SQLite database
// (Config.DBPath; package store, on the pure-Go modernc.org/sqlite). The
// schema is versioned with PRAGMA user_version and migrated at start. The
// Consumer Secret and the OAuth tokens are sealed with AES-256-GCM, each
// bound to its place in the database; the key is Config.EncryptionKey
// (cmd/client: BEACON_KEY, base64 of 32 bytes) or the file DBPath+".key",
// generated with mode 0600 beside the database. Records are stored by
// Salesforce Id and never replaced by an older version, and each page of
// a pull is saved with the object's cursor in one transaction, so a
// restart in the middle of a sync goes on where it stopped (see package
// syncjob) without storing a record twice or losing one.
package client

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/client/store"
)

// callbackPath is where Salesforce sends the admin back after the login;
// it is the path the documented flow uses.
const callbackPath = "/salesforce/getSfdcOAuthTokensRedirect"

// Config configures a client server.
type Config struct {
	// SalesforceURL is the Salesforce login host, e.g.
	// "https://login.salesforce.com" or "http://127.0.0.1:PORT".
	SalesforceURL string
	// BaseURL is this server's public base URL, e.g.
	// "http://127.0.0.1:9000"; the OAuth callback is
	// BaseURL + "/salesforce/getSfdcOAuthTokensRedirect".
	BaseURL string
	// OAuthFeature is the subscription feature "Enable OAuth for SFDC
	// sync"; without it the Salesforce page only explains how to get it.
	OAuthFeature bool
	// SyncInterval is how often the running sync pulls changes; zero
	// means 5s.
	SyncInterval time.Duration
	// HTTPClient makes the calls to Salesforce; nil means a client with a
	// 30s timeout. Its Timeout bounds each call, the token endpoint's
	// included: a call that takes longer counts as a network failure and
	// is retried like one.
	HTTPClient *http.Client
	// RetryBackoff is the wait before the first quick retry of a REST API
	// call that failed on the network (a time-out included) or answered
	// 502, 503 or 504; it doubles for each of the (at most three) retries.
	// Zero means 500ms. When the retries fail too, or a failure is not
	// retried at once (a token refresh, the API limit), the field sync
	// waits 2×, 4×, … twice RetryBackoff before describing the object
	// again, and the record sync 2×, 4×, … SyncInterval before pulling
	// again, both up to MaxBackoff. See docs/resilience.md.
	RetryBackoff time.Duration
	// MaxBackoff caps the waits of the field and record syncs after
	// failures in a row; zero means 5 minutes.
	MaxBackoff time.Duration
	// Logger receives the server's logs; nil discards them. Secrets and
	// tokens are never logged.
	Logger *slog.Logger
	// DBPath is the SQLite database that keeps the settings, tokens and
	// synced records, so that a restart goes on where Beacon stopped. It is
	// created (mode 0600) if missing. Empty means a fresh database in a
	// temporary directory that Close removes: nothing survives the server.
	DBPath string
	// EncryptionKey is the 32-byte AES-256 key that encrypts the Consumer
	// Secret and the tokens in the database (cmd/client reads it from
	// BEACON_KEY, base64). Nil means the key in the file DBPath + ".key",
	// generated with mode 0600 the first time; or, when DBPath is empty, a
	// random key for this server only.
	EncryptionKey []byte
	// ReplicationInterval is how often the running sync asks Salesforce's
	// replication resources (sObject deleted and updated) for deletions
	// and missed updates; zero means 2 minutes, negative never. Changes
	// and deletions also come from LastModifiedDate polling of queryAll
	// every SyncInterval.
	ReplicationInterval time.Duration
	// DisablePKCE leaves PKCE (RFC 7636) out of the web server flow, as a
	// product built on an older OAuth library does: the authorize URL
	// carries no code_challenge and the code exchange no code_verifier.
	// A connected app that requires PKCE then refuses the login with
	// invalid_request "missing required code challenge", which the page
	// shows. False, the default, sends both (cmd/client: -no-pkce).
	DisablePKCE bool
	// StatusPoll is how often the Sync with Salesforce page checks what it
	// is not told: whether the login pop-up has closed, and the status
	// when the browser cannot keep the status stream (server-sent events
	// from GET /admin/crm/salesforce/events) open. It is also the
	// stream's reconnection wait. Zero means 500ms (cmd/client:
	// -status-poll); the page counts whole milliseconds, at least one.
	StatusPoll time.Duration
	// PopupGrace is how long the page waits, once the login pop-up has
	// closed, for the pop-up's result before it tells the admin the
	// window closed before the login finished (as when Salesforce showed
	// an error there, such as a Consumer Key not active yet): the result
	// is posted just before the pop-up closes and may arrive after the
	// page sees it closed. Zero means 1.5s (cmd/client: -popup-grace).
	PopupGrace time.Duration
}

// The defaults of Config.StatusPoll and Config.PopupGrace.
const (
	defaultStatusPoll = 500 * time.Millisecond
	defaultPopupGrace = 1500 * time.Millisecond
)

// Server is the client's HTTP server state; Close stops background jobs
// and closes the database.
type Server struct {
	handler   http.Handler
	jobs      *jobs
	store     *store.Store
	streams   *streams
	closeOnce sync.Once
	closeErr  error
}

// NewServer returns a Server for cfg, or an error if cfg is unusable.
func NewServer(cfg Config) (*Server, error) {
	var err error
	if cfg.SalesforceURL, err = checkBaseURL("SalesforceURL", cfg.SalesforceURL); err != nil {
		return nil, err
	}
	if cfg.BaseURL, err = checkBaseURL("BaseURL", cfg.BaseURL); err != nil {
		return nil, err
	}
	if cfg.SyncInterval <= 0 {
		cfg.SyncInterval = 5 * time.Second
	}
	if cfg.StatusPoll <= 0 {
		cfg.StatusPoll = defaultStatusPoll
	}
	if cfg.PopupGrace <= 0 {
		cfg.PopupGrace = defaultPopupGrace
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	pages, err := parsePages()
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	key, err := encryptionKey(cfg)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(store.Options{Path: cfg.DBPath, Key: key, Describe: syncErrorMessage})
	if err != nil {
		if errors.Is(err, store.ErrWrongKey) {
			return nil, fmt.Errorf("client: %w: %s was written with another encryption key (BEACON_KEY or %s)", err, cfg.DBPath, store.KeyFilePath(cfg.DBPath))
		}
		return nil, fmt.Errorf("client: %w", err)
	}
	j := newJobs(cfg, st)
	j.resume()
	secure := strings.HasPrefix(cfg.BaseURL, "https://")
	ss := newSessions(secure)
	streams := newStreams()
	mux := http.NewServeMux()
	addRoutes(mux, cfg, st, ss, j, pages, streams)
	s := &Server{
		handler: logRequests(cfg.Logger, secureHeaders(rememberLanguage(secure, http.NewCrossOriginProtection().Handler(mux)))),
		jobs:    j,
		store:   st,
		streams: streams,
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// CloseStreams ends the status streams open now (GET
// /admin/crm/salesforce/events); a stream asked for later sends the status
// once and ends, and the browser asks again after StatusPoll, as a poll
// would. An http.Server's Shutdown waits for the requests in flight, and a
// stream never ends by itself: register CloseStreams with the server's
// RegisterOnShutdown, or its Shutdown waits out its whole time limit.
// Close calls it too.
func (s *Server) CloseStreams() { s.streams.close() }

// Close ends the status streams, stops the background jobs and waits for
// them to end. It does not stop an http.Server serving s.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.streams.close()
		s.jobs.close()
		s.closeErr = s.store.Close()
	})
	return s.closeErr
}

// encryptionKey returns the key that encrypts cfg's database.
func encryptionKey(cfg Config) ([]byte, error) {
	switch {
	case cfg.EncryptionKey != nil:
		if len(cfg.EncryptionKey) != store.KeySize {
			return nil, fmt.Errorf("client: config: EncryptionKey is %d bytes; want %d", len(cfg.EncryptionKey), store.KeySize)
		}
		return cfg.EncryptionKey, nil
	case cfg.DBPath == "":
		key := make([]byte, store.KeySize)
		rand.Read(key)
		return key, nil
	default:
		keyFile := store.KeyFilePath(cfg.DBPath)
		_, keyErr := os.Stat(keyFile)
		if db, err := os.Stat(cfg.DBPath); err == nil && db.Size() > 0 && errors.Is(keyErr, fs.ErrNotExist) {
			// A new key could not read the existing secrets.
			return nil, fmt.Errorf("client: %s exists but its key file %s does not: set BEACON_KEY to the database's key, or restore the key file", cfg.DBPath, keyFile)
		}
		key, err := store.LoadOrCreateKeyFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		return key, nil
	}
}

// checkBaseURL checks that raw is an absolute http(s) URL and returns it
// without a trailing slash.
func checkBaseURL(name, raw string) (string, error) {
	if raw == "" {
		return "", fmt.Errorf("client: config: %s is required", name)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("client: config: %s: %w", name, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("client: config: %s must be an absolute http or https URL, got %q", name, raw)
	}
	return strings.TrimRight(raw, "/"), nil
}
