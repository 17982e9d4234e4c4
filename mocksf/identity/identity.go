// Package identity verifies a user's identity the way Salesforce does for
// an unrecognised browser or before revealing consumer secrets: it emails a
// one-time code and checks what the user types.
package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Messages Salesforce shows about verification codes. The exact wording is
// unconfirmed (reference §14), so it lives here, in one place.
const (
	MsgInvalidCode = "The verification code you entered is invalid or has expired. Enter the code again or request a new one."
	MsgTooMany     = "You've made too many attempts to verify your identity. Request a new verification code."
	EmailSubject   = "Verify your identity in Salesforce"
	EmailFrom      = "noreply@salesforce.com"
)

// Errors Check returns.
var (
	ErrInvalidCode = errors.New("identity: invalid or expired verification code")
	ErrTooMany     = errors.New("identity: too many verification attempts")
)

// Sender sends an email; *mail.Mailer is one.
type Sender interface {
	Send(ctx context.Context, msg mail.Message) (mail.Message, error)
}

// Verifier sends and checks verification codes.
type Verifier struct {
	Store  *store.Store
	Mailer Sender
	// CodeLength is the number of digits in a code (recent Salesforce: 6).
	CodeLength int
	// CodeTTL is how long a code stays valid.
	CodeTTL time.Duration
	// MaxAttempts is how many wrong codes are allowed before a new code
	// must be requested.
	MaxAttempts int
}

// Send makes a new code for the session's purpose and emails it to the
// user. A new code replaces the previous one for the same purpose.
func (v *Verifier) Send(ctx context.Context, sessionID string, user store.User, purpose, action string) error {
	code := store.NewVerificationCode(v.CodeLength)
	if _, err := v.Store.UpdateSession(sessionID, func(s *store.Session) {
		s.Codes[purpose] = store.VerificationCode{Code: code, ExpiresAt: v.Store.Now().Add(v.CodeTTL)}
	}); err != nil {
		return fmt.Errorf("identity: send code: %w", err)
	}
	name := user.FirstName
	if name == "" {
		name = user.Username
	}
	text := fmt.Sprintf(`Hi %s,

You're trying to %s. To make sure your Salesforce account is secure, we have to verify your identity.

Enter this code where prompted.

Username: %s
Verification Code: %s

The code expires in %d minutes. If you didn't try to %s, contact your Salesforce administrator.

Thanks,
Salesforce Customer Support
`, name, action, user.Username, code, int(v.CodeTTL.Minutes()), action)
	if _, err := v.Mailer.Send(ctx, mail.Message{From: EmailFrom, To: user.Email, Subject: EmailSubject, Text: text,
		Org: user.OrgID, Username: user.Username}); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// Check compares a typed code with the session's code for purpose. The code
// is single-use: a right code is consumed.
func (v *Verifier) Check(sessionID, purpose, typed string) error {
	typed = strings.TrimSpace(typed)
	var result error
	_, err := v.Store.UpdateSession(sessionID, func(s *store.Session) {
		c, ok := s.Codes[purpose]
		switch {
		case !ok:
			result = ErrInvalidCode
		case c.Attempts >= v.MaxAttempts:
			result = ErrTooMany
		case v.Store.Now().After(c.ExpiresAt) || subtle.ConstantTimeCompare([]byte(typed), []byte(c.Code)) != 1:
			c.Attempts++
			s.Codes[purpose] = c
			result = ErrInvalidCode
		default:
			delete(s.Codes, purpose)
		}
	})
	if err != nil {
		return fmt.Errorf("identity: check code: %w", err)
	}
	return result
}

// Message returns the text the verification page shows for a Check error.
func Message(err error) string {
	if errors.Is(err, ErrTooMany) {
		return MsgTooMany
	}
	return MsgInvalidCode
}

// MaskEmail hides most of the local part: s***@acme.test.
func MaskEmail(email string) string {
	at := strings.IndexByte(email, '@')
	if at <= 0 {
		return email
	}
	return email[:1] + strings.Repeat("*", 3) + email[at:]
}
