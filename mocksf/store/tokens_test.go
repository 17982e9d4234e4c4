package store_test

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

var (
	codePattern         = regexp.MustCompile(`^aPrx[A-Za-z0-9]{76}==$`)
	refreshTokenPattern = regexp.MustCompile(`^5Aep861[A-Za-z0-9._]{80}==$`)
	accessOpaquePattern = regexp.MustCompile(`^AQ[A-Za-z0-9._]+$`)
)

// codeFields, accessFields and refreshFields keep the fields of a code or
// token these tests check, so that comparisons ignore bookkeeping the store
// keeps in unexported fields.
func codeFields(c store.AuthCode) store.AuthCode {
	return store.AuthCode{
		Code: c.Code, ConsumerKey: c.ConsumerKey, OrgID: c.OrgID, UserID: c.UserID, RedirectURI: c.RedirectURI,
		Scopes: c.Scopes, CodeChallenge: c.CodeChallenge, Nonce: c.Nonce, ExpiresAt: c.ExpiresAt,
	}
}

func accessFields(at store.AccessToken) store.AccessToken {
	return store.AccessToken{
		Token: at.Token, ConsumerKey: at.ConsumerKey, OrgID: at.OrgID, UserID: at.UserID,
		Scopes: at.Scopes, IssuedAt: at.IssuedAt, RefreshToken: at.RefreshToken,
	}
}

func refreshFields(rt store.RefreshToken) store.RefreshToken {
	return store.RefreshToken{
		Token: rt.Token, ConsumerKey: rt.ConsumerKey, OrgID: rt.OrgID, UserID: rt.UserID,
		Scopes: rt.Scopes, IssuedAt: rt.IssuedAt,
	}
}

func TestSaveCode(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	in := store.AuthCode{
		Code: "ignored", ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.admin.ID,
		RedirectURI: "https://beacon.example/callback", Scopes: []string{"api", "refresh_token"},
		CodeChallenge: "challenge", Nonce: "nonce", ExpiresAt: s.clock.Now().Add(15 * time.Minute),
	}
	got := s.store.SaveCode(in)
	if !strings.HasPrefix(got.Code, "aPrx") || !strings.HasSuffix(got.Code, "==") || !codePattern.MatchString(got.Code) {
		t.Errorf("Code = %q; want aPrx, 76 alphanumerics, ==", got.Code)
	}
	want := in
	want.Code = got.Code
	if !reflect.DeepEqual(codeFields(got), codeFields(want)) {
		t.Errorf("SaveCode = %+v; want %+v", got, want)
	}
	if again := s.store.SaveCode(in); again.Code == got.Code {
		t.Errorf("two SaveCode calls gave the same code %q", got.Code)
	}
}

func TestRedeemCode(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	saved := s.store.SaveCode(store.AuthCode{
		ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.admin.ID,
		RedirectURI: "https://beacon.example/callback", Scopes: []string{"api"}, Nonce: "n",
	})
	got, err := s.store.RedeemCode(saved.Code)
	if err != nil {
		t.Fatalf("RedeemCode error = %v; want nil", err)
	}
	if !reflect.DeepEqual(codeFields(got), codeFields(saved)) {
		t.Errorf("RedeemCode = %+v; want %+v", got, saved)
	}
	for i := 0; i < 2; i++ {
		if got, err := s.store.RedeemCode(saved.Code); !errors.Is(err, store.ErrCodeReplayed) {
			t.Errorf("redeem %d: RedeemCode = %+v, %v; want ErrCodeReplayed", i+2, got, err)
		}
	}
	for _, code := range []string{"", "aPrxnope==", strings.ToLower(saved.Code)} {
		if _, err := s.store.RedeemCode(code); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RedeemCode(%q) error = %v; want ErrNotFound", code, err)
		}
	}
}

