package sosl

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Term is a parsed search term: *Word, *Phrase, *And, *Or or *AndNot.
type Term interface{ isTerm() }

// Word matches a record that has the word; Pattern may hold the
// wildcards * (any characters) and ? (one character). It is lower case.
type Word struct{ Pattern string }

// Phrase matches a record with its words in a row.
type Phrase struct{ Words []string }

// And matches when all of Terms do; words side by side are joined by it.
type And struct{ Terms []Term }

// Or matches when any of Terms does.
type Or struct{ Terms []Term }

// AndNot matches when X does and Not does not.
type AndNot struct{ X, Not Term }

func (*Word) isTerm()   {}
func (*Phrase) isTerm() {}
func (*And) isTerm()    {}
func (*Or) isTerm()     {}
func (*AndNot) isTerm() {}

// maxDepth bounds the parentheses of a term, and the parser's recursion.
const maxDepth = 50

// ParseTerm parses the text of a search term (what goes between FIND's
// braces, or parameterizedSearch's q).
func ParseTerm(text string) (Term, error) {
	p := &termParser{toks: lexTerm(text), text: text}
	if len(p.toks) == 0 {
		return nil, malformed(msgNoTerm)
	}
	t, err := p.or(0)
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, malformed(msgUnexpected(p.toks[p.i].text))
	}
	return t, nil
}

type termTok struct {
	kind byte // 'w' word, 'p' phrase, '(' or ')'
	text string
}

// lexTerm splits a term into words, phrases and parentheses; a backslash
// makes the next character part of a word.
func lexTerm(s string) []termTok {
	var out []termTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			out = append(out, termTok{kind: c, text: string(c)})
			i++
		case c == '"':
			j := i + 1
			var b strings.Builder
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' && j+1 < len(s) {
					j++
				}
				b.WriteByte(s[j])
				j++
			}
			out = append(out, termTok{kind: 'p', text: b.String()})
			i = j + 1
		default:
			var b strings.Builder
			for i < len(s) && !strings.ContainsRune(" \t\n\r()\"", rune(s[i])) {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			out = append(out, termTok{kind: 'w', text: b.String()})
		}
	}
	return out
}

type termParser struct {
	toks []termTok
	i    int
	text string
}

func (p *termParser) peekWord(w string) bool {
	return p.i < len(p.toks) && p.toks[p.i].kind == 'w' && strings.EqualFold(p.toks[p.i].text, w)
}

func (p *termParser) or(depth int) (Term, error) {
	first, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	terms := []Term{first}
	for p.peekWord("OR") {
		p.i++
		t, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	if len(terms) == 1 {
		return first, nil
	}
	return &Or{Terms: terms}, nil
}

func (p *termParser) and(depth int) (Term, error) {
	first, err := p.primary(depth)
	if err != nil {
		return nil, err
	}
	var out Term = first
	terms := []Term{first}
	for p.i < len(p.toks) && p.toks[p.i].kind != ')' && !p.peekWord("OR") {
		if p.peekWord("AND") {
			p.i++
			if p.peekWord("NOT") {
				p.i++
				not, err := p.primary(depth)
				if err != nil {
					return nil, err
				}
				out = &AndNot{X: joinAnd(terms), Not: not}
				terms = []Term{out}
				continue
			}
		}
		t, err := p.primary(depth)
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
	}
	return joinAnd(terms), nil
}

func joinAnd(terms []Term) Term {
	if len(terms) == 1 {
		return terms[0]
	}
	return &And{Terms: append([]Term(nil), terms...)}
}

func (p *termParser) primary(depth int) (Term, error) {
	if p.i >= len(p.toks) {
		return nil, malformed(msgUnexpected("<EOF>"))
	}
	t := p.toks[p.i]
	switch t.kind {
	case '(':
		if depth >= maxDepth {
			return nil, malformed(msgTooDeep())
		}
		p.i++
		x, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.i >= len(p.toks) || p.toks[p.i].kind != ')' {
			return nil, malformed(msgUnexpected("<EOF>"))
		}
		p.i++
		return x, nil
	case ')':
		return nil, malformed(msgUnexpected(")"))
	case 'p':
		p.i++
		words := Tokens(t.text)
		if len(words) == 0 {
			return nil, malformed(msgShortTerm(`""`))
		}
		return &Phrase{Words: words}, nil
	}
	if strings.EqualFold(t.text, "AND") || strings.EqualFold(t.text, "OR") || strings.EqualFold(t.text, "NOT") {
		return nil, malformed(msgUnexpected(t.text))
	}
	p.i++
	return wordTerm(t.text)
}

// wordTerm is a written word: one Word, or a Phrase when punctuation
// splits it (an email address, a phone number) as it splits the text
// searched.
func wordTerm(w string) (Term, error) {
	if utf8.RuneCountInString(strings.NewReplacer("*", "", "?", "").Replace(w)) < 2 {
		return nil, malformed(msgShortTerm(w))
	}
	if strings.ContainsAny(w, "*?") {
		return &Word{Pattern: strings.ToLower(w)}, nil
	}
	words := Tokens(w)
	switch len(words) {
	case 0:
		return nil, malformed(msgShortTerm(w))
	case 1:
		return &Word{Pattern: words[0]}, nil
	}
	return &Phrase{Words: words}, nil
}

// Tokens splits text into the lower-case words a search matches:
// letters and digits, everything else a separator.
func Tokens(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// Match reports whether text's words (from Tokens) hold the term.
func Match(t Term, words []string) bool {
	switch x := t.(type) {
	case *Word:
		for _, w := range words {
			if globMatch(x.Pattern, w) {
				return true
			}
		}
		return false
	case *Phrase:
		for i := 0; i+len(x.Words) <= len(words); i++ {
			ok := true
			for j, w := range x.Words {
				if words[i+j] != w {
					ok = false
					break
				}
			}
			if ok {
				return true
			}
		}
		return false
	case *And:
		for _, y := range x.Terms {
			if !Match(y, words) {
				return false
			}
		}
		return true
	case *Or:
		for _, y := range x.Terms {
			if Match(y, words) {
				return true
			}
		}
		return false
	case *AndNot:
		return Match(x.X, words) && !Match(x.Not, words)
	}
	return false
}

// globMatch matches a word against a pattern with * and ?. It runs in
// time linear in both lengths (the usual backtracking on the last *).
func globMatch(pattern, word string) bool {
	p, w := []rune(pattern), []rune(word)
	pi, wi, star, mark := 0, 0, -1, 0
	for wi < len(w) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == w[wi]):
			pi++
			wi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, wi
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			wi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
