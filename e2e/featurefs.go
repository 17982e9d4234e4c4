package e2e

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"slices"
	"sort"
	"testing/fstest"

	messages "github.com/cucumber/messages/go/v21"
)

// selectedFS serves the selected feature files with every scenario that
// was not selected blanked out, line for line, and any other file from
// disk. godog is given whole files rather than one "file:line" per
// scenario: it treats each "file:line" as a feature of its own, printing
// the Feature header again for every scenario and naming it
// "file:line:line" in its reports. Blank lines keep every line number.
type selectedFS map[string][]byte

// Open returns the blanked copy of a selected file, or the file on disk.
func (s selectedFS) Open(name string) (fs.File, error) {
	if body, ok := s[name]; ok {
		base := path.Base(name)
		return fstest.MapFS{base: {Data: body, Mode: 0o444}}.Open(base)
	}
	return os.Open(name)
}

// selectScenarios returns the files godog runs and the FS it reads them
// from, keeping of each file the scenarios whose run ref (file:line of the
// scenario or outline) is in refs.
func selectScenarios(refs []string) (selectedFS, []string, error) {
	lines := map[string][]int{}
	var files []string
	for _, r := range refs {
		file, line := splitLine(r)
		if _, ok := lines[file]; !ok {
			files = append(files, file)
		}
		lines[file] = append(lines[file], line)
	}
	out := selectedFS{}
	for _, f := range files {
		body, err := blankUnselected(f, lines[f])
		if err != nil {
			return nil, nil, err
		}
		out[f] = body
	}
	return out, files, nil
}

// blankUnselected reads the feature file and empties the lines of every
// scenario (with its tags) that does not start at one of keep.
func blankUnselected(file string, keep []int) ([]byte, error) {
	doc, err := parseDocument(file, &messages.Incrementing{})
	if err != nil {
		return nil, err
	}
	body, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	src := bytes.SplitAfter(body, []byte("\n"))
	for _, sp := range scenarioSpans(doc, len(src)) {
		if slices.Contains(keep, sp.line) {
			continue
		}
		for l := sp.from; l <= sp.to && l <= len(src); l++ {
			src[l-1] = []byte("\n")
		}
	}
	return bytes.Join(src, nil), nil
}

// span is a scenario's lines, from its first tag to the line before the
// next scenario, background or rule (or the end of the file).
type span struct{ line, from, to int }

// scenarioSpans are the spans of the document's scenarios, in and out of
// rules; lastLine is the file's.
func scenarioSpans(doc *messages.GherkinDocument, lastLine int) []span {
	if doc.Feature == nil {
		return nil
	}
	var starts []int // every block that ends the block before it
	var spans []span
	start := func(line int64, tags []*messages.Tag) int {
		from := int(line)
		for _, t := range tags {
			from = min(from, int(t.Location.Line))
		}
		starts = append(starts, from)
		return from
	}
	var walk func(children []*messages.FeatureChild, rules []*messages.RuleChild)
	walk = func(children []*messages.FeatureChild, rules []*messages.RuleChild) {
		for _, c := range children {
			switch {
			case c.Scenario != nil:
				spans = append(spans, span{line: int(c.Scenario.Location.Line), from: start(c.Scenario.Location.Line, c.Scenario.Tags)})
			case c.Background != nil:
				start(c.Background.Location.Line, nil)
			case c.Rule != nil:
				start(c.Rule.Location.Line, c.Rule.Tags)
				walk(nil, c.Rule.Children)
			}
		}
		for _, c := range rules {
			switch {
			case c.Scenario != nil:
				spans = append(spans, span{line: int(c.Scenario.Location.Line), from: start(c.Scenario.Location.Line, c.Scenario.Tags)})
			case c.Background != nil:
				start(c.Background.Location.Line, nil)
			}
		}
	}
	walk(doc.Feature.Children, nil)
	sort.Ints(starts)
	for i := range spans {
		spans[i].to = lastLine
		if j := sort.SearchInts(starts, spans[i].from+1); j < len(starts) {
			spans[i].to = starts[j] - 1
		}
	}
	return spans
}
