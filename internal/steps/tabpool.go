package steps

import (
	"context"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
)

// tabPoolSize is how many tabs the pool keeps open ahead: two scenarios'
// worth (the Salesforce admin's and the product admin's browser each).
const tabPoolSize = 4

// tabPool opens tabs, each in a fresh browser context (its own cookies),
// ahead of the scenarios that will need them, so that a scenario's first
// step does not wait for Chromium to make a context and its target (about
// 0.15 s each here, more on a busy machine). A tab is used once: taking
// one opens its replacement in the background.
type tabPool struct {
	browserCtx context.Context
	start      sync.Once
	mu         sync.Mutex
	ready      []*Window
	closed     bool
	// opening counts the tabs being opened for the pool; filled is closed
	// (and replaced) each time one of them is done, so that take can wait
	// for a tab already on its way rather than open one more beside it.
	opening int
	filled  chan struct{}
	// newTab opens a tab (NewTab; a test counts what it opens).
	newTab func(browserCtx context.Context, name string) (*Window, error)
	// warmURL, when set, is loaded in each tab as it opens (mocksf's
	// style sheet): a browser context's first page of a site starts that
	// site's renderer process, 0.2-0.3 s here, which then waits for the
	// scenario instead of the scenario for it. Its requests are forgotten,
	// so a failed step's network artefact shows the scenario's alone.
	warmURL string
}

// warmTimeout bounds the load of warmURL: a tab that could not load it
// is as good as one that did not try.
const warmTimeout = 5 * time.Second

// tabWait bounds how long take waits for a tab on its way before it
// opens one of its own: a Chromium that stalls one target creation must
// not stall the scenario.
const tabWait = 5 * time.Second

// warm starts opening the pool's tabs, once: the suite calls it when the
// browser is up, so that the first scenarios find tabs ready too.
func (p *tabPool) warm() {
	p.start.Do(func() {
		for range tabPoolSize {
			p.open()
		}
	})
}

// open opens one tab for the pool in the background.
func (p *tabPool) open() {
	p.mu.Lock()
	p.opening++
	if p.filled == nil {
		p.filled = make(chan struct{})
	}
	p.mu.Unlock()
	go func() {
		p.fill()
		p.mu.Lock()
		p.opening--
		close(p.filled)
		p.filled = make(chan struct{})
		p.mu.Unlock()
	}()
}

// take returns a tab opened ahead, named name: one that is ready, or the
// next one done opening; it opens one now when none is on its way.
func (p *tabPool) take(name string) (*Window, error) {
	p.warm()
	deadline := time.NewTimer(tabWait)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		var win *Window
		for len(p.ready) > 0 && win == nil {
			win, p.ready = p.ready[0], p.ready[1:]
			if win.Closed() {
				win = nil
			}
		}
		opening, filled := p.opening, p.filled
		p.mu.Unlock()
		if win != nil {
			p.open()
			win.Name = name
			return win, nil
		}
		if opening == 0 {
			return p.opener()(p.browserCtx, name)
		}
		select {
		case <-filled:
		case <-deadline.C:
			return p.opener()(p.browserCtx, name)
		}
	}
}

func (p *tabPool) opener() func(context.Context, string) (*Window, error) {
	if p.newTab == nil {
		return NewTab
	}
	return p.newTab
}

// fill opens one tab for the pool, unless the pool is closed or full.
func (p *tabPool) fill() {
	win, err := p.opener()(p.browserCtx, "")
	if err != nil {
		return
	}
	if p.warmURL != "" {
		ctx, cancel := context.WithTimeout(win.ctx, warmTimeout)
		_ = chromedp.Do(ctx, chromedp.Navigate(p.warmURL))
		cancel()
		if win.rec != nil {
			win.rec.forget()
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || len(p.ready) >= tabPoolSize {
		win.Close()
		return
	}
	p.ready = append(p.ready, win)
}

// close closes the tabs opened ahead and every one opened from now on:
// a browser the run attached to (CHROME_URL) outlives the run.
func (p *tabPool) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	for _, win := range p.ready {
		win.Close()
	}
	p.ready = nil
}
