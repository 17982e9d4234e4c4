package gothapp

import (
	"crypto/rand"
	"net/http"
	"sync"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
	"github.com/markbates/goth"
	"github.com/markbates/goth/gothic"
	"github.com/markbates/goth/providers/salesforce"
)

// goth keeps three things in package variables, which this file alone
// touches:
//
//   - salesforce.AuthURL and salesforce.TokenURL, the endpoints
//     salesforce.New copies into the provider's oauth2.Config. They are
//     goth's documented way to leave login.salesforce.com ("If using
//     Salesforce Community, you should change these values before calling
//     New", providers/salesforce/salesforce.go, v1.82.0), so the product
//     sets them to the saved login URL, calls New and puts them back, under
//     one lock: each provider then holds its own endpoints.
//   - goth's registry of providers by name (goth.UseProviders), which
//     gothic looks the provider up in. Each App registers under a name of
//     its own, so that two Apps in one process (tests, e2e) do not replace
//     each other's provider.
//   - gothic.Store, the session store of the login in progress (state and
//     goth's session). Its default is a cookie store without a key unless
//     SESSION_SECRET is set, which fails every call; installGothicStore
//     replaces it once per process with a keyed cookie store, unless the
//     program installed one of its own.
var (
	salesforceURLs sync.Mutex

	gothicStoreOnce sync.Once
	gothicDefault   = gothic.Store
)

// newProvider returns goth's Salesforce provider for the credentials and
// login URL, registered with goth under name.
func newProvider(name string, c credentials, cfg Config) *salesforce.Provider {
	salesforceURLs.Lock()
	authURL, tokenURL := salesforce.AuthURL, salesforce.TokenURL
	salesforce.AuthURL = c.LoginURL + "/services/oauth2/authorize"
	salesforce.TokenURL = c.LoginURL + "/services/oauth2/token"
	p := salesforce.New(c.ConsumerKey, c.ConsumerSecret, cfg.CallbackURL, cfg.Scopes...)
	salesforce.AuthURL, salesforce.TokenURL = authURL, tokenURL
	salesforceURLs.Unlock()

	p.SetName(name)
	p.HTTPClient = cfg.HTTPClient
	goth.UseProviders(p)
	return p
}

// installGothicStore gives gothic a cookie store with random keys (a
// login in progress does not survive a restart, which is fine for a
// login that takes a minute), unless gothic.Store was changed already.
func installGothicStore() {
	gothicStoreOnce.Do(func() {
		if gothic.Store != gothicDefault {
			return
		}
		s := sessions.NewCookieStore(securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32))
		s.Options.HttpOnly = true
		s.Options.SameSite = http.SameSiteLaxMode
		s.MaxAge(600)
		gothic.Store = s
	})
}

// providerName returns a name for one App's provider in goth's registry.
func providerName() string {
	return "salesforce-" + rand.Text()[:10]
}
