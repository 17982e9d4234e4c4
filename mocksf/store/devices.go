package store

import "crypto/subtle"

// MaxDevicesPerUser bounds how many browsers the store remembers for one
// user; remembering one more forgets the oldest, whose next login is
// asked to verify again.
const MaxDevicesPerUser = 20

// RememberDevice records a browser a user has verified with "Don't ask
// again" ticked and returns the random token that names it. The login page
// keeps the token in a cookie and, on the next right password, skips
// identity verification when DeviceKnown says so (reference §2.2).
func (s *Store) RememberDevice(userID string) string {
	token := randomString(40, alnum)
	s.mu.Lock()
	defer s.mu.Unlock()
	list := append(s.devices[userID], token)
	if len(list) > MaxDevicesPerUser {
		list = append([]string(nil), list[len(list)-MaxDevicesPerUser:]...)
	}
	s.devices[userID] = list
	return token
}

// DeviceKnown reports whether token names a browser the user verified
// before. A token remembered for another user does not count.
func (s *Store) DeviceKnown(userID, token string) bool {
	if token == "" {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	known := false
	for _, t := range s.devices[userID] {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			known = true
		}
	}
	return known
}
