package store

import (
	"fmt"
	"time"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/sfid"
)

// An org's own clock is mocksf's clock plus the org's offset, zero until
// the control API moves it (POST /__mocksf/orgs/{id}/clock). Everything
// the org holds reads it: its tokens' and sessions' timeouts, its codes'
// expiry, its apps' propagation delay, its records' LastModifiedDate, its
// API usage window and its users' lock-outs. So one scenario can let two
// hours pass in its own org while other scenarios run in theirs. Whatever
// belongs to no org yet (a browser session before its password, mail,
// the request journal, fault rules) reads mocksf's clock.

// The offsets are kept in Store.orgClocks, by org ID, rather than in the
// org's state: they are read on every token, REST and page request, and
// this way without the store's lock (a refresh takes 3 locks, not 4).

// offsetOf is how far org orgID's clock is ahead of mocksf's (0 for ""
// or an org whose clock never moved).
func (s *Store) offsetOf(orgID string) time.Duration {
	d, _ := s.orgClocks.Load(orgID)
	off, _ := d.(time.Duration)
	return off
}

// nowIn is the time in org orgID, an 18-character ID; it takes no lock,
// so callers that hold s.mu use it too.
func (s *Store) nowIn(orgID string) time.Time { return s.inOrg(orgID, s.now()) }

// inOrg is the time in org orgID when mocksf's clock reads base.
func (s *Store) inOrg(orgID string, base time.Time) time.Time {
	return base.Add(s.offsetOf(orgID))
}

// NowIn is the time in an org: mocksf's clock plus the org's offset.
func (s *Store) NowIn(orgID string) time.Time { return s.nowIn(sfid.To18(orgID)) }

// OrgClock returns the time in an org and how far its clock is ahead of
// mocksf's.
func (s *Store) OrgClock(orgID string) (now time.Time, offset time.Duration, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orgs[sfid.To18(orgID)]
	if !ok {
		return time.Time{}, 0, fmt.Errorf("store: org %s: %w", orgID, ErrNotFound)
	}
	off := s.offsetOf(o.ID)
	return s.now().Add(off), off, nil
}

// MoveOrgClock moves an org's clock by d (back when negative), or back
// onto mocksf's clock when reset (then d is added to that), and returns
// its new time. A move whose offset would not fit a time.Duration fails
// with clock.ErrOutOfRange and changes nothing.
func (s *Store) MoveOrgClock(orgID string, d time.Duration, reset bool) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[sfid.To18(orgID)]
	if !ok {
		return time.Time{}, fmt.Errorf("store: org %s: %w", orgID, ErrNotFound)
	}
	from := s.offsetOf(o.ID)
	if reset {
		from = 0
	}
	sum := from + d
	if (d > 0 && sum < from) || (d < 0 && sum > from) {
		return time.Time{}, fmt.Errorf("%w: advancing org %s's clock by %v", clock.ErrOutOfRange, o.ID, d)
	}
	s.orgClocks.Store(o.ID, sum)
	return s.now().Add(sum), nil
}
