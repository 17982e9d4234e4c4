package locales_test

import (
	"testing"

	"github.com/sfharness/sfharness/internal/i18n"
	"github.com/sfharness/sfharness/mocksf/locales"
	"github.com/sfharness/sfharness/mocksf/scope"
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

// Every scope Setup and the Allow Access page can show has its label in
// the catalogue, so none of them stays English in another language.
func TestCatalogueHasEveryScopeLabel(t *testing.T) {
	for _, lang := range []string{"nl", "ja"} {
		for _, s := range scope.Catalog {
			got, err := locales.Catalogue.Localizer(lang).T(s.Label)
			if err != nil || got == s.Label {
				t.Errorf("%s: scope label %q reads %q (%v); want it in mocksf/locales/%s.toml", lang, s.Label, got, err, lang)
			}
		}
	}
}
