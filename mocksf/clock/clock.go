// Package clock is mocksf's settable clock: the time every part of mocksf
// reads (code and token expiry, refresh token policies, an app's
// propagation delay, LastModifiedDate, mail timestamps), which tests move
// forward instead of sleeping, as oauth2-proxy's mockoidc does with
// FastForward.
package clock

import (
	"sync"
	"time"
)

// Clock is a time source that follows a base clock shifted by an offset,
// or stands still while frozen. The zero value is not usable; call New.
// A Clock is safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu       sync.RWMutex
	offset   time.Duration
	frozen   bool
	frozenAt time.Time
}

// New returns a clock that reads base (time.Now when nil) with no offset.
func New(base func() time.Time) *Clock {
	if base == nil {
		base = time.Now
	}
	return &Clock{base: base}
}

// At returns a clock that stands at t until it is advanced or set: the
// hand-moved clock of tests.
func At(t time.Time) *Clock {
	return New(func() time.Time { return t })
}

// Now is the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return c.frozenAt
	}
	return c.base().Add(c.offset)
}

// Advance moves the clock by d (backwards when d is negative) and returns
// the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.frozenAt = c.frozenAt.Add(d)
	} else {
		c.offset += d
	}
	return c.nowLocked()
}

// Set makes the clock read t now; unless frozen it keeps running from t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.frozenAt = t
		return
	}
	c.offset = t.Sub(c.base())
}

// Freeze stops the clock at its current time; Advance and Set still move
// it. Unfreeze lets it run on from where it stands.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.frozenAt, c.frozen = c.nowLocked(), true
	}
}

// Unfreeze lets a frozen clock run again from the time it shows.
func (c *Clock) Unfreeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.offset, c.frozen = c.frozenAt.Sub(c.base()), false
	}
}

// Frozen reports whether the clock stands still.
func (c *Clock) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.frozen
}

// Offset is how far the clock is ahead of its base (negative: behind).
func (c *Clock) Offset() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.frozen {
		return c.frozenAt.Sub(c.base())
	}
	return c.offset
}

// Reset puts the clock back on its base: no offset, not frozen.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset, c.frozen, c.frozenAt = 0, false, time.Time{}
}
