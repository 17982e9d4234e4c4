package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/internal/defaults"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Bulk API 2.0 (Bulk API 2.0 and Bulk API Developer Guide): ingest jobs
// under /jobs/ingest (API 41.0 and later) and query jobs under
// /jobs/query (47.0 and later). A job's work is done when it is closed
// (ingest) or created (query), through the same record checks and query
// engine as the REST resources, so results match theirs; the states a
// client polls move on mocksf's clock: UploadComplete, then InProgress
// after BulkSettings.QueueDelay, then JobComplete (or Failed) after
// ProcessingDelay more.

// BulkSettings configures the Bulk API 2.0 resources. Zero values take
// the documented defaults (docs/mocksf-rest.md, "Bulk API 2.0").
type BulkSettings struct {
	// QueueDelay is how long a closed job stays UploadComplete before it
	// reads InProgress; default 0.
	QueueDelay time.Duration
	// ProcessingDelay is how long a job reads InProgress before
	// JobComplete or Failed; default 0, so a client's first poll sees
	// the outcome.
	ProcessingDelay time.Duration
	// MaxUploadBytes bounds the CSV of one ingest job; default 32 MiB
	// (Salesforce allows 150 MB).
	MaxUploadBytes int64
	// MaxJobs caps an org's jobs, ingest and query together, until some
	// are deleted; default 500.
	MaxJobs int
	// MaxStoredBytes caps the bytes an org's jobs keep (uploaded CSV and
	// results); default 128 MiB.
	MaxStoredBytes int64
	// QueryPageSize is how many records a page of query job results has
	// when the request gives no maxRecords; default 50,000.
	QueryPageSize int
}

// Bulk API defaults.
const (
	defaultBulkMaxUpload     = 32 << 20
	defaultBulkMaxJobs       = 500
	defaultBulkMaxStored     = 128 << 20
	defaultBulkQueryPageSize = 50000
	// bulkListPageSize is how many jobs a page of Get All Jobs lists, as
	// Salesforce's does.
	bulkListPageSize = 1000
	// maxBulkJobBody bounds the JSON body of a job request.
	maxBulkJobBody = 64 << 10
)

func (b BulkSettings) withDefaults() BulkSettings {
	defaults.Positive(&b.MaxUploadBytes, defaultBulkMaxUpload)
	defaults.Positive(&b.MaxJobs, defaultBulkMaxJobs)
	defaults.Positive(&b.MaxStoredBytes, defaultBulkMaxStored)
	defaults.Positive(&b.QueryPageSize, defaultBulkQueryPageSize)
	return b
}

func (b BulkSettings) limits() store.BulkLimits {
	return store.BulkLimits{MaxJobs: b.MaxJobs, MaxBytes: b.MaxStoredBytes}
}

// Job kinds, as the store keeps them, and the jobType Salesforce reports.
const (
	kindIngest = "ingest"
	kindQuery  = "query"
)

// Job states (Bulk API 2.0 guide, "Job States").
const (
	stateOpen           = "Open"
	stateUploadComplete = "UploadComplete"
	stateInProgress     = "InProgress"
	stateJobComplete    = "JobComplete"
	stateFailed         = "Failed"
	stateAborted        = "Aborted"
)

// First API versions of the job resources.
const (
	bulkIngestVersion = 41
	bulkQueryVersion  = 47
)

// bulkJob is what mocksf keeps of a job, the Data of its store.BulkJob.
// It is a value: an update stores a changed copy, and the byte slices it
// holds are never written once stored.
type bulkJob struct {
	kind            string
	operation       string
	object          string
	externalIDField string
	query           string
	columnDelimiter string
	lineEnding      string
	apiVersion      apiVersion
	createdByID     string
	createdDate     time.Time

	// state is Open, Aborted, or for a closed job the outcome
	// (JobComplete or Failed), which reads UploadComplete, then
	// InProgress, until doneAt.
	state     string
	closedAt  time.Time
	modstamp  time.Time
	errorText string

	processed, failed int

	// upload is an ingest job's CSV, until it is processed.
	upload   []byte
	uploaded bool
	// Ingest results: CSV documents with their header rows.
	successful, failedRows, unprocessed []byte

	// A query job's result: the header row, then the records, each
	// starting at the offset rowStarts gives.
	result    []byte
	rowStarts []int
}

// size is what the job keeps, counted against the org's cap.
func (j bulkJob) size() int64 {
	return int64(len(j.query) + len(j.upload) + len(j.successful) + len(j.failedRows) + len(j.unprocessed) +
		len(j.result) + 8*len(j.rowStarts) + 512)
}

