package gothapp

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/markbates/goth"
	"github.com/markbates/goth/gothic"
	"github.com/markbates/goth/providers/salesforce"
	"golang.org/x/oauth2"
)

// noticeSaved is the query value of the redirect after Save that shows
// msgSaved: the page shows only messages of its own, never text from the
// URL.
const noticeSaved = "saved"

func handleHome(p *page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v view
		if r.URL.Query().Get("notice") == noticeSaved {
			v.Notice = msgSaved
		}
		p.render(w, r, http.StatusOK, v)
	})
}

// handleNotFound answers any other path with the page and an error, not
// Go's plain 404.
func handleNotFound(p *page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, r, http.StatusNotFound, view{Error: fmt.Sprintf("There is no page at %s: this is the product's only page.", r.URL.Path), ErrorCode: "not_found"})
	})
}

// handleSaveSettings checks and stores the Consumer Key, the Consumer
// Secret (an empty one keeps the saved secret) and the login URL, then
// redirects to the page (303, so that a reload does not post again).
func handleSaveSettings(cfg Config, st *state, p *page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		old := st.credentials()
		c := credentials{
			ConsumerKey:    strings.TrimSpace(r.PostForm.Get("consumer_key")),
			ConsumerSecret: strings.TrimSpace(r.PostForm.Get("consumer_secret")),
		}
		if c.ConsumerSecret == "" {
			c.ConsumerSecret = old.ConsumerSecret
		}
		var bad string
		loginURL, err := normalizeLoginURL(r.PostForm.Get("login_url"))
		switch {
		case c.ConsumerKey == "":
			bad = msgKeyMissing
		case c.ConsumerSecret == "":
			bad = msgSecretMissing
		case err != nil:
			bad = msgLoginURLBad
		}
		if bad != "" {
			p.render(w, r, http.StatusBadRequest, view{Error: bad, ErrorCode: "invalid_settings"})
			return
		}
		c.LoginURL = loginURL
		st.save(c, cfg)
		http.Redirect(w, r, "/?notice="+noticeSaved, http.StatusSeeOther)
	})
}

// handleConnect starts goth's login and sends this window (no pop-up) to
// Salesforce's authorize URL. It answers 303 itself: gothic's
// BeginAuthHandler answers 307, which would make the browser POST the
// form to the authorize endpoint, and Salesforce answers a POST there
// with invalid_request "must use HTTP GET" (docs/mocksf-oauth.md).
func handleConnect(st *state, p *page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st.currentProvider() == nil {
			p.render(w, r, http.StatusBadRequest, view{Error: msgNoCredentials, ErrorCode: "no_credentials"})
			return
		}
		authURL, err := gothic.GetAuthURL(w, withProvider(r, st.name))
		if err != nil {
			p.render(w, r, http.StatusInternalServerError, view{Error: fmt.Sprintf(msgBeginFailed, err), ErrorCode: "begin_auth"})
			return
		}
		http.Redirect(w, r, authURL, http.StatusSeeOther)
	})
}

// handleCallback finishes the login Salesforce redirected back from:
// an error it sent, or goth's code exchange and identity request, then
// the first records. Every outcome is shown on the page.
func handleCallback(cfg Config, st *state, p *page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = withProvider(r, st.name)
		prov := st.currentProvider()
		if prov == nil || !loginInProgress(r, st.name, prov) {
			_ = gothic.Logout(w, r)
			p.render(w, r, http.StatusBadRequest, view{Error: msgNoLogin, ErrorCode: "state_mismatch"})
			return
		}
		q := r.URL.Query()
		if code := q.Get("error"); code != "" {
			_ = gothic.Logout(w, r)
			p.render(w, r, http.StatusOK, view{Error: oauthErrorMessage(code, q.Get("error_description"), cfg.CallbackURL), ErrorCode: code})
			return
		}
		user, err := completeUserAuth(w, r)
		if err != nil {
			msg, code := loginErrorMessage(err, cfg.CallbackURL)
			p.render(w, r, http.StatusOK, view{Error: msg, ErrorCode: code})
			return
		}
		conn := &connection{
			Username: rawString(user, "username"), OrgID: rawString(user, "organization_id"),
			UserID: user.UserID, DisplayName: user.Name,
		}
		conn.Records, conn.RecordsError = firstRecords(r.Context(), cfg.HTTPClient, user, cfg.APIVersion, cfg.Query)
		st.setConnection(conn)
		p.render(w, r, http.StatusOK, view{})
	})
}

// withProvider names the App's provider to gothic in the request's
// context, and drops a "provider" query parameter, which gothic would
// prefer, so that a URL cannot pick another App's provider.
func withProvider(r *http.Request, name string) *http.Request {
	q := r.URL.Query()
	if q.Has("provider") || q.Has(":provider") {
		q.Del("provider")
		q.Del(":provider")
		u := *r.URL
		u.RawQuery = q.Encode()
		r = r.Clone(r.Context())
		r.URL = &u
	}
	return gothic.GetContextWithProvider(r, name)
}

// loginInProgress reports whether this browser started a login whose
// state the callback carries. gothic checks the state too, but only once
// it exchanges the code; an error redirect must be checked before it is
// believed.
func loginInProgress(r *http.Request, name string, prov *salesforce.Provider) bool {
	value, err := gothic.GetFromSession(name, r)
	if err != nil {
		return false
	}
	sess, err := prov.UnmarshalSession(value)
	if err != nil {
		return false
	}
	authURL, err := sess.GetAuthURL()
	if err != nil {
		return false
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return false
	}
	state := u.Query().Get("state")
	return state != "" && state == r.URL.Query().Get("state")
}

// errNoIdentity is goth's panic when the token answer has no "id":
// its Session.Authorize asserts token.Extra("id").(string).
var errNoIdentity = errors.New("no identity URL in the token answer")

// completeUserAuth is gothic.CompleteUserAuth with goth's panic on a
// token answer without "id" turned into errNoIdentity.
func completeUserAuth(w http.ResponseWriter, r *http.Request) (u goth.User, err error) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = errNoIdentity
		}
	}()
	return gothic.CompleteUserAuth(w, r)
}

// loginErrorMessage explains why gothic could not complete the login,
// with a code for #error's data-error.
func loginErrorMessage(err error, callbackURL string) (msg, code string) {
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &re):
		desc := re.ErrorDescription
		if re.ErrorCode == "" && re.Response != nil {
			desc = fmt.Sprintf("HTTP %d from the token endpoint", re.Response.StatusCode)
		}
		return oauthErrorMessage(re.ErrorCode, desc, callbackURL), re.ErrorCode
	case errors.Is(err, errNoIdentity):
		return msgNoIdentity, "no_identity"
	case errors.As(err, &ue):
		return fmt.Sprintf(msgUnreachable, ue.Err), "unreachable"
	default:
		return fmt.Sprintf(msgLoginFailed, err), "login_failed"
	}
}

// rawString returns a string field of the identity document goth read.
func rawString(u goth.User, key string) string {
	s, _ := u.RawData[key].(string)
	return s
}
