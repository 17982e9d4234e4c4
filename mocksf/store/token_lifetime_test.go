package store_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// An access token dies after its org's session timeout without use; each
// use starts the timeout again (reference §0: 2 hours by default).
func TestSessionTimeout(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.store.SessionExpiry(at); !got.Equal(at.IssuedAt.Add(store.DefaultSessionTimeout)) {
		t.Errorf("SessionExpiry = %v; want issue time + 2h", got)
	}
	s.clock.Advance(store.DefaultSessionTimeout - time.Second)
	if _, err := s.store.LookupAccessToken(at.Token); err != nil {
		t.Fatalf("used 1s before the timeout: %v", err)
	}
	// The use restarts the timeout; a peek does not.
	s.clock.Advance(store.DefaultSessionTimeout - time.Second)
	if _, err := s.store.PeekAccessToken(at.Token); err != nil {
		t.Fatalf("peeked 1s before the restarted timeout: %v", err)
	}
	s.clock.Advance(time.Second)
	if _, err := s.store.PeekAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("peek at the timeout = %v; want ErrNotFound", err)
	}
	if _, err := s.store.LookupAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("use after the timeout = %v; want ErrNotFound", err)
	}
	if err := s.store.Revoke(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking a timed-out token = %v; want ErrNotFound", err)
	}
	// The refresh token outlives the session and gives a new one.
	fresh, _, err := s.store.Refresh(rt.Token)
	if err != nil {
		t.Fatalf("refresh after the session timed out: %v", err)
	}
	if _, err := s.store.LookupAccessToken(fresh.Token); err != nil {
		t.Errorf("the refreshed token: %v", err)
	}
}

func TestSessionTimeoutIsPerOrg(t *testing.T) {
	t.Parallel()
	st, clock, res := newTimeoutOrgs(t)
	if got := res[0].Org.SessionTimeout; got != 15*time.Minute {
		t.Errorf("Short's SessionTimeout = %v; want 15m", got)
	}
	short, _, _ := st.IssueTokens("", "KEY", res[0].Users[0].ID, []string{"api"}, false)
	long, _, _ := st.IssueTokens("", "KEY", res[1].Users[0].ID, []string{"api"}, false)
	clock.Advance(15 * time.Minute)
	if _, err := st.LookupAccessToken(short.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Short's token after 15m = %v; want ErrNotFound", err)
	}
	if _, err := st.LookupAccessToken(long.Token); err != nil {
		t.Errorf("Default's token after 15m: %v", err)
	}
}

func TestSessionTimeoutSeedErrors(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"soon", "-1h", "0s", "2"} {
		_, err := store.ParseSeed([]byte("orgs:\n  - name: A\n    sessionTimeout: \"" + v + "\"\n"))
		if err == nil || !strings.Contains(err.Error(), `orgs[0].sessionTimeout "`+v+`": want a duration like 15m or 2h`) {
			t.Errorf("sessionTimeout %q: %v", v, err)
		}
	}
}

// With rotation, a refresh replaces the refresh token: the old one dies,
// the new one keeps its approval slot, issue time and access tokens.
func TestRefreshRotating(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	first, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Advance(time.Hour)
	at, next, err := s.store.RefreshRotating(rt.Token)
	if err != nil {
		t.Fatal(err)
	}
	if next.Token == rt.Token || !refreshTokenPattern.MatchString(next.Token) {
		t.Errorf("rotated refresh token %q; want a new one shaped as Salesforce's", next.Token)
	}
	if !next.IssuedAt.Equal(rt.IssuedAt) || !next.LastUsed.Equal(s.clock.Now()) || at.RefreshToken != next.Token {
		t.Errorf("new refresh token issued %v, used %v, access token from %q; want issued %v, used now, from the new one",
			next.IssuedAt, next.LastUsed, at.RefreshToken, rt.IssuedAt)
	}
	if _, err := s.store.LookupRefreshToken(rt.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the old refresh token: %v; want ErrNotFound", err)
	}
	if _, _, err := s.store.RefreshRotating(rt.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refreshing with the old token again: %v; want ErrNotFound", err)
	}
	if n := len(s.store.RefreshTokens(s.admin.ID, s.beacon.ConsumerKey)); n != 1 {
		t.Errorf("the user holds %d refresh tokens for the app; want 1", n)
	}
	// Revoking the new token takes every access token of the chain.
	if err := s.store.Revoke(next.Token); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{first.Token, at.Token} {
		if _, err := s.store.LookupAccessToken(tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("access token of the revoked chain: %v; want ErrNotFound", err)
		}
	}
}

// A replayed code reaches the refresh token it issued even after rotation
// has replaced it, twice over.
func TestCodeReplayAfterRotation(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	code := s.store.SaveCode(store.AuthCode{ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.admin.ID})
	if _, err := s.store.RedeemCode(code.Code); err != nil {
		t.Fatal(err)
	}
	_, rt, err := s.store.IssueTokens(code.Code, s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := s.store.RefreshRotating(rt.Token)
	if err != nil {
		t.Fatal(err)
	}
	at, third, err := s.store.RefreshRotating(second.Token)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.RedeemCode(code.Code); !errors.Is(err, store.ErrCodeReplayed) {
		t.Fatalf("replay: %v; want ErrCodeReplayed", err)
	}
	if _, err := s.store.LookupRefreshToken(third.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the code's refresh token, rotated twice, after the replay: %v; want ErrNotFound", err)
	}
	if _, err := s.store.LookupAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("its access token after the replay: %v; want ErrNotFound", err)
	}
	if _, err := s.store.LookupAccessToken(other.Token); err != nil {
		t.Errorf("another grant's access token after the replay: %v; want it live", err)
	}
}
