//go:build langservice

// The language-service tests need the npm package make steps-check
// installs, so they are built only with -tags langservice (make
// steps-check, which CI runs), and there they fail, not skip, without it.

package steps

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Cucumber language service, what VS Code's Cucumber extension uses
// to complete steps and underline undefined ones, finds every catalogue
// step in internal/steps/, in English, Dutch and Japanese, each once, with its pattern (internal/steps/langservice/steps.mjs
// runs the pinned npm package; make steps-check installs it).
func TestLanguageServiceFindsEveryStep(t *testing.T) {
	script := filepath.Join("langservice", "steps.mjs")
	requireLanguageService(t)
	out, err := exec.Command("node", script, ".").Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderrOf(err))
	}
	var found struct {
		Expressions []string `json:"expressions"`
		URIs        []string `json:"uris"`
		Errors      []string `json:"errors"`
	}
	if err := json.Unmarshal(out, &found); err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	for _, e := range found.Errors {
		t.Errorf("the language service: %s", e)
	}
	// Each step once in each of the catalogue's languages.
	if want := len(catalog) * len(languages); len(found.Expressions) != want {
		t.Errorf("the language service finds %d step definitions in internal/steps/; the catalogue has %d in %d languages (%d)", len(found.Expressions), len(catalog), len(languages), want)
	}
	// JavaScript writes a slash of a regular expression's source as \/.
	unslash := regexp.MustCompile(`\\/`)
	seen := map[string]int{}
	for i, e := range found.Expressions {
		seen[unslash.ReplaceAllString(e, "/")]++
		if i < len(found.URIs) && !strings.HasSuffix(strings.Split(found.URIs[i], ":")[1], registrationsFile) {
			t.Errorf("%q found at %s, not in %s", e, found.URIs[i], registrationsFile)
		}
	}
	for _, lang := range languages {
		for _, d := range catalog {
			if p := d.in(lang).Pattern; seen[p] != 1 {
				t.Errorf("the language service finds the %s step %q %d times; want once", lang, p, seen[p])
			}
		}
	}
}

// The service finds every step of features/, English, Dutch and
// Japanese, defined, and underlines a step nobody defined, in a Dutch
// feature too: what the editor shows QA in each language.
func TestLanguageServiceFindsEveryFeatureStep(t *testing.T) {
	requireLanguageService(t)
	run := func(features string) (n int, undefined []string) {
		t.Helper()
		out, err := exec.Command("node", filepath.Join("langservice", "steps.mjs"), ".", features).Output()
		if err != nil {
			t.Fatalf("node: %v\n%s", err, stderrOf(err))
		}
		var found struct {
			Features  int      `json:"features"`
			Undefined []string `json:"undefined"`
		}
		if err := json.Unmarshal(out, &found); err != nil {
			t.Fatal(err)
		}
		return found.Features, found.Undefined
	}
	n, undefined := run(filepath.Join("..", "..", "features"))
	langs, _ := filepath.Glob(filepath.Join("..", "..", "features", "[a-z][a-z]", "*.feature"))
	if n < 3 || len(langs) < 2 {
		t.Errorf("the service read %d features, %d of them in features/<language>/; want the English, Dutch and Japanese ones", n, len(langs))
	}
	for _, u := range undefined {
		t.Errorf("the language service underlines %s", u)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.feature"), []byte("# language: nl\nFunctionaliteit: x\n  Scenario: y\n    Gegeven het product stuurt geen PKCE\n    En de beheerder danst\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if n, undefined := run(dir); n != 1 || len(undefined) != 1 || !strings.HasPrefix(undefined[0], "x.feature:5: ") {
		t.Errorf("the service on a Dutch feature with one undefined step read %d features and underlines %q; want x.feature:5 alone", n, undefined)
	}
}

// Why catalog_steps.go exists: the service finds no step registered in
// a loop, as the suite once registered them.
func TestLanguageServiceFindsNoStepInALoop(t *testing.T) {
	requireLanguageService(t)
	dir := t.TempDir()
	src := "package steps\n\nfunc register(sc *godog.ScenarioContext, w *world) {\n\tfor _, d := range catalog {\n\t\tsc.Step(d.Pattern, d.Bind(w))\n\t}\n\tsc.Step(`^one literal step$`, w.one)\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "steps.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("node", filepath.Join("langservice", "steps.mjs"), dir).Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderrOf(err))
	}
	var found struct{ Expressions []string }
	if err := json.Unmarshal(out, &found); err != nil {
		t.Fatal(err)
	}
	if strings.Join(found.Expressions, " ") != "^one literal step$" {
		t.Errorf("found %q; want only the literal step", found.Expressions)
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// requireLanguageService fails the test unless make steps-check has
// installed the pinned package.
func requireLanguageService(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("langservice", "node_modules", "@cucumber", "language-service")); err != nil {
		t.Fatalf("internal/steps/langservice is not installed: run make steps-check (%v)", err)
	}
}
