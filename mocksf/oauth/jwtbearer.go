package oauth

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Audiences a JWT bearer assertion may name besides mocksf's own login and
// instance hosts: Salesforce's production and sandbox login hosts, so that
// a client configured for real Salesforce passes unchanged (reference
// §4.2). mocksf has no sandboxes, so both are accepted for every org.
var jwtAudiences = []string{"https://login.salesforce.com", "https://test.salesforce.com"}

// assertionClaims are the claims of a JWT bearer assertion that
// Salesforce reads (reference §4.2).
type assertionClaims struct {
	Iss string            `json:"iss"`
	Sub string            `json:"sub"`
	Aud assertionAudience `json:"aud"`
	Exp assertionDate     `json:"exp"`
}

// assertionAudience is the aud claim: one string or an array of them (RFC 7519
// §4.1.3).
type assertionAudience []string

func (a *assertionAudience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = assertionAudience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud: want a string or an array of strings")
	}
	*a = many
	return nil
}

// assertionDate is the exp claim in seconds since the epoch. Salesforce
// also takes it as a string of digits, which simple-salesforce sends.
type assertionDate struct {
	set     bool
	seconds float64
}

func (n *assertionDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("exp: want a number of seconds")
	}
	*n = assertionDate{set: true, seconds: f}
	return nil
}

// appCertificateKey is the public key of the certificate uploaded with
// "Use digital signatures".
func appCertificateKey(app store.ConnectedApp) (*rsa.PublicKey, bool) {
	block, _ := pem.Decode([]byte(app.Policy.CertificatePEM))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, false
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, false
	}
	key, ok := cert.PublicKey.(*rsa.PublicKey)
	return key, ok
}

// jwtBearerGrant is the OAuth 2.0 JWT bearer flow (RFC 7523): an RS256
// assertion signed with the key of the app's certificate, naming the app
// (iss), the user (sub) and the login host (aud). It issues an access token
// without a refresh token, signature or issued_at (reference §4.3). The
// checks run in this order: the assertion's form, the app, the signature,
// the assertionAudience, the expiry, the app's refresh_token scope, then the
// user and the user's approval.
//
// exp must be in the future. Salesforce documents "within 3 minutes" but
// does not enforce an upper bound: the Salesforce CLI sends
// Date.now() + 300, a time in milliseconds, and is accepted.
func jwtBearerGrant(d Deps, r *http.Request) (tokenResponse, error) {
	jws, err := jose.ParseSignedCompact(r.PostFormValue("assertion"), []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		return tokenResponse{}, tokenErrAssertion
	}
	var claims assertionClaims
	if err := json.Unmarshal(jws.UnsafePayloadWithoutVerification(), &claims); err != nil {
		return tokenResponse{}, tokenErrAssertion
	}
	app, err := d.Store.AppByKey(claims.Iss)
	if err != nil || !d.appActive(app) {
		return tokenResponse{}, tokenErrClientID
	}
	if app.Policy.Blocked {
		return tokenResponse{}, tokenErrAppBlocked
	}
	// An External Client App runs the flow only with "Enable JWT Bearer
	// Flow" ticked, and a disabled flow is unsupported_grant_type
	// (reference §4.6); a connected app's certificate is enough.
	if app.External() && !app.Policy.Flows.JWTBearer {
		return tokenResponse{}, tokenErrUnsupportedGrant
	}
	key, ok := appCertificateKey(app)
	if !ok {
		return tokenResponse{}, tokenErrAssertion
	}
	payload, err := jws.Verify(key)
	if err != nil {
		return tokenResponse{}, tokenErrAssertion
	}
	// Only what was signed counts from here on.
	claims = assertionClaims{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return tokenResponse{}, tokenErrAssertion
	}
	if !slices.ContainsFunc(claims.Aud, d.jwtAudienceOK(app.OrgID)) {
		return tokenResponse{}, tokenErrAudience
	}
	if !claims.Exp.set {
		return tokenResponse{}, tokenErrAssertion
	}
	if now := float64(d.Store.Now().UnixNano()) / 1e9; claims.Exp.seconds <= now {
		return tokenResponse{}, tokenErrAssertionExpired
	}
	// Salesforce refuses the flow to an app without refresh_token (or
	// its synonym offline_access), whoever the user (reference §4.6).
	if !slices.Contains(app.Scopes, "refresh_token") && !slices.Contains(app.Scopes, "offline_access") {
		return tokenResponse{}, tokenErrJWTNeedsRefreshScope
	}
	// An unknown username gets the same answer as a user who never
	// approved the app: Salesforce does not say which it was.
	u, err := d.Store.UserByUsername(claims.Sub)
	if err != nil || claims.Sub == "" {
		return tokenResponse{}, tokenErrNotApproved
	}
	if _, err := d.activeUser(u.ID); err != nil {
		return tokenResponse{}, err
	}
	at, err := d.issueApproved(app, u)
	if err != nil {
		return tokenResponse{}, err
	}
	return tokenResponse{
		AccessToken: at.Token,
		Scope:       strings.Join(at.Scopes, " "),
		InstanceURL: d.Hosts.URL(at.OrgID),
		ID:          d.identityURL(at.OrgID, at.UserID),
		TokenType:   "Bearer",
	}, nil
}

// jwtAudienceOK reports whether an assertion's aud names a login host
// mocksf answers for: its own login host, the shared instance host or the
// app's org's own, or Salesforce's.
func (d Deps) jwtAudienceOK(orgID string) func(aud string) bool {
	return func(aud string) bool {
		return aud != "" && (aud == d.BaseURL || aud == d.Hosts.SharedURL() || aud == d.Hosts.URL(orgID) || slices.Contains(jwtAudiences, aud))
	}
}
