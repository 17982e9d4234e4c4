package control

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// AppChange is the body of PATCH
// /__mocksf/orgs/{id}/connectedApps/{consumerKey} and of PATCH
// /__mocksf/orgs/{id}/externalClientApps/{consumerKey}: any of its
// fields, at least one. Flows and DistributionState are an External
// Client App's only.
type AppChange struct {
	// ActivationDelay is a Go duration ("10m", "0s"): the app was just
	// created, so it answers invalid_client_id for that long, by mocksf's
	// clock, as a new app does while Salesforce propagates it.
	ActivationDelay *string `json:"activationDelay,omitempty"`
	// Blocked blocks (true) or unblocks (false) the app, as Connected Apps
	// OAuth Usage does: every flow then fails with OAUTH_APP_BLOCKED.
	Blocked *bool `json:"blocked,omitempty"`
	// CallbackURLs replace the app's callback URLs; at least one.
	CallbackURLs []string `json:"callbackUrls,omitempty"`
	// RequirePKCE is "Require Proof Key for Code Exchange (PKCE)".
	RequirePKCE *bool `json:"requirePkce,omitempty"`
	// RefreshTokenRotation is "Enable Refresh Token Rotation".
	RefreshTokenRotation *bool `json:"refreshTokenRotation,omitempty"`
	// Flows replace an External Client App's enabled optional flows
	// (store.FlowNames); [] disables them all. It has no omitempty so
	// that a Go caller's empty list is sent: nil is sent as null, which
	// means no change.
	Flows []string `json:"flows"`
	// DistributionState is an External Client App's Local or Packaged.
	DistributionState *string `json:"distributionState,omitempty"`
}

// HandleUpdateApp is PATCH /__mocksf/orgs/{id}/connectedApps/{consumerKey}
// with an AppChange: changes the app at once and answers it, 200, as the
// org shows its apps (OrgApp). An org or app that is unknown, an app of
// another org, or an External Client App, is 404.
func HandleUpdateApp(c *API) http.Handler { return handleUpdateApp(c, false) }

// HandleUpdateExternalClientApp is PATCH
// /__mocksf/orgs/{id}/externalClientApps/{consumerKey} with an AppChange,
// flows and distributionState allowed: HandleUpdateApp for an External
// Client App. A connected app's key is 404 here.
func HandleUpdateExternalClientApp(c *API) http.Handler { return handleUpdateApp(c, true) }

// handleUpdateApp is the PATCH of one kind of app (external: External
// Client Apps).
func handleUpdateApp(c *API, external bool) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		key := mux.Vars(r)["consumerKey"]
		if _, err := c.lookupAppOfKind(o, key, external); err != nil {
			writeError(w, err)
			return
		}
		var ch AppChange
		if err := decodeJSON(w, r, &ch, false); err != nil {
			writeError(w, err)
			return
		}
		delay, err := ch.validate(external)
		if err != nil {
			writeError(w, err)
			return
		}
		now := c.d.Store.NowIn(o.ID)
		app, err := c.d.Store.UpdateApp(key, func(a *store.ConnectedApp) {
			if delay != nil {
				a.Policy.ActivationDelay = delay
				a.CreatedAt = now
			}
			if ch.Blocked != nil {
				a.Policy.Blocked = *ch.Blocked
			}
			if ch.CallbackURLs != nil {
				a.CallbackURLs = append([]string(nil), ch.CallbackURLs...)
			}
			if ch.RequirePKCE != nil {
				a.Policy.RequirePKCE = *ch.RequirePKCE
			}
			if ch.RefreshTokenRotation != nil {
				a.Policy.RotateRefreshTokens = *ch.RefreshTokenRotation
			}
			if ch.Flows != nil {
				// validate checked the names.
				_ = a.Policy.SetFlows(ch.Flows)
			}
			if ch.DistributionState != nil {
				a.DistributionState = *ch.DistributionState
			}
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			// Deleted since the lookup.
			writeError(w, errorf(CodeNotFound, "no %s with consumer key %s in org %s", kindName(external), key, o.ID))
			return
		case err != nil:
			writeError(w, errorf(CodeBadRequest, "%v", err))
			return
		}
		c.d.Log.Debug("mocksf control: app changed", "org", o.ID, "app", app.Name, "kind", kindName(external))
		writeJSON(w, http.StatusOK, orgApp(app))
	})
}

// validate checks a change of an app (external: an External Client App)
// and returns its activation delay, if any.
func (ch AppChange) validate(external bool) (*time.Duration, error) {
	bad := func(format string, args ...any) error { return errorf(CodeBadRequest, format, args...) }
	if ch.ActivationDelay == nil && ch.Blocked == nil && ch.CallbackURLs == nil && ch.RequirePKCE == nil && ch.RefreshTokenRotation == nil &&
		ch.Flows == nil && ch.DistributionState == nil {
		if external {
			return nil, bad("nothing to do: give activationDelay, blocked, callbackUrls, requirePkce, refreshTokenRotation, flows or distributionState")
		}
		return nil, bad("nothing to do: give activationDelay, blocked, callbackUrls, requirePkce or refreshTokenRotation")
	}
	if !external && ch.Flows != nil {
		return nil, bad("flows: only an External Client App has flows; PATCH it under externalClientApps")
	}
	if !external && ch.DistributionState != nil {
		return nil, bad("distributionState: only an External Client App has one; PATCH it under externalClientApps")
	}
	if errs := store.FlowErrors(ch.Flows); len(errs) > 0 {
		return nil, bad("%v", errs[0])
	}
	if ch.DistributionState != nil {
		if err := store.CheckDistributionState(*ch.DistributionState); err != nil {
			return nil, bad("%v", err)
		}
	}
	var delay *time.Duration
	if ch.ActivationDelay != nil {
		d, err := time.ParseDuration(*ch.ActivationDelay)
		if err != nil || d < 0 {
			return nil, bad("activationDelay %q: want a Go duration such as 10m, or 0s", *ch.ActivationDelay)
		}
		delay = &d
	}
	if ch.CallbackURLs != nil && len(ch.CallbackURLs) == 0 {
		return nil, bad("callbackUrls: give at least one URL, as Setup requires")
	}
	for i, raw := range ch.CallbackURLs {
		// Setup's rule: a scheme, a host for http and https, no spaces.
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "" || (u.Host == "" && (u.Scheme == "http" || u.Scheme == "https")) || strings.ContainsAny(raw, " \t") {
			return nil, bad("callbackUrls[%d] %q: want an absolute URL such as http://127.0.0.1:9000/callback or myapp://done", i, raw)
		}
	}
	return delay, nil
}
