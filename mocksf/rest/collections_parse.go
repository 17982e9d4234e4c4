package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxCollectionBody bounds an SObject Collections or Composite body: 200
// records of the single-record bound would be far more than Salesforce's
// own limit on a request's size.
const maxCollectionBody = 16 << 20

// maxCollectionRecords is how many records a collection write takes.
const maxCollectionRecords = 200

// maxRetrieveIDs is how many records a collection retrieve takes.
const maxRetrieveIDs = 2000

// collectionRequest is the body of a collection create, update or upsert.
type collectionRequest struct {
	AllOrNone bool
	Records   []json.RawMessage
}

// readBody reads a bounded JSON body; an empty one is Salesforce's
// JSON_PARSER_ERROR for a missing entity body.
func readBody(r *http.Request, limit int64) ([]byte, *apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		e := errJSONParser("mocksf: reading the body: " + err.Error())
		return nil, &e
	}
	if int64(len(data)) > limit {
		e := errJSONParser(fmt.Sprintf("mocksf: the body is larger than %d bytes", limit))
		return nil, &e
	}
	if len(bytes.TrimSpace(data)) == 0 {
		e := errJSONParser("The HTTP entity body is required, but this request has no entity body.")
		return nil, &e
	}
	return data, nil
}

// readRequest reads a bounded JSON body (maxCollectionBody) and parses
// it, answering 400 with the reading's or the parsing's error; ok is
// false then.
func readRequest[T any](w http.ResponseWriter, r *http.Request, parse func([]byte) (T, *apiError)) (req T, ok bool) {
	data, e := readBody(r, maxCollectionBody)
	if e == nil {
		req, e = parse(data)
	}
	if e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return req, false
	}
	return req, true
}

// strictJSON decodes a body into a T with decodeStrict, for readRequest.
func strictJSON[T any](data []byte) (T, *apiError) {
	var v T
	e := decodeStrict(data, &v)
	return v, e
}

// decodeStrict decodes a JSON body into v: syntax errors worded as
// Salesforce's parser words them, a value of the wrong kind as its
// deserializer does, and nothing allowed after the value.
func decodeStrict(data []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			e := errJSONParser(fmt.Sprintf("Cannot deserialize value of type `%s` from %s value at [line:%d, column:%d]",
				javaType(te.Type.Kind().String()), jsonKind(te.Value), lineOf(data, int(te.Offset)), colOf(data, int(te.Offset))))
			return &e
		}
		e := jsonError(data, dec, err)
		return &e
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, int(dec.InputOffset()))
		e := errJSONParser(fmt.Sprintf("Unexpected character after the JSON object at [line:%d, column:%d]", line, col))
		return &e
	}
	return nil
}

func lineOf(data []byte, off int) int { l, _ := lineCol(data, off); return l }
func colOf(data []byte, off int) int  { _, c := lineCol(data, off); return c }

// javaType names a Go kind as the Java type Salesforce's parser expects.
func javaType(kind string) string {
	switch kind {
	case "bool":
		return "boolean"
	case "slice":
		return "java.util.ArrayList"
	case "struct", "map":
		return "java.util.LinkedHashMap"
	case "string":
		return "java.lang.String"
	}
	return kind
}

// jsonKind names a JSON value kind as Jackson does.
func jsonKind(value string) string {
	switch {
	case value == "string":
		return "VALUE_STRING"
	case value == "bool":
		return "VALUE_TRUE"
	case value == "array":
		return "START_ARRAY"
	case value == "object":
		return "START_OBJECT"
	case strings.HasPrefix(value, "number"):
		return "VALUE_NUMBER_INT"
	}
	return "VALUE_NULL"
}

// parseCollectionRequest reads {"allOrNone":bool,"records":[{...}]}.
func parseCollectionRequest(data []byte) (collectionRequest, *apiError) {
	var body struct {
		AllOrNone *bool             `json:"allOrNone"`
		Records   []json.RawMessage `json:"records"`
	}
	if e := decodeStrict(data, &body); e != nil {
		return collectionRequest{}, e
	}
	if body.Records == nil {
		e := errMissingArgument("records")
		return collectionRequest{}, &e
	}
	if len(body.Records) > maxCollectionRecords {
		e := errTooManyRecords(maxCollectionRecords)
		return collectionRequest{}, &e
	}
	return collectionRequest{AllOrNone: body.AllOrNone != nil && *body.AllOrNone, Records: body.Records}, nil
}

// recordType is the "attributes":{"type":...} of a record body, "" when
// it has none.
func recordType(body recordBody) string {
	for _, k := range body.keys {
		if k != "attributes" {
			continue
		}
		if attrs, ok := body.values[k].(map[string]any); ok {
			if t, ok := attrs["type"].(string); ok {
				return t
			}
		}
	}
	return ""
}

// retrieveRequest is the body of a collection retrieve by POST.
type retrieveRequest struct {
	IDs    []string `json:"ids"`
	Fields []string `json:"fields"`
}

func parseRetrieveRequest(data []byte) (retrieveRequest, *apiError) {
	var body retrieveRequest
	if e := decodeStrict(data, &body); e != nil {
		return retrieveRequest{}, e
	}
	return body, nil
}
