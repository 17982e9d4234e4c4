package oauth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Response types the authorize endpoint serves: the web-server flow and
// the user-agent flow, whose answers travel in the callback's fragment,
// with an ID token for "token id_token" (reference §1.1, §9).
const (
	responseCode         = "code"
	responseToken        = "token"
	responseTokenIDToken = "token id_token"
)

// responseTypes maps the response_type values mocksf accepts to the
// response types above; "id_token token" is the same set of two.
var responseTypes = map[string]string{
	"code": responseCode, "token": responseToken,
	"token id_token": responseTokenIDToken, "id_token token": responseTokenIDToken,
}

// Display types of the login and approval pages; "page" is the default and
// what any other value gets (reference §1.1).
var displayTypes = map[string]bool{"page": true, "popup": true, "touch": true, "mobile": true}

// successPath is Salesforce's own "success" callback; a user-agent flow
// redirected there may carry a refresh token.
const successPath = "/services/oauth2/success"

// prompts are the prompt values of a request.
type prompts struct {
	Login, Consent, SelectAccount bool
}

func (p prompts) any() bool { return p.Login || p.Consent || p.SelectAccount }

// authRequest is a validated /services/oauth2/authorize request.
type authRequest struct {
	App           store.ConnectedApp
	ResponseType  string // responseCode, responseToken or responseTokenIDToken
	RedirectURI   string
	State         string
	Scopes        []string
	CodeChallenge string
	Nonce         string
	Prompt        prompts
	LoginHint     string
	Display       string
	Immediate     bool
}

// base64url without padding, 43 characters: an S256 challenge.
var challengePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// userAgent reports whether the request is the user-agent flow, whose
// answers go in the callback's fragment.
func (req authRequest) userAgent() bool { return req.ResponseType != responseCode }

// fail sends the browser back to the client with an OAuth error: in the
// fragment for the user-agent flow, in the query otherwise.
func fail(w http.ResponseWriter, r *http.Request, req authRequest, e oauthError) {
	if req.userAgent() {
		http.Redirect(w, r, withFragment(req.RedirectURI, [][2]string{
			{"error", e.Code}, {"error_description", e.Description}, {"state", req.State},
		}), http.StatusFound)
		return
	}
	redirectError(w, r, req.RedirectURI, e, req.State)
}

// withFragment replaces a redirect URI's fragment with params, in the
// order given (Salesforce's order), leaving out empty values.
func withFragment(raw string, params [][2]string) string {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	var b strings.Builder
	for _, p := range params {
		if p[1] == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p[0]) + "=" + url.QueryEscape(p[1]))
	}
	return raw + "#" + b.String()
}

// parseAuthRequest validates the query of an authorize request. It answers
// the request itself and reports false on error: rendered for an untrusted
// client or redirect URI, redirected otherwise (reference §1.4). The order
// of the checks decides which error a request with several faults gets.
func parseAuthRequest(d Deps, w http.ResponseWriter, r *http.Request, q url.Values) (authRequest, bool) {
	app, err := d.Store.AppByKey(q.Get("client_id"))
	if err != nil || !d.appActive(app) {
		renderError(d, w, r, errClientID)
		return authRequest{}, false
	}
	req := authRequest{App: app, RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
		Nonce: q.Get("nonce"), LoginHint: q.Get("login_hint"), Display: "page"}
	if req.RedirectURI == "" {
		renderError(d, w, r, errRedirectMissing)
		return authRequest{}, false
	}
	if !callbackMatches(app, req.RedirectURI) {
		renderError(d, w, r, errRedirectMismatch)
		return authRequest{}, false
	}
	if req.ResponseType = responseTypes[q.Get("response_type")]; req.ResponseType == "" {
		redirectError(w, r, req.RedirectURI, errUnsupportedResp, req.State)
		return authRequest{}, false
	}
	if app.Policy.Blocked {
		fail(w, r, req, errAppBlocked)
		return authRequest{}, false
	}
	var ok bool
	if req.Scopes, ok = requestedScopes(app, q.Get("scope")); !ok {
		fail(w, r, req, errInvalidScope)
		return authRequest{}, false
	}
	if req.Prompt, ok = parsePrompt(q.Get("prompt")); !ok {
		fail(w, r, req, errInvalidPrompt)
		return authRequest{}, false
	}
	if req.ResponseType == responseCode {
		// PKCE belongs to the web-server flow; the user-agent flow has no
		// token request to send a verifier with, so its challenge is ignored.
		if e, bad := checkChallenge(app, q); bad {
			fail(w, r, req, e)
			return authRequest{}, false
		}
		req.CodeChallenge = q.Get("code_challenge")
	}
	if display := q.Get("display"); displayTypes[display] {
		req.Display = display
	}
	req.Immediate = strings.EqualFold(q.Get("immediate"), "true")
	return req, true
}

