package store

import (
	"fmt"
	"sort"
	"strings"
)

// NewConsumerKey returns a consumer key in Salesforce's format: 85
// characters of [A-Za-z0-9._] starting with "3MVG9".
func NewConsumerKey() string { return "3MVG9" + randomString(80, tokenChars) }

// NewConsumerSecret returns a consumer secret in the current format, 64
// upper-case hexadecimal characters (the reference, §10.4, also knows a
// legacy 19-digit form).
func NewConsumerSecret() string { return randomString(64, upperHex) }

// CreateApp registers a connected app in an org. A missing consumer key or
// secret is generated. Names and API names are unique within the org and
// consumer keys across all orgs.
func (s *Store) CreateApp(app ConnectedApp) (ConnectedApp, error) {
	if app.ConsumerKey == "" {
		app.ConsumerKey = NewConsumerKey()
	}
	if app.ConsumerSecret == "" {
		app.ConsumerSecret = NewConsumerSecret()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[app.OrgID]; !ok {
		return ConnectedApp{}, fmt.Errorf("store: create app: org %s: %w", app.OrgID, ErrNotFound)
	}
	if _, ok := s.apps[app.ConsumerKey]; ok {
		return ConnectedApp{}, fmt.Errorf("store: create app: consumer key: %w", ErrConflict)
	}
	for _, other := range s.apps {
		if other.OrgID == app.OrgID && (strings.EqualFold(other.Name, app.Name) || strings.EqualFold(other.APIName, app.APIName)) {
			return ConnectedApp{}, fmt.Errorf("store: create app %q: %w", app.Name, ErrConflict)
		}
	}
	app.ID = s.nextID("ConnectedApp")
	if app.CreatedAt.IsZero() {
		app.CreatedAt = s.nowIn(app.OrgID)
	}
	stored := copyApp(&app)
	s.apps[app.ConsumerKey] = &stored
	return copyApp(&stored), nil
}

func copyApp(a *ConnectedApp) ConnectedApp {
	c := *a
	c.CallbackURLs = append([]string(nil), a.CallbackURLs...)
	c.Scopes = append([]string(nil), a.Scopes...)
	c.Policy.AssignedUserIDs = append([]string(nil), a.Policy.AssignedUserIDs...)
	if a.Unsimulated != nil {
		c.Unsimulated = make(map[string]string, len(a.Unsimulated))
		for k, v := range a.Unsimulated {
			c.Unsimulated[k] = v
		}
	}
	if a.Policy.ActivationDelay != nil {
		d := *a.Policy.ActivationDelay
		c.Policy.ActivationDelay = &d
	}
	return c
}

// UpdateApp changes an app through fn, atomically. The consumer key, ID and
// org cannot change.
func (s *Store) UpdateApp(key string, fn func(*ConnectedApp)) (ConnectedApp, error) {
	return s.updateApp(key, fn, false)
}

// UpdateAppUnique is UpdateApp for Setup's Edit page: it refuses, with
// ErrConflict, a change that would give the app the name or API name of
// another app of its org, checked under the same lock as the change.
func (s *Store) UpdateAppUnique(key string, fn func(*ConnectedApp)) (ConnectedApp, error) {
	return s.updateApp(key, fn, true)
}

// updateApp is UpdateApp and, when unique, UpdateAppUnique.
func (s *Store) updateApp(key string, fn func(*ConnectedApp), unique bool) (ConnectedApp, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[key]
	if !ok {
		return ConnectedApp{}, fmt.Errorf("store: update app: %w", ErrNotFound)
	}
	c := copyApp(a)
	fn(&c)
	c.ConsumerKey, c.ID, c.OrgID = a.ConsumerKey, a.ID, a.OrgID
	if unique {
		for k, other := range s.apps {
			if k != key && other.OrgID == c.OrgID && (strings.EqualFold(other.Name, c.Name) || strings.EqualFold(other.APIName, c.APIName)) {
				return ConnectedApp{}, fmt.Errorf("store: update app %q: %w", c.Name, ErrConflict)
			}
		}
	}
	*a = copyApp(&c)
	return copyApp(a), nil
}

// DeleteApp removes an app and every code and token issued to it.
func (s *Store) DeleteApp(key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.apps[key]; !ok {
		return fmt.Errorf("store: delete app: %w", ErrNotFound)
	}
	delete(s.apps, key)
	for c, code := range s.codes {
		if code.ConsumerKey == key {
			delete(s.codes, c)
		}
	}
	for t, at := range s.access {
		if at.ConsumerKey == key {
			delete(s.access, t)
		}
	}
	for t, rt := range s.refresh {
		if rt.ConsumerKey == key {
			s.deleteRefreshLocked(t)
		}
	}
	for k := range s.approvals {
		if k.consumerKey == key {
			delete(s.approvals, k)
		}
	}
	return nil
}

// AppByKey returns the connected app with the given consumer key.
func (s *Store) AppByKey(key string) (ConnectedApp, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.apps[key]
	if !ok {
		return ConnectedApp{}, fmt.Errorf("store: app: %w", ErrNotFound)
	}
	return copyApp(a), nil
}

// AppByID returns the connected app with the given ID in an org.
func (s *Store) AppByID(orgID, id string) (ConnectedApp, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, a := range s.apps {
		if a.OrgID == orgID && a.ID == id {
			return copyApp(a), nil
		}
	}
	return ConnectedApp{}, fmt.Errorf("store: app %s: %w", id, ErrNotFound)
}

// Apps returns an org's connected apps ordered by name.
func (s *Store) Apps(orgID string) []ConnectedApp {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []ConnectedApp
	for _, a := range s.apps {
		if a.OrgID == orgID {
			out = append(out, copyApp(a))
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}
