package store

import (
	"crypto/sha256"
	"time"
)

// MaxAssertionsKept bounds how many used JWT bearer assertions the store
// remembers (SeenAssertion); past it the oldest is forgotten before its
// expiry. An assertion lives at most as long as its exp says, so only a
// client signing more than this many in that time, with its own key,
// could get a replay past the check.
const MaxAssertionsKept = 100_000

// assertionLog remembers used assertions by a hash of them until they
// expire, oldest first, so forgetting the expired ones costs as many
// steps as there are of them.
type assertionLog struct {
	until map[[32]byte]time.Time
	order [][32]byte
}

// SeenAssertion records the use of a JWT bearer assertion, whose signed
// payload is payload, by the app consumerKey, and reports whether it was
// used before: RFC 7523 §3's replay check, its "jti" being the whole
// payload (Salesforce documents no jti). It is remembered until expires
// (the assertion's exp); after that the grant refuses it as expired
// anyway.
func (s *Store) SeenAssertion(consumerKey string, payload []byte, expires time.Time) bool {
	key := sha256.Sum256(append([]byte(consumerKey+"\x00"), payload...))
	s.mu.Lock()
	defer s.mu.Unlock()
	log := &s.assertions
	now := s.now()
	if until, ok := log.until[key]; ok && now.Before(until) {
		return true
	}
	log.forget(now)
	if log.until == nil {
		log.until = map[[32]byte]time.Time{}
	}
	log.until[key] = expires
	log.order = append(log.order, key)
	return false
}

// forget drops the expired assertions at the front and, past
// MaxAssertionsKept, the oldest.
func (l *assertionLog) forget(now time.Time) {
	for len(l.order) > 0 {
		first := l.order[0]
		if until, ok := l.until[first]; ok && now.Before(until) && len(l.order) < MaxAssertionsKept {
			return
		}
		delete(l.until, first)
		l.order = l.order[1:]
	}
}
