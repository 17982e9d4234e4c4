package client

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

func TestValidateCredentials(t *testing.T) {
	t.Parallel()
	key := "3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE"
	tests := []struct {
		key, secret string
		want        []message
	}{
		{key, "1955279925675241571", nil},
		{" " + key + " ", " 1955279925675241571\n", nil},
		{strings.Repeat("a", 20), strings.Repeat("!", 8), nil},
		{strings.Repeat("a", 255), strings.Repeat("~", 255), nil},
		{strings.Repeat("a", 19), "12345678", []message{msgConsumerKeyShape}},
		{"", "", []message{msgConsumerKeyMissing, msgConsumerSecretMissing}},
		{key + "é", "12345678", []message{msgConsumerKeyShape}},
		{key, "1234567é", []message{msgConsumerSecretShape}},
		{key, "1234\t5678", []message{msgConsumerSecretShape}},
	}
	for _, tc := range tests {
		c, got := validateCredentials(tc.key, tc.secret)
		if fmt.Sprint(inAll(english, got)) != fmt.Sprint(inAll(english, tc.want)) {
			t.Errorf("validateCredentials(%q, %q) = %q; want %q", tc.key, tc.secret, inAll(english, got), inAll(english, tc.want))
		}
		if c.ConsumerKey != strings.TrimSpace(tc.key) || c.ConsumerSecret != strings.TrimSpace(tc.secret) {
			t.Errorf("validateCredentials(%q, %q) did not trim", tc.key, tc.secret)
		}
	}
}

func TestSyncErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("x: %w", salesforce.ErrConnectionLost), msgConnectionLost.in(english)},
		{&salesforce.APIError{StatusCode: 403, Errors: []salesforce.ErrorDetail{{Message: "The REST API is not enabled for this Organization.", ErrorCode: "API_DISABLED_FOR_ORG"}}}, msgAPIDisabled.in(english)},
		{&salesforce.APIError{StatusCode: 403, Errors: []salesforce.ErrorDetail{{Message: "API is disabled for this User", ErrorCode: "API_CURRENTLY_DISABLED"}}}, msgAPIDisabled.in(english)},
		{&salesforce.APIError{StatusCode: 400, Errors: []salesforce.ErrorDetail{{Message: "No such column", ErrorCode: "INVALID_FIELD"}}}, "Salesforce answered INVALID_FIELD: No such column"},
		{&salesforce.APIError{StatusCode: 500}, "Salesforce is not available right now (HTTP 500). Beacon retries automatically, waiting longer after each failure."},
		{&salesforce.APIError{StatusCode: 401, Errors: []salesforce.ErrorDetail{{Message: "Session expired or invalid", ErrorCode: "INVALID_SESSION_ID"}}}, "Salesforce rejected Beacon's session (INVALID_SESSION_ID) even after a token refresh: click Login with Salesforce to log in again."},
		{&salesforce.APIError{StatusCode: 401, Errors: []salesforce.ErrorDetail{{Message: "This session is not valid for use with the REST API", ErrorCode: "INVALID_SESSION_ID"}}}, msgNoAPIScope.in(english)},
		{&salesforce.APIError{StatusCode: 403, Errors: []salesforce.ErrorDetail{{Message: "Bad_OAuth_Token", ErrorCode: "Bad_OAuth_Token"}}}, "Salesforce rejected Beacon's access token (Bad_OAuth_Token): click Login with Salesforce to log in again."},
		{&salesforce.APIError{StatusCode: 403, Errors: []salesforce.ErrorDetail{{Message: "TotalRequests Limit exceeded.", ErrorCode: "REQUEST_LIMIT_EXCEEDED"}}}, msgRequestLimit.in(english)},
		{&store.PersistedError{Message: "as stored"}, "as stored"},
		{fmt.Errorf("client credentials: %w: %w", salesforce.ErrClientCredentialsRejected, &oauth2.RetrieveError{ErrorCode: "unsupported_grant_type", ErrorDescription: "grant type not supported"}),
			"Connection to Salesforce lost: Beacon could not get a new access token with the client credentials flow. Salesforce refused the client credentials flow: unsupported_grant_type: grant type not supported. Enable the client credentials flow in the connected app (Enable Client Credentials Flow) and check that the My Domain URL is your org's, then click Connect again."},
		{fmt.Errorf("syncjob: %w", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("connection refused")}), "Cannot reach Salesforce: connection refused. Beacon retries automatically, waiting longer after each failure."},
		{fmt.Errorf("syncjob: %w", &url.Error{Op: "Post", URL: "http://x", Err: context.DeadlineExceeded}), msgTimeout.in(english)},
		{fmt.Errorf("refresh: %w", &url.Error{Op: "Post", URL: "http://x", Err: timeoutError{}}), msgTimeout.in(english)},
		{errors.New("plain"), "plain"},
	}
	for _, tc := range tests {
		if got := syncErrorMessage(tc.err); got != tc.want {
			t.Errorf("syncErrorMessage(%v) = %q; want %q", tc.err, got, tc.want)
		}
	}
}

func TestOAuthErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code, desc, want string
	}{
		{"access_denied", "end-user denied authorization", "You denied access in Salesforce. Click Login with Salesforce and choose Allow."},
		{"redirect_uri_mismatch", "", "Callback URL must be exactly http://b/cb."},
		{"inactive_user", "", "Salesforce login failed: inactive_user. Click"},
		{"invalid_request", "missing required code challenge", "Salesforce login failed: invalid_request: missing required code challenge. The connected app requires PKCE"},
		{"invalid_request", "invalid code challenge", "Salesforce login failed: invalid_request: invalid code challenge. Click Login with Salesforce to try again."},
		{"", "", "unknown_error"},
	}
	for _, tc := range tests {
		if got := oauthErrorMessage(tc.code, tc.desc, "http://b/cb").in(english); !strings.Contains(got, tc.want) {
			t.Errorf("oauthErrorMessage(%q) = %q; want it to contain %q", tc.code, got, tc.want)
		}
	}
}

// timeoutError is a net.Error that timed out, as net/http's
// "request canceled (Client.Timeout exceeded ...)" is.
type timeoutError struct{}

func (timeoutError) Error() string {
	return "net/http: request canceled (Client.Timeout exceeded while awaiting headers)"
}
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestValidateMyDomainURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, loginURL string
		want          string
		problem       message
	}{
		{"https://acme.my.salesforce.com", "https://login.salesforce.com", "https://acme.my.salesforce.com", message{}},
		{"https://acme.my.salesforce.com/", "https://login.salesforce.com", "https://acme.my.salesforce.com", message{}},
		{"http://localhost:8080", "http://127.0.0.1:8080", "http://localhost:8080", message{}},
		{"", "https://login.salesforce.com", "", msgMyDomainMissing},
		{"http://acme.my.salesforce.com", "https://login.salesforce.com", "", msgMyDomainShape},
		{"acme.my.salesforce.com", "https://login.salesforce.com", "", msgMyDomainShape},
		{"https://acme.my.salesforce.com/services/oauth2/token", "https://login.salesforce.com", "", msgMyDomainShape},
		{"https://user:pw@acme.my.salesforce.com", "https://login.salesforce.com", "", msgMyDomainShape},
		{"https://acme.my.salesforce.com?x=1", "https://login.salesforce.com", "", msgMyDomainShape},
		{"ftp://acme.my.salesforce.com", "http://127.0.0.1:1", "", msgMyDomainShape},
	}
	for _, tc := range tests {
		got, problem := validateMyDomainURL(tc.raw, tc.loginURL)
		if got != tc.want || problem.in(english) != tc.problem.in(english) {
			t.Errorf("validateMyDomainURL(%q, %q) = %q, %q; want %q, %q", tc.raw, tc.loginURL, got, problem.in(english), tc.want, tc.problem.in(english))
		}
	}
}

func TestClientCredentialsErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, description, want string }{
		{"invalid_grant", "no client credentials user enabled", "Salesforce refused the client credentials flow: invalid_grant: no client credentials user enabled. Choose the Run As user"},
		{"invalid_client_id", "client identifier invalid", "Salesforce refused the client credentials flow: invalid_client_id: client identifier invalid. Salesforce does not recognize the Consumer Key"},
		{"invalid_grant", "inactive user", "Salesforce refused the client credentials flow: invalid_grant: inactive user. Click Connect to try again."},
		{"", "", "Salesforce refused the client credentials flow: unknown_error. Click Connect to try again."},
	}
	for _, tc := range tests {
		if got := clientCredentialsErrorMessage(tc.code, tc.description).in(english); !strings.HasPrefix(got, tc.want) {
			t.Errorf("clientCredentialsErrorMessage(%q, %q) = %q; want it to start with %q", tc.code, tc.description, got, tc.want)
		}
	}
}
