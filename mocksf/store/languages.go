package store

import (
	"fmt"
	"slices"
	"strings"
)

// DefaultLanguage is a user's LanguageLocaleKey when the seed gives none,
// as a new user of a US org has.
const DefaultLanguage = "en_US"

// Languages are the LanguageLocaleKey values of Salesforce's fully
// supported languages, as the Metadata API's Translations type lists them
// ("Salesforce offers full support for the following languages", Metadata
// API Developer Guide, Translations). A user may have any of them; mocksf's
// pages speak English, Dutch and Japanese (package locales) and show
// English for the others.
var Languages = []string{
	"zh_CN", "zh_TW", "da", "nl_NL", "en_US", "fi", "fr", "de", "it", "ja",
	"ko", "no", "pt_BR", "ru", "es", "es_MX", "sv", "th",
}

// LanguageKey is the user's LanguageLocaleKey, DefaultLanguage for a
// user made without one.
func (u User) LanguageKey() string {
	if u.Language == "" {
		return DefaultLanguage
	}
	return u.Language
}

// CheckLanguage reports whether key is one of Languages, which are
// case-sensitive as Salesforce's picklist values are.
func CheckLanguage(key string) error {
	if slices.Contains(Languages, key) {
		return nil
	}
	return fmt.Errorf("%q is not a Salesforce language (want a LanguageLocaleKey, one of %s)", key, strings.Join(Languages, " "))
}
