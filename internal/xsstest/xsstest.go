// Package xsstest holds the payloads the XSS tests of Beacon (client/) and
// mocksf inject, and the check that a page shows them escaped: one list,
// so a payload added here is looked for raw in every page that is checked.
package xsstest

import (
	"html/template"
	"strings"
	"testing"
)

// The payloads: a script element, and an attribute breakout.
const (
	Script = `<script>alert(1)</script>`
	Attr   = `"><img src=x onerror=alert(1)>`
)

// Payloads are Script and Attr.
var Payloads = []string{Script, Attr}

// raw are the parts of Payloads that must never stand unescaped in a page.
var raw = []string{"<script>alert(1)", "<img src=x onerror"}

// CheckEscaped fails unless page shows payload escaped and none of the
// payloads raw; where names the page. shown=false only checks that
// nothing is raw.
func CheckEscaped(t testing.TB, where, page, payload string, shown bool) {
	t.Helper()
	for _, r := range raw {
		if strings.Contains(page, r) {
			t.Errorf("%s: %q raw in the page", where, r)
		}
	}
	if esc := template.HTMLEscapeString(payload); shown && !strings.Contains(page, esc) {
		t.Errorf("%s: the page does not show %q escaped as %q\n%s", where, payload, esc, page)
	}
}