// Replaying a code revokes what was issued from it, including access tokens
// refreshed since, and nothing else.
func TestRedeemCodeReplayRevokesTokens(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	code := s.store.SaveCode(store.AuthCode{ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.admin.ID})
	if _, err := s.store.RedeemCode(code.Code); err != nil {
		t.Fatalf("RedeemCode error = %v; want nil", err)
	}
	at, rt, err := s.store.IssueTokens(code.Code, s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatalf("IssueTokens error = %v; want nil", err)
	}
	refreshed, _, err := s.store.Refresh(rt.Token)
	if err != nil {
		t.Fatalf("Refresh error = %v; want nil", err)
	}
	// Tokens of another grant of the same user and app.
	otherAT, otherRT, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api"}, true)
	if err != nil {
		t.Fatalf("IssueTokens(no code) error = %v; want nil", err)
	}

	if _, err := s.store.RedeemCode(code.Code); !errors.Is(err, store.ErrCodeReplayed) {
		t.Fatalf("replayed RedeemCode error = %v; want ErrCodeReplayed", err)
	}
	for name, tok := range map[string]string{"access token": at.Token, "refreshed access token": refreshed.Token} {
		if _, err := s.store.LookupAccessToken(tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LookupAccessToken(%s) after replay error = %v; want ErrNotFound", name, err)
		}
	}
	if _, _, err := s.store.Refresh(rt.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Refresh after replay error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.LookupAccessToken(otherAT.Token); err != nil {
		t.Errorf("LookupAccessToken(other grant) after replay error = %v; want nil", err)
	}
	if _, _, err := s.store.Refresh(otherRT.Token); err != nil {
		t.Errorf("Refresh(other grant) after replay error = %v; want nil", err)
	}
}

func TestIssueTokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		withRefresh bool
		scopes      []string
	}{
		{"with refresh token", true, []string{"api", "refresh_token"}},
		{"access token only", false, []string{"api"}},
		{"no scopes", false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			now := s.clock.Advance(time.Second)
			at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.ceo.ID, tc.scopes, tc.withRefresh)
			if err != nil {
				t.Fatalf("IssueTokens error = %v; want nil", err)
			}
			orgID15, opaque, ok := strings.Cut(at.Token, "!")
			if !ok || orgID15 != sfid.To15(s.globex.ID) || len(orgID15) != 15 {
				t.Errorf("access token = %q; want it to start with the 15-character org id %q and !", at.Token, sfid.To15(s.globex.ID))
			}
			if !accessOpaquePattern.MatchString(opaque) {
				t.Errorf("access token after ! = %q; want AQ and [A-Za-z0-9._]", opaque)
			}
			if at.ConsumerKey != s.beacon.ConsumerKey || at.OrgID != s.globex.ID || at.UserID != s.ceo.ID ||
				!slices.Equal(at.Scopes, tc.scopes) || !at.IssuedAt.Equal(now) {
				t.Errorf("access token = %+v; want key %s, org %s, user %s, scopes %q, issued %v",
					at, s.beacon.ConsumerKey, s.globex.ID, s.ceo.ID, tc.scopes, now)
			}
			if got, err := s.store.LookupAccessToken(at.Token); err != nil || !reflect.DeepEqual(accessFields(got), accessFields(at)) {
				t.Errorf("LookupAccessToken = %+v, %v; want %+v, nil", got, err, at)
			}
			if !tc.withRefresh {
				if rt != nil || at.RefreshToken != "" {
					t.Errorf("refresh token = %+v, access token's = %q; want none", rt, at.RefreshToken)
				}
				return
			}
			if rt == nil {
				t.Fatal("refresh token = nil; want one")
			}
			if !strings.HasPrefix(rt.Token, "5Aep861") || !refreshTokenPattern.MatchString(rt.Token) {
				t.Errorf("refresh token = %q; want 5Aep861, 80 token characters, ==", rt.Token)
			}
			if at.RefreshToken != rt.Token {
				t.Errorf("access token's RefreshToken = %q; want %q", at.RefreshToken, rt.Token)
			}
			wantRT := store.RefreshToken{
				Token: rt.Token, ConsumerKey: s.beacon.ConsumerKey, OrgID: s.globex.ID, UserID: s.ceo.ID,
				Scopes: tc.scopes, IssuedAt: now,
			}
			if !reflect.DeepEqual(refreshFields(*rt), wantRT) {
				t.Errorf("refresh token = %+v; want %+v", *rt, wantRT)
			}
		})
	}
}

