package client_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventStream is an open GET /admin/crm/salesforce/events, read as
// EventSource reads it: "field: value" lines, an event ending at a blank
// line, comments (":") skipped.
type eventStream struct {
	t      *testing.T
	resp   *http.Response
	events chan streamEvent
	cancel context.CancelFunc
}

// streamEvent is one event of the stream: its retry and data fields, or
// err when the stream ended (io.EOF) or broke.
type streamEvent struct {
	retry, data string
	err         error
}

// eventsPath is the status stream the page's script opens.
const eventsPath = "/admin/crm/salesforce/events"

// openEvents opens the status stream at u with hc's cookies; the test's
// end closes it.
func openEvents(t *testing.T, hc *http.Client, u string) *eventStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	req.Header.Set("Accept", "text/event-stream")
	// The stream outlives a client's whole-request timeout, as it does
	// the browser's: only the test's deadline bounds it.
	stream := *hc
	stream.Timeout = 0
	resp, err := stream.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("GET %s: %v", u, err)
	}
	s := &eventStream{t: t, resp: resp, events: make(chan streamEvent, 100), cancel: cancel}
	go s.read()
	t.Cleanup(func() { cancel(); resp.Body.Close() })
	return s
}

func (s *eventStream) read() {
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ev streamEvent
	seen := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if seen {
				s.events <- ev
			}
			ev, seen = streamEvent{}, false
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "retry: "):
			ev.retry, seen = strings.TrimPrefix(line, "retry: "), true
		case strings.HasPrefix(line, "data: "):
			ev.data, seen = strings.TrimPrefix(line, "data: "), true
		default:
			s.events <- streamEvent{err: errors.New("unexpected line " + line)}
			return
		}
	}
	err := sc.Err()
	if err == nil {
		err = io.EOF
	}
	s.events <- streamEvent{err: err}
}

// next returns the next event, failing the test after within.
func (s *eventStream) next(within time.Duration) streamEvent {
	s.t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			return streamEvent{err: io.EOF}
		}
		return ev
	case <-time.After(within):
		s.t.Fatalf("no event from the status stream within %v", within)
		return streamEvent{}
	}
}

// waitStatus reads statuses until ok accepts one, failing the test after
// within.
func (s *eventStream) waitStatus(what string, within time.Duration, ok func(status) bool) status {
	s.t.Helper()
	deadline := time.Now().Add(within)
	var last status
	for {
		ev := s.next(time.Until(deadline))
		if ev.err != nil {
			s.t.Fatalf("the status stream ended (%v) before %s; last status: %+v", ev.err, what, last)
		}
		if ev.data == "" {
			continue
		}
		if err := json.Unmarshal([]byte(ev.data), &last); err != nil {
			s.t.Fatalf("status event %q: %v", ev.data, err)
		}
		if ok(last) {
			return last
		}
	}
}

// TestStatusStream opens the page's status stream and follows a whole
// connection through it: the status at once, then each change as the
// store takes it. The harness's StatusPoll is an hour, and the stream's
// keep-alive comes every 15s: within the 10s each wait is given, only the
// store's change notice can have sent the changes.
func TestStatusStream(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{statusPoll: time.Hour})
	h.sf.addRecords(t, "Lead", 3)
	ev := openEvents(t, h.hc, h.clientURL+eventsPath)
	if got := ev.resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Errorf("Content-Type = %q; want text/event-stream", got)
	}
	if got := ev.resp.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
	// The browser's reconnection wait comes first: StatusPoll in ms.
	if first := ev.next(10 * time.Second); first.retry != "3600000" || first.data != "" {
		t.Errorf("first event = %+v; want retry: 3600000 alone", first)
	}
	if s := ev.waitStatus("the first status", 10*time.Second, func(status) bool { return true }); s.Connected || s.Connection != "Not connected" {
		t.Errorf("first status = %+v; want not connected", s)
	}

	csrf := h.connect()
	ev.waitStatus("connected", 10*time.Second, func(s status) bool { return s.Connected })
	ev.waitStatus("the field sync to complete", 10*time.Second, fieldSyncComplete)
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s := ev.waitStatus("the sync to run with the 3 leads", 10*time.Second, func(s status) bool {
		return s.Sync.State == "running" && s.Sync.Counts["Lead"] == 3
	})
	if s.Sync.Text != "Sync running" {
		t.Errorf("running sync's text = %q; want Sync running", s.Sync.Text)
	}
	h.sf.addRecords(t, "Lead", 2)
	ev.waitStatus("the 2 new leads", 10*time.Second, func(s status) bool { return s.Sync.Counts["Lead"] == 5 })
}

