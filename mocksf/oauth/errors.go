package oauth

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
)

// oauthError is an OAuth error as Salesforce answers it: error and
// error_description, in the token endpoint's JSON (HTTP 400), in the
// query or fragment of an authorization redirect, or form-encoded from
// revoke.
type oauthError struct{ Code, Description string }

func (e oauthError) Error() string { return "mocksf: oauth: " + e.Code + ": " + e.Description }

// Salesforce's OAuth error codes (reference §1.4, §4.6, §5).
const (
	codeInvalidClientID       = "invalid_client_id"
	codeInvalidClient         = "invalid_client"
	codeRedirectMismatch      = "redirect_uri_mismatch"
	codeRedirectMissing       = "redirect_uri_missing"
	codeUnsupportedResp       = "unsupported_response_type"
	codeInvalidScope          = "invalid_scope"
	codeAccessDenied          = "access_denied"
	codeInvalidRequest        = "invalid_request"
	codeInvalidGrant          = "invalid_grant"
	codeUnsupportedGrant      = "unsupported_grant_type"
	codeInvalidAppAccess      = "invalid_app_access"
	codeInactiveUser          = "inactive_user"
	codeInactiveOrg           = "inactive_org"
	codeRateLimitExceeded     = "rate_limit_exceeded"
	codeImmediateUnsuccessful = "immediate_unsuccessful"
	codeAppBlocked            = "OAUTH_APP_BLOCKED"
	codeAppAccessDenied       = "OAUTH_APP_ACCESS_DENIED"
	codeServerError           = "server_error"
	codeUnsupportedTokenType  = "unsupported_token_type"
	codeInvalidToken          = "invalid_token"
)

// Every error the OAuth endpoints answer, each worded once. Descriptions
// are lower-case as Salesforce's are on the wire where a capture shows
// them; inactive_user and inactive_org have no capture and keep the
// documented text (§1.4). Where Salesforce's answer is unconfirmed the
// comment says what mocksf chose and why.
var (
	errClientID         = oauthError{codeInvalidClientID, "client identifier invalid"}
	errClient           = oauthError{codeInvalidClient, "invalid client credentials"}
	errRedirectMismatch = oauthError{codeRedirectMismatch, "redirect_uri must match configuration"}
	errRedirectMissing  = oauthError{codeRedirectMissing, "redirect_uri not provided"}
	errUnsupportedResp  = oauthError{codeUnsupportedResp, "response type not supported"}
	errInvalidScope     = oauthError{codeInvalidScope, "requested scope is invalid, unknown, or malformed"}
	errAccessDenied     = oauthError{codeAccessDenied, "end-user denied authorization"}
	errInactiveUser     = oauthError{codeInactiveUser, "User is inactive"}
	// Frozen (locked, suspended) or closed org, at authorize and, as
	// mocksf's choice, at the token endpoint (unconfirmed there, §14).
	errInactiveOrg       = oauthError{codeInactiveOrg, "Org is locked, closed, or suspended"}
	errRateLimitExceeded = oauthError{codeRateLimitExceeded, "Number of logins exceeded"}
	errImmediate         = oauthError{codeImmediateUnsuccessful, "immediate unsuccessful"}
	errAppAccessDenied   = oauthError{codeAppAccessDenied, "user is not admin approved to access this app"}
	errNotAdminApproved  = oauthError{codeInvalidAppAccess, "user is not admin approved to access this app"}
	errExpiredToken      = oauthError{codeInvalidGrant, "expired access/refresh token"}
	errUnsupportedGrant  = oauthError{codeUnsupportedGrant, "grant type not supported"}
	errAppBlocked        = oauthError{codeAppBlocked, "this app is blocked by admin"}
	errMissingChallenge  = oauthError{codeInvalidRequest, "missing required code challenge"}   // observed
	errInvalidChallenge  = oauthError{codeInvalidRequest, "invalid code challenge"}            // mocksf: not 43 base64url characters
	errUnsupportedMethod = oauthError{codeInvalidRequest, "unsupported code challenge method"} // mocksf: not S256
	errInvalidPrompt     = oauthError{codeInvalidRequest, "invalid prompt parameter"}          // mocksf: not login, consent, select_account
	// The documented "Must use HTTP GET" (§1.4), lower-cased as the
	// other descriptions are on the wire.
	errMustUseGet = oauthError{codeInvalidRequest, "must use HTTP GET"}
	// For what cannot happen (an ID token that cannot be signed).
	errServerError = oauthError{codeServerError, "internal server error"}
)

