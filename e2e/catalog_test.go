package e2e

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateSteps = flag.Bool("update-steps", false, "rewrite docs/steps.md from the step catalogue")

// TestStepCatalogueIsCurrent fails while docs/steps.md differs from what
// `make steps` would write, so QA's catalogue never lies.
func TestStepCatalogueIsCurrent(t *testing.T) {
	if err := checkCatalog(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := writeCatalog(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "docs", "steps.md")
	if *updateSteps {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b.Bytes()) {
		t.Fatalf("docs/steps.md is stale: run `make steps` (%v)", err)
	}
}
