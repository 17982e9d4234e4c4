package steps

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// maxRecorded bounds what one window keeps of its console and network.
const maxRecorded = 2000

// recorder keeps a window's console messages, uncaught exceptions and
// network requests, for the artefacts of a failed step, and whether its
// page is loading, to say why a trace has no screenshot of it.
type recorder struct {
	mu       sync.Mutex
	console  []string
	network  []string
	requests map[network.RequestID]string

	// The main frame's loading, from Page.frameStartedLoading and
	// frameStoppedLoading; its ID is the target's.
	mainFrame    cdp.FrameID
	loading      bool
	loadingSince time.Time
	loadingURL   string
}

// record starts recording the target of ctx; call it after the target's
// first run.
func record(ctx context.Context) (*recorder, error) {
	r := &recorder{requests: map[network.RequestID]string{}}
	if c := chromedp.FromContext(ctx); c != nil && c.Target != nil {
		r.mainFrame = cdp.FrameID(c.Target.TargetID)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return nil, fmt.Errorf("e2e: enable network events: %w", err)
	}
	// Listen runs in the tab's loop: only record, fast, no commands.
	err := chromedp.Listen(ctx, func(ev any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		now := time.Now().Format("15:04:05.000")
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				if a.Value != nil {
					parts = append(parts, string(a.Value))
				} else {
					parts = append(parts, a.Description)
				}
			}
			r.add(&r.console, fmt.Sprintf("%s console.%s %s", now, ev.Type, strings.Join(parts, " ")))
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text = d.Exception.Description
			}
			r.add(&r.console, fmt.Sprintf("%s exception %s:%d %s", now, d.URL, d.LineNumber+1, text))
		case *network.EventRequestWillBeSent:
			r.requests[ev.RequestID] = ev.Request.Method + " " + ev.Request.URL
		case *network.EventResponseReceived:
			req := r.requests[ev.RequestID]
			delete(r.requests, ev.RequestID)
			if req == "" {
				req = ev.Response.URL
			}
			r.add(&r.network, fmt.Sprintf("%s %d %s", now, ev.Response.Status, req))
		case *page.EventFrameRequestedNavigation:
			if ev.FrameID == r.mainFrame {
				r.loadingURL = ev.URL
			}
		case *page.EventFrameStartedLoading:
			if ev.FrameID == r.mainFrame {
				r.loading, r.loadingSince = true, time.Now()
			}
		case *page.EventFrameStoppedLoading:
			if ev.FrameID == r.mainFrame {
				r.loading, r.loadingURL = false, ""
			}
		case *network.EventLoadingFailed:
			req := r.requests[ev.RequestID]
			delete(r.requests, ev.RequestID)
			r.add(&r.network, fmt.Sprintf("%s FAILED %s: %s", now, req, ev.ErrorText))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("e2e: listen to the window: %w", err)
	}
	return r, nil
}

func (r *recorder) add(list *[]string, line string) {
	*list = append(*list, line)
	if len(*list) > maxRecorded {
		*list = (*list)[len(*list)-maxRecorded:]
	}
}

// forget drops what the window recorded so far.
func (r *recorder) forget() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.console, r.network = nil, nil
}

// Console is what the page logged and threw, one line each.
func (r *recorder) Console() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.console, "\n")
}

// Network is the window's requests with their status, one line each.
func (r *recorder) Network() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.network, "\n")
}

// navigating reports whether the window's page is loading a new document,
// since when, and where to when the page asked for it.
func (r *recorder) navigating() (loading bool, since time.Time, url string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.loading, r.loadingSince, r.loadingURL
}
