// Package identity verifies a user's identity the way Salesforce does for
// an unrecognised browser or before revealing consumer secrets: it emails a
// one-time code and checks what the user types.
package identity

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Messages Salesforce shows about verification codes. The exact wording is
// unconfirmed (reference §14), so it lives here, in one place. Each failure
// has its own message, so a person knows whether to retype the code or to
// ask for a new one.
const (
	// MsgInvalidCode answers a wrong code (or none sent).
	MsgInvalidCode = "The verification code you entered is invalid or has expired. Enter the code again or request a new one."
	// MsgExpiredCode answers any code typed after the code's lifetime.
	MsgExpiredCode = "Your verification code has expired. Click Resend Code to get a new one."
	// MsgTooMany answers every code once too many wrong ones were typed.
	MsgTooMany   = "You've made too many attempts to verify your identity. Request a new verification code."
	EmailSubject = "Verify your identity in Salesforce"
	EmailFrom    = "noreply@salesforce.com"
)

// Errors Check returns.
var (
	ErrInvalidCode = errors.New("identity: wrong verification code")
	ErrExpiredCode = errors.New("identity: verification code expired")
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
// user. A new code replaces the previous one for the same purpose, with a
// fresh count of attempts.
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
	data := emailData{Name: name, Action: action, Username: user.Username, Code: code, Minutes: int(v.CodeTTL.Minutes())}
	var text, html bytes.Buffer
	if err := textEmail.Execute(&text, data); err != nil {
		return fmt.Errorf("identity: compose mail: %w", err)
	}
	if err := htmlEmail.Execute(&html, data); err != nil {
		return fmt.Errorf("identity: compose mail: %w", err)
	}
	if _, err := v.Mailer.Send(ctx, mail.Message{From: EmailFrom, To: user.Email, Subject: EmailSubject,
		Text: text.String(), HTML: html.String(), Org: user.OrgID, Username: user.Username}); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// emailData fills the verification email's text and HTML bodies.
type emailData struct {
	Name, Action, Username, Code string
	Minutes                      int
}

// textEmail is the verification email as Salesforce words it: the
// "Username:" and "Verification Code:" lines are what automation parses
// (reference §2.2).
var textEmail = texttemplate.Must(texttemplate.New("text").Parse(`Hi {{.Name}},

You're trying to {{.Action}}. To make sure your Salesforce account is secure, we have to verify your identity.

Enter this code where prompted.

Username: {{.Username}}
Verification Code: {{.Code}}

The code expires in {{.Minutes}} minutes. If you didn't try to {{.Action}}, contact your Salesforce administrator.

Thanks,
Salesforce Customer Support
`))

// htmlEmail is the same email for mail readers that show HTML; the
// template escapes what the user and the admin typed.
var htmlEmail = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Verify your identity in Salesforce</title></head>
<body style="font-family: Arial, sans-serif; font-size: 14px; color: #181818;">
<p>Hi {{.Name}},</p>
<p>You're trying to {{.Action}}. To make sure your Salesforce account is secure, we have to verify your identity.</p>
<p>Enter this code where prompted.</p>
<p>Username: <strong>{{.Username}}</strong><br>
Verification Code: <strong>{{.Code}}</strong></p>
<p>The code expires in {{.Minutes}} minutes. If you didn't try to {{.Action}}, contact your Salesforce administrator.</p>
<p>Thanks,<br>Salesforce Customer Support</p>
</body>
</html>
`))

// Check compares a typed code with the session's code for purpose. The code
// is single-use: a right code is consumed. It returns ErrInvalidCode for a
// wrong code (or none sent), ErrExpiredCode once the code's lifetime has
// passed, and ErrTooMany from the wrong code that uses up MaxAttempts on:
// each asks for something else, retyping or a new code.
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
		case v.Store.Now().After(c.ExpiresAt):
			result = ErrExpiredCode
		case subtle.ConstantTimeCompare([]byte(typed), []byte(c.Code)) != 1:
			c.Attempts++
			s.Codes[purpose] = c
			result = ErrInvalidCode
			if c.Attempts >= v.MaxAttempts {
				result = ErrTooMany
			}
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
	switch {
	case errors.Is(err, ErrTooMany):
		return MsgTooMany
	case errors.Is(err, ErrExpiredCode):
		return MsgExpiredCode
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
