// Package product is Ledgerly, a small invoicing product's Salesforce
// settings page: the kind of product a team tests with the harness's
// importable steps (examples/sfsteps). The admin saves a connected app's
// Consumer Key and Secret, clicks "Connect to Salesforce", and the
// product's own window goes to Salesforce (no pop-up) through
// golang.org/x/oauth2's web-server flow with PKCE, comes back to
// /oauth/callback and shows the Salesforce user it is connected as.
//
// It speaks to Salesforce over HTTP only, so the same handler runs against
// login.salesforce.com, a My Domain or mocksf.
package product

import (
	"embed"
	"html/template"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// CallbackPath is the product's OAuth callback; the connected app's
// Callback URL must be BaseURL + CallbackPath exactly.
const CallbackPath = "/oauth/callback"

// DefaultSalesforceURL is Config.SalesforceURL when none is given.
const DefaultSalesforceURL = "https://login.salesforce.com"

// Config is what Ledgerly needs to run.
type Config struct {
	// SalesforceURL is the login URL whose /services/oauth2/authorize
	// and /token the product uses: login.salesforce.com, a My Domain, or
	// mocksf's base URL. Default DefaultSalesforceURL.
	SalesforceURL string
	// BaseURL is where browsers reach the product (http://127.0.0.1:9300);
	// the redirect URI is BaseURL + CallbackPath.
	BaseURL string
	// HTTPClient calls Salesforce; nil: one with a 30-second timeout.
	HTTPClient *http.Client
}

//go:embed templates/settings.html
var templates embed.FS

var page = template.Must(template.ParseFS(templates, "templates/settings.html"))

// scopes are what the product asks for: the REST API, and id for the
// identity URL it reads the user from.
var scopes = []string{"api", "id"}

// New returns the product's handler; its state (settings, connection)
// lives in memory, as a single-tenant settings page has it.
func New(cfg Config) http.Handler {
	if cfg.SalesforceURL == "" {
		cfg.SalesforceURL = DefaultSalesforceURL
	}
	cfg.SalesforceURL = strings.TrimSuffix(cfg.SalesforceURL, "/")
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	s := &state{cfg: cfg, pending: map[string]pendingLogin{}}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", http.RedirectHandler("/settings", http.StatusSeeOther))
	mux.Handle("GET /settings", handleSettings(s))
	mux.Handle("POST /settings", requireCSRF(s, handleSave(s)))
	mux.Handle("POST /connect", requireCSRF(s, handleConnect(s)))
	mux.Handle("GET "+CallbackPath, handleCallback(s))
	mux.Handle("/", handleNotFound(s))
	return mux
}

// state is the product's memory; safe for concurrent use.
type state struct {
	cfg Config

	mu       sync.Mutex
	key      string
	secret   string
	identity *identity
	// pending are the logins started and not yet called back, by state.
	pending map[string]pendingLogin
}

// pendingLogin is one Connect to Salesforce in flight: the PKCE verifier
// and the settings it started with.
type pendingLogin struct {
	verifier string
	oauth    *oauth2.Config
	started  time.Time
}

// maxPending bounds the logins in flight; the oldest is forgotten first.
const maxPending = 64

// oauthConfig is x/oauth2's configuration for the saved settings, nil
// before any are saved.
func (s *state) oauthConfig() *oauth2.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.key == "" {
		return nil
	}
	return &oauth2.Config{
		ClientID: s.key, ClientSecret: s.secret, Scopes: scopes,
		RedirectURL: s.cfg.BaseURL + CallbackPath,
		Endpoint: oauth2.Endpoint{
			AuthURL:  s.cfg.SalesforceURL + "/services/oauth2/authorize",
			TokenURL: s.cfg.SalesforceURL + "/services/oauth2/token",
			// Salesforce takes the secret in the body (client_secret_post)
			// or as Basic; saying so spares x/oauth2 its guessing retry.
			AuthStyle: oauth2.AuthStyleInParams,
		},
	}
}

func (s *state) begin(state string, l pendingLogin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.pending) >= maxPending {
		oldest := ""
		for k, p := range s.pending {
			if oldest == "" || p.started.Before(s.pending[oldest].started) {
				oldest = k
			}
		}
		delete(s.pending, oldest)
	}
	s.pending[state] = l
}

// finish returns and forgets the login started with state.
func (s *state) finish(state string) (pendingLogin, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.pending[state]
	delete(s.pending, state)
	return l, ok
}

// view is one rendering of the settings page.
type view struct {
	Title, Flash, CSRF, ConsumerKey, CallbackURL, Status string
	Problem                                              *problem
	Identity                                             *identity
}

// problem is an error the page shows, with its code in data-code.
type problem struct{ Code, Text string }

func (s *state) render(w http.ResponseWriter, r *http.Request, status int, v view) {
	s.mu.Lock()
	v.ConsumerKey, v.Identity = s.key, s.identity
	s.mu.Unlock()
	v.Title, v.CallbackURL, v.CSRF = textTitle, s.cfg.BaseURL+CallbackPath, csrfToken(w, r)
	v.Status = textNotConnected
	if v.Identity != nil {
		v.Status = textConnectedAs + v.Identity.Username
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = page.Execute(w, v) // the status is sent; a broken connection is all that fails here
}
