package soql

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Record is a row as the evaluator reads it: Value returns the value of a
// resolved field path (FieldRef.Name, such as "Email" or "Account.Name"),
// nil for a null. Values may be of any reasonable Go type; Coerce says how
// each field type reads them.
type Record interface {
	Value(field string) any
}

// Row is a Record held in a map by field path; a missing key is a null.
type Row map[string]any

// Value returns the value of a field path.
func (r Row) Value(field string) any { return r[field] }

// Run returns the rows the query selects, in order: those matching the
// WHERE clause, sorted by ORDER BY (stable, so rows equal on every key keep
// their input order), then OFFSET and LIMIT applied. now anchors relative
// date literals such as TODAY; days run midnight to midnight UTC. Run
// panics when the query has not been resolved.
func (q *Query) Run(rows []Row, now time.Time) []Row { return Select(q, rows, now) }

// Select is Run for any kind of Record.
func Select[R Record](q *Query, rows []R, now time.Time) []R {
	if !q.resolved {
		panic("soql: Run on a query that was not resolved")
	}
	match := q.Matcher(now)
	var out []R
	for _, r := range rows {
		if match(r) {
			out = append(out, r)
		}
	}
	Sort(q, out)
	return Page(q, out)
}

// Page applies OFFSET and LIMIT to rows that are already filtered and
// sorted.
func Page[R any](q *Query, rows []R) []R {
	if q.Offset >= len(rows) {
		return nil
	}
	rows = rows[q.Offset:]
	if q.Limit >= 0 && q.Limit < len(rows) {
		rows = rows[:q.Limit]
	}
	return rows
}

// Matcher returns the WHERE clause as a predicate; it accepts every row
// when there is none.
func (q *Query) Matcher(now time.Time) func(Record) bool {
	if q.Where == nil {
		return func(Record) bool { return true }
	}
	return compile(q.Where, now.UTC())
}

func compile(e Expr, now time.Time) func(Record) bool {
	switch e := e.(type) {
	case *And:
		terms := compileAll(e.Terms, now)
		return func(r Record) bool {
			for _, t := range terms {
				if !t(r) {
					return false
				}
			}
			return true
		}
	case *Or:
		terms := compileAll(e.Terms, now)
		return func(r Record) bool {
			for _, t := range terms {
				if t(r) {
					return true
				}
			}
			return false
		}
	case *Not:
		x := compile(e.X, now)
		return func(r Record) bool { return !x(r) }
	case *Comparison:
		return compileComparison(e, now)
	case *In:
		return compileIn(e, now)
	case *Includes:
		return compileIncludes(e)
	}
	panic(fmt.Sprintf("soql: unknown expression %T", e))
}

func compileAll(es []Expr, now time.Time) []func(Record) bool {
	out := make([]func(Record) bool, len(es))
	for i, e := range es {
		out[i] = compile(e, now)
	}
	return out
}

// compileComparison follows SOQL's null rules: "= null" and "!= null" test
// for the null; a null field is "!=" every other value and fails every
// other comparison.
func compileComparison(c *Comparison, now time.Time) func(Record) bool {
	name, typ := c.Field.Name, c.Field.Field.Type
	if c.Value.Kind == ValueNull {
		want := c.Op == OpEq
		return func(r Record) bool { return (Coerce(typ, r.Value(name)) == nil) == want }
	}
	if c.Op == OpLike {
		pattern := likeRegexp(c.Value.Text)
		return func(r Record) bool {
			s, ok := Coerce(typ, r.Value(name)).(string)
			return ok && pattern.MatchString(s)
		}
	}
	if c.Value.Kind == ValueRelative {
		start, end := relativeRange(c.Value, now)
		return func(r Record) bool {
			t, ok := Coerce(typ, r.Value(name)).(time.Time)
			if !ok {
				return c.Op == OpNe
			}
			switch c.Op {
			case OpEq:
				return !t.Before(start) && t.Before(end)
			case OpNe:
				return t.Before(start) || !t.Before(end)
			case OpLt:
				return t.Before(start)
			case OpLe:
				return t.Before(end)
			case OpGt:
				return !t.Before(end)
			default: // OpGe
				return !t.Before(start)
			}
		}
	}
	lit := literal(typ, c.Value)
	op := c.Op
	return func(r Record) bool {
		v := Coerce(typ, r.Value(name))
		if v == nil {
			return op == OpNe
		}
		cmp := compareValues(typ, v, lit)
		switch op {
		case OpEq:
			return cmp == 0
		case OpNe:
			return cmp != 0
		case OpLt:
			return cmp < 0
		case OpLe:
			return cmp <= 0
		case OpGt:
			return cmp > 0
		default: // OpGe
			return cmp >= 0
		}
	}
}

