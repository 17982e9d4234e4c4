package store

import "time"

// DefaultLoginLockout is how long a user stays locked out after too many
// wrong passwords: Salesforce's Password Policies call it "Lockout
// effective period", "the duration of the login lockout. The default is
// 15 minutes", with "Forever (must be reset by admin)" as the other end.
const DefaultLoginLockout = 15 * time.Minute

// MaxUnknownLogins bounds how many usernames nobody has the store counts
// wrong passwords for. Past it, the oldest-looking entry is forgotten:
// a flood of that many distinct unknown names within a lock-out period
// can end an unknown name's lock-out early, nothing more.
const MaxUnknownLogins = 10_000

// SetLoginLockout sets how long a lock-out lasts on the store's clock:
// 0 is DefaultLoginLockout, a negative duration until an admin unlocks
// the user (Salesforce's "Forever").
func (s *Store) SetLoginLockout(d time.Duration) {
	if d == 0 {
		d = DefaultLoginLockout
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loginLockout = d
}

// lockout is a password policy's lock-out as authenticate applies it at
// one moment.
type lockout struct {
	max    int           // failures in a row that lock (0: never)
	period time.Duration // how long a lock-out lasts (negative: forever)
	now    time.Time
}

func (s *Store) lockoutLocked(maxFailures int) lockout {
	return lockout{max: maxFailures, period: s.loginLockout, now: s.now()}
}

// locked reports whether count failures locked a username out at
// lockedAt and the lock-out still holds. One whose period has passed is
// cleared with its count: Salesforce resets the counter when it locks,
// so the user starts again with every attempt.
func (l lockout) locked(count *int, lockedAt *time.Time) bool {
	if l.max <= 0 || *count < l.max {
		return false
	}
	if l.period < 0 || l.now.Before(lockedAt.Add(l.period)) {
		return true
	}
	*count, *lockedAt = 0, time.Time{}
	return false
}

// fail counts a wrong password and reports whether it locked the
// username out.
func (l lockout) fail(count *int, lockedAt *time.Time) bool {
	*count++
	if l.max <= 0 || *count < l.max {
		return false
	}
	*lockedAt = l.now
	return true
}

// unknownLogin counts the wrong passwords typed for a username nobody
// has, as User.FailedLogins and User.LockedAt do for a real one.
type unknownLogin struct {
	failures int
	lockedAt time.Time
}

// unknownLoginFailedLocked counts a login attempt for a username nobody
// has and answers what a real user's wrong password would: ErrInvalidLogin,
// or ErrLockedOut from the failure that reaches the lock-out and for its
// period. Otherwise the lock-out message would tell real usernames from
// unknown ones after maxFailures guesses.
func (s *Store) unknownLoginFailedLocked(key string, l lockout) error {
	if l.max <= 0 {
		return ErrInvalidLogin
	}
	u, ok := s.unknownLogins[key]
	if !ok {
		s.forgetUnknownLoginLocked()
		u = &unknownLogin{}
		s.unknownLogins[key] = u
	}
	if l.locked(&u.failures, &u.lockedAt) || l.fail(&u.failures, &u.lockedAt) {
		return ErrLockedOut
	}
	return ErrInvalidLogin
}

// forgetUnknownLoginLocked makes room for one more unknown username:
// when MaxUnknownLogins are held, it drops one that is not locked out (or
// whose lock-out has ended), else any one (Go's map order picks it).
func (s *Store) forgetUnknownLoginLocked() {
	if len(s.unknownLogins) < MaxUnknownLogins {
		return
	}
	var victim string
	for k, u := range s.unknownLogins {
		victim = k
		if u.lockedAt.IsZero() || (s.loginLockout >= 0 && s.now().After(u.lockedAt.Add(s.loginLockout))) {
			break
		}
	}
	delete(s.unknownLogins, victim)
}
