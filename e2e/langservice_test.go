//go:build langservice

// The language-service tests need the npm package make steps-check
// installs, so they are built only with -tags langservice (make
// steps-check, which CI runs), and there they fail, not skip, without it.

package e2e

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
// step in e2e/, in English, Dutch and Japanese, each once, with its pattern (e2e/langservice/steps.mjs
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
		t.Errorf("the language service finds %d step definitions in e2e/; the catalogue has %d in %d languages (%d)", len(found.Expressions), len(catalog), len(languages), want)
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

// Why catalog_steps.go exists: the service finds no step registered in
// a loop, as the suite once registered them.
func TestLanguageServiceFindsNoStepInALoop(t *testing.T) {
	requireLanguageService(t)
	dir := t.TempDir()
	src := "package e2e\n\nfunc register(sc *godog.ScenarioContext, w *world) {\n\tfor _, d := range catalog {\n\t\tsc.Step(d.Pattern, d.Bind(w))\n\t}\n\tsc.Step(`^one literal step$`, w.one)\n}\n"
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
		t.Fatalf("e2e/langservice is not installed: run make steps-check (%v)", err)
	}
}
