package mail

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkSend sends a verification mail over SMTP to the embedded
// receiver, with the Mailer's history empty and full (10,000 kept
// messages, the oldest of which each send pushes out).
//
//	go test -run '^$' -bench Send -count 5 ./mocksf/mail/ | benchstat -
func BenchmarkSend(b *testing.B) {
	for _, kept := range []int{0, 10000} {
		b.Run(fmt.Sprintf("kept=%d", kept), func(b *testing.B) {
			rcv, err := StartReceiver("127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rcv.Close() })
			m := NewMailer(rcv.Addr(), nil)
			for i := range kept {
				m.sent = append(m.sent, Message{ID: fmt.Sprint(i), To: "other@acme.test", Text: "Verification Code: 123456"})
			}
			msg := Message{From: "noreply@salesforce.com", To: "sync@acme.test", Subject: "Verify your identity in Salesforce",
				Text: "Hi Sam,\n\nUsername: sync@acme.test\nVerification Code: 482913\n"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Send(context.Background(), msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
