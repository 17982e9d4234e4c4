package mail

import (
	"context"
	"testing"
	"time"
)

func newTestMailer(t *testing.T) *Mailer {
	t.Helper()
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	return NewMailer(rcv.Addr(), nil)
}

func send(t *testing.T, m *Mailer, to, org, username, code string) Message {
	t.Helper()
	msg, err := m.Send(context.Background(), Message{From: "noreply@salesforce.com", To: to, Org: org, Username: username,
		Subject: "Verify your identity in Salesforce", Text: "Verification Code: " + code})
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

const (
	orgA = "00D000000000001AAA"
	orgB = "00D000000000002AAA"
)

func TestFind(t *testing.T) {
	t.Parallel()
	m := newTestMailer(t)
	a1 := send(t, m, "a@a.test", orgA, "a@a.test", "111111")
	send(t, m, "b@b.test", orgB, "b@b.test", "222222")
	a2 := send(t, m, "a@a.test", orgA, "a@a.test", "333333")
	tests := []struct {
		name  string
		f     Filter
		codes []string
	}{
		{"all, newest first", Filter{}, []string{"333333", "222222", "111111"}},
		{"to, without case", Filter{To: "A@A.test"}, []string{"333333", "111111"}},
		{"org by 15 characters", Filter{Org: orgB[:15]}, []string{"222222"}},
		{"username", Filter{Username: "a@A.TEST"}, []string{"333333", "111111"}},
		{"after", Filter{After: a1.ID}, []string{"333333", "222222"}},
		{"after and org", Filter{After: a1.ID, Org: orgA}, []string{"333333"}},
		{"after the newest", Filter{After: a2.ID}, nil},
		{"after an unknown id", Filter{After: "gone"}, []string{"333333", "222222", "111111"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, msg := range m.Find(tc.f) {
				got = append(got, msg.Code)
			}
			if len(got) != len(tc.codes) {
				t.Fatalf("Find(%+v) codes = %v; want %v", tc.f, got, tc.codes)
			}
			for i := range got {
				if got[i] != tc.codes[i] {
					t.Fatalf("Find(%+v) codes = %v; want %v", tc.f, got, tc.codes)
				}
			}
		})
	}
}

func TestWaitReturnsWhenAMatchingMessageArrives(t *testing.T) {
	t.Parallel()
	m := newTestMailer(t)
	first := send(t, m, "a@a.test", orgA, "a@a.test", "111111")
	done := make(chan []Message, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		msgs, _ := m.Wait(ctx, Filter{Username: "a@a.test", After: first.ID})
		done <- msgs
	}()
	// Mail for someone else does not end the wait.
	send(t, m, "b@b.test", orgB, "b@b.test", "222222")
	select {
	case msgs := <-done:
		t.Fatalf("Wait returned %+v on mail to another user", msgs)
	case <-time.After(50 * time.Millisecond):
	}
	send(t, m, "a@a.test", orgA, "a@a.test", "333333")
	select {
	case msgs := <-done:
		if len(msgs) != 1 || msgs[0].Code != "333333" {
			t.Errorf("Wait = %+v; want the new message only", msgs)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait did not return after a matching message")
	}
}

func TestWaitEndsWithTheContext(t *testing.T) {
	t.Parallel()
	m := newTestMailer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	msgs, err := m.Wait(ctx, Filter{To: "nobody@x.test"})
	if len(msgs) != 0 || err == nil {
		t.Errorf("Wait = %v, %v; want nothing and the context's error", msgs, err)
	}
}

func TestDeleteOrg(t *testing.T) {
	t.Parallel()
	m := newTestMailer(t)
	send(t, m, "a@a.test", orgA, "a@a.test", "111111")
	send(t, m, "b@b.test", orgB, "b@b.test", "222222")
	send(t, m, "c@c.test", "", "", "333333")
	if n := m.DeleteOrg(orgA[:15]); n != 1 {
		t.Errorf("DeleteOrg = %d; want 1", n)
	}
	if got := m.Find(Filter{}); len(got) != 2 || got[0].Code != "333333" || got[1].Code != "222222" {
		t.Errorf("after DeleteOrg: %+v; want the other two", got)
	}
}
