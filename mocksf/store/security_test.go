package store_test

import (
	"bufio"
	"errors"
	"flag"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// A replay that lands between an exchange's redeeming of its code and
// its issuing of tokens (the token endpoint checks the client, redirect
// URI, verifier and user between the two) must still leave no live
// token from the code: the exchange then issues none (issue 16, break
// 8). With the replay told to keep tokens, the exchange goes on.
func TestSecurityReplayBetweenRedeemAndIssue(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		revoke bool
		want   error
	}{
		{"replay revokes", true, store.ErrCodeReplayed},
		{"replay only fails", false, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			key := s.beacon.ConsumerKey
			code := s.store.SaveCode(store.AuthCode{ConsumerKey: key, OrgID: s.acme.ID, UserID: s.admin.ID, ExpiresAt: s.clock.Now().Add(time.Minute)})
			if _, err := s.store.RedeemCodeReplay(code.Code, key, tt.revoke); err != nil {
				t.Fatal(err)
			}
			if _, err := s.store.RedeemCodeReplay(code.Code, key, tt.revoke); !errors.Is(err, store.ErrCodeReplayed) {
				t.Fatalf("replay: %v; want ErrCodeReplayed", err)
			}
			at, rt, err := s.store.IssueTokens(code.Code, key, s.admin.ID, []string{"api", "refresh_token"}, true)
			if !errors.Is(err, tt.want) {
				t.Fatalf("IssueTokens after the replay: %+v %+v %v; want %v", at, rt, err, tt.want)
			}
			if tt.want != nil && (at.Token != "" || rt != nil) {
				t.Errorf("IssueTokens after the replay issued %q and %+v; want nothing", at.Token, rt)
			}
		})
	}
}

// A code presented by another app's client is neither used up nor
// counted as a replay: its own client's exchange then works, and only
// that client's second one revokes (issue 16, break 7).
func TestSecurityCodeOfAnotherClient(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	key := s.beacon.ConsumerKey
	code := s.store.SaveCode(store.AuthCode{ConsumerKey: key, OrgID: s.acme.ID, UserID: s.admin.ID, ExpiresAt: s.clock.Now().Add(time.Minute)})
	for _, other := range []string{"3MVG9Other", ""} {
		if _, err := s.store.RedeemCodeReplay(code.Code, other, true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("client %q: %v; want ErrNotFound", other, err)
		}
	}
	if _, err := s.store.RedeemCodeReplay(code.Code, key, true); err != nil {
		t.Fatalf("its own client after another's try: %v; want the code", err)
	}
	at, _, err := s.store.IssueTokens(code.Code, key, s.admin.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.RedeemCodeReplay(code.Code, "3MVG9Other", true); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("another client with the used code: %v; want ErrNotFound", err)
	}
	if _, err := s.store.LookupAccessToken(at.Token); err != nil {
		t.Errorf("another client's try revoked the code's token: %v", err)
	}
	if _, err := s.store.RedeemCodeReplay(code.Code, key, true); !errors.Is(err, store.ErrCodeReplayed) {
		t.Fatalf("its own client again: %v; want ErrCodeReplayed", err)
	}
	if _, err := s.store.LookupAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the code's token after its own client's replay: %v; want it revoked", err)
	}
}

// A login refreshed without end keeps at most the store's cap of access
// tokens (SetMaxAccessPerFamily), the newest: the oldest go as new ones
// come (issue 16, break 6). Revoking the refresh token still takes every
// one it keeps.
func TestSecurityFamilyKeepsBoundedAccessTokens(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	const maxAccess = 20
	s.store.SetMaxAccessPerFamily(maxAccess)
	first, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	tokens := []string{first.Token}
	current := rt.Token
	for range maxAccess + 10 {
		at, next, err := s.store.RefreshRotating(current)
		if err != nil {
			t.Fatal(err)
		}
		tokens, current = append(tokens, at.Token), next.Token
	}
	live := 0
	for i, tok := range tokens {
		_, err := s.store.PeekAccessToken(tok)
		if err == nil {
			live++
		}
		if old := i < len(tokens)-maxAccess; old == (err == nil) {
			t.Errorf("access token %d of %d: live %v; want only the newest %d live", i+1, len(tokens), err == nil, maxAccess)
		}
	}
	if live != maxAccess {
		t.Errorf("%d access tokens live; want %d", live, maxAccess)
	}
	if err := s.store.Revoke(current); err != nil {
		t.Fatal(err)
	}
	for _, tok := range tokens[len(tokens)-maxAccess:] {
		if _, err := s.store.PeekAccessToken(tok); err == nil {
			t.Fatal("an access token outlived the revoke of its login's refresh token")
		}
	}
}