// The token endpoint's errors (reference §4.6), beside those above.
var (
	tokenErrUnsupportedGrant = errUnsupportedGrant
	tokenErrClientID         = errClientID
	tokenErrClient           = errClient
	tokenErrInvalidCode      = oauthError{codeInvalidGrant, "invalid authorization code"}
	tokenErrExpiredCode      = oauthError{codeInvalidGrant, "expired authorization code"}
	tokenErrRedirectMismatch = errRedirectMismatch
	tokenErrVerifier         = oauthError{codeInvalidGrant, "invalid code verifier"}
	tokenErrExpiredToken     = errExpiredToken
	tokenErrAuthFailure      = oauthError{codeInvalidGrant, "authentication failure"}
	// A deactivated user: the captured invalid_grant, not inactive_user.
	tokenErrInactiveUser     = oauthError{codeInvalidGrant, "inactive user"}
	tokenErrNotApproved      = oauthError{codeInvalidGrant, "user hasn't approved this consumer"}
	tokenErrNotAdminApproved = errNotAdminApproved
	tokenErrAudience         = oauthError{codeInvalidGrant, "Audience validation failed"}
	tokenErrAssertion        = oauthError{codeInvalidGrant, "invalid assertion"}
	tokenErrWrongDomain      = oauthError{codeInvalidGrant, "request not supported on this domain"}
	tokenErrNoRunAsUser      = oauthError{codeInvalidGrant, "no client credentials user enabled"}
	// A JWT bearer grant for an app without the refresh_token scope:
	// Salesforce wants it although the flow issues no refresh token.
	tokenErrJWTNeedsRefreshScope = oauthError{codeInvalidRequest, "refresh_token scope is required and the connected app should be installed and preauthorized."}
	// A JWT bearer assertion past its exp: Salesforce answers with the
	// code flow's text (simple-salesforce#371, #491).
	tokenErrAssertionExpired = tokenErrExpiredCode
	// A JWT bearer assertion before its nbf, or used before: Salesforce's
	// answers are unknown (it documents neither check); mocksf answers as
	// it does any assertion it will not take.
	tokenErrAssertionNotYet   = tokenErrAssertion
	tokenErrAssertionReplayed = tokenErrAssertion
	tokenErrInactiveOrg       = errInactiveOrg
	// An app blocked in Connected Apps OAuth Usage: mocksf answers as the
	// authorize endpoint does (unconfirmed for this endpoint).
	tokenErrAppBlocked = errAppBlocked
	// A user outside the org's Login IP Ranges (reference §1.4, §11).
	tokenErrIPRestricted = oauthError{codeInvalidGrant, "IP restricted or invalid login hours"}
	// Bodies mocksf cannot read (unconfirmed); revoke answers the same.
	tokenErrTooLarge  = oauthError{codeInvalidRequest, "request too large"}
	tokenErrMalformed = oauthError{codeInvalidRequest, "malformed request"}
)

// The page an authorize URL longer than Deps.MaxAuthorizeURI gets, with
// 414. Salesforce documents 414 URI Too Long for a REST call whose URI
// passes 16,384 bytes (help article 000386264); its page for the
// authorize endpoint is unconfirmed, so mocksf words one.
const (
	uriTooLongTitle   = "URI Too Long"
	uriTooLongMessage = "The request URL is too long. Return to the application and start again."
)

// Introspection's errors. Salesforce's are unconfirmed (§14): mocksf
// answers a client it cannot authenticate with 401 and the token
// endpoint's invalid_client_id or invalid_client, as RFC 7662 §2.3 and
// RFC 6749 §5.2 say, and a request without a token with invalid_request.
var introspectErrNoToken = oauthError{codeInvalidRequest, "missing token"}

// Revoke's errors (reference §5, a capture), form-encoded.
var (
	revokeErrTokenType = oauthError{codeUnsupportedTokenType, "this token type is not supported"}
	revokeErrToken     = oauthError{codeInvalidToken, "Token was invalid"}
)

