package oauth

import (
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

// bearer returns the access token from the Authorization header or the
// oauth_token parameter.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	for _, scheme := range []string{"Bearer ", "OAuth "} {
		if len(h) > len(scheme) && strings.EqualFold(h[:len(scheme)], scheme) {
			return strings.TrimSpace(h[len(scheme):])
		}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxTokenBody)
	_ = r.ParseForm()
	return r.Form.Get("oauth_token")
}

// badToken is the identity services' answer to a bad token: 403 with a
// plain-text body, unlike the data API's 401 JSON (reference §7).
func badToken(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("Bad_OAuth_Token"))
}

// HandleIdentity is GET|POST /id/{orgId}/{userId}.
func HandleIdentity(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := d.Store.LookupAccessToken(bearer(r))
		if err != nil {
			badToken(w)
			return
		}
		vars := mux.Vars(r)
		if !sfid.Equal(vars["orgId"], at.OrgID) {
			badToken(w)
			return
		}
		caller, err := d.Store.User(at.UserID)
		if err != nil {
			badToken(w)
			return
		}
		// Another user's identity needs an admin caller (reference §8;
		// the exact permission is unconfirmed).
		if !sfid.Equal(vars["userId"], at.UserID) && !caller.Admin {
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte("Bad_Id"))
			return
		}
		user, err := d.Store.User(vars["userId"])
		if err != nil || user.OrgID != at.OrgID {
			w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte("Bad_Id"))
			return
		}
		version := r.Form.Get("version")
		if version == "latest" {
			version = "67.0"
		}
		if version == "" {
			version = "{version}"
		}
		writeJSON(w, http.StatusOK, d.identityDoc(user, version))
	})
}

func (d Deps) identityDoc(u store.User, version string) map[string]any {
	org15 := sfid.To15(u.OrgID)
	base := d.BaseURL
	data := base + "/services/data/v" + version
	return map[string]any{
		"id":                      d.identityURL(u.OrgID, u.ID),
		"asserted_user":           true,
		"user_id":                 u.ID,
		"organization_id":         u.OrgID,
		"username":                u.Username,
		"nick_name":               strings.SplitN(u.Username, "@", 2)[0],
		"display_name":            u.DisplayName(),
		"email":                   u.Email,
		"email_verified":          true,
		"first_name":              nullable(u.FirstName),
		"last_name":               u.LastName,
		"timezone":                "America/Los_Angeles",
		"photos":                  map[string]string{"picture": base + "/profilephoto/005/F", "thumbnail": base + "/profilephoto/005/T"},
		"addr_street":             nil,
		"addr_city":               nil,
		"addr_state":              nil,
		"addr_country":            "US",
		"addr_zip":                nil,
		"mobile_phone":            nil,
		"mobile_phone_verified":   false,
		"is_lightning_login_user": false,
		"status":                  map[string]any{"created_date": nil, "body": nil},
		"urls": map[string]string{
			"enterprise":    base + "/services/Soap/c/" + version + "/" + org15,
			"metadata":      base + "/services/Soap/m/" + version + "/" + org15,
			"partner":       base + "/services/Soap/u/" + version + "/" + org15,
			"rest":          data + "/",
			"sobjects":      data + "/sobjects/",
			"search":        data + "/search/",
			"query":         data + "/query/",
			"recent":        data + "/recent/",
			"tooling_soap":  base + "/services/Soap/T/" + version + "/" + org15,
			"tooling_rest":  data + "/tooling/",
			"profile":       base + "/" + u.ID,
			"feeds":         data + "/chatter/feeds",
			"groups":        data + "/chatter/groups",
			"users":         data + "/chatter/users",
			"feed_items":    data + "/chatter/feed-items",
			"feed_elements": data + "/chatter/feed-elements",
			"custom_domain": base,
		},
		"active":             u.Active,
		"user_type":          "STANDARD",
		"language":           "en_US",
		"locale":             "en_US",
		"utcOffset":          -28800000,
		"last_modified_date": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000+0000"),
		"is_app_installed":   true,
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// HandleUserInfo is GET|POST /services/oauth2/userinfo for the token's user.
func HandleUserInfo(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := d.Store.LookupAccessToken(bearer(r))
		if err != nil {
			badToken(w)
			return
		}
		u, err := d.Store.User(at.UserID)
		if err != nil {
			badToken(w)
			return
		}
		doc := d.identityDoc(u, "{version}")
		writeJSON(w, http.StatusOK, map[string]any{
			"sub": doc["id"], "user_id": u.ID, "organization_id": u.OrgID,
			"preferred_username": u.Username, "nickname": doc["nick_name"], "name": u.DisplayName(),
			"email": u.Email, "email_verified": true, "given_name": u.FirstName, "family_name": u.LastName,
			"zoneinfo": doc["timezone"], "photos": doc["photos"], "profile": d.BaseURL + "/" + u.ID,
			"picture": doc["photos"].(map[string]string)["picture"], "address": map[string]string{"country": "US"},
			"is_salesforce_integration_user": false, "urls": doc["urls"], "active": u.Active,
			"user_type": "STANDARD", "language": "en_US", "locale": "en_US", "utcOffset": -28800000,
			"updated_at": doc["last_modified_date"], "is_app_installed": true,
		})
	})
}
