package client

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/internal/i18n"
)

// salesforcePage is the data of the Sync with Salesforce page.
type salesforcePage struct {
	pageBase
	FeatureEnabled bool
	// FeatureDisabledMessage explains how to get the OAuth feature.
	FeatureDisabledMessage string
	// Errors are problems with the typed credentials.
	Errors []string
	// Message is a one-time notice, such as "Credentials saved."
	Message string
	// ConsumerKey is the typed or saved Consumer Key.
	ConsumerKey    string
	HasCredentials bool
	MaskedSecret   string
	CallbackURL    string
	// PopupClosedMessage is shown when the login pop-up closes without a
	// result, as when Salesforce showed an error page in it.
	PopupClosedMessage string
	Objects            []string
	Status             statusJSON
	// ClientCredentials selects "Integration user (client credentials
	// flow)" in the connection type choice, rather than the user login.
	ClientCredentials bool
	// MyDomainURL is the typed or connected My Domain URL of the client
	// credentials flow.
	MyDomainURL string
	// StatusPollMS and PopupGraceMS are Config.StatusPoll and
	// Config.PopupGrace in milliseconds, for the page's script.
	StatusPollMS int64
	PopupGraceMS int64
}

func newSalesforcePage(cfg Config, st *store.Store, csrf string, loc *i18n.Localizer) salesforcePage {
	d := salesforcePage{
		pageBase:               pageBase{Title: loc.MustT("sf.title"), Nav: "crm", CSRFToken: csrf},
		FeatureEnabled:         cfg.OAuthFeature,
		FeatureDisabledMessage: msgFeatureDisabled.in(loc),
		CallbackURL:            cfg.BaseURL + callbackPath,
		PopupClosedMessage:     msgPopupClosed.in(loc),
		Objects:                syncjob.Objects,
		Status:                 buildStatus(st.Status(), loc),
		StatusPollMS:           pageMillis(cfg.StatusPoll),
		PopupGraceMS:           pageMillis(cfg.PopupGrace),
	}
	if c, ok := st.Credentials(); ok {
		d.HasCredentials = true
		d.ConsumerKey = c.ConsumerKey
		d.MaskedSecret = c.MaskedSecret()
	}
	if c, ok := st.Connection(); ok && c.Flow == store.FlowClientCredentials {
		d.ClientCredentials, d.MyDomainURL = true, c.MyDomainURL
	}
	return d
}

// handleSalesforcePage shows the Sync with Salesforce page.
func handleSalesforcePage(cfg Config, st *store.Store, ss *sessions, p *pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loc := localizer(r)
		d := newSalesforcePage(cfg, st, ss.ensure(w, r), loc)
		if f := ss.takeFlash(r); f.isError {
			d.Errors = []string{f.msg.in(loc)}
		} else {
			d.Message = f.msg.in(loc)
		}
		p.render(w, r, http.StatusOK, "salesforce.html", d)
	})
}

// handleSaveCredentials saves the connected app's Consumer Key and
// Consumer Secret typed in the page's form. With the client credentials
// connection type chosen, the form connects instead, as its Connect button
// does: the Enter key submits the form through its first button, Save.
func handleSaveCredentials(cfg Config, st *store.Store, ss *sessions, p *pages, j *jobs) http.Handler {
	connect := handleConnectClientCredentials(cfg, st, ss, p, j)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			p.renderError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		if r.PostForm.Get("connectionType") == connectionClientCredentials {
			connect.ServeHTTP(w, r)
			return
		}
		creds, problems := validateCredentials(r.PostForm.Get("consumerKey"), r.PostForm.Get("consumerSecret"))
		if len(problems) > 0 {
			loc := localizer(r)
			d := newSalesforcePage(cfg, st, ss.ensure(w, r), loc)
			d.Errors = inAll(loc, problems)
			// Keep what was typed, except the secret.
			d.ConsumerKey = creds.ConsumerKey
			p.render(w, r, http.StatusUnprocessableEntity, "salesforce.html", d)
			return
		}
		if err := st.SaveCredentials(creds); err != nil {
			cfg.Logger.Error("cannot save the credentials", "err", err)
			p.renderError(w, r, http.StatusInternalServerError, storageErrorMessage(err))
			return
		}
		j.credentialsChanged(creds)
		cfg.Logger.Info("salesforce credentials saved")
		ss.setFlash(r, flash{msg: msgCredentialsSaved})
		http.Redirect(w, r, "/admin/crm/salesforce", http.StatusSeeOther)
	})
}

