package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

func TestNewUsesTheClock(t *testing.T) {
	t.Parallel()
	clock := newTestClock()
	st := store.New(clock.Now)
	if got, want := st.Now(), clock.Now(); !got.Equal(want) {
		t.Errorf("Now() = %v; want %v", got, want)
	}
	want := clock.Advance(time.Hour)
	if got := st.Now(); !got.Equal(want) {
		t.Errorf("Now() after Advance = %v; want %v", got, want)
	}

	before := time.Now()
	got := store.New(nil).Now()
	if got.Before(before) || got.After(time.Now()) {
		t.Errorf("New(nil).Now() = %v; want the wall clock", got)
	}
}

func TestOrgAPIEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		edition string
		want    bool
	}{
		{"Enterprise", true},
		{"Unlimited", true},
		{"Developer", true},
		{"", true},
		{"Professional", false},
		{"professional", false},
		{"PROFESSIONAL", false},
	}
	for _, tc := range tests {
		if got := (store.Org{Edition: tc.edition}).APIEnabled(); got != tc.want {
			t.Errorf("Org{Edition: %q}.APIEnabled() = %v; want %v", tc.edition, got, tc.want)
		}
	}
}

func TestUserDisplayName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		user store.User
		want string
	}{
		{store.User{Username: "a@x.test", FirstName: "Avery", LastName: "Admin"}, "Avery Admin"},
		{store.User{Username: "a@x.test", LastName: "Admin"}, "Admin"},
		{store.User{Username: "a@x.test", FirstName: "Avery"}, "Avery"},
		{store.User{Username: "a@x.test"}, "a@x.test"},
		{store.User{Username: "a@x.test", FirstName: " ", LastName: " "}, "a@x.test"},
	}
	for _, tc := range tests {
		if got := tc.user.DisplayName(); got != tc.want {
			t.Errorf("%+v.DisplayName() = %q; want %q", tc.user, got, tc.want)
		}
	}
}

func TestLookups(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)

	t.Run("Org by 15 or 18 characters", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{s.acme.ID, sfid.To15(s.acme.ID)} {
			if got, err := s.store.Org(id); err != nil || got != s.acme {
				t.Errorf("Org(%q) = %+v, %v; want %+v, nil", id, got, err, s.acme)
			}
		}
		for _, id := range []string{"", s.admin.ID, sfid.New("00D", 999999)} {
			if _, err := s.store.Org(id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Org(%q) error = %v; want ErrNotFound", id, err)
			}
		}
	})
	t.Run("Orgs ordered by ID", func(t *testing.T) {
		t.Parallel()
		got := s.store.Orgs()
		if len(got) != 2 || got[0] != s.acme || got[1] != s.globex || got[0].ID >= got[1].ID {
			t.Errorf("Orgs() = %+v; want Acme then Globex, by ID", got)
		}
	})
	t.Run("User by 15 or 18 characters", func(t *testing.T) {
		t.Parallel()
		for _, id := range []string{s.ceo.ID, sfid.To15(s.ceo.ID)} {
			if got, err := s.store.User(id); err != nil || got != s.ceo {
				t.Errorf("User(%q) = %+v, %v; want %+v, nil", id, got, err, s.ceo)
			}
		}
		if _, err := s.store.User(s.acme.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("User(org id) error = %v; want ErrNotFound", err)
		}
	})
	t.Run("UserByUsername ignores case and spaces", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"Admin@Acme.test", "admin@acme.test", "ADMIN@ACME.TEST", "  admin@acme.test\t"} {
			if got, err := s.store.UserByUsername(name); err != nil || got != s.admin {
				t.Errorf("UserByUsername(%q) = %+v, %v; want %+v, nil", name, got, err, s.admin)
			}
		}
		for _, name := range []string{"", "admin", "admin@acme.test.", "nobody@acme.test"} {
			if _, err := s.store.UserByUsername(name); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByUsername(%q) error = %v; want ErrNotFound", name, err)
			}
		}
	})
	t.Run("Users of one org ordered by ID", func(t *testing.T) {
		t.Parallel()
		got := s.store.Users(s.acme.ID)
		if len(got) != 2 || got[0] != s.admin || got[1] != s.sync {
			t.Errorf("Users(Acme) = %+v; want admin then sync", got)
		}
		if got := s.store.Users(s.globex.ID); len(got) != 1 || got[0] != s.ceo {
			t.Errorf("Users(Globex) = %+v; want the ceo only", got)
		}
		if got := s.store.Users("00D000000000000AAA"); len(got) != 0 {
			t.Errorf("Users(unknown org) = %+v; want none", got)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		username string
		password string
		wantErr  error
	}{
		{"right password", "Admin@Acme.test", "pw-admin", nil},
		{"username in lower case", "admin@acme.test", "pw-admin", nil},
		{"username in upper case", "ADMIN@ACME.TEST", "pw-admin", nil},
		{"username with spaces around", "  admin@acme.test  ", "pw-admin", nil},
		{"wrong password", "admin@acme.test", "pw-sync", store.ErrInvalidLogin},
		{"password is case-sensitive", "admin@acme.test", "PW-ADMIN", store.ErrInvalidLogin},
		{"password prefix", "admin@acme.test", "pw-admi", store.ErrInvalidLogin},
		{"password with a space", "admin@acme.test", "pw-admin ", store.ErrInvalidLogin},
		{"empty password", "admin@acme.test", "", store.ErrInvalidLogin},
		{"unknown user", "nobody@acme.test", "pw-admin", store.ErrInvalidLogin},
		{"empty username", "", "", store.ErrInvalidLogin},
		{"another user's password", "ceo@globex.test", "pw-admin", store.ErrInvalidLogin},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			got, err := s.store.Authenticate(tc.username, tc.password, 3)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Authenticate(%q, %q) error = %v; want %v", tc.username, tc.password, err, tc.wantErr)
			}
			if tc.wantErr != nil {
				if got != (store.User{}) {
					t.Errorf("Authenticate returned %+v with an error; want the zero User", got)
				}
				return
			}
			if got != s.admin {
				t.Errorf("Authenticate(%q) = %+v; want %+v", tc.username, got, s.admin)
			}
		})
	}
}

