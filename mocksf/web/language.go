package web

import (
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/sfharness/sfharness/internal/i18n"
	"github.com/sfharness/sfharness/mocksf/locales"
	"github.com/sfharness/sfharness/mocksf/store"
)

// LocaleParam is the login page's query parameter that chooses its
// language, as Salesforce's own: login.salesforce.com/?locale=jp. Salesforce
// Help documents the parameter, with its Salesforce-defined codes, for
// Embedded Login ("Embedded Login Advanced Features", Multi-Language
// Support); pages about login.salesforce.com use it the same way (?locale=de,
// ?locale=jp). docs/mocksf-pages.md, Languages, cites them.
const LocaleParam = "locale"

// loginLocales are the Salesforce-defined locale codes of LocaleParam that
// are not BCP 47 language tags of the same language (Salesforce Help,
// "Embedded Login Advanced Features"). Other values, such as nl, de or a
// LanguageLocaleKey (nl_NL, ja), are read as language tags.
var loginLocales = map[string]string{
	"jp": "ja", "kr": "ko", "cn": "zh-Hans", "tw": "zh-Hant", "br": "pt-BR", "mx": "es-MX",
	"us": "en-US", "uk": "en-GB", "au": "en-AU", "ca": "en-CA", "in": "en-IN", "eu": "en-IE", "ap": "en-SG",
}

// Language is the language of the request's pages, one of
// locales.Catalogue's: the language of the session's user once someone
// has logged in (their LanguageLocaleKey, as Salesforce shows every page
// after login in the user's language); before that the login page's
// locale parameter, when given, and otherwise the browser's
// Accept-Language. Whatever mocksf does not speak is English.
func Language(r *http.Request) language.Tag {
	if u, ok := sessionUser(r); ok {
		return locales.Catalogue.Match(u.Language)
	}
	if loc := strings.TrimSpace(r.URL.Query().Get(LocaleParam)); loc != "" {
		if tag, ok := loginLocales[strings.ToLower(loc)]; ok {
			loc = tag
		}
		return locales.Catalogue.Match(loc)
	}
	return locales.Catalogue.Match(r.Header.Get("Accept-Language"))
}

// sessionUser is the user of the request's session, known from the right
// password on (before verification too: the verification page and mail
// speak the user's language).
func sessionUser(r *http.Request) (store.User, bool) {
	st, ok := r.Context().Value(storeKey{}).(*store.Store)
	if !ok {
		return store.User{}, false
	}
	sess, err := Session(st, r)
	if err != nil || sess.UserID == "" {
		return store.User{}, false
	}
	u, err := st.User(sess.UserID)
	return u, err == nil
}

// valueText is the template function "txv": it translates a message that
// Go code built and that may end in the value it names, as a field
// error does ("Error: Invalid callback URL: " followed by the URL typed,
// "Error: bad value for restricted picklist field: " followed by the
// value posted). A message the catalogue has whole is translated as tx
// translates it; otherwise the longest start of it that ends in ": " and
// that the catalogue has is translated and the rest, the value, is kept
// as it is: a URL or a picklist value is the same in every language. A
// message the catalogue lacks stays English.
func valueText(loc *i18n.Localizer) func(string) string {
	return func(s string) string {
		if t := loc.Text(s); t != s {
			return t
		}
		for i := strings.LastIndex(s, valueSep); i >= 0; i = strings.LastIndex(s[:i], valueSep) {
			if t, err := loc.T(s[:i+len(valueSep)]); err == nil {
				return t + s[i+len(valueSep):]
			}
		}
		return s
	}
}

// valueSep ends the part of a message that comes before the value it
// names (valueText).
const valueSep = ": "

// dateIn is the template function "date": a day in the language's short
// date format, the catalogue's "format.date", a Go time layout (1/2/2006
// in English, 02-01-2006 in Dutch, 2006/01/02 in Japanese: the order of
// day, month and year differs). golang.org/x/text formats no dates, so
// the layout lives with the language's words. Dates are shown in UTC, as
// mocksf knows no user's time zone.
func dateIn(loc *i18n.Localizer) func(time.Time) string {
	layout := loc.MustT("format.date")
	return func(t time.Time) string { return t.UTC().Format(layout) }
}