// pendingJSON describes the Salesforce user of the login waiting for
// confirmation.
type pendingJSON struct {
	Username       string `json:"username"`
	OrganizationID string `json:"organizationId"`
	UserID         string `json:"userId"`
	DisplayName    string `json:"displayName"`
	InstanceURL    string `json:"instanceUrl"`
}

// pendingIdentity returns who the pending connection logged in as, reading
// the identity URL the first time.
func pendingIdentity(ctx context.Context, cfg Config, st *store.Store) (store.Connection, error) {
	conn, ok := st.Pending()
	if !ok {
		return conn, errNoPending
	}
	if conn.Identity != nil {
		return conn, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	id, err := salesforce.FetchIdentity(ctx, cfg.HTTPClient, conn.IdentityURL, conn.Token.AccessToken)
	if err != nil {
		cfg.Logger.Warn("identity lookup failed", "err", err)
		return conn, err
	}
	ident := store.Identity{
		Username: id.Username, OrganizationID: id.OrganizationID, UserID: id.UserID, DisplayName: id.DisplayName,
	}
	if err := st.SetPendingIdentity(conn.Token.AccessToken, ident); err != nil {
		cfg.Logger.Error("cannot store the identity", "err", err)
		return conn, err
	}
	conn.Identity = &ident
	return conn, nil
}

var errNoPending = errors.New("client: no pending connection")

// handlePending answers who the pending login belongs to, for the
// confirmation dialog.
func handlePending(cfg Config, st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			writeJSONError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		conn, err := pendingIdentity(r.Context(), cfg, st)
		if err != nil {
			status := http.StatusBadGateway
			if errors.Is(err, errNoPending) {
				status = http.StatusNotFound
			}
			writeJSON(w, status, errorJSON{Error: identityErrorMessage(err).in(localizer(r))})
			return
		}
		writeJSON(w, http.StatusOK, pendingJSON{
			Username:       conn.Identity.Username,
			OrganizationID: conn.Identity.OrganizationID,
			UserID:         conn.Identity.UserID,
			DisplayName:    conn.Identity.DisplayName,
			InstanceURL:    conn.InstanceURL,
		})
	})
}

// actionJSON is the answer to the page's actions: a notice and the new
// status.
type actionJSON struct {
	Message string     `json:"message"`
	Status  statusJSON `json:"status"`
}

// handleConfirm confirms the pending login: it becomes the connection and
// the field sync starts.
func handleConfirm(cfg Config, st *store.Store, j *jobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		loc := localizer(r)
		if !cfg.OAuthFeature {
			writeJSON(w, http.StatusForbidden, errorJSON{Error: msgFeatureDisabled.in(loc)})
			return
		}
		creds, ok := st.Credentials()
		if !ok {
			writeJSON(w, http.StatusConflict, errorJSON{Error: msgNoCredentials.in(loc)})
			return
		}
		if status, m := confirmPending(r.Context(), cfg, st, j, creds); !m.isZero() {
			writeJSON(w, status, errorJSON{Error: m.in(loc)})
			return
		}
		writeJSON(w, http.StatusOK, actionJSON{Message: msgConfirmed.in(loc), Status: buildStatus(st.Status(), loc)})
	})
}

