package mail

import (
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
// what it parsed, so mocksf needs no external mail server.
type Receiver struct {
	server *smtp.Server
	ln     net.Listener

	mu    sync.Mutex
	inbox []Message
}

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
// empty), newest first.
func (r *Receiver) Inbox(to string) []Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Message
	for i := len(r.inbox) - 1; i >= 0; i-- {
		if to == "" || strings.EqualFold(r.inbox[i].To, to) {
			out = append(out, r.inbox[i])
		}
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
	msg, err := parse(r)
	if err != nil {
		// Drain so the client sees our error, not a broken pipe.
		_, _ = io.Copy(io.Discard, r)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "cannot parse message: " + err.Error()}
	}
	if msg.From == "" {
		msg.From = s.from
	}
	s.r.mu.Lock()
	defer s.r.mu.Unlock()
	for _, rcpt := range s.to {
		m := msg
		m.To = rcpt
		s.r.inbox = append(s.r.inbox, m)
	}
	if len(s.r.inbox) > 10000 {
		s.r.inbox = append([]Message(nil), s.r.inbox[len(s.r.inbox)-10000:]...)
	}
	return nil
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
