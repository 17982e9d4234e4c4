package control_test

import (
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/mail"
)

func TestClock(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	status, body := s.do(t, "GET", "/__mocksf/clock", nil)
	st := decode[control.ClockState](t, body)
	if status != 200 || st.Offset != "0s" || st.Frozen || time.Since(st.Now).Abs() > time.Minute {
		t.Fatalf("GET /__mocksf/clock = %d %s; want now, 0s, running", status, body)
	}

	status, body = s.do(t, "POST", "/__mocksf/clock", `{"advance": "90m"}`)
	st = decode[control.ClockState](t, body)
	if status != 200 || st.Offset[:4] != "1h30" {
		t.Errorf("advance 90m = %d %s; want an offset of 1h30m", status, body)
	}
	if d := time.Until(s.Store().Now()); d < 89*time.Minute || d > 91*time.Minute {
		t.Errorf("the store's clock is %v ahead; want 90m: every part of mocksf reads this clock", d)
	}

	at := time.Date(2030, 6, 1, 9, 0, 0, 0, time.UTC)
	status, body = s.do(t, "POST", "/__mocksf/clock", `{"set": "2030-06-01T09:00:00Z", "freeze": true}`)
	st = decode[control.ClockState](t, body)
	if status != 200 || !st.Now.Equal(at) || !st.Frozen {
		t.Errorf("set and freeze = %d %s; want %v, frozen", status, body, at)
	}
	time.Sleep(5 * time.Millisecond)
	if got := s.Clock().Now(); !got.Equal(at) {
		t.Errorf("frozen clock moved to %v", got)
	}
	_, body = s.do(t, "POST", "/__mocksf/clock", `{"advance": "-1h"}`)
	if st = decode[control.ClockState](t, body); !st.Now.Equal(at.Add(-time.Hour)) {
		t.Errorf("advance -1h = %s; want %v", body, at.Add(-time.Hour))
	}
	_, body = s.do(t, "POST", "/__mocksf/clock", `{"reset": true}`)
	if st = decode[control.ClockState](t, body); st.Offset != "0s" || st.Frozen {
		t.Errorf("reset = %s; want real time, running", body)
	}

	for _, tc := range []struct{ name, body, msg string }{
		{"nothing", `{}`, "nothing to do"},
		{"bad duration", `{"advance": "soon"}`, `advance "soon"`},
		{"bad time", `{"set": "tomorrow"}`, "bad"},
		{"unknown field", `{"forward": "1h"}`, `unknown field "forward"`},
		{"bad JSON", `{"advance":`, "bad JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", "/__mocksf/clock", tc.body)
			wantError(t, status, body, 400, "bad_request", "")
			if e := decode[controlError](t, body); tc.msg != "bad" && !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q; want %q", e.Message, tc.msg)
			}
		})
	}
}

// The clock drives Salesforce's behaviour: an emailed code expires when
// the clock passes its lifetime (10 minutes), without sleeping.
func TestClockExpiresVerificationCodes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := s.browser(t)
	token := s.startLogin(t, c, "sync@acme.test", "Sync-Pass-1")
	code := s.Mailer().Find(mail.Filter{Username: "sync@acme.test"})[0].Code
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "11m"}`)
	resp, err := c.PostForm(s.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(page), identity.MsgExpiredCode) {
		t.Errorf("a code 11 minutes old: page %s; want it refused with %q", page, identity.MsgExpiredCode)
	}
}
