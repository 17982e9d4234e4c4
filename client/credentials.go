package client

import (
	"strings"

	"github.com/sfharness/sfharness/client/store"
)

// validateCredentials trims the typed Consumer Key and Consumer Secret and
// checks their shape; it returns the admin-facing problems, if any.
func validateCredentials(key, secret string) (store.Credentials, []message) {
	c := store.Credentials{ConsumerKey: strings.TrimSpace(key), ConsumerSecret: strings.TrimSpace(secret)}
	var problems []message
	switch {
	case c.ConsumerKey == "":
		problems = append(problems, msgConsumerKeyMissing)
	case !validConsumerKey(c.ConsumerKey):
		problems = append(problems, msgConsumerKeyShape)
	}
	switch {
	case c.ConsumerSecret == "":
		problems = append(problems, msgConsumerSecretMissing)
	case !validConsumerSecret(c.ConsumerSecret):
		problems = append(problems, msgConsumerSecretShape)
	}
	return c, problems
}

// validConsumerKey: Salesforce consumer keys are 85 characters of
// [A-Za-z0-9._]; allow 20 to 255 of them.
func validConsumerKey(s string) bool {
	if len(s) < 20 || len(s) > 255 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// validConsumerSecret: secrets are 19 digits or 64 hex characters; allow 8
// to 255 printable ASCII characters without spaces.
func validConsumerSecret(s string) bool {
	if len(s) < 8 || len(s) > 255 {
		return false
	}
	for _, r := range s {
		if r < '!' || r > '~' {
			return false
		}
	}
	return true
}
