package control

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// UserChange is the body of PATCH /__mocksf/orgs/{id}/users/{username}:
// any of its fields, at least one.
type UserChange struct {
	// APIEnabled is the profile's "API Enabled" permission: without it
	// the REST API answers 403 API_DISABLED_FOR_ORG, as Salesforce does.
	APIEnabled *bool `json:"apiEnabled,omitempty"`
	// Active deactivates (false) or reactivates (true) the user. A
	// deactivated user's tokens are kept but fail, and it cannot log in.
	Active *bool `json:"active,omitempty"`
	// Unlock clears the failed logins that locked the user out, as an
	// admin's Unlock does.
	Unlock bool `json:"unlock,omitempty"`
	// Password is the user's new password.
	Password *string `json:"password,omitempty"`
	// Language is the user's new LanguageLocaleKey, one of
	// store.Languages ("en_US", "nl_NL", "ja", ...): the language of the
	// pages and mails from the next page on.
	Language *string `json:"language,omitempty"`
}

// HandleUpdateUser is PATCH /__mocksf/orgs/{id}/users/{username} with a
// UserChange: changes the user at once and answers it, 200, as the org
// shows its users (OrgUser). An org or user that is unknown, or a user of
// another org, is 404.
func HandleUpdateUser(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		u, err := c.lookupUser(o, mux.Vars(r)["username"])
		if err != nil {
			writeError(w, err)
			return
		}
		var ch UserChange
		if err := decodeJSON(w, r, &ch, false); err != nil {
			writeError(w, err)
			return
		}
		switch {
		case ch.APIEnabled == nil && ch.Active == nil && !ch.Unlock && ch.Password == nil && ch.Language == nil:
			writeError(w, errorf(CodeBadRequest, "nothing to do: give apiEnabled, active, unlock, password or language"))
			return
		case ch.Language != nil && store.CheckLanguage(*ch.Language) != nil:
			writeError(w, errorf(CodeBadRequest, "language %v", store.CheckLanguage(*ch.Language)))
			return
		case ch.Password != nil && *ch.Password == "":
			writeError(w, errorf(CodeBadRequest, "password: want a password, not an empty string"))
			return
		}
		u, err = c.d.Store.UpdateUser(u.ID, func(u *store.User) {
			if ch.APIEnabled != nil {
				u.APIEnabled = *ch.APIEnabled
			}
			if ch.Active != nil {
				u.Active = *ch.Active
			}
			if ch.Password != nil {
				u.Password = *ch.Password
			}
			if ch.Language != nil {
				u.Language = *ch.Language
			}
			if ch.Unlock {
				// What store.Unlock does, in the same change.
				u.FailedLogins = 0
			}
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			writeError(w, errorf(CodeNotFound, "no user %s in org %s", mux.Vars(r)["username"], o.ID))
			return
		case err != nil:
			writeError(w, err)
			return
		}
		c.d.Log.Debug("mocksf control: user changed", "org", o.ID, "username", u.Username)
		writeJSON(w, http.StatusOK, orgUser(u))
	})
}
