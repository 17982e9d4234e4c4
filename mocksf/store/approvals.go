package store

import (
	"sort"
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
	at := s.now()
	if u, ok := s.users[userID]; ok {
		at = s.nowIn(u.OrgID)
	}
	s.approvals[approvalKey{userID, consumerKey}] = at
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

// RevokeAppAccess forgets a user's approval of an app and revokes every
// token the user holds for it: refresh tokens, the access tokens issued
// from them and access tokens issued without one (the username-password
// and client credentials flows, for instance). It is what an admin's
// Revoke next to the app on the user's detail page does. It returns how
// many tokens, refresh and access, it revoked.
func (s *Store) RevokeAppAccess(userID, consumerKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.approvals, approvalKey{userID, consumerKey})
	n := 0
	for t, at := range s.access {
		if at.UserID == userID && at.ConsumerKey == consumerKey {
			delete(s.access, t)
			n++
		}
	}
	for t, rt := range s.refresh {
		if rt.UserID == userID && rt.ConsumerKey == consumerKey {
			// Its access tokens are the user's for this app, gone above.
			s.deleteRefreshLocked(t)
			n++
		}
	}
	return n
}

// ExpireSessions revokes the access tokens a user holds for an app and
// keeps its refresh tokens and approval, as a session timeout does: the
// client must refresh.
func (s *Store) ExpireSessions(userID, consumerKey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for t, at := range s.access {
		if at.UserID == userID && at.ConsumerKey == consumerKey {
			delete(s.access, t)
			n++
		}
	}
	return n
}
