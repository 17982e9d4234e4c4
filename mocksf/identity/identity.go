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

	"github.com/sfharness/sfharness/internal/i18n"
	"github.com/sfharness/sfharness/mocksf/locales"
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
	MsgTooMany = "You've made too many attempts to verify your identity. Request a new verification code."
	// MsgLockedOut answers every code, and Resend Code, while the user's
	// verification is locked after too many wrong codes in all: the words
	// of Salesforce's temporary verification lock-out, which "is
	// automatically unlocked after approximately one hour" (Salesforce
	// Help, "Resolve MFA Verification Lockout Error in Salesforce").
	MsgLockedOut = "You've exceeded the allowed number of attempts."
	// MsgCannotSend answers a request for a code past the cap on codes
	// sent: Salesforce's words on its "Problem Verifying Your Identity"
	// page when a user asked for too many codes in an hour (Salesforce
	// Help, "Identity Verification Credits Add-On License Considerations").
	MsgCannotSend = "We can't send you a verification code right now. Please try again later."
	// EmailSubject is the verification email's subject in English;
	// EmailSubjects has it in every language.
	EmailSubject = "Verify your identity in Salesforce"
	EmailFrom    = "noreply@salesforce.com"
)

// Errors Check and Send return.
var (
	ErrInvalidCode = errors.New("identity: wrong verification code")
	ErrExpiredCode = errors.New("identity: verification code expired")
	ErrTooMany     = errors.New("identity: too many verification attempts")
	// ErrLockedOut is every Check and Send while the user's verification
	// is locked (Verifier.MaxFailures).
	ErrLockedOut = errors.New("identity: verification locked after too many wrong codes")
	// ErrTooManyCodes is a Send past Verifier.MaxCodes; no mail is sent.
	ErrTooManyCodes = errors.New("identity: too many verification codes sent")
)

// Limited reports whether Send refused err because of the user's caps
// rather than failed to mail: the page then shows Message(err).
func Limited(err error) bool {
	return errors.Is(err, ErrLockedOut) || errors.Is(err, ErrTooManyCodes)
}

// The lengths a code may have. Salesforce's emailed codes are digits,
// 6 in recent orgs and 5 in older ones (reference §2.2); mocksf takes a
// few more either way, and refuses a code too short to resist guessing
// or too long for the verification page's field.
const (
	MinCodeLength = 4
	MaxCodeLength = 10
)

// CheckCodeLength refuses a code length outside MinCodeLength to
// MaxCodeLength.
func CheckCodeLength(n int) error {
	if n < MinCodeLength || n > MaxCodeLength {
		return fmt.Errorf("%d: want %d to %d digits (Salesforce sends 5 or 6)", n, MinCodeLength, MaxCodeLength)
	}
	return nil
}

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
	// MaxCodes caps the codes mailed to a user within Window, on every
	// page and in every session, Resend Code included (0: no cap).
	// Salesforce: users "can't request a passcode more than five times
	// within the span of one hour" (SMS Identity Verification), and each
	// send restarts the hour.
	MaxCodes int
	// MaxFailures locks the user's verification for Window after that
	// many wrong codes in all within Window, across codes and sessions
	// (0: never), even to the right code; success clears the counts.
	MaxFailures int
	// Window is how long MaxCodes and MaxFailures count, from the last
	// code sent or wrong code typed, and how long the lock lasts.
	Window time.Duration
}

// Send makes a new code for the session's purpose and emails it to the
// user. A new code replaces the previous one for the same purpose, with a
// fresh count of attempts. It returns ErrLockedOut while the user's
// verification is locked and ErrTooManyCodes past MaxCodes, mailing
// nothing and keeping the previous code.
func (v *Verifier) Send(ctx context.Context, sessionID string, user store.User, purpose, action string) error {
	// The user's org's clock: the store's own calls under its lock
	// could not read it.
	now := v.Store.NowIn(user.OrgID)
	if err := v.countSend(user.ID, now); err != nil {
		return err
	}
	code := store.NewVerificationCode(v.CodeLength)
	if _, err := v.Store.UpdateSession(sessionID, func(s *store.Session) {
		s.Codes[purpose] = store.VerificationCode{Code: code, ExpiresAt: now.Add(v.CodeTTL)}
	}); err != nil {
		return fmt.Errorf("identity: send code: %w", err)
	}
	name := user.FirstName
	if name == "" {
		name = user.Username
	}
	msg, err := composeEmail(locales.Catalogue.Localizer(user.Language), emailData{
		Name: name, Action: action, Username: user.Username, Code: code, Minutes: int(v.CodeTTL.Minutes())})
	if err != nil {
		return fmt.Errorf("identity: compose mail: %w", err)
	}
	msg.From, msg.To, msg.Org, msg.Username = EmailFrom, user.Email, user.OrgID, user.Username
	if _, err := v.Mailer.Send(ctx, msg); err != nil {
		return fmt.Errorf("identity: %w", err)
	}
	return nil
}

