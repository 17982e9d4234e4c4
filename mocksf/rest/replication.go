package rest

import (
	"net/http"
	"time"

	"github.com/sfharness/sfharness/mocksf/soql"
)

// Data replication limits (REST API Developer Guide, "sObject Get
// Updated" and "sObject Get Deleted"): how far back the calls reach, and
// how many IDs one answer may hold.
const (
	updatedWindow     = 30 * 24 * time.Hour
	deletedWindow     = 15 * 24 * time.Hour
	maxReplicationIDs = 600000
)

// The replication resources' errors; mocksf words those not captured from
// Salesforce (docs/mocksf-rest.md).
var (
	errStartAfterEnd = errReplicationDate("startDate must chronologically precede endDate by more than one minute")
	errUpdatedTooOld = errReplicationDate("startDate cannot be more than 30 days ago")
	errDeletedTooOld = errReplicationDate("startDate cannot be before earliestDateAvailable")
	errTooManyIDs    = errTooManyRecords(600000)
)

func errMissingParameter(name string) apiError {
	return apiError{Code: "MISSING_ARGUMENT", Message: "Missing required parameter: " + name}
}

func errBadReplicationDate(name, value string) apiError {
	return errReplicationDate("Unable to parse " + name + " parameter as a dateTime: " + value)
}

type deletedRecord struct {
	ID          string `json:"id"`
	DeletedDate string `json:"deletedDate"`
}

// HandleUpdated answers GET /services/data/vXX.X/sobjects/{object}/updated/?start=&end=:
// the IDs of the object's live records whose SystemModstamp falls in the
// window, and latestDateCovered. Seconds of start and end are ignored, as
// Salesforce ignores them; the window ends at the current minute at the
// latest, which latestDateCovered then says.
func HandleUpdated(api *API) http.Handler { return handleReplication(api, false) }

// HandleDeleted answers GET /services/data/vXX.X/sobjects/{object}/deleted/?start=&end=:
// the object's records deleted in the window with their deletedDate,
// earliestDateAvailable (15 days back: mocksf never purges deleted records
// sooner) and latestDateCovered.
func HandleDeleted(api *API) http.Handler { return handleReplication(api, true) }

func handleReplication(api *API, deleted bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		var bounds [2]time.Time
		for i, name := range []string{"start", "end"} {
			value := r.URL.Query().Get(name)
			if value == "" {
				writeError(w, http.StatusBadRequest, errMissingParameter(name))
				return
			}
			t, err := soql.ParseDateTime(value)
			if err != nil {
				writeError(w, http.StatusBadRequest, errBadReplicationDate(name, value))
				return
			}
			bounds[i] = t.Truncate(time.Minute)
		}
		start, end := bounds[0], bounds[1]
		now := api.Store.NowIn(at.OrgID).UTC().Truncate(time.Minute)
		earliest := now.Add(-deletedWindow)
		switch {
		case !start.Before(end):
			writeError(w, http.StatusBadRequest, errStartAfterEnd)
			return
		case !deleted && start.Before(now.Add(-updatedWindow)):
			writeError(w, http.StatusBadRequest, errUpdatedTooOld)
			return
		case deleted && start.Before(earliest):
			writeError(w, http.StatusBadRequest, errDeletedTooOld)
			return
		}
		latest := end
		if now.Before(latest) {
			latest = now
		}
		ids := []string{}
		gone := []deletedRecord{}
		if o.name != "User" {
			for _, rec := range api.Store.RecordSnapshot(at.OrgID, o.name) {
				if rec.IsDeleted != deleted {
					continue
				}
				t := rec.SystemModstamp
				if deleted {
					t = rec.DeletedDate
				}
				if t.IsZero() {
					t = rec.LastModifiedDate
				}
				if t.Before(start) || !t.Before(latest) {
					continue
				}
				if deleted {
					gone = append(gone, deletedRecord{ID: rec.ID, DeletedDate: t.UTC().Format(dateTimeLayout)})
				} else {
					ids = append(ids, rec.ID)
				}
			}
		}
		if len(ids) > maxReplicationIDs || len(gone) > maxReplicationIDs {
			writeError(w, http.StatusBadRequest, errTooManyIDs)
			return
		}
		if deleted {
			writeJSON(w, http.StatusOK, struct {
				DeletedRecords        []deletedRecord `json:"deletedRecords"`
				EarliestDateAvailable string          `json:"earliestDateAvailable"`
				LatestDateCovered     string          `json:"latestDateCovered"`
			}{gone, earliest.Format(dateTimeLayout), latest.Format(dateTimeLayout)})
			return
		}
		writeJSON(w, http.StatusOK, struct {
			IDs               []string `json:"ids"`
			LatestDateCovered string   `json:"latestDateCovered"`
		}{ids, latest.Format(dateTimeLayout)})
	})
}
