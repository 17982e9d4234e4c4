package steps

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// The screenshot and HTML of a window after a step get a deadline of their
// own, far shorter than StepTimeout: Chromium answers
// Page.captureScreenshot only with a new frame, and a page that is between
// documents (a click that navigates) may give none for as long as the
// navigation takes. A traced step that passed takes the viewport, as
// Playwright's trace does, which Chromium draws in a tenth of the time of
// the whole page (captureBeyondViewport re-lays the page out at its full
// height: 2 to 3 s for a long page on a loaded machine, against 0.1 to
// 0.5 s). A failed step's artefacts take the whole page, waiting a little
// longer, as they explain the failure, and fall back to the viewport.
const (
	traceShotTimeout  = 2 * time.Second
	failedShotTimeout = 5 * time.Second
	htmlTimeout       = time.Second
)

// ShotsMediaType is the attachment of a step's screenshots: for each
// window open at the step's end, its screenshot's path relative to the
// results folder, or why there is none (StepShots as JSON), so that
// report.html shows them beside the step and never leaves one out
// silently.
const ShotsMediaType = "application/vnd.sfharness.shots+json"

// StepShots is what a traced or failed step's attachment holds.
type StepShots struct {
	// At is the step's end, in seconds from the scenario's start, to put
	// the film strips' frames under the step they were taken in.
	At float64 `json:"at"`
	// Took is how long capturing the windows took, in seconds.
	Took    float64      `json:"took"`
	Windows []WindowShot `json:"windows"`
	// Note says why no window is listed (none was open yet).
	Note string `json:"note,omitempty"`
}

// WindowShot is one window's screenshot, or why it has none.
type WindowShot struct {
	Window     string `json:"window"`
	Screenshot string `json:"screenshot,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// capture is what capturing one window got.
type capture struct {
	png    []byte
	html   string
	reason string // why png is nil
}

// capture takes the window's screenshot, the whole page when full, and
// its HTML, each within its deadline, and says why when there is no
// screenshot: closed, loading a new page, or Chromium's error.
func (w *Window) capture(full bool) capture {
	if w.Closed() {
		return capture{reason: "the window had closed"}
	}
	var png []byte
	var err error
	if full {
		png, err = captureWithin(w, failedShotTimeout, chromedp.FullScreenshot(100))
	}
	if !full || err != nil {
		png, err = captureWithin(w, traceShotTimeout, chromedp.CaptureScreenshot())
	}
	c := capture{png: png}
	if err != nil {
		c.reason = w.whyNoShot(err, traceShotTimeout)
	}
	// The DOM is read without a frame: quick, unless the page is between
	// documents and has no html element to read. A window that gave no
	// frame in time is as busy for the DOM: the step waits no longer.
	if !w.Closed() && !errors.Is(err, context.DeadlineExceeded) {
		c.html, _ = captureWithin(w, htmlTimeout, chromedp.OuterHTML(chromedp.CSS("html")))
	}
	return c
}

// whyNoShot says why a screenshot failed with err, in the report's words.
func (w *Window) whyNoShot(err error, timeout time.Duration) string {
	if w.Closed() {
		return "the window closed while it was being captured"
	}
	if loading, since, url := w.rec.navigating(); loading {
		to := ""
		if url != "" {
			to = " " + url
		}
		return fmt.Sprintf("no screenshot: the window was loading a new page%s (for %s) and gave no frame within %s",
			to, time.Since(since).Round(10*time.Millisecond), timeout)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no screenshot: Chromium gave no frame within %s", timeout)
	}
	return "no screenshot: " + err.Error()
}

// captureWithin runs a with its own deadline, apart from StepTimeout.
func captureWithin[T any](w *Window, timeout time.Duration, a chromedp.Action[T]) (T, error) {
	ctx, cancel := context.WithTimeout(w.ctx, timeout)
	defer cancel()
	return chromedp.Run(ctx, a)
}

// captureAll captures the windows at once, each in its own target, so
// that a window that gives no frame holds up no other.
func captureAll(wins []*Window, full bool) []capture {
	out := make([]capture, len(wins))
	var wg sync.WaitGroup
	for i, win := range wins {
		wg.Go(func() { out[i] = win.capture(full) })
	}
	wg.Wait()
	return out
}
