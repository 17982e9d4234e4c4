package client

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/sfharness/sfharness/internal/i18n"
)

// TestCatalogueComplete fails when a language lacks a key English has,
// has one English lacks, or fills other placeholders.
func TestCatalogueComplete(t *testing.T) {
	i18n.CheckComplete(t, localeFiles())
}

func TestCatalogueLanguages(t *testing.T) {
	var got []string
	for _, tag := range catalogue.Languages() {
		got = append(got, tag.String())
	}
	if len(got) != 3 || got[0] != "en" {
		t.Errorf("Languages() = %v; want en first, then nl and ja", got)
	}
}

// keyUses are where the code names a catalogue key: msg("key", ...) in
// Go, {{t "key"}} in the templates.
var keyUses = regexp.MustCompile(`(?:\bmsg\(|\{\{t |MustT\()"([^"]+)"`)

// TestEveryKeyInCatalogue fails when the code or a template names a key
// English lacks, which a page would show as the key itself.
func TestEveryKeyInCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	templates, _ := filepath.Glob("templates/*.html")
	seen := 0
	for _, f := range append(files, templates...) {
		if filepath.Ext(f) == ".go" && len(f) > 8 && f[len(f)-8:] == "_test.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUses.FindAllSubmatch(src, -1) {
			seen++
			key := string(m[1])
			for _, tag := range catalogue.Languages() {
				if _, err := catalogue.In(tag).T(key); err != nil {
					t.Errorf("%s names %q, which %s lacks: %v", f, key, tag, err)
				}
			}
		}
	}
	if seen < 100 {
		t.Errorf("found %d uses of catalogue keys; want the pages' and messages' (over 100): is keyUses still right?", seen)
	}
}

// TestMessagesInEveryLanguage renders the messages with placeholders and
// nested messages in each language: Salesforce's code stays as sent and
// the nested hint is in the same language as the sentence around it.
func TestMessagesInEveryLanguage(t *testing.T) {
	m := clientCredentialsErrorMessage("invalid_client", "invalid client credentials")
	tests := []struct {
		lang string
		want string
	}{
		{"en", "Salesforce refused the client credentials flow: invalid_client: invalid client credentials. Check the Consumer Key and Consumer Secret, then click Connect again."},
		{"nl", "Salesforce heeft de client credentials flow geweigerd: invalid_client: invalid client credentials. Controleer de Consumentencode en het Consumentengeheim en klik dan opnieuw op Verbinden."},
		{"ja", "Salesforce がクライアントログイン情報フローを拒否しました: invalid_client: invalid client credentials。Consumer key と Consumer secret を確認してから、もう一度 [接続] をクリックしてください。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := m.in(catalogue.Localizer(tt.lang)); got != tt.want {
				t.Errorf("in %s = %q\nwant %q", tt.lang, got, tt.want)
			}
		})
	}
	if got := verbatim("as stored").in(catalogue.Localizer("ja")); got != "as stored" {
		t.Errorf("verbatim in ja = %q; want it as it is", got)
	}
}