// Every refresh token rotation retired, the first as much as the last,
// revokes its login when it comes back, and only its own app's: another
// app presenting it revokes nothing (issue 16, break 13, RFC 9700
// §4.14.2). Told to keep the family, a replay only fails.
func TestSecurityRetiredRefreshTokenRevokesFamily(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name     string
		replayed int // which retired token comes back: 0 the first
		byApp    string
		replay   store.RefreshReplay
		revoked  bool
	}{
		{"the first retired", 0, "", store.RevokeFamilyOnReplay, true},
		{"the last retired", 4, "", store.RevokeFamilyOnReplay, true},
		{"by another app", 4, "3MVG9Other", store.RevokeFamilyOnReplay, false},
		{"family kept", 0, "", store.KeepFamilyOnReplay, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			app := s.beacon
			app.Policy.RotateRefreshTokens = true
			at, rt, err := s.store.IssueTokens("", app.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
			if err != nil {
				t.Fatal(err)
			}
			retired, current := []string{}, rt.Token
			for range 5 {
				next, nrt, err := s.store.RefreshGrant(current, app, tt.replay, nil)
				if err != nil {
					t.Fatal(err)
				}
				retired, current, at = append(retired, current), nrt.Token, next
			}
			other := app
			if tt.byApp != "" {
				other.ConsumerKey = tt.byApp
			}
			if _, _, err := s.store.RefreshGrant(retired[tt.replayed], other, tt.replay, nil); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("the retired token: %v; want ErrNotFound", err)
			}
			_, errRT := s.store.LookupRefreshToken(current)
			_, errAT := s.store.PeekAccessToken(at.Token)
			if gone := errRT != nil && errAT != nil; gone != tt.revoked || (errRT == nil) != (errAT == nil) {
				t.Errorf("after the replay, live refresh token: %v, access token: %v; want revoked %v", errRT, errAT, tt.revoked)
			}
		})
	}
}

// The store remembers a JWT bearer assertion until its expiry: a second
// use is seen, another app's use of the same payload is not, nor a use
// after it expired.
func TestSecuritySeenAssertion(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	payload := []byte(`{"iss":"K","sub":"a@acme.test","exp":1}`)
	exp := s.clock.Now().Add(3 * time.Minute)
	if s.store.SeenAssertion("K", payload, exp) {
		t.Fatal("a first use was seen before")
	}
	if !s.store.SeenAssertion("K", payload, exp) {
		t.Error("a second use was not seen")
	}
	if s.store.SeenAssertion("K2", payload, exp) {
		t.Error("another app's use of the same payload was seen")
	}
	s.clock.Advance(4 * time.Minute)
	if s.store.SeenAssertion("K", payload, s.clock.Now().Add(time.Minute)) {
		t.Error("a use after the first one expired was seen")
	}
}

// refreshes is how many refreshes TestLongRunRefreshes makes: go test
// -run LongRunRefreshes -v ./mocksf/store/ -refreshes 1000000.
var refreshes = flag.Int("refreshes", 20_000, "refreshes TestLongRunRefreshes makes")

// One login refreshed without end, rotating, on a clock that never lets
// a session time out: the store's memory after the last refresh is what
// it was after the first tenth, and each refresh costs what the first
// did. Before token families, 40,000 refreshes made each cost 6 ms and
// every access token stayed (issue 16, break 6). It logs the heap and
// VmRSS at both points.
func TestLongRunRefreshes(t *testing.T) {
	s := newSeeded(t)
	_, rt, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	token := rt.Token
	run := func(n int) time.Duration {
		start := time.Now()
		for range n {
			_, next, err := s.store.RefreshRotating(token)
			if err != nil {
				t.Fatal(err)
			}
			token = next.Token
		}
		return time.Since(start) / time.Duration(max(n, 1))
	}
	warm := *refreshes / 10
	firstCost := run(warm)
	heapBefore, rssBefore := heapInUse(), vmRSS()
	lastCost := run(*refreshes - warm)
	heapAfter, rssAfter := heapInUse(), vmRSS()
	t.Logf("%d refreshes: heap in use %.1f MiB after %d, %.1f MiB after all; VmRSS %s → %s; %v per refresh → %v",
		*refreshes, mebibytes(heapBefore), warm, mebibytes(heapAfter), rssBefore, rssAfter, firstCost, lastCost)
	if grown := int64(heapAfter) - int64(heapBefore); grown > 4<<20 {
		t.Errorf("the heap grew by %.1f MiB over %d refreshes; want it flat", mebibytes(uint64(grown)), *refreshes-warm)
	}
}

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mebibytes(b uint64) float64 { return float64(b) / (1 << 20) }

