package client

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/sfharness/sfharness/client/store"
)

// The status stream: GET /admin/crm/salesforce/events answers with
// server-sent events (text/event-stream), one "data:" line of the status
// JSON (statusJSON, as GET /admin/crm/salesforce/status answers) at once and
// then at each change, so that the page shows a field sync step or a page
// of records the moment the store holds it. The page falls back to asking
// GET /admin/crm/salesforce/status every Config.StatusPoll when the
// browser cannot keep the stream.

const (
	// streamKeepAlive is how often an idle stream sends a comment line:
	// a proxy does not take it for dead, and a stream whose browser went
	// away ends at the write that fails.
	streamKeepAlive = 15 * time.Second
	// streamWriteWait bounds the writing of one event to a slow browser.
	streamWriteWait = 10 * time.Second
)

// streams lets Server.CloseStreams end the streams open.
type streams struct {
	once   sync.Once
	closed chan struct{}
}

func newStreams() *streams { return &streams{closed: make(chan struct{})} }

func (s *streams) close() { s.once.Do(func() { close(s.closed) }) }

// handleStatusEvents streams the status in r's language.
func handleStatusEvents(cfg Config, st *store.Store, ss *streams) http.Handler {
	retryMS := pageMillis(cfg.StatusPoll)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cfg.OAuthFeature {
			// Not 200: EventSource gives up, and the page polls the
			// status, which answers the same.
			writeJSONError(w, r, http.StatusForbidden, msgFeatureDisabled)
			return
		}
		loc := localizer(r)
		rc := http.NewResponseController(w)
		// The server's WriteTimeout (cmd/client: 60s) would cut the
		// stream: each write gets streamWriteWait instead. A server that
		// cannot change deadlines (ErrNotSupported) has none to change.
		send := func(format string, args ...any) error {
			_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
			if _, err := fmt.Fprintf(w, format, args...); err != nil {
				return err
			}
			return rc.Flush()
		}
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		// retry: how long the browser waits before it opens the stream
		// again after it ended or broke.
		if err := send("retry: %d\n\n", retryMS); err != nil {
			return
		}
		keepAlive := time.NewTicker(streamKeepAlive)
		defer keepAlive.Stop()
		var last []byte
		for {
			// Taken before the status is read: a write between the two
			// closes it, and the loop reads again.
			changed := st.Changed()
			body, err := json.Marshal(buildStatus(st.Status(), loc))
			if err != nil {
				cfg.Logger.Error("cannot encode the status", "err", err)
				return
			}
			// The JSON is one line: encoding/json escapes line breaks in
			// strings, and an event's data ends at a line break.
			if !bytes.Equal(body, last) {
				if err := send("data: %s\n\n", body); err != nil {
					return
				}
				last = body
			}
			select {
			case <-changed:
			case <-keepAlive.C:
				if err := send(": keep-alive\n\n"); err != nil {
					return
				}
			case <-r.Context().Done():
				return
			case <-ss.closed:
				// Shutting down: the status is sent, and the browser
				// opens the stream again, at the next server if any.
				return
			}
		}
	})
}

// pageMillis is d in the whole milliseconds the page's script counts, at
// least one: a zero interval would make it spin.
func pageMillis(d time.Duration) int64 {
	return max(d.Milliseconds(), 1)
}
