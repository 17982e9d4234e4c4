package soql

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// reserved words cannot name a field or an object; finding one where a
// name belongs is an unexpected token, as in Salesforce.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AND": true, "OR": true, "NOT": true,
	"IN": true, "LIKE": true, "ORDER": true, "BY": true, "LIMIT": true, "OFFSET": true,
	"NULL": true, "TRUE": true, "FALSE": true, "ASC": true, "DESC": true, "NULLS": true,
	"GROUP": true, "HAVING": true, "WITH": true, "USING": true, "FOR": true,
	"INCLUDES": true, "EXCLUDES": true,
}

// relativeDates are the date literals the evaluator knows; the value says
// whether the literal takes ":n". Fiscal periods are calendar periods: an
// org's default fiscal year starts in January.
var relativeDates = map[string]bool{
	"YESTERDAY": false, "TODAY": false, "TOMORROW": false,
	"LAST_WEEK": false, "THIS_WEEK": false, "NEXT_WEEK": false,
	"LAST_MONTH": false, "THIS_MONTH": false, "NEXT_MONTH": false,
	"LAST_90_DAYS": false, "NEXT_90_DAYS": false,
	"LAST_QUARTER": false, "THIS_QUARTER": false, "NEXT_QUARTER": false,
	"LAST_YEAR": false, "THIS_YEAR": false, "NEXT_YEAR": false,
	"LAST_FISCAL_QUARTER": false, "THIS_FISCAL_QUARTER": false, "NEXT_FISCAL_QUARTER": false,
	"LAST_FISCAL_YEAR": false, "THIS_FISCAL_YEAR": false, "NEXT_FISCAL_YEAR": false,
	"LAST_N_DAYS": true, "NEXT_N_DAYS": true, "N_DAYS_AGO": true,
	"LAST_N_WEEKS": true, "NEXT_N_WEEKS": true, "N_WEEKS_AGO": true,
	"LAST_N_MONTHS": true, "NEXT_N_MONTHS": true, "N_MONTHS_AGO": true,
	"LAST_N_QUARTERS": true, "NEXT_N_QUARTERS": true, "N_QUARTERS_AGO": true,
	"LAST_N_YEARS": true, "NEXT_N_YEARS": true, "N_YEARS_AGO": true,
	"LAST_N_FISCAL_QUARTERS": true, "NEXT_N_FISCAL_QUARTERS": true, "N_FISCAL_QUARTERS_AGO": true,
	"LAST_N_FISCAL_YEARS": true, "NEXT_N_FISCAL_YEARS": true, "N_FISCAL_YEARS_AGO": true,
}

// Limits on queries: Salesforce's largest OFFSET and longest statement
// (100,000 characters), and how deeply mocksf lets conditions nest, which
// bounds the parser's recursion.
const (
	maxOffset      = 2000
	maxQueryLength = 100000
	maxDepth       = 100
)

// Parse parses a SOQL SELECT statement. It checks syntax only; Resolve
// checks the names against a schema. Errors are *Error.
func Parse(src string) (*Query, error) {
	if len(src) > maxQueryLength {
		return nil, &Error{Code: CodeMalformedQuery, Message: msgTooLong()}
	}
	p := &parser{src: src, toks: tokenize(src)}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return q, nil
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int // of NOT and parentheses around the current condition
}

func (p *parser) peek() token { return p.toks[p.i] }

// next consumes a token; the EOF token is never passed.
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(i int, code, explanation string) *Error {
	return positioned(code, p.src, p.toks, i, explanation)
}

// unexpected reports the current token, explaining lexer failures the way
// Salesforce's ANTLR-based parser does.
func (p *parser) unexpected() *Error {
	t := p.peek()
	if t.kind == tokIllegal {
		if strings.HasPrefix(t.text, "'") {
			end := p.toks[len(p.toks)-1].pos
			return p.errAt(p.i, CodeMalformedQuery, msgUnterminated(end.Row, end.Col-1))
		}
		return p.errAt(p.i, CodeMalformedQuery, msgIllegalChar(t.pos.Row, t.pos.Col-1, t.text))
	}
	return p.errAt(p.i, CodeMalformedQuery, msgUnexpected(t.text))
}

