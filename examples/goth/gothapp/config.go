package gothapp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Defaults of Config.
const (
	// DefaultLoginURL is the login URL the settings page starts with:
	// mocksf's default address (cmd/mocksf -addr, make run's
	// MOCKSF_ADDR), since this product exists to be tested against it.
	DefaultLoginURL = "http://127.0.0.1:8080"
	// CallbackPath is where Salesforce redirects back to, under BaseURL,
	// unless Config.CallbackURL says otherwise.
	CallbackPath = "/auth/salesforce/callback"
	// DefaultAPIVersion is the REST API version of the records query
	// (Summer '26, the version Beacon calls too).
	DefaultAPIVersion = "67.0"
	// DefaultQuery is the SOQL query whose first records the page shows.
	DefaultQuery = "SELECT Name FROM Lead LIMIT 5"
	// DefaultTimeout bounds each call to Salesforce when Config.HTTPClient
	// is nil.
	DefaultTimeout = 30 * time.Second
)

// DefaultScopes are the OAuth scopes the product asks for: api for the
// query, id for the identity URL goth reads the user from, refresh_token
// for goth.User.RefreshToken.
var DefaultScopes = []string{"api", "id", "refresh_token"}

// Config configures the product.
type Config struct {
	// LoginURL is the Salesforce login URL the settings page starts with
	// (the admin may change it there); empty means DefaultLoginURL.
	LoginURL string
	// BaseURL is the product's own public URL, such as
	// http://127.0.0.1:9100; it is where CallbackURL defaults to.
	BaseURL string
	// CallbackURL is the redirect URI sent to Salesforce, which must match
	// one of the connected app's Callback URLs exactly; empty means
	// BaseURL + CallbackPath. Its path is where the product serves the
	// callback.
	CallbackURL string
	// Scopes are the OAuth scopes asked for; nil means DefaultScopes.
	Scopes []string
	// APIVersion is the REST API version of the records query, such as
	// "67.0"; empty means DefaultAPIVersion.
	APIVersion string
	// Query is the SOQL query whose first records the page shows after
	// connecting; empty means DefaultQuery.
	Query string
	// HTTPClient makes the calls to Salesforce (goth's token exchange and
	// identity request, the query); nil means a client with
	// DefaultTimeout.
	HTTPClient *http.Client
}

// withDefaults returns cfg with its defaults filled in and checked.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.LoginURL == "" {
		cfg.LoginURL = DefaultLoginURL
	}
	loginURL, err := normalizeLoginURL(cfg.LoginURL)
	if err != nil {
		return cfg, fmt.Errorf("gothapp: LoginURL %q: %w", cfg.LoginURL, err)
	}
	cfg.LoginURL = loginURL
	if cfg.CallbackURL == "" && cfg.BaseURL == "" {
		return cfg, errors.New("gothapp: BaseURL or CallbackURL is required")
	}
	cfg.CallbackURL = cfg.RedirectURI()
	cb, err := url.Parse(cfg.CallbackURL)
	if err != nil || cb.Scheme == "" || cb.Host == "" || !strings.HasPrefix(cb.Path, "/") {
		return cfg, fmt.Errorf("gothapp: CallbackURL %q must be an absolute URL with a path", cfg.CallbackURL)
	}
	if cfg.Scopes == nil {
		cfg.Scopes = DefaultScopes
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	cfg.APIVersion = strings.TrimPrefix(cfg.APIVersion, "v")
	if cfg.Query == "" {
		cfg.Query = DefaultQuery
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: DefaultTimeout}
	}
	return cfg, nil
}

// RedirectURI is the redirect URI the product sends to Salesforce, the
// Callback URL the connected app must list: CallbackURL, else BaseURL +
// CallbackPath.
func (cfg Config) RedirectURI() string {
	if cfg.CallbackURL != "" {
		return cfg.CallbackURL
	}
	return strings.TrimSuffix(cfg.BaseURL, "/") + CallbackPath
}

// callbackPath is the path the product serves the callback on.
func (cfg Config) callbackPath() string {
	u, _ := url.Parse(cfg.CallbackURL) // checked by withDefaults
	return u.Path
}

// normalizeLoginURL checks a Salesforce login URL and drops a trailing
// slash, so that "/services/oauth2/..." can be appended.
func normalizeLoginURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errors.New("want an http or https URL with a host and no query")
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}
