package e2e

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	"github.com/sfharness/sfharness/internal/steps"
)

// prettyFormat is godog's pretty formatter with the step locations it
// prints made right: godog names the line that registered a step
// (steps.go, in a loop over the catalogue) and, for a method, only its
// receiver ("*world"); this names the method's own file and line. It
// also leaves out godog's snippets for undefined steps, which are not in
// the catalogue's form: the run prints its own (undefinedMessage).
const prettyFormat = "e2e-pretty"

// progressFormat is godog's progress formatter without godog's snippets;
// its dots are written as they come.
const progressFormat = "e2e-progress"

func init() {
	pretty, progress := godog.FindFmt("pretty"), godog.FindFmt("progress")
	godog.Format(prettyFormat, "godog's pretty, with step definitions' own locations", func(suite string, out io.Writer) formatters.Formatter {
		return pretty(suite, &locationWriter{out: out, undefined: &undefinedTracker{}})
	})
	godog.Format(progressFormat, "godog's progress, without snippets", func(suite string, out io.Writer) formatters.Formatter {
		return progress(suite, &locationWriter{out: out, stream: true})
	})
}

// consoleFormat is the godog format of FORMAT.
func consoleFormat(format string) string {
	switch format {
	case "pretty":
		return prettyFormat
	case "progress":
		return progressFormat
	}
	return format
}

var (
	// godogLocation is what godog prints after a step: "# steps.go:56 -> *world".
	godogLocation = regexp.MustCompile(`# \S+\.go:\d+ -> [^\x1b\n]*`)
	ansi          = regexp.MustCompile(`\x1b\[[0-9;]*m`)
)

// godogSnippets starts godog's list of snippets for undefined steps.
const godogSnippets = "You can implement step definitions for undefined steps with these snippets:"

// locationWriter rewrites godog's output line by line.
type locationWriter struct {
	out io.Writer
	// stream writes the start of a line at once (progress's dots), not
	// when the line is complete; godog writes its snippets' heading in
	// one piece, so it is still found.
	stream  bool
	mu      sync.Mutex
	partial []byte
	mute    bool // after godogSnippets: the rest is godog's snippets
	// undefined places undefined steps' messages under them (pretty
	// output only: progress has no step lines).
	undefined *undefinedTracker
}

func (l *locationWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			if l.stream && !l.mute && !bytes.Contains(l.partial, []byte(godogSnippets[:10])) {
				_, err := l.out.Write(l.partial)
				l.partial = l.partial[:0]
				return len(p), err
			}
			return len(p), nil
		}
		line := string(l.partial[:i+1])
		l.partial = l.partial[i+1:]
		if strings.Contains(ansi.ReplaceAllString(line, ""), godogSnippets) {
			l.mute = true
		}
		if l.mute {
			continue
		}
		if _, err := io.WriteString(l.out, rewriteScenarioCount(rewriteLocation(line))); err != nil {
			return 0, err
		}
		if l.undefined != nil {
			if msg := l.undefined.observe(ansi.ReplaceAllString(line, "")); msg != "" {
				if _, err := io.WriteString(l.out, steps.Indent(msg, "      ")); err != nil {
					return 0, err
				}
			}
		}
	}
}

// rewriteLocation puts the step's definition in place of godog's location
// in a line of pretty output.
func rewriteLocation(line string) string {
	loc := godogLocation.FindStringIndex(line)
	if loc == nil {
		return line
	}
	text := strings.TrimSpace(ansi.ReplaceAllString(line[:loc[0]], ""))
	if def, ok := steps.DefinitionOf(steps.StepKeyword.ReplaceAllString(text, "")); ok {
		return line[:loc[0]] + "# " + def + line[loc[1]:]
	}
	return line
}

// godogScenarios is godog's count of scenarios by status:
// "3 scenarios (1 passed, 1 undefined, 1 pending)".
var godogScenarios = regexp.MustCompile(`^(\d+ scenarios?) \((.*)\)\n$`)

// rewriteScenarioCount counts the scenarios with an undefined or pending
// step among the failed in godog's summary, as the run's reports do.
func rewriteScenarioCount(line string) string {
	m := godogScenarios.FindStringSubmatch(ansi.ReplaceAllString(line, ""))
	if m == nil {
		return line
	}
	var passed, failed, other []string
	n := 0
	for _, part := range strings.Split(m[2], ", ") {
		var count int
		var status string
		if _, err := fmt.Sscanf(part, "%d %s", &count, &status); err != nil {
			return line
		}
		switch status {
		case "passed":
			passed = append(passed, part)
		case "failed":
			failed = append(failed, part)
			n += count
		default:
			other = append(other, part)
			n += count
		}
	}
	if len(other) == 0 {
		return line
	}
	out := append(passed, fmt.Sprintf("%d failed: %s", n, strings.Join(append(failed, other...), ", ")))
	return fmt.Sprintf("%s (%s)\n", m[1], strings.Join(out, ", "))
}
