package control

import (
	"encoding/json"
	"net/http"
)

// Salesforce's errors a fault rule can answer with by name, in one place
// so fidelity fixes touch one line. Strings marked unconfirmed are not in
// the reference (shared/docs/salesforce-reference.md) and are what
// clients commonly quote.

// restError is a REST API error: its status and message; the body is
// [{"message","errorCode"}] (reference §12.7).
type restError struct {
	Status  int
	Message string
	// CodeFirst writes errorCode before message, as Salesforce does for
	// NOT_FOUND.
	CodeFirst bool
}

var restErrors = map[string]restError{
	"REQUEST_LIMIT_EXCEEDED": {http.StatusForbidden, "TotalRequests Limit exceeded.", false},
	"INVALID_SESSION_ID":     {http.StatusUnauthorized, "Session expired or invalid", false},
	"INVALID_AUTH_HEADER":    {http.StatusUnauthorized, "INVALID_HEADER_TYPE", false},
	"API_DISABLED_FOR_ORG":   {http.StatusForbidden, "The REST API is not enabled for this Organization.", false},
	"API_CURRENTLY_DISABLED": {http.StatusForbidden, "API is disabled for this User", false},
	"NOT_FOUND":              {http.StatusNotFound, "The requested resource does not exist", true},
	"MALFORMED_QUERY":        {http.StatusBadRequest, "SOQL statements cannot be empty or null", false},
	"INVALID_QUERY_LOCATOR":  {http.StatusBadRequest, "invalid query locator", false},
	"UNKNOWN_EXCEPTION":      {http.StatusInternalServerError, "An unexpected error occurred. Please include this ErrorId if you contact support", false},
	// Unconfirmed wording.
	"SERVER_UNAVAILABLE": {http.StatusServiceUnavailable, "Server temporarily unavailable, please try again later.", false},
	"QUERY_TIMEOUT":      {http.StatusBadRequest, "Your query request was running for too long.", false},
	"UNABLE_TO_LOCK_ROW": {http.StatusBadRequest, "unable to obtain exclusive access to this record", false},
}

// oauthError is an OAuth endpoint error: its status and
// error_description; the body is {"error","error_description"}
// (reference §4.6, §1.4).
type oauthError struct {
	Status      int
	Description string
}

var oauthErrors = map[string]oauthError{
	"invalid_grant":          {http.StatusBadRequest, "expired access/refresh token"},
	"invalid_client_id":      {http.StatusBadRequest, "client identifier invalid"},
	"invalid_client":         {http.StatusBadRequest, "invalid client credentials"},
	"unsupported_grant_type": {http.StatusBadRequest, "grant type not supported"},
	"invalid_scope":          {http.StatusBadRequest, "requested scope is invalid, unknown, or malformed"},
	"invalid_app_access":     {http.StatusBadRequest, "user is not admin approved to access this app"},
	"inactive_user":          {http.StatusBadRequest, "User is inactive"},
	"inactive_org":           {http.StatusBadRequest, "Org is locked, closed, or suspended"},
	"rate_limit_exceeded":    {http.StatusBadRequest, "Number of logins exceeded"},
	"redirect_uri_mismatch":  {http.StatusBadRequest, "redirect_uri must match configuration"},
	"access_denied":          {http.StatusBadRequest, "end-user denied authorization"},
}

// restErrorBody is Salesforce's one-entry REST error array.
func restErrorBody(code, message string, codeFirst bool) []byte {
	c, _ := json.Marshal(code)
	m, _ := json.Marshal(message)
	if codeFirst {
		return []byte(`[{"errorCode":` + string(c) + `,"message":` + string(m) + `}]`)
	}
	return []byte(`[{"message":` + string(m) + `,"errorCode":` + string(c) + `}]`)
}

// oauthErrorBody is an OAuth endpoint's error object.
func oauthErrorBody(code, description string) []byte {
	b, _ := json.Marshal(struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}{code, description})
	return b
}
