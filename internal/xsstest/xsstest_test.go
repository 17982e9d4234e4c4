package xsstest_test

import (
	"html/template"
	"testing"

	"github.com/sfharness/sfharness/internal/xsstest"
)

// recorder is a testing.TB that counts the check's failures.
type recorder struct {
	testing.TB
	failures int
}

func (r *recorder) Helper()               {}
func (r *recorder) Errorf(string, ...any) { r.failures++ }

func TestCheckEscaped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		page     string
		shown    bool
		failures int
	}{
		{"<p>" + template.HTMLEscapeString(xsstest.Script) + "</p>", true, 0},
		{"<p>" + xsstest.Script + "</p>", true, 2}, // raw, and not escaped
		{`<a title=""` + xsstest.Attr + `">`, false, 1},
		{"<p>nothing</p>", false, 0},
		{"<p>nothing</p>", true, 1},
	} {
		r := &recorder{TB: t}
		if xsstest.CheckEscaped(r, "page", tc.page, xsstest.Script, tc.shown); r.failures != tc.failures {
			t.Errorf("CheckEscaped(%q, shown %v) failed %d times; want %d", tc.page, tc.shown, r.failures, tc.failures)
		}
	}
}
