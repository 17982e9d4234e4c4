package soql

import (
	"strings"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Type is what kind of value a field holds, as far as queries care.
type Type int

// Field types. Every describe type maps to one of them: picklists, emails,
// phones, URLs and text areas are TypeString; references are TypeID;
// currency and percent are TypeDouble.
const (
	TypeString Type = iota
	TypeID
	TypeBoolean
	TypeInt
	TypeDouble
	TypeDate
	TypeDateTime
	// TypeMultiPicklist is a multi-select picklist: values are strings
	// like "a;b", compared as sets.
	TypeMultiPicklist
)

// typeNames are the type names Salesforce uses in filter errors.
var typeNames = [...]string{"string", "id", "boolean", "integer", "double", "date", "dateTime", "multipicklist"}

func (t Type) String() string { return typeNames[t] }

// Field describes one field of an object for the resolver and evaluator.
type Field struct {
	Name       string // API name as the schema spells it
	Type       Type
	Filterable bool // may appear in WHERE
	Sortable   bool // may appear in ORDER BY
}

// Schema is what a query is checked against. Lookups ignore case, as
// Salesforce does.
type Schema interface {
	// Object returns the API name of the object called name.
	Object(name string) (string, bool)
	// Field describes the field called name of an object (given by its
	// API name).
	Field(object, name string) (Field, bool)
	// Relationship describes the relationship called name (such as
	// Account, Owner or Invoice__r) from an object to its parent.
	Relationship(object, name string) (Relationship, bool)
}

// Relationship is a step of a field path: from a record to its parent.
type Relationship struct {
	Name   string // as the schema spells it, such as Account
	Object string // the parent object; "Name" for polymorphic ones
}

// maxRelationshipDepth is how many relationships a field path may follow.
const maxRelationshipDepth = 5

// Compile parses a query and resolves it against a schema.
func Compile(src string, schema Schema) (*Query, error) {
	q, err := Parse(src)
	if err != nil {
		return nil, err
	}
	if err := q.Resolve(schema); err != nil {
		return nil, err
	}
	return q, nil
}

// Resolve checks the query's object and fields against a schema, replaces
// their names with the schema's spelling, and checks that every filter
// value suits its field. Errors are *Error and come in the order the
// problems appear in the query.
func (q *Query) Resolve(schema Schema) error {
	object, ok := schema.Object(q.Object)
	if !ok {
		i := q.tokenAt(q.ObjectPos)
		return positioned(CodeInvalidType, q.src, q.toks, i, msgUnsupportedObject(q.Object))
	}
	q.Object = object
	seen := map[string]bool{}
	for i := range q.Fields {
		if err := q.resolveField(schema, &q.Fields[i]); err != nil {
			return err
		}
		name := strings.ToLower(q.Fields[i].Name)
		if seen[name] {
			return q.errAt(q.Fields[i].tok, CodeMalformedQuery, msgDuplicateField(q.Fields[i].Name))
		}
		seen[name] = true
	}
	if q.Where != nil {
		if err := q.resolveExpr(schema, q.Where); err != nil {
			return err
		}
	}
	for i := range q.OrderBy {
		f := &q.OrderBy[i].Field
		if err := q.resolveField(schema, f); err != nil {
			return err
		}
		if !f.Field.Sortable {
			return q.errAt(f.tok, CodeInvalidField, msgNotSortable(f.Name))
		}
	}
	q.resolved = true
	return nil
}

func (q *Query) tokenAt(pos Pos) int {
	for i, t := range q.toks {
		if t.pos.Offset == pos.Offset {
			return i
		}
	}
	return len(q.toks) - 1
}

func (q *Query) errAt(tok int, code, explanation string) *Error {
	return positioned(code, q.src, q.toks, tok, explanation)
}

// resolveField looks a field up, following a path of parent
// relationships (Account.Owner.Name). A path may start with the queried
// object's name (Lead.Email), unless the object has a relationship of
// that name.
func (q *Query) resolveField(schema Schema, ref *FieldRef) error {
	parts := strings.Split(ref.Name, ".")
	if len(parts) > 1 && strings.EqualFold(parts[0], q.Object) {
		if _, ok := schema.Relationship(q.Object, parts[0]); !ok {
			parts = parts[1:]
		}
	}
	if len(parts) > maxRelationshipDepth+1 {
		return q.errAt(ref.tok, CodeMalformedQuery, msgTooManyLevels())
	}
	object := q.Object
	var path []Relationship
	names := make([]string, 0, len(parts))
	for _, step := range parts[:len(parts)-1] {
		rel, ok := schema.Relationship(object, step)
		if !ok {
			return q.errAt(ref.tok, CodeInvalidField, msgNoRelationship(step))
		}
		path = append(path, rel)
		names = append(names, rel.Name)
		object = rel.Object
	}
	last := parts[len(parts)-1]
	f, ok := schema.Field(object, last)
	if !ok {
		return q.errAt(ref.tok, CodeInvalidField, msgNoSuchColumn(last, object))
	}
	ref.Name, ref.Field, ref.Path = strings.Join(append(names, f.Name), "."), f, path
	return nil
}

func (q *Query) resolveExpr(schema Schema, e Expr) error {
	switch e := e.(type) {
	case *And:
		for _, t := range e.Terms {
			if err := q.resolveExpr(schema, t); err != nil {
				return err
			}
		}
	case *Or:
		for _, t := range e.Terms {
			if err := q.resolveExpr(schema, t); err != nil {
				return err
			}
		}
	case *Not:
		return q.resolveExpr(schema, e.X)
	case *Comparison:
		if err := q.resolveFilterField(schema, &e.Field); err != nil {
			return err
		}
		return q.checkValue(e.Field, e.Op, e.Value)
	case *In:
		if err := q.resolveFilterField(schema, &e.Field); err != nil {
			return err
		}
		if e.Field.Field.Type == TypeMultiPicklist {
			return q.errAt(e.Field.tok, CodeInvalidFilter, msgMultiPicklistOperator(e.Field.Name))
		}
		for _, v := range e.Values {
			if err := q.checkValue(e.Field, OpEq, v); err != nil {
				return err
			}
		}
	case *Includes:
		if err := q.resolveFilterField(schema, &e.Field); err != nil {
			return err
		}
		if e.Field.Field.Type != TypeMultiPicklist {
			return q.errAt(e.Field.tok, CodeInvalidFilter, msgIncludesType())
		}
		for _, v := range e.Values {
			if v.Kind != ValueString {
				return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(e.Field.Name, "multipicklist", true))
			}
		}
	}
	return nil
}

