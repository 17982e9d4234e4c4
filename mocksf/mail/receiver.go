package mail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"
)

// maxMessageBytes bounds one received message; verification mails are tiny.
const maxMessageBytes = 1 << 20

// Receiver is a small SMTP server that accepts every message and keeps
// the last 10,000, so mocksf needs no external mail server. It parses a
// message only when Inbox asks for it: mocksf's own copies of what it
// sent are the Mailer's, and nothing reads the receiver's on the hot path.
type Receiver struct {
	server *smtp.Server
	ln     net.Listener

	mu    sync.Mutex
	inbox []received
	bytes int // of the raw messages in inbox, each counted per recipient
}

// received is one message as it arrived, for one recipient.
type received struct {
	to, from string // the envelope's
	raw      []byte
}

// maxInbox and maxInboxBytes bound the messages a Receiver keeps, the
// oldest dropped first: anyone on this machine can send it mail, and
// 10,000 messages of maxMessageBytes would be 10 GiB. mocksf's own
// messages are some 2 KiB, so 10,000 of them fit either bound.
const (
	maxInbox      = 10000
	maxInboxBytes = 64 << 20
)

// StartReceiver listens on addr (host:port; port 0 picks a free one) and
// serves SMTP until Close.
func StartReceiver(addr string) (*Receiver, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mail: receiver: %w", err)
	}
	r := &Receiver{ln: ln}
	s := smtp.NewServer(backend{r})
	s.Domain = "mocksf.invalid"
	s.MaxMessageBytes = maxMessageBytes
	s.MaxRecipients = 50
	s.ReadTimeout = 30 * time.Second
	s.WriteTimeout = 30 * time.Second
	r.server = s
	go func() { _ = s.Serve(ln) }()
	return r, nil
}

// Addr is the host:port the receiver listens on.
func (r *Receiver) Addr() string { return r.ln.Addr().String() }

// Close stops the receiver.
func (r *Receiver) Close() error { return r.server.Close() }

// Inbox returns the messages received for an address (all when to is
// empty), newest first. A message that does not parse comes back with its
// raw text as Text.
func (r *Receiver) Inbox(to string) []Message {
	r.mu.Lock()
	var matched []received
	for i := len(r.inbox) - 1; i >= 0; i-- {
		if to == "" || strings.EqualFold(r.inbox[i].to, to) {
			matched = append(matched, r.inbox[i])
		}
	}
	r.mu.Unlock()
	out := make([]Message, 0, len(matched))
	for _, m := range matched {
		msg, err := parse(bytes.NewReader(m.raw))
		if err != nil {
			msg = Message{Text: string(m.raw)}
		}
		if msg.From == "" {
			msg.From = m.from
		}
		msg.To = m.to
		out = append(out, msg)
	}
	return out
}

type backend struct{ r *Receiver }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{r: b.r}, nil }

type session struct {
	r    *Receiver
	from string
	to   []string
}

func (s *session) Reset()        { s.from, s.to = "", nil }
func (s *session) Logout() error { return nil }

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(r, maxMessageBytes))
	if err != nil {
		return err
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	for _, rcpt := range s.to {
		s.r.inbox = append(s.r.inbox, received{to: rcpt, from: s.from, raw: raw})
		s.r.bytes += len(raw)
	}
	s.r.dropOldestLocked()
	return nil
}

// dropOldestLocked drops the oldest messages beyond maxInbox and
// maxInboxBytes.
func (r *Receiver) dropOldestLocked() {
	drop := 0
	for len(r.inbox)-drop > maxInbox || (r.bytes > maxInboxBytes && drop < len(r.inbox)) {
		r.bytes -= len(r.inbox[drop].raw)
		drop++
	}
	if drop > 0 {
		clear(r.inbox[:drop])
		r.inbox = r.inbox[drop:]
	}
}

// parse reads a plain-text or multipart message and returns its headers,
// its first text/plain part as Text and its first text/html part as HTML.
func parse(r io.Reader) (Message, error) {
	mr, err := gomail.CreateReader(r)
	if err != nil && !message.IsUnknownCharset(err) {
		return Message{}, err
	}
	defer mr.Close()
	var msg Message
	if from, err := mr.Header.AddressList("From"); err == nil && len(from) > 0 {
		msg.From = from[0].Address
	}
	msg.Subject, _ = mr.Header.Subject()
	msg.SentAt, _ = mr.Header.Date()
	if id, err := mr.Header.MessageID(); err == nil {
		msg.ID = strings.TrimSuffix(id, "@mocksf.invalid")
	}
	var gotText, gotHTML bool
	for !gotText || !gotHTML {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Message{}, err
		}
		h, ok := p.Header.(*gomail.InlineHeader)
		if !ok {
			continue
		}
		ct, _, _ := h.ContentType()
		var dst *string
		switch {
		case (ct == "" || ct == "text/plain") && !gotText:
			dst, gotText = &msg.Text, true
		case ct == "text/html" && !gotHTML:
			dst, gotHTML = &msg.HTML, true
		default:
			continue
		}
		body, err := io.ReadAll(io.LimitReader(p.Body, maxMessageBytes))
		if err != nil {
			return Message{}, err
		}
		*dst = strings.ReplaceAll(string(body), "\r\n", "\n")
	}
	msg.Code = CodeIn(msg.Text)
	return msg, nil
}
