package soql

import (
	"strings"
	"unicode/utf8"
)

// tokenKind classifies a lexeme. Keywords are identifiers; the parser
// recognizes them case-insensitively where the grammar expects them, so a
// field may be called like a keyword elsewhere.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokString   // '...'; text keeps the quotes and escapes
	tokNumber   // 12, -3, 4.5
	tokDate     // 2026-01-02
	tokDateTime // 2026-01-02T03:04:05Z and its variants
	tokComma
	tokLParen
	tokRParen
	tokColon
	tokEq // =
	tokNe // != or <>
	tokLt
	tokLe
	tokGt
	tokGe
	tokIllegal // a character no token starts with, or an unterminated string
)

// Pos is a place in a query: a byte offset and the 1-based row and column
// (in characters) Salesforce reports in its error messages.
type Pos struct {
	Offset int
	Row    int
	Col    int
}

type token struct {
	kind tokenKind
	text string // the source text of the token
	pos  Pos
	end  int // byte offset just past the token
}

var punctuation = map[byte]tokenKind{',': tokComma, '(': tokLParen, ')': tokRParen, ':': tokColon, '=': tokEq, '<': tokLt, '>': tokGt}

// lexer turns a query into tokens. It never fails: what it cannot read
// becomes a tokIllegal the parser reports with its position.
type lexer struct {
	src  string
	off  int
	row  int
	col  int
	toks []token
}

func tokenize(src string) []token {
	lx := &lexer{src: src, row: 1, col: 1}
	for {
		t := lx.next()
		lx.toks = append(lx.toks, t)
		if t.kind == tokEOF {
			return lx.toks
		}
	}
}

func (lx *lexer) pos() Pos { return Pos{Offset: lx.off, Row: lx.row, Col: lx.col} }

// advance moves past n bytes, which must not contain a newline except as
// the last byte; columns count characters, not bytes.
func (lx *lexer) advance(n int) {
	for end := lx.off + n; lx.off < end; {
		r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
		lx.off += size
		if r == '\n' {
			lx.row++
			lx.col = 1
		} else {
			lx.col++
		}
	}
}

func (lx *lexer) emit(kind tokenKind, start Pos) token {
	return token{kind: kind, text: lx.src[start.Offset:lx.off], pos: start, end: lx.off}
}

func (lx *lexer) next() token {
	for lx.off < len(lx.src) && isSpace(lx.src[lx.off]) {
		lx.advance(1)
	}
	start := lx.pos()
	if lx.off >= len(lx.src) {
		return token{kind: tokEOF, text: "<EOF>", pos: start, end: lx.off}
	}
	c := lx.src[lx.off]
	switch {
	case isIdentStart(c):
		lx.advance(lx.identLen())
		return lx.emit(tokIdent, start)
	case c == '\'':
		n, ok := stringLen(lx.src[lx.off:])
		lx.advance(n)
		if !ok {
			return lx.emit(tokIllegal, start)
		}
		return lx.emit(tokString, start)
	case isDigit(c) || (c == '-' || c == '+') && lx.off+1 < len(lx.src) && isDigit(lx.src[lx.off+1]):
		kind, n := numberOrDate(lx.src[lx.off:])
		lx.advance(n)
		return lx.emit(kind, start)
	}
	two := ""
	if lx.off+1 < len(lx.src) {
		two = lx.src[lx.off : lx.off+2]
	}
	switch two {
	case "!=", "<>":
		lx.advance(2)
		return lx.emit(tokNe, start)
	case "<=":
		lx.advance(2)
		return lx.emit(tokLe, start)
	case ">=":
		lx.advance(2)
		return lx.emit(tokGe, start)
	}
	if kind, ok := punctuation[c]; ok {
		lx.advance(1)
		return lx.emit(kind, start)
	}
	_, size := utf8.DecodeRuneInString(lx.src[lx.off:])
	lx.advance(size)
	return lx.emit(tokIllegal, start)
}

// identLen measures an identifier at the current offset. Like Salesforce's
// lexer it keeps a dotted path (Account.Name) in one token.
func (lx *lexer) identLen() int {
	s := lx.src[lx.off:]
	i := 0
	for {
		for i < len(s) && isIdentPart(s[i]) {
			i++
		}
		if i+1 < len(s) && s[i] == '.' && isIdentStart(s[i+1]) {
			i++
			continue
		}
		return i
	}
}

// stringLen measures a quoted string at the start of s, quotes included.
// ok is false when the closing quote is missing; n is then len(s).
func stringLen(s string) (n int, ok bool) {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			return i + 1, true
		}
	}
	return len(s), false
}

// numberOrDate reads a number, a date (YYYY-MM-DD) or a datetime
// (YYYY-MM-DDThh:mm:ss[.fff](Z|±hh[:]mm)) at the start of s. Whether the
// date is a valid calendar date is the parser's check.
func numberOrDate(s string) (tokenKind, int) {
	if n := dateLen(s); n > 0 {
		if m := timeLen(s[n:]); m > 0 {
			return tokDateTime, n + m
		}
		return tokDate, n
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	return tokNumber, i
}

func dateLen(s string) int {
	if matchPattern(s, "dddd-dd-dd") && (len(s) == 10 || !isIdentPart(s[10]) || s[10] == 'T') {
		return 10
	}
	return 0
}

func timeLen(s string) int {
	if !matchPattern(s, "Tdd:dd:dd") {
		return 0
	}
	i := 9
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	switch {
	case i < len(s) && s[i] == 'Z':
		return i + 1
	case matchPattern(s[i:], "+dd:dd") || matchPattern(s[i:], "-dd:dd"):
		return i + 6
	case matchPattern(s[i:], "+dddd") || matchPattern(s[i:], "-dddd"):
		return i + 5
	}
	return 0
}

// matchPattern reports whether s starts with pattern, where 'd' stands for
// any digit and every other byte for itself.
func matchPattern(s, pattern string) bool {
	if len(s) < len(pattern) {
		return false
	}
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == 'd' {
			if !isDigit(s[i]) {
				return false
			}
		} else if s[i] != pattern[i] {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool      { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) }

// is reports whether the token is the given keyword, ignoring case.
func (t token) is(keyword string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, keyword)
}