// The identity URL's and userinfo's answers to a request they cannot
// serve: plain text, 403 unlike the data API's 401 JSON (reference §7,
// §8).
const (
	identityBadToken = "Bad_OAuth_Token"
	// identityBadID answers a request for a user the token may not read
	// (403) or that does not exist in the org (404). mocksf's choice: the
	// text is unconfirmed.
	identityBadID = "Bad_Id"
	// identityUnknown answers a document that cannot be encoded.
	identityUnknown = "UNKNOWN_EXCEPTION"
)

// faultErrors are the errors a control-API fault rule can name by code
// (docs/mocksf-control.md, "Faults"), one per code: the token endpoint's
// usual answer for it.
var faultErrors = map[string]oauthError{
	codeInvalidGrant:      errExpiredToken,
	codeInvalidClientID:   errClientID,
	codeInvalidClient:     errClient,
	codeUnsupportedGrant:  errUnsupportedGrant,
	codeInvalidScope:      errInvalidScope,
	codeInvalidAppAccess:  errNotAdminApproved,
	codeInactiveUser:      errInactiveUser,
	codeInactiveOrg:       errInactiveOrg,
	codeRateLimitExceeded: errRateLimitExceeded,
	codeRedirectMismatch:  errRedirectMismatch,
	codeAccessDenied:      errAccessDenied,
}

// FaultCodes are the OAuth error codes a control-API fault rule may name
// without a status, sorted.
func FaultCodes() []string {
	return slices.Sorted(maps.Keys(faultErrors))
}

// FaultReply is what Salesforce's token endpoint answers for the error
// code: its status (0 for a code not in FaultCodes) and its JSON body,
// whose error_description is message, or when message is empty
// Salesforce's wording of the error (the code itself for an unknown code).
func FaultReply(code, message string) (status int, body []byte) {
	e, ok := faultErrors[code]
	if !ok {
		e = oauthError{code, code}
	}
	if message != "" {
		e.Description = message
	}
	if ok {
		status = http.StatusBadRequest
	}
	body, _ = json.Marshal(e.body()) // cannot fail: strings only
	return status, body
}

// body is the error as JSON encodes it.
func (e oauthError) body() map[string]string {
	return map[string]string{"error": e.Code, "error_description": e.Description}
}

// writeTokenError sends the error as the token endpoint does: HTTP 400
// with a JSON body. Salesforce has never been seen answering this
// endpoint with another status, not even for a wrong client secret
// (reference §4.6, §14).
func writeTokenError(w http.ResponseWriter, e oauthError) {
	writeJSON(w, http.StatusBadRequest, e.body())
}

// redirectError sends the browser back to the client with an OAuth error
// in the query, as Salesforce does once the client and redirect URI are
// trusted.
func redirectError(w http.ResponseWriter, r *http.Request, redirectURI string, e oauthError, state string) {
	http.Redirect(w, r, withQuery(redirectURI, url.Values{
		"error": {e.Code}, "error_description": {e.Description}, "state": {state},
	}), http.StatusFound)
}

// renderError shows an error Salesforce will not redirect (unknown client,
// bad redirect URI): a bare page with the query-string text in <pre>.
func renderError(d Deps, w http.ResponseWriter, r *http.Request, e oauthError) {
	d.Pages.Render(w, r, http.StatusBadRequest, "oauth_error.html", struct{ Query, Description string }{
		Query: "error=" + url.QueryEscape(e.Code) + "&error_description=" + url.PathEscape(e.Description), Description: e.Description,
	})
}

// revokeError sends revoke's answer: HTTP 400 with a form-encoded body.
func revokeError(w http.ResponseWriter, e oauthError) {
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte("error=" + url.QueryEscape(e.Code) + "&error_description=" + url.PathEscape(e.Description)))
}

// identityText sends an identity service's plain-text answer.
func identityText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// errorFields are an error's fields in the order Salesforce writes them,
// for the token endpoint's urlencoded and XML answers.
func (e oauthError) fields() []field {
	return []field{{"error", e.Code}, {"error_description", e.Description}}
}
