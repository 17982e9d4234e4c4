package steps

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/sfharness/sfharness/internal/i18n"
)

// The catalogue's explanations and section names in the documentation's
// languages. English is the source and stays beside each step in
// catalog.go (Doc and Section), as go-i18n's own workflow keeps the
// source language in Go code and has `goi18n extract` write it out as
// active.en.toml for translators (go-i18n v2.7.0 README, "Extracting
// messages"): `make steps` writes locales/en.toml from catalog.go the
// same way. locales/nl.toml and locales/ja.toml are the translations,
// read by internal/i18n.
//
// A step's key is its English pattern, exactly as in catalog.go, in the
// [step] table; a section's is its English name in the [section] table.
// The pattern is already the step's identity (the generated
// registrations and the Cucumber language service find a step by it),
// it is a public interface that is added to and never renamed, and a
// new step needs no other field of catalog.go: checkTexts names what its
// translation lacks. An explicit Key field would have made every entry
// of catalog.go longer for a second name of the same step.

//go:embed locales/*.toml
var localeFiles embed.FS

// localesDir is where the catalogue's message files are, under
// internal/steps.
const localesDir = "locales"

// englishTextsFile is the file make steps writes from catalog.go, under
// internal/steps.
const englishTextsFile = localesDir + "/en.toml"

// The catalogue files' tables.
const (
	sectionTable = "section"
	stepTable    = "step"
)

// stepLocales is the catalogue's message files.
func stepLocales() fs.FS {
	sub, err := fs.Sub(localeFiles, localesDir)
	if err != nil {
		panic(err) // localesDir is a constant embedded above
	}
	return sub
}

// stepTexts is the catalogue's messages, read once, when a page is
// first written: a broken file then fails make steps and the tests with
// its error rather than every program that imports the steps.
var stepTexts = sync.OnceValues(func() (*i18n.Catalogue, error) {
	return i18n.New(stepLocales())
})

func sectionKey(section string) string { return sectionTable + "." + section }
func stepKey(d stepDef) string         { return stepTable + "." + d.Pattern }

// translated are the catalogue's languages besides English, the source.
func translated() []string { return languages[1:] }

// languageName is the language's English name ("Dutch"), for messages.
func languageName(lang string) string {
	return display.English.Languages().Name(language.Make(lang))
}

// sections are the catalogue's section names, in order of first use.
func sections(defs []stepDef) []string {
	var out []string
	for _, d := range defs {
		if !slices.Contains(out, d.Section) {
			out = append(out, d.Section)
		}
	}
	return out
}

// tomlLine is one `key = "text"` line of a catalogue file, quoted as
// TOML quotes it.
func tomlLine(key, text string) (string, error) {
	b, err := toml.Marshal(map[string]string{key: text})
	if err != nil {
		return "", fmt.Errorf("steps: quote %q for TOML: %w", key, err)
	}
	return strings.TrimSuffix(string(b), "\n"), nil
}

