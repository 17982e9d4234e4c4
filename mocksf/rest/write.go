package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// maxRecordBody bounds a record write's body.
const maxRecordBody = 4 << 20

// upsertResultVersion is the first API version whose upsert answers an
// update with 200 and a body rather than 204.
const upsertResultVersion = 46

// saveResult is the body of a successful create or upsert.
type saveResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Errors  []any  `json:"errors"`
	Created *bool  `json:"created,omitempty"`
}

// HandleCreate answers POST /services/data/vXX.X/sobjects/{object}: it
// validates the body's fields against the object's describe and creates
// the record, answering 201 {"id","success","errors"}. Failures are 400
// with Salesforce's DML error array (docs/mocksf-rest.md lists them).
func HandleCreate(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		if o.readOnly {
			writeError(w, http.StatusBadRequest, errReadOnlyWrite(o, r.Method))
			return
		}
		values, errs := readWrite(api, r, at.OrgID, schema, o, true, "")
		if errs != nil {
			writeErrors(w, http.StatusBadRequest, errs)
			return
		}
		var rec store.Record
		err := api.updateRecords(r.Context(), at.OrgID, o.name, func(tx *store.RecordTx) error {
			if e := checkUnique(tx, o, values, ""); e != nil {
				return e
			}
			var err error
			rec, err = tx.Insert(at.UserID, values)
			return err
		})
		if writeTxError(w, err) {
			return
		}
		writeJSON(w, http.StatusCreated, saveResult{ID: rec.ID, Success: true, Errors: []any{}})
	})
}

