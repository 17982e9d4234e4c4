package steps

import (
	"context"
	"sync"
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
}

// take returns a tab opened ahead, named name, or opens one now when
// none is ready.
func (p *tabPool) take(name string) (*Window, error) {
	p.start.Do(func() {
		for range tabPoolSize {
			go p.fill()
		}
	})
	p.mu.Lock()
	var win *Window
	for len(p.ready) > 0 && win == nil {
		win, p.ready = p.ready[0], p.ready[1:]
		if win.Closed() {
			win = nil
		}
	}
	p.mu.Unlock()
	if win == nil {
		return NewTab(p.browserCtx, name)
	}
	go p.fill()
	win.Name = name
	return win, nil
}

// fill opens one tab for the pool, unless the pool is closed or full.
func (p *tabPool) fill() {
	win, err := NewTab(p.browserCtx, "")
	if err != nil {
		return
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
