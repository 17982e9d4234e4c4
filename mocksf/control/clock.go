package control

import (
	"errors"
	"net/http"
	"time"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/store"
)

// ClockState is mocksf's clock as GET and POST /__mocksf/clock answer it.
type ClockState struct {
	Now time.Time `json:"now"`
	// Offset is how far mocksf's clock is ahead of the real one, as a Go
	// duration ("1h30m0s"; negative when behind).
	Offset string `json:"offset"`
	Frozen bool   `json:"frozen"`
}

// ClockChange is the body of POST /__mocksf/clock. Given fields apply in
// this order: Reset, Freeze (true), Set, Advance, Freeze (false), so a
// frozen clock lands exactly on Set.
type ClockChange struct {
	// Reset puts the clock back on real time, running.
	Reset bool `json:"reset,omitempty"`
	// Set makes the clock read this time (RFC 3339).
	Set *time.Time `json:"set,omitempty"`
	// Advance moves the clock by a Go duration: "90m", "-1h", "720h".
	Advance string `json:"advance,omitempty"`
	// Freeze stops (true) or restarts (false) the clock; a frozen clock
	// moves only by Set and Advance, so times are exact.
	Freeze *bool `json:"freeze,omitempty"`
}

// advance is Advance as a duration, 0 when it is not given.
func (ch ClockChange) advance() (time.Duration, error) {
	if ch.Advance == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(ch.Advance)
	if err != nil {
		return 0, errorf(CodeBadRequest, "advance %q: want a Go duration such as 90m or 720h", ch.Advance)
	}
	return d, nil
}

func (c *API) clockState() ClockState {
	return ClockState{Now: c.d.Clock.Now(), Offset: c.d.Clock.Offset().String(), Frozen: c.d.Clock.Frozen()}
}

// HandleGetClock is GET /__mocksf/clock: the ClockState.
func HandleGetClock(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, c.clockState())
	})
}

// HandleSetClock is POST /__mocksf/clock with a ClockChange: moves
// mocksf's clock and answers the new ClockState. Code and token expiry,
// refresh token policies, an app's propagation delay, LastModifiedDate
// and mail timestamps all follow it.
func HandleSetClock(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ch ClockChange
		if err := decodeJSON(w, r, &ch, false); err != nil {
			writeError(w, err)
			return
		}
		d, err := ch.advance()
		if err != nil {
			writeError(w, err)
			return
		}
		if !ch.Reset && ch.Set == nil && ch.Advance == "" && ch.Freeze == nil {
			writeError(w, errorf(CodeBadRequest, "nothing to do: give advance, set, freeze or reset"))
			return
		}
		// One move, so that a refused advance does not leave a reset or
		// freeze half done.
		err = c.d.Clock.Apply(clock.Change{Reset: ch.Reset, Freeze: ch.Freeze, Set: ch.Set, Advance: d})
		if errors.Is(err, clock.ErrOutOfRange) {
			writeError(w, errorf(CodeBadRequest, "%v: mocksf's clock stays within about 292 years of the real time (a Go duration); nothing was changed", err))
			return
		}
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, c.clockState())
	})
}

// writeOrgClock answers an org's own clock as GET and POST
// /__mocksf/orgs/{id}/clock do: the time in the org, how far it is ahead
// of mocksf's clock (its Offset), and whether mocksf's clock, which it
// follows, stands still.
func (c *API) writeOrgClock(w http.ResponseWriter, orgID string) {
	now, offset, err := c.d.Store.OrgClock(orgID)
	if err != nil {
		writeError(w, errorf(CodeNotFound, "no org %s", orgID))
		return
	}
	writeJSON(w, http.StatusOK, ClockState{Now: now, Offset: offset.String(), Frozen: c.d.Clock.Frozen()})
}

// HandleGetOrgClock is GET /__mocksf/orgs/{id}/clock: the org's
// ClockState, whose Offset is over mocksf's clock.
func HandleGetOrgClock(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		c.writeOrgClock(w, o.ID)
	})
}

// HandleSetOrgClock is POST /__mocksf/orgs/{id}/clock with a ClockChange
// of reset, set and advance: it moves one org's clock, which everything
// the org holds reads (its tokens' and sessions' timeouts, codes, apps'
// propagation delay, records' LastModifiedDate, API usage, lock-outs),
// and leaves every other org's alone. freeze is mocksf's clock's alone:
// an org's clock follows it.
func HandleSetOrgClock(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		var ch ClockChange
		if err := decodeJSON(w, r, &ch, false); err != nil {
			writeError(w, err)
			return
		}
		if ch.Freeze != nil {
			writeError(w, errorf(CodeBadRequest, "freeze: an org's clock follows mocksf's; freeze that one with POST /__mocksf/clock"))
			return
		}
		if !ch.Reset && ch.Set == nil && ch.Advance == "" {
			writeError(w, errorf(CodeBadRequest, "nothing to do: give advance, set or reset"))
			return
		}
		d, err := ch.advance()
		if err != nil {
			writeError(w, err)
			return
		}
		reset := ch.Reset
		if ch.Set != nil {
			// Set is an offset from mocksf's clock as it reads now, with
			// advance on top.
			base := c.d.Clock.Now()
			off := ch.Set.Sub(base)
			if !base.Add(off).Equal(*ch.Set) || (d > 0 && off+d < off) || (d < 0 && off+d > off) {
				writeError(w, errorf(CodeBadRequest, "%v: an org's clock stays within about 292 years of mocksf's; nothing was changed", clock.ErrOutOfRange))
				return
			}
			reset, d = true, off+d
		}
		if _, err := c.d.Store.MoveOrgClock(o.ID, d, reset); err != nil {
			if errors.Is(err, clock.ErrOutOfRange) {
				writeError(w, errorf(CodeBadRequest, "%v: an org's clock stays within about 292 years of mocksf's; nothing was changed", err))
				return
			}
			writeError(w, err)
			return
		}
		c.writeOrgClock(w, o.ID)
	})
}