func (p *parser) keyword(kw string) bool {
	if p.peek().is(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expectKeyword(kw string) error {
	if !p.keyword(kw) {
		return p.unexpected()
	}
	return nil
}

func (p *parser) expect(kind tokenKind) error {
	if p.peek().kind != kind {
		return p.unexpected()
	}
	p.next()
	return nil
}

func (p *parser) query() (*Query, error) {
	q := &Query{Limit: -1, src: p.src, toks: p.toks}
	if err := p.expectKeyword("SELECT"); err != nil {
		return nil, err
	}
	if err := p.selectList(q); err != nil {
		return nil, err
	}
	if err := p.expectKeyword("FROM"); err != nil {
		return nil, err
	}
	obj, err := p.objectName()
	if err != nil {
		return nil, err
	}
	q.Object, q.ObjectPos = obj.Name, obj.Pos
	if p.keyword("WHERE") {
		if q.Where, err = p.condition(); err != nil {
			return nil, err
		}
	}
	if p.keyword("ORDER") {
		if err := p.expectKeyword("BY"); err != nil {
			return nil, err
		}
		if q.OrderBy, err = p.orderList(); err != nil {
			return nil, err
		}
	}
	if p.keyword("LIMIT") {
		if q.Limit, err = p.integer(); err != nil {
			return nil, err
		}
	}
	if p.peek().is("OFFSET") {
		p.next()
		at := p.i
		if q.Offset, err = p.integer(); err != nil {
			return nil, err
		}
		if q.Offset > maxOffset {
			return nil, p.errAt(at, CodeOutOfRange, msgMaxOffset())
		}
	}
	if p.peek().kind != tokEOF {
		return nil, p.unexpected()
	}
	return q, nil
}

// objectName reads the FROM clause's object. Group is an object every
// org has as well as a reserved word (GROUP BY): after FROM it is the
// object, as Salesforce reads SELECT Id FROM Group.
func (p *parser) objectName() (FieldRef, error) {
	if t := p.peek(); t.kind == tokIdent && strings.EqualFold(t.text, "Group") {
		ref := FieldRef{Name: t.text, Pos: t.pos, tok: p.i}
		p.next()
		return ref, nil
	}
	return p.name()
}

// name reads a field or object name (possibly a dotted path).
func (p *parser) name() (FieldRef, error) {
	t := p.peek()
	if t.kind != tokIdent || reserved[strings.ToUpper(t.text)] {
		return FieldRef{}, p.unexpected()
	}
	ref := FieldRef{Name: t.text, Pos: t.pos, tok: p.i}
	p.next()
	return ref, nil
}

func (p *parser) selectList(q *Query) error {
	for {
		if p.peek().kind == tokIdent && p.toks[p.i+1].kind == tokLParen {
			// An aggregate: only COUNT() is in this slice of mocksf.
			at := p.i
			fn := p.next()
			p.next()
			if !fn.is("COUNT") || p.peek().kind != tokRParen {
				return p.errAt(at, CodeMalformedQuery, msgAggregate(strings.ToUpper(fn.text)+"()"))
			}
			p.next()
			if len(q.Fields) > 0 || q.Count {
				return p.errAt(at, CodeMalformedQuery, msgCountWithFields())
			}
			q.Count = true
		} else {
			f, err := p.name()
			if err != nil {
				return err
			}
			q.Fields = append(q.Fields, f)
		}
		if p.peek().kind != tokComma {
			return nil
		}
		if q.Count {
			return p.unexpected()
		}
		p.next()
	}
}

// condition parses a WHERE expression. Salesforce does not rank AND above
// OR: mixing them without parentheses is a syntax error at the second
// operator.
func (p *parser) condition() (Expr, error) {
	first, err := p.unary()
	if err != nil {
		return nil, err
	}
	var op string
	terms := []Expr{first}
	for {
		t := p.peek()
		if !t.is("AND") && !t.is("OR") {
			break
		}
		kw := strings.ToUpper(t.text)
		if op != "" && kw != op {
			return nil, p.unexpected()
		}
		op = kw
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, x)
	}
	switch op {
	case "AND":
		return &And{Terms: terms}, nil
	case "OR":
		return &Or{Terms: terms}, nil
	}
	return first, nil
}

func (p *parser) unary() (Expr, error) {
	if t := p.peek(); t.is("NOT") || t.kind == tokLParen {
		if p.depth >= maxDepth {
			return nil, p.errAt(p.i, CodeMalformedQuery, msgTooDeep())
		}
		p.depth++
		defer func() { p.depth-- }()
	}
	if p.keyword("NOT") {
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	}
	if p.peek().kind == tokLParen {
		p.next()
		x, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tokRParen); err != nil {
			return nil, err
		}
		return x, nil
	}
	return p.simple()
}

