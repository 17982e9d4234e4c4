package mocksftest

import (
	"slices"
	"time"

	"golang.org/x/oauth2"
)

// What a test does to mocksf's store directly, without a login or a
// control API round trip: tokens, sessions and record changes. On a
// frozen clock (FreezeClock) each record change first moves it a second,
// so LastModifiedDates are distinct and exact, as a client that pulls
// changes by them expects of a test.

// FreezeClock stops mocksf's clock at at; Advance and each record change
// still move it.
func (s *Server) FreezeClock(at time.Time) {
	s.Mocksf.Clock().Freeze()
	s.Mocksf.Clock().Set(at)
}

// tick moves a frozen clock a second before a record change.
func (s *Server) tick() {
	if c := s.Mocksf.Clock(); c.Frozen() {
		c.Advance(time.Second)
	}
}

// IssueToken returns an access and a refresh token of a user for a
// connected app, as a login would.
func (s *Server) IssueToken(t TB, userID, consumerKey string, scopes ...string) *oauth2.Token {
	t.Helper()
	at, rt, err := s.Mocksf.Store().IssueTokens("", consumerKey, userID, scopes, true)
	if err != nil {
		t.Fatalf("mocksftest: issue a token: %v", err)
	}
	return &oauth2.Token{AccessToken: at.Token, RefreshToken: rt.Token, TokenType: "Bearer"}
}

// ExpireSessions ends a user's access tokens for an app, as a session
// timeout does: the next REST call answers 401 INVALID_SESSION_ID, and a
// refresh gets a new one.
func (s *Server) ExpireSessions(userID, consumerKey string) {
	s.Mocksf.Store().ExpireSessions(userID, consumerKey)
}

// InsertRecord adds a record of object to an org and returns its ID.
func (s *Server) InsertRecord(t TB, orgID, object string, fields map[string]any) string {
	t.Helper()
	s.tick()
	r, err := s.Mocksf.Store().InsertRecord(orgID, object, "", fields)
	if err != nil {
		t.Fatalf("mocksftest: insert a %s: %v", object, err)
	}
	return r.ID
}

// UpdateRecord changes fields of a record.
func (s *Server) UpdateRecord(t TB, orgID, object, id string, fields map[string]any) {
	t.Helper()
	s.tick()
	if _, err := s.Mocksf.Store().UpdateRecord(orgID, object, id, fields); err != nil {
		t.Fatalf("mocksftest: update %s %s: %v", object, id, err)
	}
}

// CommitLate changes fields of a record as a transaction that started at
// at and commits now: the change is stamped at, which may be before what
// a client already pulled, so only the updated resource finds it.
func (s *Server) CommitLate(t TB, orgID, object, id string, fields map[string]any, at time.Time) {
	t.Helper()
	c := s.Mocksf.Clock()
	now := c.Now()
	c.Set(at)
	_, err := s.Mocksf.Store().UpdateRecord(orgID, object, id, fields)
	c.Set(now)
	s.tick()
	if err != nil {
		t.Fatalf("mocksftest: update %s %s: %v", object, id, err)
	}
}

// DeleteRecord deletes a record; queryAll still returns it, with
// IsDeleted true.
func (s *Server) DeleteRecord(t TB, orgID, object, id string) {
	t.Helper()
	s.tick()
	if err := s.Mocksf.Store().DeleteRecord(orgID, object, id); err != nil {
		t.Fatalf("mocksftest: delete %s %s: %v", object, id, err)
	}
}

// Path patterns of the REST API's SOQL resources, for fault rules and
// RequestFilter: the first page of a query or queryAll, and the later
// pages (nextRecordsUrl).
const (
	QueryPath     = "/services/data/*/{resource:query|queryAll}"
	QueryMorePath = "/services/data/*/{resource:query|queryAll}/*"
)

// Queries returns the SOQL of every query and queryAll request in the
// journal, oldest first.
func (s *Server) Queries() []string {
	var out []string
	for _, e := range s.Requests(RequestFilter{Path: QueryPath}) {
		out = append(out, e.Query["q"]...)
	}
	slices.Reverse(out)
	return out
}
