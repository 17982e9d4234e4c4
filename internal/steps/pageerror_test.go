package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// A failed step's message says what was expected and what the window
// showed, trimmed, then where the artefacts are.
func TestPageErrorSaysWhatWasExpectedAndShown(t *testing.T) {
	e := &pageError{
		Expected: `the page to say "Saved"`, Window: "salesforce-admin",
		Page: pageSnapshot{URL: "http://127.0.0.1:1/app/new", Title: "New Connected App | Salesforce",
			Errors: "Invalid   email\n address", Near: strings.Repeat("Contact Email ", 100), NearWhat: "#contactEmail's section",
			Buttons: []string{"Save", "Cancel"}},
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
		`buttons: "Save", "Cancel"`,
		"\n  artefacts:\n    results/x/01-a.png\n    results/x/01-a.html",
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

// explain reads the page in a real browser: its URL, title, error box,
// the text around the expected element and the buttons.
func TestExplainSnapshotsThePage(t *testing.T) {
	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatalf("no chromium on PATH: make e2e installs it (make chromium): %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><title>New Connected App</title><h1>Setup</h1>
<div role="alert">Error: Invalid Data.</div><p class="error" style="display:none">hidden error</p>
<form><label for="email">Contact Email</label>
<input id="email">
<span class="field-error">Invalid email address</span>
<button id="save">Save</button><button style="display:none">Hidden</button></form><p>Outside the form</p>`)
	}))
	defer srv.Close()
	browserCtx, stop, err := StartBrowser(context.Background(), "", "", t.TempDir(), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	win, err := NewTab(browserCtx, "salesforce-admin")
	if err != nil {
		t.Fatal(err)
	}
	defer win.Close()
	if err := win.Navigate(srv.URL + "/app/new"); err != nil {
		t.Fatal(err)
	}
	var pe *pageError
	if err := win.explain("#email to hold an address", "#email", context.DeadlineExceeded); !errors.As(err, &pe) {
		t.Fatalf("explain = %v; want a *pageError", err)
	}
	want := pageSnapshot{URL: srv.URL + "/app/new", Title: "New Connected App",
		Errors: "Error: Invalid Data. | Invalid email address", Near: "Contact Email Invalid email address Save",
		NearWhat: "#email's section", Buttons: []string{"Save"}}
	got := pe.Page
	got.Near = trimText(got.Near, snippetLength)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot = %+v\nwant %+v", got, want)
	}
	if !strings.Contains(pe.Error(), "not within 15s") {
		t.Errorf("message of a timeout: %s", pe.Error())
	}
}
