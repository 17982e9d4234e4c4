package mail

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
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
		{"Gebruikersnaam: sync@acme.test\nVerificatiecode: 482913\n", "482913"},
		{"ユーザー名: sync@acme.test\n検証コード: 482913\n", "482913"},
		{"検証コード：7788", "7788"},
		{"Verificatiecode 482913", ""},
	}
	for _, tt := range tests {
		if got := CodeIn(tt.text); got != tt.want {
			t.Errorf("CodeIn(%q) = %q; want %q", tt.text, got, tt.want)
		}
	}
}

func TestReceivedMessageHasTextAndHTMLParts(t *testing.T) {
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	m := NewMailer(rcv.Addr(), nil)
	tests := []struct {
		name, to, text, html string
		wantHTML             []string
	}{
		{
			name: "HTML given", to: "given@acme.test",
			text:     "Username: given@acme.test\nVerification Code: 123456\n",
			html:     "<p>Username: <strong>given@acme.test</strong><br>Verification Code: <strong>123456</strong></p>",
			wantHTML: []string{"<strong>given@acme.test</strong>", "<strong>123456</strong>"},
		},
		{
			name: "HTML made from the text, escaped", to: "derived@acme.test",
			text:     "Hi <Sam> & co,\n\nUsername: derived@acme.test\nVerification Code: 654321\n",
			wantHTML: []string{"<p>Hi &lt;Sam&gt; &amp; co,</p>", "Username: derived@acme.test<br>\nVerification Code: 654321"},
		},
		{
			name: "long lines and non-ASCII survive quoted-printable", to: "long@acme.test",
			text:     "Grüße, " + strings.Repeat("x", 120) + "=\nVerification Code: 777777\n",
			wantHTML: []string{"Grüße, " + strings.Repeat("x", 120) + "="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := m.Send(context.Background(), Message{From: "noreply@salesforce.com", To: tt.to,
				Subject: "Verify your identity in Salesforce", Text: tt.text, HTML: tt.html})
			if err != nil {
				t.Fatal(err)
			}
			inbox := rcv.Inbox(tt.to)
			if len(inbox) != 1 {
				t.Fatalf("got %d messages; want 1", len(inbox))
			}
			got := inbox[0]
			if got.Text != tt.text {
				t.Errorf("got text part %q; want %q", got.Text, tt.text)
			}
			if got.Code != sent.Code || got.Code == "" {
				t.Errorf("got code %q; want %q", got.Code, sent.Code)
			}
			if got.HTML != sent.HTML {
				t.Errorf("got HTML part %q; want what was sent, %q", got.HTML, sent.HTML)
			}
			for _, want := range tt.wantHTML {
				if !strings.Contains(got.HTML, want) {
					t.Errorf("got HTML part %q; want it to contain %q", got.HTML, want)
				}
			}
		})
	}
}

// The raw message is multipart/alternative with the text part first and
// the HTML part last, as mail readers expect (RFC 2046 §5.1.4).
func TestComposeIsMultipartAlternative(t *testing.T) {
	raw, err := compose(Message{ID: "abc", From: "noreply@salesforce.com", To: "sync@acme.test", Subject: "Verify your identity in Salesforce",
		Text: "Verification Code: 123456\n", HTML: "<p>Verification Code: 123456</p>", SentAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	headers := []struct{ key, want string }{
		{"From", "<noreply@salesforce.com>"},
		{"To", "<sync@acme.test>"},
		{"Subject", "Verify your identity in Salesforce"},
		{"Message-Id", "<abc@mocksf.invalid>"},
		{"Date", "Fri, 02 Jan 2026 03:04:05 +0000"},
		{"Mime-Version", "1.0"},
	}
	for _, h := range headers {
		if got := e.Header.Get(h.key); got != h.want {
			t.Errorf("got %s %q; want %q", h.key, got, h.want)
		}
	}
	if ct, _, _ := e.Header.ContentType(); ct != "multipart/alternative" {
		t.Fatalf("got Content-Type %q; want multipart/alternative", ct)
	}
	mr := e.MultipartReader()
	var types []string
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, params, _ := p.Header.ContentType()
		types = append(types, ct+"; charset="+params["charset"])
	}
	if want := []string{"text/plain; charset=utf-8", "text/html; charset=utf-8"}; !slices.Equal(types, want) {
		t.Errorf("got parts %q; want %q", types, want)
	}
}

// TestSendReusesAndRedialsConnections sends messages one after another on
// the connection kept from the first, then again after the receiver went
// away and came back on the same address: the kept connection is dead by
// then, and the message must go on a new one rather than fail.
func TestSendReusesAndRedialsConnections(t *testing.T) {
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := rcv.Addr()
	m := NewMailer(addr, nil)
	t.Cleanup(func() { m.Close() })
	send := func(code string) {
		t.Helper()
		if _, err := m.Send(context.Background(), Message{
			From: "noreply@salesforce.com", To: "sync@acme.test",
			Subject: "Verify your identity in Salesforce", Text: "Verification Code: " + code + "\n",
		}); err != nil {
			t.Fatalf("send %s: %v", code, err)
		}
	}
	send("111111")
	send("222222")
	if n := len(m.idle); n != 1 {
		t.Errorf("%d connections kept after two sends in a row; want the one reused", n)
	}
	if got := rcv.Inbox("sync@acme.test"); len(got) != 2 || got[0].Code != "222222" || got[1].Code != "111111" {
		t.Fatalf("receiver got %+v; want both codes, newest first", got)
	}
	rcv.Close()
	if rcv, err = StartReceiver(addr); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	send("333333")
	if got := rcv.Inbox("sync@acme.test"); len(got) != 1 || got[0].Code != "333333" {
		t.Fatalf("new receiver got %+v; want the message sent after it came back", got)
	}
}
