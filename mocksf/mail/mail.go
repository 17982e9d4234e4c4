// Package mail sends mocksf's email (identity verification codes) over real
// SMTP and keeps a copy of every message sent, which tests read through the
// control API. It also has a small embedded SMTP receiver, used when no
// external SMTP server is configured.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net"
	"net/smtp"
	"regexp"
	"strings"
	"sync"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/sfharness/sfharness/mocksf/locales"
)

// Message is one email as mocksf sent it.
type Message struct {
	ID      string    `json:"id"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	Code    string    `json:"code,omitempty"` // the verification code found in Text
	SentAt  time.Time `json:"sentAt"`
	// Org is the ID of the org whose user the message was sent to, and
	// Username that user's username; empty when not known (set by the
	// sender, not carried over SMTP).
	Org      string `json:"orgId,omitempty"`
	Username string `json:"username,omitempty"`
	// HTML is the message's text/html alternative; Send makes one from
	// Text when it is empty. The control API's JSON leaves it out.
	HTML string `json:"-"`
}

// codePattern finds the code after its label in any language mocksf
// mails in ("Verification Code: 123456", "Verificatiecode: 123456",
// "検証コード: 123456"), with a full-width colon too.
var codePattern = func() *regexp.Regexp {
	var labels []string
	for _, l := range locales.Catalogue.Each("mail.code") {
		labels = append(labels, regexp.QuoteMeta(l))
	}
	return regexp.MustCompile(`(?m)(?:` + strings.Join(labels, "|") + `) *[:：] *([0-9]{4,8})\b`)
}()

// CodeIn returns the verification code in an email body, in any of the
// languages of package locales, or "".
func CodeIn(text string) string {
	m := codePattern.FindStringSubmatch(text)
	if m == nil {
		return ""
	}
	return m[1]
}

// Mailer delivers messages to an SMTP server and remembers them.
type Mailer struct {
	addr string
	now  func() time.Time
	// Limit bounds how many sent messages are kept; the oldest go first.
	limit int

	mu   sync.Mutex
	sent []Message
	// changed is closed and replaced whenever sent changes, waking Wait.
	changed chan struct{}

	// idle holds SMTP connections whose last transaction ended well, for
	// the next message: RFC 5321 lets a client send one transaction after
	// another on a connection, and dialing, the greeting, EHLO and QUIT
	// were half of each message's round trips (a tenth of make load's CPU
	// went to SMTP on both ends).
	idle chan *smtpConn
}

// maxIdle bounds the connections a Mailer keeps open between messages;
// more concurrent sends than that dial and then hang up as before.
const maxIdle = 64

// NewMailer returns a Mailer that delivers through the SMTP server at addr
// (host:port). now is the clock stamped on messages (time.Now when nil).
func NewMailer(addr string, now func() time.Time) *Mailer {
	if now == nil {
		now = time.Now
	}
	return &Mailer{addr: addr, now: now, limit: 10000, changed: make(chan struct{}), idle: make(chan *smtpConn, maxIdle)}
}

// Send delivers msg over SMTP, as a multipart/alternative message with
// its text and HTML parts, and keeps a copy. It fills in ID, Code, SentAt
// and, when empty, HTML.
func (m *Mailer) Send(ctx context.Context, msg Message) (Message, error) {
	msg.ID = newID()
	msg.SentAt = m.now().UTC()
	msg.Code = CodeIn(msg.Text)
	if msg.HTML == "" {
		msg.HTML = textToHTML(msg.Text)
	}
	raw, err := compose(msg)
	if err != nil {
		return Message{}, fmt.Errorf("mail: compose: %w", err)
	}
	if err := m.deliver(ctx, msg.From, msg.To, raw); err != nil {
		return Message{}, fmt.Errorf("mail: send to %s via %s: %w", msg.To, m.addr, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = appendBounded(m.sent, msg, m.limit)
	m.notifyLocked()
	return msg, nil
}

// Sent returns the messages sent to the address (all when to is empty),
// newest first. Addresses compare without case.
func (m *Mailer) Sent(to string) []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Message
	for i := len(m.sent) - 1; i >= 0; i-- {
		if to == "" || strings.EqualFold(m.sent[i].To, to) {
			out = append(out, m.sent[i])
		}
	}
	return out
}

// Clear forgets every sent message.
func (m *Mailer) Clear() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = nil
	m.notifyLocked()
}

// appendBounded appends msg to kept and drops the oldest messages beyond
// limit. It reslices rather than copying the messages kept, so a full
// history costs each message O(1) (amortized: append moves them to a
// new array now and then), not a copy of the whole history.
func appendBounded(kept []Message, msg Message, limit int) []Message {
	kept = append(kept, msg)
	if drop := len(kept) - limit; drop > 0 {
		clear(kept[:drop]) // let the dropped messages' strings go
		kept = kept[drop:]
	}
	return kept
}

func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// compose renders msg as an RFC 5322 message with a multipart/alternative
// body: the text part first, then the HTML part, which mail readers
// prefer. Both are quoted-printable UTF-8.
func compose(msg Message) ([]byte, error) {
	var h gomail.Header
	h.SetAddressList("From", []*gomail.Address{{Address: msg.From}})
	h.SetAddressList("To", []*gomail.Address{{Address: msg.To}})
	h.SetSubject(msg.Subject)
	h.SetDate(msg.SentAt)
	h.SetMessageID(msg.ID + "@mocksf.invalid")
	var b bytes.Buffer
	w, err := gomail.CreateInlineWriter(&b, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ contentType, body string }{
		{"text/plain", strings.ReplaceAll(msg.Text, "\r\n", "\n")},
		{"text/html", msg.HTML},
	} {
		var ph gomail.InlineHeader
		ph.SetContentType(part.contentType, map[string]string{"charset": "utf-8"})
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// textToHTML is a plain-text body as HTML: escaped, one paragraph per
// blank-line-separated block, line breaks kept.
func textToHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n")
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if para = strings.Trim(para, "\n"); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// smtpConn is an SMTP client with its connection, whose deadline is set
// for each message.
type smtpConn struct {
	*smtp.Client
	conn net.Conn
}

// Close hangs up the connections kept for the next message.
func (m *Mailer) Close() error {
	for {
		select {
		case c := <-m.idle:
			_ = c.Quit()
		default:
			return nil
		}
	}
}

// deliver is net/smtp.SendMail with a deadline from ctx, on a kept
// connection when there is one. A kept connection the server has since
// closed (the embedded receiver's read timeout is 30 s) fails at MAIL,
// before any of the message was sent, and then it goes on a new one.
func (m *Mailer) deliver(ctx context.Context, from, to string, raw []byte) error {
	select {
	case c := <-m.idle:
		started, err := c.transact(ctx, from, to, raw)
		if err == nil {
			m.keep(c)
			return nil
		}
		_ = c.conn.Close()
		if started {
			return err
		}
	default:
	}
	c, err := m.dial(ctx)
	if err != nil {
		return err
	}
	if _, err := c.transact(ctx, from, to, raw); err != nil {
		_ = c.conn.Close()
		return err
	}
	m.keep(c)
	return nil
}

// keep puts c back for the next message, or hangs up when enough are kept.
func (m *Mailer) keep(c *smtpConn) {
	select {
	case m.idle <- c:
	default:
		_ = c.Quit()
	}
}

func (m *Mailer) dial(ctx context.Context) (*smtpConn, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", m.addr)
	if err != nil {
		return nil, err
	}
	setDeadline(ctx, conn)
	host, _, _ := net.SplitHostPort(m.addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	return &smtpConn{Client: c, conn: conn}, nil
}

func setDeadline(ctx context.Context, conn net.Conn) {
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	} else {
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
}

// transact sends one message: MAIL, RCPT, DATA. started is false when MAIL
// itself failed, so that the server has none of the message.
func (c *smtpConn) transact(ctx context.Context, from, to string, raw []byte) (started bool, err error) {
	setDeadline(ctx, c.conn)
	if err := c.Mail(from); err != nil {
		return false, err
	}
	if err := c.Rcpt(to); err != nil {
		return true, err
	}
	w, err := c.Data()
	if err != nil {
		return true, err
	}
	if _, err := w.Write(raw); err != nil {
		return true, err
	}
	return true, w.Close()
}
