package rest

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/soql"
)

// dateTimeLayout is how the REST API writes datetimes.
const dateTimeLayout = "2006-01-02T15:04:05.000-0700"

// planNode is one key of a rendered record: a field, or a relationship
// whose parent is rendered as a nested record with its own keys.
type planNode struct {
	key      string
	field    *fieldDef // for a field
	children []*planNode
}

// newPlan lays out the record JSON of a query's selected fields: fields
// in the order selected, fields of a parent gathered under its
// relationship name where the relationship first appears.
func newPlan(schema *orgSchema, o *sobject, refs []soql.FieldRef) []*planNode {
	var root []*planNode
	for _, ref := range refs {
		level, obj := &root, o
		for _, rel := range ref.Path {
			var node *planNode
			for _, n := range *level {
				if n.field == nil && n.key == rel.Name {
					node = n
				}
			}
			if node == nil {
				node = &planNode{key: rel.Name}
				*level = append(*level, node)
			}
			level, obj = &node.children, schema.objects[strings.ToLower(rel.Object)]
		}
		f := obj.fieldPtr(ref.Field.Name)
		*level = append(*level, &planNode{key: f.name, field: f})
	}
	return root
}

// allFieldsPlan renders every field of the object.
func allFieldsPlan(o *sobject) []*planNode {
	out := make([]*planNode, len(o.fields))
	for i := range o.fields {
		out[i] = &planNode{key: o.fields[i].name, field: &o.fields[i]}
	}
	return out
}

// appendRecord writes a record's JSON: "attributes" first, then the
// plan's keys in order, a missing value as null.
func appendRecord(b *bytes.Buffer, base string, v *recordView, plan []*planNode) {
	b.WriteString(`{"attributes":{"type":`)
	appendString(b, v.obj.name)
	b.WriteString(`,"url":`)
	appendString(b, base+"/sobjects/"+v.obj.name+"/"+v.id())
	b.WriteByte('}')
	for _, n := range plan {
		b.WriteByte(',')
		appendString(b, n.key)
		b.WriteByte(':')
		if n.field != nil {
			appendValue(b, *n.field, v.get(n.field.name))
			continue
		}
		p := v.parent(n.key)
		if p == nil {
			b.WriteString("null")
			continue
		}
		appendRecord(b, base, p, n.children)
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

// HandleRecord answers /services/data/vXX.X/sobjects/{object}/{id}: GET
// reads the record, with all fields or those listed in fields=
// (comma-separated); PATCH updates it and DELETE deletes it (write.go).
//
// Read failures follow Salesforce: an unknown object is 404 NOT_FOUND "The
// requested resource does not exist"; a segment that is not an ID of the
// object (malformed, or another object's key prefix) is 404 NOT_FOUND
// "Provided external ID field does not exist or is not accessible: <id>",
// because Salesforce then reads it as an external ID field name; a
// well-formed ID with no record is 404 NOT_FOUND; a deleted record is 404
// ENTITY_IS_DELETED; an unknown name in fields= is 400 INVALID_FIELD with
// the message of the SOQL query Salesforce builds from the request.
func HandleRecord(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPatch:
			updateRecord(api, w, r)
			return
		case http.MethodDelete:
			deleteRecord(api, w, r)
			return
		}
		at, schema, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		vars := mux.Vars(r)
		id, ok := soql.CanonicalID(vars["id"])
		if !ok || id[:3] != o.keyPrefix {
			writeError(w, http.StatusNotFound, errNoSuchExternalID(vars["id"]))
			return
		}
		plan := allFieldsPlan(o)
		if list := r.URL.Query().Get("fields"); strings.TrimSpace(list) != "" {
			var apiErr *apiError
			if plan, apiErr = selectFields(schema, o, list, id); apiErr != nil {
				writeError(w, http.StatusBadRequest, *apiErr)
				return
			}
		}
		env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
		v, deleted := env.find(o, id)
		switch {
		case deleted:
			writeError(w, http.StatusNotFound, errEntityDeleted)
			return
		case v == nil:
			writeError(w, http.StatusNotFound, errNotFound)
			return
		}
		var b bytes.Buffer
		appendRecord(&b, versionBase(r), v, plan)
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}

// selectFields resolves a fields= list the way Salesforce does: as the
// field list of a SOQL query on the record.
func selectFields(schema *orgSchema, o *sobject, list, id string) ([]*planNode, *apiError) {
	names := strings.Split(list, ",")
	for i, n := range names {
		names[i] = strings.TrimSpace(n)
		if !isFieldName(names[i]) {
			return nil, new(errFieldsParam(names[i]))
		}
	}
	q, err := soql.Compile("SELECT "+strings.Join(names, ",")+" FROM "+o.name+" WHERE Id = '"+id+"'", querySchema{schema})
	if err != nil {
		e := queryError(err)
		return nil, &e
	}
	return newPlan(schema, o, q.Fields), nil
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
