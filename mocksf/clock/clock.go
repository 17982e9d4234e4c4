// Package clock is mocksf's settable clock: the time every part of mocksf
// reads (code and token expiry, refresh token policies, an app's
// propagation delay, LastModifiedDate, mail timestamps), which tests move
// forward instead of sleeping, as oauth2-proxy's mockoidc does with
// FastForward.
package clock

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock is a time source that follows a base clock shifted by an offset,
// or stands still while frozen. The zero value is not usable; call New.
// A Clock is safe for concurrent use.
type Clock struct {
	base func() time.Time

	mu sync.RWMutex
	st state
}

// state is where a clock stands, kept apart so Apply can put it back.
type state struct {
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
	if c.st.frozen {
		return c.st.frozenAt
	}
	return c.base().Add(c.st.offset)
}

// ErrOutOfRange refuses a move that would take the clock further from
// its base than a time.Duration reaches (about 292 years either way):
// the offset would wrap (two large advances once put mocksf in 1898) or
// be clamped without a word.
var ErrOutOfRange = errors.New("clock: out of range")

// Advance moves the clock by d (backwards when d is negative) and returns
// the new time. A move out of the clock's range (see Shift) leaves it
// where it is.
func (c *Clock) Advance(d time.Duration) time.Time {
	t, _ := c.Shift(d)
	return t
}

// Shift is Advance that says why a move was refused: with ErrOutOfRange
// the clock is unmoved and t is its time.
func (c *Clock) Shift(d time.Duration) (t time.Time, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.advanceLocked(d); err != nil {
		return c.nowLocked(), err
	}
	return c.nowLocked(), nil
}

// Set makes the clock read t now; unless frozen it keeps running from t.
// It refuses, with ErrOutOfRange and the clock unmoved, a time out of the
// clock's range.
func (c *Clock) Set(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.setLocked(t)
}

// advanceLocked moves the clock by d: a running clock's offset by
// exactly d (reading the base twice would lose the time between), unless
// the sum wraps.
func (c *Clock) advanceLocked(d time.Duration) error {
	if c.st.frozen {
		return c.setLocked(c.st.frozenAt.Add(d))
	}
	sum := c.st.offset + d
	if (d > 0 && sum < c.st.offset) || (d < 0 && sum > c.st.offset) {
		return fmt.Errorf("%w: advancing %v from %s", ErrOutOfRange, d, c.nowLocked().Format(time.RFC3339))
	}
	c.st.offset = sum
	return nil
}

// setLocked makes the clock read t, if t's distance from the base fits
// in the offset (and in Offset's answer, once frozen).
func (c *Clock) setLocked(t time.Time) error {
	base := c.base()
	offset := t.Sub(base)
	// Sub saturates: an offset that does not bring base back to t was
	// clamped.
	if !base.Add(offset).Equal(t) {
		return fmt.Errorf("%w: %s is more than about 292 years from the real time", ErrOutOfRange, t.Format(time.RFC3339))
	}
	if c.st.frozen {
		c.st.frozenAt = t
		return nil
	}
	c.st.offset = offset
	return nil
}

// Freeze stops the clock at its current time; Advance and Set still move
// it. Unfreeze lets it run on from where it stands.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.freezeLocked()
}

func (c *Clock) freezeLocked() {
	if !c.st.frozen {
		c.st.frozenAt, c.st.frozen = c.nowLocked(), true
	}
}

// Unfreeze lets a frozen clock run again from the time it shows.
func (c *Clock) Unfreeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.unfreezeLocked()
}

func (c *Clock) unfreezeLocked() {
	if c.st.frozen {
		c.st.offset, c.st.frozen = c.st.frozenAt.Sub(c.base()), false
	}
}

// Frozen reports whether the clock stands still.
func (c *Clock) Frozen() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.st.frozen
}

// Offset is how far the clock is ahead of its base (negative: behind).
func (c *Clock) Offset() time.Duration {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.st.frozen {
		return c.st.frozenAt.Sub(c.base())
	}
	return c.st.offset
}

// Reset puts the clock back on its base: no offset, not frozen.
func (c *Clock) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.st = state{}
}

// Change is a set of moves Apply makes at once, in this order: Reset,
// Freeze (true), Set, Advance, Freeze (false), so a frozen clock lands
// exactly on Set.
type Change struct {
	Reset   bool
	Freeze  *bool
	Set     *time.Time
	Advance time.Duration
}

// Apply makes the moves of ch as one: when one is out of range it fails
// with ErrOutOfRange and leaves the clock as it was.
func (c *Clock) Apply(ch Change) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	saved := c.st
	if err := c.applyLocked(ch); err != nil {
		c.st = saved
		return err
	}
	return nil
}

func (c *Clock) applyLocked(ch Change) error {
	if ch.Reset {
		c.st = state{}
	}
	if ch.Freeze != nil && *ch.Freeze {
		c.freezeLocked()
	}
	if ch.Set != nil {
		if err := c.setLocked(*ch.Set); err != nil {
			return err
		}
	}
	if ch.Advance != 0 {
		if err := c.advanceLocked(ch.Advance); err != nil {
			return err
		}
	}
	if ch.Freeze != nil && !*ch.Freeze {
		c.unfreezeLocked()
	}
	return nil
}
