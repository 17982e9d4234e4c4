package control_test

// Hostile input to the test-control API: moves of the clock that would
// wrap it, and record generation that would grow an org without end.

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
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

// Break 13: generate was bounded per call (200,000) but not per org, so
// repeated calls grew one org without end. With MaxRecordsPerOrg an org
// full of records refuses more, 409 with nothing inserted, and calls
// that fit still go through.
func TestSecurityGenerateCappedPerOrg(t *testing.T) {
	t.Parallel()
	// testSeed's Acme has 3 Leads: the cap leaves room for 7 more.
	s := newServer(t, func(c *mocksf.Config) { c.MaxRecordsPerOrg = 10 })
	acme := orgID(t, s.Store(), "Acme")
	path := "/__mocksf/orgs/" + acme + "/records/"
	steps := []struct {
		object     string
		body       string
		wantStatus int
		wantCode   string
	}{
		{"Lead", `{"generate": 4}`, http.StatusCreated, ""},
		{"Contact", `{"generate": 4}`, http.StatusConflict, control.CodeConflict}, // 3 + 4 + 4 > 10: all objects count
		{"Contact", `{"records": [{"LastName": "A"}], "generate": 2}`, http.StatusCreated, ""},
		{"Lead", `{"generate": 1}`, http.StatusConflict, control.CodeConflict},
		{"Lead", `{"records": [{"LastName": "B"}]}`, http.StatusConflict, control.CodeConflict},
	}
	for i, st := range steps {
		status, body := s.do(t, "POST", path+st.object, st.body)
		if st.wantCode == "" {
			if status != st.wantStatus {
				t.Fatalf("step %d: %d %s; want %d", i, status, body, st.wantStatus)
			}
			continue
		}
		wantError(t, status, body, st.wantStatus, st.wantCode, "room for")
	}
	if n := len(s.Store().Records(acme, "Lead")) + len(s.Store().Records(acme, "Contact")); n != 10 {
		t.Errorf("Acme holds %d Leads and Contacts; want 10, the cap", n)
	}
}

// The journal keeps JournalSize entries, and of each at most 2 KiB of one
// value and 8 KiB of all its query's and form's values, cut short with
// their length: a 60 KB state in each of 10,000 authorize URLs made the
// journal hold 600 MiB. Short values are kept whole, and the keys always.
func TestSecurityJournalEntriesBounded(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(cfg *mocksf.Config) { cfg.JournalSize = 5 })
	long := strings.Repeat("s", 60<<10)
	tests := []struct {
		name, method string
		query, form  url.Values
		wantKept     map[string]string // key → the value, or its prefix when cut
		wantClipped  []string
	}{
		{"a 60 KB state", "GET", url.Values{"state": {long}, "client_id": {"K"}}, nil,
			map[string]string{"client_id": "K", "state": strings.Repeat("s", 2<<10) + fmt.Sprintf("…[%d bytes]", len(long))}, []string{"state"}},
		{"five 3 KiB fields in a form", "POST", nil, url.Values{"a": {long[:3<<10]}, "b": {long[:3<<10]}, "c": {long[:3<<10]}, "d": {long[:3<<10]}, "e": {"short"}},
			map[string]string{"a": long[:2<<10] + "…", "e": ""}, []string{"a", "b", "c", "d", "e"}},
	}
	for _, tt := range tests {
		u := s.URL + "/services/oauth2/authorize?" + tt.query.Encode()
		var resp *http.Response
		var err error
		if tt.method == "GET" {
			resp, err = http.Get(u)
		} else {
			resp, err = http.PostForm(s.URL+"/services/oauth2/token", tt.form)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		_, body := s.do(t, "GET", "/__mocksf/requests?limit=1", nil)
		e := decode[control.Requests](t, body).Requests[0]
		values := e.Query
		if tt.method == "POST" {
			values = e.Form
		}
		total := 0
		for k, list := range values {
			for _, v := range list {
				total += len(v)
				if len(v) > 2<<10+32 {
					t.Errorf("%s: %s kept %d bytes; want at most 2 KiB and its length", tt.name, k, len(v))
				}
			}
		}
		if total > 8<<10+5*32 {
			t.Errorf("%s: the entry keeps %d bytes of values; want at most 8 KiB", tt.name, total)
		}
		for k, want := range tt.wantKept {
			if got := values[k]; len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("%s: %s = %.80q; want it to start %.80q", tt.name, k, got, want)
			}
		}
		for _, k := range tt.wantClipped {
			if got := values[k]; len(got) != 1 || !strings.Contains(got[0], "bytes]") {
				t.Errorf("%s: %s = %.80q; want it cut short with its length", tt.name, k, got)
			}
		}
	}
	for range 20 {
		resp, err := http.Get(s.URL + "/services/oauth2/authorize?state=" + long)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, body := s.do(t, "GET", "/__mocksf/requests", nil); decode[control.Requests](t, body).Count != 5 {
		t.Errorf("the journal keeps %d entries; want JournalSize, 5", decode[control.Requests](t, body).Count)
	}
}
