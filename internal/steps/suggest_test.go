package steps

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestSuggestStepsFindsTheNearest(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{`the admin opens Admin, CRM, Sync with Salesforce in the prodcut`, `When the admin opens Admin, CRM, Sync with Salesforce in the product`},
		{`the admin log in to Salesforce as "me@x.test" with the password "pw"`, `Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"`},
		{`clicks on "Save"`, `And clicks "Save"`},
		{`the pop up is closed`, `Then the pop-up closes`},
	} {
		got := suggestSteps(tc.typed, "en", 3)
		if len(got) != 3 || got[0].Example != tc.want {
			t.Errorf("suggestSteps(%q) = %v; want %q first", tc.typed, got, tc.want)
		}
	}
}

// In Dutch and Japanese, a misspelt step is answered with the nearest
// steps of its own language; Japanese, written without spaces, is
// compared character by character.
func TestSuggestStepsInTheFeaturesLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, typed, want string }{
		{"nl", `de beheerder sluit de popup`, `Als de beheerder sluit de pop-up`},
		{"nl", `klik op "Opslaan"`, `En klikt op "Opslaan"`},
		{"nl", `de beheerder meld zich aan bij Salesforce als "a@b.test" met het wachtwoord "pw"`, `Gegeven de beheerder meldt zich aan bij Salesforce als "admin@acme.test" met wachtwoord "Admin-Pass-1"`},
		{"ja", `管理者がポップアップを閉じた`, `もし 管理者がポップアップを閉じる`},
		{"ja", `"保存"を押す`, `かつ "保存"をクリックする`},
		{"ja", `同期が進行中`, `ならば 同期が進行中である`},
		// A language the catalogue does not speak is answered in English.
		{"fr", `the admin closes the popup`, `When the admin closes the pop-up`},
	} {
		got := suggestSteps(tc.typed, tc.lang, 3)
		if len(got) != 3 || got[0].Example != tc.want {
			t.Errorf("suggestSteps(%q, %s) = %v; want %q first", tc.typed, tc.lang, got, tc.want)
		}
	}
}

// A feature's language is its "# language:" header; without the file,
// the one catalogue language whose keyword the step has.
func TestFeatureLanguage(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"nl.feature":    "# language: nl\nFunctionaliteit: x\n",
		"ja.feature":    "\n  #language:ja\n機能: x\n",
		"en.feature":    "Feature: x\n# language: nl\n",
		"plain.feature": "# a comment\nFeature: x\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ uri, keyword, want string }{
		{filepath.Join(dir, "nl.feature"), "And ", "nl"},
		{filepath.Join(dir, "ja.feature"), "Given ", "ja"},
		{filepath.Join(dir, "en.feature"), "En ", "en"},
		{filepath.Join(dir, "plain.feature"), "かつ", "en"},
		{filepath.Join(dir, "gone.feature"), "Gegeven ", "nl"},
		{filepath.Join(dir, "gone.feature"), "ならば", "ja"},
		{filepath.Join(dir, "gone.feature"), "* ", "en"},
	} {
		if got := featureLanguage(tc.uri, tc.keyword); got != tc.want {
			t.Errorf("featureLanguage(%s, %q) = %q; want %q", filepath.Base(tc.uri), tc.keyword, got, tc.want)
		}
	}
}

