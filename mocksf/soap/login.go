package soap

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

// sessionScopes are a SOAP session's: the full access of a logged-in
// user, which the REST API takes as it takes "api".
var sessionScopes = []string{"full"}

// login is login(username, password): the password followed by the
// security token unless the address is trusted, under the login page's
// rules (lock-out, frozen org, inactive user, Login IP Ranges), then the
// org's and user's API access.
func (d Deps) login(w http.ResponseWriter, r *http.Request, c call, version string) {
	u, err := d.Store.UserByUsername(c.Username)
	if err != nil || c.Username == "" {
		// Counted as a real user's wrong password is, so that a lock-out
		// on the login page does not tell real usernames from unknown ones.
		_, _ = d.Store.AuthenticateAPI(c.Username, c.Password, d.MaxLoginFailures, false)
		writeFault(w, faultInvalidLogin)
		return
	}
	org, err := d.Store.Org(u.OrgID)
	if err != nil {
		writeFault(w, faultInvalidLogin)
		return
	}
	trusted := org.APILoginTrusted(r.RemoteAddr, !d.SecurityTokenFromLoopback)
	u, err = d.Store.AuthenticateAPI(c.Username, c.Password, d.MaxLoginFailures, trusted)
	switch {
	case errors.Is(err, store.ErrMustUseSecurityToken):
		writeFault(w, faultMustUseToken)
		return
	case err != nil:
		writeFault(w, faultInvalidLogin)
		return
	}
	// A frozen org and Login IP Ranges block the login page with its
	// usual words; over the API Salesforce's answer is the usual fault,
	// the reason only in Login History (mocksf's choice, unconfirmed).
	if !org.Active() || !org.LoginIPAllowed(r.RemoteAddr) {
		writeFault(w, faultInvalidLogin)
		return
	}
	if !org.APIEnabled() {
		writeFault(w, faultAPIDisabledForOrg)
		return
	}
	if !u.APIEnabled {
		writeFault(w, faultAPIDisabledForUser)
		return
	}
	at, _, err := d.Store.IssueTokens("", "", u.ID, sessionScopes, false)
	if err != nil {
		writeFault(w, faultInvalidLogin)
		return
	}
	instance := d.Hosts.URL(org.ID)
	org15 := sfid.To15(org.ID)
	var b bytes.Buffer
	b.WriteString("<loginResponse><result>")
	writeFields(&b, []field{
		{name: "metadataServerUrl", value: instance + "/services/Soap/m/" + version + "/" + org15},
		{name: "passwordExpired", value: "false"},
		{name: "sandbox", value: "false"},
		{name: "serverUrl", value: instance + "/services/Soap/u/" + version + "/" + org15},
		{name: "sessionId", value: at.Token},
		{name: "userId", value: u.ID},
	})
	b.WriteString("<userInfo>")
	writeFields(&b, d.userInfo(org, u))
	b.WriteString("</userInfo></result></loginResponse>")
	d.Log.Debug("mocksf soap: login", "org", org.ID, "username", u.Username)
	writeResponse(w, b.String())
}

// session resolves a call's SessionHeader to its token, user and org, or
// answers INVALID_SESSION_ID: a token that is unknown, dead, of an
// inactive user or org, or of another org than the instance host's.
func (d Deps) session(w http.ResponseWriter, r *http.Request, c call) (store.AccessToken, store.User, store.Org, bool) {
	at, u, org, err := d.Store.UseAccessToken(c.SessionID)
	if err != nil || c.SessionID == "" {
		writeFault(w, faultInvalidSession)
		return store.AccessToken{}, store.User{}, store.Org{}, false
	}
	if hostOrg, _ := d.Hosts.At(r.Host); hostOrg != "" && hostOrg != at.OrgID {
		writeFault(w, faultInvalidSession)
		return store.AccessToken{}, store.User{}, store.Org{}, false
	}
	return at, u, org, true
}

// getUserInfo is getUserInfo() for the session's user; it counts against
// the org's daily API requests, as every call but login does.
func (d Deps) getUserInfo(w http.ResponseWriter, r *http.Request, c call) {
	_, u, org, ok := d.session(w, r, c)
	if !ok {
		return
	}
	if !org.APIEnabled() || !u.APIEnabled {
		writeFault(w, faultAPIDisabledForOrg)
		return
	}
	if _, err := d.Store.CountAPIRequest(org.ID); err != nil {
		writeFault(w, faultLimitExceeded)
		return
	}
	var b bytes.Buffer
	b.WriteString("<getUserInfoResponse><result>")
	writeFields(&b, d.userInfo(org, u))
	b.WriteString("</result></getUserInfoResponse>")
	writeResponse(w, b.String())
}

// logout is logout(): the session ends, as a revoked token.
func (d Deps) logout(w http.ResponseWriter, r *http.Request, c call) {
	at, _, _, ok := d.session(w, r, c)
	if !ok {
		return
	}
	// Revoked between the lookup and now is logged out all the same.
	_ = d.Store.Revoke(at.Token)
	writeResponse(w, "<logoutResponse/>")
}

// userInfo is a GetUserInfoResult, fields in the partner WSDL's order,
// with an English (United States) single-currency org's values.
func (d Deps) userInfo(org store.Org, u store.User) []field {
	// The same ID as the user's Profile record over REST.
	profile := u.ProfileID()
	timeout := org.SessionTimeout
	if timeout == 0 {
		timeout = store.DefaultSessionTimeout
	}
	return []field{
		{name: "accessibilityMode", value: "false"},
		{name: "currencySymbol", value: "$"},
		{name: "orgAttachmentFileSizeLimit", value: "5242880"},
		{name: "orgDefaultCurrencyIsoCode", value: "USD"},
		{name: "orgDisallowHtmlAttachments", value: "false"},
		{name: "orgHasPersonAccounts", value: "false"},
		{name: "organizationId", value: org.ID},
		{name: "organizationMultiCurrency", value: "false"},
		{name: "organizationName", value: org.Name},
		{name: "profileId", value: profile},
		{name: "roleId", nil: true},
		{name: "sessionSecondsValid", value: strconv.Itoa(int(timeout / time.Second))},
		{name: "userDefaultCurrencyIsoCode", nil: true},
		{name: "userEmail", value: u.Email},
		{name: "userFullName", value: u.DisplayName()},
		{name: "userId", value: u.ID},
		{name: "userLanguage", value: u.LanguageKey()},
		{name: "userLocale", value: "en_US"},
		{name: "userName", value: u.Username},
		{name: "userTimeZone", value: "America/Los_Angeles"},
		{name: "userType", value: "Standard"},
		{name: "userUiSkin", value: "Theme3"},
	}
}
