package identity_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	mclock "github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

// outbox is a Sender that keeps what it is given instead of mailing it.
type outbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (o *outbox) Send(_ context.Context, msg mail.Message) (mail.Message, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	msg.Code = mail.CodeIn(msg.Text)
	o.sent = append(o.sent, msg)
	return msg, nil
}

func (o *outbox) last(t *testing.T) mail.Message {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.sent) == 0 {
		t.Fatal("got no mail; want one")
	}
	return o.sent[len(o.sent)-1]
}

func newVerifier(t *testing.T) (*identity.Verifier, *outbox, *mclock.Clock, store.Session) {
	t.Helper()
	clk := mclock.At(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	st := store.New(clk.Now)
	seed, err := store.ParseSeed([]byte(samSeed))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Apply(seed); err != nil {
		t.Fatal(err)
	}
	box := &outbox{}
	v := &identity.Verifier{Store: st, Mailer: box, CodeLength: 6, CodeTTL: 10 * time.Minute, MaxAttempts: 3}
	return v, box, clk, st.NewSession()
}

// samSeed has the user the codes go to: the Verifier counts them by user.
const samSeed = `
orgs:
  - name: Acme
    users:
      - {username: sam@acme.test, password: Sam-Pass-1, email: sam@acme.test, firstName: Sam}
`

// samOf is the seeded user of v's store.
func samOf(t *testing.T, v *identity.Verifier) store.User {
	t.Helper()
	u, err := v.Store.UserByUsername("sam@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// before runs after the code is sent and returns the code to type.
		before  func(t *testing.T, v *identity.Verifier, clk *mclock.Clock, sess store.Session, code string) string
		want    error
		wantMsg string
	}{
		{"right code", func(*testing.T, *identity.Verifier, *mclock.Clock, store.Session, string) string { return "" }, nil, ""},
		{"right code with spaces", func(_ *testing.T, _ *identity.Verifier, _ *mclock.Clock, _ store.Session, code string) string {
			return " " + code + " "
		}, nil, ""},
		{"wrong code", func(_ *testing.T, _ *identity.Verifier, _ *mclock.Clock, _ store.Session, code string) string {
			return mocksftest.WrongCode(code)
		}, identity.ErrInvalidCode, identity.MsgInvalidCode},
		{"right code after its lifetime", func(_ *testing.T, _ *identity.Verifier, clk *mclock.Clock, _ store.Session, code string) string {
			clk.Advance(10*time.Minute + time.Second)
			return code
		}, identity.ErrExpiredCode, identity.MsgExpiredCode},
		{"right code at the end of its lifetime", func(_ *testing.T, _ *identity.Verifier, clk *mclock.Clock, _ store.Session, code string) string {
			clk.Advance(10 * time.Minute)
			return code
		}, nil, ""},
		{"wrong code after its lifetime", func(_ *testing.T, _ *identity.Verifier, clk *mclock.Clock, _ store.Session, code string) string {
			clk.Advance(time.Hour)
			return mocksftest.WrongCode(code)
		}, identity.ErrExpiredCode, identity.MsgExpiredCode},
		{"the wrong code that uses up the attempts", func(t *testing.T, v *identity.Verifier, _ *mclock.Clock, sess store.Session, code string) string {
			for range 2 {
				if err := v.Check(sess.ID, "login", mocksftest.WrongCode(code)); !errors.Is(err, identity.ErrInvalidCode) {
					t.Fatalf("got %v for a wrong code; want ErrInvalidCode", err)
				}
			}
			return mocksftest.WrongCode(code)
		}, identity.ErrTooMany, identity.MsgTooMany},
		{"right code after too many wrong ones", func(t *testing.T, v *identity.Verifier, _ *mclock.Clock, sess store.Session, code string) string {
			for range 3 {
				_ = v.Check(sess.ID, "login", mocksftest.WrongCode(code))
			}
			return code
		}, identity.ErrTooMany, identity.MsgTooMany},
		{"right code used twice", func(t *testing.T, v *identity.Verifier, _ *mclock.Clock, sess store.Session, code string) string {
			if err := v.Check(sess.ID, "login", code); err != nil {
				t.Fatalf("got %v the first time; want nil", err)
			}
			return code
		}, identity.ErrInvalidCode, identity.MsgInvalidCode},
		{"another purpose's code", func(t *testing.T, v *identity.Verifier, _ *mclock.Clock, sess store.Session, code string) string {
			if err := v.Send(context.Background(), sess.ID, samOf(t, v), "consumer:0H4", "view the consumer details"); err != nil {
				t.Fatal(err)
			}
			return code
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, box, clk, sess := newVerifier(t)
			if err := v.Send(context.Background(), sess.ID, samOf(t, v), "login", "log in to Salesforce"); err != nil {
				t.Fatal(err)
			}
			code := box.last(t).Code
			typed := tt.before(t, v, clk, sess, code)
			if typed == "" {
				typed = code
			}
			err := v.Check(sess.ID, "login", typed)
			if !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("got %v; want %v", err, tt.want)
			}
			if err != nil {
				if got := identity.Message(err); got != tt.wantMsg {
					t.Errorf("got message %q; want %q", got, tt.wantMsg)
				}
			}
		})
	}
}

