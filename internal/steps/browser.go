// Package e2e runs the feature files in features/ against mocksf and the
// client, started in-process on free loopback ports (or already running,
// at MOCKSF_URL and CLIENT_URL), in headless Chromium driven by chromedp.
// The suite runs inside `go test` (see e2e_test.go), configured by the
// environment (env.go). Its steps are listed in catalog.go, one file of
// step functions per section of the catalogue (steps_*.go).
package steps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	headlessChromium "github.com/sfharness/sfharness/internal/headless"
)

// StepTimeout bounds every browser action and wait: chromedp has no
// default timeout, and a wrong selector would otherwise wait forever.
const StepTimeout = 15 * time.Second

// StartBrowser starts one headless Chromium for the whole run, or, when
// chromeURL is set (ws://… or http://host:port of a browser started with
// --remote-debugging-port, browserless or a Selenium Grid 4 node),
// attaches to that one. Its life is bound to ctx, which must have no
// deadline. program is the Chromium to start (headless.Program: "" is
// the headless shell when installed and headless, else chromium).
// userDataDir must be fresh. headless false shows its windows (HEADED=1
// where a display exists).
func StartBrowser(ctx context.Context, chromeURL, program, userDataDir string, headless bool, output io.Writer) (context.Context, context.CancelFunc, error) {
	if chromeURL != "" {
		allocCtx, cancelAlloc := remote.NewAllocator(ctx, chromeURL)
		browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
		if err := chromedp.Do(browserCtx); err != nil {
			cancelBrowser()
			cancelAlloc()
			return nil, nil, fmt.Errorf("e2e: attach to the browser at CHROME_URL=%s: %w", chromeURL, err)
		}
		return browserCtx, func() { cancelBrowser(); cancelAlloc() }, nil
	}
	program = headlessChromium.Program(program, headless)
	opts := append(headlessChromium.Options(userDataDir),
		chromedp.Flag("disable-popup-blocking", false),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(output),
		chromedp.ExecPath(program),
	)
	if !headless {
		opts = append(opts, chromedp.Flag("headless", false))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(browserCtx); err != nil {
		cancelBrowser()
		cancelAlloc()
		return nil, nil, fmt.Errorf("e2e: start %s (make chromium installs Debian's chromium and chromium-headless-shell): %w", program, err)
	}
	return browserCtx, func() { cancelBrowser(); cancelAlloc() }, nil
}

// Window is one browser target the scenario drives: the main tab or a
// pop-up it opened.
type Window struct {
	Name   string
	ctx    context.Context
	cancel context.CancelFunc
	closed <-chan struct{}
	rec    *recorder
	// progress, when set, is told what the window waits for.
	progress *stepProgress
	// roll, when set (TRACE), films the window and its pop-ups.
	roll *filmRoll
	// keyByKey types as key events, one a character (TYPING=keys), for
	// pages that listen to keys; otherwise text is inserted in one call.
	keyByKey bool
}

// waiting tells the step's progress that the window waits for what,
// until the returned function is called.
func (w *Window) waiting(what string) (done func()) {
	return w.progress.waitingFor(fmt.Sprintf("%s in window %q", what, w.Name))
}

// NewTab opens a tab in a fresh browser context (its own cookies).
func NewTab(browserCtx context.Context, name string) (*Window, error) {
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	// The first Do must use the tab's own context: its event loop lives on
	// the context of its first run.
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, fmt.Errorf("e2e: open tab: %w", err)
	}
	closed, err := chromedp.Detached(ctx)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("e2e: watch tab: %w", err)
	}
	rec, err := record(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	return &Window{Name: name, ctx: ctx, cancel: cancel, closed: closed, rec: rec}, nil
}

// AcceptLanguage makes every request of the window's pages ask for the
// languages of header (an Accept-Language value, "nl"), as a browser set
// to them does; the pop-ups the window opens keep the browser's own.
func (w *Window) AcceptLanguage(header string) error {
	_, err := chromedp.Call(w.ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": header}})
	if err != nil {
		return fmt.Errorf("e2e: accept language %s: %w", header, err)
	}
	return nil
}

// BlockPopups makes window.open return null in every page of the window,
// as it does when the browser's pop-up blocker stops a pop-up.
func (w *Window) BlockPopups() error {
	_, err := chromedp.Call(w.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: "window.open = function () { return null; };",
	})
	if err != nil {
		return fmt.Errorf("e2e: block pop-ups: %w", err)
	}
	return nil
}

// Close closes the window's target.
func (w *Window) Close() { w.cancel() }

// Closed reports whether the page has gone away (for example closed itself).
func (w *Window) Closed() bool {
	select {
	case <-w.closed:
		return true
	default:
		return false
	}
}

// WaitClosed waits until the page closes itself.
func (w *Window) WaitClosed(timeout time.Duration) error {
	defer w.waiting("the window to close itself")()
	select {
	case <-w.closed:
		return nil
	case <-time.After(timeout):
		url, _ := w.URL()
		return fmt.Errorf("window %q still open after %s (at %s)", w.Name, timeout, url)
	}
}

