package e2e

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

func TestUndefinedMessageNamesFileLineAndSuggestions(t *testing.T) {
	msg := undefinedMessage("features/a.feature", cukeStep{Keyword: "When ", Name: "the admin closes the popup", Line: 12})
	for _, want := range []string{
		"features/a.feature:12: undefined step: When the admin closes the popup\n",
		"did you mean:\n    When the admin closes the pop-up\n",
		"e2e/catalog.go",
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
	doc, err := os.ReadFile(filepath.Join("..", "docs", "writing-scenarios.md"))
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
	raw := regexp.MustCompile("`([^`]*)`").FindAllStringSubmatch(entry, -1)
	if len(raw) != 2 || !regexp.MustCompile(raw[0][1]).MatchString(stepKeyword.ReplaceAllString(raw[1][1], "")) {
		t.Errorf("the documented entry's example does not match its pattern:\n%s", entry)
	}
}