// compileIn treats a null field as in no list, so NOT IN holds for it.
func compileIn(in *In, now time.Time) func(Record) bool {
	name, typ := in.Field.Name, in.Field.Field.Type
	set := map[any]bool{}
	var ranges [][2]time.Time
	wantNull := false
	for _, v := range in.Values {
		switch v.Kind {
		case ValueNull:
			wantNull = true
		case ValueRelative:
			start, end := relativeRange(v, now)
			ranges = append(ranges, [2]time.Time{start, end})
		default:
			set[setKey(typ, literal(typ, v))] = true
		}
	}
	return func(r Record) bool {
		v := Coerce(typ, r.Value(name))
		found := false
		switch {
		case v == nil:
			found = wantNull
		case set[setKey(typ, v)]:
			found = true
		default:
			if t, ok := v.(time.Time); ok {
				for _, rg := range ranges {
					if !t.Before(rg[0]) && t.Before(rg[1]) {
						found = true
						break
					}
				}
			}
		}
		return found != in.Negate
	}
}

// literal converts a filter value to the field's Go representation.
// Resolve has checked the kinds match.
func literal(typ Type, v Value) any {
	switch v.Kind {
	case ValueString:
		if typ == TypeID {
			return canonicalID(v.Str)
		}
		return v.Str
	case ValueNumber:
		return v.Num
	case ValueBoolean:
		return v.Bool
	case ValueDate, ValueDateTime:
		return v.Time
	}
	return nil
}

// setKey maps a value to a comparable key under which equal values (in
// SOQL's sense) collide.
func setKey(typ Type, v any) any {
	switch typ {
	case TypeString:
		return strings.ToLower(v.(string))
	case TypeMultiPicklist:
		return selectionKey(v.(string))
	case TypeID:
		return canonicalID(v.(string))
	case TypeDate, TypeDateTime:
		return v.(time.Time).UnixNano()
	}
	return v
}

// compareValues orders two non-null values of a field type. Text compares
// without regard to case, as SOQL does.
func compareValues(typ Type, a, b any) int {
	switch typ {
	case TypeString:
		return compareFold(a.(string), b.(string))
	case TypeMultiPicklist:
		return strings.Compare(selectionKey(a.(string)), selectionKey(b.(string)))
	case TypeID:
		return strings.Compare(canonicalID(a.(string)), canonicalID(b.(string)))
	case TypeBoolean:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	case TypeInt, TypeDouble:
		x, y := a.(float64), b.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	default: // TypeDate, TypeDateTime
		return a.(time.Time).Compare(b.(time.Time))
	}
}

// compareFold compares strings by their lower-case forms without
// allocating.
func compareFold(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
			if la != lb {
				if la < lb {
					return -1
				}
				return 1
			}
		}
		a, b = a[na:], b[nb:]
	}
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return -1
	}
	return 1
}

// relativeRange is the [start, end) a relative date literal covers, in
// whole UTC days. Weeks start on Sunday, as in the en_US locale; quarters
// and years are calendar ones (the default fiscal year).
func relativeRange(v Value, now time.Time) (start, end time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	// The current period of each unit, and how long one is.
	type period struct {
		start        time.Time
		months, days int
	}
	periods := map[string]period{
		"DAY":     {today, 0, 1},
		"WEEK":    {today.AddDate(0, 0, -int(today.Weekday())), 0, 7},
		"MONTH":   {time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC), 1, 0},
		"QUARTER": {time.Date(now.Year(), (now.Month()-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC), 3, 0},
		"YEAR":    {time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC), 12, 0},
	}
	name, n := strings.Replace(v.Relative, "_FISCAL", "", 1), v.N
	if alias, ok := dayLiterals[name]; ok {
		name, n = alias.name, alias.n
	}
	// from is the first period counted from the current one, count how
	// many periods the literal covers.
	var unit string
	var from, count int
	switch {
	case strings.HasPrefix(name, "LAST_N_"):
		unit, from, count = name[len("LAST_N_"):], -n, n
		if unit == "DAYS" {
			count++ // the last n days include today
		}
	case strings.HasPrefix(name, "NEXT_N_"):
		unit, from, count = name[len("NEXT_N_"):], 1, n
	case strings.HasSuffix(name, "_AGO"):
		unit, from, count = strings.TrimSuffix(name[len("N_"):], "_AGO"), -n, 1
	default: // LAST_, THIS_ or NEXT_ one period
		var which string
		which, unit, _ = strings.Cut(name, "_")
		from, count = map[string]int{"LAST": -1, "THIS": 0, "NEXT": 1}[which], 1
	}
	p := periods[strings.TrimSuffix(unit, "S")]
	at := func(k int) time.Time { return p.start.AddDate(0, p.months*k, p.days*k) }
	return at(from), at(from + count)
}

// dayLiterals are the relative date literals with names of their own,
// as the LAST_, THIS_, NEXT_ or N-taking literal each stands for.
var dayLiterals = map[string]struct {
	name string
	n    int
}{
	"YESTERDAY":    {"LAST_DAY", 0},
	"TODAY":        {"THIS_DAY", 0},
	"TOMORROW":     {"NEXT_DAY", 0},
	"LAST_90_DAYS": {"LAST_N_DAYS", 90},
	"NEXT_90_DAYS": {"NEXT_N_DAYS", 90},
}