func (q *Query) resolveFilterField(schema Schema, ref *FieldRef) error {
	if err := q.resolveField(schema, ref); err != nil {
		return err
	}
	if !ref.Field.Filterable {
		return q.errAt(ref.tok, CodeInvalidField, msgNotFilterable(ref.Name))
	}
	return nil
}

// checkValue reports a literal that cannot be compared with the field.
func (q *Query) checkValue(f FieldRef, op Op, v Value) error {
	name, typ := f.Name, f.Field.Type
	if v.Kind == ValueNull {
		if op != OpEq && op != OpNe {
			return q.errAt(v.tok, CodeInvalidFilter, msgNullComparison(op.String()))
		}
		return nil
	}
	if op == OpLike && typ != TypeString {
		return q.errAt(f.tok, CodeInvalidFilter, msgLikeType(name))
	}
	switch typ {
	case TypeMultiPicklist:
		if op != OpEq && op != OpNe {
			return q.errAt(f.tok, CodeInvalidFilter, msgMultiPicklistOperator(name))
		}
		if v.Kind != ValueString {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "multipicklist", true))
		}
	case TypeString:
		if v.Kind != ValueString {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "string", true))
		}
	case TypeID:
		if v.Kind != ValueString {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "id", true))
		}
		if !validID(v.Str) {
			return q.errAt(v.tok, CodeInvalidFilter, msgInvalidID(v.Str))
		}
	case TypeBoolean:
		if v.Kind != ValueBoolean {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "boolean", false))
		}
		if op != OpEq && op != OpNe {
			return q.errAt(v.tok, CodeInvalidFilter, msgBooleanOperator(name))
		}
	case TypeInt, TypeDouble:
		if v.Kind != ValueNumber {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, typ.String(), false))
		}
	case TypeDate:
		if v.Kind != ValueDate && v.Kind != ValueRelative {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "date", false))
		}
	case TypeDateTime:
		if v.Kind != ValueDateTime && v.Kind != ValueRelative {
			return q.errAt(v.tok, CodeInvalidFilter, msgFilterType(name, "dateTime", false))
		}
	}
	return nil
}

// validID reports whether s is a 15- or 18-character ID.
func validID(s string) bool {
	_, ok := CanonicalID(s)
	return ok
}

// canonicalID is CanonicalID for callers that have checked the ID, or
// that compare anything else as is.
func canonicalID(s string) string {
	id, _ := CanonicalID(s)
	return id
}

// CanonicalID returns the 18-character form of a 15- or 18-character ID
// with the case of its first 15 characters restored from the checksum, so
// IDs that name the same record compare equal byte for byte whatever form
// and case they were written in. ok is false, and s returned as is, when s
// is not an ID.
func CanonicalID(s string) (id string, ok bool) {
	if len(s) != 15 && len(s) != 18 {
		return s, false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentPart(s[i]) || s[i] == '_' {
			return s, false
		}
	}
	if len(s) == 15 {
		return sfid.To18(s), true
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	b := []byte(s[:15])
	for chunk := 0; chunk < 3; chunk++ {
		c := s[15+chunk]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		bits := strings.IndexByte(alphabet, c)
		if bits < 0 {
			return s, false
		}
		for i := 0; i < 5; i++ {
			k := chunk*5 + i
			switch upper := bits&(1<<i) != 0; {
			case upper && b[k] >= 'a' && b[k] <= 'z':
				b[k] -= 'a' - 'A'
			case !upper && b[k] >= 'A' && b[k] <= 'Z':
				b[k] += 'a' - 'A'
			}
		}
	}
	return sfid.To18(string(b)), true
}
