package steps

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// A step that runs longer than progressAfter prints what it is waiting
// for, and again every progressEvery until it ends, so that the log of a
// stuck CI run says where it is stuck long before the step's 15-second
// limit (or go test's -timeout) ends it.
const (
	progressAfter = 5 * time.Second
	progressEvery = 5 * time.Second
)

// stepProgress is one scenario's running step and the waits it is in,
// innermost last. Its methods are safe on a nil *stepProgress, which
// reports nothing.
type stepProgress struct {
	out          io.Writer
	after, every time.Duration
	now          func() time.Time

	mu       sync.Mutex
	scenario string // its feature file and name
	step     string
	since    time.Time // the step's start
	next     time.Time // when tick prints next
	waits    []progressWait
}

type progressWait struct {
	what  string
	since time.Time
}

func newStepProgress(out io.Writer) *stepProgress {
	return &stepProgress{out: out, after: progressAfter, every: progressEvery, now: time.Now}
}

// scenarioStarted names the scenario the next steps belong to.
func (p *stepProgress) scenarioStarted(uri, name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.scenario = fmt.Sprintf("%q (%s)", name, uri)
}

// stepStarted starts the clock of a step.
func (p *stepProgress) stepStarted(step string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.waits = step, nil
	p.since = p.now()
	p.next = p.since.Add(p.after)
}

// stepEnded stops reporting the step.
func (p *stepProgress) stepEnded() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.step, p.waits = "", nil
}

// waitingFor records that the step waits for a condition until the
// returned function is called.
func (p *stepProgress) waitingFor(what string) (done func()) {
	if p == nil {
		return func() {}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.waits = append(p.waits, progressWait{what, p.now()})
	n := len(p.waits)
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if len(p.waits) >= n {
			p.waits = p.waits[:n-1]
		}
	}
}

// tick prints the step's progress when it is due at now: once the step
// has run for after, then every every.
func (p *stepProgress) tick(now time.Time) {
	if p == nil || p.out == nil {
		return
	}
	p.mu.Lock()
	if p.step == "" || now.Before(p.next) {
		p.mu.Unlock()
		return
	}
	for !now.Before(p.next) {
		p.next = p.next.Add(p.every)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "    ... %s into step %q of %s: ", roundSecond(now.Sub(p.since)), p.step, p.scenario)
	if len(p.waits) == 0 {
		b.WriteString("working, not waiting for the browser or mail\n")
	} else {
		wt := p.waits[len(p.waits)-1]
		fmt.Fprintf(&b, "waiting %s for %s\n", roundSecond(now.Sub(wt.since)), wt.what)
	}
	p.mu.Unlock()
	// One write a line, so that lines of concurrent scenarios do not mix.
	_, _ = io.WriteString(p.out, b.String())
}

// watch calls tick every interval until the returned function is called.
func (p *stepProgress) watch(interval time.Duration) (stop func()) {
	if p == nil {
		return func() {}
	}
	done := make(chan struct{})
	var once sync.Once
	t := time.NewTicker(interval)
	go func() {
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				p.tick(now)
			case <-done:
				return
			}
		}
	}()
	return func() { once.Do(func() { close(done) }) }
}

func roundSecond(d time.Duration) time.Duration { return d.Round(time.Second) }
