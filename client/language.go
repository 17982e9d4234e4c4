package client

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"

	"github.com/sfharness/sfharness/internal/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// localeFS is Beacon's message catalogue: every word of its pages and
// every message it shows, one TOML file per language (locales/en.toml,
// nl.toml, ja.toml), read by internal/i18n as mocksf's is.
//
//go:embed locales/*.toml
var localeFS embed.FS

// catalogue is Beacon's messages in every language it speaks.
var catalogue = i18n.MustNew(localeFiles())

// english is the catalogue's reference language, in which Beacon's log
// and its database (store.Options.Describe) keep the messages they store.
var english = catalogue.In(i18n.Fallback)

// localeFiles is the catalogue's directory, for i18n.New and i18n.Check.
func localeFiles() fs.FS {
	sub, err := fs.Sub(localeFS, "locales")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	return sub
}

const (
	// langParam chooses the language of a page, as ?lang=nl on any page
	// of Beacon; the choice is kept in langCookie for the pages after it.
	langParam = "lang"
	// langCookie keeps the language chosen with langParam.
	langCookie = "beacon_lang"
	// langCookieAge keeps the choice for a year, as a setting.
	langCookieAge = 365 * 24 * 60 * 60
)

// pageLanguage is the language of r's answer, one of the catalogue's:
// the lang parameter, else the langCookie, else the browser's
// Accept-Language, matched by golang.org/x/text/language; English when
// none of them is a language Beacon speaks.
func pageLanguage(r *http.Request) language.Tag {
	prefs := []string{r.URL.Query().Get(langParam)}
	if c, err := r.Cookie(langCookie); err == nil {
		prefs = append(prefs, c.Value)
	}
	return catalogue.Match(append(prefs, r.Header.Get("Accept-Language"))...)
}

// localizer gives r's messages in pageLanguage.
func localizer(r *http.Request) *i18n.Localizer { return catalogue.In(pageLanguage(r)) }

// chosenLanguage is the language the lang parameter asks for, when Beacon
// speaks it: "de" or "!!" is no choice, and leaves the cookie alone.
func chosenLanguage(r *http.Request) (language.Tag, bool) {
	want := i18n.ParsePreference(r.URL.Query().Get(langParam))
	if len(want) == 0 {
		return language.Und, false
	}
	got := catalogue.Match(r.URL.Query().Get(langParam))
	wantBase, _ := want[0].Base()
	gotBase, _ := got.Base()
	return got, wantBase == gotBase
}

// rememberLanguage keeps the language a page was asked for with the lang
// parameter in langCookie, so that the next pages, the pop-up's callback
// among them, speak it without the parameter.
func rememberLanguage(secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tag, ok := chosenLanguage(r); ok && !strings.HasPrefix(r.URL.Path, "/static/") {
			http.SetCookie(w, &http.Cookie{
				Name:     langCookie,
				Value:    tag.String(),
				Path:     "/",
				MaxAge:   langCookieAge,
				HttpOnly: true,
				Secure:   secure,
				SameSite: http.SameSiteLaxMode,
			})
		}
		next.ServeHTTP(w, r)
	})
}

// languageChoice is one entry of the pages' language switcher: a link
// to the same page with ?lang=, named in its own language.
type languageChoice struct {
	Tag  string // "nl", for lang= and hreflang
	Name string // "Nederlands", as x/text's display.Self names it
}

// languageChoices are the catalogue's languages for the switcher,
// English first.
func languageChoices() []languageChoice {
	var out []languageChoice
	for _, tag := range catalogue.Languages() {
		out = append(out, languageChoice{Tag: tag.String(), Name: display.Self.Name(tag)})
	}
	return out
}
