package steps

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
)

// The languages of the catalogue as Gherkin knows them: the step
// keywords of each come from the Gherkin parser's own dialects (what
// godog parses features with), not from a list of our own.

// stepKeywords are the step keywords of a Gherkin language, longest
// first, with the trailing space of those that have one ("Given ",
// "En "; Japanese "前提" has none).
func stepKeywords(lang string) []string {
	d := gherkin.DialectsBuiltin().GetDialect(lang)
	if d == nil {
		return nil
	}
	var out []string
	for _, k := range d.StepKeywords() {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// StripKeyword is line without its leading step keyword of lang (and
// the spaces after it), and whether it had one.
func StripKeyword(lang, line string) (string, bool) {
	for _, k := range stepKeywords(lang) {
		if rest, ok := strings.CutPrefix(line, k); ok {
			return strings.TrimLeft(rest, " "), true
		}
	}
	return line, false
}

// StepKeyword is the keyword a step starts with, in any of the
// catalogue's languages, in its examples and in godog's output.
var StepKeyword = func() *regexp.Regexp {
	var alts []string
	for _, lang := range languages {
		for _, k := range stepKeywords(lang) {
			if alt := regexp.QuoteMeta(k); !strings.HasSuffix(k, " ") {
				alts = append(alts, alt+" *")
			} else {
				alts = append(alts, alt)
			}
		}
	}
	return regexp.MustCompile(`^(?:` + strings.Join(alts, "|") + `)`)
}()

// languageHeader is Gherkin's "# language: xx" comment.
var languageHeader = regexp.MustCompile(`^\s*#\s*language\s*:\s*([A-Za-z_-]+)\s*$`)

// featureLanguage is the Gherkin language of the feature file at uri:
// its "# language:" header, as Gherkin reads it (a comment before the
// Feature line), or "en". When the file cannot be read, it is the one
// catalogue language that has the step's keyword, or "en".
func featureLanguage(uri, keyword string) string {
	if f, err := os.Open(uri); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if m := languageHeader.FindStringSubmatch(line); m != nil {
				return m[1]
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				break
			}
		}
		return "en"
	}
	var found []string
	for _, lang := range languages {
		if slices.Contains(stepKeywords(lang), keyword) {
			found = append(found, lang)
		}
	}
	if len(found) == 1 {
		return found[0]
	}
	return "en"
}
