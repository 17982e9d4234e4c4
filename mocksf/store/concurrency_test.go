package store_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// TestConcurrentUse hammers the store from many goroutines; run with -race
// it finds unguarded state, and the totals at the end find lost updates.
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	const (
		workers = 32
		rounds  = 50
	)
	s := newSeeded(t)
	sess := s.store.NewSession()
	leadsBefore := len(s.store.Records(s.acme.ID, "Lead"))

	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		tokens []string
	)
	for w := range workers {
		wg.Go(func() {
			var mine []string
			for i := range rounds {
				// Wrong passwords with lockout off all count; the admin never
				// locks, and sync logs in meanwhile.
				if _, err := s.store.Authenticate("admin@acme.test", "wrong", 0); !errors.Is(err, store.ErrInvalidLogin) {
					t.Errorf("Authenticate(wrong) error = %v; want ErrInvalidLogin", err)
				}
				if _, err := s.store.Authenticate("SYNC@acme.test", "pw-sync", 3); err != nil {
					t.Errorf("Authenticate(sync) error = %v; want nil", err)
				}

				// A key per worker keeps the approvals cap of one user and
				// app from revoking another worker's tokens mid-round.
				key := fmt.Sprintf("key-%d", w)
				withRefresh := i%2 == 0
				at, rt, err := s.store.IssueTokens("", key, s.ceo.ID, []string{"api"}, withRefresh)
				if err != nil {
					t.Errorf("IssueTokens error = %v", err)
					continue
				}
				if _, err := s.store.LookupAccessToken(at.Token); err != nil {
					t.Errorf("LookupAccessToken error = %v", err)
				}
				if withRefresh {
					if _, _, err := s.store.Refresh(rt.Token); err != nil {
						t.Errorf("Refresh error = %v", err)
					}
				} else {
					// Tokens without a refresh token outlive the approvals cap.
					mine = append(mine, at.Token)
				}

				r, err := s.store.InsertRecord(s.acme.ID, "Lead", s.admin.ID, map[string]any{"LastName": fmt.Sprintf("w%d-%d", w, i)})
				if err != nil {
					t.Errorf("InsertRecord error = %v", err)
					continue
				}
				if _, err := s.store.UpdateRecord(s.acme.ID, "Lead", r.ID, map[string]any{"Status": "Working"}); err != nil {
					t.Errorf("UpdateRecord error = %v", err)
				}
				_ = s.store.Records(s.acme.ID, "Lead")

				if _, err := s.store.UpdateSession(sess.ID, func(se *store.Session) {
					se.Pending[fmt.Sprintf("w%d-%d", w, i)] = "x"
					c := se.Codes["login"]
					c.Attempts++
					se.Codes["login"] = c
				}); err != nil {
					t.Errorf("UpdateSession error = %v", err)
				}
				if _, err := s.store.Session(sess.ID); err != nil {
					t.Errorf("Session error = %v", err)
				}
				_ = s.store.Apps(s.acme.ID)
			}
			mu.Lock()
			tokens = append(tokens, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()

	if u, _ := s.store.User(s.admin.ID); u.FailedLogins != workers*rounds {
		t.Errorf("admin FailedLogins = %d; want %d", u.FailedLogins, workers*rounds)
	}
	seen := map[string]bool{}
	for _, tok := range tokens {
		if seen[tok] {
			t.Errorf("access token %q issued twice", tok)
		}
		seen[tok] = true
		if _, err := s.store.LookupAccessToken(tok); err != nil {
			t.Errorf("LookupAccessToken after the run error = %v; want nil", err)
		}
	}
	if want := workers * rounds / 2; len(tokens) != want {
		t.Errorf("%d access tokens issued; want %d", len(tokens), want)
	}

	leads := s.store.Records(s.acme.ID, "Lead")
	if got, want := len(leads), leadsBefore+workers*rounds; got != want {
		t.Errorf("len(Records(Acme, Lead)) = %d; want %d", got, want)
	}
	ids := map[string]bool{}
	for _, r := range leads {
		if ids[r.ID] {
			t.Errorf("record id %s used twice", r.ID)
		}
		ids[r.ID] = true
	}

	got, err := s.store.Session(sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Pending) != workers*rounds || got.Codes["login"].Attempts != workers*rounds {
		t.Errorf("session has %d pending and %d attempts; want %d each", len(got.Pending), got.Codes["login"].Attempts, workers*rounds)
	}
}
