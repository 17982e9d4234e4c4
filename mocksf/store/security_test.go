package store_test

// What anyone who can reach mocksf can make the store keep stays bounded
// (docs/security.md, "Bounds").

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Pre-login sessions, which every cookie-less request makes, are kept up
// to PreLoginLimits, the oldest evicted first, and die after its
// Timeout; the account follows every way a session changes: growing
// pending requests, a password (no longer pre-login, so no longer
// counted or evictable), prompt=login's way back, renewal, logout and
// timeout.
func TestSecurityPreLoginSessionsBounded(t *testing.T) {
	t.Parallel()
	st, clock, res := newTimeoutOrgs(t)
	st.SetPreLoginLimits(store.PreLoginLimits{MaxSessions: 3, MaxBytes: 8 << 10, Timeout: 10 * time.Minute})
	user := res[1].Users[0]
	logIn := func(s *store.Session) { s.UserID, s.OrgID = user.ID, user.OrgID }
	pend := func(n int) func(*store.Session) {
		return func(s *store.Session) { s.Pending[strings.Repeat("k", 8)] = strings.Repeat("q", n) }
	}

	a, b := st.NewSession(), st.NewSession()
	if _, err := st.UpdateSession(a.ID, logIn); err != nil {
		t.Fatal(err)
	}
	c, d, e := st.NewSession(), st.NewSession(), st.NewSession()
	steps := []struct {
		name      string
		do        func()
		wantCount int
		gone      []string // sessions that must be gone after the step
		kept      []string
	}{
		{"four pre-login past a cap of three: the oldest goes", func() {}, 3, []string{b.ID}, []string{a.ID, c.ID, d.ID, e.ID}},
		{"a pending request past the bytes: the oldest goes", func() { _, _ = st.UpdateSession(e.ID, pend(5<<10)) }, 2, []string{c.ID}, []string{a.ID, d.ID, e.ID}},
		{"logout of a counted one", func() { st.DeleteSession(d.ID) }, 1, []string{d.ID}, []string{a.ID, e.ID}},
		{"prompt=login takes the logged-in one back", func() {
			_, _ = st.UpdateSession(a.ID, func(s *store.Session) { s.UserID, s.OrgID = "", "" })
		}, 2, nil, []string{a.ID, e.ID}},
		{"renewed after the password: not counted", func() {
			_, _ = st.UpdateSession(a.ID, logIn)
			renewed, _ := st.RenewSession(a.ID)
			a = renewed
		}, 1, nil, []string{e.ID}},
		{"ten minutes unused: the pre-login one times out, the logged-in one lives", func() { clock.Advance(10 * time.Minute) }, 0, []string{e.ID}, nil},
	}
	for _, s := range steps {
		s.do()
		for _, id := range s.gone {
			if _, err := st.Session(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: a session that should be gone: %v", s.name, err)
			}
		}
		for _, id := range s.kept {
			if _, err := st.Session(id); err != nil {
				t.Errorf("%s: a session that should be kept: %v", s.name, err)
			}
		}
		if count, bytes := st.PreLoginSessions(); count != s.wantCount || bytes > 8<<10 || (count == 0) != (bytes == 0) {
			t.Errorf("%s: %d pre-login sessions, %d bytes; want %d, within 8 KiB", s.name, count, bytes, s.wantCount)
		}
	}
	if _, err := st.Session(a.ID); err != nil {
		t.Errorf("the renewed logged-in session after 10 minutes: %v; want kept", err)
	}
	// A flood of 10,000 keeps three, and the order list stays small.
	for range 10000 {
		st.NewSession()
	}
	if count, _ := st.PreLoginSessions(); count != 3 {
		t.Errorf("after 10,000 new sessions: %d pre-login kept; want 3", count)
	}
}
