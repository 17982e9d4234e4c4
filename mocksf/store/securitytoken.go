package store

import (
	"crypto/subtle"
	"errors"
	"strings"
)

// Security tokens (Salesforce's "Reset My Security Token"): an API login
// from an address the org does not trust must append the user's token to
// the password, "mypasswordXXXXXXXXXX" (SOAP API Developer Guide,
// login(); reference §4.2 for the username-password flow).

// ErrMustUseSecurityToken is a right password without the security token
// from an address that needs it (SOAP's LOGIN_MUST_USE_SECURITY_TOKEN).
var ErrMustUseSecurityToken = errors.New("security token required")

// SecurityTokenLength is the length of a generated security token:
// Salesforce's are 24 or 25 letters and digits (25 in recent captures).
const SecurityTokenLength = 25

// MaxSecurityTokenLength bounds a seeded token.
const MaxSecurityTokenLength = 80

// NewSecurityToken returns a fresh token like Salesforce's.
func NewSecurityToken() string { return randomString(SecurityTokenLength, alnum) }

// validSecurityToken reports whether a seeded token is letters and digits
// only, as Salesforce's are, and not too long.
func validSecurityToken(t string) bool {
	if t == "" || len(t) > MaxSecurityTokenLength {
		return false
	}
	return strings.Trim(t, alnum) == ""
}

// APILoginTrusted reports whether an API login from remoteAddr needs no
// security token: the address is in the org's trusted IP ranges, or in
// its Login IP Ranges (Salesforce asks no token inside a profile's login
// ranges), or it is a loopback address and loopbackTrusted is set.
func (o Org) APILoginTrusted(remoteAddr string, loopbackTrusted bool) bool {
	addr, ok := remoteIP(remoteAddr)
	if !ok {
		return false
	}
	if loopbackTrusted && addr.IsLoopback() {
		return true
	}
	return o.TrustedIPRanges.Contains(addr) || o.LoginIPRanges.Contains(addr)
}

// AuthenticateAPI checks an API login's username and secret: the password,
// followed by the security token unless trusted says the address needs
// none (a trusted address may still append it). Wrong secrets count
// towards the lock-out as Authenticate's do; a right password without the
// needed token is ErrMustUseSecurityToken and counts too, since Salesforce
// logs it as a failed login. An inactive user fails as a wrong password.
func (s *Store) AuthenticateAPI(username, secret string, maxFailures int, trusted bool) (User, error) {
	return s.authenticate(username, secret, maxFailures, func(u *User) error {
		withToken := subtle.ConstantTimeCompare([]byte(u.Password+u.SecurityToken), []byte(secret)) == 1 && u.SecurityToken != ""
		bare := subtle.ConstantTimeCompare([]byte(u.Password), []byte(secret)) == 1
		switch {
		case !u.Active:
			return ErrInvalidLogin
		case withToken || (bare && trusted):
			return nil
		case bare:
			return ErrMustUseSecurityToken
		}
		return ErrInvalidLogin
	})
}

// PasswordMatches reports whether secret is the user's password, alone or
// followed by the security token.
func (u User) PasswordMatches(secret string) bool {
	bare := subtle.ConstantTimeCompare([]byte(u.Password), []byte(secret)) == 1
	withToken := subtle.ConstantTimeCompare([]byte(u.Password+u.SecurityToken), []byte(secret)) == 1
	return bare || (withToken && u.SecurityToken != "")
}
