package e2e

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

var updateSteps = flag.Bool("update-steps", false, "rewrite docs/steps*.md and e2e/"+registrationsFile+" from the step catalogue")

// TestStepCatalogueIsCurrent fails while docs/steps.md, docs/steps.nl.md,
// docs/steps.ja.md or the generated step registrations differ from what
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
	gens := []generated{{registrationsFile, writeRegistrations}}
	for _, lang := range languages {
		gens = append(gens, generated{filepath.Join("..", "docs", catalogDocs[lang].File), func(w io.Writer) error { return writeCatalog(lang, w) }})
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
			t.Errorf("%s is stale: run `make steps` (%v)", filepath.ToSlash(filepath.Clean(filepath.Join("e2e", gen.path))), err)
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
