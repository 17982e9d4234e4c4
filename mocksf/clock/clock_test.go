package clock

import (
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// fake is a base clock a test moves by hand.
type fake struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fake) now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fake) tick(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

func TestAdvanceAndSetShiftTheBase(t *testing.T) {
	t.Parallel()
	base := &fake{t: t0}
	c := New(base.now)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v; want %v", got, t0)
	}
	if got := c.Advance(time.Hour); !got.Equal(t0.Add(time.Hour)) {
		t.Errorf("Advance(1h) = %v; want %v", got, t0.Add(time.Hour))
	}
	base.tick(time.Minute)
	if got, want := c.Now(), t0.Add(time.Hour+time.Minute); !got.Equal(want) {
		t.Errorf("after the base ticked: Now = %v; want %v (the clock keeps running)", got, want)
	}
	target := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	c.Set(target)
	if got := c.Now(); !got.Equal(target) {
		t.Errorf("after Set: Now = %v; want %v", got, target)
	}
	if got, want := c.Offset(), target.Sub(t0.Add(time.Minute)); got != want {
		t.Errorf("Offset = %v; want %v", got, want)
	}
	c.Advance(-2 * time.Hour)
	if got, want := c.Now(), target.Add(-2*time.Hour); !got.Equal(want) {
		t.Errorf("after Advance(-2h): Now = %v; want %v", got, want)
	}
	c.Reset()
	if got := c.Now(); !got.Equal(base.now()) || c.Offset() != 0 {
		t.Errorf("after Reset: Now = %v, Offset = %v; want the base time and 0", got, c.Offset())
	}
}

func TestFreezeStopsTheClock(t *testing.T) {
	t.Parallel()
	base := &fake{t: t0}
	c := New(base.now)
	c.Freeze()
	base.tick(time.Hour)
	if got := c.Now(); !got.Equal(t0) || !c.Frozen() {
		t.Fatalf("frozen: Now = %v, Frozen = %v; want %v, true", got, c.Frozen(), t0)
	}
	if got, want := c.Advance(time.Minute), t0.Add(time.Minute); !got.Equal(want) {
		t.Errorf("frozen Advance(1m) = %v; want %v", got, want)
	}
	c.Set(t0.Add(24 * time.Hour))
	if got, want := c.Now(), t0.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("frozen Set: Now = %v; want %v", got, want)
	}
	c.Unfreeze()
	base.tick(time.Second)
	if got, want := c.Now(), t0.Add(24*time.Hour+time.Second); !got.Equal(want) {
		t.Errorf("after Unfreeze: Now = %v; want %v (runs on from where it stood)", got, want)
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := New(nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Advance(time.Second)
				c.Now()
				c.Offset()
			}
		}()
	}
	wg.Wait()
	if got := c.Offset(); got != 800*time.Second {
		t.Errorf("Offset = %v; want 800s", got)
	}
}

func TestAtStandsStillUntilMoved(t *testing.T) {
	t.Parallel()
	c := At(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v; want %v", got, t0)
	}
	time.Sleep(2 * time.Millisecond)
	if got := c.Now(); !got.Equal(t0) {
		t.Errorf("Now = %v after real time passed; want it still at %v", got, t0)
	}
	if got := c.Advance(time.Hour); !got.Equal(t0.Add(time.Hour)) || !c.Now().Equal(t0.Add(time.Hour)) {
		t.Errorf("Advance(1h) = %v, then Now = %v; want %v", got, c.Now(), t0.Add(time.Hour))
	}
}
