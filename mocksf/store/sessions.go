package store

import (
	"fmt"
	"time"
)

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
	fn(sess)
	return copySession(sess), nil
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
	delete(s.sessions, id)
	sess.ID, sess.CSRF = randomString(40, alnum), randomString(32, alnum)
	s.sessions[sess.ID] = sess
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
	now := s.now()
	if s.sessionEndedLocked(sess, now) {
		delete(s.sessions, id)
		return nil, false
	}
	sess.LastUsed = now
	return sess, true
}

// sessionEndedLocked reports whether a session's timeout ran out by now.
func (s *Store) sessionEndedLocked(sess *Session, now time.Time) bool {
	return now.Sub(sess.LastUsed) >= s.sessionTimeoutLocked(sess.OrgID)
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, id)
}
