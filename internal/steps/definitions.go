package steps

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"sync"
)

// DefinitionOf is where the step with the text is defined, as godog
// would pick its definition: the first pattern that matches, in any of
// the catalogue's languages.
func DefinitionOf(text string) (string, bool) {
	if i, ok := catalogIndex(text); ok {
		return Definitions()[i], true
	}
	return "", false
}

// Entry is one catalogue step in English: its pattern and an example.
type Entry struct{ Pattern, Example string }

// Catalogue is the catalogue's steps in English, by index, as
// Definitions.
func Catalogue() []Entry {
	out := make([]Entry, len(catalog))
	for i, d := range catalog {
		out[i] = Entry{d.Pattern, d.Example}
	}
	return out
}

// Definitions are the catalogue steps' functions as "file:line -> name",
// by index, with files relative to the repository root.
var Definitions = sync.OnceValue(func() []string {
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

// sourcePath is a file of this package as internal/steps/<name>.
func sourcePath(file string) string { return sourceRel + "/" + filepath.Base(file) }

// sourceRel is this package's folder from the repository root.
const sourceRel = "internal/steps"

// worldMethods maps each method of *world to its "internal/steps/file.go:line",
// read from this package's source, which go test runs beside; calls maps
// the "internal/steps/file.go:line" of each func literal that calls a method of w
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

// sourceDir is this package's source folder: where it was compiled, or,
// in a binary built with -trimpath, internal/steps/ under the working
// directory (TestFeatures runs from the repository root, this package's
// tests from its folder).
func sourceDir() string {
	_, self, _, _ := runtime.Caller(0)
	for _, dir := range []string{filepath.Dir(self), sourceRel, "."} {
		if _, err := os.Stat(filepath.Join(dir, "catalog.go")); err == nil {
			return dir
		}
	}
	return "."
}