// callbackMatches reports whether uri is exactly one of the app's Callback
// URLs, as Salesforce requires: no prefix, case, slash or encoding games.
func callbackMatches(app store.ConnectedApp, uri string) bool {
	for _, cb := range app.CallbackURLs {
		if cb == uri {
			return true
		}
	}
	return false
}

// requestedScopes returns the scopes of a request: the space-separated
// tokens of raw without repeats, or all the app's scopes when raw is
// empty. It reports false when one is not granted to the app.
func requestedScopes(app store.ConnectedApp, raw string) ([]string, bool) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return append([]string(nil), app.Scopes...), true
	}
	allowed := map[string]bool{}
	for _, t := range scope.Expand(app.Scopes) {
		allowed[t] = true
	}
	seen := map[string]bool{}
	var out []string
	for _, t := range fields {
		if !allowed[t] {
			return nil, false
		}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out, true
}

// parsePrompt reads a space-separated prompt. Salesforce documents login,
// consent and select_account as the only values; mocksf refuses others.
func parsePrompt(raw string) (prompts, bool) {
	var p prompts
	for _, v := range strings.Fields(raw) {
		switch v {
		case "login":
			p.Login = true
		case "consent":
			p.Consent = true
		case "select_account":
			p.SelectAccount = true
		default:
			return prompts{}, false
		}
	}
	return p, true
}

// checkChallenge returns the error for a web-server request's PKCE
// parameters, and false when they are acceptable.
func checkChallenge(app store.ConnectedApp, q url.Values) (oauthError, bool) {
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case method != "" && method != "S256":
		return errUnsupportedMethod, true
	case challenge == "" && app.Policy.RequirePKCE:
		return errMissingChallenge, true
	case challenge != "" && !challengePattern.MatchString(challenge):
		return errInvalidChallenge, true
	}
	return oauthError{}, false
}

// HandleAuthorizePost answers an authorization request sent by POST.
// Salesforce's authorize endpoint takes GET only, and answers invalid_request
// "Must use HTTP GET" (reference §1.4). The request is first checked as a
// GET would be, so an unknown client or a redirect URI that does not match
// is a page, and any other fault of the request is its own error; the
// method is the last thing wrong. The parameters may come in the query or
// in the form.
func HandleAuthorizePost(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
		params := r.URL.Query()
		if err := r.ParseForm(); err == nil {
			params = r.Form
		}
		req, ok := parseAuthRequest(d, w, r, params)
		if !ok {
			return
		}
		fail(w, r, req, errMustUseGet)
	})
}