// Resend Code after any failure mails a new code, with a fresh lifetime
// and a fresh count of attempts, that works.
func TestResendAfterAFailure(t *testing.T) {
	t.Parallel()
	failures := []struct {
		name string
		fail func(v *identity.Verifier, clk *mclock.Clock, sess store.Session, code string)
	}{
		{"expired", func(_ *identity.Verifier, clk *mclock.Clock, _ store.Session, _ string) {
			clk.Advance(11 * time.Minute)
		}},
		{"too many", func(v *identity.Verifier, _ *mclock.Clock, sess store.Session, code string) {
			for range 3 {
				_ = v.Check(sess.ID, "login", mocksftest.WrongCode(code))
			}
		}},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, box, clk, sess := newVerifier(t)
			ctx := context.Background()
			if err := v.Send(ctx, sess.ID, samOf(t, v), "login", "log in to Salesforce"); err != nil {
				t.Fatal(err)
			}
			old := box.last(t).Code
			tt.fail(v, clk, sess, old)
			if err := v.Check(sess.ID, "login", old); err == nil {
				t.Fatal("got the old code accepted after the failure; want it refused")
			}
			if err := v.Send(ctx, sess.ID, samOf(t, v), "login", "log in to Salesforce"); err != nil {
				t.Fatal(err)
			}
			if err := v.Check(sess.ID, "login", box.last(t).Code); err != nil {
				t.Errorf("got %v for the resent code; want it accepted", err)
			}
		})
	}
}

func TestMessagesAreDistinct(t *testing.T) {
	t.Parallel()
	msgs := map[string]error{
		identity.MsgInvalidCode: identity.ErrInvalidCode,
		identity.MsgExpiredCode: identity.ErrExpiredCode,
		identity.MsgTooMany:     identity.ErrTooMany,
	}
	if len(msgs) != 3 {
		t.Fatalf("got %d distinct messages; want 3", len(msgs))
	}
	for want, err := range msgs {
		if got := identity.Message(err); got != want {
			t.Errorf("got Message(%v) %q; want %q", err, got, want)
		}
	}
	if !strings.Contains(identity.MsgExpiredCode, "Resend Code") {
		t.Errorf("got %q; want the expired message to name the Resend Code button", identity.MsgExpiredCode)
	}
}

func TestEmailHasTextAndEscapedHTML(t *testing.T) {
	t.Parallel()
	v, box, _, sess := newVerifier(t)
	user := samOf(t, v)
	user.FirstName = `<b>Sam</b> & "Co"`
	user.Username = "sam+<x>@acme.test"
	if err := v.Send(context.Background(), sess.ID, user, "login", "log in to Salesforce"); err != nil {
		t.Fatal(err)
	}
	m := box.last(t)
	tests := []struct {
		part, body, want string
	}{
		{"text", m.Text, "Username: sam+<x>@acme.test\n"},
		{"text", m.Text, "Verification Code: " + m.Code + "\n"},
		{"text", m.Text, `Hi <b>Sam</b> & "Co",`},
		{"html", m.HTML, "Username: <strong>sam&#43;&lt;x&gt;@acme.test</strong>"},
		{"html", m.HTML, "Verification Code: <strong>" + m.Code + "</strong>"},
		{"html", m.HTML, "Hi &lt;b&gt;Sam&lt;/b&gt; &amp; &#34;Co&#34;,"},
		{"html", m.HTML, "The code expires in 10 minutes."},
	}
	for _, tt := range tests {
		if !strings.Contains(tt.body, tt.want) {
			t.Errorf("got %s part %q; want it to contain %q", tt.part, tt.body, tt.want)
		}
	}
	if m.Subject != identity.EmailSubject || m.From != identity.EmailFrom || len(m.Code) != 6 {
		t.Errorf("got subject %q, from %q, code %q; want %q, %q and 6 digits", m.Subject, m.From, m.Code, identity.EmailSubject, identity.EmailFrom)
	}
}

