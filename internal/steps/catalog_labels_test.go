package steps

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	gherkin "github.com/cucumber/gherkin/go/v26"

	messages "github.com/cucumber/messages/go/v21"
)

// pagesText is the source of every page of mocksf and the product (the
// templates, the Go code that fills them, such as Setup's app choices,
// and the message catalogues the templates name their words from), where
// the labels and ids the steps look for are.
func pagesText(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, dir := range []string{filepath.Join("..", "..", "mocksf"), filepath.Join("..", "..", "client")} {
		err := filepath.WalkDir(dir, func(f string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(f, "_test.go") || !(strings.HasSuffix(f, ".html") || strings.HasSuffix(f, ".go") || strings.HasSuffix(f, ".toml")) {
				return err
			}
			body, err := os.ReadFile(f)
			b.Write(body)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(b.String(), `id="oaapprove"`) {
		t.Fatal("the pages' sources are not where they were: no Allow button")
	}
	return b.String()
}

// Every documented label has its three wordings, no wording names two
// labels, and each id it falls back to is an element of today's pages.
func TestUIWordsAreComplete(t *testing.T) {
	pages := pagesText(t)
	owner := map[string]string{}
	for _, u := range uiWords {
		if u.EN == "" || u.NL == "" || u.JA == "" {
			t.Errorf("%+v lacks a wording", u)
		}
		for _, s := range []string{u.EN, u.NL, u.JA} {
			if o, ok := owner[s]; ok && o != u.EN {
				t.Errorf("%q is a wording of both %q and %q", s, o, u.EN)
			}
			owner[s] = u.EN
		}
		for _, id := range u.IDs {
			if !strings.Contains(pages, `id="`+id+`"`) {
				t.Errorf("%q falls back to the id %q, which no page has", u.EN, id)
			}
		}
		if len(u.IDs) > 0 && !strings.Contains(pages, u.EN) {
			t.Errorf("the label %q is on no page", u.EN)
		}
	}
	if got := labelTexts("Opslaan"); strings.Join(got, "|") != "Opslaan|Save|保存" {
		t.Errorf("labelTexts(Opslaan) = %q", got)
	}
	if got := inEnglish("uur"); got != "hours" {
		t.Errorf("inEnglish(uur) = %q", got)
	}
	if got := inEnglish("Manage Consumer Details"); got != "Manage Consumer Details" {
		t.Errorf("inEnglish of an English label = %q", got)
	}
}

// Every label a Dutch or Japanese feature quotes for a step that clicks,
// chooses or ticks by label is one the steps can find on today's pages:
// a documented label (uiWords) or a label the pages show.
func TestLocalizedFeaturesQuoteFindableLabels(t *testing.T) {
	pages := pagesText(t)
	// The catalogue steps that find an element by a quoted label, by
	// the methods they run.
	var byLabel []int
	for i, d := range Definitions() {
		for _, m := range []string{"clicks", "chooses", "ticks", "enablesOAuth", "entersCallbackURL", "selectsOption", "checkboxIs"} {
			if strings.HasSuffix(d, "(*world)."+m) {
				byLabel = append(byLabel, i)
			}
		}
	}
	quoted := regexp.MustCompile(`"([^"]*)"`)
	n := 0
	for _, lang := range []string{"nl", "ja"} {
		files, _ := filepath.Glob(filepath.Join("..", "..", "features", lang, "*.feature"))
		if len(files) == 0 {
			t.Fatalf("no features in features/%s", lang)
		}
		for _, f := range files {
			doc, err := parseFeatureFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if doc.Feature == nil || doc.Feature.Language != lang {
				t.Fatalf("%s is not a %s feature (# language: %s)", f, lang, lang)
			}
			var steps []string
			for _, c := range doc.Feature.Children {
				switch {
				case c.Background != nil:
					for _, s := range c.Background.Steps {
						steps = append(steps, s.Text)
					}
				case c.Scenario != nil:
					for _, s := range c.Scenario.Steps {
						steps = append(steps, s.Text)
					}
				}
			}
			for _, text := range steps {
				for _, i := range byLabel {
					if !PatternsIn[lang][i].MatchString(text) {
						continue
					}
					for _, m := range quoted.FindAllStringSubmatch(text, -1) {
						n++
						if _, ok := uiWordOf(m[1]); !ok && !strings.Contains(pages, m[1]) {
							t.Errorf("%s: %q quotes %q, which is neither a documented label (internal/steps/catalog_labels.go) nor on a page", f, text, m[1])
						}
					}
				}
			}
		}
	}
	if n < 20 {
		t.Errorf("%d labels found in the features; the documented flow quotes more in each language", n)
	}
}

// parseFeatureFile parses one feature file.
func parseFeatureFile(file string) (*messages.GherkinDocument, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return gherkin.ParseGherkinDocument(bytes.NewReader(b), (&messages.Incrementing{}).NewId)
}