// do runs actions with the step deadline.
func (w *Window) do(actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(w.ctx, StepTimeout)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

func run[T any](w *Window, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(w.ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// Navigate loads a URL.
func (w *Window) Navigate(url string) error {
	defer w.waiting(url + " to load")()
	if err := w.do(chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("navigate %s: %w", url, err)
	}
	return nil
}

// Click waits until the element with the id is visible and enabled, then
// clicks it.
func (w *Window) Click(id string) error { return w.clickCSS("#" + id) }

// clickCSS is Click of the first element the CSS selector matches (a
// product profile's selectors, internal/steps/profile.go).
func (w *Window) clickCSS(sel string) error {
	defer w.waiting(fmt.Sprintf("%s to be visible and enabled, to click it", sel))()
	// A click can miss when the page moves the element between the check
	// and the click (a message shown above it as an answer arrives): the
	// element then did not hear it, and it is clicked again where it is
	// now, a few times at most.
	for attempt := 1; ; attempt++ {
		token := strconv.FormatInt(clickTokens.Add(1), 10)
		at, err := w.untilActionableToken(sel, "click", token)
		if err == nil {
			err = w.clickAt(at.X, at.Y)
		}
		if err != nil {
			return w.explain(fmt.Sprintf("to click %s", sel), sel, err)
		}
		if attempt == maxClicks || w.clickReached(token) {
			return nil
		}
	}
}

// maxClicks bounds clickCSS's attempts at one click.
const maxClicks = 3

// isStale says whether err is a page's going away under an action (a
// navigation or re-render in between): the action is then tried again in
// the next page, as Playwright's auto-waiting does.
func isStale(err error) bool {
	msg := err.Error()
	for _, s := range []string{"Could not find node", "No node with given id", "Node is detached", "Cannot find context with specified id", "Execution context was destroyed", "DOM Error while querying", "Inspected target navigated or closed"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// ClickAndWaitNewPage clicks the element and waits until the window has
// loaded a new document, so the next check cannot see the old page.
func (w *Window) ClickAndWaitNewPage(id string) error { return w.clickAndWaitNewPageCSS("#" + id) }

// clickAndWaitNewPageCSS is ClickAndWaitNewPage by CSS selector.
func (w *Window) clickAndWaitNewPageCSS(sel string) error {
	if _, err := Eval[bool](w, `window.__e2eOldPage = true`); err != nil {
		return w.explain("to mark the page", "", err)
	}
	if err := w.clickCSS(sel); err != nil {
		return err
	}
	return w.WaitFor("a new page after clicking "+sel, `!window.__e2eOldPage && document.readyState !== "loading"`)
}

// Type replaces the value of the input with the id by typing text.
func (w *Window) Type(id, text string) error { return w.typeCSS("#"+id, text) }

// typeCSS is Type by CSS selector. The text goes in with one
// Input.insertText, which fires the input events an IME's text does
// (0.15 s for a Consumer Secret, against 1.2 s key by key); TYPING=keys
// sends one key event a character instead, for pages that listen to keys.
func (w *Window) typeCSS(sel, text string) error {
	defer w.waiting(fmt.Sprintf("%s to be visible, to type into it", sel))()
	if w.keyByKey {
		return w.typeKeys(sel, text)
	}
	if _, err := w.untilActionable(sel, "type"); err != nil {
		return w.explain(fmt.Sprintf("to type into %s", sel), sel, err)
	}
	if err := w.do(insertText(text)); err != nil {
		return w.explain(fmt.Sprintf("to type into %s", sel), sel, err)
	}
	return w.checkTyped(sel, text)
}

// typeKeys is typeCSS one key event a character (TYPING=keys), into the
// field the page focused and emptied.
func (w *Window) typeKeys(sel, text string) error {
	if _, err := w.untilActionable(sel, "type"); err != nil {
		return w.explain(fmt.Sprintf("to type into %s", sel), sel, err)
	}
	if err := w.do(chromedp.KeyEvent(text)); err != nil {
		return w.explain(fmt.Sprintf("to type into %s", sel), sel, err)
	}
	return w.checkTyped(sel, text)
}

// checkTyped fails unless the field holds text.
func (w *Window) checkTyped(sel, text string) error {
	got, err := Eval[string](w, fmt.Sprintf(`document.querySelector(%s).value`, strconv.Quote(sel)))
	if err != nil {
		return w.explain(fmt.Sprintf("to read %s", sel), sel, err)
	}
	if got != text {
		return fmt.Errorf("typed %q into %s in window %q, but it holds %q", text, sel, w.Name, got)
	}
	return nil
}

// insertText inserts text at the focused element's caret in one
// Input.insertText, as an IME commits text: the page gets beforeinput
// and input events, not keydown or keyup.
func insertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// Text waits until the element with the id is visible and returns its text.
func (w *Window) Text(id string) (string, error) { return w.textCSS("#" + id) }

// textCSS is Text by CSS selector.
func (w *Window) textCSS(sel string) (string, error) {
	defer w.waiting(fmt.Sprintf("%s to be visible, to read it", sel))()
	got, err := w.untilActionable(sel, "text")
	if err != nil {
		return "", w.explain(fmt.Sprintf("%s to be visible", sel), sel, err)
	}
	return strings.TrimSpace(got.Text), nil
}

// WaitVisible waits until the element with the id is visible.
func (w *Window) WaitVisible(id string) error { return w.waitVisibleCSS("#" + id) }

// waitVisibleCSS is WaitVisible by CSS selector.
func (w *Window) waitVisibleCSS(sel string) error {
	defer w.waiting(fmt.Sprintf("%s to be visible", sel))()
	if _, err := w.untilActionable(sel, "visible"); err != nil {
		return w.explain(fmt.Sprintf("%s to be visible", sel), sel, err)
	}
	return nil
}

// Eval evaluates a JavaScript expression in the page.
func Eval[T any](w *Window, expr string) (T, error) {
	return run(w, chromedp.Evaluate[T](expr))
}

// WaitFor waits until a JavaScript condition is true, for a condition
// no selector expresses (text, counts, URL). The page itself checks it
// every waitPoll, answering the moment it holds; a navigation (which ends
// the page's check) or a condition that throws checks again in the next
// page after waitPoll.
func (w *Window) WaitFor(what, expr string) error {
	defer w.waiting(what)()
	_, err := pollPage[bool](w, "() => !!("+expr+")", true)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errWindowClosed):
		return fmt.Errorf("wait until %s: %w", what, err)
	case errors.Is(err, errNotInTime):
		err = fmt.Errorf("not so after %s", StepTimeout)
	}
	return w.explain(what, "", err)
}

// waitPoll is how often the page checks a WaitFor condition.
const waitPoll = 20 * time.Millisecond

// URL is the page's current address.
func (w *Window) URL() (string, error) { return run(w, chromedp.Location()) }

// Screenshot returns a PNG of the whole page.
func (w *Window) Screenshot() ([]byte, error) { return run(w, chromedp.FullScreenshot(100)) }

// HTML returns the page's current DOM as HTML.
func (w *Window) HTML() (string, error) {
	return run(w, chromedp.OuterHTML(chromedp.CSS("html")))
}

// targetGone reports whether the browser no longer has the target.
func (w *Window) targetGone(id target.ID) bool {
	infos, err := chromedp.Targets(w.ctx)
	if err != nil {
		return false
	}
	for _, t := range infos {
		if t.TargetID == id {
			return false
		}
	}
	return true
}

// ClickOpeningPopup clicks the element with the id and returns the pop-up
// it opens. The pop-up is matched by its opener, never as "the next new
// target", which would mix up concurrent scenarios.
func (w *Window) ClickOpeningPopup(id, name string) (*Window, error) {
	return w.clickOpeningPopupCSS("#"+id, name)
}

// clickOpeningPopupCSS is ClickOpeningPopup by CSS selector.
func (w *Window) clickOpeningPopupCSS(sel, name string) (*Window, error) {
	defer w.waiting("a pop-up opened by " + sel)()
	opener := chromedp.FromContext(w.ctx).Target.TargetID
	waitCtx, cancelWait := context.WithTimeout(w.ctx, StepTimeout)
	defer cancelWait()
	ch := chromedp.WaitNewTarget(waitCtx, func(info *target.Info) bool { return info.OpenerID == opener })
	if err := w.clickCSS(sel); err != nil {
		return nil, err
	}
	var popupID target.ID
	select {
	case popupID = <-ch:
	case <-waitCtx.Done():
		return nil, w.explain("a pop-up opened by "+sel, sel, waitCtx.Err())
	}
	// Detach, not close, on cancel: the pop-up closes itself.
	ctx, cancel := chromedp.NewContext(w.ctx, chromedp.WithTargetID(popupID), chromedp.WithDetachOnCancel())
	attach := func() (<-chan struct{}, *recorder, error) {
		if err := chromedp.Do(ctx); err != nil {
			return nil, nil, fmt.Errorf("attach to the pop-up: %w", err)
		}
		closed, err := chromedp.Detached(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("watch the pop-up: %w", err)
		}
		rec, err := record(ctx)
		return closed, rec, err
	}
	closed, rec, err := attach()
	if err != nil {
		cancel()
		if w.targetGone(popupID) {
			// Closed before it could be watched: Salesforce answered at
			// once (a live session and a remembered approval), and the
			// pop-up handed the result to the product and closed. The
			// window is returned closed, as it is.
			done := make(chan struct{})
			close(done)
			return &Window{Name: name, ctx: ctx, cancel: cancel, closed: done, rec: &recorder{}, progress: w.progress, keyByKey: w.keyByKey}, nil
		}
		return nil, err
	}
	return w.filmAlso(&Window{Name: name, ctx: ctx, cancel: cancel, closed: closed, rec: rec, progress: w.progress, keyByKey: w.keyByKey}), nil
}
