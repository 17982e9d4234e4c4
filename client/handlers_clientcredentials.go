package client

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

// Values of the page's connectionType radio group.
const (
	connectionUserLogin         = "userLogin"
	connectionClientCredentials = "clientCredentials"
)

// handleConnectClientCredentials connects Beacon with the client
// credentials flow, the alternative to Login with Salesforce that sync
// products offer for an integration user: it asks the token endpoint of
// the typed My Domain URL for a token with the typed Consumer Key and
// Secret, then confirms it as Confirm Credentials does (the identity URL
// says who the connected app's Run As user is) and starts the field sync.
// The credentials are saved only once Salesforce accepted them, so that a
// failed attempt leaves a working setup alone. The form's answer is a
// redirect back to the page, or the page with the error in #error; a
// script gets JSON.
func handleConnectClientCredentials(cfg Config, st *store.Store, ss *sessions, p *pages, j *jobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			p.renderError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		// requireCSRF parsed a form that carried the token; one sent with
		// the header is parsed here, within the same body bound.
		if err := r.ParseForm(); err != nil {
			p.renderError(w, r, http.StatusBadRequest, msgBadForm)
			return
		}
		typedDomain := strings.TrimSpace(r.PostForm.Get("myDomainUrl"))
		creds, problems := validateCredentials(r.PostForm.Get("consumerKey"), r.PostForm.Get("consumerSecret"))
		myDomain, problem := validateMyDomainURL(typedDomain, cfg.SalesforceURL)
		if !problem.isZero() {
			problems = append(problems, problem)
		}
		fail := func(status int, problems ...message) {
			loc := localizer(r)
			if wantsJSON(r) {
				writeJSON(w, status, errorJSON{Error: strings.Join(inAll(loc, problems), " ")})
				return
			}
			d := newSalesforcePage(cfg, st, ss.ensure(w, r), loc)
			d.Errors = inAll(loc, problems)
			// Keep what was typed, except the secret.
			d.ConsumerKey, d.ClientCredentials, d.MyDomainURL = creds.ConsumerKey, true, typedDomain
			p.render(w, r, status, "salesforce.html", d)
		}
		if len(problems) > 0 {
			fail(http.StatusUnprocessableEntity, problems...)
			return
		}

		conn, status, m := fetchClientCredentialsToken(r.Context(), cfg, creds, myDomain)
		if !m.isZero() {
			fail(status, m)
			return
		}
		if err := st.SaveCredentials(creds); err != nil {
			cfg.Logger.Error("cannot save the credentials", "err", err)
			j.revoke(conn)
			fail(http.StatusInternalServerError, storageErrorMessage(err))
			return
		}
		j.credentialsChanged(creds)
		// The token waits in the pending slot, as a login's does, so that
		// the confirmation is the one Confirm Credentials runs.
		replaced, err := st.SetPending(conn)
		if err != nil {
			cfg.Logger.Error("cannot store the client credentials token", "err", err)
			j.revoke(conn)
			fail(http.StatusInternalServerError, storageErrorMessage(err))
			return
		}
		if replaced != nil {
			// A login waiting for confirmation lost to this connection.
			j.revoke(*replaced)
		}
		if status, m := confirmPending(r.Context(), cfg, st, j, creds); !m.isZero() {
			// Nobody is to confirm this token later: drop it.
			if left, ok, _ := st.TakePending(); ok {
				j.revoke(left)
			}
			fail(status, m)
			return
		}
		if wantsJSON(r) {
			writeJSON(w, http.StatusOK, actionJSON{Message: msgClientCredentialsConnected.in(localizer(r)), Status: buildStatus(st.Status(), localizer(r))})
			return
		}
		ss.setFlash(r, flash{msg: msgClientCredentialsConnected})
		http.Redirect(w, r, "/admin/crm/salesforce", http.StatusSeeOther)
	})
}

// fetchClientCredentialsToken asks myDomain's token endpoint for a token
// with the client credentials flow and checks the answer as the callback
// checks a code exchange's. On failure it returns the HTTP status and what
// the admin reads, with Salesforce's error code and description.
func fetchClientCredentialsToken(ctx context.Context, cfg Config, creds store.Credentials, myDomain string) (conn store.Connection, status int, m message) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cc := salesforce.ClientCredentialsConfig(myDomain, creds.ConsumerKey, creds.ConsumerSecret)
	tok, err := cc.Token(salesforce.WithHTTPClient(ctx, cfg.HTTPClient))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode != "" {
			cfg.Logger.Warn("salesforce client credentials flow refused", "error", re.ErrorCode, "description", re.ErrorDescription)
			return conn, http.StatusBadGateway, clientCredentialsErrorMessage(re.ErrorCode, re.ErrorDescription)
		}
		if errors.As(err, &re) && re.Response != nil {
			// Not an OAuth error: an answer from something else than a
			// Salesforce token endpoint.
			cfg.Logger.Warn("salesforce client credentials flow failed", "status", re.Response.StatusCode)
			return conn, http.StatusBadGateway, clientCredentialsHTTPMessage(re.Response.StatusCode, myDomain)
		}
		cfg.Logger.Warn("salesforce client credentials flow failed", "err", err)
		return conn, http.StatusBadGateway, clientCredentialsUnreachableMessage(myDomain, innermost(err))
	}
	if err := salesforce.VerifySignature(tok, creds.ConsumerSecret); err != nil {
		cfg.Logger.Warn("salesforce token signature mismatch: token discarded")
		return conn, http.StatusBadGateway, msgClientCredentialsBadSignature
	}
	d := salesforce.Details(tok)
	if d.InstanceURL == "" || d.IdentityURL == "" {
		return conn, http.StatusBadGateway, msgClientCredentialsIncomplete
	}
	conn = store.Connection{Flow: store.FlowClientCredentials, MyDomainURL: myDomain, Token: tok, InstanceURL: d.InstanceURL, IdentityURL: d.IdentityURL}
	return conn, http.StatusOK, message{}
}

// validateMyDomainURL checks the typed My Domain URL and returns it as
// scheme://host, or the admin-facing problem. It must be https, since the
// Consumer Secret goes there, unless Beacon itself talks to Salesforce over
// plain http (loginURL), as against a local fake.
func validateMyDomainURL(raw, loginURL string) (string, message) {
	if raw == "" {
		return "", msgMyDomainMissing
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", msgMyDomainShape
	}
	plainOK := strings.HasPrefix(loginURL, "http://")
	if u.Scheme != "https" && (u.Scheme != "http" || !plainOK) {
		return "", msgMyDomainShape
	}
	return u.Scheme + "://" + u.Host, message{}
}
