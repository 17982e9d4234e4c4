package sosl

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxLength is the longest SOSL statement Salesforce takes.
const MaxLength = 20000

// MaxReturning bounds the objects one search returns (mocksf's bound,
// as Salesforce documents none).
const MaxReturning = 100

// Scope is the IN clause: which fields a search looks in.
type Scope string

// Search scopes.
const (
	AllFields   Scope = "ALL"
	NameFields  Scope = "NAME"
	EmailFields Scope = "EMAIL"
	PhoneFields Scope = "PHONE"
)

// Search is a parsed FIND statement.
type Search struct {
	// Source is the statement parsed, empty for a search built otherwise
	// (parameterizedSearch).
	Source string
	// Term is the parsed search term and TermText its text.
	Term     Term
	TermText string
	// Scope is the IN clause; AllFields when there is none.
	Scope Scope
	// Returning lists the objects to return, in order; empty means every
	// searchable object, with its Id only.
	Returning []Returning
	// Limit is the overall LIMIT, -1 when there is none.
	Limit int
}

// ErrTooManyObjects is the refusal of a search naming more than
// MaxReturning objects.
func ErrTooManyObjects() *Error {
	return malformed(fmt.Sprintf("mocksf: a search may return at most %d objects", MaxReturning))
}

// Returning is one object of a RETURNING clause.
type Returning struct {
	Object string
	// Offset is where Object starts in the statement, for errors found
	// in the item later (by the SOQL parser).
	Offset int
	// Clause is the text inside the parentheses (fields, then WHERE,
	// ORDER BY, LIMIT, OFFSET), empty when there are none: the part of a
	// SOQL statement after SELECT, once FROM Object is put after the
	// fields.
	Clause string
}

// SOQL is the SOQL statement equivalent to a RETURNING item: its fields
// (Id when it names none) from its object, with its own conditions.
func (r Returning) SOQL() string {
	clause := strings.TrimSpace(r.Clause)
	if clause == "" {
		return "SELECT Id FROM " + r.Object
	}
	// Find where the field list ends: the first top-level WHERE, ORDER,
	// LIMIT or OFFSET keyword.
	end := len(clause)
	for _, kw := range []string{"WHERE", "ORDER", "LIMIT", "OFFSET"} {
		if i := keywordAt(clause, kw); i >= 0 && i < end {
			end = i
		}
	}
	return "SELECT " + strings.TrimSpace(clause[:end]) + " FROM " + r.Object + " " + clause[end:]
}

// keywordAt is the offset of kw as a whole word outside quotes, or -1.
func keywordAt(s, kw string) int {
	inQuote := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '\'':
			inQuote = !inQuote
		case !inQuote && (i == 0 || !isIdent(s[i-1])) && len(s)-i >= len(kw) && strings.EqualFold(s[i:i+len(kw)], kw) &&
			(i+len(kw) == len(s) || !isIdent(s[i+len(kw)])):
			return i
		}
	}
	return -1
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
}

// Parse parses a FIND statement.
func Parse(src string) (*Search, error) {
	if len(src) > MaxLength {
		return nil, malformed(msgTooLong())
	}
	p := &parser{src: src}
	s, err := p.search()
	if err != nil {
		return nil, err
	}
	s.Source = src
	return s, nil
}

type parser struct {
	src string
	off int
}

func (p *parser) skipSpace() {
	for p.off < len(p.src) && strings.IndexByte(" \t\r\n", p.src[p.off]) >= 0 {
		p.off++
	}
}

// word reads the next identifier or number, "" at the end or before
// punctuation.
func (p *parser) word() string {
	p.skipSpace()
	start := p.off
	for p.off < len(p.src) && isIdent(p.src[p.off]) && p.src[p.off] != '.' {
		p.off++
	}
	return p.src[start:p.off]
}

// peekKeyword reports whether the next word is kw, without reading it.
func (p *parser) peekKeyword(kw string) bool {
	save := p.off
	w := p.word()
	p.off = save
	return strings.EqualFold(w, kw)
}

func (p *parser) expectKeyword(kw string) error {
	p.skipSpace()
	at := p.off
	if w := p.word(); !strings.EqualFold(w, kw) {
		return p.unexpectedAt(at)
	}
	return nil
}

// unexpectedAt reports the token at an offset.
func (p *parser) unexpectedAt(at int) *Error {
	p.off = at
	p.skipSpace()
	at = p.off
	tok := p.word()
	if tok == "" && at < len(p.src) {
		tok = p.src[at : at+1]
	}
	if tok == "" {
		tok = "<EOF>"
	}
	return positioned(p.src, at, msgUnexpected(tok))
}

func (p *parser) search() (*Search, error) {
	s := &Search{Scope: AllFields, Limit: -1}
	if err := p.expectKeyword("FIND"); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.off >= len(p.src) || p.src[p.off] != '{' {
		return nil, malformed(msgNoTerm)
	}
	end := p.off + 1
	for end < len(p.src) && p.src[end] != '}' {
		if p.src[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(p.src) {
		return nil, malformed(msgNoTerm)
	}
	s.TermText = p.src[p.off+1 : end]
	term, err := ParseTerm(s.TermText)
	if err != nil {
		return nil, err
	}
	s.Term = term
	p.off = end + 1
	if p.peekKeyword("IN") {
		p.word()
		at := p.off
		switch strings.ToUpper(p.word()) {
		case "ALL":
			s.Scope = AllFields
		case "NAME":
			s.Scope = NameFields
		case "EMAIL":
			s.Scope = EmailFields
		case "PHONE":
			s.Scope = PhoneFields
		default:
			return nil, p.unexpectedAt(at)
		}
		if err := p.expectKeyword("FIELDS"); err != nil {
			return nil, err
		}
	}
	if p.peekKeyword("RETURNING") {
		p.word()
		for {
			if len(s.Returning) == MaxReturning {
				return nil, ErrTooManyObjects()
			}
			r, err := p.returning()
			if err != nil {
				return nil, err
			}
			s.Returning = append(s.Returning, r)
			p.skipSpace()
			if p.off < len(p.src) && p.src[p.off] == ',' {
				p.off++
				continue
			}
			break
		}
	}
	if p.peekKeyword("LIMIT") {
		p.word()
		at := p.off
		n, err := strconv.Atoi(p.word())
		if err != nil || n < 0 {
			return nil, p.unexpectedAt(at)
		}
		s.Limit = n
	}
	p.skipSpace()
	if p.off < len(p.src) {
		return nil, p.unexpectedAt(p.off)
	}
	return s, nil
}

// returning reads Object [(clause)].
func (p *parser) returning() (Returning, error) {
	p.skipSpace()
	at := p.off
	name := p.word()
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return Returning{}, p.unexpectedAt(at)
	}
	r := Returning{Object: name, Offset: at}
	p.skipSpace()
	if p.off >= len(p.src) || p.src[p.off] != '(' {
		return r, nil
	}
	// The clause runs to the matching parenthesis, quotes respected.
	depth, inQuote := 0, false
	for i := p.off; i < len(p.src); i++ {
		switch c := p.src[i]; {
		case inQuote && c == '\\':
			i++
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
			if depth == 0 {
				r.Clause = p.src[p.off+1 : i]
				p.off = i + 1
				if strings.TrimSpace(r.Clause) == "" {
					return Returning{}, p.unexpectedAt(i)
				}
				return r, nil
			}
		}
	}
	return Returning{}, positioned(p.src, len(p.src), msgUnexpected("<EOF>"))
}
