package locales_test

import (
	"testing"

	"github.com/sfharness/sfharness/internal/i18n"
	"github.com/sfharness/sfharness/mocksf/locales"
)

// TestCatalogueComplete fails when a language lacks a key English has,
// has one English lacks, or fills other placeholders.
func TestCatalogueComplete(t *testing.T) {
	i18n.CheckComplete(t, locales.Files())
}

func TestCatalogueLanguages(t *testing.T) {
	var got []string
	for _, tag := range locales.Catalogue.Languages() {
		got = append(got, tag.String())
	}
	want := map[string]bool{"en": true, "nl": true, "ja": true}
	if len(got) != len(want) {
		t.Fatalf("Languages() = %v; want en, nl and ja", got)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("Languages() has %q; want en, nl and ja", g)
		}
	}
}
