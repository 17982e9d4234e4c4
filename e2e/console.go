package e2e

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
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
				if _, err := io.WriteString(l.out, indent(msg, "      ")); err != nil {
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
	if def, ok := definitionOf(stepKeyword.ReplaceAllString(text, "")); ok {
		return line[:loc[0]] + "# " + def + line[loc[1]:]
	}
	return line
}

// definitionOf is where the step with the text is defined, as godog
// would pick its definition: the first pattern that matches, in any of
// the catalogue's languages.
func definitionOf(text string) (string, bool) {
	if i, ok := catalogIndex(text); ok {
		return definitions()[i], true
	}
	return "", false
}

// definitions are the catalogue steps' functions as "file:line -> name",
// by index, with files relative to the repository root.
var definitions = sync.OnceValue(func() []string {
	methods, calls := worldMethods()
	out := make([]string, len(catalog))
	for i, d := range catalog {
		f := runtime.FuncForPC(reflect.ValueOf(d.Bind(&world{})).Pointer())
		if f == nil {
			continue
		}
		// A method value's function is a generated wrapper ("-fm")
		// without a source line: look the method up in the source.
		if m, ok := strings.CutSuffix(f.Name(), "-fm"); ok {
			m = m[strings.LastIndex(m, ".")+1:]
			out[i] = methods[m] + " -> (*world)." + m
			continue
		}
		// A closure written in the catalogue entry itself: name the
		// method it calls, where it is known.
		file, line := f.FileLine(f.Entry())
		at := fmt.Sprintf("%s:%d", sourcePath(file), line)
		if m := calls[at]; methods[m] != "" {
			out[i] = methods[m] + " -> (*world)." + m
			continue
		}
		out[i] = at + " -> the catalogue's func"
	}
	return out
})

// sourcePath is a file of this package as e2e/<name>.
func sourcePath(file string) string { return "e2e/" + filepath.Base(file) }

// worldMethods maps each method of *world to its "e2e/file.go:line",
// read from this package's source, which go test runs beside; calls maps
// the "e2e/file.go:line" of each func literal that calls a method of w
// to the first such method.
func worldMethods() (methods, calls map[string]string) {
	out, calls := map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join(sourceDir(), "*.go"))
	for _, file := range files {
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.FuncLit); ok {
				at := fmt.Sprintf("%s:%d", sourcePath(file), fset.Position(lit.Pos()).Line)
				if m := calledMethod(lit); m != "" && calls[at] == "" {
					calls[at] = m
				}
			}
			return true
		})
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 {
				continue
			}
			if star, ok := fn.Recv.List[0].Type.(*ast.StarExpr); ok {
				if id, ok := star.X.(*ast.Ident); ok && id.Name == "world" {
					out[fn.Name.Name] = fmt.Sprintf("%s:%d", sourcePath(file), fset.Position(fn.Pos()).Line)
				}
			}
		}
	}
	return out, calls
}

// calledMethod is the first method of w the func literal calls, or "".
func calledMethod(lit *ast.FuncLit) string {
	name := ""
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok && name == "" {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == "w" {
					name = sel.Sel.Name
				}
			}
		}
		return name == ""
	})
	return name
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

// sourceDir is this package's source folder: where it was compiled, or,
// in a binary built with -trimpath, e2e/ under the working directory
// (TestFeatures runs from the repository root, other tests from e2e/).
func sourceDir() string {
	_, self, _, _ := runtime.Caller(0)
	for _, dir := range []string{filepath.Dir(self), "e2e", "."} {
		if _, err := os.Stat(filepath.Join(dir, "catalog.go")); err == nil {
			return dir
		}
	}
	return "."
}
