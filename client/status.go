package client

import (
	"net/http"

	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/internal/i18n"
)

// statusJSON is what GET /admin/crm/salesforce/status answers and what the
// page shows; the page's script renders it as is.
type statusJSON struct {
	// Version is the store's Status.Version: the page drops an answer
	// older than what it shows (a POST's answer can arrive after the
	// stream's newer event).
	Version        uint64         `json:"version"`
	Connected      bool           `json:"connected"`
	Connection     string         `json:"connection"`
	Username       string         `json:"username,omitempty"`
	OrganizationID string         `json:"organizationId,omitempty"`
	FieldSync      fieldSyncJSON  `json:"fieldSync"`
	Sync           recordSyncJSON `json:"sync"`
}

type fieldSyncJSON struct {
	// State is one of not_started, running, complete, failed.
	State    string             `json:"state"`
	Text     string             `json:"text"`
	Complete bool               `json:"complete"`
	Objects  []objectFieldsJSON `json:"objects"`
}

type objectFieldsJSON struct {
	Object string `json:"object"`
	Phase  string `json:"phase"`
	Fields int    `json:"fields"`
	Text   string `json:"text"`
}

type recordSyncJSON struct {
	// State is one of not_started, initial, running, failed.
	State     string         `json:"state"`
	Text      string         `json:"text"`
	Counts    map[string]int `json:"counts"`
	LastError string         `json:"lastError"`
	// CanStart reports whether Start Sync may be clicked.
	CanStart bool `json:"canStart"`
}

// buildStatus turns a store snapshot into what the page shows.
// buildStatus's texts are in loc's language.
func buildStatus(st store.Status, loc *i18n.Localizer) statusJSON {
	out := statusJSON{Version: st.Version, Connection: textNotConnected.in(loc)}
	if c := st.Connection; c != nil {
		out.Connected = true
		if c.Identity != nil {
			out.Username = c.Identity.Username
			out.OrganizationID = c.Identity.OrganizationID
		}
		out.Connection = connectedAsText(out.Username).in(loc)
	}

	fields := st.Fields
	if len(fields) == 0 {
		for _, o := range syncjob.Objects {
			fields = append(fields, store.ObjectFields{Object: o, Phase: store.PhaseWaiting})
		}
	}
	fs := fieldSyncJSON{State: "not_started", Text: textFieldSyncWaiting.in(loc)}
	done := 0
	for _, of := range fields {
		fs.Objects = append(fs.Objects, objectFieldsJSON{
			Object: of.Object, Phase: string(of.Phase), Fields: len(of.Fields), Text: fieldPhaseText(of).in(loc),
		})
		switch of.Phase {
		case store.PhaseDone:
			done++
		case store.PhaseFailed:
			if fs.State != "failed" {
				fs.State, fs.Text = "failed", fieldSyncFailedText(of.Err).in(loc)
			}
		}
	}
	switch {
	case fs.State == "failed":
	case out.Connected && done == len(fields):
		fs.State, fs.Text, fs.Complete = "complete", textFieldSyncComplete.in(loc), true
	case out.Connected:
		// Confirmed: the job is describing, or about to start.
		fs.State, fs.Text = "running", textFieldSyncRunning.in(loc)
	}
	out.FieldSync = fs

	rs := recordSyncJSON{State: string(st.Sync.State), Counts: map[string]int{}}
	for _, o := range syncjob.Objects {
		rs.Counts[o] = st.Counts[o]
	}
	switch st.Sync.State {
	case store.SyncInitial:
		rs.Text = textSyncInitial.in(loc)
	case store.SyncRunning:
		rs.Text = textSyncRunning.in(loc)
	case store.SyncFailed:
		rs.Text = syncFailedText(st.Sync.Err).in(loc)
	default:
		rs.State, rs.Text = string(store.SyncNotStarted), textSyncNotStarted.in(loc)
	}
	rs.LastError = describeSyncError(st.Sync.LastError).in(loc)
	rs.CanStart = fs.Complete && (st.Sync.State == store.SyncNotStarted || st.Sync.State == store.SyncFailed || st.Sync.State == "")
	out.Sync = rs
	return out
}

// handleStatus answers the connection and sync status as JSON; the page
// polls it.
func handleStatus(cfg Config, st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			writeJSONError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		writeJSON(w, http.StatusOK, buildStatus(st.Status(), localizer(r)))
	})
}
