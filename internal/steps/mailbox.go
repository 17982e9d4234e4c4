package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
)

// mailMessage is one email as the steps read it.
type mailMessage struct {
	ID      string    `json:"id"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	Code    string    `json:"code"`
	SentAt  time.Time `json:"sentAt"`
}

// mailbox reads the mail sent to an address, newest first. With wait
// above zero, while no message is newer than the one with the ID after
// (any message, when after is ""), it waits up to wait for one; the
// answer may still hold none newer.
type mailbox interface {
	Messages(address, after string, wait time.Duration) ([]mailMessage, error)
}

var mailClient = &http.Client{Timeout: 10 * time.Second}

// maxMailWait bounds one wait for mail, below mailClient's timeout; a
// longer wait asks again.
const maxMailWait = 8 * time.Second

// mocksfMailbox reads mocksf's copies through GET /__mocksf/mail.
type mocksfMailbox struct{ ctl *mocksfclient.Client }

// Messages waits in mocksf (GET /__mocksf/mail?after=&wait=), which
// answers as soon as the mail is sent.
func (m mocksfMailbox) Messages(address, after string, wait time.Duration) ([]mailMessage, error) {
	msgs, err := m.ctl.Mail(context.Background(), mail.Filter{To: address, After: after}, min(wait, maxMailWait))
	if err != nil {
		return nil, fmt.Errorf("read mail from mocksf: %w", err)
	}
	out := make([]mailMessage, len(msgs))
	for i, m := range msgs {
		out[i] = mailMessage{ID: m.ID, From: m.From, To: m.To, Subject: m.Subject, Text: m.Text, Code: m.Code, SentAt: m.SentAt}
	}
	return out, nil
}

// mailpitMailbox reads the mail an external SMTP server received, through
// Mailpit's message API (MAILPIT_URL), for teams that relay mocksf's mail
// to their Mailpit with SMTP=host:port.
type mailpitMailbox struct{ base string }

// Messages reads Mailpit again every 100 ms while it waits: Mailpit's API
// has no wait of its own.
func (m mailpitMailbox) Messages(address, after string, wait time.Duration) ([]mailMessage, error) {
	deadline := time.Now().Add(wait)
	for {
		msgs, err := m.read(address)
		if err != nil || (len(msgs) > 0 && msgs[0].ID != after) || !time.Now().Before(deadline) {
			return msgs, err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// read is every message Mailpit holds for the address, newest first.
func (m mailpitMailbox) read(address string) ([]mailMessage, error) {
	var list struct {
		Messages []struct {
			ID      string
			From    struct{ Address string }
			To      []struct{ Address string }
			Subject string
			Created time.Time
		} `json:"messages"`
	}
	q := url.Values{"query": {"to:" + address}}
	if err := getJSON(strings.TrimSuffix(m.base, "/")+"/api/v1/search?"+q.Encode(), &list); err != nil {
		return nil, fmt.Errorf("search Mailpit: %w", err)
	}
	var out []mailMessage
	for _, s := range list.Messages {
		var full struct{ Text string }
		if err := getJSON(strings.TrimSuffix(m.base, "/")+"/api/v1/message/"+url.PathEscape(s.ID), &full); err != nil {
			return nil, fmt.Errorf("read Mailpit message %s: %w", s.ID, err)
		}
		to := address
		if len(s.To) > 0 {
			to = s.To[0].Address
		}
		out = append(out, mailMessage{ID: s.ID, From: s.From.Address, To: to, Subject: s.Subject,
			Text: full.Text, Code: mail.CodeIn(full.Text), SentAt: s.Created})
	}
	return out, nil
}

func getJSON(u string, v any) error {
	resp, err := mailClient.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