func TestIssueTokensUnknownUser(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	for _, id := range []string{"", sfid.To15(s.admin.ID), s.acme.ID} {
		at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, id, nil, true)
		if !errors.Is(err, store.ErrNotFound) || rt != nil || at.Token != "" {
			t.Errorf("IssueTokens(user %q) = %+v, %v, %v; want ErrNotFound and no tokens", id, at, rt, err)
		}
	}
}

func TestIssueTokensAreUnique(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, nil, true)
		if err != nil {
			t.Fatal(err)
		}
		if seen[at.Token] || seen[rt.Token] {
			t.Fatalf("token issued twice: %q / %q", at.Token, rt.Token)
		}
		seen[at.Token], seen[rt.Token] = true, true
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	scopes := []string{"api", "refresh_token"}
	first, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, scopes, true)
	if err != nil {
		t.Fatal(err)
	}
	later := s.clock.Advance(time.Hour)
	at, gotRT, err := s.store.Refresh(rt.Token)
	if err != nil {
		t.Fatalf("Refresh error = %v; want nil", err)
	}
	if at.Token == first.Token {
		t.Errorf("Refresh gave the first access token %q again; want a new one", at.Token)
	}
	want := store.AccessToken{
		Token: at.Token, ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.admin.ID,
		Scopes: scopes, IssuedAt: later, RefreshToken: rt.Token,
	}
	if !reflect.DeepEqual(accessFields(at), want) {
		t.Errorf("Refresh access token = %+v; want %+v", at, want)
	}
	if !strings.HasPrefix(at.Token, sfid.To15(s.acme.ID)+"!") {
		t.Errorf("refreshed access token = %q; want the org id prefix", at.Token)
	}
	if !reflect.DeepEqual(refreshFields(gotRT), refreshFields(*rt)) {
		t.Errorf("Refresh refresh token = %+v; want the one refreshed, %+v", gotRT, *rt)
	}
	if got, err := s.store.LookupAccessToken(at.Token); err != nil || !reflect.DeepEqual(accessFields(got), want) {
		t.Errorf("LookupAccessToken(refreshed) = %+v, %v; want %+v, nil", got, err, want)
	}
	// The first access token stays valid; refresh does not rotate.
	if _, err := s.store.LookupAccessToken(first.Token); err != nil {
		t.Errorf("LookupAccessToken(first) after Refresh error = %v; want nil", err)
	}
	for _, tok := range []string{"", "5Aep861nope==", first.Token} {
		if _, _, err := s.store.Refresh(tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Refresh(%q) error = %v; want ErrNotFound", tok, err)
		}
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	type grant struct {
		at, refreshed store.AccessToken
		rt            *store.RefreshToken
	}
	issue := func(t *testing.T, s *seeded) grant {
		t.Helper()
		at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api"}, true)
		if err != nil {
			t.Fatal(err)
		}
		refreshed, _, err := s.store.Refresh(rt.Token)
		if err != nil {
			t.Fatal(err)
		}
		return grant{at, refreshed, rt}
	}
	alive := func(s *seeded, g grant) (at, refreshed, rt bool) {
		_, e1 := s.store.LookupAccessToken(g.at.Token)
		_, e2 := s.store.LookupAccessToken(g.refreshed.Token)
		// Refresh has a side effect, so it goes last.
		_, _, e3 := s.store.Refresh(g.rt.Token)
		return e1 == nil, e2 == nil, e3 == nil
	}
	tests := []struct {
		name                                   string
		token                                  func(g grant) string
		wantAT, wantRefreshed, wantRefreshable bool
	}{
		{"access token", func(g grant) string { return g.at.Token }, false, true, true},
		{"refreshed access token", func(g grant) string { return g.refreshed.Token }, true, false, true},
		{"refresh token", func(g grant) string { return g.rt.Token }, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			g, other := issue(t, s), issue(t, s)
			tok := tc.token(g)
			if err := s.store.Revoke(tok); err != nil {
				t.Fatalf("Revoke error = %v; want nil", err)
			}
			at, refreshed, rt := alive(s, g)
			if at != tc.wantAT || refreshed != tc.wantRefreshed || rt != tc.wantRefreshable {
				t.Errorf("after Revoke: access %v, refreshed %v, refreshable %v; want %v, %v, %v",
					at, refreshed, rt, tc.wantAT, tc.wantRefreshed, tc.wantRefreshable)
			}
			if at, refreshed, rt := alive(s, other); !at || !refreshed || !rt {
				t.Errorf("another grant after Revoke: access %v, refreshed %v, refreshable %v; want all alive", at, refreshed, rt)
			}
			if err := s.store.Revoke(tok); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("second Revoke error = %v; want ErrNotFound", err)
			}
		})
	}
	t.Run("unknown token", func(t *testing.T) {
		t.Parallel()
		s := newSeeded(t)
		for _, tok := range []string{"", "nope"} {
			if err := s.store.Revoke(tok); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Revoke(%q) error = %v; want ErrNotFound", tok, err)
			}
		}
	})
}

