package oauth

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// authRequest is a validated /services/oauth2/authorize request.
type authRequest struct {
	App           store.ConnectedApp
	RedirectURI   string
	State         string
	Scopes        []string
	CodeChallenge string
	Nonce         string
	Prompt        string
	LoginHint     string
}

// base64url without padding, 43 characters: an S256 challenge.
var challengePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// parseAuthRequest validates the query of an authorize request. It answers
// the request itself and reports false on error: rendered for an untrusted
// client or redirect URI, redirected otherwise (reference §1.4).
func parseAuthRequest(d Deps, w http.ResponseWriter, r *http.Request, q url.Values) (authRequest, bool) {
	app, err := d.Store.AppByKey(q.Get("client_id"))
	if err != nil || !d.appActive(app) {
		renderError(d, w, errInvalidClientID, descInvalidClientID)
		return authRequest{}, false
	}
	req := authRequest{App: app, RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
		Nonce: q.Get("nonce"), Prompt: q.Get("prompt"), LoginHint: q.Get("login_hint")}
	if req.RedirectURI == "" {
		renderError(d, w, errRedirectMissing, descRedirectMissing)
		return authRequest{}, false
	}
	matched := false
	for _, cb := range app.CallbackURLs {
		// Exact match, as Salesforce requires: no prefix, case or slash games.
		if cb == req.RedirectURI {
			matched = true
		}
	}
	if !matched {
		renderError(d, w, errRedirectMismatch, descRedirectMismatch)
		return authRequest{}, false
	}
	if q.Get("response_type") != "code" {
		redirectError(w, r, req.RedirectURI, errUnsupportedResp, descUnsupportedResp, req.State)
		return authRequest{}, false
	}
	allowed := map[string]bool{}
	for _, t := range scope.Expand(app.Scopes) {
		allowed[t] = true
	}
	req.Scopes = strings.Fields(q.Get("scope"))
	if len(req.Scopes) == 0 {
		req.Scopes = app.Scopes
	}
	for _, t := range req.Scopes {
		if !allowed[t] {
			redirectError(w, r, req.RedirectURI, errInvalidScope, descInvalidScope, req.State)
			return authRequest{}, false
		}
	}
	if c := q.Get("code_challenge"); c != "" {
		if m := q.Get("code_challenge_method"); (m != "" && m != "S256") || !challengePattern.MatchString(c) {
			redirectError(w, r, req.RedirectURI, errInvalidRequest, "invalid code challenge", req.State)
			return authRequest{}, false
		}
		req.CodeChallenge = c
	}
	return req, true
}

// HandleAuthorize starts the web-server flow: it validates the request,
// keeps it in the browser's session under an opaque source, and sends the
// browser to the login page (or straight to Allow Access when logged in).
func HandleAuthorize(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		req, ok := parseAuthRequest(d, w, r, q)
		if !ok {
			return
		}
		source := newSource()
		sess, err := d.Store.UpdateSession(web.SessionID(r.Context()), func(s *store.Session) {
			if len(s.Pending) >= 20 {
				// A browser that starts many flows keeps only recent ones.
				for k := range s.Pending {
					delete(s.Pending, k)
				}
			}
			s.Pending[source] = r.URL.RawQuery
			if strings.Contains(" "+req.Prompt+" ", " login ") {
				s.UserID, s.OrgID, s.Verified = "", "", false
			}
		})
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		approval := ApprovalPath + "?source=" + source
		if web.LoggedIn(sess) {
			http.Redirect(w, r, approval, http.StatusFound)
			return
		}
		target := "/?ec=302&startURL=" + url.QueryEscape(approval)
		if req.LoginHint != "" {
			target += "&login_hint=" + url.QueryEscape(req.LoginHint)
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

func newSource() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type approvePage struct {
	Title, AppName, Username, Source, CSRF, ThisURL string
	ScopeLabels                                     []string
	Setup                                           bool
	QuickFind                                       string
}

// pendingRequest loads and re-validates the authorization request a source
// names. It answers the request itself and reports false when it cannot.
func pendingRequest(d Deps, w http.ResponseWriter, r *http.Request, sess store.Session, source string) (authRequest, bool) {
	raw, ok := sess.Pending[source]
	if !ok {
		d.Pages.Render(w, http.StatusBadRequest, "message.html", map[string]string{
			"Title": "Remote Access Error", "Heading": "Remote Access Error",
			"Message": "This authorization request is no longer valid. Return to the application and start again.",
		})
		return authRequest{}, false
	}
	q, _ := url.ParseQuery(raw)
	return parseAuthRequest(d, w, r, q)
}

// HandleApprovalPage shows "Allow Access?" for a pending request.
func HandleApprovalPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(d.Store, r)
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if !web.LoggedIn(sess) {
			http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		source := r.URL.Query().Get("source")
		req, ok := pendingRequest(d, w, r, sess, source)
		if !ok {
			return
		}
		user, err := d.Store.User(sess.UserID)
		if err != nil {
			http.Error(w, "user unavailable", http.StatusInternalServerError)
			return
		}
		d.Pages.Render(w, http.StatusOK, "approve.html", approvePage{
			Title: "Allow Access? | Salesforce", AppName: req.App.Name, Username: user.Username,
			Source: source, CSRF: sess.CSRF, ThisURL: r.URL.RequestURI(),
			ScopeLabels: scope.Labels(req.Scopes),
		})
	})
}

// HandleApprove takes the Allow or Deny decision and sends the browser
// back to the client with a code or access_denied.
func HandleApprove(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(d.Store, r)
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if !web.ParseForm(w, r, sess) {
			return
		}
		if !web.LoggedIn(sess) {
			http.Redirect(w, r, "/", http.StatusFound)
			return
		}
		source := r.PostFormValue("source")
		req, ok := pendingRequest(d, w, r, sess, source)
		if !ok {
			return
		}
		// The request is answered once, whatever the decision.
		if _, err := d.Store.UpdateSession(sess.ID, func(s *store.Session) { delete(s.Pending, source) }); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if r.PostFormValue("decision") != "allow" {
			redirectError(w, r, req.RedirectURI, errAccessDenied, descAccessDenied, req.State)
			return
		}
		code := d.Store.SaveCode(store.AuthCode{
			ConsumerKey: req.App.ConsumerKey, OrgID: sess.OrgID, UserID: sess.UserID,
			RedirectURI: req.RedirectURI, Scopes: req.Scopes, CodeChallenge: req.CodeChallenge,
			Nonce: req.Nonce, ExpiresAt: d.Store.Now().Add(d.AuthCodeTTL),
		})
		http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"code": {code.Code}, "state": {req.State}}), http.StatusFound)
	})
}
