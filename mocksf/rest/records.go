package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// dateTimeLayout is how the REST API writes datetimes.
const dateTimeLayout = "2006-01-02T15:04:05.000-0700"

// columns is the set of fields a row is built with: all of an object's
// for a record read, only those a query names otherwise, which keeps
// queries over many records cheap.
type columns []fieldDef

// allColumns is every field of the object.
func (o *sobject) allColumns() columns { return o.fields }

// queryColumns is the fields a resolved query selects, filters or sorts
// on, in schema order, and always the Id the record URLs need.
func (o *sobject) queryColumns(q *soql.Query) columns {
	used := map[string]bool{"Id": true}
	for _, f := range q.Fields {
		used[f.Name] = true
	}
	for _, item := range q.OrderBy {
		used[item.Field.Name] = true
	}
	var walk func(soql.Expr)
	walk = func(e soql.Expr) {
		switch e := e.(type) {
		case *soql.And:
			for _, t := range e.Terms {
				walk(t)
			}
		case *soql.Or:
			for _, t := range e.Terms {
				walk(t)
			}
		case *soql.Not:
			walk(e.X)
		case *soql.Comparison:
			used[e.Field.Name] = true
		case *soql.In:
			used[e.Field.Name] = true
		}
	}
	walk(q.Where)
	var out columns
	for _, f := range o.fields {
		if used[f.name] {
			out = append(out, f)
		}
	}
	return out
}

// recordRow turns a stored record into the row queries and renderers
// read, with the given columns: system fields from the record's struct
// fields, the others from Fields by the schema's spelling (stored keys
// are matched ignoring case; keys the schema does not know are never
// read), each value read as its field's type. Values Salesforce would
// have set on create are filled in: picklist defaults, false for
// booleans, the owner, the computed Name.
func (o *sobject) recordRow(r store.Record, cols columns) soql.Row {
	row := make(soql.Row, len(cols))
	for _, f := range cols {
		var v any
		switch f.name {
		case "Id":
			v = r.ID
		case "IsDeleted":
			v = r.IsDeleted
		case "CreatedDate":
			v = nonZeroTime(r.CreatedDate)
		case "LastModifiedDate", "SystemModstamp":
			v = nonZeroTime(r.LastModifiedDate)
		case "CreatedById", "LastModifiedById":
			// The store does not record who last modified a record.
			v = nonEmpty(r.CreatedByID)
		default:
			v = soql.Coerce(f.queryType(), storedValue(r.Fields, f.name))
			if v == nil && f.name == "OwnerId" {
				v = nonEmpty(r.CreatedByID)
			}
		}
		if v == nil {
			v = o.defaultValue(f, func(name string) any { return storedValue(r.Fields, name) })
		}
		if v != nil {
			row[f.name] = v
		}
	}
	return row
}