// stateAt is the state a client sees at now.
func (j bulkJob) stateAt(s BulkSettings, now time.Time) string {
	if j.state == stateOpen || j.state == stateAborted {
		return j.state
	}
	switch {
	case now.Before(j.closedAt.Add(s.QueueDelay)):
		return stateUploadComplete
	case now.Before(j.closedAt.Add(s.QueueDelay + s.ProcessingDelay)):
		return stateInProgress
	}
	return j.state
}

// finished reports whether the job's outcome is visible at now.
func (j bulkJob) finished(s BulkSettings, now time.Time) bool {
	switch j.stateAt(s, now) {
	case stateJobComplete, stateFailed, stateAborted:
		return true
	}
	return false
}

// bulkTime is how the Bulk API writes its dates: 2024-01-03T23:52:01.000+0000.
const bulkTimeLayout = "2006-01-02T15:04:05.000-0700"

// jsonVersion writes an API version as a JSON number, 58.0.
type jsonVersion apiVersion

func (v jsonVersion) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor)), nil
}

// jobInfo is a job as the API shows it. Fields with omitempty appear in
// some answers only (detail says which).
type jobInfo struct {
	ID                      string      `json:"id"`
	Operation               string      `json:"operation"`
	Object                  string      `json:"object"`
	CreatedByID             string      `json:"createdById"`
	CreatedDate             string      `json:"createdDate"`
	SystemModstamp          string      `json:"systemModstamp"`
	State                   string      `json:"state"`
	ExternalIDFieldName     string      `json:"externalIdFieldName,omitempty"`
	ConcurrencyMode         string      `json:"concurrencyMode"`
	ContentType             string      `json:"contentType"`
	APIVersion              jsonVersion `json:"apiVersion"`
	JobType                 string      `json:"jobType,omitempty"`
	ContentURL              string      `json:"contentUrl,omitempty"`
	LineEnding              string      `json:"lineEnding"`
	ColumnDelimiter         string      `json:"columnDelimiter"`
	ErrorMessage            string      `json:"errorMessage,omitempty"`
	NumberRecordsProcessed  *int        `json:"numberRecordsProcessed,omitempty"`
	NumberRecordsFailed     *int        `json:"numberRecordsFailed,omitempty"`
	Retries                 *int        `json:"retries,omitempty"`
	TotalProcessingTime     *int        `json:"totalProcessingTime,omitempty"`
	APIActiveProcessingTime *int        `json:"apiActiveProcessingTime,omitempty"`
	ApexProcessingTime      *int        `json:"apexProcessingTime,omitempty"`
	IsPkChunkingSupported   *bool       `json:"isPkChunkingSupported,omitempty"`
}

// Views of a job: the answer to create, close and abort (the job's
// settings), a row of Get All Jobs (with jobType), and Get Job Info
// (with counts and timings).
const (
	viewCreate = iota
	viewList
	viewDetail
)

func (api *API) jobInfo(id string, j bulkJob, view int, now time.Time) jobInfo {
	s := api.bulk()
	info := jobInfo{
		ID: id, Operation: j.operation, Object: j.object, CreatedByID: j.createdByID,
		CreatedDate: j.createdDate.UTC().Format(bulkTimeLayout), SystemModstamp: j.modstamp.UTC().Format(bulkTimeLayout),
		State: j.stateAt(s, now), ExternalIDFieldName: j.externalIDField, ConcurrencyMode: "Parallel", ContentType: "CSV",
		APIVersion: jsonVersion(j.apiVersion), LineEnding: j.lineEnding, ColumnDelimiter: j.columnDelimiter,
	}
	if j.kind == kindIngest && view == viewCreate {
		info.ContentURL = "services/data/v" + j.apiVersion.String() + "/jobs/ingest/" + id + "/batches"
	}
	if view == viewCreate {
		return info
	}
	info.JobType = "V2Ingest"
	if j.kind == kindQuery {
		info.JobType = "V2Query"
	}
	if view == viewList {
		return info
	}
	finished := j.finished(s, now)
	processed, failed, zero := 0, 0, 0
	if finished {
		processed, failed = j.processed, j.failed
	}
	took := 0
	if finished && j.state != stateAborted {
		took = int((s.QueueDelay + s.ProcessingDelay).Milliseconds())
	}
	info.NumberRecordsProcessed, info.Retries, info.TotalProcessingTime = &processed, &zero, &took
	if j.kind == kindQuery {
		pk := false
		info.IsPkChunkingSupported = &pk
		return info
	}
	if info.State == stateFailed {
		info.ErrorMessage = j.errorText
	}
	info.NumberRecordsFailed, info.APIActiveProcessingTime, info.ApexProcessingTime = &failed, &took, &zero
	return info
}

