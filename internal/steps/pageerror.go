package steps

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chromedp/chromedp"
)

// pageError is a browser step that failed: what was expected, and what
// the window showed then, so the message alone tells most failures apart
// without opening the saved HTML.
type pageError struct {
	Expected string // what the step waited for or did, e.g. "click #save"
	Window   string
	Page     pageSnapshot
	Err      error
	// Artefacts are the files saved after the step (set by the
	// after-step hook before godog prints the message).
	Artefacts []string
}

// pageSnapshot is what a window showed when a step failed.
type pageSnapshot struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	// Errors is the visible text of the page's error boxes.
	Errors string `json:"errors"`
	// Near is the visible text around the expected element, or the
	// start of the page's text when the element is not there.
	Near string `json:"near"`
	// NearWhat says which: "#id's section" or "the page".
	NearWhat string `json:"nearWhat"`
	// Buttons are the labels of the visible buttons, which a step that
	// clicks by label looks among.
	Buttons []string `json:"buttons"`
}

// snippetLength bounds each text of the page the message quotes.
const snippetLength = 300

func (e *pageError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected %s: %v", e.Expected, e.Err)
	fmt.Fprintf(&b, "\n  window %q at %s", e.Window, orNone(e.Page.URL))
	fmt.Fprintf(&b, "\n  title: %s", strconv.Quote(e.Page.Title))
	if t := trimText(e.Page.Errors, snippetLength); t != "" {
		fmt.Fprintf(&b, "\n  error shown: %s", strconv.Quote(t))
	}
	if t := trimText(e.Page.Near, snippetLength); t != "" {
		fmt.Fprintf(&b, "\n  text of %s: %s", e.Page.NearWhat, strconv.Quote(t))
	}
	if len(e.Page.Buttons) > 0 {
		quoted := make([]string, len(e.Page.Buttons))
		for i, b := range e.Page.Buttons {
			quoted[i] = strconv.Quote(b)
		}
		fmt.Fprintf(&b, "\n  buttons: %s", trimText(strings.Join(quoted, ", "), snippetLength))
	}
	if len(e.Artefacts) > 0 {
		b.WriteString("\n  artefacts:")
		for _, a := range e.Artefacts {
			b.WriteString("\n    " + a)
		}
	}
	return b.String()
}

func (e *pageError) Unwrap() error { return e.Err }

// orNone is s, or "(unknown)" when the page could not tell.
func orNone(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// trimText collapses the text's white space and cuts it to about n
// bytes, at a rune boundary, marking the cut.
func trimText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// errorBoxes are the selectors of the error messages mocksf's and the
// product's pages show (mocksf/web/templates, client's pages).
const errorBoxes = `[role=alert], .notice-error, .error, .field-error, #error, #oauthError, #errorDescription, #last-error`

// snapshotJS returns a pageSnapshot of the page; near is the CSS selector
// of the expected element ("#id", or a product profile's), or "".
func snapshotJS(near string) string {
	return fmt.Sprintf(`(() => {
		const visible = el => el.offsetParent !== null || el === document.body;
		const errors = [...document.querySelectorAll(%s)].filter(visible)
			.map(el => el.innerText.trim()).filter(t => t).join(" | ");
		const el = (() => { try { return %s ? document.querySelector(%s) : null; } catch (e) { return null; } })();
		const box = el && (el.closest("form, fieldset, section, [role=dialog], main") || el.parentElement);
		const buttons = [...document.querySelectorAll("button, input[type=submit], input[type=button]")].filter(visible)
			.map(b => (b.tagName === "INPUT" ? b.value : b.textContent).trim()).filter(t => t).slice(0, 20);
		return {url: location.href, title: document.title, errors, buttons,
			near: (box || document.body).innerText,
			nearWhat: box ? %s + "'s section" : "the page"};
	})()`, strconv.Quote(errorBoxes), strconv.Quote(near), strconv.Quote(near), strconv.Quote(near))
}

// explain turns an error of a browser action into a pageError with what
// the window shows now; near is the CSS selector of the element the
// action expected ("#id"), or "".
func (w *Window) explain(expected, near string, err error) error {
	ctx, cancel := context.WithTimeout(w.ctx, 2*time.Second)
	defer cancel()
	snap, serr := chromedp.Run(ctx, chromedp.Evaluate[pageSnapshot](snapshotJS(near)))
	if serr != nil {
		// The page is gone or hangs; say where it was if it still tells.
		snap = pageSnapshot{}
		if url, uerr := chromedp.Run(ctx, chromedp.Location()); uerr == nil {
			snap.URL = url
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("not within %s (%w)", StepTimeout, err)
	}
	return &pageError{Expected: expected, Window: w.Name, Page: snap, Err: err}
}
