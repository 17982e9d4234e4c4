package oauth

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
)

// introspection is the introspection endpoint's answer, fields in
// Salesforce's order (reference §6). An inactive token has only "active".
type introspection struct {
	Active    bool   `json:"active"`
	Scope     string `json:"scope,omitempty"`
	ClientID  string `json:"client_id,omitempty"`
	Username  string `json:"username,omitempty"`
	Sub       string `json:"sub,omitempty"`
	TokenType string `json:"token_type,omitempty"`
	Exp       int64  `json:"exp,omitempty"`
	Iat       int64  `json:"iat,omitempty"`
	Nbf       int64  `json:"nbf,omitempty"`
}

// HandleIntrospect is POST /services/oauth2/introspect (RFC 7662;
// reference §6): token and token_type_hint in a form body, the client by
// HTTP Basic or body with its secret. A token is active for the app it was
// issued to, or for any app of the same org with "Introspect All Tokens".
// A refresh token's exp follows the app's Refresh Token Policy; one valid
// until revoked has none.
func HandleIntrospect(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
		if err := r.ParseForm(); err != nil || mt != "application/x-www-form-urlencoded" {
			writeTokenError(w, tokenErrMalformed)
			return
		}
		app, err := authenticateClient(d, r, secretAlways)
		if err != nil {
			e := tokenErrClient
			if te, ok := errors.AsType[oauthError](err); ok && te == tokenErrClientID {
				e = tokenErrClientID
			}
			writeJSON(w, http.StatusUnauthorized, e.body())
			return
		}
		token := r.PostForm.Get("token")
		if token == "" {
			writeTokenError(w, introspectErrNoToken)
			return
		}
		writeJSON(w, http.StatusOK, d.introspect(app, token, r.PostForm.Get("token_type_hint")))
	})
}

// introspect looks the token up as the hint says first, then as the other
// kind.
func (d Deps) introspect(app store.ConnectedApp, token, hint string) introspection {
	lookups := []func() (introspection, bool){
		func() (introspection, bool) { return d.introspectAccess(app, token) },
		func() (introspection, bool) { return d.introspectRefresh(app, token) },
	}
	if strings.EqualFold(hint, "refresh_token") {
		lookups[0], lookups[1] = lookups[1], lookups[0]
	}
	for _, lookup := range lookups {
		if in, ok := lookup(); ok {
			return in
		}
	}
	return introspection{Active: false}
}

// mayIntrospect reports whether app may learn about a token issued to consumerKey
// for a user of orgID.
func mayIntrospect(app store.ConnectedApp, consumerKey, orgID string) bool {
	return consumerKey == app.ConsumerKey || (app.Policy.IntrospectAll && orgID == app.OrgID)
}

func (d Deps) introspectAccess(app store.ConnectedApp, token string) (introspection, bool) {
	at, err := d.Store.PeekAccessToken(token)
	if err != nil || !mayIntrospect(app, at.ConsumerKey, at.OrgID) {
		return introspection{}, false
	}
	u, err := d.activeUser(at.UserID)
	if err != nil {
		return introspection{Active: false}, true
	}
	return introspection{
		Active: true, Scope: strings.Join(at.Scopes, " "), ClientID: at.ConsumerKey, Username: u.Username,
		Sub: d.identityURL(u.OrgID, u.ID), TokenType: "access_token",
		Exp: d.Store.SessionExpiry(at).Unix(), Iat: at.IssuedAt.Unix(), Nbf: at.IssuedAt.Unix(),
	}, true
}

func (d Deps) introspectRefresh(app store.ConnectedApp, token string) (introspection, bool) {
	rt, err := d.Store.LookupRefreshToken(token)
	if err != nil || !mayIntrospect(app, rt.ConsumerKey, rt.OrgID) {
		return introspection{}, false
	}
	owner, err := d.Store.AppByKey(rt.ConsumerKey)
	if err != nil || owner.Policy.Refresh.Expired(rt, d.Store.NowIn(rt.OrgID)) {
		return introspection{Active: false}, true
	}
	u, err := d.activeUser(rt.UserID)
	if err != nil {
		return introspection{Active: false}, true
	}
	in := introspection{
		Active: true, Scope: strings.Join(rt.Scopes, " "), ClientID: rt.ConsumerKey, Username: u.Username,
		Sub: d.identityURL(u.OrgID, u.ID), TokenType: "refresh_token",
		Iat: rt.IssuedAt.Unix(), Nbf: rt.IssuedAt.Unix(),
	}
	switch p := owner.Policy.Refresh; p.Mode {
	case store.RefreshIdle:
		in.Exp = rt.LastUsed.Add(p.For).Unix()
	case store.RefreshAbsolute:
		in.Exp = rt.IssuedAt.Add(p.For).Unix()
	}
	return in, true
}
