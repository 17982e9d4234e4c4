package rest

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Ingest operations (OperationEnum).
var ingestOperations = map[string]bool{"insert": true, "update": true, "upsert": true, "delete": true, "hardDelete": true}

// newIngestJob is the body of POST /jobs/ingest.
type newIngestJob struct {
	Object              *string `json:"object"`
	Operation           *string `json:"operation"`
	ExternalIDFieldName *string `json:"externalIdFieldName"`
	ContentType         *string `json:"contentType"`
	ColumnDelimiter     *string `json:"columnDelimiter"`
	LineEnding          *string `json:"lineEnding"`
	AssignmentRuleID    *string `json:"assignmentRuleId"`
}

// HandleCreateIngestJob answers POST /services/data/vXX.X/jobs/ingest
// (API 41.0 and later) with 200 and the new job, state Open, whose
// contentUrl takes the data.
func HandleCreateIngestJob(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, version, ok := bulkRoute(w, r, kindIngest)
		if !ok {
			return
		}
		var body newIngestJob
		if e := readBulkJSON(r, &body); e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
		operation, objectName := deref(body.Operation, ""), deref(body.Object, "")
		switch {
		case operation == "":
			writeError(w, http.StatusBadRequest, errBulkInvalidJob("The operation of the job is required"))
			return
		case !ingestOperations[operation]:
			writeError(w, http.StatusBadRequest, errJSONParser("Cannot deserialize value of type OperationEnum from String \""+operation+
				"\": value not one of declared Enum instance names: [insert, upsert, update, delete, hardDelete]"))
			return
		case objectName == "":
			writeError(w, http.StatusBadRequest, errBulkInvalidJob("The object of the job is required"))
			return
		}
		delimiter, lineEnding, e := jobFormat(body.ColumnDelimiter, body.LineEnding, body.ContentType)
		if e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
		o, ok := api.schemaOf(at.OrgID).object(objectName)
		if !ok {
			writeError(w, http.StatusBadRequest, errBulkEntity(objectName))
			return
		}
		if o.readOnly {
			writeError(w, http.StatusBadRequest, errReadOnlyObject(o))
			return
		}
		externalID := ""
		if operation == "upsert" {
			name := deref(body.ExternalIDFieldName, "")
			f, ok := o.field(name)
			switch {
			case name == "":
				writeError(w, http.StatusBadRequest, errBulkInvalidJob("An upsert job requires externalIdFieldName"))
				return
			case !ok || !f.externalID && !f.idLookup:
				writeError(w, http.StatusBadRequest, errBulkInvalidJob("Field "+name+" is not an external ID field of "+o.name))
				return
			}
			externalID = f.name
		}
		now := api.Store.NowIn(at.OrgID)
		job := bulkJob{kind: kindIngest, operation: operation, object: o.name, externalIDField: externalID,
			columnDelimiter: delimiter, lineEnding: lineEnding, apiVersion: version, createdByID: at.UserID,
			createdDate: now, state: stateOpen, modstamp: now}
		sj, err := api.Store.CreateBulkJob(at.OrgID, kindIngest, api.bulk().limits(), func(string) (any, int64) { return job, job.size() })
		if writeBulkError(w, err) {
			return
		}
		writeJSON(w, http.StatusOK, api.jobInfo(sj.ID, job, viewCreate, now))
	})
}