var comparisonOps = map[tokenKind]Op{tokEq: OpEq, tokNe: OpNe, tokLt: OpLt, tokLe: OpLe, tokGt: OpGt, tokGe: OpGe}

func (p *parser) simple() (Expr, error) {
	field, err := p.name()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if op, ok := comparisonOps[t.kind]; ok {
		p.next()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		return &Comparison{Field: field, Op: op, Value: v}, nil
	}
	switch {
	case t.is("LIKE"):
		p.next()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		return &Comparison{Field: field, Op: OpLike, Value: v}, nil
	case t.is("IN"):
		p.next()
		return p.inList(field, false)
	case t.is("NOT") && p.toks[p.i+1].is("IN"):
		p.next()
		p.next()
		return p.inList(field, true)
	case t.is("INCLUDES") || t.is("EXCLUDES"):
		p.next()
		in, err := p.inList(field, t.is("EXCLUDES"))
		if err != nil {
			return nil, err
		}
		return &Includes{Field: field, Negate: in.Negate, Values: in.Values}, nil
	}
	return nil, p.unexpected()
}

func (p *parser) inList(field FieldRef, negate bool) (*In, error) {
	if err := p.expect(tokLParen); err != nil {
		return nil, err
	}
	in := &In{Field: field, Negate: negate}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		in.Values = append(in.Values, v)
		if p.peek().kind == tokRParen {
			p.next()
			return in, nil
		}
		if err := p.expect(tokComma); err != nil {
			return nil, err
		}
	}
}

func (p *parser) value() (Value, error) {
	at := p.i
	t := p.peek()
	v := Value{Text: t.text, Pos: t.pos, tok: at}
	switch t.kind {
	case tokString:
		s, err := decodeString(t.text, false)
		if err != nil {
			return Value{}, p.errAt(at, CodeMalformedQuery, err.Error())
		}
		v.Kind, v.Str = ValueString, s
	case tokNumber:
		n, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return Value{}, p.errAt(at, CodeMalformedQuery, msgInvalidNumber(t.text))
		}
		v.Kind, v.Num = ValueNumber, n
	case tokDate:
		d, err := time.Parse(time.DateOnly, t.text)
		if err != nil {
			return Value{}, p.errAt(at, CodeMalformedQuery, msgBadDate(t.text))
		}
		v.Kind, v.Time = ValueDate, d
	case tokDateTime:
		d, err := ParseDateTime(t.text)
		if err != nil {
			return Value{}, p.errAt(at, CodeMalformedQuery, msgBadDate(t.text))
		}
		v.Kind, v.Time = ValueDateTime, d
	case tokIdent:
		word := strings.ToUpper(t.text)
		switch word {
		case "NULL":
			v.Kind = ValueNull
		case "TRUE", "FALSE":
			v.Kind, v.Bool = ValueBoolean, word == "TRUE"
		default:
			takesN, ok := relativeDates[word]
			if !ok {
				return Value{}, p.unexpected()
			}
			v.Kind, v.Relative = ValueRelative, word
			if takesN {
				p.next()
				if err := p.expect(tokColon); err != nil {
					return Value{}, err
				}
				n, err := p.integer()
				if err != nil {
					return Value{}, err
				}
				v.N = n
				v.Text = p.src[t.pos.Offset:p.toks[p.i-1].end]
				return v, nil
			}
		}
	default:
		return Value{}, p.unexpected()
	}
	p.next()
	return v, nil
}