// The snippet an undefined step prints is an entry of the catalogue's
// real form: it parses as an element of []stepDef, its pattern matches
// the step, and its method parses as Go.
func TestStepSnippetPastesIntoTheCatalogue(t *testing.T) {
	text := `the admin renames the app "Beacon Sync" to "Beacon" 3 times`
	snippet := stepSnippet("Product", "en", "When ", text)
	entry, method, ok := strings.Cut(snippet, "\n\n")
	if !ok {
		t.Fatalf("snippet has no method after the entry:\n%s", snippet)
	}
	if _, err := parser.ParseExpr("[]stepDef{\n" + entry + "\n}"); err != nil {
		t.Fatalf("the entry does not parse in the catalogue's list: %v\n%s", err, entry)
	}
	if _, err := parser.ParseFile(token.NewFileSet(), "steps_new.go", "package e2e\n"+method, 0); err != nil {
		t.Fatalf("the method does not parse: %v\n%s", err, method)
	}
	pattern := regexp.MustCompile("`(\\^[^`]*\\$)`").FindStringSubmatch(entry)
	if pattern == nil {
		t.Fatalf("no pattern in:\n%s", entry)
	}
	re := regexp.MustCompile(pattern[1])
	if m := re.FindStringSubmatch(text); len(m) != 4 || m[1] != "Beacon Sync" || m[3] != "3" {
		t.Errorf("pattern %s on %q = %q; want its three values", pattern[1], text, m)
	}
	for _, want := range []string{`{"Product", `, "`When " + text + "`", "return w.adminRenamesTheAppToTimes }", "func (w *world) adminRenamesTheAppToTimes(arg1 string, arg2 string, arg3 string) error"} {
		if !strings.Contains(snippet, want) {
			t.Errorf("snippet lacks %q:\n%s", want, snippet)
		}
	}
}

// A Dutch or Japanese step's snippet has its pattern in that language's
// wording, parses in the catalogue's list, and leaves the others empty
// (so TestCatalogueSpeaksEveryLanguage asks for them).
func TestStepSnippetInTheFeaturesLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, keyword, text string }{
		{"nl", "Als ", `de beheerder hernoemt de app "Beacon Sync"`},
		{"ja", "もし", `管理者がアプリ"Beacon Sync"の名前を3回変更する`},
	} {
		snippet := stepSnippet("Product", tc.lang, tc.keyword, tc.text)
		entry, _, _ := strings.Cut(snippet, "\n\n")
		if _, err := parser.ParseExpr("[]stepDef{\n" + entry + "\n}"); err != nil {
			t.Fatalf("the %s entry does not parse: %v\n%s", tc.lang, err, entry)
		}
		raw := regexp.MustCompile("`([^`]*)`").FindAllStringSubmatch(entry, -1)
		if len(raw) != 2 || !regexp.MustCompile(raw[0][1]).MatchString(tc.text) || raw[1][1] != strings.TrimSpace(tc.keyword)+" "+tc.text {
			t.Errorf("the %s entry's one wording is not the step's:\n%s", tc.lang, entry)
		}
		if !strings.Contains(entry, `"" /* the pattern in English */`) || !strings.Contains(entry, "return w.newStep }") {
			t.Errorf("the %s entry leaves no English to write:\n%s", tc.lang, entry)
		}
	}
}

func TestUndefinedMessageNamesFileLineAndSuggestions(t *testing.T) {
	msg := UndefinedMessage("features/a.feature", 12, "When ", "the admin closes the popup")
	for _, want := range []string{
		"features/a.feature:12: undefined step: When the admin closes the popup\n",
		"did you mean:\n    When the admin closes the pop-up\n",
		"internal/steps/catalog.go",
		"func (w *world) adminClosesThePopup() error",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

// The entry docs/writing-scenarios.md shows is of the catalogue's form
// too: it parses in the list and its example matches its pattern.
func TestDocsShowTheCatalogueForm(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "writing-scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "## 6. Add a step")
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(section, -1)
	if !ok || len(blocks) < 2 {
		t.Fatal("docs/writing-scenarios.md has no entry and method under Add a step")
	}
	entry := blocks[0][1]
	if _, err := parser.ParseExpr("[]stepDef{\n" + entry + "}"); err != nil {
		t.Fatalf("the documented entry does not parse in the catalogue's list: %v\n%s", err, entry)
	}
	// Pattern and example in English, Dutch and Japanese.
	raw := regexp.MustCompile("`([^`]*)`").FindAllStringSubmatch(entry, -1)
	if len(raw) != 2*len(languages) {
		t.Fatalf("the documented entry has %d patterns and examples; want one of each in %s:\n%s", len(raw), strings.Join(languages, ", "), entry)
	}
	for i, lang := range languages {
		text, ok := StripKeyword(lang, raw[2*i+1][1])
		if !ok || !regexp.MustCompile(raw[2*i][1]).MatchString(text) {
			t.Errorf("the documented entry's %s example does not match its pattern:\n%s", lang, entry)
		}
	}
}
