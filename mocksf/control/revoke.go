package control

import (
	"net/http"

	"github.com/sfharness/sfharness/mocksf/store"
)

// RevokeRequest is the body of POST /__mocksf/orgs/{id}/revoke: a user of
// the org and the consumer key of one of its connected apps, both
// required.
type RevokeRequest struct {
	Username string `json:"username"`
	ClientID string `json:"clientId"`
	// SessionsOnly revokes only the access tokens, as a session timeout
	// does: refresh tokens and the approval stay.
	SessionsOnly bool `json:"sessionsOnly,omitempty"`
}

// Revoked is the answer to POST /__mocksf/orgs/{id}/revoke: how many
// tokens, refresh and access, were revoked.
type Revoked struct {
	Revoked int `json:"revoked"`
}

// HandleRevoke is POST /__mocksf/orgs/{id}/revoke with a RevokeRequest:
// what an admin's Revoke of the app on the user's detail page does. Every
// refresh token and access token the user holds for the app stops working
// and the approval is forgotten, so the next authorization shows the
// approval page again. The answer is Revoked; an org, user or app that is
// unknown, or a user or app of another org, is 404.
func HandleRevoke(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		var in RevokeRequest
		if err := decodeJSON(w, r, &in, false); err != nil {
			writeError(w, err)
			return
		}
		switch {
		case in.Username == "" && in.ClientID == "":
			writeError(w, errorf(CodeBadRequest, "username and clientId are required"))
			return
		case in.Username == "":
			writeError(w, errorf(CodeBadRequest, "username is required"))
			return
		case in.ClientID == "":
			writeError(w, errorf(CodeBadRequest, "clientId is required"))
			return
		}
		u, err := c.lookupUser(o, in.Username)
		if err != nil {
			writeError(w, err)
			return
		}
		app, err := c.lookupApp(o, in.ClientID)
		if err != nil {
			writeError(w, err)
			return
		}
		var n int
		if in.SessionsOnly {
			n = c.d.Store.ExpireSessions(u.ID, app.ConsumerKey)
		} else {
			n = c.d.Store.RevokeAppAccess(u.ID, app.ConsumerKey)
		}
		c.d.Log.Debug("mocksf control: app access revoked", "org", o.ID, "username", u.Username, "app", app.Name, "tokens", n)
		writeJSON(w, http.StatusOK, Revoked{Revoked: n})
	})
}
