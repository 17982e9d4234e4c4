package rest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/sosl"
)

// apiError is one entry of a REST error body, which is a JSON array of
// {"message","errorCode"} objects; errors of a record write (DML errors)
// also carry the fields they concern.
type apiError struct {
	Code    string
	Message string
	// codeFirst writes errorCode before message, as Salesforce does for
	// NOT_FOUND; other errors come message first.
	codeFirst bool
	// dml adds "fields" (empty or not), as record writes do.
	dml    bool
	Fields []string
}

// The REST API's errors, one place for all of them (docs §11, §12.7, and
// docs/mocksf-rest.md for those not captured from Salesforce).
var (
	errSessionInvalid   = apiError{Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
	errAuthHeader       = apiError{Code: "INVALID_AUTH_HEADER", Message: "INVALID_HEADER_TYPE"}
	errSessionNotForAPI = apiError{Code: "INVALID_SESSION_ID", Message: "This session is not valid for use with the REST API"}
	errAPIDisabled      = apiError{Code: "API_DISABLED_FOR_ORG", Message: "The REST API is not enabled for this Organization."}
	errLimitExceeded    = apiError{Code: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}
	errNotFound         = apiError{Code: "NOT_FOUND", Message: "The requested resource does not exist", codeFirst: true}
	errEntityDeleted    = apiError{Code: "ENTITY_IS_DELETED", Message: "entity is deleted", codeFirst: true}
	errQueryLocator     = apiError{Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"}
	errUserAPIDisabled  = apiError{Code: "API_CURRENTLY_DISABLED", Message: "API is disabled for this User"}
	errEmptyQuery       = apiError{Code: soql.CodeMalformedQuery, Message: soql.MsgEmptyQuery}
	errNoQuery          = apiError{Code: soql.CodeMalformedQuery, Message: soql.MsgNoQuery}
	// errUnexpected is Salesforce's answer to a failure of its own; mocksf
	// answers its own with errInternal.
	errUnexpected = apiError{Code: codeUnknownException, Message: "An unexpected error occurred. Please include this ErrorId if you contact support"}
	// Unconfirmed wording, what clients commonly quote.
	errServerUnavailable = apiError{Code: "SERVER_UNAVAILABLE", Message: "Server temporarily unavailable, please try again later."}
	errQueryTimeout      = apiError{Code: "QUERY_TIMEOUT", Message: "Your query request was running for too long."}
	errUnableToLockRow   = apiError{Code: "UNABLE_TO_LOCK_ROW", Message: "unable to obtain exclusive access to this record"}
)

const codeUnknownException = "UNKNOWN_EXCEPTION"

// errNoSearch answers a search without its q parameter or body.
var errNoSearch = apiError{Code: sosl.CodeMalformedSearch, Message: sosl.MsgNoSearch}

// errSearchScope answers a parameterized search whose "in" is not a
// search group.
func errSearchScope(in string) apiError {
	return apiError{Code: sosl.CodeMalformedSearch, Message: "Invalid search scope: " + in}
}

// errFieldsParam answers a fields parameter naming something that is not
// a field name.
func errFieldsParam(name string) apiError {
	return apiError{Code: soql.CodeMalformedQuery, Message: "mocksf: invalid field name in fields: " + strconv.Quote(name)}
}

// errInternal is UNKNOWN_EXCEPTION for a failure of mocksf itself, saying
// what failed.
func errInternal(what string) apiError {
	return apiError{Code: codeUnknownException, Message: "mocksf: " + what}
}

// faultError is an error a control-API fault rule can name, with the
// status Salesforce answers it with.
type faultError struct {
	status int
	err    apiError
}

// faultErrors are the REST errors a fault rule can name by code
// (docs/mocksf-control.md, "Faults"), one per code.
var faultErrors = map[string]faultError{
	"REQUEST_LIMIT_EXCEEDED": {http.StatusForbidden, errLimitExceeded},
	"INVALID_SESSION_ID":     {http.StatusUnauthorized, errSessionInvalid},
	"INVALID_AUTH_HEADER":    {http.StatusUnauthorized, errAuthHeader},
	"API_DISABLED_FOR_ORG":   {http.StatusForbidden, errAPIDisabled},
	"API_CURRENTLY_DISABLED": {http.StatusForbidden, errUserAPIDisabled},
	"NOT_FOUND":              {http.StatusNotFound, errNotFound},
	"MALFORMED_QUERY":        {http.StatusBadRequest, errEmptyQuery},
	"INVALID_QUERY_LOCATOR":  {http.StatusBadRequest, errQueryLocator},
	"UNKNOWN_EXCEPTION":      {http.StatusInternalServerError, errUnexpected},
	"SERVER_UNAVAILABLE":     {http.StatusServiceUnavailable, errServerUnavailable},
	"QUERY_TIMEOUT":          {http.StatusBadRequest, errQueryTimeout},
	"UNABLE_TO_LOCK_ROW":     {http.StatusBadRequest, errUnableToLockRow},
}

// FaultCodes are the REST error codes a control-API fault rule may name
// without a status, sorted.
func FaultCodes() []string {
	return slices.Sorted(maps.Keys(faultErrors))
}

// FaultReply is what Salesforce's REST API answers for the error code:
// its status (0 for a code not in FaultCodes) and its one-entry error
// array, whose message is message, or when message is empty Salesforce's
// wording of the error (the code itself for an unknown code).
func FaultReply(code, message string) (status int, body []byte) {
	f, ok := faultErrors[code]
	if !ok {
		f.err = apiError{Code: code, Message: code}
	}
	if message != "" {
		f.err.Message = message
	}
	body, _ = json.Marshal([]apiError{f.err}) // cannot fail: strings only
	return f.status, body
}

// errNoSuchExternalID is Salesforce's answer to a record path whose id is
// not an ID of the object: it reads the segment as an external ID field.
func errNoSuchExternalID(id string) apiError {
	return apiError{Code: "NOT_FOUND", Message: "Provided external ID field does not exist or is not accessible: " + id, codeFirst: true}
}

// errMethodNotAllowed is the answer to a method a resource does not take.
func errMethodNotAllowed(method string, allowed []string) apiError {
	return apiError{Code: "METHOD_NOT_ALLOWED", Message: fmt.Sprintf("HTTP Method '%s' not allowed. Allowed are %s", method, strings.Join(allowed, ","))}
}

// DML errors: the failures of a record create, update, upsert or delete.

func dmlError(code, message string, fields ...string) apiError {
	return apiError{Code: code, Message: message, dml: true, Fields: fields}
}

// errStorageLimit is a create in an org whose data storage is full
// (mocksf: -max-records-per-org), in the words Salesforce's users quote
// ("STORAGE_LIMIT_EXCEEDED: storage limit exceeded").
var errStorageLimit = dmlError("STORAGE_LIMIT_EXCEEDED", "storage limit exceeded")

func errRequiredMissing(fields []string) apiError {
	return dmlError("REQUIRED_FIELD_MISSING", "Required fields are missing: ["+strings.Join(fields, ", ")+"]", fields...)
}

func errStringTooLong(f fieldDef, value string) apiError {
	return dmlError("STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f.label, value, f.length), f.name)
}

func errNoSuchField(field, object string) apiError {
	return dmlError("INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", field, object))
}

func errNotWritable(fields []string) apiError {
	return dmlError("INVALID_FIELD_FOR_INSERT_UPDATE", "Unable to create/update fields: "+strings.Join(fields, ", ")+
		". Please check the security settings of this field and verify that it is read/write for your profile or permission set.", fields...)
}

func errWrongType(f fieldDef, value string) apiError {
	return dmlError("INVALID_TYPE_ON_FIELD_IN_RECORD", fmt.Sprintf("%s: value not of required type: %s", f.label, value), f.name)
}

func errBadID(f fieldDef, value string) apiError {
	return dmlError("MALFORMED_ID", fmt.Sprintf("%s: id value of incorrect type: %s", f.label, value), f.name)
}

func errNoSuchParent(f fieldDef) apiError {
	return dmlError("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", f.name)
}

func errBadEmail(f fieldDef, value string) apiError {
	return dmlError("INVALID_EMAIL_ADDRESS", fmt.Sprintf("%s: invalid email address: %s", f.label, value), f.name)
}

func errRestrictedPicklist(f fieldDef, value string) apiError {
	return dmlError("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", fmt.Sprintf("%s: bad value for restricted picklist field: %s", f.label, value), f.name)
}

func errOutOfRange(f fieldDef, value string) apiError {
	return dmlError("NUMBER_OUTSIDE_VALID_RANGE", fmt.Sprintf("%s: value outside of valid range on numeric field: %s", f.label, value), f.name)
}

func errDuplicate(f fieldDef, id string) apiError {
	return dmlError("DUPLICATE_VALUE", fmt.Sprintf("duplicate value found: %s duplicates value on record with id: %s", f.name, id), f.name)
}

func errMalformedRecordID(o *sobject, id string) apiError {
	return dmlError("MALFORMED_ID", fmt.Sprintf("%s ID: id value of incorrect type: %s", o.label, id), "Id")
}

func errDeletedDML() apiError {
	return apiError{Code: "ENTITY_IS_DELETED", Message: "entity is deleted", codeFirst: true, dml: true}
}

func errJSONParser(message string) apiError {
	return apiError{Code: "JSON_PARSER_ERROR", Message: message}
}

func errReadOnlyObject(o *sobject) apiError {
	return apiError{Code: "INVALID_OPERATION", Message: "mocksf: " + o.name + " records come from the seed and cannot be written through the API"}
}

// errReadOnlyWrite is the answer to a write (method POST, PATCH or
// DELETE) to a read-only object. The org objects (Organization, Profile…)
// answer as Salesforce does for an entity its API cannot write
// (assumption: INVALID_TYPE_FOR_OPERATION with "entity type cannot be
// inserted: Organization", the SOAP API's status code and wording, not
// captured over REST); User keeps mocksf's own refusal, as Salesforce
// could create one.
func errReadOnlyWrite(o *sobject, method string) apiError {
	if !o.derived {
		return errReadOnlyObject(o)
	}
	verb := "updated"
	switch method {
	case "POST":
		verb = "inserted"
	case "DELETE":
		verb = "deleted"
	}
	return dmlError("INVALID_TYPE_FOR_OPERATION", "entity type cannot be "+verb+": "+o.name)
}

func errReplicationDate(message string) apiError {
	return apiError{Code: "INVALID_REPLICATION_DATE", Message: message}
}

func (e apiError) MarshalJSON() ([]byte, error) {
	code, err := marshal(e.Code)
	if err != nil {
		return nil, err
	}
	msg, err := marshal(e.Message)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if e.codeFirst {
		b.WriteString(`{"errorCode":`)
		b.Write(code)
		b.WriteString(`,"message":`)
		b.Write(msg)
	} else {
		b.WriteString(`{"message":`)
		b.Write(msg)
		b.WriteString(`,"errorCode":`)
		b.Write(code)
	}
	if e.dml {
		fields, err := marshal(append([]string{}, e.Fields...))
		if err != nil {
			return nil, err
		}
		b.WriteString(`,"fields":`)
		b.Write(fields)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeError sends a one-entry error array.
func writeError(w http.ResponseWriter, status int, e apiError) {
	writeErrors(w, status, []apiError{e})
}

// WriteUnexpected answers 500 UNKNOWN_EXCEPTION as Salesforce answers a
// failure of its own, for mocksf's panic handler.
func WriteUnexpected(w http.ResponseWriter) {
	writeError(w, http.StatusInternalServerError, errUnexpected)
}

// writeErrors sends an error array.
func writeErrors(w http.ResponseWriter, status int, es []apiError) {
	body, _ := marshal(es) // cannot fail: strings only
	writeRaw(w, status, body)
}
