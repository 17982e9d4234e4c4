// Package tagexpr parses and evaluates Cucumber tag expressions
// ("@smoke and not @wip", "(@a or @b) and not @c"), the syntax
// cucumber-js, Cucumber-JVM and behave use.
//
// It follows the grammar of github.com/cucumber/tag-expressions: "and",
// "or", "not", parentheses, tags starting with "@", backslash escapes for
// spaces and parentheses inside tags, "not" binding tightest, then "and",
// then "or". That library is the one to use; this package exists because
// the Go module proxy this project builds with refuses it. Its tests are
// the library's own examples.
package tagexpr

import (
	"fmt"
	"strings"
)

// Expr is a parsed tag expression.
type Expr interface {
	// Eval reports whether a scenario with these tags matches.
	Eval(tags []string) bool
	String() string
}

type (
	tagExpr  struct{ name string }
	notExpr  struct{ x Expr }
	andExpr  struct{ l, r Expr }
	orExpr   struct{ l, r Expr }
	trueExpr struct{}
)

func (e tagExpr) Eval(tags []string) bool {
	for _, t := range tags {
		if t == e.name {
			return true
		}
	}
	return false
}
func (e notExpr) Eval(tags []string) bool { return !e.x.Eval(tags) }
func (e andExpr) Eval(tags []string) bool { return e.l.Eval(tags) && e.r.Eval(tags) }
func (e orExpr) Eval(tags []string) bool  { return e.l.Eval(tags) || e.r.Eval(tags) }
func (trueExpr) Eval([]string) bool       { return true }
func (e tagExpr) String() string          { return escape(e.name) }
func (e notExpr) String() string {
	if _, ok := e.x.(tagExpr); ok {
		return "not " + e.x.String()
	}
	return "not ( " + e.x.String() + " )"
}
func (e andExpr) String() string { return "( " + e.l.String() + " and " + e.r.String() + " )" }
func (e orExpr) String() string  { return "( " + e.l.String() + " or " + e.r.String() + " )" }
func (trueExpr) String() string  { return "true" }

func escape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`, " ", `\ `)
	return r.Replace(s)
}

// Parse parses a tag expression. An empty expression matches everything.
func Parse(src string) (Expr, error) {
	toks, err := tokenize(src)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return trueExpr{}, nil
	}
	p := &parser{src: src, toks: toks}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, fmt.Errorf("tag expression %q: unexpected %q at token %d", src, p.toks[p.pos], p.pos+1)
	}
	return e, nil
}

// MustParse is Parse for expressions known to be valid.
func MustParse(src string) Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

func tokenize(src string) ([]string, error) {
	var toks []string
	var cur strings.Builder
	escaped := false
	flush := func() {
		if cur.Len() > 0 {
			toks = append(toks, cur.String())
			cur.Reset()
		}
	}
	for _, r := range src {
		switch {
		case escaped:
			if r != '(' && r != ')' && r != '\\' && r != ' ' && r != '\t' {
				return nil, fmt.Errorf("tag expression %q: illegal escape before %q", src, r)
			}
			cur.WriteRune(r)
			escaped = false
		case r == '\\':
			escaped = true
		case r == '(' || r == ')':
			flush()
			toks = append(toks, string(r))
		case r == ' ' || r == '\t' || r == '\n':
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	if escaped {
		return nil, fmt.Errorf("tag expression %q: ends with a lone backslash", src)
	}
	flush()
	return toks, nil
}

type parser struct {
	src  string
	toks []string
	pos  int
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) or() (Expr, error) {
	return p.binary("or", p.and, func(l, r Expr) Expr { return orExpr{l, r} })
}

func (p *parser) and() (Expr, error) {
	return p.binary("and", p.not, func(l, r Expr) Expr { return andExpr{l, r} })
}

// binary parses operands joined by op, left to right: "a or b or c" is
// (a or b) or c.
func (p *parser) binary(op string, operand func() (Expr, error), join func(l, r Expr) Expr) (Expr, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.peek() == op {
		p.pos++
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = join(l, r)
	}
	return l, nil
}

func (p *parser) not() (Expr, error) {
	if p.peek() == "not" {
		p.pos++
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return notExpr{x}, nil
	}
	return p.operand()
}

func (p *parser) operand() (Expr, error) {
	tok := p.peek()
	switch tok {
	case "":
		return nil, fmt.Errorf("tag expression %q: ends where a tag or \"(\" was expected", p.src)
	case "(":
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("tag expression %q: missing \")\"", p.src)
		}
		p.pos++
		return e, nil
	case ")", "and", "or":
		return nil, fmt.Errorf("tag expression %q: unexpected %q where a tag was expected", p.src, tok)
	}
	if !strings.HasPrefix(tok, "@") {
		return nil, fmt.Errorf("tag expression %q: %q is not a tag (tags start with @; operators are and, or, not)", p.src, tok)
	}
	p.pos++
	return tagExpr{tok}, nil
}