// HandleUploadJobData answers PUT .../jobs/ingest/{jobId}/batches: the
// job's CSV, once, while the job is Open, at most
// BulkSettings.MaxUploadBytes; 201 with no body.
func HandleUploadJobData(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, sj, _, ok := api.loadJob(w, r, kindIngest)
		if !ok {
			return
		}
		s := api.bulk()
		data, err := io.ReadAll(io.LimitReader(r.Body, s.MaxUploadBytes+1))
		if err != nil {
			writeError(w, http.StatusBadRequest, errBulkRead(err))
			return
		}
		if int64(len(data)) > s.MaxUploadBytes {
			writeBulkError(w, errBulkUploadTooLarge(s.MaxUploadBytes))
			return
		}
		now := api.Store.NowIn(at.OrgID)
		_, err = api.Store.UpdateBulkJob(at.OrgID, sj.ID, s.limits(), func(v any) (any, int64, error) {
			j := v.(bulkJob)
			switch {
			case j.state != stateOpen:
				return nil, 0, errBulkState(sj.ID, j.stateAt(s, now))
			case j.uploaded:
				return nil, 0, errBulkMultipleUploads(sj.ID)
			}
			j.upload, j.uploaded, j.modstamp = data, true, now
			return j, j.size(), nil
		})
		if writeBulkError(w, err) {
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
}

// closeIngestJob is PATCH {"state":"UploadComplete"} of an ingest job: it
// claims the Open job, processes its rows (each on its own, as
// Salesforce does: a bad row fails alone) and stores the results.
// Room for the results is reserved when the job closes, so a closed job
// never fails for want of it after its records were written.
func (api *API) closeIngestJob(w http.ResponseWriter, at store.AccessToken, sj store.BulkJob) {
	s := api.bulk()
	now := api.Store.NowIn(at.OrgID)
	var job bulkJob
	claimed, err := api.Store.UpdateBulkJob(at.OrgID, sj.ID, s.limits(), func(v any) (any, int64, error) {
		j := v.(bulkJob)
		if j.state != stateOpen {
			return nil, 0, errBulkState(sj.ID, j.stateAt(s, now))
		}
		j.state, j.closedAt, j.modstamp = stateUploadComplete, now, now
		job = j
		// The results repeat each row with an ID and a status or error.
		return j, j.size() + 2*int64(len(j.upload)) + 256*int64(bytes.Count(j.upload, []byte("\n"))+1), nil
	})
	if writeBulkError(w, err) {
		return
	}
	done := api.processIngest(at.OrgID, at.UserID, job)
	_, err = api.Store.UpdateBulkJob(at.OrgID, sj.ID, store.BulkLimits{}, func(v any) (any, int64, error) {
		j := v.(bulkJob)
		if j.state == stateAborted {
			// Aborted while its rows were written: what was done stays done.
			done.state, done.modstamp = stateAborted, j.modstamp
		}
		return done, done.size(), nil
	})
	if writeBulkError(w, err) {
		return
	}
	info := api.jobInfo(claimed.ID, claimed.Data.(bulkJob), viewCreate, now)
	info.State = stateUploadComplete // whatever the clock says next
	writeJSON(w, http.StatusOK, info)
}

// processIngest runs a closed job's rows and returns the job with its
// outcome: JobComplete with the successful and failed rows, or Failed
// with errorMessage when the data cannot be read as the job says.
func (api *API) processIngest(orgID, userID string, j bulkJob) bulkJob {
	data := j.upload
	j.upload = nil
	schema := api.schemaOf(orgID)
	o, ok := schema.object(j.object)
	fail := func(message string) bulkJob {
		j.state, j.errorText, j.unprocessed = stateFailed, message, data
		return j
	}
	if !ok {
		return fail(jobErrorField(j.object))
	}
	parsed, problem := parseIngestCSV(data, j.columnDelimiter, j.lineEnding)
	if problem != "" {
		return fail(problem)
	}
	columns, problem := ingestColumns(o, parsed.header, j)
	if problem != "" {
		return fail(problem)
	}
	success, failed := newCSVOut(j.columnDelimiter, j.lineEnding), newCSVOut(j.columnDelimiter, j.lineEnding)
	sep := string(columnDelimiters[j.columnDelimiter])
	success.raw(`"sf__Id"` + sep + `"sf__Created"` + sep)
	success.row(parsed.header)
	failed.raw(`"sf__Id"` + sep + `"sf__Error"` + sep)
	failed.row(parsed.header)
	unprocessed := newCSVOut(j.columnDelimiter, j.lineEnding)
	unprocessed.row(parsed.header)
	for _, row := range parsed.rows {
		id, created, errs := api.ingestRow(orgID, userID, schema, o, j, columns, row)
		j.processed++
		if errs != nil {
			j.failed++
			failed.row(append([]string{id, recordError(errs)}, row...))
			continue
		}
		success.row(append([]string{id, boolText(created)}, row...))
	}
	j.state = stateJobComplete
	j.successful, j.failedRows, j.unprocessed = success.bytes(), failed.bytes(), unprocessed.bytes()
	return j
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// ingestColumns maps the header row to the object's fields (canonical
// names; "" for a column the operation ignores) and checks the columns
// the operation needs.
func ingestColumns(o *sobject, header []string, j bulkJob) ([]string, string) {
	out := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.TrimSpace(h)
		f := o.fieldPtr(name)
		if f == nil {
			return nil, jobErrorField(name)
		}
		if seen[f.name] {
			return nil, jobErrorDuplicateField(f.name)
		}
		seen[f.name] = true
		out[i] = f.name
	}
	need := ""
	switch j.operation {
	case "update", "delete", "hardDelete":
		need = "Id"
	case "upsert":
		need = j.externalIDField
	}
	if need != "" && !seen[need] {
		return nil, jobErrorMissingColumn(need)
	}
	return out, ""
}

// ingestRow writes one row as the REST API writes a record, with its
// checks (write.go): it returns the record's ID, whether it was created,
// and the row's errors.
func (api *API) ingestRow(orgID, userID string, schema *orgSchema, o *sobject, j bulkJob, columns, row []string) (string, bool, []apiError) {
	body := recordBody{values: map[string]any{}}
	id := ""
	for i, name := range columns {
		if i >= len(row) {
			break
		}
		v := row[i]
		if name == "Id" {
			id = strings.TrimSpace(v)
			continue
		}
		if v == "" {
			continue // an empty value leaves the field as it is
		}
		body.keys = append(body.keys, name)
		if v == bulkNull {
			body.values[name] = nil
		} else {
			body.values[name] = v
		}
	}
	switch j.operation {
	case "insert":
		if id != "" {
			body.keys, body.values["Id"] = append(body.keys, "Id"), id
		}
		return api.ingestInsert(orgID, userID, schema, o, body)
	case "update":
		return api.ingestUpdate(orgID, userID, schema, o, body, id)
	case "delete", "hardDelete":
		canonical, ok := soql.CanonicalID(id)
		if id == "" {
			return "", false, []apiError{errBulkMissingID}
		}
		if !ok || canonical[:3] != o.keyPrefix {
			return id, false, []apiError{errMalformedRecordID(o, id)}
		}
		err := api.Store.UpdateRecords(orgID, o.name, func(tx *store.RecordTx) error {
			if e := liveRecord(tx, canonical); e != nil {
				return e
			}
			return tx.Delete(canonical, userID)
		})
		return canonical, false, txErrors(err)
	}
	// upsert
	f, _ := o.field(j.externalIDField)
	if f.name == "Id" {
		if id == "" {
			return api.ingestInsert(orgID, userID, schema, o, body)
		}
		return api.ingestUpdate(orgID, userID, schema, o, body, id)
	}
	raw, present := body.values[f.name]
	if !present || raw == nil {
		return "", false, []apiError{errBulkMissingExternalID(f.name)}
	}
	want, e := convertValue(schema, f, raw)
	if e != nil {
		return "", false, []apiError{*e}
	}
	values, errs := convertFields(schema, o, body)
	if errs == nil {
		errs = checkParents(api, orgID, schema, o, values)
	}
	if errs != nil {
		return "", false, errs
	}
	var created bool
	err := api.Store.UpdateRecords(orgID, o.name, func(tx *store.RecordTx) error {
		matches := externalIDMatches(tx, f, want)
		switch len(matches) {
		case 0:
			if errs := checkWritable(o, body, true, ""); errs != nil {
				return &txError{status: http.StatusBadRequest, errs: errs}
			}
			if errs := checkRequired(o, values, true); errs != nil {
				return &txError{status: http.StatusBadRequest, errs: errs}
			}
			if e := checkUnique(tx, o, values, ""); e != nil {
				return e
			}
			rec, err := tx.Insert(userID, values)
			id, created = rec.ID, true
			return err
		case 1:
			id = matches[0].ID
			if errs := checkWritable(o, body, false, id); errs != nil {
				return &txError{status: http.StatusBadRequest, errs: errs}
			}
			if e := checkUnique(tx, o, values, id); e != nil {
				return e
			}
			_, err := tx.Update(id, userID, values)
			return err
		}
		return failTx(http.StatusMultipleChoices, errBulkDuplicateExternalID(f.name))
	})
	if errs := txErrors(err); errs != nil {
		return "", false, errs
	}
	return id, created, nil
}

// ingestInsert creates a record from a row's values.
func (api *API) ingestInsert(orgID, userID string, schema *orgSchema, o *sobject, body recordBody) (string, bool, []apiError) {
	values, errs := checkWrite(api, orgID, schema, o, body, true, "")
	if errs != nil {
		return "", false, errs
	}
	var rec store.Record
	err := api.Store.UpdateRecords(orgID, o.name, func(tx *store.RecordTx) error {
		if e := checkUnique(tx, o, values, ""); e != nil {
			return e
		}
		var err error
		rec, err = tx.Insert(userID, values)
		return err
	})
	if errs := txErrors(err); errs != nil {
		return "", false, errs
	}
	return rec.ID, true, nil
}

// ingestUpdate updates the record a row's Id names.
func (api *API) ingestUpdate(orgID, userID string, schema *orgSchema, o *sobject, body recordBody, id string) (string, bool, []apiError) {
	if id == "" {
		return "", false, []apiError{errBulkMissingID}
	}
	canonical, ok := soql.CanonicalID(id)
	if !ok || canonical[:3] != o.keyPrefix {
		return id, false, []apiError{errMalformedRecordID(o, id)}
	}
	values, errs := checkWrite(api, orgID, schema, o, body, false, canonical)
	if errs != nil {
		return canonical, false, errs
	}
	err := api.Store.UpdateRecords(orgID, o.name, func(tx *store.RecordTx) error {
		if e := liveRecord(tx, canonical); e != nil {
			return e
		}
		if e := checkUnique(tx, o, values, canonical); e != nil {
			return e
		}
		_, err := tx.Update(canonical, userID, values)
		return err
	})
	return canonical, false, txErrors(err)
}

// IngestResults names the results resources of an ingest job.
type IngestResults int

// The results of an ingest job: successfulResults, failedResults and
// unprocessedrecords.
const (
	SuccessfulResults IngestResults = iota
	FailedResults
	UnprocessedRecords
)

// HandleIngestJobResults answers GET .../jobs/ingest/{jobId}/successfulResults,
// /failedResults and /unprocessedrecords once the job has finished
// (JobComplete, Failed or Aborted), as text/csv: "sf__Id","sf__Created"
// or "sf__Id","sf__Error" before the uploaded columns; the unprocessed
// rows as uploaded.
func HandleIngestJobResults(api *API, which IngestResults) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, sj, j, ok := api.loadJob(w, r, kindIngest)
		if !ok {
			return
		}
		now := api.Store.NowIn(at.OrgID)
		if !j.finished(api.bulk(), now) {
			writeBulkError(w, errBulkState(sj.ID, j.stateAt(api.bulk(), now)))
			return
		}
		var body []byte
		switch which {
		case SuccessfulResults:
			body = j.successful
		case FailedResults:
			body = j.failedRows
		default:
			body = j.unprocessed
		}
		w.Header().Set("Content-Type", "text/csv")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}
