package steps

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/chromedp/chromedp"
)

// actionableJS is the page's own check that the element of a selector
// can take an action, and the part of the action the page does itself,
// in one call where chromedp's queries take a dozen round trips (query,
// visible, enabled, scroll, box): about 15 ms less for each click and
// each field typed into. It answers null until the element is there and
// visible (chromedp's test: it has a box); for every mode but "visible"
// also until the document and its scripts have loaded (a button clicked
// before its handler is attached does nothing), and for "click" until it
// is enabled. Then:
//   - "visible": {}
//   - "text": {text: its innerText}
//   - "click": the centre of its first box, scrolled into view if needed,
//     once that point hits it (or its label) and nothing covers it, as a
//     dialog's backdrop does; it also listens for the click, with token,
//     so that clickCSS knows whether the click reached it
//   - "type": {} once it has the focus and an empty value. Focus comes
//     first: leaving the previous field can fill this one (as Setup
//     derives the API name), so the value is cleared after the focus moved.
const actionableJS = `(sel, mode, token) => {
	if (mode !== "visible" && document.readyState !== "complete") return null;
	const el = document.querySelector(sel);
	if (!el || !(el.offsetWidth || el.offsetHeight || el.getClientRects().length)) return null;
	switch (mode) {
	case "text":
		return {text: el.innerText};
	case "click": {
		if (el.hasAttribute("disabled")) return null;
		el.scrollIntoViewIfNeeded(true);
		const r = el.getClientRects()[0];
		if (!r) return null;
		const x = r.left + r.width / 2, y = r.top + r.height / 2;
		const hit = document.elementFromPoint(x, y);
		const mine = hit && (hit === el || el.contains(hit) ||
			Array.from(el.labels || []).some(l => l.contains(hit)));
		if (!mine) return null;
		window.__e2eClick = token;
		el.addEventListener("click", () => { window.__e2eClicked = token; }, {once: true, capture: true});
		return {x, y};
	}
	case "type":
		el.focus();
		el.value = "";
		return {};
	}
	return {};
}`

// actionable is actionableJS's answer.
type actionable struct {
	X, Y float64
	Text string
}

// untilActionable waits until sel's element can take the action of
// mode and returns what the page answered (pollPage). A selector the page
// cannot parse fails at once. The error at the deadline wraps
// context.DeadlineExceeded.
func (w *Window) untilActionable(sel, mode string) (actionable, error) {
	return w.untilActionableToken(sel, mode, "")
}

// untilActionableToken is untilActionable with the click's token.
func (w *Window) untilActionableToken(sel, mode, token string) (actionable, error) {
	got, err := pollPage[actionable](w, actionableJS, false, sel, mode, token)
	if errors.Is(err, errNotInTime) {
		return got, context.DeadlineExceeded
	}
	return got, err
}

// pollPage has the page call fn (a JavaScript function) with args every
// waitPoll until it answers something truthy, and returns that, for up
// to StepTimeout: one call over CDP, however long it waits. A navigation
// ends the page's check; it goes on in the next page after waitPoll.
// Another error (an exception: a selector the page cannot parse, a
// condition that throws) ends the wait, unless retryErrors: then the page
// is asked again, and the last such error is the answer at the deadline.
// Not so in time: errNotInTime; the window closed: errWindowClosed.
func pollPage[T any](w *Window, fn string, retryErrors bool, args ...any) (T, error) {
	var zero T
	var last error
	deadline := time.Now().Add(StepTimeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return zero, cmp.Or(last, errNotInTime)
		}
		ctx, cancel := context.WithTimeout(w.ctx, left+time.Second)
		got, err := chromedp.Run(ctx, chromedp.PollFunction[T](fn, chromedp.WithPollingArgs(args...),
			chromedp.WithPollingInterval(waitPoll), chromedp.WithPollingTimeout(left)))
		cancel()
		switch {
		case err == nil:
			return got, nil
		case errors.Is(err, chromedp.ErrPollingTimeout),
			errors.Is(err, context.DeadlineExceeded) && !time.Now().Before(deadline):
			return zero, cmp.Or(last, errNotInTime)
		case isStale(err), errors.Is(err, context.DeadlineExceeded):
		case !retryErrors:
			return zero, err
		default:
			last = err
		}
		select {
		case <-w.closed:
			return zero, fmt.Errorf("window %q %w", w.Name, errWindowClosed)
		case <-time.After(waitPoll):
		}
	}
}

var (
	errNotInTime    = errors.New("not so in time")
	errWindowClosed = errors.New("closed")
)

// clickAt presses and releases the left mouse button at x, y, as
// chromedp's Click does at an element's centre.
func (w *Window) clickAt(x, y float64) error { return w.do(chromedp.MouseClickXY(x, y)) }

// clickTokens numbers clicks, for the page to say which one it heard.
var clickTokens atomic.Int64

// clickReached says whether the click of token reached its element: the
// page heard it, or it is another page now (the click navigated, or a
// navigation took the page away, and the click is not to be repeated).
// The page is asked twice, 20 ms apart, before the answer is no.
func (w *Window) clickReached(token string) bool {
	expr := fmt.Sprintf(`window.__e2eClick !== %q || window.__e2eClicked === %q`, token, token)
	for try := 0; try < 2; try++ {
		ok, err := Eval[bool](w, expr)
		if err != nil || ok {
			return true
		}
		time.Sleep(waitPoll)
	}
	return false
}
