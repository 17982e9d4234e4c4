package xsstest_test

import (
	"fmt"
	"html/template"
	"testing"

	"github.com/sfharness/sfharness/internal/xsstest"
)

// recorder is a testing.TB whose Errorf only counts, so the check's own
// failures can be asserted.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestCheckEscaped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, page string
		shown      bool
		failures   int
	}{
		{"escaped", "<p>" + template.HTMLEscapeString(xsstest.Script) + "</p>", true, 0},
		{"raw script", "<p>" + xsstest.Script + "</p>", true, 2},
		{"raw attribute", `<a title=""` + xsstest.Attr + `">`, false, 1},
		{"absent but not asked for", "<p>nothing</p>", false, 0},
		{"absent", "<p>nothing</p>", true, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := &recorder{TB: t}
			xsstest.CheckEscaped(r, "page", tc.page, xsstest.Script, tc.shown)
			if len(r.errors) != tc.failures {
				t.Errorf("CheckEscaped failed %d times (%q); want %d", len(r.errors), r.errors, tc.failures)
			}
		})
	}
}
