// Package salesforce is Beacon's connector to Salesforce. It holds the
// settings of the OAuth 2.0 web server flow (RFC 6749 section 4.1 with PKCE,
// RFC 7636) and of the client credentials flow (RFC 6749 section 4.4) for
// golang.org/x/oauth2, checks the signature Salesforce puts in its token
// responses, reads the identity URL, and calls the REST API the sync needs:
// sObject describe and SOQL queries with paging, renewing the access token
// once (with the refresh token, or the client credentials) when the API
// answers 401 INVALID_SESSION_ID.
//
// It speaks to Salesforce only over HTTP, so the same code works against the
// real service and against a fake.
package salesforce

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Paths of the OAuth 2.0 endpoints on a Salesforce login host.
const (
	AuthorizePath = "/services/oauth2/authorize"
	TokenPath     = "/services/oauth2/token"
	RevokePath    = "/services/oauth2/revoke"
)

// Scopes are the OAuth scopes Beacon asks for: REST API access, a refresh
// token for the background sync, and the identity URL.
var Scopes = []string{"api", "refresh_token", "id"}

// ErrBadSignature reports that the signature in a token response does not
// match the HMAC-SHA256 of the identity URL and issue time keyed with the
// consumer secret, so the response cannot be trusted.
var ErrBadSignature = errors.New("salesforce: token signature does not match")

// OAuthConfig returns the x/oauth2 configuration for the connected app with
// the given consumer key and secret on the Salesforce login host loginURL
// (for example https://login.salesforce.com). redirectURL is the callback
// registered as the connected app's Callback URL.
func OAuthConfig(loginURL, consumerKey, consumerSecret, redirectURL string) *oauth2.Config {
	loginURL = strings.TrimRight(loginURL, "/")
	return &oauth2.Config{
		ClientID:     consumerKey,
		ClientSecret: consumerSecret,
		Endpoint: oauth2.Endpoint{
			AuthURL:  loginURL + AuthorizePath,
			TokenURL: loginURL + TokenPath,
			// Salesforce documents client_id and client_secret in the
			// body. Left to probe, x/oauth2 tries Basic first and sends
			// every failed token request again in the body, doubling
			// the calls (and the time-outs) when the endpoint is down.
			AuthStyle: oauth2.AuthStyleInParams,
		},
		RedirectURL: redirectURL,
		Scopes:      Scopes,
	}
}

// ClientCredentialsConfig returns the x/oauth2 configuration of the client
// credentials flow for the connected app with the given consumer key and
// secret, on the org's My Domain URL myDomainURL (for example
// https://acme.my.salesforce.com). Salesforce serves this flow there only:
// the login hosts answer invalid_grant "request not supported on this
// domain". No scope is sent: the tokens get the app's scopes.
func ClientCredentialsConfig(myDomainURL, consumerKey, consumerSecret string) *clientcredentials.Config {
	return &clientcredentials.Config{
		ClientID:     consumerKey,
		ClientSecret: consumerSecret,
		TokenURL:     strings.TrimRight(myDomainURL, "/") + TokenPath,
		// In the body, as Salesforce documents and as OAuthConfig does.
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// WithHTTPClient returns a context that makes x/oauth2 use hc for its calls
// to the token endpoint.
func WithHTTPClient(ctx context.Context, hc *http.Client) context.Context {
	if hc == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, hc)
}

// TokenDetails are the Salesforce-specific fields of a token response, which
// x/oauth2 keeps as extra fields.
type TokenDetails struct {
	// InstanceURL is the base URL of the org's REST API.
	InstanceURL string
	// IdentityURL is the identity URL of the user who authorized the app
	// (https://login.salesforce.com/id/<org id>/<user id>).
	IdentityURL string
	// IssuedAt is the issue time in Unix milliseconds, as a decimal string.
	IssuedAt string
	// Signature is base64(HMAC-SHA256(consumer secret, IdentityURL+IssuedAt)).
	Signature string
	// Scope is the space-separated list of granted scopes.
	Scope string
}

// Details extracts the Salesforce-specific fields of tok.
func Details(tok *oauth2.Token) TokenDetails {
	if tok == nil {
		return TokenDetails{}
	}
	return TokenDetails{
		InstanceURL: extraString(tok, "instance_url"),
		IdentityURL: extraString(tok, "id"),
		IssuedAt:    extraString(tok, "issued_at"),
		Signature:   extraString(tok, "signature"),
		Scope:       extraString(tok, "scope"),
	}
}

func extraString(tok *oauth2.Token, key string) string {
	switch v := tok.Extra(key).(type) {
	case string:
		return v
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

// Sign returns the signature Salesforce puts in a token response:
// base64 (standard encoding) of HMAC-SHA256 keyed with the consumer secret
// over the identity URL followed by the issue time.
func Sign(identityURL, issuedAt, consumerSecret string) string {
	mac := hmac.New(sha256.New, []byte(consumerSecret))
	io.WriteString(mac, identityURL+issuedAt)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks the signature of a token response against the
// consumer secret. It returns an error wrapping ErrBadSignature when the
// signature is missing or does not match.
func VerifySignature(tok *oauth2.Token, consumerSecret string) error {
	d := Details(tok)
	if d.IdentityURL == "" || d.IssuedAt == "" || d.Signature == "" {
		return fmt.Errorf("%w: the token response lacks id, issued_at or signature", ErrBadSignature)
	}
	want := Sign(d.IdentityURL, d.IssuedAt, consumerSecret)
	if !hmac.Equal([]byte(want), []byte(d.Signature)) {
		return ErrBadSignature
	}
	return nil
}

// Revoke revokes token (an access or refresh token; revoking a refresh token
// also revokes its access tokens) at the login host loginURL. Network
// failures and gateway errors are retried with backoff; a token that a
// retry finds already invalid counts as revoked, since the earlier attempt
// may have gone through.
func Revoke(ctx context.Context, hc *http.Client, loginURL, token string) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	err := withRetries(ctx, defaultRetries, defaultBackoff, func(attempt int) (bool, error) {
		form := url.Values{"token": {token}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost,
			strings.TrimRight(loginURL, "/")+RevokePath, strings.NewReader(form.Encode()))
		if err != nil {
			return false, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := hc.Do(req)
		if err != nil {
			return true, &transportError{err}
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		if resp.StatusCode == http.StatusOK {
			return false, nil
		}
		// Salesforce answers revoke errors form-encoded, not as JSON.
		v, _ := url.ParseQuery(string(body))
		code := v.Get("error")
		if code == "invalid_token" && attempt > 0 {
			return false, nil
		}
		if code != "" {
			return false, fmt.Errorf("%s: %s", code, v.Get("error_description"))
		}
		return retryableStatus(resp.StatusCode), &APIError{StatusCode: resp.StatusCode}
	})
	if err != nil {
		return fmt.Errorf("salesforce: revoke: %w", err)
	}
	return nil
}
