package soql

import "time"

// Query is a parsed SELECT statement. Parse fills in names as written;
// Resolve replaces them with the schema's spelling and attaches each
// field's description.
type Query struct {
	// Count is set for SELECT COUNT(): the result is the number of
	// matching rows, not the rows.
	Count bool
	// Fields are the selected fields, in the order written.
	Fields []FieldRef
	// Object is the queried object (the FROM clause).
	Object    string
	ObjectPos Pos
	// Where is the filter, nil when there is no WHERE clause.
	Where Expr
	// OrderBy lists the sort keys, most significant first.
	OrderBy []OrderItem
	// Limit is the LIMIT value, or -1 when there is none.
	Limit int
	// Offset is the OFFSET value, 0 when there is none.
	Offset int

	src      string
	toks     []token
	resolved bool
}

// FieldRef is a field named in a query.
type FieldRef struct {
	// Name is the field as written until Resolve, then its path as the
	// schema spells it: "Email", or "Account.Owner.Name" for a field of a
	// parent reached through relationships (a leading "Lead." naming the
	// queried object is dropped).
	Name  string
	Pos   Pos
	Field Field // the last field of the path; set by Resolve
	// Path lists the relationships Name follows, as the schema spells
	// them, with the object each leads to; empty for a field of the
	// queried object. Set by Resolve.
	Path []Relationship

	tok int // index of the token, for error messages
}

// OrderItem is one ORDER BY key.
type OrderItem struct {
	Field FieldRef
	Desc  bool
	// NullsLast puts null values after the others; Salesforce's default
	// (NULLS FIRST) puts them before, whatever the direction.
	NullsLast bool
}

// Expr is a WHERE condition: *And, *Or, *Not, *Comparison, *In or
// *Includes.
type Expr interface{ isExpr() }

// And holds when all its terms hold.
type And struct{ Terms []Expr }

// Or holds when any of its terms holds.
type Or struct{ Terms []Expr }

// Not holds when X does not.
type Not struct{ X Expr }

// Op is a comparison operator.
type Op int

// Comparison operators.
const (
	OpEq Op = iota
	OpNe
	OpLt
	OpLe
	OpGt
	OpGe
	OpLike
)

var opNames = [...]string{"=", "!=", "<", "<=", ">", ">=", "LIKE"}

func (o Op) String() string { return opNames[o] }

// Comparison compares a field with a value: Field Op Value.
type Comparison struct {
	Field FieldRef
	Op    Op
	Value Value
}

// In tests a field against a list of values: Field [NOT] IN (Values).
type In struct {
	Field  FieldRef
	Negate bool
	Values []Value
}

// Includes tests a multi-select picklist: Field INCLUDES (Values) holds
// when the field's selection contains all the values of one of the
// Values, each of which is a set written "a;b"; EXCLUDES (Negate) holds
// when it contains none of them.
type Includes struct {
	Field  FieldRef
	Negate bool
	Values []Value
}

func (*Includes) isExpr()   {}
func (*And) isExpr()        {}
func (*Or) isExpr()         {}
func (*Not) isExpr()        {}
func (*Comparison) isExpr() {}
func (*In) isExpr()         {}

// ValueKind says what a literal is.
type ValueKind int

// Kinds of literal.
const (
	ValueNull ValueKind = iota
	ValueString
	ValueNumber
	ValueBoolean
	ValueDate     // 2026-01-02; Time is midnight UTC
	ValueDateTime // 2026-01-02T03:04:05Z
	ValueRelative // TODAY, LAST_N_DAYS:n ...; Relative and N say which
)

// Value is a literal of a condition.
type Value struct {
	Kind ValueKind
	Text string // the literal as written
	Pos  Pos
	Str  string    // ValueString: the decoded string
	Num  float64   // ValueNumber
	Bool bool      // ValueBoolean
	Time time.Time // ValueDate, ValueDateTime (UTC)
	// Relative is the upper-case name of a relative date literal (TODAY,
	// LAST_N_DAYS, ...) and N its number, when it takes one.
	Relative string
	N        int

	tok int
}
