package steps

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
)

// fakeClock is a settable now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

func TestStepProgressSaysWhatALongStepWaitsFor(t *testing.T) {
	var out bytes.Buffer
	clock := &fakeClock{t: time.Unix(1000, 0)}
	p := newStepProgress(&out)
	p.now = clock.now
	p.scenarioStarted("features/setup.feature", "Admin creates the app")

	p.stepStarted(`the admin clicks "Save"`)
	p.tick(clock.add(4 * time.Second))
	if out.Len() != 0 {
		t.Fatalf("printed before %s:\n%s", progressAfter, out.String())
	}
	done := p.waitingFor(`#save to be visible and enabled, to click it in window "salesforce-admin"`)
	p.tick(clock.add(time.Second)) // 5 s
	p.tick(clock.add(time.Second)) // 6 s: not due again yet
	inner := p.waitingFor(`a new page after clicking #save in window "salesforce-admin"`)
	p.tick(clock.add(4 * time.Second)) // 10 s
	inner()
	done()
	p.tick(clock.add(5 * time.Second)) // 15 s
	p.stepEnded()
	p.tick(clock.add(5 * time.Second))

	want := `    ... 5s into step "the admin clicks \"Save\"" of "Admin creates the app" (features/setup.feature): waiting 1s for #save to be visible and enabled, to click it in window "salesforce-admin"
    ... 10s into step "the admin clicks \"Save\"" of "Admin creates the app" (features/setup.feature): waiting 4s for a new page after clicking #save in window "salesforce-admin"
    ... 15s into step "the admin clicks \"Save\"" of "Admin creates the app" (features/setup.feature): working, not waiting for the browser or mail
`
	if got := out.String(); got != want {
		t.Errorf("progress:\n%s\nwant:\n%s", got, want)
	}

	// A quick step prints nothing; a long tick gap prints once, not once
	// per missed interval.
	out.Reset()
	p.stepStarted("a quick step")
	p.tick(clock.add(time.Second))
	p.stepEnded()
	p.stepStarted("a slow step")
	p.tick(clock.add(23 * time.Second))
	p.tick(clock.add(time.Second))
	if got := strings.Count(out.String(), "\n"); got != 1 || !strings.Contains(out.String(), `23s into step "a slow step"`) {
		t.Errorf("progress:\n%s\nwant one line about the slow step", out.String())
	}
}

func TestStepProgressNilAndWatch(t *testing.T) {
	var nilProgress *stepProgress
	nilProgress.stepStarted("x")
	nilProgress.waitingFor("y")()
	nilProgress.tick(time.Now())
	nilProgress.watch(time.Millisecond)()

	// The watcher ticks with the real clock: short intervals here.
	out := &testlog.Buffer{}
	p := newStepProgress(out)
	p.after, p.every = 20*time.Millisecond, 20*time.Millisecond
	p.scenarioStarted("features/a.feature", "A")
	stop := p.watch(5 * time.Millisecond)
	p.stepStarted("a stuck step")
	defer p.waitingFor("Godot")()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "\n") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	stop() // twice is fine
	if got := out.String(); strings.Count(got, "waiting") < 2 || !strings.Contains(got, `into step "a stuck step" of "A" (features/a.feature): waiting`) || !strings.Contains(got, "for Godot") {
		t.Errorf("watch printed:\n%s", got)
	}
}
