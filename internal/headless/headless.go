// Package headless starts Debian's Chromium as the repository drives it:
// headless, as root, with the flags that keep it off the network this
// machine refuses (the developers' guide lists them). The steps' browser
// (internal/steps) and the page screenshot tests start it through here,
// so the list is written once.
package headless

import (
	"context"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/chromedp"
)

// DisabledFeatures is Chromium's --disable-features: chromedp's own two
// (the flag replaces its list) and the omnibox pop-ups. Chromium 156 gives
// every window, and so every browser context a scenario opens, two hidden
// WebUI pages of its omnibox (chrome://omnibox-popup.top-chrome/, one of
// them the AI Mode pop-up), each in a renderer of its own: 0.4-0.6 s of
// CPU a context, on a machine whose two cores the suite shares. Without
// them the documented flow went from 6.0 s to 4.5-5.1 s (docs/performance.md).
const DisabledFeatures = "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup"

// Shell is Debian's chromium-headless-shell: Chromium's old headless
// mode, a program without the browser's windows and their UI, which
// Playwright also runs for headless tests. Here the whole suite took 31 s
// in it against 50 s in chromium's headless mode (docs/performance.md).
const Shell = "chromium-headless-shell"

// Program is the Chromium program a run starts: name when it is set (a
// program on PATH or a path), else for a headless run the headless shell
// when it is installed, else chromium (which a headed run needs: the
// shell shows no window).
func Program(name string, headless bool) string {
	if name != "" {
		return name
	}
	if headless {
		if _, err := exec.LookPath(Shell); err == nil {
			return Shell
		}
	}
	return "chromium"
}

// Options are chromedp's defaults (headless among them) and the flags
// every Chromium of the repository needs, with a fresh userDataDir.
func Options(userDataDir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.NoSandbox, // Chromium runs as root here.
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", DisabledFeatures),
		chromedp.UserDataDir(userDataDir),
	)
}

// Start starts a headless Chromium for a test and returns its tab, which
// expires after timeout, and what the tab's pages have logged so far (to
// catch a Content-Security-Policy violation). The test's cleanup stops it.
func Start(t testing.TB, timeout time.Duration, opts ...chromedp.ExecAllocatorOption) (ctx context.Context, logged func() []string) {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(Options(t.TempDir()), opts...)...)
	t.Cleanup(cancelAlloc)
	browserCtx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	ctx, cancel := context.WithTimeout(browserCtx, timeout)
	t.Cleanup(cancel)
	var mu sync.Mutex
	var lines []string
	entries := chromedp.Events(ctx, log.EntryAdded)
	go func() {
		for ev, err := range entries {
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, ev.Entry.Text)
			mu.Unlock()
		}
	}()
	return ctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), lines...)
	}
}
