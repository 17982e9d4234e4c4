package gothapp

import (
	"sync"

	"github.com/markbates/goth/providers/salesforce"
)

// credentials are the saved settings: the connected app's key and secret
// and the Salesforce login URL.
type credentials struct {
	ConsumerKey    string
	ConsumerSecret string
	LoginURL       string
}

// connection is what the last successful callback learned.
type connection struct {
	Username    string // the identity's username
	OrgID       string // organization_id
	UserID      string // user_id
	DisplayName string // display_name
	Records     []string
	// RecordsError says why the records could not be read; the login
	// itself succeeded.
	RecordsError string
}

// state is the product's memory: one set of settings and one connection,
// as a single-tenant admin page has. It is safe for concurrent use.
type state struct {
	name string // the provider's name in goth's registry

	mu       sync.Mutex
	creds    credentials
	provider *salesforce.Provider // nil until credentials are saved
	conn     *connection
}

func (s *state) credentials() credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creds
}

// save stores new settings with goth's provider for them; the
// connection made with the old ones is forgotten.
func (s *state) save(c credentials, cfg Config) {
	p := newProvider(s.name, c, cfg)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds, s.provider, s.conn = c, p, nil
}

// currentProvider returns goth's provider for the saved settings, nil
// before any are saved.
func (s *state) currentProvider() *salesforce.Provider {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.provider
}

func (s *state) connection() *connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conn
}

func (s *state) setConnection(c *connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = c
}