// emailData fills the verification email's text and HTML bodies.
type emailData struct {
	Name, Action, Username, Code string
	Minutes                      int
}

// emailWords are the verification email's sentences in the user's
// language (package locales, keys mail.*).
type emailWords struct {
	emailData
	Lang, Subject, Greeting, TryingTo, EnterCode, UsernameLabel, CodeLabel, Expires, Thanks, Signature string
}

// EmailSubjects are the verification email's subject in every language
// mocksf speaks, English (EmailSubject) first: what a mailbox reader
// looks for.
func EmailSubjects() []string { return locales.Catalogue.Each("mail.subject") }

// composeEmail words the verification email in loc's language: the
// subject and both bodies. The action ("log in to Salesforce") is
// translated as the verification page translates it.
func composeEmail(loc *i18n.Localizer, d emailData) (mail.Message, error) {
	action := loc.Text(d.Action)
	w := emailWords{emailData: d, Lang: loc.Lang()}
	for _, m := range []struct {
		dst  *string
		key  string
		data []any
	}{
		{&w.Subject, "mail.subject", nil},
		{&w.Greeting, "mail.greeting", []any{"Name", d.Name}},
		{&w.TryingTo, "mail.tryingTo", []any{"Action", action}},
		{&w.EnterCode, "mail.enterCode", nil},
		{&w.UsernameLabel, "mail.username", nil},
		{&w.CodeLabel, "mail.code", nil},
		{&w.Expires, "mail.expires", []any{"Minutes", d.Minutes, "Action", action}},
		{&w.Thanks, "mail.thanks", nil},
		{&w.Signature, "mail.signature", nil},
	} {
		s, err := loc.T(m.key, m.data...)
		if err != nil {
			return mail.Message{}, err
		}
		*m.dst = s
	}
	var text, html bytes.Buffer
	if err := textEmail.Execute(&text, w); err != nil {
		return mail.Message{}, err
	}
	if err := htmlEmail.Execute(&html, w); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{Subject: w.Subject, Text: text.String(), HTML: html.String()}, nil
}

// textEmail is the verification email as Salesforce words it: the
// "Username:" and "Verification Code:" lines are what automation parses
// (reference §2.2; mail.CodeIn reads the label in every language).
var textEmail = texttemplate.Must(texttemplate.New("text").Parse(`{{.Greeting}}

{{.TryingTo}}

{{.EnterCode}}

{{.UsernameLabel}}: {{.Username}}
{{.CodeLabel}}: {{.Code}}

{{.Expires}}

{{.Thanks}}
{{.Signature}}
`))

