package mail

import (
	"context"
	"strings"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Filter selects sent messages. Empty fields match every message.
type Filter struct {
	// To is the recipient address, without case.
	To string
	// Org is the ID of the recipient's org (15 or 18 characters).
	Org string
	// Username is the recipient user's username, without case.
	Username string
	// After is a message ID: only messages sent after it match. An ID
	// that is no longer kept (cleared, or pushed out by newer mail)
	// matches every message.
	After string
}

func (f Filter) match(msg Message) bool {
	return (f.To == "" || strings.EqualFold(msg.To, f.To)) &&
		(f.Org == "" || sfid.Match(msg.Org, f.Org)) &&
		(f.Username == "" || strings.EqualFold(msg.Username, f.Username))
}

// Find returns the messages that match f, newest first.
func (m *Mailer) Find(f Filter) []Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.findLocked(f)
}

func (m *Mailer) findLocked(f Filter) []Message {
	start := 0
	if f.After != "" {
		for i := len(m.sent) - 1; i >= 0; i-- {
			if m.sent[i].ID == f.After {
				start = i + 1
				break
			}
		}
	}
	var out []Message
	for i := len(m.sent) - 1; i >= start; i-- {
		if f.match(m.sent[i]) {
			out = append(out, m.sent[i])
		}
	}
	return out
}

// Wait is Find that, while nothing matches, waits for a matching message
// to be sent, until ctx is done. It then returns what matches, possibly
// nothing, and ctx's error.
func (m *Mailer) Wait(ctx context.Context, f Filter) ([]Message, error) {
	for {
		m.mu.Lock()
		msgs, changed := m.findLocked(f), m.changed
		m.mu.Unlock()
		if len(msgs) > 0 {
			return msgs, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// DeleteOrg forgets the messages sent to users of an org and returns how
// many there were.
func (m *Mailer) DeleteOrg(orgID string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	kept := m.sent[:0]
	n := 0
	for _, msg := range m.sent {
		if msg.Org != "" && sfid.Match(msg.Org, orgID) {
			n++
			continue
		}
		kept = append(kept, msg)
	}
	clear(m.sent[len(kept):])
	m.sent = kept
	if n > 0 {
		m.notifyLocked()
	}
	return n
}

// notifyLocked wakes every Wait; m.mu must be held.
func (m *Mailer) notifyLocked() {
	close(m.changed)
	m.changed = make(chan struct{})
}