func TestAuthenticateLockout(t *testing.T) {
	t.Parallel()
	for _, maxFailures := range []int{1, 3, 5} {
		t.Run(fmt.Sprintf("maxFailures %d", maxFailures), func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			for i := 1; i < maxFailures; i++ {
				if _, err := s.store.Authenticate("admin@acme.test", "wrong", maxFailures); !errors.Is(err, store.ErrInvalidLogin) {
					t.Fatalf("failure %d of %d: error = %v; want ErrInvalidLogin", i, maxFailures, err)
				}
			}
			if _, err := s.store.Authenticate("admin@acme.test", "wrong", maxFailures); !errors.Is(err, store.ErrLockedOut) {
				t.Fatalf("failure %d of %d: error = %v; want ErrLockedOut", maxFailures, maxFailures, err)
			}
			for i := 0; i < 2; i++ {
				if _, err := s.store.Authenticate("admin@acme.test", "pw-admin", maxFailures); !errors.Is(err, store.ErrLockedOut) {
					t.Errorf("right password after lockout: error = %v; want ErrLockedOut", err)
				}
			}
			if u, _ := s.store.User(s.admin.ID); u.FailedLogins != maxFailures {
				t.Errorf("FailedLogins = %d; want %d (attempts while locked do not count)", u.FailedLogins, maxFailures)
			}
			// The lockout is the user's own.
			if _, err := s.store.Authenticate("sync@acme.test", "pw-sync", maxFailures); err != nil {
				t.Errorf("another user of the org: error = %v; want nil", err)
			}
		})
	}
}

