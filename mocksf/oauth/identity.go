package oauth

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

// bearer returns the access token from the Authorization header ("Bearer"
// or the older "OAuth" scheme) or the oauth_token parameter of the query or
// a form body. It parses the request's form, which the handlers read next.
func bearer(r *http.Request) string { return bearerOr(r, "") }

// bearerOr is bearer that also reads the token from the param parameter
// when it is not empty (userinfo's access_token).
func bearerOr(r *http.Request, param string) string {
	r.Body = http.MaxBytesReader(nil, r.Body, maxTokenBody)
	_ = r.ParseForm()
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	if t := r.Form.Get("oauth_token"); t != "" || param == "" {
		return t
	}
	return r.Form.Get(param)
}

// tokenUser resolves a request's access token to its record and user. A
// token that is unknown, revoked, or belongs to a deactivated user or a
// frozen or closed org is refused the same way.
func (d Identity) tokenUser(r *http.Request) (store.AccessToken, store.User, bool) {
	return d.tokenUserFrom(bearer(r))
}

// tokenUserFrom is tokenUser for a token already read from the request.
func (d Identity) tokenUserFrom(token string) (store.AccessToken, store.User, bool) {
	at, u, _, err := d.Store.UseAccessToken(token)
	if err != nil {
		return store.AccessToken{}, store.User{}, false
	}
	return at, u, true
}

// nullString is a string that may be null: JSON null, and an empty
// element with xsi:nil="true" in XML, as Salesforce writes them.
type nullString struct {
	s     string
	valid bool
}

// nullIfEmpty is s, or null when s is empty.
func nullIfEmpty(s string) nullString { return nullString{s, s != ""} }

func (n nullString) MarshalJSON() ([]byte, error) {
	if !n.valid {
		return []byte("null"), nil
	}
	return json.Marshal(n.s)
}

func (n nullString) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if !n.valid {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:nil"}, Value: "true"})
		return e.EncodeElement("", start)
	}
	return e.EncodeElement(n.s, start)
}

// identityDoc is the identity URL's answer, fields in Salesforce's order
// (reference §8). In XML its root is <user>.
type identityDoc struct {
	XMLName              xml.Name       `json:"-" xml:"user"`
	XSI                  string         `json:"-" xml:"xmlns:xsi,attr"`
	ID                   string         `json:"id" xml:"id"`
	AssertedUser         bool           `json:"asserted_user" xml:"asserted_user"`
	UserID               string         `json:"user_id" xml:"user_id"`
	OrganizationID       string         `json:"organization_id" xml:"organization_id"`
	Username             string         `json:"username" xml:"username"`
	NickName             string         `json:"nick_name" xml:"nick_name"`
	DisplayName          string         `json:"display_name" xml:"display_name"`
	Email                string         `json:"email" xml:"email"`
	EmailVerified        bool           `json:"email_verified" xml:"email_verified"`
	FirstName            nullString     `json:"first_name" xml:"first_name"`
	LastName             string         `json:"last_name" xml:"last_name"`
	Timezone             string         `json:"timezone" xml:"timezone"`
	Photos               identityPhotos `json:"photos" xml:"photos"`
	AddrStreet           nullString     `json:"addr_street" xml:"addr_street"`
	AddrCity             nullString     `json:"addr_city" xml:"addr_city"`
	AddrState            nullString     `json:"addr_state" xml:"addr_state"`
	AddrCountry          nullString     `json:"addr_country" xml:"addr_country"`
	AddrZip              nullString     `json:"addr_zip" xml:"addr_zip"`
	MobilePhone          nullString     `json:"mobile_phone" xml:"mobile_phone"`
	MobilePhoneVerified  bool           `json:"mobile_phone_verified" xml:"mobile_phone_verified"`
	IsLightningLoginUser bool           `json:"is_lightning_login_user" xml:"is_lightning_login_user"`
	Status               identityStatus `json:"status" xml:"status"`
	URLs                 identityURLs   `json:"urls" xml:"urls"`
	Active               bool           `json:"active" xml:"active"`
	UserType             string         `json:"user_type" xml:"user_type"`
	Language             string         `json:"language" xml:"language"`
	Locale               string         `json:"locale" xml:"locale"`
	UTCOffset            int            `json:"utcOffset" xml:"utcOffset"`
	LastModifiedDate     string         `json:"last_modified_date" xml:"last_modified_date"`
	IsAppInstalled       bool           `json:"is_app_installed" xml:"is_app_installed"`
}

type identityPhotos struct {
	Picture   string `json:"picture" xml:"picture"`
	Thumbnail string `json:"thumbnail" xml:"thumbnail"`
}

type identityStatus struct {
	CreatedDate nullString `json:"created_date" xml:"created_date"`
	Body        nullString `json:"body" xml:"body"`
}