// updateRecord answers PATCH /services/data/vXX.X/sobjects/{object}/{id}
// with 204, or the DML errors of the update.
func updateRecord(api *API, w http.ResponseWriter, r *http.Request) {
	at, _ := TokenFrom(r.Context())
	schema := api.schemaOf(at.OrgID)
	o, id, ok := writeTarget(api, w, r, schema)
	if !ok {
		return
	}
	values, errs := readWrite(api, r, at.OrgID, schema, o, false, id)
	if errs != nil {
		writeErrors(w, http.StatusBadRequest, errs)
		return
	}
	err := api.updateRecords(r.Context(), at.OrgID, o.name, func(tx *store.RecordTx) error {
		if e := liveRecord(tx, id); e != nil {
			return e
		}
		if e := checkUnique(tx, o, values, id); e != nil {
			return e
		}
		_, err := tx.Update(id, at.UserID, values)
		return err
	})
	if writeTxError(w, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// deleteRecord answers DELETE /services/data/vXX.X/sobjects/{object}/{id}
// with 204; the record stays visible to queryAll and /deleted.
func deleteRecord(api *API, w http.ResponseWriter, r *http.Request) {
	at, _ := TokenFrom(r.Context())
	o, id, ok := writeTarget(api, w, r, api.schemaOf(at.OrgID))
	if !ok {
		return
	}
	err := api.updateRecords(r.Context(), at.OrgID, o.name, func(tx *store.RecordTx) error {
		if e := liveRecord(tx, id); e != nil {
			return e
		}
		return tx.Delete(id, at.UserID)
	})
	if writeTxError(w, err) {
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeTarget resolves the object and record ID of a PATCH or DELETE: an
// unknown object is 404 NOT_FOUND; an id that is not an ID of the object
// is 400 MALFORMED_ID.
func writeTarget(api *API, w http.ResponseWriter, r *http.Request, schema *orgSchema) (*sobject, string, bool) {
	vars := mux.Vars(r)
	o, ok := schema.object(vars["object"])
	if !ok {
		writeError(w, http.StatusNotFound, errNotFound)
		return nil, "", false
	}
	if o.readOnly {
		writeError(w, http.StatusBadRequest, errReadOnlyWrite(o, r.Method))
		return nil, "", false
	}
	id, ok := soql.CanonicalID(vars["id"])
	if !ok || id[:3] != o.keyPrefix {
		writeError(w, http.StatusBadRequest, errMalformedRecordID(o, vars["id"]))
		return nil, "", false
	}
	return o, id, true
}

// txError carries an answer out of a store transaction.
type txError struct {
	status int
	errs   []apiError
}

func (e *txError) Error() string { return "rest: " + e.errs[0].Code }

func failTx(status int, e apiError) *txError { return &txError{status: status, errs: []apiError{e}} }

// liveRecord fails unless the transaction's object has a live record id.
func liveRecord(tx *store.RecordTx, id string) error {
	rec, ok := tx.Get(id)
	switch {
	case !ok:
		return failTx(http.StatusNotFound, errNotFound)
	case rec.IsDeleted:
		return failTx(http.StatusNotFound, errDeletedDML())
	}
	return nil
}

// writeTxError answers a failed transaction; it reports whether there was
// one.
func writeTxError(w http.ResponseWriter, err error) bool {
	if err == nil {
		return false
	}
	var te *txError
	if errors.As(err, &te) {
		writeErrors(w, te.status, te.errs)
		return true
	}
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, errNotFound)
		return true
	}
	if errors.Is(err, store.ErrStorageLimitExceeded) {
		writeError(w, http.StatusBadRequest, errStorageLimit)
		return true
	}
	writeError(w, http.StatusInternalServerError, errInternal(err.Error()))
	return true
}

// recordBody is a record write's JSON object: values by key, in the
// order the keys came.
type recordBody struct {
	keys   []string
	values map[string]any
}

// readWrite reads the record body of a create (create) or an update of
// id and checks it in Salesforce's order: fields writable, values
// converted, required fields present, parents existing. It returns the
// values to store, or the first check's errors.
func readWrite(api *API, r *http.Request, orgID string, schema *orgSchema, o *sobject, create bool, id string) (map[string]any, []apiError) {
	body, errs := readRecordBody(r, o)
	if errs != nil {
		return nil, errs
	}
	return checkWrite(api, orgID, schema, o, body, create, id)
}

// checkWrite checks a record body read for a create (create) or an
// update of id, as readWrite does; SObject Collections check each of
// their records with it.
func checkWrite(api *API, orgID string, schema *orgSchema, o *sobject, body recordBody, create bool, id string) (map[string]any, []apiError) {
	if errs := checkWritable(o, body, create, id); errs != nil {
		return nil, errs
	}
	values, errs := convertFields(schema, o, body)
	if errs != nil {
		return nil, errs
	}
	if errs := checkRequired(o, values, create); errs != nil {
		return nil, errs
	}
	if errs := checkParents(api, orgID, schema, o, values); errs != nil {
		return nil, errs
	}
	return values, nil
}

// readRecordBody reads a JSON object. Numbers stay json.Number, so that
// what was sent can be quoted back in errors.
func readRecordBody(r *http.Request, o *sobject) (recordBody, []apiError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxRecordBody))
	if err != nil {
		return recordBody{}, []apiError{errJSONParser("mocksf: reading the body: " + err.Error())}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return recordBody{}, []apiError{errJSONParser("The HTTP entity body is required, but this request has no entity body.")}
	}
	return parseRecordBody(data, o)
}

// parseRecordBody parses one record's JSON object.
func parseRecordBody(data []byte, o *sobject) (recordBody, []apiError) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	body := recordBody{values: map[string]any{}}
	tok, err := dec.Token()
	if err != nil {
		return recordBody{}, []apiError{jsonError(data, dec, err)}
	}
	if tok != json.Delim('{') {
		kind := "VALUE_STRING"
		switch tok.(type) {
		case json.Delim:
			kind = "START_ARRAY"
		case json.Number:
			kind = "VALUE_NUMBER_INT"
		case bool:
			kind = "VALUE_TRUE"
		case nil:
			kind = "VALUE_NULL"
		}
		return recordBody{}, []apiError{errJSONParser(fmt.Sprintf("Cannot deserialize instance of %s from %s value", o.name, kind))}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return recordBody{}, []apiError{jsonError(data, dec, err)}
		}
		key := tok.(string) // object keys are strings
		var v any
		if err := dec.Decode(&v); err != nil {
			return recordBody{}, []apiError{jsonError(data, dec, err)}
		}
		if _, dup := body.values[key]; !dup {
			body.keys = append(body.keys, key)
		}
		body.values[key] = v
	}
	if _, err := dec.Token(); err != nil {
		return recordBody{}, []apiError{jsonError(data, dec, err)}
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := lineCol(data, int(dec.InputOffset()))
		return recordBody{}, []apiError{errJSONParser(fmt.Sprintf("Unexpected character after the JSON object at [line:%d, column:%d]", line, col))}
	}
	return body, nil
}