// The user's caps: codes mailed and wrong codes within Window, counted
// across sessions and purposes.
func TestUserCaps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name string
		// run drives v (MaxCodes 2, MaxFailures 3, Window 1h, MaxAttempts
		// 3) and fails the test itself.
		run func(t *testing.T, v *identity.Verifier, box *outbox, clk *mclock.Clock, a, b store.Session)
	}{
		{"a send past MaxCodes mails nothing and keeps the code", func(t *testing.T, v *identity.Verifier, box *outbox, _ *mclock.Clock, a, b store.Session) {
			mustSend(t, v, a)
			mustSend(t, v, b)
			if err := v.Send(ctx, a.ID, samOf(t, v), "login", "log in"); !errors.Is(err, identity.ErrTooManyCodes) || identity.Message(err) != identity.MsgCannotSend {
				t.Fatalf("3rd send: got %v; want ErrTooManyCodes", err)
			}
			if len(box.sent) != 2 {
				t.Errorf("got %d mails; want 2", len(box.sent))
			}
			if err := v.Check(b.ID, "login", box.last(t).Code); err != nil {
				t.Errorf("the last code sent after a refused send: %v; want it accepted", err)
			}
		}},
		{"each send restarts the window", func(t *testing.T, v *identity.Verifier, _ *outbox, clk *mclock.Clock, a, _ store.Session) {
			mustSend(t, v, a)
			clk.Advance(50 * time.Minute)
			mustSend(t, v, a)
			clk.Advance(50 * time.Minute)
			if err := v.Send(ctx, a.ID, samOf(t, v), "login", "log in"); !errors.Is(err, identity.ErrTooManyCodes) {
				t.Fatalf("50 min after the 2nd send: got %v; want ErrTooManyCodes", err)
			}
			clk.Advance(10 * time.Minute)
			mustSend(t, v, a)
		}},
		{"wrong codes in two sessions lock both, and sending", func(t *testing.T, v *identity.Verifier, box *outbox, _ *mclock.Clock, a, b store.Session) {
			mustSend(t, v, a)
			codeA := box.last(t).Code
			mustSend(t, v, b)
			codeB := box.last(t).Code
			_ = v.Check(a.ID, "login", mocksftest.WrongCode(codeA))
			_ = v.Check(a.ID, "login", mocksftest.WrongCode(codeA))
			if err := v.Check(b.ID, "login", mocksftest.WrongCode(codeB)); !errors.Is(err, identity.ErrLockedOut) || identity.Message(err) != identity.MsgLockedOut {
				t.Fatalf("3rd wrong code: got %v; want ErrLockedOut", err)
			}
			for _, c := range []struct{ sess, code string }{{a.ID, codeA}, {b.ID, codeB}} {
				if err := v.Check(c.sess, "login", c.code); !errors.Is(err, identity.ErrLockedOut) {
					t.Errorf("the right code while locked: got %v; want ErrLockedOut", err)
				}
			}
			if err := v.Send(ctx, a.ID, samOf(t, v), "consumer:0H4", "view"); !errors.Is(err, identity.ErrLockedOut) {
				t.Errorf("a send while locked: got %v; want ErrLockedOut", err)
			}
		}},
		{"the lock ends after Window", func(t *testing.T, v *identity.Verifier, box *outbox, clk *mclock.Clock, a, _ store.Session) {
			mustSend(t, v, a)
			for range 3 {
				_ = v.Check(a.ID, "login", mocksftest.WrongCode(box.last(t).Code))
			}
			clk.Advance(time.Hour)
			mustSend(t, v, a)
			if err := v.Check(a.ID, "login", box.last(t).Code); err != nil {
				t.Errorf("a new code an hour after the lock: %v; want it accepted", err)
			}
		}},
		{"a right code clears the counts", func(t *testing.T, v *identity.Verifier, box *outbox, _ *mclock.Clock, a, b store.Session) {
			mustSend(t, v, a)
			_ = v.Check(a.ID, "login", mocksftest.WrongCode(box.last(t).Code))
			_ = v.Check(a.ID, "login", mocksftest.WrongCode(box.last(t).Code))
			if err := v.Check(a.ID, "login", box.last(t).Code); err != nil {
				t.Fatal(err)
			}
			mustSend(t, v, b)
			mustSend(t, v, b) // 2 more sends: the first one's count was cleared
			_ = v.Check(b.ID, "login", mocksftest.WrongCode(box.last(t).Code))
			if err := v.Check(b.ID, "login", mocksftest.WrongCode(box.last(t).Code)); !errors.Is(err, identity.ErrInvalidCode) {
				t.Errorf("2 wrong codes after a right one: got %v; want ErrInvalidCode", err)
			}
		}},
		{"an expired code does not count", func(t *testing.T, v *identity.Verifier, box *outbox, clk *mclock.Clock, a, _ store.Session) {
			mustSend(t, v, a)
			clk.Advance(11 * time.Minute)
			for range 5 {
				if err := v.Check(a.ID, "login", mocksftest.WrongCode(box.last(t).Code)); !errors.Is(err, identity.ErrExpiredCode) {
					t.Fatalf("a code typed after its lifetime: got %v; want ErrExpiredCode", err)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, box, clk, a := newVerifier(t)
			v.MaxCodes, v.MaxFailures, v.Window = 2, 3, time.Hour
			b := v.Store.NewSession()
			sam := samOf(t, v)
			for _, s := range []store.Session{a, b} {
				if _, err := v.Store.UpdateSession(s.ID, func(s *store.Session) { s.UserID = sam.ID }); err != nil {
					t.Fatal(err)
				}
			}
			tt.run(t, v, box, clk, a, b)
		})
	}
}

// mustSend sends a login code to the session's user.
func mustSend(t *testing.T, v *identity.Verifier, sess store.Session) {
	t.Helper()
	if err := v.Send(context.Background(), sess.ID, samOf(t, v), "login", "log in"); err != nil {
		t.Fatalf("send: %v", err)
	}
}