// HandleAuthorize is GET /services/oauth2/authorize. It validates the
// request, keeps it in the browser's session under an opaque source, and
// sends the browser to the login page, or, when it is logged in, to the
// Allow Access page or straight back to the client. A request URI longer
// than MaxAuthorizeURI is refused first, as Salesforce's front end
// refuses a long URI before any application sees it.
func HandleAuthorize(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.URL.RequestURI()) > d.maxAuthorizeURI() {
			d.Pages.Render(w, r, http.StatusRequestURITooLong, "message.html", map[string]string{
				"Title": uriTooLongTitle, "Heading": uriTooLongTitle, "Message": uriTooLongMessage,
			})
			return
		}
		req, ok := parseAuthRequest(d, w, r, r.URL.Query())
		if !ok {
			return
		}
		sess, err := web.Session(d.Store, r)
		if err != nil {
			retry(w, r)
			return
		}
		if req.Immediate {
			// immediate=true never shows a page: it needs a session and an
			// earlier approval (reference §1.1).
			if req.Prompt.any() || !web.LoggedIn(sess) {
				fail(w, r, req, errImmediate)
				return
			}
			switch step, e := d.nextStep(req, sess.UserID); step {
			case stepComplete:
				d.complete(w, r, req, sess.UserID)
			case stepFail:
				fail(w, r, req, e)
			default:
				fail(w, r, req, errImmediate)
			}
			return
		}
		loggedIn := web.LoggedIn(sess) && !req.Prompt.Login
		if loggedIn && !req.Prompt.SelectAccount {
			switch step, e := d.nextStep(req, sess.UserID); step {
			case stepComplete:
				d.complete(w, r, req, sess.UserID)
				return
			case stepFail:
				fail(w, r, req, e)
				return
			}
		}
		source := newSource()
		_, err = d.Store.UpdateSession(sess.ID, func(s *store.Session) {
			if len(s.Pending) >= 20 {
				// A browser that starts many flows keeps only recent ones.
				for k := range s.Pending {
					delete(s.Pending, k)
				}
			}
			// A copy, so the session keeps the query only, not the
			// whole request line it is a slice of.
			s.Pending[source] = strings.Clone(r.URL.RawQuery)
			if req.Prompt.Login {
				s.UserID, s.OrgID, s.Verified = "", "", false
			}
		})
		if err != nil {
			retry(w, r)
			return
		}
		approval := ApprovalPath + "?source=" + source
		if loggedIn && !req.Prompt.SelectAccount {
			http.Redirect(w, r, approval, http.StatusFound)
			return
		}
		target := "/?ec=302&startURL=" + url.QueryEscape(approval)
		if req.LoginHint != "" {
			target += "&login_hint=" + url.QueryEscape(req.LoginHint)
		}
		if req.Display != "page" {
			target += "&display=" + req.Display
		}
		if loggedIn {
			// The login page offers the current user next to the form.
			target += "&prompt=select_account"
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// retry sends the browser to the same URL again when its session ended
// while the request was served (a logout in another tab): the session
// middleware starts a new one.
func retry(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
}

// step is what a logged-in user gets next for an authorization request.
type step int

const (
	stepAsk      step = iota // show Allow Access
	stepComplete             // answer the client with a code or tokens
	stepFail                 // answer the client with an error
)

// nextStep decides, for a logged-in user, whether the request fails,
// completes without the Allow Access page (approved before, or an
// admin-approved app the user is assigned to), or needs the page.
func (d Deps) nextStep(req authRequest, userID string) (step, oauthError) {
	user, _, err := d.Store.ActiveUser(userID)
	if errors.Is(err, store.ErrOrgInactive) {
		return stepFail, errInactiveOrg
	}
	if err != nil {
		return stepFail, errInactiveUser
	}
	if req.App.Policy.AdminApproved {
		// Pre-authorized users never see the page, even with
		// prompt=consent: the admin consented for them (reference §10.5).
		for _, id := range req.App.Policy.AssignedUserIDs {
			if sfid.Equal(id, user.ID) {
				return stepComplete, oauthError{}
			}
		}
		return stepFail, errAppAccessDenied
	}
	if !req.Prompt.Consent && d.Store.Approved(user.ID, req.App.ConsumerKey) {
		return stepComplete, oauthError{}
	}
	return stepAsk, oauthError{}
}

// complete answers the client: an authorization code in the query for the
// web-server flow, tokens in the fragment for the user-agent flow.
func (d Deps) complete(w http.ResponseWriter, r *http.Request, req authRequest, userID string) {
	if !req.userAgent() {
		org := orgOf(d, userID)
		code := d.Store.SaveCode(store.AuthCode{
			ConsumerKey: req.App.ConsumerKey, OrgID: org, UserID: userID,
			RedirectURI: req.RedirectURI, Scopes: req.Scopes, CodeChallenge: req.CodeChallenge,
			Nonce: req.Nonce, ExpiresAt: d.Store.NowIn(org).Add(d.AuthCodeTTL),
		})
		http.Redirect(w, r, withQuery(req.RedirectURI, url.Values{"code": {code.Code}, "state": {req.State}}), http.StatusFound)
		return
	}
	withRefresh := grantsRefresh(req.Scopes) && d.fragmentMayCarryRefresh(req.RedirectURI)
	at, rt, err := d.Store.IssueTokens("", req.App.ConsumerKey, userID, req.Scopes, withRefresh)
	if err != nil {
		fail(w, r, req, errInactiveUser)
		return
	}
	id := d.identityURL(at.OrgID, at.UserID)
	issuedAt := strconv.FormatInt(at.IssuedAt.UnixMilli(), 10)
	refresh, idToken := "", ""
	if rt != nil {
		refresh = rt.Token
	}
	if req.ResponseType == responseTokenIDToken && slices.Contains(at.Scopes, "openid") {
		if idToken, err = d.idToken(r, req.App, at, req.Nonce, ""); err != nil {
			d.Log.Error("mocksf: authorize: id token", "err", err)
			fail(w, r, req, errServerError)
			return
		}
	}
	http.Redirect(w, r, withFragment(req.RedirectURI, [][2]string{
		{"access_token", at.Token},
		{"refresh_token", refresh},
		{"instance_url", d.Hosts.URL(at.OrgID)},
		{"id", id},
		{"issued_at", issuedAt},
		{"signature", Signature(req.App.ConsumerSecret, id, issuedAt)},
		{"scope", strings.Join(at.Scopes, " ")},
		{"token_type", "Bearer"},
		{"id_token", idToken},
		{"state", req.State},
	}), http.StatusFound)
}

func orgOf(d Deps, userID string) string {
	u, err := d.Store.User(userID)
	if err != nil {
		return ""
	}
	return u.OrgID
}

// grantsRefresh reports whether the scopes ask for a refresh token.
func grantsRefresh(scopes []string) bool {
	for _, s := range scopes {
		if s == "refresh_token" || s == "offline_access" {
			return true
		}
	}
	return false
}

// fragmentMayCarryRefresh reports whether a user-agent flow may return a
// refresh token to uri: Salesforce returns one only to a custom scheme
// (not http or https) or to its own /services/oauth2/success page.
func (d Deps) fragmentMayCarryRefresh(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil {
		return false
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return true
	}
	return uri == d.BaseURL+successPath
}

func newSource() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type approvePage struct {
	Title, AppName, Username, Source, CSRF, ThisURL, Display string
	ScopeLabels                                              []string
	Setup                                                    bool
	QuickFind                                                string
}

// pendingRequest loads and re-validates the authorization request a source
// names. It answers the request itself and reports false when it cannot.
func pendingRequest(d Deps, w http.ResponseWriter, r *http.Request, sess store.Session, source string) (authRequest, bool) {
	raw, ok := sess.Pending[source]
	if !ok {
		d.Pages.Render(w, r, http.StatusBadRequest, "message.html", map[string]string{
			"Title": "Remote Access Error", "Heading": "Remote Access Error",
			"Message": "This authorization request is no longer valid. Return to the application and start again.",
		})
		return authRequest{}, false
	}
	q, _ := url.ParseQuery(raw)
	return parseAuthRequest(d, w, r, q)
}

// forget drops a pending request: each is answered once.
func forget(d Deps, sess store.Session, source string) {
	_, _ = d.Store.UpdateSession(sess.ID, func(s *store.Session) { delete(s.Pending, source) })
}

// HandleApprovalPage shows "Allow Access?" for a pending request, or
// answers the client at once when the page is not needed.
func HandleApprovalPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(d.Store, r)
		if err != nil || !web.LoggedIn(sess) {
			http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(r.URL.RequestURI()), http.StatusFound)
			return
		}
		source := r.URL.Query().Get("source")
		req, ok := pendingRequest(d, w, r, sess, source)
		if !ok {
			return
		}
		switch step, e := d.nextStep(req, sess.UserID); step {
		case stepComplete:
			forget(d, sess, source)
			d.complete(w, r, req, sess.UserID)
			return
		case stepFail:
			forget(d, sess, source)
			fail(w, r, req, e)
			return
		}
		user, err := d.Store.User(sess.UserID)
		if err != nil {
			fail(w, r, req, errInactiveUser)
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "approve.html", approvePage{
			Title: "Allow Access? | Salesforce", AppName: req.App.Name, Username: user.Username,
			Source: source, CSRF: sess.CSRF, ThisURL: r.URL.RequestURI(), Display: req.Display,
			ScopeLabels: scope.Labels(req.Scopes),
		})
	})
}

// HandleApprove takes the Allow or Deny decision and sends the browser
// back to the client with a code, tokens or access_denied. Allow is
// remembered, so the next request of the app skips the page.
func HandleApprove(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(d.Store, r)
		if err != nil {
			http.Redirect(w, r, "/", http.StatusFound)
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
		forget(d, sess, source)
		if step, e := d.nextStep(req, sess.UserID); step == stepFail {
			fail(w, r, req, e)
			return
		}
		if r.PostFormValue("decision") != "allow" {
			fail(w, r, req, errAccessDenied)
			return
		}
		if !req.App.Policy.AdminApproved {
			d.Store.Approve(sess.UserID, req.App.ConsumerKey)
		}
		d.complete(w, r, req, sess.UserID)
	})
}