// Scopes handed out or taken in are copies: changing them later does not
// change the store.
func TestTokenCopies(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	want := []string{"api", "refresh_token"}

	t.Run("code", func(t *testing.T) {
		in := slices.Clone(want)
		saved := s.store.SaveCode(store.AuthCode{UserID: s.admin.ID, Scopes: in})
		in[0] = "full"
		saved.Scopes[1] = "full"
		got, err := s.store.RedeemCode(saved.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Scopes, want) {
			t.Errorf("RedeemCode Scopes = %q; want %q", got.Scopes, want)
		}
	})
	t.Run("issued tokens", func(t *testing.T) {
		in := slices.Clone(want)
		at, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, in, true)
		if err != nil {
			t.Fatal(err)
		}
		in[0] = "full"
		at.Scopes[1] = "full"
		rt.Scopes[0] = "full"
		got, err := s.store.LookupAccessToken(at.Token)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Scopes, want) {
			t.Errorf("LookupAccessToken Scopes = %q; want %q", got.Scopes, want)
		}
		got.Scopes[0] = "full"
		if again, _ := s.store.LookupAccessToken(at.Token); !slices.Equal(again.Scopes, want) {
			t.Errorf("LookupAccessToken Scopes after changing a looked-up copy = %q; want %q", again.Scopes, want)
		}

		refreshed, gotRT, err := s.store.Refresh(rt.Token)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(refreshed.Scopes, want) || !slices.Equal(gotRT.Scopes, want) {
			t.Errorf("Refresh Scopes = %q and %q; want %q", refreshed.Scopes, gotRT.Scopes, want)
		}
		refreshed.Scopes[0] = "full"
		gotRT.Scopes[0] = "full"
		if got, _ := s.store.LookupAccessToken(refreshed.Token); !slices.Equal(got.Scopes, want) {
			t.Errorf("refreshed token Scopes after changing Refresh's copy = %q; want %q", got.Scopes, want)
		}
		if _, again, _ := s.store.Refresh(rt.Token); !slices.Equal(again.Scopes, want) {
			t.Errorf("refresh token Scopes after changing Refresh's copy = %q; want %q", again.Scopes, want)
		}
	})
}
