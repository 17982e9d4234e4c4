package steps

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The pool hands out tabs under the name asked for, each in its own
// browser context (a cookie set in one is not in the other), refills
// itself, and closes what it holds when it is closed, and what it would
// have got after.
func TestTabPool(t *testing.T) {
	_, browserCtx := startChromiumCtx(t, "first")
	p := &tabPool{browserCtx: browserCtx}
	a, err := p.take("salesforce-admin")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := p.take("product")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if a.Name != "salesforce-admin" || b.Name != "product" || a == b {
		t.Fatalf("took %q and %q; want the two names, two tabs", a.Name, b.Name)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	for _, w := range []*Window{a, b} {
		if err := w.Navigate(srv.URL); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Eval[string](a, `document.cookie = "who=a"`); err != nil {
		t.Fatal(err)
	}
	if got, err := Eval[string](b, `document.cookie`); err != nil || got != "" {
		t.Errorf("the second tab's cookies: %q, %v; want none of the first's", got, err)
	}
	// It fills up to its size in the background.
	deadline := time.Now().Add(30 * time.Second)
	for {
		p.mu.Lock()
		n := len(p.ready)
		p.mu.Unlock()
		if n == tabPoolSize {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d tabs ready after 30s; want %d", n, tabPoolSize)
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.mu.Lock()
	var ids []target.ID
	for _, w := range p.ready {
		ids = append(ids, chromedp.FromContext(w.ctx).Target.TargetID)
	}
	p.mu.Unlock()
	p.close()
	// Closed means gone from the browser: the Chromium at CHROME_URL of
	// a browser farm outlives the run.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		infos, err := chromedp.Targets(browserCtx)
		if err != nil {
			t.Fatal(err)
		}
		left := 0
		for _, info := range infos {
			if slices.Contains(ids, info.TargetID) {
				left++
			}
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the %d ready tabs still open 10s after close", left, len(ids))
		}
	}
	p.fill()
	if len(p.ready) != 0 {
		t.Errorf("a closed pool kept %d tabs", len(p.ready))
	}
}

// A scenario that comes while the pool's tabs are still opening (the
// first ones of a run) takes the first of them to be done instead of
// opening one more beside them.
func TestTabPoolWaitsForATabOnItsWay(t *testing.T) {
	_, browserCtx := startChromiumCtx(t, "first")
	var mu sync.Mutex
	var opened []string
	p := &tabPool{browserCtx: browserCtx, newTab: func(ctx context.Context, name string) (*Window, error) {
		mu.Lock()
		opened = append(opened, name)
		mu.Unlock()
		return NewTab(ctx, name)
	}}
	defer p.close()
	p.warm()
	win, err := p.take("salesforce-admin")
	if err != nil {
		t.Fatal(err)
	}
	defer win.Close()
	if win.Name != "salesforce-admin" {
		t.Errorf("took %q; want salesforce-admin", win.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if slices.Contains(opened, "salesforce-admin") {
		t.Errorf("take opened a tab of its own while %d were on their way: %q", tabPoolSize, opened)
	}
}

// A browser context's window in chromium (CHROMIUM=chromium, HEADED=1;
// the headless shell has no windows) brings no hidden WebUI page of its
// own (Chromium 156's omnibox pop-ups, each a renderer of CPU the
// scenarios share): headless.DisabledFeatures turns them off. Chromium
// makes them within a few hundred milliseconds of the window, so the test
// looks for a second.
func TestTabsBringNoHiddenWebUI(t *testing.T) {
	browserCtx, stop, err := StartBrowser(context.Background(), "", "chromium", t.TempDir(), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	for range 3 {
		win, err := NewTab(browserCtx, "another")
		if err != nil {
			t.Fatal(err)
		}
		defer win.Close()
	}
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		res, err := chromedp.Call(browserCtx, target.GetTargets, target.GetTargetsParams{Filter: target.Filter{{}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range res.TargetInfos {
			if info.Type == "browser_ui" {
				t.Fatalf("a hidden %s page %s came with the tabs; want none (headless.DisabledFeatures)", info.Type, info.URL)
			}
		}
	}
}

// A pool with a warmURL loads it in each tab it opens, then forgets the
// load: the tab it hands out is at that URL, the server got the request,
// and the tab has recorded no request.
func TestTabPoolWarmsItsTabs(t *testing.T) {
	var mu sync.Mutex
	var warmed []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		warmed = append(warmed, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/css")
	}))
	defer srv.Close()
	_, browserCtx := startChromiumCtx(t, "first")
	p := &tabPool{browserCtx: browserCtx, warmURL: srv.URL + "/static/mocksf.css"}
	defer p.close()
	win, err := p.take("salesforce-admin")
	if err != nil {
		t.Fatal(err)
	}
	defer win.Close()
	url, err := win.URL()
	if err != nil || url != srv.URL+"/static/mocksf.css" {
		t.Errorf("the tab is at %q (%v); want the warm URL loaded", url, err)
	}
	if n := win.rec.Network(); n != "" {
		t.Errorf("the tab recorded %q; want the warm load forgotten", n)
	}
	mu.Lock()
	got := slices.Contains(warmed, "/static/mocksf.css")
	mu.Unlock()
	if !got {
		t.Errorf("the server got %v; want the warm URL asked for", warmed)
	}
}
