package steps

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateSteps = flag.Bool("update-steps", false, "rewrite docs/steps*.md and internal/steps/"+registrationsFile+" from the step catalogue")

// TestStepCatalogueIsCurrent fails while docs/steps.md, docs/steps.nl.md,
// docs/steps.ja.md, the generated step registrations or the English
// texts of the translations (locales/en.toml) differ from what
// `make steps` would write, so QA's catalogue never lies and the editor
// finds every step.
func TestStepCatalogueIsCurrent(t *testing.T) {
	if err := checkCatalog(); err != nil {
		t.Fatal(err)
	}
	type generated struct {
		path  string
		write func(io.Writer) error
	}
	gens := []generated{
		{englishTextsFile, func(w io.Writer) error { return writeEnglishTexts(catalog, w) }},
		{registrationsFile, writeRegistrations},
	}
	for _, lang := range languages {
		gens = append(gens, generated{filepath.Join("..", "..", "docs", catalogDocs[lang].File), func(w io.Writer) error { return writeCatalog(lang, w) }})
	}
	for _, gen := range gens {
		var b bytes.Buffer
		if err := gen.write(&b); err != nil {
			t.Fatal(err)
		}
		if *updateSteps {
			if err := os.WriteFile(gen.path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(gen.path)
		if err != nil || !bytes.Equal(got, b.Bytes()) {
			t.Errorf("%s is stale: run `make steps` (%v)", filepath.ToSlash(filepath.Clean(filepath.Join("internal", "steps", gen.path))), err)
		}
	}
}

// The generated registrations bind each catalogue pattern to its own
// entry, all of them, and a stale file is refused at registration.
func TestCatalogRegistrarRefusesAStaleFile(t *testing.T) {
	var got []string
	r := &catalogRegistrar{step: func(expr string, fn any) {
		if fn == nil {
			t.Errorf("%q registered without a function", expr)
		}
		got = append(got, expr)
	}}
	registerCatalog(r, &world{})
	r.done()
	for i, d := range catalog {
		if i >= len(got) || got[i] != d.Pattern {
			t.Fatalf("registration %d is not the catalogue's %q", i, d.Pattern)
		}
	}

	for name, register := range map[string]func(*catalogRegistrar){
		"another pattern": func(r *catalogRegistrar) { r.Step(`^not in the catalogue$`, nil) },
		"a step missing":  func(r *catalogRegistrar) { r.Step(catalog[0].Pattern, catalog[0].Bind(&world{})); r.done() },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if v := recover(); v == nil || !strings.Contains(fmt.Sprint(v), "run make steps") {
					t.Errorf("recovered %v; want a panic asking for make steps", v)
				}
			}()
			register(&catalogRegistrar{step: func(string, any) {}})
		})
	}
}

// The three catalogues are one: as many steps in each language, every
// step worded in all three, and checkSteps refuses a step missing a
// language, a wording with other groups than its Bind's, and two
// patterns of one language that match the same step.
func TestCatalogueSpeaksEveryLanguage(t *testing.T) {
	counts := map[string]int{}
	for _, lang := range languages {
		for _, d := range catalog {
			if w := d.in(lang); w.Pattern != "" && w.Example != "" {
				counts[lang]++
			}
		}
	}
	for _, lang := range languages {
		if counts[lang] != len(catalog) {
			t.Errorf("%s has %d steps; the catalogue has %d", lang, counts[lang], len(catalog))
		}
	}
	t.Logf("steps: en %d, nl %d, ja %d", counts["en"], counts["nl"], counts["ja"])

	good := catalog[7] // pop-ups are blocked in the admin's browser
	if err := checkSteps([]stepDef{good}); err != nil {
		t.Fatalf("checkSteps(one good step) = %v", err)
	}
	noJA := good
	noJA.JA = wording{}
	moreGroups := good
	moreGroups.NL = wording{`^pop-ups worden geblokkeerd in de browser van "([^"]*)"$`, `En pop-ups worden geblokkeerd in de browser van "admin"`}
	wrongKeyword := good
	wrongKeyword.NL.Example = "And " + good.NL.Example[len("En "):]
	twin := catalog[27] // the admin closes the pop-up
	twin.NL = wording{`^pop-ups worden (?:geblokkeerd|gesloten) in de browser van de beheerder$`, `Als pop-ups worden gesloten in de browser van de beheerder`}
	for name, tc := range map[string]struct {
		defs []stepDef
		want string
	}{
		"a language missing":         {[]stepDef{noJA}, "has no ja wording"},
		"other groups than its Bind": {[]stepDef{moreGroups}, "has 1 groups"},
		"another language's keyword": {[]stepDef{wrongKeyword}, "does not start with a keyword of nl"},
		"two patterns collide":       {[]stepDef{good, twin}, "is matched by the step"},
	} {
		t.Run(name, func(t *testing.T) {
			err := checkSteps(tc.defs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("checkSteps = %v; want an error with %q", err, tc.want)
			}
		})
	}
}

// Each language's registrations are its own patterns, and a feature in
// a language the catalogue does not speak gets a clear error.
func TestRegisterLanguage(t *testing.T) {
	for _, lang := range languages {
		var got []string
		if err := registerLanguage(func(expr string, fn any) { got = append(got, expr) }, &world{}, lang); err != nil {
			t.Fatal(err)
		}
		for i, d := range catalog {
			if i >= len(got) || got[i] != d.in(lang).Pattern {
				t.Fatalf("%s registration %d is not the catalogue's %q", lang, i, d.in(lang).Pattern)
			}
		}
	}
	err := registerLanguage(func(string, any) { t.Error("a step registered for fr") }, &world{}, "fr")
	if err == nil || !strings.Contains(err.Error(), `"fr" has no steps: the catalogue speaks en, nl, ja`) {
		t.Errorf("registerLanguage(fr) = %v", err)
	}
}

// Every catalogue step has a definition location in internal/steps/; a step whose
// entry wraps a method in a func of its own names that method.
func TestDefinitionsAreInTheSource(t *testing.T) {
	if d, _ := DefinitionOf(`the product subscription has the feature "Enable OAuth for SFDC sync" turned on`); !strings.HasPrefix(d, "internal/steps/world.go:") || !strings.HasSuffix(d, " -> (*world).startClient") {
		t.Errorf("definition of a step through a closure = %q; want (*world).startClient in internal/steps/world.go", d)
	}
	for i, d := range Definitions() {
		if !strings.HasPrefix(d, "internal/steps/") || strings.HasPrefix(d, "internal/steps/ ") || strings.Contains(d, "autogenerated") {
			t.Errorf("definition of %q = %q; want internal/steps/file.go:line", catalog[i].Pattern, d)
		}
	}
}