// confirmPending makes the pending connection the active one with creds, as
// Confirm Credentials does: it reads who the connection belongs to from its
// identity URL, then starts the field sync. On failure it returns the HTTP
// status and what the admin reads; the pending connection may remain.
func confirmPending(ctx context.Context, cfg Config, st *store.Store, j *jobs, creds store.Credentials) (status int, m message) {
	if _, err := pendingIdentity(ctx, cfg, st); err != nil {
		status := http.StatusBadGateway
		if errors.Is(err, errNoPending) {
			status = http.StatusNotFound
		}
		return status, identityErrorMessage(err)
	}
	conn, ok, err := st.TakePending()
	if err != nil {
		cfg.Logger.Error("cannot take the pending connection", "err", err)
		return http.StatusInternalServerError, storageErrorMessage(err)
	}
	if !ok || conn.Identity == nil {
		return http.StatusNotFound, msgNoPending
	}
	conn.ConnectedAt = time.Now()
	if err := j.connect(conn, creds); err != nil {
		cfg.Logger.Error("cannot store the connection", "err", err)
		j.revoke(conn)
		return http.StatusInternalServerError, storageErrorMessage(err)
	}
	cfg.Logger.Info("salesforce connection confirmed", "org", conn.Identity.OrganizationID, "flow", conn.Flow)
	return http.StatusOK, message{}
}

// handleCancel discards the pending login and revokes its tokens.
func handleCancel(cfg Config, st *store.Store, j *jobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			writeJSONError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		conn, ok, err := st.TakePending()
		if err != nil {
			cfg.Logger.Error("cannot take the pending connection", "err", err)
			writeJSONError(w, r, http.StatusInternalServerError, storageErrorMessage(err))
			return
		}
		if !ok {
			writeJSONError(w, r, http.StatusNotFound, msgNoPending)
			return
		}
		j.revoke(conn)
		cfg.Logger.Info("pending salesforce login cancelled")
		writeJSON(w, http.StatusOK, actionJSON{Message: msgCancelled.in(localizer(r)), Status: buildStatus(st.Status(), localizer(r))})
	})
}

// revocableToken picks the token whose revocation ends conn: the refresh
// token, which takes its access tokens along, else the access token.
func revocableToken(conn store.Connection) string {
	if conn.Token == nil {
		return ""
	}
	if conn.Token.RefreshToken != "" {
		return conn.Token.RefreshToken
	}
	return conn.Token.AccessToken
}

// handleStartSync starts the record sync.
func handleStartSync(cfg Config, st *store.Store, j *jobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			writeJSONError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		switch err := j.startRecordSync(); {
		case errors.Is(err, errNotConnected):
			writeJSONError(w, r, http.StatusConflict, msgNotConnected)
		case errors.Is(err, errFieldSyncNotDone):
			writeJSONError(w, r, http.StatusConflict, msgFieldSyncBusy)
		case err != nil:
			cfg.Logger.Error("cannot start the record sync", "err", err)
			writeJSONError(w, r, http.StatusInternalServerError, storageErrorMessage(err))
		default:
			cfg.Logger.Info("record sync started")
			writeJSON(w, http.StatusAccepted, actionJSON{Message: msgSyncStarted.in(localizer(r)), Status: buildStatus(st.Status(), localizer(r))})
		}
	})
}

// handleDisconnect revokes Beacon's refresh token at Salesforce, forgets
// the connection and stops the sync. The page posts it as a form; the
// answer is a redirect back with a notice, or JSON for a script.
func handleDisconnect(cfg Config, st *store.Store, ss *sessions, p *pages, j *jobs) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			p.renderError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		ok, revokeErr, err := j.disconnect(r.Context())
		switch {
		case err != nil:
			cfg.Logger.Error("cannot forget the connection", "err", err)
			p.renderError(w, r, http.StatusInternalServerError, storageErrorMessage(err))
			return
		case !ok:
			p.renderError(w, r, http.StatusConflict, msgNotConnected)
			return
		}
		cfg.Logger.Info("salesforce connection disconnected", "revoked", revokeErr == nil)
		m, isError := msgDisconnected, false
		if revokeErr != nil {
			m, isError = disconnectedNotRevokedMessage(revokeErr), true
		}
		if wantsJSON(r) {
			if isError {
				writeJSONError(w, r, http.StatusBadGateway, m)
				return
			}
			writeJSON(w, http.StatusOK, actionJSON{Message: m.in(localizer(r)), Status: buildStatus(st.Status(), localizer(r))})
			return
		}
		ss.setFlash(r, flash{msg: m, isError: isError})
		http.Redirect(w, r, "/admin/crm/salesforce", http.StatusSeeOther)
	})
}
