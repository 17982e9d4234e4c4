package control

import (
	"errors"
	"net/http"
	"time"

	"github.com/sfharness/sfharness/mocksf/clock"
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
		var d time.Duration
		if ch.Advance != "" {
			var err error
			if d, err = time.ParseDuration(ch.Advance); err != nil {
				writeError(w, errorf(CodeBadRequest, "advance %q: want a Go duration such as 90m or 720h", ch.Advance))
				return
			}
		}
		if !ch.Reset && ch.Set == nil && ch.Advance == "" && ch.Freeze == nil {
			writeError(w, errorf(CodeBadRequest, "nothing to do: give advance, set, freeze or reset"))
			return
		}
		// One move, so that a refused advance does not leave a reset or
		// freeze half done.
		err := c.d.Clock.Apply(clock.Change{Reset: ch.Reset, Freeze: ch.Freeze, Set: ch.Set, Advance: d})
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
