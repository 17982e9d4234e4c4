package rest

import (
	"errors"
	"fmt"

	"github.com/sfharness/sfharness/mocksf/store"
)

// The errors of SObject Collections and the Composite resources, in one
// place (docs/mocksf-rest.md, "Composite and collections", says which
// were captured from Salesforce and which are mocksf's choice).
var (
	errRolledBack = collectionError{StatusCode: "ALL_OR_NONE_OPERATION_ROLLED_BACK",
		Message: "Record rolled back because not all records were valid and the request was using AllOrNone header", Fields: []string{}}
	errCompositeRolledBack = apiError{Code: "PROCESSING_HALTED",
		Message: "The transaction was rolled back since another operation in the same transaction failed.", codeFirst: true}
	errIDNotSpecified = apiError{Code: "MISSING_ARGUMENT", Message: "Id not specified in an update call", dml: true}
)

// errTooManyRecords is a collection of more records than a call takes.
func errTooManyRecords(max int) apiError {
	return apiError{Code: "EXCEEDED_ID_LIMIT", Message: fmt.Sprintf("record limit reached. cannot submit more than %d records into this call", max)}
}

// errUnsupportedType is a collection record of a type the org has not.
func errUnsupportedType(name string) apiError {
	return apiError{Code: "INVALID_TYPE", Message: fmt.Sprintf("sObject type '%s' is not supported.", name), dml: true}
}

// errMalformedID is an ID of a collection delete that is no record ID.
func errMalformedID(id string) apiError {
	return apiError{Code: "MALFORMED_ID", Message: "malformed id " + id, dml: true}
}

func errMissingArgument(name string) apiError {
	return apiError{Code: "MISSING_ARGUMENT", Message: fmt.Sprintf("The '%s' parameter is required.", name)}
}

func errInvalidInput(message string) apiError {
	return apiError{Code: "INVALID_INPUT", Message: message}
}

// errBadReference is a Composite subrequest's @{...} that names no value
// of an earlier subresponse.
func errBadReference(expr, ref string) apiError {
	return apiError{Code: "PROCESSING_HALTED", codeFirst: true, Message: fmt.Sprintf(
		"Invalid reference specified. No value for %s found in %s. Provided referenceId ('%s') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').",
		expr, ref, expr)}
}

func errSubrequestURL(url string) apiError {
	return apiError{Code: "INVALID_INPUT", Message: "mocksf: the subrequest URL is not valid: " + url}
}

// errTooManySubrequests is a Composite or batch request over its limit.
func errTooManySubrequests(what string, max int) apiError {
	return apiError{Code: "LIMIT_EXCEEDED", Message: fmt.Sprintf("Limit Exceeded: a %s can have at most %d subrequests.", what, max)}
}

// errNestedComposite is a Composite resource asked for inside another.
func errNestedComposite(url string) apiError {
	return apiError{Code: "INVALID_INPUT", Message: "The composite resources cannot be used as subrequests: " + url}
}

// collectionError is one error of a record in an SObject Collections
// answer: "statusCode" rather than the REST API's "errorCode".
type collectionError struct {
	StatusCode string   `json:"statusCode"`
	Message    string   `json:"message"`
	Fields     []string `json:"fields"`
}

func toCollectionErrors(es []apiError) []collectionError {
	out := make([]collectionError, len(es))
	for i, e := range es {
		out[i] = collectionError{StatusCode: e.Code, Message: e.Message, Fields: append([]string{}, e.Fields...)}
	}
	return out
}

// collectionResult is one record's SaveResult, UpsertResult or
// DeleteResult.
type collectionResult struct {
	ID      string            `json:"id,omitempty"`
	Success bool              `json:"success"`
	Errors  []collectionError `json:"errors"`
	Created *bool             `json:"created,omitempty"`
}

func failedResult(id string, es ...apiError) collectionResult {
	return collectionResult{ID: id, Errors: toCollectionErrors(es)}
}

// txErrors is the error list a failed record transaction carried, for
// a record's or a CSV row's result; nil when it did not fail.
func txErrors(err error) []apiError {
	if err == nil {
		return nil
	}
	var te *txError
	if errors.As(err, &te) {
		return te.errs
	}
	if errors.Is(err, store.ErrNotFound) {
		return []apiError{errNotFound}
	}
	if errors.Is(err, store.ErrStorageLimitExceeded) {
		return []apiError{errStorageLimit}
	}
	e := errInternal(err.Error())
	e.dml = true
	return []apiError{e}
}
