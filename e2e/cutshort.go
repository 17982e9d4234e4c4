package e2e

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// cutShort says why a run stops before its end, and the exit code it
// ends with: 130 and 143 as a shell reports SIGINT and SIGTERM, 1 for a
// timeout.
type cutShort struct {
	Reason string
	Code   int
}

// timeoutMargin is how long before go test's -timeout a run stops by
// itself, to write its reports before go test kills it.
const timeoutMargin = 30 * time.Second

// watchCutShort reports on the channel the first of Ctrl-C, SIGTERM or
// the deadline less timeoutMargin (no deadline when it is zero). stop
// ends the watch and closes the channel unless it has reported; calling
// it again does nothing.
func watchCutShort(deadline time.Time) (<-chan cutShort, func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var timeout <-chan time.Time
	if !deadline.IsZero() {
		left := time.Until(deadline)
		timeout = time.After(left - min(timeoutMargin, left/10))
	}
	out := make(chan cutShort, 1)
	done := make(chan struct{})
	go func() {
		defer signal.Stop(sigs)
		select {
		case s := <-sigs:
			code := 130
			if s == syscall.SIGTERM {
				code = 143
			}
			out <- cutShort{Reason: "interrupted (" + s.String() + ")", Code: code}
		case <-timeout:
			out <- cutShort{Reason: "timed out (go test -timeout)", Code: 1}
		case <-done:
			close(out)
		}
	}()
	var once sync.Once
	return out, func() { once.Do(func() { close(done) }) }
}
