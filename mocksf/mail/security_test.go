package mail

// What anyone on this machine can make the mail receiver keep stays
// bounded (docs/security.md, "Bounds").

import (
	"fmt"
	"net/smtp"
	"strings"
	"testing"
)

// The embedded receiver keeps at most maxInboxBytes of messages, the
// oldest dropped first: it kept 10,000 whatever their size, and a message
// may be 1 MiB with 50 recipients.
func TestSecurityReceiverInboxBounded(t *testing.T) {
	t.Parallel()
	rcv, err := StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rcv.Close() })
	// Lines of 76 characters, as SMTP wants them short.
	body := strings.Repeat(strings.Repeat("x", 76)+"\r\n", (maxMessageBytes-4096)/78)
	to := []string{"a@y.test", "b@y.test", "c@y.test", "d@y.test", "e@y.test"}
	const n = 14 // 70 MiB counted, one per recipient, past the 64 MiB
	for i := range n {
		raw := fmt.Sprintf("Subject: m%d\r\n\r\n%s\r\n", i, body)
		if err := smtp.SendMail(rcv.Addr(), nil, "x@b.test", to, []byte(raw)); err != nil {
			t.Fatal(err)
		}
	}
	rcv.mu.Lock()
	kept, bytes := len(rcv.inbox), rcv.bytes
	newest := rcv.inbox[len(rcv.inbox)-1]
	rcv.mu.Unlock()
	if bytes > maxInboxBytes || kept >= 5*n {
		t.Errorf("the inbox keeps %d messages of %d bytes; want at most %d bytes", kept, bytes, maxInboxBytes)
	}
	if !strings.Contains(string(newest.raw[:32]), fmt.Sprintf("m%d", n-1)) {
		t.Errorf("the newest kept message starts %q; want the last one sent", newest.raw[:32])
	}
}
