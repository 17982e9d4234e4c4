package oauth

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// Nbf is optional (RFC 7523 §3); Salesforce's documentation does not
	// name it, and mocksf refuses an assertion before it.
	Nbf assertionDate `json:"nbf"`
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

// assertionDate is the exp or nbf claim in seconds since the epoch: a
// JSON number (RFC 7519's NumericDate), or a string of decimal digits
// only. Salesforce takes exp as such a string, which simple-salesforce
// sends ('{exp:.0f}'.format(...), simple_salesforce/login.py) and is
// the most used Python client, so the string form stays; any other
// string ("1e12", " 123", "0x1p40", "12.5") is refused, so the claim
// means one thing whichever parser reads it.
type assertionDate struct {
	set     bool
	seconds float64
}

// digitsOnly is the string form of an assertionDate.
var digitsOnly = regexp.MustCompile(`^[0-9]{1,20}$`)

func (n *assertionDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if !digitsOnly.MatchString(s) {
			return errors.New("date: want seconds as a number or a string of digits")
		}
		b = []byte(s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return errors.New("date: want a number of seconds")
	}
	*n = assertionDate{set: true, seconds: f}
	return nil
}

// time is the date as a time.Time, held to year 9999: the Salesforce CLI
// sends exp in milliseconds, tens of thousands of years out.
func (n assertionDate) time() time.Time {
	const maxSeconds = 253402300799 // 9999-12-31T23:59:59Z
	sec := math.Floor(min(n.seconds, maxSeconds))
	return time.Unix(int64(sec), 0)
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
// Date.now() + 300, a time in milliseconds, and is accepted. nbf, when
// sent, must not be in the future (RFC 7523 §3), and an assertion is
// good once (Deps.AllowJWTReplay), both without leeway: mocksf's clock is
// the only one.
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
	now := float64(d.Store.NowIn(app.OrgID).UnixNano()) / 1e9
	if claims.Exp.seconds <= now {
		return tokenResponse{}, tokenErrAssertionExpired
	}
	if claims.Nbf.set && claims.Nbf.seconds > now {
		return tokenResponse{}, tokenErrAssertionNotYet
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
	if err := d.mayUse(app, u); err != nil {
		return tokenResponse{}, err
	}
	// Recorded last, so that an assertion refused for what an admin can
	// fix (an approval) may be sent again once it is fixed.
	if !d.AllowJWTReplay && d.Store.SeenAssertion(app.ConsumerKey, payload, claims.Exp.time()) {
		return tokenResponse{}, tokenErrAssertionReplayed
	}
	at, err := d.issueAccessOnly(app, u.ID)
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