// jsonError words a JSON syntax error the way Salesforce's parser does,
// with its place in the body.
func jsonError(data []byte, dec *json.Decoder, err error) apiError {
	off := int(dec.InputOffset())
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || off >= len(data) {
		line, col := lineCol(data, len(data))
		return errJSONParser(fmt.Sprintf("Unexpected end-of-input: expected close marker for OBJECT at [line:%d, column:%d]", line, col))
	}
	if off > 0 && se != nil {
		off-- // the offset is past the offending byte
	}
	c, _ := utf8.DecodeRune(data[off:])
	line, col := lineCol(data, off)
	return errJSONParser(fmt.Sprintf("Unexpected character ('%c' (code %d)) at [line:%d, column:%d]", c, c, line, col))
}

// lineCol is the 1-based line and column of a byte offset.
func lineCol(data []byte, off int) (int, int) {
	line, col := 1, 1
	for _, c := range string(data[:min(off, len(data))]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// checkWritable reports unknown fields (INVALID_FIELD, the first one) and
// fields the operation cannot set (INVALID_FIELD_FOR_INSERT_UPDATE, all
// of them). On update an Id equal to the record's is allowed.
func checkWritable(o *sobject, body recordBody, create bool, id string) []apiError {
	var readOnly []string
	for _, k := range body.keys {
		if k == "attributes" {
			continue
		}
		f := o.fieldPtr(k)
		if f == nil {
			return []apiError{errNoSuchField(k, o.name)}
		}
		if f.name == "Id" && !create {
			if s, ok := body.values[k].(string); ok {
				if c, _ := soql.CanonicalID(s); c == id {
					continue
				}
			}
		}
		if create && !f.createable() || !create && !f.updateable() {
			readOnly = append(readOnly, f.name)
		}
	}
	if len(readOnly) > 0 {
		return []apiError{errNotWritable(readOnly)}
	}
	return nil
}

// convertFields turns the body's values into what the store keeps, by
// the schema's field names: text as string, numbers as float64, booleans
// as bool, dates and datetimes as UTC time.Time, IDs in their
// 18-character form, and nil to clear a field. Every value that does not
// fit its field is reported.
func convertFields(schema *orgSchema, o *sobject, body recordBody) (map[string]any, []apiError) {
	out := make(map[string]any, len(body.keys))
	var errs []apiError
	for _, k := range body.keys {
		if k == "attributes" {
			continue
		}
		f := o.fieldPtr(k)
		if f.name == "Id" {
			continue // checkWritable allowed it: the record's own ID
		}
		v, e := convertValue(schema, *f, body.values[k])
		if e != nil {
			errs = append(errs, *e)
			continue
		}
		out[f.name] = v
	}
	return out, errs
}

// emailPattern is a plausible email address, as Salesforce checks them.
var emailPattern = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

// convertValue converts one JSON value for a field.
func convertValue(schema *orgSchema, f fieldDef, raw any) (any, *apiError) {
	if raw == nil {
		return nil, nil
	}
	quoted := quote(raw)
	switch f.typ {
	case "boolean":
		switch x := raw.(type) {
		case bool:
			return x, nil
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b, nil
			}
		}
		return rejected(errWrongType(f, quoted))
	case "int", "double", "currency", "percent":
		var n float64
		var err error
		switch x := raw.(type) {
		case json.Number:
			n, err = x.Float64()
		case string:
			if strings.TrimSpace(x) == "" {
				return nil, nil
			}
			n, err = strconv.ParseFloat(strings.TrimSpace(x), 64)
		default:
			err = errors.New("not a number")
		}
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) || f.typ == "int" && n != math.Trunc(n) {
			return rejected(errWrongType(f, quoted))
		}
		digits := f.precision - f.scale
		if f.typ == "int" {
			digits = f.digits
		}
		if digits > 0 && math.Abs(n) >= math.Pow(10, float64(digits)) {
			return rejected(errOutOfRange(f, quoted))
		}
		return n, nil
	case "date", "datetime":
		s, ok := raw.(string)
		if !ok {
			return rejected(errWrongType(f, quoted))
		}
		if s == "" {
			return nil, nil
		}
		// A date takes a datetime too, and keeps its day.
		t, err := soql.ParseDateTime(s)
		if f.typ == "date" {
			if d, dateErr := time.Parse(time.DateOnly, s); dateErr == nil {
				t, err = d, nil
			}
		}
		switch {
		case err != nil:
			return rejected(errWrongType(f, quoted))
		case f.typ == "date":
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
		return t.Truncate(time.Second), nil
	case "reference", "id":
		s, ok := raw.(string)
		if !ok {
			return rejected(errBadID(f, quoted))
		}
		if s == "" {
			return nil, nil
		}
		id, ok := soql.CanonicalID(s)
		if !ok || !referencesPrefix(schema, f, id[:3]) {
			return rejected(errBadID(f, s))
		}
		return id, nil
	}
	// Text of every kind.
	var s string
	switch x := raw.(type) {
	case string:
		s = x
	case json.Number:
		s = x.String()
	case bool:
		s = strconv.FormatBool(x)
	default:
		return rejected(errWrongType(f, quoted))
	}
	if s == "" {
		return nil, nil
	}
	if f.typ == "multipicklist" {
		var values []string
		for _, v := range strings.Split(s, ";") {
			if v = strings.TrimSpace(v); v != "" && !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		for _, v := range values {
			if f.restricted && !slices.Contains(f.picklist, v) {
				return rejected(errRestrictedPicklist(f, v))
			}
		}
		s = strings.Join(values, ";")
	}
	if utf8.RuneCountInString(s) > f.length {
		return rejected(errStringTooLong(f, s))
	}
	switch {
	case f.typ == "email" && !emailPattern.MatchString(s):
		return rejected(errBadEmail(f, s))
	case f.typ == "picklist" && f.restricted && !slices.Contains(f.picklist, s):
		return rejected(errRestrictedPicklist(f, s))
	}
	return s, nil
}

// rejected is convertValue's answer for a value its field does not take.
func rejected(e apiError) (any, *apiError) {
	return nil, &e
}

// quote is a JSON value as an error message quotes it.
func quote(raw any) string {
	switch x := raw.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	b, _ := json.Marshal(raw)
	return string(b)
}

// referencesPrefix reports whether a reference field may point at IDs
// with the key prefix.
func referencesPrefix(schema *orgSchema, f fieldDef, prefix string) bool {
	if f.typ == "id" {
		return false
	}
	for _, to := range f.referenceTo {
		if o, ok := schema.objects[strings.ToLower(to)]; ok && o.keyPrefix == prefix {
			return true
		}
	}
	return false
}

// checkRequired reports required fields without a value: on create those
// absent or null, unless Salesforce fills them in; on update those set to
// null.
func checkRequired(o *sobject, values map[string]any, create bool) []apiError {
	var missing []string
	for _, f := range o.fields {
		if !f.required || f.system || f.defaultPick != "" || f.typ == "boolean" {
			continue
		}
		v, present := values[f.name]
		if create && f.createable() && v == nil || !create && present && v == nil {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return []apiError{errRequiredMissing(missing)}
	}
	return nil
}

// checkParents reports lookups to records the org does not have.
func checkParents(api *API, orgID string, schema *orgSchema, o *sobject, values map[string]any) []apiError {
	env := api.newEnv(orgID, schema, "")
	var errs []apiError
	for _, f := range o.fields {
		id, ok := values[f.name].(string)
		if !ok || f.typ != "reference" {
			continue
		}
		ff := f
		ff.polymorphic = true // find the object by the ID's key prefix
		if env.lookup(&ff, id) == nil {
			errs = append(errs, errNoSuchParent(f))
		}
	}
	return errs
}

// checkUnique reports a value of a unique field that another live record
// of the object has already.
func checkUnique(tx *store.RecordTx, o *sobject, values map[string]any, self string) error {
	var unique []*fieldDef
	for i := range o.fields {
		if f := &o.fields[i]; f.unique && values[f.name] != nil {
			unique = append(unique, f)
		}
	}
	if len(unique) == 0 {
		return nil
	}
	for _, rec := range tx.Records() {
		if rec.IsDeleted || rec.ID == self {
			continue
		}
		for _, f := range unique {
			if sameValue(*f, storedValue(rec.Fields, f.name), values[f.name]) {
				return failTx(http.StatusBadRequest, errDuplicate(*f, rec.ID))
			}
		}
	}
	return nil
}

// sameValue compares a stored value with another as a unique or external
// ID field does: text without regard to case unless the field is case
// sensitive.
func sameValue(f fieldDef, stored, want any) bool {
	t := f.queryType()
	a, b := soql.Coerce(t, stored), soql.Coerce(t, want)
	if a == nil || b == nil {
		return false
	}
	if sa, ok := a.(string); ok {
		sb := b.(string)
		if f.caseSensitive {
			return sa == sb
		}
		return strings.EqualFold(sa, sb)
	}
	if ta, ok := a.(time.Time); ok {
		return ta.Equal(b.(time.Time))
	}
	return a == b
}

// HandleExternalID answers /services/data/vXX.X/sobjects/{object}/{field}/{value},
// the records of an external ID field (or any ID lookup field, or Id):
// GET reads the record with that value, PATCH upserts it (201 and
// "created":true for a new record; 200 and "created":false for an
// update, 204 before API 46.0; with ?updateOnly=true no record is
// created) and DELETE deletes it. Several records with the value are 300
// with their URLs; a field that is neither is 404 NOT_FOUND "Provided
// external ID field does not exist or is not accessible".
func HandleExternalID(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		vars := mux.Vars(r)
		f, ok := o.field(vars["field"])
		if !ok || !f.externalID && !f.idLookup {
			writeError(w, http.StatusNotFound, errNoSuchExternalID(vars["field"]))
			return
		}
		if f.name == "Id" {
			// /sobjects/Account/Id/001... is the record itself.
			r = mux.SetURLVars(r, map[string]string{"version": vars["version"], "object": vars["object"], "id": vars["value"]})
			if r.Method == http.MethodPatch {
				upsertByID(api, w, r)
				return
			}
			HandleRecord(api).ServeHTTP(w, r)
			return
		}
		want, e := convertValue(schema, f, vars["value"])
		if e != nil {
			writeError(w, http.StatusBadRequest, *e)
			return
		}
		if r.Method == http.MethodPatch {
			upsert(api, w, r, schema, o, f, want)
			return
		}
		if o.readOnly && r.Method == http.MethodDelete {
			writeError(w, http.StatusBadRequest, errReadOnlyWrite(o, r.Method))
			return
		}
		env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
		var matches []*recordView
		views := env.views(o, false)
		for i := range views {
			if sameValue(f, views[i].get(f.name), want) {
				matches = append(matches, &views[i])
			}
		}
		switch {
		case len(matches) == 0:
			writeError(w, http.StatusNotFound, errNotFound)
			return
		case len(matches) > 1:
			writeMultipleChoices(w, versionBase(r), o, matches)
			return
		}
		v := matches[0]
		if r.Method == http.MethodDelete {
			err := api.updateRecords(r.Context(), at.OrgID, o.name, func(tx *store.RecordTx) error {
				if e := liveRecord(tx, v.id()); e != nil {
					return e
				}
				return tx.Delete(v.id(), at.UserID)
			})
			if !writeTxError(w, err) {
				w.WriteHeader(http.StatusNoContent)
			}
			return
		}
		var b bytes.Buffer
		appendRecord(&b, versionBase(r), v, allFieldsPlan(o))
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}

// writeMultipleChoices answers 300 with the URLs of the records an
// external ID matched.
func writeMultipleChoices(w http.ResponseWriter, base string, o *sobject, matches []*recordView) {
	urls := make([]string, len(matches))
	for i, v := range matches {
		urls[i] = base + "/sobjects/" + o.name + "/" + v.id()
	}
	writeJSON(w, http.StatusMultipleChoices, urls)
}

// upsert creates or updates the record whose external ID field f has the
// value want.
func upsert(api *API, w http.ResponseWriter, r *http.Request, schema *orgSchema, o *sobject, f fieldDef, want any) {
	at, _ := TokenFrom(r.Context())
	if o.readOnly {
		writeError(w, http.StatusBadRequest, errReadOnlyWrite(o, r.Method))
		return
	}
	body, errs := readRecordBody(r, o)
	var values map[string]any
	if errs == nil {
		// Writability depends on whether the record exists; creatable is
		// checked for a new record below.
		for _, k := range body.keys {
			if k != "attributes" && o.fieldPtr(k) == nil {
				errs = []apiError{errNoSuchField(k, o.name)}
				break
			}
		}
	}
	if errs == nil {
		values, errs = convertFields(schema, o, body)
	}
	if errs == nil {
		errs = checkParents(api, at.OrgID, schema, o, values)
	}
	if errs != nil {
		writeErrors(w, http.StatusBadRequest, errs)
		return
	}
	updateOnly, _ := strconv.ParseBool(r.URL.Query().Get("updateOnly"))
	var id string
	var created bool
	err := api.updateRecords(r.Context(), at.OrgID, o.name, func(tx *store.RecordTx) error {
		matches := externalIDMatches(tx, f, want)
		switch {
		case len(matches) > 1:
			return &multipleMatches{records: matches}
		case len(matches) == 0 && updateOnly:
			return failTx(http.StatusNotFound, errNotFound)
		}
		var match *store.Record
		if len(matches) == 1 {
			match = matches[0]
		}
		var err error
		id, err = upsertInto(tx, at.UserID, o, f, body, values, want, match)
		created = match == nil
		return err
	})
	var mm *multipleMatches
	if errors.As(err, &mm) {
		urls := make([]string, len(mm.records))
		for i, rec := range mm.records {
			urls[i] = versionBase(r) + "/sobjects/" + o.name + "/" + rec.ID
		}
		writeJSON(w, http.StatusMultipleChoices, urls)
		return
	}
	if writeTxError(w, err) {
		return
	}
	writeUpsertResult(w, r, id, created)
}

// externalIDMatches are the live records whose external ID field f has
// the value want.
func externalIDMatches(tx *store.RecordTx, f fieldDef, want any) []*store.Record {
	var matches []*store.Record
	for _, rec := range tx.Records() {
		if !rec.IsDeleted && sameValue(f, storedValue(rec.Fields, f.name), want) {
			matches = append(matches, rec)
		}
	}
	return matches
}

// upsertInto updates match, the one record an upsert's external ID value
// found, or creates a record with the value when match is nil, checking
// the values as an update or a create does, and returns the record's
// ID. The single-record and the collection upsert share it.
func upsertInto(tx *store.RecordTx, userID string, o *sobject, f fieldDef, body recordBody, values map[string]any, want any, match *store.Record) (string, error) {
	if match != nil {
		id := match.ID
		if errs := checkWritable(o, body, false, id); errs != nil {
			return id, &txError{status: http.StatusBadRequest, errs: errs}
		}
		if errs := checkRequired(o, values, false); errs != nil {
			return id, &txError{status: http.StatusBadRequest, errs: errs}
		}
		if e := checkUnique(tx, o, values, id); e != nil {
			return id, e
		}
		_, err := tx.Update(id, userID, values)
		return id, err
	}
	if errs := checkWritable(o, body, true, ""); errs != nil {
		return "", &txError{status: http.StatusBadRequest, errs: errs}
	}
	values[f.name] = want
	if errs := checkRequired(o, values, true); errs != nil {
		return "", &txError{status: http.StatusBadRequest, errs: errs}
	}
	if e := checkUnique(tx, o, values, ""); e != nil {
		return "", e
	}
	rec, err := tx.Insert(userID, values)
	return rec.ID, err
}

// multipleMatches is an upsert whose value more than one record has.
type multipleMatches struct{ records []*store.Record }

func (*multipleMatches) Error() string { return "rest: external ID matches several records" }

// upsertByID is PATCH /sobjects/{object}/Id/{id}: an update answered as
// an upsert.
func upsertByID(api *API, w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	updateRecord(api, rec, r)
	if rec.status == http.StatusNoContent {
		id, _ := soql.CanonicalID(mux.Vars(r)["id"])
		writeUpsertResult(w, r, id, false)
	}
}

// statusRecorder passes an answer through, except a 204, which it only
// notes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	if status != http.StatusNoContent {
		s.ResponseWriter.WriteHeader(status)
	}
}

// writeUpsertResult answers a successful upsert.
func writeUpsertResult(w http.ResponseWriter, r *http.Request, id string, created bool) {
	if created {
		writeJSON(w, http.StatusCreated, saveResult{ID: id, Success: true, Errors: []any{}, Created: &created})
		return
	}
	if v, ok := parseVersion(strings.TrimPrefix(mux.Vars(r)["version"], "v")); ok && v.major < upsertResultVersion {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, saveResult{ID: id, Success: true, Errors: []any{}, Created: &created})
}
