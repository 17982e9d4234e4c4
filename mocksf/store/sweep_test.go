package store

import (
	"testing"
	"time"
)

// What nobody asks for again is dropped by the sweep that every
// sweepEvery new sessions, codes and access tokens bring: dead browser
// sessions and access tokens, used codes a day past their expiry and
// unused ones past it, and the
// dead entries of the access tokens issued from a refresh token. What is
// alive, or a code still within its grace, stays.
func TestSweepDropsTheDead(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s := New(func() time.Time { return now })
	u := &User{ID: "005000000000001AAA", OrgID: "00D000000000001AAA", Username: "a@x.test", Active: true}
	s.users[u.ID] = u

	dead := s.NewSession()
	oldCode := s.SaveCode(AuthCode{ConsumerKey: "K", UserID: u.ID, ExpiresAt: now.Add(15 * time.Minute)})
	deadAT, rt, err := s.IssueTokens("", "K", u.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(25 * time.Hour) // the code is more than a day past its expiry
	liveAT, _, err := s.Refresh(rt.Token)
	if err != nil {
		t.Fatal(err)
	}
	live := s.NewSession()
	// A used code stays CodeGrace past its expiry, for replay detection;
	// one never used goes at its expiry.
	graceCode := s.SaveCode(AuthCode{ConsumerKey: "K", UserID: u.ID, ExpiresAt: now.Add(time.Minute)})
	if _, err := s.RedeemCode(graceCode.Code); err != nil {
		t.Fatal(err)
	}
	unusedCode := s.SaveCode(AuthCode{ConsumerKey: "K", UserID: u.ID, ExpiresAt: now.Add(time.Minute)})
	now = now.Add(time.Hour)

	// sweepEvery new objects bring a sweep (a handful are held, so the
	// threshold is sweepEvery); a count, so that a grewLocked that never
	// sweeps fails the test instead of hanging it.
	s.mu.Lock()
	swept := false
	for range sweepEvery {
		s.grewLocked()
		swept = swept || s.grown == 0
	}
	_, sessionKept := s.sessions[dead.ID]
	_, liveKept := s.sessions[live.ID]
	_, oldKept := s.codes[oldCode.Code]
	_, graceKept := s.codes[graceCode.Code]
	_, unusedKept := s.codes[unusedCode.Code]
	_, deadATKept := s.access[deadAT.Token]
	_, liveATKept := s.access[liveAT.Token]
	from := append([]string(nil), s.families[rt.family].access...)
	s.mu.Unlock()

	if !swept {
		t.Fatalf("%d new objects brought no sweep", sweepEvery)
	}
	if sessionKept || oldKept || unusedKept || deadATKept {
		t.Errorf("after the sweep: dead session kept %v, expired code kept %v, expired unused code kept %v, timed-out token kept %v; want all gone",
			sessionKept, oldKept, unusedKept, deadATKept)
	}
	if !liveKept || !graceKept || !liveATKept {
		t.Errorf("after the sweep: live session kept %v, code in its grace kept %v, live token kept %v; want all kept",
			liveKept, graceKept, liveATKept)
	}
	if len(from) != 1 || from[0] != liveAT.Token {
		t.Errorf("access tokens listed under the refresh token = %v; want only the live one", from)
	}
	if _, err := s.LookupRefreshToken(rt.Token); err != nil {
		t.Errorf("the refresh token after the sweep: %v; want it kept", err)
	}
}

// BenchmarkSweep is one sweep over 100,000 live browser sessions and
// 100,000 live access tokens: the pause a busy mocksf takes every
// sweepEvery new ones, with its store locked.
func BenchmarkSweep(b *testing.B) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s := New(func() time.Time { return now })
	u := &User{ID: "005000000000001AAA", OrgID: "00D000000000001AAA", Username: "a@x.test", Active: true}
	s.users[u.ID] = u
	for range 100_000 {
		s.NewSession()
		if _, _, err := s.IssueTokens("", "K", u.ID, []string{"api"}, false); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		s.mu.Lock()
		s.sweepLocked(now)
		s.mu.Unlock()
	}
}
