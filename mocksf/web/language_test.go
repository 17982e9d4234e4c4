package web

import (
	"testing"

	"golang.org/x/text/language"

	"github.com/sfharness/sfharness/mocksf/locales"
)

// TestValueText: txv translates a whole message, or the start of one
// that ends in a value, keeping the value (which may hold ": " itself)
// as typed; a message the catalogue lacks stays English.
func TestValueText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		lang language.Tag
		in   string
		want string
	}{
		{"whole message", language.Dutch, "Error: You must enter a value", "Fout: u moet een waarde invoeren"},
		{"message and value", language.Japanese, "Error: bad value for restricted picklist field: 7", "エラー: 制限つき選択リスト項目の値が不適切: 7"},
		{"value holding the separator", language.Dutch, "Error: Invalid callback URL: a: b", "Fout: ongeldige Callback URL: a: b"},
		{"English keeps the value", language.English, "Error: Invalid callback URL: x", "Error: Invalid callback URL: x"},
		{"not in the catalogue", language.Dutch, "Error: something new: x", "Error: something new: x"},
		{"empty", language.Japanese, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := valueText(locales.Catalogue.In(tt.lang))(tt.in); got != tt.want {
				t.Errorf("txv %q in %s = %q; want %q", tt.in, tt.lang, got, tt.want)
			}
		})
	}
}