// identityURLs are the user's API endpoints; "{version}" stays literal
// unless the request asked for a version.
type identityURLs struct {
	Enterprise   string `json:"enterprise" xml:"enterprise"`
	Metadata     string `json:"metadata" xml:"metadata"`
	Partner      string `json:"partner" xml:"partner"`
	Rest         string `json:"rest" xml:"rest"`
	Sobjects     string `json:"sobjects" xml:"sobjects"`
	Search       string `json:"search" xml:"search"`
	Query        string `json:"query" xml:"query"`
	Recent       string `json:"recent" xml:"recent"`
	ToolingSoap  string `json:"tooling_soap" xml:"tooling_soap"`
	ToolingRest  string `json:"tooling_rest" xml:"tooling_rest"`
	Profile      string `json:"profile" xml:"profile"`
	Feeds        string `json:"feeds" xml:"feeds"`
	Groups       string `json:"groups" xml:"groups"`
	Users        string `json:"users" xml:"users"`
	FeedItems    string `json:"feed_items" xml:"feed_items"`
	FeedElements string `json:"feed_elements" xml:"feed_elements"`
	CustomDomain string `json:"custom_domain" xml:"custom_domain"`
}

// identityLastModified is every user's last_modified_date: mocksf keeps no
// history of users.
var identityLastModified = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000+0000")

// identityDoc describes a user. Its URLs are on the instance host, where
// the APIs are; the identity URL itself stays on the login host.
func (d Identity) identityDoc(u store.User, version string) identityDoc {
	org15 := sfid.To15(u.OrgID)
	base := d.Hosts.URL(u.OrgID)
	data := base + "/services/data/v" + version
	return identityDoc{
		XSI:            "http://www.w3.org/2001/XMLSchema-instance",
		ID:             d.identityURL(u.OrgID, u.ID),
		AssertedUser:   true,
		UserID:         u.ID,
		OrganizationID: u.OrgID,
		Username:       u.Username,
		NickName:       strings.SplitN(u.Username, "@", 2)[0],
		DisplayName:    u.DisplayName(),
		Email:          u.Email,
		EmailVerified:  true,
		FirstName:      nullIfEmpty(u.FirstName),
		LastName:       u.SalesforceLastName(),
		Timezone:       "America/Los_Angeles",
		Photos:         identityPhotos{Picture: base + "/profilephoto/005/F", Thumbnail: base + "/profilephoto/005/T"},
		AddrCountry:    nullIfEmpty("US"),
		Status:         identityStatus{},
		URLs: identityURLs{
			Enterprise:   base + "/services/Soap/c/" + version + "/" + org15,
			Metadata:     base + "/services/Soap/m/" + version + "/" + org15,
			Partner:      base + "/services/Soap/u/" + version + "/" + org15,
			Rest:         data + "/",
			Sobjects:     data + "/sobjects/",
			Search:       data + "/search/",
			Query:        data + "/query/",
			Recent:       data + "/recent/",
			ToolingSoap:  base + "/services/Soap/T/" + version + "/" + org15,
			ToolingRest:  data + "/tooling/",
			Profile:      base + "/" + u.ID,
			Feeds:        data + "/chatter/feeds",
			Groups:       data + "/chatter/groups",
			Users:        data + "/chatter/users",
			FeedItems:    data + "/chatter/feed-items",
			FeedElements: data + "/chatter/feed-elements",
			CustomDomain: base,
		},
		Active:           u.Active,
		UserType:         "STANDARD",
		Language:         u.LanguageKey(),
		Locale:           "en_US",
		UTCOffset:        -28800000,
		LastModifiedDate: identityLastModified,
		IsAppInstalled:   true,
	}
}

// Identity answer formats (reference §8).
const (
	identityJSON  = "json"
	identityXML   = "xml"
	identityJSONP = "jsonp"
)

// identityFormat picks the answer's format: the format parameter wins,
// then the JSON or XML type the Accept header prefers (highest q, then
// first); */* and everything else get JSON.
func identityFormat(r *http.Request) string {
	switch f := strings.ToLower(r.Form.Get("format")); f {
	case identityJSON, identityXML, identityJSONP:
		return f
	}
	return negotiate(r.Header.Get("Accept"), map[string]string{
		"application/json": identityJSON, "*/*": identityJSON, "application/*": identityJSON,
		"application/xml": identityXML, "text/xml": identityXML,
	}, identityJSON)
}