// likeRegexp compiles a LIKE pattern literal: % is any run of characters,
// _ is one character, \% and \_ are themselves, and matching ignores case.
func likeRegexp(lit string) *regexp.Regexp {
	pattern, _ := decodeString(lit, true) // Parse has decoded it once already
	var b strings.Builder
	b.WriteString(`(?is)\A`)
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		switch {
		case r == '\\' && i+1 < len(pattern):
			next, n := utf8.DecodeRuneInString(pattern[i+1:])
			b.WriteString(regexp.QuoteMeta(string(next)))
			i += 1 + n
			continue
		case r == '%':
			b.WriteString(`.*`)
		case r == '_':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
		i += size
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

// Sort orders rows by the query's ORDER BY keys, stably. Nulls go first
// unless NULLS LAST says otherwise, in both directions, as Salesforce
// documents.
func Sort[R Record](q *Query, rows []R) {
	if len(q.OrderBy) == 0 || len(rows) < 2 {
		return
	}
	type keyed struct {
		row  R
		keys []any
	}
	items := make([]keyed, len(rows))
	keys := make([]any, len(rows)*len(q.OrderBy))
	for i, r := range rows {
		k := keys[i*len(q.OrderBy) : (i+1)*len(q.OrderBy) : (i+1)*len(q.OrderBy)]
		for j, o := range q.OrderBy {
			k[j] = Coerce(o.Field.Field.Type, r.Value(o.Field.Name))
		}
		items[i] = keyed{r, k}
	}
	sort.SliceStable(items, func(i, j int) bool {
		for k, o := range q.OrderBy {
			a, b := items[i].keys[k], items[j].keys[k]
			switch {
			case a == nil && b == nil:
				continue
			case a == nil:
				return !o.NullsLast
			case b == nil:
				return o.NullsLast
			}
			cmp := compareValues(o.Field.Field.Type, a, b)
			if o.Desc {
				cmp = -cmp
			}
			if cmp != 0 {
				return cmp < 0
			}
		}
		return false
	})
	for i := range items {
		rows[i] = items[i].row
	}
}

// compileIncludes matches multi-select picklists: INCLUDES holds when
// the field's selection contains every value of one of the sets, EXCLUDES
// when it contains none of them; a null field includes nothing.
func compileIncludes(in *Includes) func(Record) bool {
	name := in.Field.Name
	sets := make([][]string, len(in.Values))
	for i, v := range in.Values {
		sets[i] = splitSelection(v.Str)
	}
	return func(r Record) bool {
		have, _ := Coerce(TypeMultiPicklist, r.Value(name)).(string)
		selected := splitSelection(have)
		found := false
		for _, set := range sets {
			all := len(set) > 0
			for _, want := range set {
				if !containsFold(selected, want) {
					all = false
					break
				}
			}
			if all {
				found = true
				break
			}
		}
		return found != in.Negate
	}
}

// splitSelection reads a multi-select picklist value "a;b" as its values.
func splitSelection(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// selectionKey is a multi-select picklist value in a form that compares
// equal for the same set of values, whatever their order and case.
func selectionKey(s string) string {
	values := splitSelection(strings.ToLower(s))
	sort.Strings(values)
	return strings.Join(values, ";")
}

// Coerce reads a stored value as the field type says: text as string
// (empty text is null, as in Salesforce), IDs as string, booleans as
// bool, numbers as float64, dates and datetimes as UTC time.Time (dates at
// midnight). Values it cannot read are null.
func Coerce(typ Type, v any) any {
	if v == nil {
		return nil
	}
	switch typ {
	case TypeString, TypeID, TypeMultiPicklist:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case time.Time:
			s = x.UTC().Format(time.RFC3339)
		default:
			s = fmt.Sprint(x)
		}
		if s == "" {
			return nil
		}
		return s
	case TypeBoolean:
		switch x := v.(type) {
		case bool:
			return x
		case string:
			if b, err := strconv.ParseBool(x); err == nil {
				return b
			}
		}
		return nil
	case TypeInt, TypeDouble:
		return toFloat(v)
	case TypeDate:
		t, ok := toTime(v)
		if !ok {
			return nil
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	default: // TypeDateTime
		t, ok := toTime(v)
		if !ok {
			return nil
		}
		return t
	}
}

func toFloat(v any) any {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case json.Number:
		n, err := x.Float64()
		if err != nil {
			return nil
		}
		f = n
	case string:
		n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return nil
		}
		f = n
	default:
		// Go's other number types, by kind.
		switch rv := reflect.ValueOf(v); {
		case rv.CanInt():
			f = float64(rv.Int())
		case rv.CanUint():
			f = float64(rv.Uint())
		case rv.CanFloat():
			f = rv.Float()
		default:
			return nil
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

func toTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		if x.IsZero() {
			return time.Time{}, false
		}
		return x.UTC(), true
	case *time.Time:
		if x == nil || x.IsZero() {
			return time.Time{}, false
		}
		return x.UTC(), true
	case string:
		if t, err := ParseDateTime(x); err == nil {
			return t, true
		}
		if t, err := time.Parse(time.DateOnly, x); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
