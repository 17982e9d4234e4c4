package store

import "time"

// sweepEvery is how many sessions, codes and access tokens the store makes
// at least between two sweeps of the dead ones; with more held, as many as
// half of them, so a sweep's cost (BenchmarkSweep: about 50 ms over
// 200,000) is spread over as many new ones whatever the size. Dead ones
// are also dropped when they are next looked up; the sweep is for those
// nobody asks for again (a browser that never came back), which would
// otherwise stay for the life of the process.
const sweepEvery = 4096

// CodeGrace is how long a used code is kept after it expires: a replay in
// that time still finds it and revokes what it issued, as a replay before
// expiry does. A code never used goes at its expiry: there is nothing for
// a late presentation of it to revoke, so a client that asks for codes
// without end holds at most the AuthCodeTTL's worth.
const CodeGrace = 24 * time.Hour

// grewLocked counts one new session, code or access token and sweeps
// when enough have been made since the last sweep.
func (s *Store) grewLocked() {
	s.grown++
	if s.grown < max(sweepEvery, (len(s.sessions)+len(s.codes)+len(s.access))/2) {
		return
	}
	s.grown = 0
	s.sweepLocked(s.now())
}

// sweepLocked drops the browser sessions and access tokens their org's
// session timeout has ended, the codes past their expiry (used ones
// CodeGrace past it), each on its org's clock when mocksf's reads base,
// and the lists of access tokens per token family that name dead ones.
func (s *Store) sweepLocked(base time.Time) {
	for id, sess := range s.sessions {
		if s.sessionEndedLocked(sess, base) {
			s.dropSessionLocked(id)
		}
	}
	for code, c := range s.codes {
		if grace := s.inOrg(c.OrgID, base).Sub(c.ExpiresAt); grace > CodeGrace || (grace > 0 && !c.used) {
			delete(s.codes, code)
		}
	}
	for token := range s.access {
		s.liveAccessLocked(token, base) // deletes a timed-out one
	}
	for _, fam := range s.families {
		live := fam.access[:0]
		for _, t := range fam.access {
			if _, ok := s.access[t]; ok {
				live = append(live, t)
			}
		}
		clear(fam.access[len(live):]) // let the dead ones' strings go
		fam.access = live
	}
}
