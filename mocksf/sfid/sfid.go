// Package sfid makes Salesforce record IDs: 15 case-sensitive characters
// (a 3-character key prefix, a 2-character pod/instance part and a serial),
// and their 18-character case-insensitive form with the checksum suffix.
package sfid

import (
	"fmt"
	"strings"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// KeyPrefixes maps the objects mocksf knows to their Salesforce key prefixes.
var KeyPrefixes = map[string]string{
	"Organization":    "00D",
	"User":            "005",
	"Lead":            "00Q",
	"Contact":         "003",
	"Account":         "001",
	"Opportunity":     "006",
	"Campaign":        "701",
	"CampaignMember":  "00v",
	"Task":            "00T",
	"ConnectedApp":    "0H4",
	"ConnectedAppKey": "888",
}

// New returns the 18-character ID for the n-th record with the given key
// prefix. The pod part is fixed ("5g") so IDs look like a real org's.
func New(prefix string, n uint64) string {
	var serial [10]byte
	for i := len(serial) - 1; i >= 0; i-- {
		serial[i] = base62[n%62]
		n /= 62
	}
	return To18(prefix + "5g" + string(serial[:]))
}

// To18 appends the 3-character checksum that makes a 15-character ID
// case-insensitive. It returns id unchanged when it is not 15 characters.
func To18(id string) string {
	if len(id) != 15 {
		return id
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var suffix [3]byte
	for chunk := 0; chunk < 3; chunk++ {
		bits := 0
		for i := 0; i < 5; i++ {
			c := id[chunk*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		suffix[chunk] = alphabet[bits]
	}
	return id + string(suffix[:])
}

// To15 returns the case-sensitive 15-character form of an 15- or 18-character ID.
func To15(id string) string {
	if len(id) == 18 {
		return id[:15]
	}
	return id
}

// Valid reports whether id is a well-formed 15- or 18-character ID, checking
// the checksum of the 18-character form.
func Valid(id string) bool {
	if len(id) != 15 && len(id) != 18 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if strings.IndexByte(base62, id[i]) < 0 {
			return false
		}
	}
	if len(id) == 18 {
		return strings.EqualFold(To18(id[:15]), id) && To18(id[:15])[15:] == strings.ToUpper(id[15:])
	}
	return true
}

// Equal reports whether two IDs name the same record, whatever their forms.
func Equal(a, b string) bool {
	return Valid(a) && Valid(b) && To15(a) == To15(b)
}

// Match is how mocksf's filters (the request journal's, mail's, fault
// rules') compare an ID given in either form with a stored one: by the
// first 15 characters when both have that many, as they are otherwise.
// Unlike Equal it checks neither, so a filter that is no ID still
// matches itself.
func Match(a, b string) bool {
	if len(a) >= 15 && len(b) >= 15 {
		return a[:15] == b[:15]
	}
	return a == b
}

// Prefix returns the key prefix of id, or an error when id is malformed.
func Prefix(id string) (string, error) {
	if !Valid(id) {
		return "", fmt.Errorf("sfid: malformed id %q", id)
	}
	return id[:3], nil
}
