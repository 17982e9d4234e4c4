package store

import (
	"fmt"
	"time"

	"github.com/sfharness/sfharness/internal/defaults"
)

// Pre-login sessions are the browser sessions nobody has given a right
// password in yet: every request without a cookie makes one, and each
// pending authorization request it starts keeps that request's query, so
// anyone who can reach mocksf can make them. The store bounds them in
// count and in bytes, evicting the oldest first, and gives them their
// own timeout (PreLoginLimits). A browser whose pre-login session was
// evicted is back at a fresh login page, as after a timeout. Sessions
// past the password are not bounded here: making one takes a password.
const (
	// DefaultMaxPreLoginSessions is PreLoginLimits.MaxSessions' default.
	DefaultMaxPreLoginSessions = 10000
	// DefaultMaxPreLoginBytes is PreLoginLimits.MaxBytes' default: with
	// authorize URLs of at most 16 KiB, some 2,000 sessions each holding a
	// full-sized request, or the 10,000 of ordinary ones.
	DefaultMaxPreLoginBytes = 32 << 20
	// DefaultPreLoginTimeout is PreLoginLimits.Timeout's default:
	// Salesforce's default session timeout, which its login page does not
	// document as any different before login.
	DefaultPreLoginTimeout = DefaultSessionTimeout
)

// preLoginOverhead is what a pre-login session costs beyond the strings
// it holds (its struct, ID, CSRF token and three small maps), as counted
// against PreLoginLimits.MaxBytes.
const preLoginOverhead = 1024

// PreLoginLimits bound the pre-login sessions; zero fields take the
// defaults above.
type PreLoginLimits struct {
	// MaxSessions is how many pre-login sessions are kept at once.
	MaxSessions int
	// MaxBytes is how many bytes they may hold in all: preLoginOverhead
	// each plus their pending authorization requests and codes.
	MaxBytes int64
	// Timeout is how long an unused pre-login session lives.
	Timeout time.Duration
}

func (l PreLoginLimits) withDefaults() PreLoginLimits {
	defaults.Positive(&l.MaxSessions, DefaultMaxPreLoginSessions)
	defaults.Positive(&l.MaxBytes, DefaultMaxPreLoginBytes)
	defaults.Positive(&l.Timeout, DefaultPreLoginTimeout)
	return l
}

// SetPreLoginLimits sets the bounds of pre-login sessions and evicts the
// oldest ones beyond them at once.
func (s *Store) SetPreLoginLimits(l PreLoginLimits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.preLogin.limits = l.withDefaults()
	s.evictPreLoginLocked()
}

// preLoginSessions is the store's account of its pre-login sessions.
type preLoginSessions struct {
	limits PreLoginLimits
	count  int
	bytes  int64
	// order holds their IDs oldest first; it may also hold IDs of
	// sessions gone or logged in since, skipped when met.
	order []string
}

// preLogin reports whether a session is before its password.
func preLogin(sess *Session) bool { return sess.UserID == "" }

// preLoginSize is what a pre-login session counts against MaxBytes.
func preLoginSize(sess *Session) int64 {
	n := int64(preLoginOverhead + len(sess.StartURL))
	for k, v := range sess.Pending {
		n += int64(len(k) + len(v))
	}
	for k, v := range sess.Codes {
		n += int64(len(k) + len(v.Code))
	}
	for k := range sess.Revealed {
		n += int64(len(k))
	}
	return n
}

// accountLocked counts a session's change of size or of state: before
// and after are what preLoginSize said of it (0 when not pre-login).
func (s *Store) accountLocked(id string, before, after int64) {
	p := &s.preLogin
	switch {
	case before == 0 && after > 0:
		p.count++
		p.order = append(p.order, id)
	case before > 0 && after == 0:
		p.count--
	}
	p.bytes += after - before
	if after > before {
		s.evictPreLoginLocked()
	}
}

// sizeLocked is preLoginSize of a pre-login session, 0 of another.
func sizeLocked(sess *Session) int64 {
	if sess == nil || !preLogin(sess) {
		return 0
	}
	return preLoginSize(sess)
}

// evictPreLoginLocked deletes the oldest pre-login sessions while there
// are more, or more bytes, than the limits allow, and compacts the order
// when it holds mostly IDs of sessions gone.
func (s *Store) evictPreLoginLocked() {
	p := &s.preLogin
	for (p.count > p.limits.MaxSessions || p.bytes > p.limits.MaxBytes) && len(p.order) > 0 {
		id := p.order[0]
		p.order = p.order[1:]
		if sess, ok := s.sessions[id]; ok && preLogin(sess) {
			s.dropSessionLocked(id)
		}
	}
	if len(p.order) > 2*p.count+1024 {
		seen := make(map[string]bool, p.count)
		kept := make([]string, 0, p.count)
		for _, id := range p.order {
			if sess, ok := s.sessions[id]; ok && preLogin(sess) && !seen[id] {
				seen[id] = true
				kept = append(kept, id)
			}
		}
		p.order = kept
	}
}

// dropSessionLocked deletes a session, keeping the pre-login account.
func (s *Store) dropSessionLocked(id string) {
	sess, ok := s.sessions[id]
	if !ok {
		return
	}
	delete(s.sessions, id)
	if size := sizeLocked(sess); size > 0 {
		s.preLogin.count--
		s.preLogin.bytes -= size
	}
}

