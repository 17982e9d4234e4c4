// Package i18n is the message catalogue of a server's pages and mails: one
// TOML file per language, read by github.com/nicksnyder/go-i18n/v2, with
// the language chosen by golang.org/x/text/language's matcher from a
// Salesforce locale key (LanguageLocaleKey values such as "en_US",
// "nl_NL", "ja") or an HTTP Accept-Language header, English when nothing
// matches.
//
// A caller embeds its own catalogue directory and hands it over as an
// fs.FS:
//
//	//go:embed locales/*.toml
//	var locales embed.FS
//
//	cat := i18n.MustNew(must(fs.Sub(locales, "locales")))
//	loc := cat.Localizer(r.Header.Get("Accept-Language"))
//	tmpl.Funcs(loc.Funcs()) // {{t "login.title"}}
//
// Every file is named for its language's BCP 47 tag ("en.toml",
// "nl.toml", "ja.toml"); en.toml is required and is the reference that
// Check compares the others with.
package i18n

import (
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Fallback is the language of a catalogue's reference file and the one
// shown when no other matches.
var Fallback = language.English

// fileExt is the catalogue files' format: TOML, the format go-i18n's own
// goi18n tool writes and its documentation uses.
const fileExt = ".toml"

// Catalogue holds one server's messages in every language it speaks.
type Catalogue struct {
	bundle  *goi18n.Bundle
	tags    []language.Tag // Fallback first: the matcher's default
	matcher language.Matcher
}

// New reads every *.toml file at the root of fsys. It fails when en.toml
// is missing or a file does not parse; a key missing in one language is
// not an error here (the page shows English there), but Check reports it.
func New(fsys fs.FS) (*Catalogue, error) {
	files, err := catalogueFiles(fsys)
	if err != nil {
		return nil, err
	}
	b := goi18n.NewBundle(Fallback)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	tags := []language.Tag{Fallback}
	for _, f := range files {
		mf, err := b.LoadMessageFileFS(fsys, f.name)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f.name, err)
		}
		if f.tag != Fallback {
			tags = append(tags, mf.Tag)
		}
	}
	return &Catalogue{bundle: b, tags: tags, matcher: language.NewMatcher(tags)}, nil
}

// MustNew is New for catalogues embedded in the binary, whose errors are
// the programmer's: it panics.
func MustNew(fsys fs.FS) *Catalogue {
	c, err := New(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

// Languages returns the languages the catalogue speaks, Fallback first.
func (c *Catalogue) Languages() []language.Tag { return slices.Clone(c.tags) }

// Match returns the catalogue's language that best fits prefs, each a
// Salesforce locale key ("nl_NL", "ja"), a BCP 47 tag ("nl-NL") or a whole
// Accept-Language header ("nl-BE,nl;q=0.9,en;q=0.5"), tried in order of
// preference. Anything unparsable is skipped; when nothing matches,
// Match returns Fallback.
func (c *Catalogue) Match(prefs ...string) language.Tag {
	var want []language.Tag
	for _, p := range prefs {
		want = append(want, ParsePreference(p)...)
	}
	if len(want) == 0 {
		return Fallback
	}
	_, i, conf := c.matcher.Match(want...)
	if conf == language.No {
		return Fallback
	}
	return c.tags[i]
}

// ParsePreference reads one language preference: a Salesforce locale
// key, whose underscore x/text reads as BCP 47's hyphen, a BCP 47 tag or
// an Accept-Language header, highest quality first. It returns nil for
// an empty or unparsable one.
func ParsePreference(p string) []language.Tag {
	p = strings.TrimSpace(p)
	if p == "" {
		return nil
	}
	tags, _, err := language.ParseAcceptLanguage(p)
	if err != nil {
		return nil
	}
	return tags
}

// Each returns the message key in every language that has it, Fallback
// first: for reading what any language wrote, such as the label of a
// code in a mail.
func (c *Catalogue) Each(key string) []string {
	var out []string
	for _, tag := range c.tags {
		msg, got, err := goi18n.NewLocalizer(c.bundle, tag.String()).LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: key})
		if err == nil && got == tag && !slices.Contains(out, msg) {
			out = append(out, msg)
		}
	}
	return out
}

// Localizer returns the localizer for the language Match chooses from
// prefs.
func (c *Catalogue) Localizer(prefs ...string) *Localizer {
	return c.In(c.Match(prefs...))
}

