package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// maxTokenBody bounds a token request; real ones are well under 4 KiB, a
// JWT bearer assertion with a certificate chain included.
const maxTokenBody = 16 << 10

// Grant types the token endpoint serves (reference §4.2).
const (
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
	grantPassword          = "password"
	grantClientCredentials = "client_credentials"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// tokenResponse is Salesforce's token reply, fields in its order. It has
// no expires_in; which fields a grant sends is in the grant's code.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Signature    string `json:"signature,omitempty"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
	InstanceURL  string `json:"instance_url"`
	// APIInstanceURL is sent by the client credentials flow only.
	APIInstanceURL string `json:"api_instance_url,omitempty"`
	ID             string `json:"id"`
	TokenType      string `json:"token_type"`
	IssuedAt       string `json:"issued_at,omitempty"`
}

// Signature is base64(HMAC-SHA256(key = consumer secret, id + issued_at)),
// which clients check to trust the reply (reference §4.3).
func Signature(consumerSecret, id, issuedAt string) string {
	mac := hmac.New(sha256.New, []byte(consumerSecret))
	mac.Write([]byte(id + issuedAt))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clientCredentials reads the client id and secret from HTTP Basic (as
// golang.org/x/oauth2 sends them first, query-escaped) or from the body.
func clientCredentials(r *http.Request) (id, secret string, basic bool) {
	if u, p, ok := r.BasicAuth(); ok {
		if uu, err := url.QueryUnescape(u); err == nil {
			u = uu
		}
		if pp, err := url.QueryUnescape(p); err == nil {
			p = pp
		}
		return u, p, true
	}
	return r.PostFormValue("client_id"), r.PostFormValue("client_secret"), false
}

// secretOK compares secrets in constant time.
func secretOK(app store.ConnectedApp, secret string) bool {
	return subtle.ConstantTimeCompare([]byte(app.ConsumerSecret), []byte(secret)) == 1
}

// A PKCE verifier as Salesforce accepts it: base64url characters only, so
// RFC 7636's "~" is refused (reference §4.5), from RFC 7636's 43
// characters to 256, not its 128: jsforce (useVerifier) and the
// Salesforce CLI send 171, base64url of 128 random bytes, and Salesforce
// takes them (salesforce-today.md §2). Salesforce's own upper bound is
// unknown; 256 leaves room for longer ones while refusing the absurd.
var verifierPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{43,256}$`)

// HandleToken is POST /services/oauth2/token: the authorization_code,
// refresh_token, password, client_credentials and JWT bearer grants, with
// the client authenticated by HTTP Basic or by the body (reference §4).
// Only form bodies are read; anything else is unsupported_grant_type, as
// Salesforce answers a JSON body. Answers are JSON unless the format
// parameter or Accept asks for urlencoded or XML (tokenFormat).
func HandleToken(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		resp, err := tokenGrant(d, w, r)
		if err != nil {
			var te oauthError
			if !errors.As(err, &te) {
				te = tokenErrMalformed
			}
			writeTokenAnswer(w, r, http.StatusBadRequest, te.body(), te.fields)
			return
		}
		writeTokenAnswer(w, r, http.StatusOK, resp, resp.fields)
	})
}

// tokenGrant reads a token request's form, bounded to maxTokenBody, and
// runs the grant it names.
func tokenGrant(d Deps, w http.ResponseWriter, r *http.Request) (tokenResponse, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" {
		return tokenResponse{}, tokenErrUnsupportedGrant
	}
	if err := web.ParseBoundedForm(w, r, maxTokenBody); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return tokenResponse{}, tokenErrTooLarge
		}
		return tokenResponse{}, tokenErrMalformed
	}
	switch r.PostForm.Get("grant_type") {
	case grantAuthorizationCode:
		return exchangeCode(d, r)
	case grantRefreshToken:
		return refresh(d, r)
	case grantPassword:
		return passwordGrant(d, r)
	case grantClientCredentials:
		return clientCredentialsGrant(d, r)
	case grantJWTBearer:
		return jwtBearerGrant(d, r)
	default:
		return tokenResponse{}, tokenErrUnsupportedGrant
	}
}

// authenticateClient finds the app by its consumer key and checks the
// secret when needSecret says the app requires it for this grant, or when
// one is sent: a sent secret is always checked (reference §4.2, §10.2).
func authenticateClient(d Deps, r *http.Request, needSecret func(store.AppPolicy) bool) (store.ConnectedApp, error) {
	id, secret, _ := clientCredentials(r)
	app, err := d.Store.AppByKey(id)
	if err != nil || !d.appActive(app) {
		return store.ConnectedApp{}, tokenErrClientID
	}
	if (needSecret(app.Policy) || secret != "") && !secretOK(app, secret) {
		return store.ConnectedApp{}, tokenErrClient
	}
	if app.Policy.Blocked {
		return store.ConnectedApp{}, tokenErrAppBlocked
	}
	return app, nil
}

// secretAlways is the rule of the flows that always need the secret:
// password, client credentials and introspection.
func secretAlways(store.AppPolicy) bool { return true }

// activeUser returns the user whose tokens are being issued, or the error
// for a user or org that can no longer have any: a closed or frozen org,
// then a deactivated user.
func (d Deps) activeUser(userID string) (store.User, error) {
	u, _, err := d.Store.ActiveUser(userID)
	return u, holderError(err)
}

// holderError is the token endpoint's answer to the store's refusal of a
// token holder (store.ActiveUser): inactive_org or inactive_user; other
// errors are returned as they are.
func holderError(err error) error {
	switch {
	case errors.Is(err, store.ErrOrgInactive):
		return tokenErrInactiveOrg
	case errors.Is(err, store.ErrUserInactive):
		return tokenErrInactiveUser
	}
	return err
}

// mayUse decides whether a user may get tokens for an app without an
// approval page: an assigned user of an admin-approved app, or any user
// who approved a self-authorized app before (reference §4.6, §10.5).
func (d Deps) mayUse(app store.ConnectedApp, u store.User) error {
	if app.Policy.AdminApproved {
		if !slices.ContainsFunc(app.Policy.AssignedUserIDs, func(id string) bool { return id == u.ID }) {
			return tokenErrNotAdminApproved
		}
		return nil
	}
	if !d.Store.Approved(u.ID, app.ConsumerKey) {
		return tokenErrNotApproved
	}
	return nil
}

func exchangeCode(d Deps, r *http.Request) (tokenResponse, error) {
	app, err := authenticateClient(d, r, func(p store.AppPolicy) bool { return p.RequireSecretWebServer })
	if err != nil {
		return tokenResponse{}, err
	}
	// Redeeming marks the code used whatever follows: a code is good for
	// one try by its own client, and that client's second revokes what
	// the first issued. Another app's client is refused before, and the
	// code stays good for its own (store.RedeemCodeReplay).
	code, err := d.Store.RedeemCodeReplay(r.PostFormValue("code"), app.ConsumerKey, !d.KeepTokensOnCodeReplay)
	if err != nil {
		return tokenResponse{}, tokenErrInvalidCode
	}
	if d.Store.NowIn(code.OrgID).After(code.ExpiresAt) {
		return tokenResponse{}, tokenErrExpiredCode
	}
	if r.PostFormValue("redirect_uri") != code.RedirectURI {
		return tokenResponse{}, tokenErrRedirectMismatch
	}
	v := r.PostFormValue("code_verifier")
	switch {
	case code.CodeChallenge != "":
		sum := sha256.Sum256([]byte(v))
		if !verifierPattern.MatchString(v) || subtle.ConstantTimeCompare(
			[]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(code.CodeChallenge)) != 1 {
			return tokenResponse{}, tokenErrVerifier
		}
	case v != "":
		// A verifier for a code issued without a challenge is a PKCE
		// downgrade: an attacker's code, got without PKCE, injected into
		// a client that uses it. RFC 9700 §2.1.1 says the server MUST
		// refuse it; mocksf answers as Salesforce does a wrong verifier.
		return tokenResponse{}, tokenErrVerifier
	case app.Policy.RequirePKCE:
		// The authorize endpoint refuses such a request; a code without a
		// challenge can only come from before the app required PKCE.
		return tokenResponse{}, tokenErrVerifier
	}
	if _, err := d.activeUser(code.UserID); err != nil {
		return tokenResponse{}, err
	}
	withRefresh := slices.Contains(code.Scopes, "refresh_token") || slices.Contains(code.Scopes, "offline_access")
	at, rt, err := d.Store.IssueTokens(code.Code, app.ConsumerKey, code.UserID, code.Scopes, withRefresh)
	if errors.Is(err, store.ErrCodeReplayed) {
		// A replay came while this exchange was checking the code.
		return tokenResponse{}, tokenErrInvalidCode
	}
	if err != nil {
		return tokenResponse{}, tokenErrInactiveUser
	}
	resp := d.tokenReply(app, at)
	if rt != nil {
		resp.RefreshToken = rt.Token
	}
	if slices.Contains(code.Scopes, "openid") {
		if resp.IDToken, err = d.idToken(r, app, at, code.Nonce, code.Code); err != nil {
			return tokenResponse{}, err
		}
	}
	return resp, nil
}

func refresh(d Deps, r *http.Request) (tokenResponse, error) {
	app, err := authenticateClient(d, r, func(p store.AppPolicy) bool { return p.RequireSecretRefresh })
	if err != nil {
		return tokenResponse{}, err
	}
	// One store call checks the token, its user and org, and the org's
	// Login IP Ranges, and issues the new token. A refresh token that
	// rotation retired revokes its login's tokens, unless the server
	// keeps them (Deps.KeepTokensOnRefreshReplay).
	replay := store.RevokeFamilyOnReplay
	if d.KeepTokensOnRefreshReplay {
		replay = store.KeepFamilyOnReplay
	}
	at, next, err := d.Store.RefreshGrant(r.PostFormValue("refresh_token"), app, replay, func(_ store.User, org store.Org) error {
		return d.checkLoginIP(r, app, org, true)
	})
	if errors.Is(err, store.ErrNotFound) {
		return tokenResponse{}, tokenErrExpiredToken
	}
	if err != nil {
		return tokenResponse{}, holderError(err)
	}
	resp := d.tokenReply(app, at)
	if app.Policy.RotateRefreshTokens {
		// The new refresh token; the one sent is dead from now on.
		resp.RefreshToken = next.Token
	}
	if slices.Contains(at.Scopes, "openid") {
		if resp.IDToken, err = d.idToken(r, app, at, "", ""); err != nil {
			return tokenResponse{}, err
		}
	}
	return resp, nil
}

// checkLoginIP applies the Login IP Ranges of the user's org to a token
// request from r's connection address (X-Forwarded-For is not trusted),
// unless the app's IP Relaxation lifts them for the grant. The
// authorization code exchange is not checked: the browser's address was,
// at login.
func (d Deps) checkLoginIP(r *http.Request, app store.ConnectedApp, org store.Org, refreshGrant bool) error {
	if app.Policy.RelaxesIP(refreshGrant) {
		return nil
	}
	if !org.LoginIPAllowed(r.RemoteAddr) {
		return tokenErrIPRestricted
	}
	return nil
}

// passwordGrant is the username-password flow: only where the user's org
// allows it ("Allow OAuth Username-Password Flows"), for a user who may use
// the app without an approval page, and never with a refresh token.
func passwordGrant(d Deps, r *http.Request) (tokenResponse, error) {
	app, err := authenticateClient(d, r, secretAlways)
	if err != nil {
		return tokenResponse{}, err
	}
	password := r.PostFormValue("password")
	u, err := d.Store.UserByUsername(r.PostFormValue("username"))
	if err != nil {
		// Counted as a real user's wrong password is, so that a lock-out
		// on the login page does not tell real usernames from unknown ones.
		_, _ = d.Store.AuthenticateAPI(r.PostFormValue("username"), password, d.MaxLoginFailures, false)
		return tokenResponse{}, tokenErrAuthFailure
	}
	if !u.Active {
		// Only the right password learns that the user is inactive.
		if !u.PasswordMatches(password) {
			return tokenResponse{}, tokenErrAuthFailure
		}
		return tokenResponse{}, tokenErrInactiveUser
	}
	org, err := d.Store.Org(u.OrgID)
	if err != nil {
		return tokenResponse{}, tokenErrInactiveOrg
	}
	// Failures count towards the login page's lock-out, and a locked-out
	// user fails here too: otherwise this flow would let anyone with a
	// consumer key and secret go on guessing the password, and the right
	// one would unlock the user. From outside the org's trusted IP ranges
	// the password must end with the user's security token; without it
	// the answer is the same authentication failure (reference §4.2).
	trusted := org.APILoginTrusted(r.RemoteAddr, !d.SecurityTokenFromLoopback)
	if _, err := d.Store.AuthenticateAPI(u.Username, password, d.MaxLoginFailures, trusted); err != nil {
		return tokenResponse{}, tokenErrAuthFailure
	}
	if !org.Active() {
		return tokenResponse{}, tokenErrInactiveOrg
	}
	// A blocked flow looks like bad credentials on the wire; only the
	// user's login history says "Username-Password Flow Disabled"
	// (jsforce#1506, kafka-docker-playground#4178).
	if !org.AllowPasswordFlow {
		return tokenResponse{}, tokenErrAuthFailure
	}
	// External Client Apps are said not to support the flow (unconfirmed):
	// refused as the org setting refuses it, unless the server allows it.
	if app.External() && !d.ExternalClientAppPasswordFlow {
		return tokenResponse{}, tokenErrAuthFailure
	}
	if err := d.checkLoginIP(r, app, org, false); err != nil {
		return tokenResponse{}, err
	}
	at, err := d.issueApproved(app, u)
	if err != nil {
		return tokenResponse{}, err
	}
	return d.tokenReply(app, at), nil
}

// clientCredentialsGrant is the client credentials flow: served on the
// app's org's instance (My Domain) host only, for an app with the flow
// enabled and a run-as user, whose tokens it issues without a refresh
// token. Another org's host answers as the login host does (mocksf's
// choice; the reference names only the login host's answer).
func clientCredentialsGrant(d Deps, r *http.Request) (tokenResponse, error) {
	hostOrg, onInstance := d.Hosts.At(r.Host)
	if !onInstance {
		return tokenResponse{}, tokenErrWrongDomain
	}
	app, err := authenticateClient(d, r, secretAlways)
	if err != nil {
		return tokenResponse{}, err
	}
	if hostOrg != "" && hostOrg != app.OrgID {
		return tokenResponse{}, tokenErrWrongDomain
	}
	// "Enable Client Credentials Flow", one setting for both kinds of
	// app; a disabled flow is unsupported_grant_type (reference §4.6).
	if !app.Policy.ClientCredentials {
		return tokenResponse{}, tokenErrUnsupportedGrant
	}
	if app.Policy.RunAsUserID == "" {
		return tokenResponse{}, tokenErrNoRunAsUser
	}
	u, err := d.activeUser(app.Policy.RunAsUserID)
	if err != nil {
		return tokenResponse{}, err
	}
	if app.Policy.AdminApproved {
		if err := d.mayUse(app, u); err != nil {
			return tokenResponse{}, err
		}
	}
	at, err := d.issueAccessOnly(app, u.ID)
	if err != nil {
		return tokenResponse{}, err
	}
	// The request came to the org's My Domain, and Salesforce's sample
	// reply of this flow has the identity URL there too ("id":
	// "https://org_domain/id/...").
	resp := d.tokenReplyAt(d.Hosts.URL(at.OrgID), app, at)
	// Salesforce names its API gateway here (https://api.salesforce.com);
	// mocksf serves the API on the instance host, so it names that.
	resp.APIInstanceURL = resp.InstanceURL
	return resp, nil
}

// issueAccessOnly issues the app's user an access token and no refresh
// token, as the password, client credentials and JWT bearer flows do.
func (d Deps) issueAccessOnly(app store.ConnectedApp, userID string) (store.AccessToken, error) {
	at, _, err := d.Store.IssueTokens("", app.ConsumerKey, userID, withoutRefreshScopes(app.Scopes), false)
	if err != nil {
		return store.AccessToken{}, tokenErrInactiveUser
	}
	return at, nil
}

// issueApproved is issueAccessOnly for a user mayUse lets have the app's
// tokens: the password and JWT bearer flows'.
func (d Deps) issueApproved(app store.ConnectedApp, u store.User) (store.AccessToken, error) {
	if err := d.mayUse(app, u); err != nil {
		return store.AccessToken{}, err
	}
	return d.issueAccessOnly(app, u.ID)
}

// withoutRefreshScopes is an app's scopes for a flow that issues no
// refresh token: the app's own minus refresh_token and offline_access.
func withoutRefreshScopes(scopes []string) []string {
	return slices.DeleteFunc(slices.Clone(scopes), func(s string) bool { return s == "refresh_token" || s == "offline_access" })
}

// tokenReply is the reply of the code, refresh, password and client
// credentials flows: a signature and issued_at, and no refresh token yet.
func (d Deps) tokenReply(app store.ConnectedApp, at store.AccessToken) tokenResponse {
	return d.tokenReplyAt(d.BaseURL, app, at)
}

// tokenReplyAt is tokenReply with the identity URL on idHost.
func (d Deps) tokenReplyAt(idHost string, app store.ConnectedApp, at store.AccessToken) tokenResponse {
	id := identityURLOn(idHost, at.OrgID, at.UserID)
	issuedAt := strconv.FormatInt(at.IssuedAt.UnixMilli(), 10)
	return tokenResponse{
		AccessToken: at.Token,
		Signature:   Signature(app.ConsumerSecret, id, issuedAt),
		Scope:       strings.Join(at.Scopes, " "),
		InstanceURL: d.Hosts.URL(at.OrgID),
		ID:          id,
		TokenType:   "Bearer",
		IssuedAt:    issuedAt,
	}
}

// HandleRevoke is /services/oauth2/revoke (POST form or GET query):
// 200 with an empty body, or 400 with a form-encoded error (reference §5).
func HandleRevoke(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := web.ParseBoundedForm(w, r, maxTokenBody); err != nil {
			revokeError(w, tokenErrMalformed)
			return
		}
		token := r.Form.Get("token")
		if token == "" {
			revokeError(w, revokeErrTokenType)
			return
		}
		if err := st.Revoke(token); err != nil {
			revokeError(w, revokeErrToken)
			return
		}
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
	})
}