// Session is a browser's session with mocksf's pages, kept by a cookie.
type Session struct {
	ID     string
	CSRF   string // token every form of this session must echo
	UserID string // set once the password was right
	OrgID  string
	// Verified is set once the identity verification code was entered;
	// until then the session is not logged in.
	Verified bool
	// StartURL is where to go after login (the pending authorization).
	StartURL string
	// Codes are the verification codes sent to this session's user, by
	// purpose ("login", "consumer:<app id>").
	Codes map[string]VerificationCode
	// Revealed lists the app IDs whose consumer details this session may see.
	Revealed map[string]bool
	// Approved holds pending authorization requests by their opaque source.
	Pending map[string]string
	Created time.Time
	// LastUsed is when a request last came with it. A session unused for
	// its org's session timeout (DefaultSessionTimeout before login) is
	// gone, and its browser is back at the login page, as in Salesforce.
	LastUsed time.Time
}

// VerificationCode is a code emailed to a user to verify their identity.
type VerificationCode struct {
	Code      string
	ExpiresAt time.Time
	Attempts  int
}

// VerificationCount is a user's recent identity verifications, whatever
// the session or purpose: package identity caps the codes mailed and the
// wrong codes typed within a window, so that a new session or Resend Code
// does not bring fresh guesses.
type VerificationCount struct {
	Sent     int       // codes mailed since the count last started
	LastSent time.Time // when the last one was
	Failures int       // wrong codes typed since the count last started
	LastFail time.Time // when the last one was
	LockedAt time.Time // when Failures reached the cap; zero: not locked
}

// NewVerificationCode returns a random code of n digits.
func NewVerificationCode(n int) string { return randomString(n, digits) }

// NewSession starts a browser session.
func (s *Store) NewSession() Session {
	sess := Session{
		ID:       randomString(40, alnum),
		CSRF:     randomString(32, alnum),
		Codes:    map[string]VerificationCode{},
		Revealed: map[string]bool{},
		Pending:  map[string]string{},
		Created:  s.now(),
	}
	sess.LastUsed = sess.Created
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := copySession(&sess)
	s.sessions[sess.ID] = &stored
	s.accountLocked(sess.ID, 0, sizeLocked(&stored))
	s.grewLocked()
	return sess
}

func copySession(in *Session) Session {
	out := *in
	out.Codes = make(map[string]VerificationCode, len(in.Codes))
	for k, v := range in.Codes {
		out.Codes[k] = v
	}
	out.Revealed = make(map[string]bool, len(in.Revealed))
	for k, v := range in.Revealed {
		out.Revealed[k] = v
	}
	out.Pending = make(map[string]string, len(in.Pending))
	for k, v := range in.Pending {
		out.Pending[k] = v
	}
	return out
}

// Session returns the live session with the given ID and counts the
// call as a use of it.
func (s *Store) Session(id string) (Session, error) {
	return s.UpdateSession(id, func(*Session) {})
}

// UpdateSession changes a session atomically through fn and returns the
// result.
func (s *Store) UpdateSession(id string, fn func(*Session)) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.liveSessionLocked(id)
	if !ok {
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	before, org := sizeLocked(sess), sess.OrgID
	fn(sess)
	if sess.OrgID != org {
		// Its last use, until now on the clock of no org or another's,
		// is now on the clock of the org it entered.
		sess.LastUsed = s.nowIn(sess.OrgID)
	}
	out := copySession(sess)
	// Accounted after the copy: a session growing past the limits may
	// itself be the oldest, and evicted.
	s.accountLocked(id, before, sizeLocked(sess))
	return out, nil
}

// RenewSession moves a session to a new random ID and a new CSRF token
// and returns it; the old ID names no session any more. Login calls it
// once a user is logged in, so that a session known before the login
// (planted in the browser by someone else: session fixation) is worth
// nothing after it, neither its ID nor its token: cookies are shared
// across ports on one host, so a page of another port can plant one,
// and its token would otherwise let a forged form through after the
// login. The rest of the session is kept; a page loaded before the login
// gets Salesforce's "Your session has expired" if it posts its form.
func (s *Store) RenewSession(id string) (Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.liveSessionLocked(id)
	if !ok {
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	s.dropSessionLocked(id)
	sess.ID, sess.CSRF = randomString(40, alnum), randomString(32, alnum)
	s.sessions[sess.ID] = sess
	s.accountLocked(sess.ID, 0, sizeLocked(sess))
	return copySession(sess), nil
}

// TouchSession reports whether a session is live, counting the call as a
// use of it, without copying it.
func (s *Store) TouchSession(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.liveSessionLocked(id)
	return ok
}

// liveSessionLocked returns a session whose timeout has not run out, and
// counts the call as a use; one whose timeout has run out is deleted. The
// timeout restarts at every use (Salesforce documents a restart only in
// its second half; the difference shows only in an unused first half).
func (s *Store) liveSessionLocked(id string) (*Session, bool) {
	sess, ok := s.sessions[id]
	if !ok {
		return nil, false
	}
	base := s.now()
	if s.sessionEndedLocked(sess, base) {
		s.dropSessionLocked(id)
		return nil, false
	}
	sess.LastUsed = s.inOrg(sess.OrgID, base)
	return sess, true
}

// sessionEndedLocked reports whether a session's timeout ran out when
// mocksf's clock reads base: its org's once past the password, on its
// org's clock once it has one, PreLoginLimits.Timeout before.
func (s *Store) sessionEndedLocked(sess *Session, base time.Time) bool {
	timeout := s.preLogin.limits.Timeout
	if !preLogin(sess) {
		timeout = s.sessionTimeoutLocked(sess.OrgID)
	}
	return s.inOrg(sess.OrgID, base).Sub(sess.LastUsed) >= timeout
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropSessionLocked(id)
}

// PreLoginSessions says how many pre-login sessions the store holds and
// the bytes they count against PreLoginLimits.MaxBytes.
func (s *Store) PreLoginSessions() (count int, bytes int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.preLogin.count, s.preLogin.bytes
}
