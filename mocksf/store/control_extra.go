package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

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

// ParseRecordJSON decodes one record given as a JSON object of field →
// value. Whole numbers become int and others float64, as in an org
// created over JSON (RecordsSpec.UnmarshalJSON), so records made either
// way hold the same values.
func ParseRecordJSON(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var rec map[string]any
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("store: record: want an object of field → value: %w", err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return nil, fmt.Errorf("store: record: unexpected data after the JSON object")
	}
	if rec == nil {
		return nil, fmt.Errorf("store: record: want an object of field → value, got null")
	}
	for field, v := range rec {
		rec[field] = plainNumbers(v)
	}
	return rec, nil
}
