// Package oauth serves Salesforce's OAuth 2.0 and OpenID Connect
// endpoints: authorize with its Allow Access page; token, with the five
// grants connected apps and External Client Apps offer (authorization_code,
// refresh_token, password, client_credentials and the JWT bearer flow);
// revoke; introspect; the identity URL and userinfo; OpenID discovery and
// the signing keys at /id/keys. It answers with Salesforce's wire formats
// and error strings (reference §1, §3–10).
package oauth

import (
	"log/slog"
	"net/url"
	"time"

	"github.com/sfharness/sfharness/mocksf/instance"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// ApprovalPath is the Allow Access page's path on Salesforce.
const ApprovalPath = "/setup/secur/RemoteAccessAuthorizationPage.apexp"

// Identity is what the identity URL, userinfo and the discovery document
// need: the store and the hosts, and the newest API version for
// version=latest. Deps carries one for the endpoints that need more.
type Identity struct {
	Store *store.Store
	// BaseURL is mocksf's login host, also the identity URL's host (no
	// trailing slash).
	BaseURL string
	// Hosts are the orgs' instance (My Domain) hosts: each token's
	// instance_url, and where the client credentials flow is served.
	Hosts *instance.Hosts
	// NewestAPIVersion is what version=latest names at the identity URL,
	// e.g. "67.0" (mocksf.Config's default).
	NewestAPIVersion string
}

// Deps are what the authorize, token and introspect endpoints need.
type Deps struct {
	Identity
	Pages *web.Pages
	// AuthCodeTTL is how long an authorization code can be exchanged.
	// Salesforce's is commonly quoted as 15 minutes (unconfirmed, §14).
	AuthCodeTTL time.Duration
	// AppActivationDelay is how long after creation a connected app
	// answers invalid_client_id, as Salesforce does while a new app
	// propagates ("can take up to 10 minutes"). mocksf's default is 0.
	AppActivationDelay time.Duration
	Log                *slog.Logger
	// IDTokenTTL is an ID token's lifetime (exp - iat); mocksf.Config
	// defaults it to DefaultIDTokenTTL.
	IDTokenTTL time.Duration
	// MaxLoginFailures is the login page's lock-out (0: never), which the
	// username-password flow shares: its wrong passwords count towards it,
	// and a locked-out user fails it even with the right password.
	MaxLoginFailures int
	// ExternalClientAppPasswordFlow lets External Client Apps use the
	// username-password flow where their org allows it. Off by default:
	// vendor guides say External Client Apps do not support the flow,
	// which Salesforce's own pages do not confirm (salesforce-today.md
	// §1), so mocksf refuses it as it does in an org that disallows it.
	ExternalClientAppPasswordFlow bool
	// SecurityTokenFromLoopback makes loopback addresses untrusted, so
	// that the username-password flow from them needs the security token
	// after the password as from any address outside the org's trusted IP
	// ranges. Off by default: tests run on loopback, and Salesforce users
	// on a trusted office network log in without one.
	SecurityTokenFromLoopback bool
	// KeepTokensOnCodeReplay makes a second exchange of an authorization
	// code only fail. By default it also revokes the tokens the first
	// exchange issued, as RFC 6749 §4.1.2 says a server SHOULD; whether
	// Salesforce does is unconfirmed (reference §14).
	KeepTokensOnCodeReplay bool
	// KeepTokensOnRefreshReplay makes a refresh token that rotation
	// retired only fail. By default it also revokes the refresh token
	// that took its place and the access tokens of the login, as RFC 9700
	// §4.14.2 describes for rotation; Salesforce's help says only that
	// the old token is invalidated, so whether it revokes is unconfirmed.
	KeepTokensOnRefreshReplay bool
	// AllowJWTReplay lets a JWT bearer assertion be used more than once
	// before its exp. By default a second use is refused (RFC 7523 §3
	// lets a server refuse replays); Salesforce documents neither.
	AllowJWTReplay bool
	// MaxAuthorizeURI is the longest authorize request URI (path and
	// query) served, in bytes; a longer one gets 414 and keeps nothing.
	// 0 means DefaultMaxAuthorizeURI.
	MaxAuthorizeURI int
}

// DefaultMaxAuthorizeURI is Deps.MaxAuthorizeURI's default: the 16,384
// bytes Salesforce documents as the longest URI (with headers) of a REST
// call, answered 414 beyond (help article 000386264). Its authorize
// endpoint's own limit is unconfirmed; this one bounds what a pending
// request keeps in a browser session (store.PreLoginLimits).
const DefaultMaxAuthorizeURI = 16384

// maxAuthorizeURI is d.MaxAuthorizeURI or its default.
func (d Deps) maxAuthorizeURI() int {
	if d.MaxAuthorizeURI > 0 {
		return d.MaxAuthorizeURI
	}
	return DefaultMaxAuthorizeURI
}

// appActive reports whether a connected app has finished "propagating":
// its own delay when it has one, else the server's.
func (d Deps) appActive(app store.ConnectedApp) bool {
	delay := d.AppActivationDelay
	if app.Policy.ActivationDelay != nil {
		delay = *app.Policy.ActivationDelay
	}
	return app.OAuthEnabled && !d.Store.NowIn(app.OrgID).Before(app.CreatedAt.Add(delay))
}

// identityURL is the token's id: <base>/id/<18-char org>/<18-char user>.
func (d Identity) identityURL(orgID, userID string) string {
	return identityURLOn(d.BaseURL, orgID, userID)
}

// identityURLOn is the identity URL on another host (an instance host).
func identityURLOn(host, orgID, userID string) string {
	return host + "/id/" + orgID + "/" + userID
}

// withQuery adds params to a redirect URI, keeping the query it has.
func withQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		for _, v := range vs {
			if v != "" {
				q.Set(k, v)
			}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}
