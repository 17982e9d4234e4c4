package e2e

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sfharness/sfharness/internal/steps"
)

// The pretty console says what to do about an undefined step right under
// it: godog prints the step without a definition's location, and
// locationWriter follows the scenario it is in (from the scenario's own
// "# file:line") to find the step's line in the feature file. The end of
// the run repeats only what the stream could not place (progress
// output, which has no step lines).

// scenarioLocation is the "# features/x.feature:12" after a scenario's
// name in pretty output.
var scenarioLocation = regexp.MustCompile(`#\s+(\S+\.feature):(\d+)\s*$`)

// shownUndefined are the undefined steps ("file:line") whose message the
// console has printed under them.
var shownUndefined sync.Map

// shownByConsole reports whether the console printed the message of the
// undefined step at key ("file:line") under it: the end of the run
// leaves it out.
func shownByConsole(key string) bool {
	_, ok := shownUndefined.Load(key)
	return ok
}

// undefinedTracker is where locationWriter is in the features: the file
// and the line of the last scenario or step it placed.
type undefinedTracker struct {
	file  string // as printed
	after int    // the line of the scenario, then of each step placed
	lines map[string][]string
}

// observe reads a console line (without colours): a scenario header moves
// the tracker to its scenario; an undefined step's line returns the
// message to print under it, or "".
func (u *undefinedTracker) observe(plain string) string {
	if m := scenarioLocation.FindStringSubmatch(plain); m != nil {
		u.file = m[1]
		u.after, _ = strconv.Atoi(m[2])
		return ""
	}
	text := strings.TrimSpace(plain)
	if u.file == "" || strings.Contains(text, "#") || !steps.StepKeyword.MatchString(text) {
		return ""
	}
	src := u.source(u.file)
	for i := u.after; i < len(src); i++ { // src[i] is line i+1
		if strings.TrimSpace(src[i]) != text {
			continue
		}
		u.after = i + 1
		keyword := steps.StepKeyword.FindString(text)
		line := i + 1
		st := cukeStep{Keyword: keyword, Name: strings.TrimSpace(text[len(keyword):]), Line: line}
		shownUndefined.Store(u.file+":"+strconv.Itoa(line), true)
		return undefinedMessage(u.file, st)
	}
	return ""
}

// source is a feature file's lines, read once; a path printed relative
// is relative to the repository root.
func (u *undefinedTracker) source(file string) []string {
	if l, ok := u.lines[file]; ok {
		return l
	}
	path := file
	if !filepath.IsAbs(path) {
		if root, err := repoRoot("."); err == nil {
			path = filepath.Join(root, file)
		}
	}
	b, _ := os.ReadFile(path)
	if u.lines == nil {
		u.lines = map[string][]string{}
	}
	u.lines[file] = strings.Split(string(b), "\n")
	return u.lines[file]
}

// writeUndefined prints undefinedMessage for every undefined step of
// the run, once per file and line, but those skip says were shown
// already (nil: none).
func writeUndefined(w io.Writer, fs []cukeFeature, skip func(key string) bool) {
	seen := map[string]bool{}
	for _, f := range fs {
		for _, e := range f.Elements {
			for _, st := range e.Steps {
				key := fmt.Sprintf("%s:%d", f.URI, st.Line)
				if st.Result.Status != "undefined" || seen[key] || (skip != nil && skip(key)) {
					continue
				}
				seen[key] = true
				fmt.Fprintf(w, "\n%s", undefinedMessage(f.URI, st))
			}
		}
	}
}

// undefinedMessage is steps.UndefinedMessage of the step.
func undefinedMessage(uri string, st cukeStep) string {
	return steps.UndefinedMessage(uri, st.Line, st.Keyword, st.Name)
}
