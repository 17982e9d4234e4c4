// Package client is Beacon, a marketing-automation product, in the part that
// connects it to Salesforce: the Admin → CRM → Sync with Salesforce pages,
// the OAuth 2.0 web server flow in a pop-up window, the confirmation of the
// connected user, and the background field and record syncs.
//
// It talks to Salesforce only over HTTP, so it works against the real
// Salesforce and against a fake one.
package client

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
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
	// 30s timeout.
	HTTPClient *http.Client
	// Logger receives the server's logs; nil discards them. Secrets and
	// tokens are never logged.
	Logger *slog.Logger
}

// Server is the client's HTTP server state; Close stops background jobs.
type Server struct {
	handler   http.Handler
	jobs      *jobs
	closeOnce sync.Once
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
	st := store.New()
	j := newJobs(cfg, st)
	ss := newSessions(strings.HasPrefix(cfg.BaseURL, "https://"))
	mux := http.NewServeMux()
	addRoutes(mux, cfg, st, ss, j, pages)
	s := &Server{
		handler: logRequests(cfg.Logger, secureHeaders(http.NewCrossOriginProtection().Handler(mux))),
		jobs:    j,
	}
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// Close stops the background jobs and waits for them to end. It does not
// stop an http.Server serving s.
func (s *Server) Close() error {
	s.closeOnce.Do(s.jobs.close)
	return nil
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