func (api *API) bulk() BulkSettings { return api.Bulk.withDefaults() }

// bulkRoute checks what every job resource shares: the version serves
// the kind's resources (an older one is 404 NOT_FOUND, as for any
// resource a version does not have).
func bulkRoute(w http.ResponseWriter, r *http.Request, kind string) (store.AccessToken, apiVersion, bool) {
	at, _ := TokenFrom(r.Context())
	v, _ := parseVersion(strings.TrimPrefix(mux.Vars(r)["version"], "v"))
	first := bulkIngestVersion
	if kind == kindQuery {
		first = bulkQueryVersion
	}
	if v.major < first {
		writeError(w, http.StatusNotFound, errNotFound)
		return at, v, false
	}
	return at, v, true
}

// loadJob finds the route's {jobId} among the org's jobs of a kind; an
// unknown ID, or one of the other kind, is 404 NOT_FOUND.
func (api *API) loadJob(w http.ResponseWriter, r *http.Request, kind string) (store.AccessToken, store.BulkJob, bulkJob, bool) {
	at, _, ok := bulkRoute(w, r, kind)
	if !ok {
		return at, store.BulkJob{}, bulkJob{}, false
	}
	sj, err := api.Store.BulkJob(at.OrgID, mux.Vars(r)["jobId"])
	if err != nil || sj.Kind != kind {
		writeError(w, http.StatusNotFound, errNotFound)
		return at, store.BulkJob{}, bulkJob{}, false
	}
	return at, sj, sj.Data.(bulkJob), true
}

// HandleBulkJob answers /services/data/vXX.X/jobs/{ingest|query}/{jobId}:
// GET is the job's info, PATCH {"state":...} closes or aborts it, DELETE
// deletes it and what it keeps (204).
func HandleBulkJob(api *API, kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, sj, j, ok := api.loadJob(w, r, kind)
		if !ok {
			return
		}
		now := api.Store.NowIn(at.OrgID)
		switch r.Method {
		case http.MethodPatch:
			api.changeJobState(w, r, at, sj)
		case http.MethodDelete:
			err := api.Store.DeleteBulkJob(at.OrgID, sj.ID, func(data any) error {
				// Salesforce deletes a job only once it is closed.
				if data.(bulkJob).stateAt(api.bulk(), now) == stateOpen {
					return errBulkState(sj.ID, stateOpen)
				}
				return nil
			})
			if writeBulkError(w, err) {
				return
			}
			w.WriteHeader(http.StatusNoContent)
		default:
			writeJSON(w, http.StatusOK, api.jobInfo(sj.ID, j, viewDetail, now))
		}
	})
}

// changeJobState is PATCH of a job: {"state":"UploadComplete"} closes an
// Open ingest job and processes its data; {"state":"Aborted"} aborts a
// job that has not finished.
func (api *API) changeJobState(w http.ResponseWriter, r *http.Request, at store.AccessToken, sj store.BulkJob) {
	var body struct {
		State *string `json:"state"`
	}
	if e := readBulkJSON(r, &body); e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	s := api.bulk()
	want := ""
	if body.State != nil {
		want = *body.State
	}
	switch {
	case want == stateAborted:
		now := api.Store.NowIn(at.OrgID)
		updated, err := api.Store.UpdateBulkJob(at.OrgID, sj.ID, s.limits(), func(data any) (any, int64, error) {
			j := data.(bulkJob)
			if j.finished(s, now) {
				return nil, 0, errBulkState(sj.ID, j.stateAt(s, now))
			}
			if j.state == stateOpen && j.uploaded {
				j.unprocessed = j.upload
			}
			j.state, j.upload, j.modstamp = stateAborted, nil, now
			return j, j.size(), nil
		})
		if writeBulkError(w, err) {
			return
		}
		writeJSON(w, http.StatusOK, api.jobInfo(updated.ID, updated.Data.(bulkJob), viewCreate, now))
	case want == stateUploadComplete && sj.Kind == kindIngest:
		api.closeIngestJob(w, at, sj)
	default:
		writeError(w, http.StatusBadRequest, errBulkBadStateChange(want))
	}
}

