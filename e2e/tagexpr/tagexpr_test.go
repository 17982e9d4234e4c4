package tagexpr

import "testing"

func TestEval(t *testing.T) {
	tests := []struct {
		expr string
		tags []string
		want bool
	}{
		{"", nil, true},
		{"@a", []string{"@a"}, true},
		{"@a", []string{"@b"}, false},
		{"not @wip", nil, true},
		{"not @wip", []string{"@wip"}, false},
		{"@smoke and not @wip", []string{"@smoke"}, true},
		{"@smoke and not @wip", []string{"@smoke", "@wip"}, false},
		{"@a or @b", []string{"@b"}, true},
		{"@a or @b and @c", []string{"@a"}, true}, // and binds tighter than or
		{"@a or @b and @c", []string{"@b"}, false},
		{"(@a or @b) and @c", []string{"@a"}, false},
		{"(@a or @b) and @c", []string{"@a", "@c"}, true},
		{"not @a or @b", []string{"@a"}, false}, // not binds tightest
		{"not (@a or @b)", []string{"@c"}, true},
		{"not not @a", []string{"@a"}, true},
		{`@with\ space`, []string{"@with space"}, true},
		{`@a\(1\)`, []string{"@a(1)"}, true},
		{`@x\\y`, []string{`@x\y`}, true},
	}
	for _, tt := range tests {
		e, err := Parse(tt.expr)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.expr, err)
			continue
		}
		if got := e.Eval(tt.tags); got != tt.want {
			t.Errorf("%q on %v = %v; want %v", tt.expr, tt.tags, got, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"@a and @b or not @c", "( ( @a and @b ) or not @c )"},
		{"not (@a or @b)", "not ( ( @a or @b ) )"},
		{"@a or @b or @c and @d and @e", "( ( @a or @b ) or ( ( @c and @d ) and @e ) )"},
		{`@a\ b`, `@a\ b`},
	}
	for _, tt := range tests {
		if got := MustParse(tt.expr).String(); got != tt.want {
			t.Errorf("String(%q) = %q; want %q", tt.expr, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, expr := range []string{
		"@a and", "and @a", "@a or or @b", "(@a", "@a)", "not", "smoke", "@a @b", `@a\`, `@a\x`, "()",
	} {
		if _, err := Parse(expr); err == nil {
			t.Errorf("Parse(%q) succeeded; want an error", expr)
		}
	}
}
