package e2e

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// quotedOrNumber is what a step's author chooses: a quoted value or a
// number. Suggestions and snippets look past them.
var quotedOrNumber = regexp.MustCompile(`"[^"]*"|\d[\d,]*`)

// stepKeyword is the keyword a step starts with, in the catalogue's
// examples and in godog's output.
var stepKeyword = regexp.MustCompile(`^(Given|When|Then|And|But|\*) `)

// suggestSteps returns the n catalogue steps nearest the text of an
// undefined step: by the words they share and by edit distance, with the
// chosen values (quoted or numbers) left out of both.
func suggestSteps(text string, n int) []stepDef {
	type scored struct {
		def   stepDef
		score float64
	}
	want := quotedOrNumber.ReplaceAllString(strings.ToLower(text), `""`)
	var all []scored
	for _, d := range catalog {
		ex := stepKeyword.ReplaceAllString(d.Example, "")
		got := quotedOrNumber.ReplaceAllString(strings.ToLower(ex), `""`)
		all = append(all, scored{d, similarity(want, got)})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	var out []stepDef
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.def)
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
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '"' }) {
		out[w] = true
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

// undefinedMessage says where an undefined step is, which steps of the
// catalogue are nearest, and how to add it.
func undefinedMessage(uri string, st cukeStep) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: undefined step: %s%s\n", uri, st.Line, st.Keyword, st.Name)
	b.WriteString("  did you mean:\n")
	near := suggestSteps(st.Name, 3)
	for _, s := range near {
		fmt.Fprintf(&b, "    %s\n", s.Example)
	}
	b.WriteString("  or add it to e2e/catalog.go (then run `make steps`; docs/writing-scenarios.md):\n")
	for _, l := range strings.Split(strings.TrimRight(stepSnippet(near[0].Section, st.Keyword, st.Name), "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

// writeUndefined prints undefinedMessage for every undefined step of
// the run, once per file and line.
func writeUndefined(w io.Writer, fs []cukeFeature) {
	seen := map[string]bool{}
	for _, f := range fs {
		for _, e := range f.Elements {
			for _, st := range e.Steps {
				key := fmt.Sprintf("%s:%d", f.URI, st.Line)
				if st.Result.Status != "undefined" || seen[key] {
					continue
				}
				seen[key] = true
				fmt.Fprintf(w, "\n%s", undefinedMessage(f.URI, st))
			}
		}
	}
}

// stepSnippet is a catalogue entry for an undefined step, in the form of
// e2e/catalog.go's entries, ready to paste into its list, followed by the
// world method it names, to write in a steps_*.go file (it needs
// godog imported until it does the step).
func stepSnippet(section, keyword, text string) string {
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
		if i == 0 || method.Len() == 0 {
			method.WriteString(strings.ToLower(w[:1]) + w[1:])
		} else {
			method.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	name := method.String()
	if name == "" {
		name = "newStep"
	}
	return fmt.Sprintf("{%q, `^%s$`,\n\t\"What the step does, for docs/steps.md.\",\n\t`%s%s`,\n\tfunc(w *world) any { return w.%s }, false},\n\n"+
		"// %s runs the step: %s.\nfunc (w *world) %s(%s) error {\n\treturn godog.ErrPending\n}\n",
		section, pattern.String(), strings.TrimSpace(keyword)+" ", text, name, name, text, name, strings.Join(params, ", "))
}