// HandleBulkJobs answers GET /services/data/vXX.X/jobs/{ingest|query}:
// Get All Jobs, the org's jobs of the kind, a thousand to a page, with
// the filters isPkChunkingEnabled, jobType and concurrencyMode, and
// queryLocator for the next page.
func HandleBulkJobs(api *API, kind string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _, ok := bulkRoute(w, r, kind)
		if !ok {
			return
		}
		q := r.URL.Query()
		jobType := "V2Ingest"
		if kind == kindQuery {
			jobType = "V2Query"
		}
		match := true
		if v := q.Get("isPkChunkingEnabled"); v != "" {
			enabled, err := strconv.ParseBool(v)
			if err != nil {
				writeError(w, http.StatusBadRequest, errBulkParameter("isPkChunkingEnabled", v))
				return
			}
			match = match && !enabled // mocksf's jobs never use PK chunking
		}
		if v := q.Get("jobType"); v != "" {
			switch v {
			case "BigObjectIngest", "Classic", "V2Ingest", "V2Query":
				match = match && v == jobType
			default:
				writeError(w, http.StatusBadRequest, errBulkParameter("jobType", v))
				return
			}
		}
		if v := q.Get("concurrencyMode"); v != "" {
			match = match && strings.EqualFold(v, "Parallel")
		}
		offset := 0
		if loc := q.Get("queryLocator"); loc != "" {
			n, ok := parseListLocator(loc)
			if !ok {
				writeError(w, http.StatusBadRequest, errQueryLocator)
				return
			}
			offset = n
		}
		var jobs []store.BulkJob
		if match {
			jobs = api.Store.BulkJobs(at.OrgID, kind)
		}
		now := api.Store.NowIn(at.OrgID)
		page := struct {
			Done           bool      `json:"done"`
			Records        []jobInfo `json:"records"`
			NextRecordsURL *string   `json:"nextRecordsUrl"`
		}{Done: true, Records: []jobInfo{}}
		for i := offset; i < len(jobs) && i < offset+bulkListPageSize; i++ {
			page.Records = append(page.Records, api.jobInfo(jobs[i].ID, jobs[i].Data.(bulkJob), viewList, now))
		}
		if end := offset + bulkListPageSize; end < len(jobs) {
			next := versionBase(r) + "/jobs/" + kind + "?queryLocator=" + listLocator(end)
			page.Done, page.NextRecordsURL = false, &next
		}
		writeJSON(w, http.StatusOK, page)
	})
}

// listLocator is the queryLocator of Get All Jobs' page at offset, shaped
// like Salesforce's (01gR0000000opRTIAY-2000).
func listLocator(offset int) string { return "01g000000000000AAA-" + strconv.Itoa(offset) }

func parseListLocator(s string) (int, bool) {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(s[i+1:])
	return n, err == nil && n >= 0
}

// readBulkJSON decodes a job request's JSON body into v; a body that is
// missing, too large or not JSON for v is JSON_PARSER_ERROR.
func readBulkJSON(r *http.Request, v any) *apiError {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBulkJobBody+1))
	if err != nil {
		e := errJSONParser("mocksf: reading the body: " + err.Error())
		return &e
	}
	if len(data) > maxBulkJobBody {
		e := errJSONParser("mocksf: the request body is larger than " + strconv.Itoa(maxBulkJobBody) + " bytes")
		return &e
	}
	if len(bytes.TrimSpace(data)) == 0 {
		e := errJSONParser("The HTTP entity body is required, but this request has no entity body.")
		return &e
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var msg string
		if errors.As(err, &te) {
			msg = "Cannot deserialize value of " + te.Field + " from " + te.Value + " value"
		} else {
			line, col := lineCol(data, int(dec.InputOffset()))
			msg = "Unexpected character in the JSON body at [line:" + strconv.Itoa(line) + ", column:" + strconv.Itoa(col) + "]"
		}
		e := errJSONParser(msg)
		return &e
	}
	if dec.More() {
		line, col := lineCol(data, int(dec.InputOffset()))
		e := errJSONParser("Unexpected character after the JSON object at [line:" + strconv.Itoa(line) + ", column:" + strconv.Itoa(col) + "]")
		return &e
	}
	return nil
}

// bulkError carries a Bulk API answer out of a store callback.
type bulkError struct {
	status int
	err    apiError
}

func (e *bulkError) Error() string { return "rest: bulk: " + e.err.Code + ": " + e.err.Message }

// writeBulkError answers a failed job operation; it reports whether there
// was one.
func writeBulkError(w http.ResponseWriter, err error) bool {
	var be *bulkError
	switch {
	case err == nil:
		return false
	case errors.As(err, &be):
		writeError(w, be.status, be.err)
	case errors.Is(err, store.ErrBulkLimit):
		writeError(w, http.StatusBadRequest, errBulkLimit)
	case errors.Is(err, store.ErrNotFound):
		writeError(w, http.StatusNotFound, errNotFound)
	default:
		writeError(w, http.StatusInternalServerError, errInternal(err.Error()))
	}
	return true
}
