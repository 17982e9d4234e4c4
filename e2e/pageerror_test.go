package e2e

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// A failed step's message says what was expected and what the window
// showed, trimmed, then where the artefacts are.
func TestPageErrorSaysWhatWasExpectedAndShown(t *testing.T) {
	e := &pageError{
		Expected: `the page to say "Saved"`, Window: "salesforce-admin",
		Page: pageSnapshot{URL: "http://127.0.0.1:1/app/new", Title: "New Connected App | Salesforce",
			Errors: "Invalid   email\n address", Near: strings.Repeat("Contact Email ", 100), NearWhat: "#contactEmail's section"},
		Err:       context.DeadlineExceeded,
		Artefacts: []string{"results/x/01-a.png", "results/x/01-a.html"},
	}
	got := e.Error()
	for _, want := range []string{
		`expected the page to say "Saved": context deadline exceeded`,
		`window "salesforce-admin" at http://127.0.0.1:1/app/new`,
		`title: "New Connected App | Salesforce"`,
		`error shown: "Invalid email address"`,
		`text of #contactEmail's section: "Contact Email Contact Email`,
		"…\"\n  artefacts:\n    results/x/01-a.png\n    results/x/01-a.html",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("message lacks %q:\n%s", want, got)
		}
	}
	if len(got) > 800 {
		t.Errorf("message is %d bytes; want the page's text trimmed:\n%s", len(got), got)
	}
	if !errors.Is(e, context.DeadlineExceeded) {
		t.Error("pageError does not unwrap to its cause")
	}
}

func TestTrimTextKeepsRunes(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"  a \n b  ", 10, "a b"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // never half a rune
	} {
		if got := trimText(tc.in, tc.n); got != tc.want {
			t.Errorf("trimText(%q, %d) = %q; want %q", tc.in, tc.n, got, tc.want)
		}
	}
}
