package web

import (
	"testing"
	"time"

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

// TestDateIn: "date" writes a day in the language's order, from the
// instant's UTC day: 01:00 in Tokyo on the 10th is still the 9th in UTC.
func TestDateIn(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*60*60)
	day := time.Date(2027, time.March, 10, 1, 0, 0, 0, tokyo)
	for _, tt := range []struct {
		lang language.Tag
		want string
	}{
		{language.English, "3/9/2027"},
		{language.Dutch, "09-03-2027"},
		{language.Japanese, "2027/03/09"},
	} {
		if got := dateIn(locales.Catalogue.In(tt.lang))(day); got != tt.want {
			t.Errorf("date in %s = %q; want %q", tt.lang, got, tt.want)
		}
	}
}
