package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// Error codes of the REST API that Beacon reacts to.
const (
	// CodeInvalidSessionID means the access token expired or was revoked;
	// the client refreshes it once and retries.
	CodeInvalidSessionID = "INVALID_SESSION_ID"
	// CodeAPIDisabledForOrg means the org or the user has no API access.
	CodeAPIDisabledForOrg = "API_DISABLED_FOR_ORG"
	// CodeAPICurrentlyDisabled is the per-user variant of CodeAPIDisabledForOrg.
	CodeAPICurrentlyDisabled = "API_CURRENTLY_DISABLED"
	// CodeRequestLimitExceeded means the org's daily API limit is used up.
	CodeRequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED"
	// CodeInvalidQueryLocator means a nextRecordsUrl expired or is unknown.
	CodeInvalidQueryLocator = "INVALID_QUERY_LOCATOR"
	// CodeNotFound means the resource does not exist.
	CodeNotFound = "NOT_FOUND"
	// CodeBadOAuthToken is what identity services (the identity URL and
	// userinfo) answer, as plain text with 403, for a bad access token.
	CodeBadOAuthToken = "Bad_OAuth_Token"
)

// Error descriptions of the OAuth endpoints that Beacon explains with a
// hint of its own; it always shows them as Salesforce wrote them too.
const (
	// DescMissingChallenge is the authorize endpoint's invalid_request when
	// the connected app requires PKCE and the request has no
	// code_challenge.
	DescMissingChallenge = "missing required code challenge"
	// DescWrongDomain is the token endpoint's invalid_grant for the client
	// credentials flow sent to another host than the org's My Domain.
	DescWrongDomain = "request not supported on this domain"
	// DescNoRunAsUser is the token endpoint's invalid_grant for the client
	// credentials flow of an app that has no Run As user.
	DescNoRunAsUser = "no client credentials user enabled"
)

// ErrConnectionLost reports that the refresh token was rejected (revoked,
// expired by policy, or the user was deactivated): the admin has to log in
// with Salesforce again.
var ErrConnectionLost = errors.New("salesforce: refresh token rejected")

// ErrClientCredentialsRejected reports that the token endpoint refused the
// client credentials flow when the access token was renewed (the flow was
// disabled, the Run As user removed, the secret changed): the admin has to
// fix the connected app and connect again.
var ErrClientCredentialsRejected = errors.New("salesforce: client credentials rejected")

// ErrorDetail is one entry of a REST API error body.
type ErrorDetail struct {
	// Message is the human-readable text.
	Message string `json:"message"`
	// ErrorCode is the machine-readable code, such as INVALID_SESSION_ID.
	ErrorCode string `json:"errorCode"`
	// Fields lists the fields a DML error is about, if any.
	Fields []string `json:"fields,omitempty"`
}

// APIError is a non-2xx answer from Salesforce. The REST API sends a JSON
// array of ErrorDetail; other bodies are kept as a single detail.
type APIError struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Errors are the details from the body.
	Errors []ErrorDetail
}

// Error implements error.
func (e *APIError) Error() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("salesforce: HTTP %d", e.StatusCode)
	}
	d := e.Errors[0]
	if d.ErrorCode == "" {
		return fmt.Sprintf("salesforce: HTTP %d: %s", e.StatusCode, d.Message)
	}
	return fmt.Sprintf("salesforce: HTTP %d: %s: %s", e.StatusCode, d.ErrorCode, d.Message)
}

// Code returns the error code of the first detail, or "".
func (e *APIError) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].ErrorCode
}

// Message returns the message of the first detail, or "".
func (e *APIError) Message() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Message
}

// HasCode reports whether any detail carries code.
func (e *APIError) HasCode(code string) bool {
	for _, d := range e.Errors {
		if d.ErrorCode == code {
			return true
		}
	}
	return false
}

// parseAPIError builds the error for a non-2xx response with body.
func parseAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	if err := json.Unmarshal(body, &e.Errors); err == nil && len(e.Errors) > 0 {
		return e
	}
	// Some endpoints answer with a single object instead of an array.
	var one ErrorDetail
	if err := json.Unmarshal(body, &one); err == nil && (one.ErrorCode != "" || one.Message != "") {
		e.Errors = []ErrorDetail{one}
		return e
	}
	text := strings.TrimSpace(string(body))
	if len(text) > 200 {
		text = text[:200]
	}
	e.Errors = nil
	if text != "" {
		d := ErrorDetail{Message: text}
		// Identity services answer a bad token with this bare word.
		if text == CodeBadOAuthToken {
			d.ErrorCode = CodeBadOAuthToken
		}
		e.Errors = []ErrorDetail{d}
	}
	return e
}

// IsTemporary reports whether err is worth retrying later unchanged:
// network failures and server-side errors (5xx, API limit reached).
// Authorization and permission problems are not temporary: they need the
// admin.
func IsTemporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, ErrConnectionLost) || errors.Is(err, ErrClientCredentialsRejected) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 || apiErr.HasCode(CodeRequestLimitExceeded)
	}
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) || isTransport(err)
}

// IsTimeout reports whether err means that Salesforce did not answer in
// time: the HTTP client's Timeout or a deadline ran out before the answer.
func IsTimeout(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout())
}

// IsInvalidLocator reports whether err means that a query's
// nextRecordsUrl can no longer be followed: INVALID_QUERY_LOCATOR, or 404.
func IsInvalidLocator(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.HasCode(CodeInvalidQueryLocator) || apiErr.StatusCode == http.StatusNotFound
}

// IsNotAvailable reports whether err means that a resource is not there
// (404, or 400/405/501 for a resource this org or version does not
// serve), as opposed to an authorization, permission or server problem.
func IsNotAvailable(err error) bool {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented, http.StatusBadRequest:
		return true
	}
	return false
}

// isTransport reports whether err came from the HTTP transport rather than
// from Salesforce's answer.
func isTransport(err error) bool {
	var te *transportError
	return errors.As(err, &te)
}

// transportError marks a failure to get any HTTP response.
type transportError struct{ err error }

// Error returns the underlying error's text.
func (e *transportError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e *transportError) Unwrap() error { return e.err }

// retryableStatus reports whether an HTTP status means "try again shortly".
func retryableStatus(code int) bool {
	return code == http.StatusBadGateway || code == http.StatusServiceUnavailable || code == http.StatusGatewayTimeout
}