func TestAuthenticateSuccessResetsFailures(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	const maxFailures = 3
	for round := 0; round < 3; round++ {
		for i := 0; i < maxFailures-1; i++ {
			if _, err := s.store.Authenticate("admin@acme.test", "wrong", maxFailures); !errors.Is(err, store.ErrInvalidLogin) {
				t.Fatalf("round %d failure %d: error = %v; want ErrInvalidLogin", round, i+1, err)
			}
		}
		if u, _ := s.store.User(s.admin.ID); u.FailedLogins != maxFailures-1 {
			t.Errorf("round %d: FailedLogins = %d; want %d", round, u.FailedLogins, maxFailures-1)
		}
		u, err := s.store.Authenticate("admin@acme.test", "pw-admin", maxFailures)
		if err != nil {
			t.Fatalf("round %d: right password: error = %v; want nil", round, err)
		}
		if u.FailedLogins != 0 {
			t.Errorf("round %d: returned FailedLogins = %d; want 0", round, u.FailedLogins)
		}
		if u, _ := s.store.User(s.admin.ID); u.FailedLogins != 0 {
			t.Errorf("round %d: stored FailedLogins = %d; want 0", round, u.FailedLogins)
		}
	}
}

func TestAuthenticateWithoutLockout(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	for i := 0; i < 50; i++ {
		if _, err := s.store.Authenticate("admin@acme.test", "wrong", 0); !errors.Is(err, store.ErrInvalidLogin) {
			t.Fatalf("failure %d with maxFailures 0: error = %v; want ErrInvalidLogin", i+1, err)
		}
	}
	if _, err := s.store.Authenticate("admin@acme.test", "pw-admin", 0); err != nil {
		t.Errorf("right password after 50 failures with maxFailures 0: error = %v; want nil", err)
	}
}

// An unknown username is answered as a real one with wrong passwords:
// ErrInvalidLogin, then ErrLockedOut from the failure that reaches the
// lock-out and for the lock-out period, so the answers do not tell
// whether the user exists.
func TestAuthenticateUnknownUser(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	st := s.store
	const maxFailures = 3
	for _, username := range []string{"sync@acme.test", "nobody@acme.test"} {
		for i := 1; i <= maxFailures+2; i++ {
			want := store.ErrInvalidLogin
			if i >= maxFailures {
				want = store.ErrLockedOut
			}
			u, err := st.Authenticate(username, "wrong", maxFailures)
			if !errors.Is(err, want) {
				t.Fatalf("%s, attempt %d: error = %v; want %v", username, i, err, want)
			}
			if u != (store.User{}) {
				t.Fatalf("%s, attempt %d: user = %+v; want the zero User", username, i, u)
			}
		}
	}
	s.clock.Advance(store.DefaultLoginLockout)
	for _, username := range []string{"sync@acme.test", "nobody@acme.test"} {
		if _, err := st.Authenticate(username, "wrong", maxFailures); !errors.Is(err, store.ErrInvalidLogin) {
			t.Errorf("%s after the lock-out period: error = %v; want ErrInvalidLogin", username, err)
		}
	}
	// Wrong and unknown look alike.
	_, wrong := st.Authenticate("admin@acme.test", "wrong", 0)
	_, unknown := st.Authenticate("nobody@acme.test", "wrong", 0)
	if wrong.Error() != unknown.Error() {
		t.Errorf("wrong password error %q, unknown user error %q; want the same", wrong, unknown)
	}
	if _, err := st.Authenticate("admin@acme.test", "pw-admin", 1); err != nil {
		t.Errorf("known user after failures of an unknown one: error = %v; want nil", err)
	}
}

func TestReset(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	at, _, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.admin.ID, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	sess := s.store.NewSession()
	s.store.Reset()
	if got := s.store.Orgs(); len(got) != 0 {
		t.Errorf("Orgs() after Reset = %+v; want none", got)
	}
	if _, err := s.store.UserByUsername("admin@acme.test"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByUsername after Reset error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.AppByKey(s.beacon.ConsumerKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AppByKey after Reset error = %v; want ErrNotFound", err)
	}
	if got := s.store.Records(s.acme.ID, "Lead"); len(got) != 0 {
		t.Errorf("Records after Reset = %d records; want none", len(got))
	}
	if _, err := s.store.LookupAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LookupAccessToken after Reset error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.Session(sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session after Reset error = %v; want ErrNotFound", err)
	}
	// The same seed applies again after a Reset.
	mustApply(t, s.store, testSeed)
	var names []string
	for _, o := range s.store.Orgs() {
		names = append(names, o.Name)
	}
	if want := []string{"Acme", "Globex"}; !slices.Equal(names, want) {
		t.Errorf("orgs after Reset and Apply = %q; want %q", names, want)
	}
}
