package mail

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestSendDeliversOverSMTPAndKeepsACopy(t *testing.T) {
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	m := NewMailer(rcv.Addr(), nil)

	text := "Hello Sam,\n\nUsername: sync@acme.test\nVerification Code: 482913\n"
	sent, err := m.Send(context.Background(), Message{
		From: "noreply@salesforce.com", To: "sync@acme.test",
		Subject: "Verify your identity in Salesforce", Text: text,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sent.Code != "482913" {
		t.Errorf("code = %q; want 482913", sent.Code)
	}
	got := m.Sent("SYNC@acme.test")
	if len(got) != 1 || got[0].Subject != "Verify your identity in Salesforce" {
		t.Fatalf("Sent = %+v; want the one message", got)
	}
	if other := m.Sent("admin@acme.test"); len(other) != 0 {
		t.Errorf("Sent(admin) = %d messages; want 0", len(other))
	}

	inbox := rcv.Inbox("sync@acme.test")
	if len(inbox) != 1 {
		t.Fatalf("receiver got %d messages; want 1", len(inbox))
	}
	r := inbox[0]
	if r.From != "noreply@salesforce.com" || r.Subject != sent.Subject || r.Code != "482913" || r.ID != sent.ID {
		t.Errorf("received %+v; want what was sent %+v", r, sent)
	}
	if !strings.Contains(r.Text, "Username: sync@acme.test") {
		t.Errorf("received text %q lacks the username line", r.Text)
	}
}

func TestSentIsNewestFirst(t *testing.T) {
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	m := NewMailer(rcv.Addr(), func() time.Time { clock = clock.Add(time.Second); return clock })
	for _, code := range []string{"111111", "222222"} {
		if _, err := m.Send(context.Background(), Message{From: "a@b.test", To: "x@y.test", Subject: "s", Text: "Verification Code: " + code}); err != nil {
			t.Fatal(err)
		}
	}
	got := m.Sent("x@y.test")
	if len(got) != 2 || got[0].Code != "222222" || !got[0].SentAt.After(got[1].SentAt) {
		t.Errorf("Sent = %+v; want newest (222222) first", got)
	}
}

func TestSendFailsWhenNoServer(t *testing.T) {
	m := NewMailer("127.0.0.1:1", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := m.Send(ctx, Message{From: "a@b.test", To: "x@y.test", Text: "hi"}); err == nil {
		t.Fatal("Send to a closed port succeeded; want an error")
	}
	if n := len(m.Sent("")); n != 0 {
		t.Errorf("kept %d messages after a failed send; want 0", n)
	}
}

func TestCodeIn(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Verification Code: 12345", "12345"},
		{"foo\nVerification Code: 654321\nbar", "654321"},
		{"no code here 123456", ""},
	}
	for _, tt := range tests {
		if got := CodeIn(tt.text); got != tt.want {
			t.Errorf("CodeIn(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}
