package store_test

import (
	"errors"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestNewSession(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	now := s.clock.Advance(time.Minute)
	sess := s.store.NewSession()
	if !regexp.MustCompile(`^[A-Za-z0-9]{40}$`).MatchString(sess.ID) {
		t.Errorf("ID = %q; want 40 alphanumerics", sess.ID)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9]{32}$`).MatchString(sess.CSRF) {
		t.Errorf("CSRF = %q; want 32 alphanumerics", sess.CSRF)
	}
	if sess.Codes == nil || sess.Revealed == nil || sess.Pending == nil {
		t.Errorf("maps = %v, %v, %v; want them made, so callers can write to them", sess.Codes, sess.Revealed, sess.Pending)
	}
	if len(sess.Codes)+len(sess.Revealed)+len(sess.Pending) != 0 || sess.UserID != "" || sess.Verified {
		t.Errorf("NewSession = %+v; want an empty, anonymous session", sess)
	}
	if !sess.Created.Equal(now) {
		t.Errorf("Created = %v; want the clock's %v", sess.Created, now)
	}
	if got, err := s.store.Session(sess.ID); err != nil || !reflect.DeepEqual(got, sess) {
		t.Errorf("Session(%q) = %+v, %v; want %+v, nil", sess.ID, got, err, sess)
	}
	other := s.store.NewSession()
	if other.ID == sess.ID || other.CSRF == sess.CSRF {
		t.Errorf("two sessions share an ID or CSRF token: %+v and %+v", sess, other)
	}
}

func TestUpdateSession(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	sess := s.store.NewSession()
	expires := s.clock.Now().Add(10 * time.Minute)
	got, err := s.store.UpdateSession(sess.ID, func(se *store.Session) {
		se.UserID, se.OrgID, se.Verified, se.StartURL = s.admin.ID, s.acme.ID, true, "/setup"
		se.Codes["login"] = store.VerificationCode{Code: "123456", ExpiresAt: expires}
		se.Revealed[s.beacon.ID] = true
		se.Pending["src"] = "/services/oauth2/authorize?client_id=x"
	})
	if err != nil {
		t.Fatalf("UpdateSession error = %v; want nil", err)
	}
	want := sess
	want.UserID, want.OrgID, want.Verified, want.StartURL = s.admin.ID, s.acme.ID, true, "/setup"
	want.Codes = map[string]store.VerificationCode{"login": {Code: "123456", ExpiresAt: expires}}
	want.Revealed = map[string]bool{s.beacon.ID: true}
	want.Pending = map[string]string{"src": "/services/oauth2/authorize?client_id=x"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("UpdateSession = %+v; want %+v", got, want)
	}
	if stored, err := s.store.Session(sess.ID); err != nil || !reflect.DeepEqual(stored, want) {
		t.Errorf("Session after update = %+v, %v; want %+v, nil", stored, err, want)
	}

	// Updates build on each other.
	got, err = s.store.UpdateSession(sess.ID, func(se *store.Session) {
		c := se.Codes["login"]
		c.Attempts++
		se.Codes["login"] = c
		delete(se.Pending, "src")
	})
	if err != nil {
		t.Fatalf("second UpdateSession error = %v; want nil", err)
	}
	if got.Codes["login"].Attempts != 1 || len(got.Pending) != 0 || got.UserID != s.admin.ID {
		t.Errorf("second UpdateSession = %+v; want one attempt, nothing pending, user kept", got)
	}
}

func TestUpdateSessionUnknown(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	called := false
	_, err := s.store.UpdateSession("nope", func(*store.Session) { called = true })
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateSession(unknown) error = %v; want ErrNotFound", err)
	}
	if called {
		t.Error("UpdateSession(unknown) called fn; want it not called")
	}
	if _, err := s.store.Session("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session(unknown) error = %v; want ErrNotFound", err)
	}
}

func TestDeleteSession(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	sess, keep := s.store.NewSession(), s.store.NewSession()
	s.store.DeleteSession(sess.ID)
	if _, err := s.store.Session(sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session after DeleteSession error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.UpdateSession(sess.ID, func(*store.Session) {}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateSession after DeleteSession error = %v; want ErrNotFound", err)
	}
	if _, err := s.store.Session(keep.ID); err != nil {
		t.Errorf("other session after DeleteSession error = %v; want nil", err)
	}
	// Deleting twice, or an unknown session, is not an error.
	s.store.DeleteSession(sess.ID)
	s.store.DeleteSession("")
}

// Sessions handed out are copies: writing to their maps changes nothing
// until UpdateSession.
func TestSessionCopies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		get  func(s *seeded, id string) store.Session
	}{
		{"NewSession", nil},
		{"Session", func(s *seeded, id string) store.Session {
			sess, _ := s.store.Session(id)
			return sess
		}},
		{"UpdateSession", func(s *seeded, id string) store.Session {
			sess, _ := s.store.UpdateSession(id, func(*store.Session) {})
			return sess
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			sess := s.store.NewSession()
			if tc.get != nil {
				sess = tc.get(s, sess.ID)
			}
			sess.Codes["login"] = store.VerificationCode{Code: "000000"}
			sess.Revealed["app"] = true
			sess.Pending["src"] = "x"
			sess.UserID = s.admin.ID
			stored, err := s.store.Session(sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(stored.Codes)+len(stored.Revealed)+len(stored.Pending) != 0 || stored.UserID != "" {
				t.Errorf("stored session after changing a copy = %+v; want it unchanged", stored)
			}
		})
	}
}

// A session whose maps fn set to nil still comes back with usable maps.
func TestUpdateSessionNilMaps(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	sess := s.store.NewSession()
	got, err := s.store.UpdateSession(sess.ID, func(se *store.Session) {
		se.Codes, se.Revealed, se.Pending = nil, nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Codes == nil || got.Revealed == nil || got.Pending == nil {
		t.Errorf("UpdateSession = %+v; want non-nil maps", got)
	}
}

func TestNewVerificationCode(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 5, 6, 8} {
		code := store.NewVerificationCode(n)
		if !regexp.MustCompile(`^[0-9]*$`).MatchString(code) || len(code) != n {
			t.Errorf("NewVerificationCode(%d) = %q; want %d digits", n, code, n)
		}
	}
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		seen[store.NewVerificationCode(12)] = true
	}
	if len(seen) < 19 {
		t.Errorf("20 codes of 12 digits gave %d distinct codes; want them random", len(seen))
	}
}

// A browser session dies after its org's session timeout without use, as
// Salesforce's do; before login it uses the default timeout. Every use
// (a page, a form, a renewal) starts the timeout again.
func TestBrowserSessionTimeout(t *testing.T) {
	t.Parallel()
	st, clock, res := newTimeoutOrgs(t)
	anonymous := st.NewSession()
	user := st.NewSession()
	if _, err := st.UpdateSession(user.ID, func(s *store.Session) { s.UserID, s.OrgID = res[0].Users[0].ID, res[0].Org.ID }); err != nil {
		t.Fatal(err)
	}
	clock.Advance(14 * time.Minute)
	if !st.TouchSession(user.ID) {
		t.Fatal("the logged-in session, used 1m before its org's timeout: gone; want live")
	}
	clock.Advance(14 * time.Minute)
	renewed, err := st.RenewSession(user.ID)
	if err != nil {
		t.Fatalf("renewing 1m before the restarted timeout: %v", err)
	}
	clock.Advance(15 * time.Minute)
	if _, err := st.Session(renewed.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the logged-in session after 15m unused = %v; want ErrNotFound", err)
	}
	if _, err := st.UpdateSession(renewed.ID, func(*store.Session) {}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("updating it = %v; want ErrNotFound", err)
	}
	// 43 minutes unused: the anonymous session has the default 2h.
	if _, err := st.Session(anonymous.ID); err != nil {
		t.Fatalf("the anonymous session after 43m: %v; want live", err)
	}
	clock.Advance(store.DefaultSessionTimeout)
	if st.TouchSession(anonymous.ID) {
		t.Error("the anonymous session after the default timeout unused: live; want gone")
	}
}