// TestStatusStreamAnswers checks what the stream answers before any
// change: the retry time and the status, in the language the page's
// script asks for with ?lang=, or Salesforce's feature refusal as JSON
// (not a stream: EventSource gives up, and the page polls).
func TestStatusStreamAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       harnessOptions
		query      string
		wantStatus int
		wantRetry  string
		wantBody   string
	}{
		{"default poll", harnessOptions{}, "", http.StatusOK, "500", `"connection":"Not connected"`},
		{"25ms poll", harnessOptions{statusPoll: 25 * time.Millisecond}, "", http.StatusOK, "25", `"connection":"Not connected"`},
		{"below a millisecond", harnessOptions{statusPoll: 300 * time.Microsecond}, "", http.StatusOK, "1", `"connection":"Not connected"`},
		{"Dutch", harnessOptions{}, "?lang=nl", http.StatusOK, "500", `"connection":"Niet verbonden"`},
		{"feature off", harnessOptions{featureOff: true}, "", http.StatusForbidden, "", `{"error":"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			if tc.wantStatus != http.StatusOK {
				r := h.get(eventsPath + tc.query)
				if r.status != tc.wantStatus || !strings.HasPrefix(r.body, tc.wantBody) || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
					t.Errorf("GET %s = %d %s %q; want %d and JSON starting %s", eventsPath, r.status, r.header.Get("Content-Type"), r.body, tc.wantStatus, tc.wantBody)
				}
				return
			}
			ev := openEvents(t, h.hc, h.clientURL+eventsPath+tc.query)
			if ev.resp.StatusCode != tc.wantStatus {
				t.Fatalf("GET %s = %d; want %d", eventsPath, ev.resp.StatusCode, tc.wantStatus)
			}
			if first := ev.next(10 * time.Second); first.retry != tc.wantRetry {
				t.Errorf("first event = %+v; want retry: %s", first, tc.wantRetry)
			}
			if second := ev.next(10 * time.Second); !strings.Contains(second.data, tc.wantBody) {
				t.Errorf("second event = %+v; want the status with %s", second, tc.wantBody)
			}
		})
	}
}

// TestStatusStreamOutlivesServerTimeouts serves Beacon as cmd/client does,
// with time limits on reading each request and on writing each answer,
// here 200ms: the stream, open for longer, still brings the connection.
// Left to the write limit, the answer would be cut.
func TestStatusStreamOutlivesServerTimeouts(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h.beacon, ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	ev := openEvents(t, h.hc, "http://"+ln.Addr().String()+eventsPath)
	ev.waitStatus("the first status", 10*time.Second, func(status) bool { return true })
	time.Sleep(600 * time.Millisecond) // past both limits
	h.connect()
	ev.waitStatus("connected, after the server's time limits", 10*time.Second, func(s status) bool { return s.Connected })
}

// TestCloseStreams checks that CloseStreams, which cmd/client calls at
// shutdown, ends the open streams at once, and that a stream opened after
// it sends the status and ends, so that the browser comes back after its
// retry time as a poll would.
func TestCloseStreams(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	open := openEvents(t, h.hc, h.clientURL+eventsPath)
	open.waitStatus("the first status", 10*time.Second, func(status) bool { return true })
	h.beacon.CloseStreams()
	if ev := open.next(5 * time.Second); !errors.Is(ev.err, io.EOF) {
		t.Errorf("after CloseStreams the open stream sent %+v; want its end", ev)
	}
	later := openEvents(t, h.hc, h.clientURL+eventsPath)
	if ev := later.next(5 * time.Second); ev.retry != "500" {
		t.Errorf("a later stream's first event = %+v; want retry: 500", ev)
	}
	if ev := later.next(5 * time.Second); !strings.Contains(ev.data, `"connected":false`) {
		t.Errorf("a later stream's second event = %+v; want the status", ev)
	}
	if ev := later.next(5 * time.Second); !errors.Is(ev.err, io.EOF) {
		t.Errorf("a later stream's third event = %+v; want its end", ev)
	}
	// The status endpoint still answers.
	if s := h.status(); s.Connected {
		t.Errorf("status = %+v; want not connected", s)
	}
}

// TestPageTimings checks that the Sync with Salesforce page hands
// Config.StatusPoll and Config.PopupGrace to its script, in milliseconds,
// on the script's element, and that the script served reads those very
// attributes and opens the stream.
func TestPageTimings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts harnessOptions
		want string // the script element, "" for none
	}{
		{"defaults", harnessOptions{},
			`<script src="/static/salesforce.js" data-status-poll-ms="500" data-popup-grace-ms="1500" data-http-error=`},
		{"the suite's", harnessOptions{statusPoll: 25 * time.Millisecond, popupGrace: 200 * time.Millisecond},
			`<script src="/static/salesforce.js" data-status-poll-ms="25" data-popup-grace-ms="200" data-http-error=`},
		{"below a millisecond", harnessOptions{statusPoll: time.Microsecond, popupGrace: 1500 * time.Microsecond},
			`<script src="/static/salesforce.js" data-status-poll-ms="1" data-popup-grace-ms="1" data-http-error=`},
		{"feature off: no script", harnessOptions{featureOff: true, statusPoll: 25 * time.Millisecond}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, tc.opts)
			page := h.get("/admin/crm/salesforce")
			if page.status != http.StatusOK {
				t.Fatalf("GET /admin/crm/salesforce = %d", page.status)
			}
			if n := strings.Count(page.body, "<script"); tc.want == "" && n != 0 || tc.want != "" && n != 1 {
				t.Errorf("page has %d script elements; want %d", n, min(len(tc.want), 1))
			}
			if tc.want != "" && !strings.Contains(page.body, tc.want) {
				t.Errorf("page lacks %s:\n%s", tc.want, page.body)
			}
		})
	}
	h := newHarness(t)
	script := h.get("/static/salesforce.js")
	for _, want := range []string{"document.currentScript", "dataset.statusPollMs", "dataset.popupGraceMs", "new EventSource('" + eventsPath + "?lang="} {
		if !strings.Contains(script.body, want) {
			t.Errorf("salesforce.js lacks %s", want)
		}
	}
}
