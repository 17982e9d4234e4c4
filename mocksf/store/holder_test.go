package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// TestTokenHolder checks the one question every endpoint that takes a
// token asks the store, "is it live, and its user and org active?", as
// UseAccessToken, ActiveUser and RefreshGrant answer it.
func TestTokenHolder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(s *seeded)
		want   error // nil: the token is good
	}{
		{"live", func(*seeded) {}, nil},
		{"user deactivated", func(s *seeded) {
			_, _ = s.store.UpdateUser(s.admin.ID, func(u *store.User) { u.Active = false })
		}, store.ErrUserInactive},
		{"org frozen", func(s *seeded) {
			_, _ = s.store.UpdateOrg(s.acme.ID, func(o *store.Org) { o.Status = store.OrgFrozen })
		}, store.ErrOrgInactive},
		{"org frozen and user deactivated", func(s *seeded) {
			_, _ = s.store.UpdateUser(s.admin.ID, func(u *store.User) { u.Active = false })
			_, _ = s.store.UpdateOrg(s.acme.ID, func(o *store.Org) { o.Status = store.OrgInactive })
		}, store.ErrOrgInactive},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(s)
			if _, _, err := s.store.ActiveUser(s.admin.ID); !errors.Is(err, tc.want) {
				t.Errorf("ActiveUser error = %v; want %v", err, tc.want)
			}
			gotAT, u, o, err := s.store.UseAccessToken(at.Token)
			if !errors.Is(err, tc.want) {
				t.Errorf("UseAccessToken error = %v; want %v", err, tc.want)
			}
			if err == nil && (gotAT.Token != at.Token || u.ID != s.admin.ID || o.ID != s.acme.ID) {
				t.Errorf("UseAccessToken = %s, user %s, org %s; want %s, %s, %s", gotAT.Token, u.ID, o.ID, at.Token, s.admin.ID, s.acme.ID)
			}
			if _, _, err := s.store.RefreshGrant(rt.Token, s.beacon, store.RevokeFamilyOnReplay, nil); !errors.Is(err, tc.want) {
				t.Errorf("RefreshGrant error = %v; want %v", err, tc.want)
			}
		})
	}
}

func TestUseAccessTokenDead(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	at, _, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	// A use restarts the session timeout.
	s.clock.Advance(store.DefaultSessionTimeout - time.Minute)
	if _, _, _, err := s.store.UseAccessToken(at.Token); err != nil {
		t.Fatalf("UseAccessToken before the timeout error = %v; want nil", err)
	}
	s.clock.Advance(store.DefaultSessionTimeout - time.Minute)
	if _, _, _, err := s.store.UseAccessToken(at.Token); err != nil {
		t.Fatalf("UseAccessToken after a use restarted the timeout error = %v; want nil", err)
	}
	s.clock.Advance(store.DefaultSessionTimeout)
	for _, tok := range []string{at.Token, "", "00D!AQnope"} {
		if _, _, _, err := s.store.UseAccessToken(tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UseAccessToken(%q) error = %v; want ErrNotFound", tok, err)
		}
	}
}

func TestRefreshGrant(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	_, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	other := s.beacon
	other.ConsumerKey = "KEY-OTHER"
	if _, _, err := s.store.RefreshGrant(rt.Token, other, store.RevokeFamilyOnReplay, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RefreshGrant for another app error = %v; want ErrNotFound", err)
	}
	immediate := s.beacon
	immediate.Policy.Refresh = store.RefreshPolicy{Mode: store.RefreshImmediately}
	if _, _, err := s.store.RefreshGrant(rt.Token, immediate, store.RevokeFamilyOnReplay, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RefreshGrant under Immediately expire error = %v; want ErrNotFound", err)
	}
	refused := errors.New("refused")
	var asked store.Org
	if _, _, err := s.store.RefreshGrant(rt.Token, s.beacon, store.RevokeFamilyOnReplay, func(_ store.User, o store.Org) error { asked = o; return refused }); err != refused {
		t.Errorf("RefreshGrant with allow refusing error = %v; want allow's", err)
	}
	if asked.ID != s.acme.ID {
		t.Errorf("allow was asked with org %q; want %q", asked.ID, s.acme.ID)
	}
	at, got, err := s.store.RefreshGrant(rt.Token, s.beacon, store.RevokeFamilyOnReplay, nil)
	if err != nil || at.RefreshToken != rt.Token || got.Token != rt.Token {
		t.Fatalf("RefreshGrant = %s from %s, %s, %v; want a token from %s", at.Token, at.RefreshToken, got.Token, err, rt.Token)
	}
	rotating := s.beacon
	rotating.Policy.RotateRefreshTokens = true
	at, next, err := s.store.RefreshGrant(rt.Token, rotating, store.RevokeFamilyOnReplay, nil)
	if err != nil || next.Token == rt.Token || at.RefreshToken != next.Token {
		t.Fatalf("rotating RefreshGrant = %s from %s, next %s, %v; want a new refresh token", at.Token, at.RefreshToken, next.Token, err)
	}
	if _, _, err := s.store.RefreshGrant(rt.Token, rotating, store.RevokeFamilyOnReplay, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RefreshGrant with the rotated-out token error = %v; want ErrNotFound", err)
	}
}

func TestRefreshPolicyExpired(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, time.UTC)
	rt := store.RefreshToken{IssuedAt: now.Add(-3 * time.Hour), LastUsed: now.Add(-time.Hour)}
	for _, tc := range []struct {
		p    store.RefreshPolicy
		want bool
	}{
		{store.RefreshPolicy{}, false},
		{store.RefreshPolicy{Mode: store.RefreshUntilRevoked}, false},
		{store.RefreshPolicy{Mode: store.RefreshImmediately}, true},
		{store.RefreshPolicy{Mode: store.RefreshIdle, For: 2 * time.Hour}, false},
		{store.RefreshPolicy{Mode: store.RefreshIdle, For: 30 * time.Minute}, true},
		{store.RefreshPolicy{Mode: store.RefreshAbsolute, For: 4 * time.Hour}, false},
		{store.RefreshPolicy{Mode: store.RefreshAbsolute, For: 2 * time.Hour}, true},
	} {
		if got := tc.p.Expired(rt, now); got != tc.want {
			t.Errorf("%+v.Expired = %v; want %v", tc.p, got, tc.want)
		}
	}
}