// htmlEmail is the same email for mail readers that show HTML; the
// template escapes what the user and the admin typed.
var htmlEmail = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; font-size: 14px; color: #181818;">
<p>{{.Greeting}}</p>
<p>{{.TryingTo}}</p>
<p>{{.EnterCode}}</p>
<p>{{.UsernameLabel}}: <strong>{{.Username}}</strong><br>
{{.CodeLabel}}: <strong>{{.Code}}</strong></p>
<p>{{.Expires}}</p>
<p>{{.Thanks}}<br>{{.Signature}}</p>
</body>
</html>
`))

// Check compares a typed code with the session's code for purpose. The code
// is single-use: a right code is consumed. It returns ErrInvalidCode for a
// wrong code (or none sent), ErrExpiredCode once the code's lifetime has
// passed, and ErrTooMany from the wrong code that uses up MaxAttempts on:
// each asks for something else, retyping or a new code. While the user's
// verification is locked (MaxFailures) every code is ErrLockedOut, and
// the wrong code that reaches MaxFailures is too.
func (v *Verifier) Check(sessionID, purpose, typed string) error {
	sess, err := v.Store.Session(sessionID)
	if err != nil {
		return fmt.Errorf("identity: check code: %w", err)
	}
	now := v.Store.NowIn(sess.OrgID)
	if v.locked(sess.UserID, now) {
		return ErrLockedOut
	}
	typed = strings.TrimSpace(typed)
	var result error
	wrong := false
	_, err = v.Store.UpdateSession(sessionID, func(s *store.Session) {
		c, ok := s.Codes[purpose]
		switch {
		case !ok:
			result = ErrInvalidCode
		case c.Attempts >= v.MaxAttempts:
			result = ErrTooMany
		case now.After(c.ExpiresAt):
			result = ErrExpiredCode
		case subtle.ConstantTimeCompare([]byte(typed), []byte(c.Code)) != 1:
			c.Attempts++
			s.Codes[purpose] = c
			result, wrong = ErrInvalidCode, true
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
	switch {
	case wrong && v.countFailure(sess.UserID, now):
		return ErrLockedOut
	case result == nil:
		v.clearCounts(sess.UserID)
	}
	return result
}

// countSend counts a code about to be mailed to the user, or refuses it:
// ErrLockedOut while the user's verification is locked, ErrTooManyCodes
// when MaxCodes were sent within Window of the last one. Each send
// restarts the window, as Salesforce's does.
func (v *Verifier) countSend(userID string, now time.Time) error {
	var refused error
	_, err := v.Store.UpdateUser(userID, func(u *store.User) {
		n := &u.Verification
		switch {
		case v.lockedAt(n, now):
			refused = ErrLockedOut
			return
		case !now.Before(n.LastSent.Add(v.Window)):
			n.Sent = 0
		}
		if v.MaxCodes > 0 && n.Sent >= v.MaxCodes {
			refused = ErrTooManyCodes
			return
		}
		n.Sent, n.LastSent = n.Sent+1, now
	})
	if err != nil {
		return fmt.Errorf("identity: send code: %w", err)
	}
	return refused
}

// countFailure counts a wrong code of the user's and reports whether it
// locked the user's verification. Wrong codes count from the last one,
// within Window.
func (v *Verifier) countFailure(userID string, now time.Time) bool {
	locked := false
	_, _ = v.Store.UpdateUser(userID, func(u *store.User) {
		n := &u.Verification
		if v.lockedAt(n, now) {
			locked = true
			return
		}
		if !now.Before(n.LastFail.Add(v.Window)) {
			n.Failures = 0
		}
		n.Failures, n.LastFail = n.Failures+1, now
		if v.MaxFailures > 0 && n.Failures >= v.MaxFailures {
			n.LockedAt, locked = now, true
		}
	})
	return locked
}

// locked reports whether the user's verification is locked now.
func (v *Verifier) locked(userID string, now time.Time) bool {
	u, err := v.Store.User(userID)
	return err == nil && v.lockedAt(&u.Verification, now)
}

// lockedAt reports whether n is locked at now; a lock whose Window has
// passed is cleared with the failures that made it, so the user starts
// again with every attempt.
func (v *Verifier) lockedAt(n *store.VerificationCount, now time.Time) bool {
	if n.LockedAt.IsZero() {
		return false
	}
	if now.Before(n.LockedAt.Add(v.Window)) {
		return true
	}
	n.LockedAt, n.Failures = time.Time{}, 0
	return false
}

// clearCounts starts the user's counts again after a right code, as a
// successful login clears Keycloak's brute-force count: only someone who
// has the code gets there.
func (v *Verifier) clearCounts(userID string) {
	_, _ = v.Store.UpdateUser(userID, func(u *store.User) { u.Verification = store.VerificationCount{} })
}

// Message returns the text the verification page shows for a Check or
// Send error.
func Message(err error) string {
	switch {
	case errors.Is(err, ErrLockedOut):
		return MsgLockedOut
	case errors.Is(err, ErrTooManyCodes):
		return MsgCannotSend
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
