package soql

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Row is one record as the evaluator reads it: values by the schema's
// field names. A missing key is a null. Values may be of any reasonable Go
// type; Coerce says how each field type reads them.
type Row map[string]any

// Run returns the rows the query selects, in order: those matching the
// WHERE clause, sorted by ORDER BY (stable, so rows equal on every key keep
// their input order), then OFFSET and LIMIT applied. now anchors relative
// date literals such as TODAY; days run midnight to midnight UTC. Run
// panics when the query has not been resolved.
func (q *Query) Run(rows []Row, now time.Time) []Row {
	if !q.resolved {
		panic("soql: Run on a query that was not resolved")
	}
	match := q.Matcher(now)
	var out []Row
	for _, r := range rows {
		if match(r) {
			out = append(out, r)
		}
	}
	if len(q.OrderBy) > 0 {
		q.sort(out)
	}
	if q.Offset >= len(out) {
		return nil
	}
	out = out[q.Offset:]
	if q.Limit >= 0 && q.Limit < len(out) {
		out = out[:q.Limit]
	}
	return out
}

// Matcher returns the WHERE clause as a predicate; it accepts every row
// when there is none.
func (q *Query) Matcher(now time.Time) func(Row) bool {
	if q.Where == nil {
		return func(Row) bool { return true }
	}
	return compile(q.Where, now.UTC())
}

func compile(e Expr, now time.Time) func(Row) bool {
	switch e := e.(type) {
	case *And:
		terms := compileAll(e.Terms, now)
		return func(r Row) bool {
			for _, t := range terms {
				if !t(r) {
					return false
				}
			}
			return true
		}
	case *Or:
		terms := compileAll(e.Terms, now)
		return func(r Row) bool {
			for _, t := range terms {
				if t(r) {
					return true
				}
			}
			return false
		}
	case *Not:
		x := compile(e.X, now)
		return func(r Row) bool { return !x(r) }
	case *Comparison:
		return compileComparison(e, now)
	case *In:
		return compileIn(e, now)
	}
	panic(fmt.Sprintf("soql: unknown expression %T", e))
}

func compileAll(es []Expr, now time.Time) []func(Row) bool {
	out := make([]func(Row) bool, len(es))
	for i, e := range es {
		out[i] = compile(e, now)
	}
	return out
}

// compileComparison follows SOQL's null rules: "= null" and "!= null" test
// for the null; a null field is "!=" every other value and fails every
// other comparison.
func compileComparison(c *Comparison, now time.Time) func(Row) bool {
	name, typ := c.Field.Name, c.Field.Field.Type
	if c.Value.Kind == ValueNull {
		want := c.Op == OpEq
		return func(r Row) bool { return (Coerce(typ, r[name]) == nil) == want }
	}
	if c.Op == OpLike {
		pattern := likeRegexp(c.Value.Text)
		return func(r Row) bool {
			s, ok := Coerce(typ, r[name]).(string)
			return ok && pattern.MatchString(s)
		}
	}
	if c.Value.Kind == ValueRelative {
		start, end := relativeRange(c.Value, now)
		return func(r Row) bool {
			t, ok := Coerce(typ, r[name]).(time.Time)
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
	return func(r Row) bool {
		v := Coerce(typ, r[name])
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
func compileIn(in *In, now time.Time) func(Row) bool {
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
	return func(r Row) bool {
		v := Coerce(typ, r[name])
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
// whole UTC days.
func relativeRange(v Value, now time.Time) (start, end time.Time) {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return today.AddDate(0, 0, n) }
	switch v.Relative {
	case "YESTERDAY":
		return day(-1), today
	case "TOMORROW":
		return day(1), day(2)
	case "LAST_N_DAYS":
		// Today and the n days before it.
		return day(-v.N), day(1)
	case "NEXT_N_DAYS":
		// The n days after today.
		return day(1), day(1 + v.N)
	default: // TODAY
		return today, day(1)
	}
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

// sort orders rows by the ORDER BY keys. Nulls go first unless NULLS
// LAST says otherwise, in both directions, as Salesforce documents.
func (q *Query) sort(rows []Row) {
	type keyed struct {
		row  Row
		keys []any
	}
	items := make([]keyed, len(rows))
	for i, r := range rows {
		keys := make([]any, len(q.OrderBy))
		for k, o := range q.OrderBy {
			keys[k] = Coerce(o.Field.Field.Type, r[o.Field.Name])
		}
		items[i] = keyed{r, keys}
	}
	sort.SliceStable(items, func(i, j int) bool {
		for k, o := range q.OrderBy {
			a, b := items[i].keys[k], items[j].keys[k]
			var cmp int
			switch {
			case a == nil && b == nil:
				continue
			case a == nil:
				cmp = -1
				if o.NullsLast {
					cmp = 1
				}
				return cmp < 0
			case b == nil:
				cmp = 1
				if o.NullsLast {
					cmp = -1
				}
				return cmp < 0
			}
			cmp = compareValues(o.Field.Field.Type, a, b)
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

// Coerce reads a stored value as the field type says: text as string
// (empty text is null, as in Salesforce), IDs as string, booleans as
// bool, numbers as float64, dates and datetimes as UTC time.Time (dates at
// midnight). Values it cannot read are null.
func Coerce(typ Type, v any) any {
	if v == nil {
		return nil
	}
	switch typ {
	case TypeString, TypeID:
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
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int8:
		f = float64(x)
	case int16:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint:
		f = float64(x)
	case uint8:
		f = float64(x)
	case uint16:
		f = float64(x)
	case uint32:
		f = float64(x)
	case uint64:
		f = float64(x)
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
		return nil
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
