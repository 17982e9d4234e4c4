package store

import (
	"fmt"
	"strings"
)

// UpdateAppUnique is UpdateApp for Setup's Edit page: it refuses, with
// ErrConflict, a change that would give the app the name or API name of
// another app of its org, checked under the same lock as the change.
func (s *Store) UpdateAppUnique(key string, fn func(*ConnectedApp)) (ConnectedApp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[key]
	if !ok {
		return ConnectedApp{}, fmt.Errorf("store: update app: %w", ErrNotFound)
	}
	c := copyApp(a)
	fn(&c)
	c.ConsumerKey, c.ID, c.OrgID = a.ConsumerKey, a.ID, a.OrgID
	for k, other := range s.apps {
		if k != key && other.OrgID == c.OrgID && (strings.EqualFold(other.Name, c.Name) || strings.EqualFold(other.APIName, c.APIName)) {
			return ConnectedApp{}, fmt.Errorf("store: update app %q: %w", c.Name, ErrConflict)
		}
	}
	*a = copyApp(&c)
	return copyApp(a), nil
}