// In returns the localizer for tag, one of Languages (another falls back
// as Match would).
func (c *Catalogue) In(tag language.Tag) *Localizer {
	if !slices.Contains(c.tags, tag) {
		tag = c.Match(tag.String())
	}
	return &Localizer{tag: tag, loc: goi18n.NewLocalizer(c.bundle, tag.String())}
}

// Localizer gives the messages of one language.
type Localizer struct {
	tag language.Tag
	loc *goi18n.Localizer
}

// Tag returns the localizer's language.
func (l *Localizer) Tag() language.Tag { return l.tag }

// Lang returns the language's BCP 47 tag, for an <html lang> attribute or
// a Content-Language header.
func (l *Localizer) Lang() string { return l.tag.String() }

// T returns the message key in the localizer's language, or in English
// when the language lacks it. data fills the message's {{.Field}}
// placeholders: either one value (a map or a struct) or pairs of a field
// name and its value, as a template calls it:
//
//	{{t "verify.sentTo" "Email" .MaskedEmail}}
//
// It fails for a key English lacks too, or for data that does not fit the
// message, so that a template with a typo fails to render in tests
// rather than show a key.
func (l *Localizer) T(key string, data ...any) (string, error) {
	td, err := templateData(data)
	if err != nil {
		return "", fmt.Errorf("i18n: %s: %w", key, err)
	}
	msg, _, err := l.loc.LocalizeWithTag(&goi18n.LocalizeConfig{MessageID: key, TemplateData: td})
	var notFound *goi18n.MessageNotFoundErr
	if errors.As(err, &notFound) && msg != "" {
		return msg, nil // English stands in; Check reports the gap
	}
	if err != nil {
		return "", fmt.Errorf("i18n: %s in %s: %w", key, l.tag, err)
	}
	return msg, nil
}

// MustT is T for code whose keys and data are fixed and tested: it
// returns the key itself rather than fail.
func (l *Localizer) MustT(key string, data ...any) string {
	s, err := l.T(key, data...)
	if err != nil {
		return key
	}
	return s
}

// Text translates a string that code hands a template, such as a page
// title or a menu label built in Go: the message whose key is the English
// text itself, as gettext's msgid is. A text the catalogue lacks stays as
// it is, so such strings can be translated one at a time.
func (l *Localizer) Text(english string) string {
	s, err := l.T(english)
	if err != nil || s == "" {
		return english
	}
	return s
}

// Funcs returns the template functions of the localizer, for
// html/template's (or text/template's) Funcs: "t" (T), "tx" (Text) and
// "lang" (Lang).
func (l *Localizer) Funcs() template.FuncMap {
	return template.FuncMap{"t": l.T, "tx": l.Text, "lang": l.Lang}
}

func templateData(data []any) (any, error) {
	switch {
	case len(data) == 0:
		return nil, nil
	case len(data) == 1:
		return data[0], nil
	case len(data)%2 != 0:
		return nil, fmt.Errorf("data is %d values: want one value or name/value pairs", len(data))
	}
	m := make(map[string]any, len(data)/2)
	for i := 0; i < len(data); i += 2 {
		name, ok := data[i].(string)
		if !ok {
			return nil, fmt.Errorf("data name %d is %T, not a string", i/2, data[i])
		}
		m[name] = data[i+1]
	}
	return m, nil
}

type catalogueFile struct {
	name string
	tag  language.Tag
}

// catalogueFiles lists fsys's *.toml files, the reference en.toml first,
// and checks that each is named for a language.
func catalogueFiles(fsys fs.FS) ([]catalogueFile, error) {
	names, err := fs.Glob(fsys, "*"+fileExt)
	if err != nil {
		return nil, fmt.Errorf("i18n: list catalogue: %w", err)
	}
	var files []catalogueFile
	haveFallback := false
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), fileExt)
		tag, err := language.Parse(base)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: the file name is not a language tag: %w", name, err)
		}
		if tag == Fallback {
			haveFallback = true
			files = slices.Insert(files, 0, catalogueFile{name, tag})
			continue
		}
		files = append(files, catalogueFile{name, tag})
	}
	if !haveFallback {
		return nil, fmt.Errorf("i18n: no %s%s in the catalogue (found %q)", Fallback, fileExt, names)
	}
	return files, nil
}
