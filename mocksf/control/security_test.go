package control_test

// Hostile input to the test-control API: moves of the clock that would
// wrap it, and record generation that would grow an org without end.

import (
	"net/http"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
)

// Break 13: two advances of 200 years wrapped the clock's offset to
// 1898, and a set to 3000-01-01 was clamped to 2318 without a word.
// Each is now 400 with the clock unchanged, the earlier moves of the same
// request included.
func TestSecurityClockRefusesOutOfRange(t *testing.T) {
	t.Parallel()
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		first any // applied and kept, or nil
		move  any
	}{
		{"second large advance", map[string]any{"advance": "1752000h"}, map[string]any{"advance": "1752000h"}},
		{"second large step back", map[string]any{"advance": "-1752000h"}, map[string]any{"advance": "-1752000h"}},
		{"set far ahead", nil, map[string]any{"set": far}},
		{"set far back", nil, map[string]any{"set": early}},
		{"set far ahead while frozen", map[string]any{"freeze": true}, map[string]any{"set": far}},
		{"advance a frozen clock past the range", map[string]any{"freeze": true, "advance": "1752000h"}, map[string]any{"advance": "1752000h"}},
		{"reset, freeze and set, then an advance out of range", map[string]any{"advance": "1h"}, map[string]any{"reset": true, "freeze": true, "set": time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), "advance": "876000h"}},
		{"set in range then an advance past it", nil, map[string]any{"set": time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), "advance": "876000h"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			if c.first != nil {
				if status, body := s.do(t, "POST", "/__mocksf/clock", c.first); status != http.StatusOK {
					t.Fatalf("first move: %d %s", status, body)
				}
			}
			_, before := s.do(t, "GET", "/__mocksf/clock", nil)
			was := decode[control.ClockState](t, before)
			status, body := s.do(t, "POST", "/__mocksf/clock", c.move)
			wantError(t, status, body, http.StatusBadRequest, control.CodeBadRequest, "out of range")
			_, after := s.do(t, "GET", "/__mocksf/clock", nil)
			now := decode[control.ClockState](t, after)
			if now.Frozen != was.Frozen || now.Now.Sub(was.Now).Abs() > time.Minute || now.Offset[0] != was.Offset[0] {
				t.Errorf("after a refused move the clock reads %+v; want it unchanged from %+v", now, was)
			}
		})
	}
	t.Run("a far but representable move is taken", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		status, body := s.do(t, "POST", "/__mocksf/clock", map[string]any{"advance": "1752000h"})
		if got := decode[control.ClockState](t, body); status != http.StatusOK || got.Now.Year() < 2200 {
			t.Errorf("advance 200 years: %d %s; want 200 about 200 years ahead", status, body)
		}
	})
}
