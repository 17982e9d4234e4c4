package rest

import (
	"bytes"
	"net/http"
)

// apiError is one entry of a REST error body, which is a JSON array of
// {"message","errorCode"} objects.
type apiError struct {
	Code    string
	Message string
	// codeFirst writes errorCode before message, as Salesforce does for
	// NOT_FOUND; other errors come message first.
	codeFirst bool
}

// The REST API's errors, one place for all of them (docs §11, §12.7).
var (
	errSessionInvalid   = apiError{Code: "INVALID_SESSION_ID", Message: "Session expired or invalid"}
	errAuthHeader       = apiError{Code: "INVALID_AUTH_HEADER", Message: "INVALID_HEADER_TYPE"}
	errSessionNotForAPI = apiError{Code: "INVALID_SESSION_ID", Message: "This session is not valid for use with the REST API"}
	errAPIDisabled      = apiError{Code: "API_DISABLED_FOR_ORG", Message: "The REST API is not enabled for this Organization."}
	errNotFound         = apiError{Code: "NOT_FOUND", Message: "The requested resource does not exist", codeFirst: true}
	errEntityDeleted    = apiError{Code: "ENTITY_IS_DELETED", Message: "entity is deleted", codeFirst: true}
	errQueryLocator     = apiError{Code: "INVALID_QUERY_LOCATOR", Message: "invalid query locator"}
)

// errNoSuchExternalID is Salesforce's answer to a record path whose id is
// not an ID of the object: it reads the segment as an external ID field.
func errNoSuchExternalID(id string) apiError {
	return apiError{Code: "NOT_FOUND", Message: "Provided external ID field does not exist or is not accessible: " + id, codeFirst: true}
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
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeError sends a one-entry error array.
func writeError(w http.ResponseWriter, status int, e apiError) {
	body, _ := marshal([]apiError{e}) // cannot fail: two strings
	writeRaw(w, status, body)
}
