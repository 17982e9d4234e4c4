package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// DefaultIDTokenTTL is an ID token's lifetime by default
// (mocksf.Config.IDTokenTTL): exp is iat plus 120 seconds in captured Salesforce ID tokens (reference
// §4.4).
const DefaultIDTokenTTL = 120 * time.Second

// issuer is the OpenID Connect issuer for a request: the instance (My
// Domain) host when the request came there, as Salesforce's My Domain
// discovery document names itself, else the login host (reference §9).
// Discovery, ID tokens and their verification then agree on each host.
func (d Identity) issuer(r *http.Request) string {
	if u, ok := d.Hosts.URLAt(r.Host); ok {
		return u
	}
	return d.BaseURL
}

// idTokenClaims are the claims of Salesforce's ID token (reference §4.4),
// with the user's standard claims when the granted scopes ask for them.
type idTokenClaims struct {
	AtHash string `json:"at_hash"`
	CHash  string `json:"c_hash,omitempty"`
	Sub    string `json:"sub"`
	Aud    string `json:"aud"`
	Iss    string `json:"iss"`
	Exp    int64  `json:"exp"`
	Iat    int64  `json:"iat"`
	Nonce  string `json:"nonce,omitempty"`

	// profile (or id) scope.
	Name              string `json:"name,omitempty"`
	GivenName         string `json:"given_name,omitempty"`
	FamilyName        string `json:"family_name,omitempty"`
	PreferredUsername string `json:"preferred_username,omitempty"`
	Nickname          string `json:"nickname,omitempty"`
	Zoneinfo          string `json:"zoneinfo,omitempty"`
	Locale            string `json:"locale,omitempty"`
	Profile           string `json:"profile,omitempty"`
	Picture           string `json:"picture,omitempty"`
	UpdatedAt         string `json:"updated_at,omitempty"`
	// email (or id) scope.
	Email         string `json:"email,omitempty"`
	EmailVerified *bool  `json:"email_verified,omitempty"`
}

// halfHash is the at_hash/c_hash of a value for RS256: the left half of
// its SHA-256, base64url without padding (OpenID Connect Core §3.1.3.6).
func halfHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// idToken makes the ID token of a token reply: RS256, signed with the
// current key named by kid, for the app's consumer key. nonce and code are
// the authorization code's, empty on refresh; c_hash is only in the code
// flow's token, as in Salesforce's.
func (d Deps) idToken(r *http.Request, app store.ConnectedApp, at store.AccessToken, nonce, code string) (string, error) {
	u, err := d.Store.User(at.UserID)
	if err != nil {
		return "", tokenErrInactiveUser
	}
	ttl := d.IDTokenTTL
	claims := idTokenClaims{
		AtHash: halfHash(at.Token),
		Sub:    d.identityURL(u.OrgID, u.ID),
		Aud:    app.ConsumerKey,
		Iss:    d.issuer(r),
		Iat:    at.IssuedAt.Unix(),
		Exp:    at.IssuedAt.Add(ttl).Unix(),
		Nonce:  nonce,
	}
	if code != "" {
		claims.CHash = halfHash(code)
	}
	has := func(s string) bool { return slices.Contains(at.Scopes, s) || slices.Contains(at.Scopes, "id") }
	if has("profile") {
		doc := d.identityDoc(u, "{version}")
		claims.Name, claims.GivenName, claims.FamilyName = u.DisplayName(), u.FirstName, u.SalesforceLastName()
		claims.PreferredUsername, claims.Nickname = u.Username, doc.NickName
		claims.Zoneinfo, claims.Locale = doc.Timezone, doc.Locale
		claims.Profile, claims.Picture = doc.URLs.Profile, doc.Photos.Picture
		claims.UpdatedAt = doc.LastModifiedDate
	}
	if has("email") {
		verified := true
		claims.Email, claims.EmailVerified = u.Email, &verified
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("mocksf: id token: %w", err)
	}
	jws, err := currentKey().signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("mocksf: id token: %w", err)
	}
	return jws.CompactSerialize()
}

// discoveryDoc is the OpenID Provider configuration, fields and lists as in
// Salesforce's (reference §9).
type discoveryDoc struct {
	Issuer                            string   `json:"issuer"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	JWKSURI                           string   `json:"jwks_uri"`
	RegistrationEndpoint              string   `json:"registration_endpoint"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	FrontchannelLogoutSupported       bool     `json:"frontchannel_logout_supported"`
	FrontchannelLogoutSessionSupport  bool     `json:"frontchannel_logout_session_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	DisplayValuesSupported            []string `json:"display_values_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
}

// HandleDiscovery is GET /.well-known/openid-configuration. Endpoints are
// absolute on the issuer's host. mocksf lists what Salesforce lists, also
// the endpoints it does not serve (registration, end session).
func HandleDiscovery(d Identity) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss := d.issuer(r)
		writeDocument(w, discoveryDoc{
			Issuer:                iss,
			AuthorizationEndpoint: iss + "/services/oauth2/authorize",
			TokenEndpoint:         iss + "/services/oauth2/token",
			RevocationEndpoint:    iss + "/services/oauth2/revoke",
			UserinfoEndpoint:      iss + "/services/oauth2/userinfo",
			JWKSURI:               iss + "/id/keys",
			RegistrationEndpoint:  iss + "/services/oauth2/register",
			IntrospectionEndpoint: iss + "/services/oauth2/introspect",
			EndSessionEndpoint:    iss + "/services/auth/idp/oidc/logout",

			FrontchannelLogoutSupported:      true,
			FrontchannelLogoutSessionSupport: false,
			ScopesSupported: []string{"cdp_ingest_api", "custom_permissions", "cdp_segment_api", "content", "cdp_api",
				"chatbot_api", "cdp_identityresolution_api", "interaction_api", "wave_api", "web", "cdp_calculated_insight_api",
				"einstein_gpt_api", "offline_access", "id", "api", "eclair_api", "email", "pardot_api", "lightning",
				"visualforce", "cdp_query_api", "sfap_api", "address", "openid", "profile", "cdp_profile_api",
				"refresh_token", "phone", "user_registration_api", "pwdless_login_api", "chatter_api", "full", "forgot_password"},
			ResponseTypesSupported:            []string{"code", "token", "token id_token"},
			SubjectTypesSupported:             []string{"public"},
			IDTokenSigningAlgValuesSupported:  []string{"RS256"},
			DisplayValuesSupported:            []string{"page", "popup", "touch"},
			TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "client_secret_basic", "private_key_jwt"},
			ClaimsSupported: []string{"active", "address", "email", "email_verified", "family_name", "given_name",
				"is_app_installed", "language", "locale", "name", "nickname", "organization_id", "phone_number",
				"phone_number_verified", "photos", "picture", "preferred_username", "profile", "sub", "updated_at",
				"urls", "user_id", "user_type", "zoneinfo"},
		})
	})
}

// writeDocument answers with a public JSON document (discovery, keys):
// unlike token replies, these may be cached.
func writeDocument(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}
