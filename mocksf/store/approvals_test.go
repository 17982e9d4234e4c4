package store_test

import (
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestRevokeAppAccess(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	other, err := s.store.CreateApp(store.ConnectedApp{OrgID: s.acme.ID, Name: "Other", APIName: "Other", OAuthEnabled: true})
	if err != nil {
		t.Fatal(err)
	}
	issue := func(userID, key string, withRefresh bool) (string, string) {
		t.Helper()
		at, rt, err := s.store.IssueTokens("", key, userID, []string{"api", "refresh_token"}, withRefresh)
		if err != nil {
			t.Fatal(err)
		}
		if rt == nil {
			return at.Token, ""
		}
		return at.Token, rt.Token
	}
	// The sync user's tokens for Beacon: a refresh token with the access
	// token it came with and one refreshed from it, and an access token
	// issued without a refresh token (the username-password flow).
	withRefresh, refresh := issue(s.sync.ID, s.beacon.ConsumerKey, true)
	refreshed, _, err := s.store.Refresh(refresh)
	if err != nil {
		t.Fatal(err)
	}
	alone, _ := issue(s.sync.ID, s.beacon.ConsumerKey, false)
	s.store.Approve(s.sync.ID, s.beacon.ConsumerKey)
	// Tokens of another user for Beacon, and of the sync user for another
	// app, stay.
	adminAT, adminRT := issue(s.admin.ID, s.beacon.ConsumerKey, true)
	otherAT, otherRT := issue(s.sync.ID, other.ConsumerKey, true)
	s.store.Approve(s.sync.ID, other.ConsumerKey)

	if n := s.store.RevokeAppAccess(s.sync.ID, s.beacon.ConsumerKey); n != 4 {
		t.Errorf("RevokeAppAccess = %d; want 4 (a refresh token and three access tokens)", n)
	}
	for name, tok := range map[string]string{"access token with the refresh token": withRefresh, "refreshed access token": refreshed.Token, "access token without a refresh token": alone} {
		if _, err := s.store.LookupAccessToken(tok); err == nil {
			t.Errorf("the %s is still valid", name)
		}
	}
	if _, err := s.store.LookupRefreshToken(refresh); err == nil {
		t.Error("the refresh token is still valid")
	}
	if s.store.Approved(s.sync.ID, s.beacon.ConsumerKey) {
		t.Error("the approval is still remembered")
	}
	for name, tok := range map[string]string{"admin's access token": adminAT, "other app's access token": otherAT} {
		if _, err := s.store.LookupAccessToken(tok); err != nil {
			t.Errorf("the %s was revoked: %v", name, err)
		}
	}
	for name, tok := range map[string]string{"admin's refresh token": adminRT, "other app's refresh token": otherRT} {
		if _, err := s.store.LookupRefreshToken(tok); err != nil {
			t.Errorf("the %s was revoked: %v", name, err)
		}
	}
	if !s.store.Approved(s.sync.ID, other.ConsumerKey) {
		t.Error("the approval of the other app is gone")
	}
	if n := s.store.RevokeAppAccess(s.sync.ID, s.beacon.ConsumerKey); n != 0 {
		t.Errorf("RevokeAppAccess again = %d; want 0", n)
	}
}

func TestExpireSessionsKeepsRefreshTokens(t *testing.T) {
	st := store.New(nil)
	res, err := st.Apply(store.Seed{Orgs: []store.OrgSpec{{Name: "A", Users: []store.UserSpec{{Username: "u@a.test", Password: "p"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	uid := res[0].Users[0].ID
	at, rt, err := st.IssueTokens("", "key", uid, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if n := st.ExpireSessions(uid, "key"); n != 1 {
		t.Errorf("ExpireSessions = %d; want 1", n)
	}
	if _, err := st.LookupAccessToken(at.Token); err == nil {
		t.Error("the access token still works after ExpireSessions")
	}
	if _, _, err := st.Refresh(rt.Token); err != nil {
		t.Errorf("the refresh token stopped working: %v", err)
	}
}