// writeEnglishTexts writes englishTextsFile: the section names and each
// step's explanation from defs, in the catalogue's order, as the
// reference a translator reads (and as internal/i18n.New requires).
func writeEnglishTexts(defs []stepDef, out io.Writer) error {
	var b bytes.Buffer
	b.WriteString("# Generated from internal/steps/catalog.go (Section, Doc) by make steps; do not edit.\n" +
		"# The step catalogue's section names and explanations in English, the source of\n" +
		"# nl.toml and ja.toml: the same keys there, in their language (catalog_text.go).\n")
	fmt.Fprintf(&b, "\n[%s]\n", sectionTable)
	for _, s := range sections(defs) {
		line, err := tomlLine(s, s)
		if err != nil {
			return err
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "\n[%s]\n", stepTable)
	section := ""
	for _, d := range defs {
		if d.Section != section {
			section = d.Section
			fmt.Fprintf(&b, "\n# %s\n", section)
		}
		line, err := tomlLine(d.Pattern, d.Doc)
		if err != nil {
			return err
		}
		b.WriteString(line + "\n")
	}
	_, err := out.Write(b.Bytes())
	return err
}

// checkTexts verifies that every section and step of defs has its name
// and explanation in each translated language of fsys, that no key there
// is left from a step or section that is gone, and that none is empty or
// still the English text. Each problem names the step or section, the
// file and the line to add.
func checkTexts(defs []stepDef, fsys fs.FS) error {
	var problems []string
	for _, lang := range translated() {
		file := lang + ".toml"
		path := localesDir + "/" + file
		name := languageName(lang)
		msgs, err := i18n.Messages(fsys, file)
		if err != nil {
			problems = append(problems, fmt.Sprintf("internal/steps/%s: %v (the %s section names and explanations of the step catalogue)", path, err, name))
			continue
		}
		known := map[string]bool{}
		for _, s := range sections(defs) {
			key := sectionKey(s)
			known[key] = true
			if _, ok := msgs[key]; !ok {
				line, err := tomlLine(s, "<"+s+" in "+name+">")
				if err != nil {
					return err
				}
				problems = append(problems, fmt.Sprintf("the section %q has no %s name: add to internal/steps/%s, under [%s]:\n\t%s", s, name, path, sectionTable, line))
			}
		}
		for _, d := range defs {
			key := stepKey(d)
			known[key] = true
			text, ok := msgs[key]
			switch {
			case !ok:
				line, err := tomlLine(d.Pattern, "<in "+name+": "+d.Doc+">")
				if err != nil {
					return err
				}
				problems = append(problems, fmt.Sprintf("the step %q has no %s explanation: add to internal/steps/%s, under [%s]:\n\t%s", d.Pattern, name, path, stepTable, line))
			case text == d.Doc:
				problems = append(problems, fmt.Sprintf("the step %q: its %s explanation in internal/steps/%s is the English text: translate it", d.Pattern, name, path))
			}
		}
		for _, key := range slices.Sorted(maps.Keys(msgs)) {
			text := msgs[key]
			switch {
			case !known[key]:
				problems = append(problems, fmt.Sprintf("internal/steps/%s: %s matches no step or section of internal/steps/catalog.go: remove it, or key it by the step's English pattern (or section name) as catalog.go has it now", path, fileKey(key)))
			case strings.TrimSpace(text) == "":
				problems = append(problems, fmt.Sprintf("internal/steps/%s: %s is empty: write its %s text", path, fileKey(key), name))
			case strings.Contains(text, "{{"):
				problems = append(problems, fmt.Sprintf("internal/steps/%s: %s has a template action ({{): the catalogue's texts are plain text", path, fileKey(key)))
			}
		}
	}
	if len(problems) > 0 {
		return errors.New("steps: the step catalogue's translations are incomplete:\n" + strings.Join(problems, "\n"))
	}
	return nil
}

// fileKey is a message key as a catalogue file shows it: `"^...$" under
// [step]` for go-i18n's "step.^...$".
func fileKey(key string) string {
	for _, table := range []string{sectionTable, stepTable} {
		if k, ok := strings.CutPrefix(key, table+"."); ok {
			return fmt.Sprintf("%q under [%s]", k, table)
		}
	}
	return fmt.Sprintf("%q", key)
}

// catalogTexts gives a catalogue page its section names and
// explanations in the page's language: English from catalog.go, the
// others from their message file.
type catalogTexts struct {
	loc *i18n.Localizer // nil for English
}

// textsIn returns the catalogue's texts in the language, after checking
// that the language has every one of them.
func textsIn(lang string) (catalogTexts, error) {
	if lang == languages[0] {
		return catalogTexts{}, nil
	}
	if err := checkTexts(catalog, stepLocales()); err != nil {
		return catalogTexts{}, err
	}
	cat, err := stepTexts()
	if err != nil {
		return catalogTexts{}, fmt.Errorf("steps: the step catalogue's translations: %w", err)
	}
	return catalogTexts{loc: cat.In(language.Make(lang))}, nil
}

// section is the section's name.
func (c catalogTexts) section(s string) (string, error) {
	if c.loc == nil {
		return s, nil
	}
	return c.loc.T(sectionKey(s))
}

// doc is the step's explanation.
func (c catalogTexts) doc(d stepDef) (string, error) {
	if c.loc == nil {
		return d.Doc, nil
	}
	return c.loc.T(stepKey(d))
}