// integer reads a non-negative integer (LIMIT, OFFSET, LAST_N_DAYS:n).
func (p *parser) integer() (int, error) {
	t := p.peek()
	if t.kind != tokNumber {
		return 0, p.unexpected()
	}
	n, err := strconv.Atoi(t.text)
	if err != nil || n < 0 {
		return 0, p.errAt(p.i, CodeMalformedQuery, msgNeedsInteger(t.text))
	}
	p.next()
	return n, nil
}

func (p *parser) orderList() ([]OrderItem, error) {
	var items []OrderItem
	for {
		f, err := p.name()
		if err != nil {
			return nil, err
		}
		item := OrderItem{Field: f}
		switch {
		case p.keyword("ASC"):
		case p.keyword("DESC"):
			item.Desc = true
		}
		if p.keyword("NULLS") {
			switch {
			case p.keyword("FIRST"):
			case p.keyword("LAST"):
				item.NullsLast = true
			default:
				return nil, p.unexpected()
			}
		}
		items = append(items, item)
		if p.peek().kind != tokComma {
			return items, nil
		}
		p.next()
	}
}

// escapeError is a bad escape sequence in a string literal.
type escapeError struct{ literal, seq string }

func (e *escapeError) Error() string { return msgIllegalEscape(e.literal, e.seq) }

// decodeString decodes a quoted literal. With like set, the escapes \%
// and \_ stay escaped (as "\%" and "\_") for the LIKE matcher; otherwise
// they become the plain characters.
func decodeString(lit string, like bool) (string, error) {
	body := lit[1 : len(lit)-1]
	if !strings.Contains(body, `\`) {
		return body, nil
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(body) {
			return "", &escapeError{lit, `\`}
		}
		i++
		switch e := body[i]; e {
		case 'n', 'N':
			b.WriteByte('\n')
		case 'r', 'R':
			b.WriteByte('\r')
		case 't', 'T':
			b.WriteByte('\t')
		case 'b', 'B':
			b.WriteByte('\b')
		case 'f', 'F':
			b.WriteByte('\f')
		case '"', '\'', '\\':
			if like && e == '\\' {
				b.WriteString(`\\`)
			} else {
				b.WriteByte(e)
			}
		case '%', '_':
			if like {
				b.WriteByte('\\')
			}
			b.WriteByte(e)
		case 'u', 'U':
			if i+5 > len(body) {
				return "", &escapeError{lit, `\` + body[i:]}
			}
			r, err := strconv.ParseUint(body[i+1:i+5], 16, 32)
			if err != nil {
				return "", &escapeError{lit, `\` + body[i:i+5]}
			}
			b.WriteRune(rune(r))
			i += 4
		default:
			_, size := utf8.DecodeRuneInString(body[i:])
			return "", &escapeError{lit, `\` + body[i:i+size]}
		}
	}
	return b.String(), nil
}

// ParseDateTime reads a datetime the way SOQL and the REST API write it:
// 2026-01-02T03:04:05Z, 2026-01-02T03:04:05.000+0000 or
// 2026-01-02T03:04:05+01:00, fractional seconds optional. The result is UTC.
func ParseDateTime(s string) (time.Time, error) {
	var t time.Time
	var err error
	for _, layout := range []string{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700"} {
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
