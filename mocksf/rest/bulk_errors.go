package rest

import (
	"fmt"
	"net/http"
	"strings"
)

// Salesforce's strings for Bulk API 2.0, one place for all of them. Codes
// and messages the guide's error list or captured answers give are used
// as they are; the rest are mocksf's wording, marked "unconfirmed" in
// docs/mocksf-rest.md.

// errBulkState is an operation the job's state does not allow: 409
// INVALIDJOBSTATE (Bulk API 2.0 guide, "Errors": InvalidJobState).
func errBulkState(id, state string) *bulkError {
	return &bulkError{status: http.StatusConflict, err: apiError{Code: "INVALIDJOBSTATE",
		Message: fmt.Sprintf("Job %s is in state %s, which does not allow this operation", id, state), codeFirst: true}}
}

// errBulkMultipleUploads is a second PUT of data to one job, which
// Salesforce refuses with this message.
func errBulkMultipleUploads(id string) *bulkError {
	return &bulkError{status: http.StatusConflict, err: apiError{Code: "INVALIDJOBSTATE",
		Message:   "Found multiple contents for job: <" + id + ">, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.",
		codeFirst: true}}
}

// errBulkBadStateChange is a PATCH to a state a client cannot ask for.
func errBulkBadStateChange(state string) apiError {
	if state == "" {
		return apiError{Code: "INVALIDJOBSTATE", Message: "The state of the job is required", codeFirst: true}
	}
	return apiError{Code: "INVALIDJOBSTATE", Message: "Invalid job state: " + state, codeFirst: true}
}

// errBulkInvalidJob is a job request that lacks or misstates a setting.
func errBulkInvalidJob(message string) apiError {
	return apiError{Code: "INVALIDJOB", Message: message, codeFirst: true}
}

// errBulkEntity is a job on an object the org does not have (Bulk API's
// InvalidEntity).
func errBulkEntity(object string) apiError {
	return apiError{Code: "INVALIDENTITY", Message: "Entity '" + object + "' is not supported by the Bulk API.", codeFirst: true}
}

// errBulkParameter is a query parameter with a value it cannot have.
func errBulkParameter(name, value string) apiError {
	return apiError{Code: "INVALIDREQUEST", Message: fmt.Sprintf("Invalid value for %s: %s", name, value), codeFirst: true}
}

// errBulkLimit is an org at its cap on jobs or on what its jobs keep.
var errBulkLimit = apiError{Code: "LIMIT_EXCEEDED",
	Message: "mocksf: this org keeps as many Bulk API jobs (or as much job data) as it may; delete jobs to make room", codeFirst: true}

// errBulkUploadTooLarge is an upload over BulkSettings.MaxUploadBytes.
func errBulkUploadTooLarge(limit int64) *bulkError {
	return &bulkError{status: http.StatusRequestEntityTooLarge, err: apiError{Code: "REQUEST_ENTITY_TOO_LARGE",
		Message: fmt.Sprintf("mocksf: job data may be at most %d bytes", limit), codeFirst: true}}
}

// errBulkResultsVersion is a query job's results asked for in another API
// version than the job's: Salesforce answers 409 ("Get Results for a
// Query Job").
func errBulkResultsVersion(v apiVersion) *bulkError {
	return &bulkError{status: http.StatusConflict, err: apiError{Code: "API_VERSION_MISMATCH",
		Message: "Use the API version the job was created in: " + v.String(), codeFirst: true}}
}

// Failed jobs' errorMessage: the Bulk API error code, " : " and the
// message, as Salesforce writes them ("ClientInputError : LineEnding is
// invalid on user data. Current LineEnding setting is LF").
func jobErrorLineEnding(setting string) string {
	return "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is " + setting
}

func jobErrorNoData() string { return "InvalidBatch : No data was uploaded for this job" }

func jobErrorCSV(message string) string { return "ClientInputError : " + message }

func jobErrorField(name string) string { return "InvalidBatch : Field name not found : " + name }

func jobErrorDuplicateField(name string) string {
	return "InvalidBatch : Duplicate field name : " + name
}

func jobErrorMissingColumn(name string) string {
	return "InvalidBatch : The " + name + " field is required for this operation"
}

// recordError is one failed record's sf__Error: each error as
// CODE:message:fields, followed by " --".
func recordError(errs []apiError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.Code + ":" + e.Message
		if len(e.Fields) > 0 {
			parts[i] += ":" + strings.Join(e.Fields, ",")
		}
	}
	return strings.Join(parts, ":") + " --"
}

// errBulkMissingID is an update or delete row without an Id.
var errBulkMissingID = apiError{Code: "MISSING_ARGUMENT", Message: "Id not specified in an update call"}

// errBulkMissingExternalID is an upsert row without its external ID.
func errBulkMissingExternalID(field string) apiError {
	return apiError{Code: "MISSING_ARGUMENT", Message: field + " not specified"}
}

// errBulkDuplicateExternalID is an upsert row whose value several records
// have.
func errBulkDuplicateExternalID(field string) apiError {
	return apiError{Code: "DUPLICATE_EXTERNAL_ID", Message: field + ": more than one record found for external id field"}
}

// errBulkRead answers an upload mocksf could not read.
func errBulkRead(err error) apiError {
	return apiError{Code: "ClientInputError", Message: "mocksf: reading the body: " + err.Error(), codeFirst: true}
}

// errBulkCount answers a query job for COUNT(), which mocksf does not run.
var errBulkCount = apiError{Code: "API_ERROR", Message: "mocksf: COUNT() queries are not supported by Bulk API 2.0 query jobs", codeFirst: true}
