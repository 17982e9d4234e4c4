package rest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

type tokenKey struct{}

// TokenFrom returns the access token RequireSession authenticated the
// request with.
func TokenFrom(ctx context.Context) (store.AccessToken, bool) {
	at, ok := ctx.Value(tokenKey{}).(store.AccessToken)
	return at, ok
}

// routeObject is what most resources start with: the session's token,
// its org's schema and the object the route's {object} names. An object
// the org does not have is answered 404 NOT_FOUND, and ok is false.
func (api *API) routeObject(w http.ResponseWriter, r *http.Request) (at store.AccessToken, schema *orgSchema, o *sobject, ok bool) {
	at, _ = TokenFrom(r.Context())
	schema = api.schemaOf(at.OrgID)
	if o, ok = schema.object(mux.Vars(r)["object"]); !ok {
		writeError(w, http.StatusNotFound, errNotFound)
	}
	return at, schema, o, ok
}

// RequireSession is the middleware in front of every versioned resource.
// It accepts "Authorization: Bearer <token>" (and the older "OAuth
// <token>"), and answers as Salesforce does when it cannot: 401
// INVALID_AUTH_HEADER for another scheme, 401 INVALID_SESSION_ID for a
// missing, unknown, expired or revoked token, one of an inactive user or
// org, or one without the api or full scope ("This session is not valid
// for use with the REST API"), 403 API_DISABLED_FOR_ORG when the org's
// edition or the user has no API access. Requests that pass count against
// the org's daily API allocation, reported in the Sforce-Limit-Info
// header of every answer from then on; once it is used up the answer is
// 403 REQUEST_LIMIT_EXCEEDED. A version outside 20.0 to the org's newest
// is 404 NOT_FOUND.
func RequireSession(api *API) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			at, status, apiErr := authenticate(api.Store, r.Header.Get("Authorization"))
			if status != 0 {
				writeError(w, status, apiErr)
				return
			}
			// A token is a session of its own org, on its instance host:
			// the login host and another org's host do not know it.
			if api.Hosts != nil {
				hostOrg, onInstance := api.Hosts.At(r.Host)
				if (!onInstance && !api.APIOnLoginHost) || (hostOrg != "" && hostOrg != at.OrgID) {
					writeError(w, http.StatusUnauthorized, errSessionInvalid)
					return
				}
			}
			// A Composite subrequest is part of its request's one API call.
			if !inSubrequest(r.Context()) {
				usage, err := api.Store.CountAPIRequest(at.OrgID)
				w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", usage.Used, usage.Max))
				switch {
				case errors.Is(err, store.ErrRequestLimitExceeded):
					writeError(w, http.StatusForbidden, errLimitExceeded)
					return
				case err != nil:
					// The org went away between the token check and now.
					writeError(w, http.StatusUnauthorized, errSessionInvalid)
					return
				}
			}
			// The version is checked after the session, so a client with a
			// dead token learns that first and refreshes.
			if v, ok := parseVersion(strings.TrimPrefix(mux.Vars(r)["version"], "v")); !ok || !v.served(api.orgNewestVersion(at.OrgID)) {
				writeError(w, http.StatusNotFound, errNotFound)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), tokenKey{}, at)))
		})
	}
}

// authenticate checks an Authorization header; a non-zero status is the
// failure to answer with.
func authenticate(st *store.Store, header string) (store.AccessToken, int, apiError) {
	header = strings.TrimSpace(header)
	if header == "" {
		return store.AccessToken{}, http.StatusUnauthorized, errSessionInvalid
	}
	scheme, token, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") && !strings.EqualFold(scheme, "OAuth") {
		return store.AccessToken{}, http.StatusUnauthorized, errAuthHeader
	}
	token = strings.TrimSpace(token)
	if token == "" {
		return store.AccessToken{}, http.StatusUnauthorized, errSessionInvalid
	}
	at, user, org, err := st.UseAccessToken(token)
	if err != nil {
		return store.AccessToken{}, http.StatusUnauthorized, errSessionInvalid
	}
	if !slices.Contains(at.Scopes, "api") && !slices.Contains(at.Scopes, "full") {
		return store.AccessToken{}, http.StatusUnauthorized, errSessionNotForAPI
	}
	// Salesforce answers the per-user case with the org's message too
	// (docs §14).
	if !org.APIEnabled() || !user.APIEnabled {
		return store.AccessToken{}, http.StatusForbidden, errAPIDisabled
	}
	return at, 0, apiError{}
}