var (
	// A version the identity URL fills in: "45.0", or "45" meaning 45.0.
	versionPattern = regexp.MustCompile(`^[0-9]{1,3}(\.0)?$`)
	// A JSONP callback mocksf will echo: a JavaScript name, dots allowed,
	// so that the answer cannot carry a script of the caller's choosing.
	callbackPattern = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$`)
)

// identityVersion is the API version the urls name: a number, "latest"
// for the newest version served, or the literal "{version}" placeholder
// when the request names none (or one mocksf cannot read).
func (d Identity) identityVersion(v string) string {
	switch {
	case v == "latest":
		return d.NewestAPIVersion
	case versionPattern.MatchString(v):
		return strings.TrimSuffix(v, ".0") + ".0"
	default:
		return "{version}"
	}
}

// writeIdentity renders v as JSON, JSONP or XML, indented when the request
// carries X-PrettyPrint: 1.
func writeIdentity(w http.ResponseWriter, r *http.Request, v any) {
	pretty := r.Header.Get("X-PrettyPrint") == "1"
	w.Header().Set("Cache-Control", "no-store")
	format := identityFormat(r)
	if format == identityXML {
		var body []byte
		var err error
		if pretty {
			body, err = xml.MarshalIndent(v, "", "   ")
		} else {
			body, err = xml.Marshal(v)
		}
		if err != nil {
			identityText(w, http.StatusInternalServerError, identityUnknown)
			return
		}
		w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(xml.Header))
		_, _ = w.Write(body)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if pretty {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		identityText(w, http.StatusInternalServerError, identityUnknown)
		return
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if cb := r.Form.Get("callback"); format == identityJSONP && callbackPattern.MatchString(cb) {
		w.Header().Set("Content-Type", "application/javascript;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(cb + "("))
		_, _ = w.Write(body)
		_, _ = w.Write([]byte(");"))
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// HandleIdentity is GET|POST /id/{orgId}/{userId}, on the login and the
// instance host: the token in the Authorization header or the oauth_token
// parameter; format (json, xml, jsonp with callback) or Accept; version;
// X-PrettyPrint (reference §8).
func HandleIdentity(d Identity) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, caller, ok := d.tokenUser(r)
		vars := mux.Vars(r)
		if !ok || !sfid.Equal(vars["orgId"], at.OrgID) {
			identityText(w, http.StatusForbidden, identityBadToken)
			return
		}
		// Another user's identity needs an admin caller (reference §8;
		// the exact permission is unconfirmed).
		if !sfid.Equal(vars["userId"], at.UserID) && !caller.Admin {
			identityText(w, http.StatusForbidden, identityBadID)
			return
		}
		user, err := d.Store.User(vars["userId"])
		if err != nil || user.OrgID != at.OrgID {
			identityText(w, http.StatusNotFound, identityBadID)
			return
		}
		writeIdentity(w, r, d.identityDoc(user, d.identityVersion(r.Form.Get("version"))))
	})
}

// userInfo is the answer of /services/oauth2/userinfo, fields in
// Salesforce's order (reference §7).
type userInfo struct {
	Sub                         string            `json:"sub"`
	UserID                      string            `json:"user_id"`
	OrganizationID              string            `json:"organization_id"`
	PreferredUsername           string            `json:"preferred_username"`
	Nickname                    string            `json:"nickname"`
	Name                        string            `json:"name"`
	Email                       string            `json:"email"`
	EmailVerified               bool              `json:"email_verified"`
	GivenName                   string            `json:"given_name"`
	FamilyName                  string            `json:"family_name"`
	Zoneinfo                    string            `json:"zoneinfo"`
	Photos                      identityPhotos    `json:"photos"`
	Profile                     string            `json:"profile"`
	Picture                     string            `json:"picture"`
	Address                     map[string]string `json:"address"`
	IsSalesforceIntegrationUser bool              `json:"is_salesforce_integration_user"`
	URLs                        identityURLs      `json:"urls"`
	Active                      bool              `json:"active"`
	UserType                    string            `json:"user_type"`
	Language                    string            `json:"language"`
	Locale                      string            `json:"locale"`
	UTCOffset                   int               `json:"utcOffset"`
	UpdatedAt                   string            `json:"updated_at"`
	IsAppInstalled              bool              `json:"is_app_installed"`
}

// HandleUserInfo is GET|POST /services/oauth2/userinfo for the token's
// user, on the login and the instance host (reference §7). onlyOAuthToken
// (mocksf.Config.UserInfoOnlyOAuthToken) refuses the token in an
// access_token parameter (RFC 6750 §2.3), accepting only the Authorization
// header and oauth_token, which is all Salesforce documents; by default
// ?access_token= is accepted, as OmniAuth- and Passport-style strategies
// send it and are used against Salesforce unchanged.
func HandleUserInfo(d Identity, onlyOAuthToken bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		param := "access_token"
		if onlyOAuthToken {
			param = ""
		}
		_, u, ok := d.tokenUserFrom(bearerOr(r, param))
		if !ok {
			identityText(w, http.StatusForbidden, identityBadToken)
			return
		}
		doc := d.identityDoc(u, "{version}")
		writeJSON(w, http.StatusOK, userInfo{
			Sub: doc.ID, UserID: u.ID, OrganizationID: u.OrgID,
			PreferredUsername: u.Username, Nickname: doc.NickName, Name: u.DisplayName(),
			Email: u.Email, EmailVerified: true, GivenName: u.FirstName, FamilyName: u.SalesforceLastName(),
			Zoneinfo: doc.Timezone, Photos: doc.Photos, Profile: doc.URLs.Profile, Picture: doc.Photos.Picture,
			Address: map[string]string{"country": "US"}, URLs: doc.URLs, Active: u.Active,
			UserType: doc.UserType, Language: doc.Language, Locale: doc.Locale, UTCOffset: doc.UTCOffset,
			UpdatedAt: doc.LastModifiedDate, IsAppInstalled: true,
		})
	})
}
