package control_test

import (
	"net/http"
	"reflect"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
)

func TestMailFiltersAndWait(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.startLogin(t, "sync@acme.test", "Sync-Pass-1")
	acme := orgID(t, s.Store(), "Acme")
	first := decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail?username=sync@acme.test"))
	if len(first) != 1 || first[0].Code == "" || first[0].Org != acme || first[0].Username != "sync@acme.test" {
		t.Fatalf("mail = %+v; want one code for sync@acme.test of Acme", first)
	}
	if got := decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail?org="+acme[:15])); len(got) != 1 {
		t.Errorf("?org=: %d messages; want 1", len(got))
	}
	if got := decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail?org=00D000000000009AAA")); len(got) != 0 {
		t.Errorf("?org=another: %d messages; want 0", len(got))
	}

	// wait: nothing newer yet, so the request waits for the next code.
	done := make(chan []mail.Message, 1)
	go func() {
		done <- decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail?username=sync@acme.test&wait=10s&after="+first[0].ID))
	}()
	time.Sleep(50 * time.Millisecond)
	s.startLogin(t, "sync@acme.test", "Sync-Pass-1")
	select {
	case got := <-done:
		if len(got) != 1 || got[0].ID == first[0].ID {
			t.Errorf("wait = %+v; want only the new message", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("wait did not return when the mail came")
	}
	start := time.Now()
	if got := decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail?to=nobody@x.test&wait=200ms")); len(got) != 0 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("wait for nothing = %v after %v; want [] after 200ms", got, time.Since(start))
	}
	status, body := s.do(t, "GET", "/__mocksf/mail?wait=forever", nil)
	wantError(t, status, body, 400, "bad_request", "wait")
	if status, _ := s.do(t, "DELETE", "/__mocksf/mail", nil); status != http.StatusNoContent {
		t.Errorf("DELETE /__mocksf/mail = %d; want 204", status)
	}
	if _, body := s.do(t, "GET", "/__mocksf/mail", nil); string(body) != "[]\n" {
		t.Errorf("mail after DELETE = %s; want []", body)
	}
}

func TestResetReturnsToTheSeed(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	before := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+orgID(t, s.Store(), "Acme")))

	s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	s.do(t, "DELETE", "/__mocksf/orgs/"+before.ID, nil)
	s.addFault(t, `{"path": "/services/data", "status": 500}`)
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "48h", "freeze": true}`)
	s.get(t, "/services/data", "")
	s.startLogin(t, "hank@globex.test", "pw")

	status, body := s.do(t, "POST", "/__mocksf/reset", nil)
	list := decode[[]control.OrgSummary](t, body)
	if status != 200 || len(list) != 1 || list[0].ID != before.ID {
		t.Fatalf("POST /__mocksf/reset = %d %s; want the seed's one org with its old id", status, body)
	}
	after := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+before.ID))
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after reset\n%+v\nwant the seed state\n%+v", after, before)
	}
	if got := decode[[]control.Fault](t, mustGet(t, s, "/__mocksf/faults")); len(got) != 0 {
		t.Errorf("faults after reset: %+v", got)
	}
	if st := decode[control.ClockState](t, mustGet(t, s, "/__mocksf/clock")); st.Offset != "0s" || st.Frozen {
		t.Errorf("clock after reset: %+v", st)
	}
	if got := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests")); got.Count != 0 {
		t.Errorf("journal after reset: %+v", got)
	}
	if got := decode[[]mail.Message](t, mustGet(t, s, "/__mocksf/mail")); len(got) != 0 {
		t.Errorf("mail after reset: %+v", got)
	}
	if status, _, _ := s.get(t, "/services/data", ""); status != 200 {
		t.Errorf("/services/data after reset = %d; want 200", status)
	}
	if status, body := s.do(t, "POST", "/__mocksf/reset", `{"x": 1}`); status != 200 {
		t.Errorf("reset ignores its body: %d %s", status, body)
	}
}
