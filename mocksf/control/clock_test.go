package control_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
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
	b, p := s.startLogin(t, "sync@acme.test", "Sync-Pass-1")
	code := s.Mailer().Find(mail.Filter{Username: "sync@acme.test"})[0].Code
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "11m"}`)
	p, err := b.Submit(context.Background(), p, mocksfclient.FormVerify, url.Values{"emc": {code}})
	if err != nil {
		t.Fatal(err)
	}
	if p.URL.Path != login.VerifyPath || !strings.Contains(p.Body, identity.MsgExpiredCode) {
		t.Errorf("a code 11 minutes old: page %s; want it refused with %q", p.Body, identity.MsgExpiredCode)
	}
}

// Moving one org's clock moves what that org holds and nothing of any
// other org: two hours past its session timeout, Acme's access token is
// dead and its new records are dated three hours on, while Globex's token
// lives and its records keep mocksf's time.
func TestOrgClock(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.Clock().Freeze()
	acme := orgID(t, s.Store(), "Acme")
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	globex := decode[control.Org](t, body).ID
	acmeToken, globexToken := s.token(t, "sync@acme.test", acmeKey), s.token(t, "hank@globex.test", acmeKey)
	start := s.Clock().Now()

	status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme+"/clock", `{"advance": "3h"}`)
	st := decode[control.ClockState](t, body)
	if status != 200 || st.Offset != "3h0m0s" || !st.Now.Equal(start.Add(3*time.Hour)) || !st.Frozen {
		t.Fatalf("advance Acme's clock 3h = %d %s; want %v, offset 3h0m0s, frozen as mocksf's is", status, body, start.Add(3*time.Hour))
	}
	if _, body = s.do(t, "GET", "/__mocksf/orgs/"+globex+"/clock", nil); decode[control.ClockState](t, body).Offset != "0s" {
		t.Errorf("Globex's clock = %s; want mocksf's (0s)", body)
	}
	if _, body = s.do(t, "GET", "/__mocksf/clock", nil); !decode[control.ClockState](t, body).Now.Equal(start) {
		t.Errorf("mocksf's clock = %s; want it unmoved at %v", body, start)
	}
	if _, _, _, err := s.Store().UseAccessToken(acmeToken); err == nil {
		t.Error("Acme's access token lives three hours on; want its two-hour session timeout to have ended it")
	}
	if _, _, _, err := s.Store().UseAccessToken(globexToken); err != nil {
		t.Errorf("Globex's access token: %v; want it alive: its org's clock did not move", err)
	}
	for org, want := range map[string]time.Time{acme: start.Add(3 * time.Hour), globex: start} {
		r, err := s.Store().InsertRecord(org, "Lead", "", map[string]any{"LastName": "Clocked", "Company": "Co"})
		if err != nil {
			t.Fatal(err)
		}
		if want = want.UTC().Truncate(time.Second); !r.LastModifiedDate.Equal(want) {
			t.Errorf("a new Lead of org %s is dated %v; want %v", org, r.LastModifiedDate, want)
		}
	}

	at := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	if _, body = s.do(t, "POST", "/__mocksf/orgs/"+acme+"/clock", `{"set": "2031-01-02T03:04:05Z", "advance": "1h"}`); !decode[control.ClockState](t, body).Now.Equal(at.Add(time.Hour)) {
		t.Errorf("set and advance = %s; want %v", body, at.Add(time.Hour))
	}
	if _, body = s.do(t, "POST", "/__mocksf/orgs/"+acme+"/clock", `{"reset": true}`); decode[control.ClockState](t, body).Offset != "0s" {
		t.Errorf("reset = %s; want mocksf's clock again", body)
	}

	for _, tc := range []struct {
		name, path, body string
		status           int
		code, msg        string
	}{
		{"nothing", "/__mocksf/orgs/" + acme + "/clock", `{}`, 400, "bad_request", "nothing to do"},
		{"freeze", "/__mocksf/orgs/" + acme + "/clock", `{"freeze": true}`, 400, "bad_request", "POST /__mocksf/clock"},
		{"bad duration", "/__mocksf/orgs/" + acme + "/clock", `{"advance": "soon"}`, 400, "bad_request", `advance "soon"`},
		{"out of range", "/__mocksf/orgs/" + acme + "/clock", `{"set": "2031-01-02T03:04:05Z", "advance": "2562047h"}`, 400, "bad_request", "292 years"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/clock", `{"advance": "1h"}`, 404, "not_found", "no org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.msg)
		})
	}
	if _, body = s.do(t, "GET", "/__mocksf/orgs/"+acme+"/clock", nil); decode[control.ClockState](t, body).Offset != "0s" {
		t.Errorf("after refused moves Acme's clock = %s; want it unchanged", body)
	}
}
