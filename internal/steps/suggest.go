package steps

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// quotedOrNumber is what a step's author chooses: a quoted value or a
// number. Suggestions and snippets look past them.
var quotedOrNumber = regexp.MustCompile(`"[^"]*"|\d[\d,]*`)

// suggestSteps returns the n catalogue steps nearest the text of an
// undefined step, in the wording of lang (the feature's language, so a
// step written in another language is answered with this one's): by the
// words they share and by edit distance, with the chosen values (quoted
// or numbers) left out of both. A language the catalogue does not speak
// is answered in English.
func suggestSteps(text, lang string, n int) []wording {
	type scored struct {
		w     wording
		score float64
	}
	if !slices.Contains(languages, lang) {
		lang = "en"
	}
	want := quotedOrNumber.ReplaceAllString(strings.ToLower(text), `""`)
	var all []scored
	for _, d := range catalog {
		w := d.in(lang)
		ex, _ := StripKeyword(lang, w.Example)
		got := quotedOrNumber.ReplaceAllString(strings.ToLower(ex), `""`)
		all = append(all, scored{w, similarity(want, got)})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var out []wording
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.w)
	}
	return out
}

// similarity is between 0 and 1: half the share of words in common
// (Jaccard), half one less the edit distance over the longer length.
func similarity(a, b string) float64 {
	wa, wb := words(a), words(b)
	common, union := 0, len(wb)
	for w := range wa {
		if wb[w] {
			common++
		} else {
			union++
		}
	}
	jaccard := 0.0
	if union > 0 {
		jaccard = float64(common) / float64(union)
	}
	ra, rb := []rune(a), []rune(b)
	longer := max(len(ra), len(rb), 1)
	return jaccard/2 + (1-float64(levenshtein(ra, rb))/float64(longer))/2
}

// words is the set of s's words; a quoted value counts as the word "".
// Japanese is written without spaces, so each of its characters (Han,
// Hiragana, Katakana) counts as a word of its own.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '"' }) {
		var latin strings.Builder
		for _, r := range w {
			if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
				out[string(r)] = true
				continue
			}
			latin.WriteRune(r)
		}
		if latin.Len() > 0 {
			out[latin.String()] = true
		}
	}
	return out
}

// levenshtein is the edit distance of a and b, in runes.
func levenshtein(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// UndefinedMessage says where an undefined step (keyword, text, at
// uri:line) is, which steps of the catalogue are nearest in the language
// of its feature, and how to add it.
func UndefinedMessage(uri string, line int, keyword, text string) string {
	var b strings.Builder
	lang := featureLanguage(uri, keyword)
	fmt.Fprintf(&b, "%s:%d: undefined step: %s%s\n", uri, line, keywordSpace(keyword), text)
	if !slices.Contains(languages, lang) {
		fmt.Fprintf(&b, "  the feature is in the language %q, which the catalogue does not speak (%s)\n", lang, strings.Join(languages, ", "))
	}
	b.WriteString("  did you mean:\n")
	near := suggestSteps(text, lang, 3)
	for _, s := range near {
		fmt.Fprintf(&b, "    %s\n", s.Example)
	}
	// The snippet goes in the section of the nearest step.
	section := catalog[0].Section
	if ex, _ := StripKeyword(lang, near[0].Example); ex != "" {
		if i, ok := catalogIndex(ex); ok {
			section = catalog[i].Section
		}
	}
	b.WriteString("  or add it to internal/steps/catalog.go (then run `make steps`; docs/writing-scenarios.md):\n")
	b.WriteString(Indent(strings.TrimRight(stepSnippet(section, lang, keyword, text), "\n")+"\n", "    "))
	return b.String()
}

// stepSnippet is a catalogue entry for an undefined step, in the form of
// internal/steps/catalog.go's entries, ready to paste into its list, followed by the
// world method it names, to write in a steps_*.go file (it needs
// godog imported until it does the step). The step's own language (lang)
// gets the typed text; the others are left empty, to be written in the
// documentation's words, which the catalogue test asks for until they
// are.
func stepSnippet(section, lang, keyword, text string) string {
	var pattern, method strings.Builder
	var params []string
	last := 0
	for _, m := range quotedOrNumber.FindAllStringIndex(text, -1) {
		pattern.WriteString(regexp.QuoteMeta(text[last:m[0]]))
		if text[m[0]] == '"' {
			pattern.WriteString(`"([^"]*)"`)
			params = append(params, fmt.Sprintf("arg%d string", len(params)+1))
		} else {
			pattern.WriteString(`([\d,]+)`)
			params = append(params, fmt.Sprintf("arg%d string", len(params)+1))
		}
		last = m[1]
	}
	pattern.WriteString(regexp.QuoteMeta(text[last:]))
	fields := strings.Fields(quotedOrNumber.ReplaceAllString(text, " "))
	if len(fields) > 1 && slices.Contains([]string{"the", "a", "an"}, strings.ToLower(fields[0])) {
		// As the catalogue's methods are named: adminLogsIn.
		fields = fields[1:]
	}
	for i, w := range fields {
		w = strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return r
			}
			return -1
		}, w)
		if w == "" {
			continue
		}
		first, rest := []rune(w)[0], string([]rune(w)[1:])
		if i == 0 || method.Len() == 0 {
			method.WriteString(string(unicode.ToLower(first)) + rest)
		} else {
			method.WriteString(string(unicode.ToUpper(first)) + rest)
		}
	}
	name := method.String()
	if name == "" || lang != "en" {
		name = "newStep"
	}
	own := fmt.Sprintf("`^%s$`, `%s%s`", pattern.String(), keywordSpace(keyword), text)
	slot := map[string]string{
		"en": `"" /* the pattern in English */, "What the step does, for docs/steps.md.", "" /* an example in English */`,
		"nl": `wording{"", ""} /* in Dutch, in the words of the documentation's Dutch */`,
		"ja": `wording{"", ""} /* in Japanese, in the words of the documentation's Japanese */`,
	}
	if _, ok := slot[lang]; !ok {
		lang = "en"
	}
	if lang == "en" {
		slot["en"] = fmt.Sprintf("`^%s$`,\n\t\"What the step does, for docs/steps.md.\",\n\t`%s%s`", pattern.String(), keywordSpace(keyword), text)
	} else {
		slot[lang] = "wording{" + own + "}"
	}
	return fmt.Sprintf("{%q, %s,\n\tfunc(w *world) any { return w.%s }, false,\n\t%s,\n\t%s},\n\n"+
		"// %s runs the step: %s.\nfunc (w *world) %s(%s) error {\n\treturn godog.ErrPending\n}\n",
		section, slot["en"], name, slot["nl"], slot["ja"], name, text, name, strings.Join(params, ", "))
}

// keywordSpace is a step keyword as an example writes it: with one
// space after it, Japanese ones included ("かつ ").
func keywordSpace(keyword string) string { return strings.TrimSpace(keyword) + " " }