// vmRSS is this process's VmRSS line from /proc/self/status, or "?"
// where there is none.
func vmRSS() string {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

// The used assertions the store remembers are bounded: past
// MaxAssertionsKept, unexpired ones included, the oldest is forgotten.
func TestSecurityAssertionsBounded(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	far := s.clock.Now().Add(time.Hour)
	payload := func(i int) []byte { return []byte(`{"jti":"` + strconv.Itoa(i) + `"}`) }
	for i := range store.MaxAssertionsKept + 1 {
		if s.store.SeenAssertion("K", payload(i), far) {
			t.Fatalf("assertion %d seen before its first use", i)
		}
	}
	if s.store.SeenAssertion("K", payload(0), far) {
		t.Error("the oldest assertion is still remembered past the cap")
	}
	if !s.store.SeenAssertion("K", payload(store.MaxAssertionsKept), far) {
		t.Error("the newest assertion was forgotten")
	}
}

// Pre-login sessions, which every cookie-less request makes, are kept up
// to PreLoginLimits, the oldest evicted first, and die after its
// Timeout; the account follows every way a session changes: growing
// pending requests, a password (no longer pre-login, so no longer
// counted or evictable), prompt=login's way back, renewal, logout and
// timeout.
func TestSecurityPreLoginSessionsBounded(t *testing.T) {
	t.Parallel()
	st, clock, res := newTimeoutOrgs(t)
	st.SetPreLoginLimits(store.PreLoginLimits{MaxSessions: 3, MaxBytes: 8 << 10, Timeout: 10 * time.Minute})
	user := res[1].Users[0]
	logIn := func(s *store.Session) { s.UserID, s.OrgID = user.ID, user.OrgID }
	pend := func(n int) func(*store.Session) {
		return func(s *store.Session) { s.Pending[strings.Repeat("k", 8)] = strings.Repeat("q", n) }
	}

	a, b := st.NewSession(), st.NewSession()
	if _, err := st.UpdateSession(a.ID, logIn); err != nil {
		t.Fatal(err)
	}
	c, d, e := st.NewSession(), st.NewSession(), st.NewSession()
	steps := []struct {
		name      string
		do        func()
		wantCount int
		gone      []string // sessions that must be gone after the step
		kept      []string
	}{
		{"four pre-login past a cap of three: the oldest goes", func() {}, 3, []string{b.ID}, []string{a.ID, c.ID, d.ID, e.ID}},
		{"a pending request past the bytes: the oldest goes", func() { _, _ = st.UpdateSession(e.ID, pend(5<<10)) }, 2, []string{c.ID}, []string{a.ID, d.ID, e.ID}},
		{"logout of a counted one", func() { st.DeleteSession(d.ID) }, 1, []string{d.ID}, []string{a.ID, e.ID}},
		{"prompt=login takes the logged-in one back", func() {
			_, _ = st.UpdateSession(a.ID, func(s *store.Session) { s.UserID, s.OrgID = "", "" })
		}, 2, nil, []string{a.ID, e.ID}},
		{"renewed after the password: not counted", func() {
			_, _ = st.UpdateSession(a.ID, logIn)
			renewed, _ := st.RenewSession(a.ID)
			a = renewed
		}, 1, nil, []string{e.ID}},
		{"ten minutes unused: the pre-login one times out, the logged-in one lives", func() { clock.Advance(10 * time.Minute) }, 0, []string{e.ID}, nil},
	}
	for _, s := range steps {
		s.do()
		for _, id := range s.gone {
			if _, err := st.Session(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: a session that should be gone: %v", s.name, err)
			}
		}
		for _, id := range s.kept {
			if _, err := st.Session(id); err != nil {
				t.Errorf("%s: a session that should be kept: %v", s.name, err)
			}
		}
		if count, bytes := st.PreLoginSessions(); count != s.wantCount || bytes > 8<<10 || (count == 0) != (bytes == 0) {
			t.Errorf("%s: %d pre-login sessions, %d bytes; want %d, within 8 KiB", s.name, count, bytes, s.wantCount)
		}
	}
	if _, err := st.Session(a.ID); err != nil {
		t.Errorf("the renewed logged-in session after 10 minutes: %v; want kept", err)
	}
	// A flood of 10,000 keeps three, and the order list stays small.
	for range 10000 {
		st.NewSession()
	}
	if count, _ := st.PreLoginSessions(); count != 3 {
		t.Errorf("after 10,000 new sessions: %d pre-login kept; want 3", count)
	}
}