// storedValue reads a field from a record's Fields, ignoring the case of
// the stored key.
func storedValue(fields map[string]any, name string) any {
	if v, ok := fields[name]; ok {
		return v
	}
	for k, v := range fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

// defaultValue is what Salesforce would have stored in an empty field on
// create: the picklist default, false for a boolean, or the computed full
// Name, whose parts come from get.
func (o *sobject) defaultValue(f fieldDef, get func(string) any) any {
	switch {
	case f.defaultPick != "":
		return f.defaultPick
	case f.typ == "boolean":
		return false
	case f.name == "Name" && f.readOnly && o.hasField("LastName"):
		var parts []string
		for _, k := range []string{"FirstName", "LastName"} {
			if s, ok := soql.Coerce(soql.TypeString, get(k)).(string); ok {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			return strings.Join(parts, " ")
		}
	}
	return nil
}

// userRow turns a store user into a User row. The store keeps no audit
// dates for users, so those are null.
func (o *sobject) userRow(u store.User, cols columns) soql.Row {
	values := map[string]any{
		"Id": u.ID, "Username": u.Username, "Email": u.Email, "IsActive": u.Active,
		"FirstName": u.FirstName, "LastName": u.LastName,
	}
	get := func(name string) any { return values[name] }
	row := make(soql.Row, len(cols))
	for _, f := range cols {
		v := soql.Coerce(f.queryType(), values[f.name])
		if v == nil {
			v = o.defaultValue(f, get)
		}
		if v != nil {
			row[f.name] = v
		}
	}
	return row
}

func nonZeroTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// rows returns the org's records of an object as rows with the given
// columns, deleted ones only when withDeleted is set.
func (o *sobject) rows(st *store.Store, orgID string, withDeleted bool, cols columns) []soql.Row {
	if o.name == "User" {
		users := st.Users(orgID)
		out := make([]soql.Row, 0, len(users))
		for _, u := range users {
			out = append(out, o.userRow(u, cols))
		}
		return out
	}
	records := st.Records(orgID, o.name)
	out := make([]soql.Row, 0, len(records))
	for _, r := range records {
		if r.IsDeleted && !withDeleted {
			continue
		}
		out = append(out, o.recordRow(r, cols))
	}
	return out
}

// appendRecord writes a record's JSON: "attributes" first, then the given
// fields in order, a missing value as null.
func appendRecord(b *bytes.Buffer, base string, o *sobject, id string, fields []fieldDef, values []any) {
	b.WriteString(`{"attributes":{"type":`)
	appendString(b, o.name)
	b.WriteString(`,"url":`)
	appendString(b, base+"/sobjects/"+o.name+"/"+id)
	b.WriteByte('}')
	for i, f := range fields {
		b.WriteByte(',')
		appendString(b, f.name)
		b.WriteByte(':')
		appendValue(b, f, values[i])
	}
	b.WriteByte('}')
}

// appendString writes s as a JSON string. Most values need no escaping
// and are copied as they are; the rest go through encoding/json.
func appendString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			enc, _ := marshal(s) // strings always encode
			b.Write(enc)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// appendValue writes a value as the REST API does for the field's type.
func appendValue(b *bytes.Buffer, f fieldDef, v any) {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		appendString(b, x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case float64:
		if f.typ == "int" && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			b.WriteString(strconv.FormatInt(int64(x), 10))
			return
		}
		enc, err := json.Marshal(x)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(enc)
	case time.Time:
		if f.typ == "date" {
			appendString(b, x.UTC().Format(time.DateOnly))
		} else {
			appendString(b, x.UTC().Format(dateTimeLayout))
		}
	default:
		enc, err := json.Marshal(x)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(enc)
	}
}

// HandleRecord answers GET /services/data/vXX.X/sobjects/{object}/{id},
// with all fields or those listed in fields= (comma-separated).
//
// Failures follow Salesforce: an unknown object is 404 NOT_FOUND "The
// requested resource does not exist"; a segment that is not an ID of the
// object (malformed, or another object's key prefix) is 404 NOT_FOUND
// "Provided external ID field does not exist or is not accessible: <id>",
// because Salesforce then reads it as an external ID field name; a
// well-formed ID with no record is 404 NOT_FOUND; a deleted record is 404
// ENTITY_IS_DELETED; an unknown name in fields= is 400 INVALID_FIELD with
// the message of the SOQL query Salesforce builds from the request.
func HandleRecord(api Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		vars := mux.Vars(r)
		o, ok := lookupObject(vars["object"])
		if !ok {
			writeError(w, http.StatusNotFound, errNotFound)
			return
		}
		id, ok := soql.CanonicalID(vars["id"])
		if !ok || id[:3] != o.keyPrefix {
			writeError(w, http.StatusNotFound, errNoSuchExternalID(vars["id"]))
			return
		}
		fields := o.fields
		if list := r.URL.Query().Get("fields"); strings.TrimSpace(list) != "" {
			var apiErr *apiError
			if fields, apiErr = o.selectFields(list, id); apiErr != nil {
				writeError(w, http.StatusBadRequest, *apiErr)
				return
			}
		}
		row, found, deleted := o.lookup(api.Store, at.OrgID, id)
		switch {
		case deleted:
			writeError(w, http.StatusNotFound, errEntityDeleted)
			return
		case !found:
			writeError(w, http.StatusNotFound, errNotFound)
			return
		}
		values := make([]any, len(fields))
		for i, f := range fields {
			values[i] = row[f.name]
		}
		var b bytes.Buffer
		appendRecord(&b, versionBase(r), o, row["Id"].(string), fields, values)
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}

// selectFields resolves a fields= list the way Salesforce does: as the
// field list of a SOQL query on the record.
func (o *sobject) selectFields(list, id string) ([]fieldDef, *apiError) {
	names := strings.Split(list, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
		if !isFieldName(names[i]) {
			return nil, &apiError{Code: soql.CodeMalformedQuery, Message: "mocksf: invalid field name in fields: " + strconv.Quote(names[i])}
		}
	}
	q, err := soql.Compile("SELECT "+strings.Join(names, ",")+" FROM "+o.name+" WHERE Id = '"+id+"'", querySchema{})
	if err != nil {
		var se *soql.Error
		if errors.As(err, &se) {
			return nil, &apiError{Code: se.Code, Message: se.Message}
		}
		return nil, &apiError{Code: soql.CodeMalformedQuery, Message: err.Error()}
	}
	out := make([]fieldDef, len(q.Fields))
	for i, ref := range q.Fields {
		out[i], _ = o.field(ref.Name)
	}
	return out, nil
}

func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// lookup finds one record of the org by its canonical ID.
func (o *sobject) lookup(st *store.Store, orgID, id string) (row soql.Row, found, deleted bool) {
	if o.name == "User" {
		u, err := st.User(id)
		if err != nil || u.OrgID != orgID {
			return nil, false, false
		}
		return o.userRow(u, o.allColumns()), true, false
	}
	rec, err := st.Record(orgID, o.name, id)
	if err != nil {
		return nil, false, false
	}
	if rec.IsDeleted {
		return nil, true, true
	}
	return o.recordRow(rec, o.allColumns()), true, false
}
