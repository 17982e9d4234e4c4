package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// MaxApprovalsPerApp is how many refresh tokens (approvals) one user may
// hold for one app; issuing a sixth revokes the oldest (reference §3).
const MaxApprovalsPerApp = 5

type approvalKey struct{ userID, consumerKey string }

// Approve remembers that the user allowed the app, so the approval page is
// not shown again unless prompt=consent asks for it.
func (s *Store) Approve(userID, consumerKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.approvals[approvalKey{userID, consumerKey}] = s.now()
}

// Approved reports whether the user allowed the app before.
func (s *Store) Approved(userID, consumerKey string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	_, ok := s.approvals[approvalKey{userID, consumerKey}]
	return ok
}

// RevokeApproval forgets a user's approval of an app and revokes the
// refresh tokens (and their access tokens) it issued to that user.
func (s *Store) RevokeApproval(userID, consumerKey string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.approvals, approvalKey{userID, consumerKey})
	for _, rt := range s.heldLocked(userID, consumerKey) {
		s.deleteRefreshLocked(rt.Token)
	}
}

// enforceApprovalCapLocked revokes the oldest refresh tokens of a user for
// an app until one more fits under MaxApprovalsPerApp.
func (s *Store) enforceApprovalCapLocked(userID, consumerKey string) {
	held := s.heldLocked(userID, consumerKey)
	if len(held) < MaxApprovalsPerApp {
		return
	}
	sort.Slice(held, func(i, j int) bool {
		return held[i].IssuedAt.Before(held[j].IssuedAt) || (held[i].IssuedAt.Equal(held[j].IssuedAt) && held[i].seq < held[j].seq)
	})
	for _, rt := range held[:len(held)-MaxApprovalsPerApp+1] {
		s.revokeLocked(rt.Token)
	}
}

// LookupRefreshToken returns a refresh token's record without using it.
func (s *Store) LookupRefreshToken(token string) (RefreshToken, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rt, ok := s.refresh[token]
	if !ok {
		return RefreshToken{}, fmt.Errorf("store: refresh token: %w", ErrNotFound)
	}
	out := *rt
	out.Scopes = append([]string(nil), rt.Scopes...)
	return out, nil
}

// RefreshTokens returns the refresh tokens a user holds for an app, oldest
// first.
func (s *Store) RefreshTokens(userID, consumerKey string) []RefreshToken {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []RefreshToken
	for _, t := range s.heldRefresh[approvalKey{userID, consumerKey}] {
		if rt, ok := s.refresh[t]; ok {
			c := *rt
			c.Scopes = append([]string(nil), rt.Scopes...)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// UpdateUser changes a user through fn, atomically; ID, org and username
// cannot change. Deactivating a user keeps its tokens, which then fail.
func (s *Store) UpdateUser(id string, fn func(*User)) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[sfid.To18(id)]
	if !ok {
		return User{}, fmt.Errorf("store: user %s: %w", id, ErrNotFound)
	}
	c := *u
	fn(&c)
	c.ID, c.OrgID, c.Username = u.ID, u.OrgID, u.Username
	*u = c
	return c, nil
}

// UpdateOrg changes an org through fn, atomically; its ID cannot change.
func (s *Store) UpdateOrg(id string, fn func(*Org)) (Org, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[sfid.To18(id)]
	if !ok {
		return Org{}, fmt.Errorf("store: org %s: %w", id, ErrNotFound)
	}
	c := *o
	fn(&c)
	c.ID = o.ID
	*o = c
	return c, nil
}

// Unlock clears a user's failed-login count, as an admin's Unlock does.
func (s *Store) Unlock(username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[strings.ToLower(username)]
	if !ok {
		return fmt.Errorf("store: user %q: %w", username, ErrNotFound)
	}
	s.users[id].FailedLogins = 0
	return nil
}

// touchRefreshLocked records the use of a refresh token for idle policies.
func (s *Store) touchRefreshLocked(rt *RefreshToken, now time.Time) { rt.LastUsed = now }
