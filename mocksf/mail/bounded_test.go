package mail

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"
)

// The Mailer keeps its newest messages up to its limit, newest first, and
// an After that was pushed out matches everything kept.
func TestSentIsBounded(t *testing.T) {
	t.Parallel()
	m := newTestMailer(t)
	m.limit = 3
	var ids []string
	for i := range 5 {
		sent, err := m.Send(context.Background(), Message{From: "a@b.test", To: "x@y.test", Text: fmt.Sprintf("Verification Code: 10000%d", i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sent.ID)
	}
	got := m.Sent("")
	if len(got) != 3 || got[0].ID != ids[4] || got[2].ID != ids[2] {
		t.Fatalf("Sent = %d messages, first %v; want the newest 3, newest first", len(got), got)
	}
	if after := m.Find(Filter{After: ids[0]}); len(after) != 3 {
		t.Errorf("Find(After: a dropped ID) = %d messages; want all 3 kept", len(after))
	}
	if after := m.Find(Filter{After: ids[3]}); len(after) != 1 || after[0].ID != ids[4] {
		t.Errorf("Find(After: the second newest) = %v; want the newest only", after)
	}
}

func TestAppendBounded(t *testing.T) {
	t.Parallel()
	var kept []Message
	for i := range 1000 {
		kept = appendBounded(kept, Message{ID: fmt.Sprint(i)}, 10)
		if want := min(i+1, 10); len(kept) != want || kept[len(kept)-1].ID != fmt.Sprint(i) || kept[0].ID != fmt.Sprint(i+1-want) {
			t.Fatalf("after %d appends: %d kept, from %s to %s; want %d, from %d to %d", i+1, len(kept), kept[0].ID, kept[len(kept)-1].ID, want, i+1-want, i)
		}
	}
}

// The receiver keeps a message it cannot parse, raw, rather than losing
// it.
func TestReceiverKeepsWhatItCannotParse(t *testing.T) {
	t.Parallel()
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	raw := "Content-Type: multipart/alternative; boundary=\"nope\"\r\n\r\nnot multipart at all\r\n"
	if err := smtp.SendMail(rcv.Addr(), nil, "a@b.test", []string{"x@y.test"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	got := rcv.Inbox("x@y.test")
	if len(got) != 1 || got[0].From != "a@b.test" || got[0].To != "x@y.test" || !strings.Contains(got[0].Text, "not multipart at all") {
		t.Errorf("Inbox = %+v; want the raw message from a@b.test", got)
	}
}
