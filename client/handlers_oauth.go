package client

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

// handleLogin starts the OAuth 2.0 web server flow in the pop-up: it binds
// a fresh state and PKCE verifier (none with Config.DisablePKCE) to the
// admin's session and redirects to Salesforce's authorize endpoint.
func handleLogin(cfg Config, st *store.Store, ss *sessions, p *pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			p.renderError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		creds, ok := st.Credentials()
		if !ok {
			p.renderError(w, r, http.StatusConflict, msgNoCredentials)
			return
		}
		id, _ := ss.ensureID(w, r)
		state := rand.Text() + rand.Text()
		opts := []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("display", "popup")}
		verifier := ""
		if !cfg.DisablePKCE {
			verifier = oauth2.GenerateVerifier()
			opts = append(opts, oauth2.S256ChallengeOption(verifier))
		}
		ss.beginOAuth(id, state, verifier)
		oc := salesforce.OAuthConfig(cfg.SalesforceURL, creds.ConsumerKey, creds.ConsumerSecret, cfg.BaseURL+callbackPath)
		u := oc.AuthCodeURL(state, opts...)
		http.Redirect(w, r, u, http.StatusFound)
	})
}

// callbackPage is the data of the page the pop-up shows at the end of the
// login; its script posts the result to the opener and closes the pop-up.
type callbackPage struct {
	pageBase
	OK      bool
	Error   string // the OAuth error code, if any
	Message string
}

// handleCallback ends the login in the pop-up: it checks the state,
// exchanges the code, checks the token signature and keeps the tokens as
// a pending connection for the admin to confirm.
func handleCallback(cfg Config, st *store.Store, ss *sessions, j *jobs, p *pages) http.Handler {
	callbackURL := cfg.BaseURL + callbackPath
	fail := func(w http.ResponseWriter, r *http.Request, status int, code string, m message) {
		loc := localizer(r)
		p.render(w, r, status, "callback.html", callbackPage{
			pageBase: pageBase{Title: loc.MustT("callback.title")}, Error: code, Message: m.in(loc),
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			fail(w, r, http.StatusForbidden, "feature_disabled", msgFeatureDisabled)
			return
		}
		q := r.URL.Query()
		// State first, for errors too: Salesforce echoes it on every
		// redirect, and an unchecked error link could end a login.
		verifier, ok := ss.takeOAuth(r, q.Get("state"))
		if !ok {
			cfg.Logger.Warn("salesforce callback with a state that does not match the session")
			fail(w, r, http.StatusBadRequest, "state_mismatch", msgStateMismatch)
			return
		}
		if code := q.Get("error"); code != "" {
			cfg.Logger.Info("salesforce login refused", "error", code)
			fail(w, r, http.StatusOK, code, oauthErrorMessage(code, q.Get("error_description"), callbackURL))
			return
		}
		code := q.Get("code")
		if code == "" {
			fail(w, r, http.StatusBadRequest, "missing_code", msgMissingCode)
			return
		}
		creds, ok := st.Credentials()
		if !ok {
			fail(w, r, http.StatusConflict, "no_credentials", msgNoCredentials)
			return
		}

		oc := salesforce.OAuthConfig(cfg.SalesforceURL, creds.ConsumerKey, creds.ConsumerSecret, callbackURL)
		ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
		defer cancel()
		var opts []oauth2.AuthCodeOption
		if verifier != "" {
			// Without PKCE (Config.DisablePKCE) the login began with no
			// challenge, and an empty code_verifier would be refused.
			opts = append(opts, oauth2.VerifierOption(verifier))
		}
		tok, err := oc.Exchange(salesforce.WithHTTPClient(ctx, cfg.HTTPClient), code, opts...)
		if err != nil {
			var re *oauth2.RetrieveError
			if errors.As(err, &re) {
				cfg.Logger.Warn("salesforce code exchange refused", "error", re.ErrorCode)
				fail(w, r, http.StatusBadGateway, re.ErrorCode, oauthErrorMessage(re.ErrorCode, re.ErrorDescription, callbackURL))
				return
			}
			cfg.Logger.Warn("salesforce code exchange failed", "err", err)
			fail(w, r, http.StatusBadGateway, "exchange_failed", exchangeFailedMessage(innermost(err)))
			return
		}
		if err := salesforce.VerifySignature(tok, creds.ConsumerSecret); err != nil {
			cfg.Logger.Warn("salesforce token signature mismatch: tokens discarded")
			fail(w, r, http.StatusBadGateway, "bad_signature", msgBadSignature)
			return
		}
		d := salesforce.Details(tok)
		if d.InstanceURL == "" || d.IdentityURL == "" {
			fail(w, r, http.StatusBadGateway, "incomplete_token", msgNoInstanceURL)
			return
		}
		replaced, err := st.SetPending(store.Connection{Token: tok, InstanceURL: d.InstanceURL, IdentityURL: d.IdentityURL})
		if err != nil {
			cfg.Logger.Error("cannot store the login's tokens", "err", err)
			j.revoke(store.Connection{Token: tok})
			fail(w, r, http.StatusInternalServerError, "storage_failed", storageErrorMessage(err))
			return
		}
		if replaced != nil {
			// An earlier login was never confirmed: its tokens are of no use.
			j.revoke(*replaced)
		}
		cfg.Logger.Info("salesforce login complete; waiting for confirmation")
		loc := localizer(r)
		p.render(w, r, http.StatusOK, "callback.html", callbackPage{
			pageBase: pageBase{Title: loc.MustT("callback.title")}, OK: true, Message: msgLoginOK.in(loc),
		})
	})
}
