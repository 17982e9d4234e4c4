package rest

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/soql"
)

// newQueryJob is the body of POST /jobs/query.
type newQueryJob struct {
	Operation       *string `json:"operation"`
	Query           *string `json:"query"`
	ColumnDelimiter *string `json:"columnDelimiter"`
	LineEnding      *string `json:"lineEnding"`
	ContentType     *string `json:"contentType"`
}

// HandleCreateQueryJob answers POST /services/data/vXX.X/jobs/query
// (API 47.0 and later): it checks the SOQL as /query does, runs it at
// once and keeps the result as CSV for .../results, answering 200 with
// the job in state UploadComplete.
func HandleCreateQueryJob(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, version, ok := bulkRoute(w, r, kindQuery)
		if !ok {
			return
		}
		var body newQueryJob
		if e := readBulkJSON(r, &body); e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
		operation := deref(body.Operation, "query")
		if operation != "query" && operation != "queryAll" {
			writeError(w, http.StatusBadRequest, errBulkInvalidJob("Invalid operation for a query job: "+operation))
			return
		}
		delimiter, lineEnding, e := jobFormat(body.ColumnDelimiter, body.LineEnding, body.ContentType)
		if e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
		text := deref(body.Query, "")
		if strings.TrimSpace(text) == "" {
			writeError(w, http.StatusBadRequest, errEmptyQuery)
			return
		}
		schema := api.schemaOf(at.OrgID)
		q, ok := compileQuery(w, text, schema)
		if !ok {
			return
		}
		if q.Count {
			writeError(w, http.StatusBadRequest, errBulkCount)
			return
		}
		now := api.Store.NowIn(at.OrgID)
		job := bulkJob{kind: kindQuery, operation: operation, query: text, columnDelimiter: delimiter, lineEnding: lineEnding,
			apiVersion: version, createdByID: at.UserID, createdDate: now, state: stateJobComplete, closedAt: now, modstamp: now}
		o, _ := schema.object(q.Object) // Compile resolved it
		job.result, job.rowStarts = api.runBulkQuery(at.OrgID, schema, o, q, operation == "queryAll", delimiter, lineEnding, r)
		job.processed, job.object = len(job.rowStarts), o.name
		sj, err := api.Store.CreateBulkJob(at.OrgID, kindQuery, api.bulk().limits(), func(string) (any, int64) { return job, job.size() })
		if writeBulkError(w, err) {
			return
		}
		info := api.jobInfo(sj.ID, sj.Data.(bulkJob), viewCreate, now)
		info.State = stateUploadComplete // a new query job's state, whatever the clock says next
		writeJSON(w, http.StatusOK, info)
	})
}

// runBulkQuery runs a compiled query as /query does and writes its
// records as CSV: a header row of the field paths as queried
// (Account.Name), then a row per record, whose offsets it returns.
func (api *API) runBulkQuery(orgID string, schema *orgSchema, o *sobject, q *soql.Query, all bool, delimiter, lineEnding string, r *http.Request) ([]byte, []int) {
	rows := api.queryRows(r, orgID, schema, o, q, all)

	out := newCSVOut(delimiter, lineEnding)
	header := make([]string, len(q.Fields))
	fields := make([]*fieldDef, len(q.Fields))
	for i, ref := range q.Fields {
		header[i] = ref.Name
		obj := o
		for _, rel := range ref.Path {
			if next, ok := schema.objects[strings.ToLower(rel.Object)]; ok {
				obj = next
			}
		}
		fields[i] = obj.fieldPtr(ref.Field.Name)
	}
	out.row(header)
	starts := make([]int, len(rows))
	values := make([]string, len(q.Fields))
	for i, v := range rows {
		starts[i] = out.len()
		for k, ref := range q.Fields {
			values[k] = csvValue(fields[k], v.Value(ref.Name))
		}
		out.row(values)
	}
	return out.bytes(), starts
}

// HandleQueryJobResults answers GET .../jobs/query/{jobId}/results: a
// page of the job's CSV (the header row on every page, as Salesforce
// writes it), at most maxRecords records (default
// BulkSettings.QueryPageSize) from the locator's offset, with the
// Sforce-NumberOfRecords header and Sforce-Locator, the next page's
// locator or "null" on the last page.
func HandleQueryJobResults(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, sj, j, ok := api.loadJob(w, r, kindQuery)
		if !ok {
			return
		}
		if version, _ := parseVersion(strings.TrimPrefix(mux.Vars(r)["version"], "v")); version != j.apiVersion {
			writeBulkError(w, errBulkResultsVersion(j.apiVersion))
			return
		}
		now := api.Store.NowIn(at.OrgID)
		if st := j.stateAt(api.bulk(), now); st != stateJobComplete {
			writeBulkError(w, errBulkState(sj.ID, st))
			return
		}
		q := r.URL.Query()
		pageSize := api.bulk().QueryPageSize
		if v := q.Get("maxRecords"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n <= 0 {
				writeError(w, http.StatusBadRequest, errBulkParameter("maxRecords", v))
				return
			}
			pageSize = n
		}
		offset := 0
		if v := q.Get("locator"); v != "" {
			n, ok := parseResultLocator(v)
			if !ok || n > len(j.rowStarts) {
				writeError(w, http.StatusBadRequest, errQueryLocator)
				return
			}
			offset = n
		}
		end := min(offset+pageSize, len(j.rowStarts))
		headerEnd := len(j.result)
		if len(j.rowStarts) > 0 {
			headerEnd = j.rowStarts[0]
		}
		from, to := headerEnd, headerEnd
		if offset < end {
			from = j.rowStarts[offset]
			to = len(j.result)
			if end < len(j.rowStarts) {
				to = j.rowStarts[end]
			}
		}
		locator := "null"
		if end < len(j.rowStarts) {
			locator = resultLocator(end)
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Sforce-Locator", locator)
		w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-offset))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(j.result[:headerEnd])
		_, _ = w.Write(j.result[from:to])
	})
}

// resultLocator is the locator of the results page at offset: like
// Salesforce's (MTAwMDA, API 49.0 and later), the offset in base64.
func resultLocator(offset int) string {
	return base64.RawStdEncoding.EncodeToString([]byte(strconv.Itoa(offset)))
}

func parseResultLocator(s string) (int, bool) {
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0
}

// jobFormat checks a job's contentType, columnDelimiter and lineEnding,
// which default to CSV, COMMA and LF.
func jobFormat(delimiter, lineEnding, contentType *string) (string, string, *apiError) {
	if ct := deref(contentType, "CSV"); ct != "CSV" {
		e := errBulkInvalidJob("Invalid contentType: " + ct + "; Bulk API 2.0 jobs take CSV")
		return "", "", &e
	}
	d := deref(delimiter, "COMMA")
	if _, ok := columnDelimiters[d]; !ok {
		e := errJSONParser("Cannot deserialize value of type ColumnDelimiterEnum from String \"" + d + "\": value not one of declared Enum instance names: [BACKQUOTE, CARET, COMMA, PIPE, SEMICOLON, TAB]")
		return "", "", &e
	}
	le := deref(lineEnding, "LF")
	if le != "LF" && le != "CRLF" {
		e := errJSONParser("Cannot deserialize value of type LineEndingEnum from String \"" + le + "\": value not one of declared Enum instance names: [CRLF, LF]")
		return "", "", &e
	}
	return d, le, nil
}

func deref(s *string, fallback string) string {
	if s == nil || *s == "" {
		return fallback
	}
	return *s
}
