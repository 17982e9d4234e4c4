package steps

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/BurntSushi/toml"

	"github.com/sfharness/sfharness/internal/i18n"
)

// Every section and step of the catalogue has its Dutch and Japanese
// text, none is left from a step that is gone, and the files are a
// complete internal/i18n catalogue beside the generated en.toml.
func TestStepTextsComplete(t *testing.T) {
	if err := checkTexts(catalog, stepLocales()); err != nil {
		t.Error(err)
	}
	i18n.CheckComplete(t, stepLocales())
}

// textFiles is a catalogue of message files, each given as its
// messages by key ("step.^...$"); TOML reads a quoted key with a dot as
// one key, which go-i18n takes as the ID a [step] table would give.
func textFiles(t *testing.T, files map[string]map[string]string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, msgs := range files {
		b, err := toml.Marshal(msgs)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	return fsys
}

// checkTexts names the step or section that lacks a text, the file and
// the line to add, and refuses stale, empty, untranslated and templated
// texts.
func TestStepTextsCheckSaysWhatToAddWhere(t *testing.T) {
	blocked := catalog[7] // pop-ups are blocked in the admin's browser (Prerequisites)
	closes := catalog[27] // the admin closes the pop-up (Salesforce: pop-up)
	if blocked.Section != "Prerequisites" || closes.Section != "Salesforce: pop-up" {
		t.Fatalf("catalog[7] and catalog[27] are in %q and %q; pick two steps of two sections", blocked.Section, closes.Section)
	}
	defs := []stepDef{blocked, closes}
	complete := func() map[string]map[string]string {
		return map[string]map[string]string{
			"nl.toml": {
				sectionKey("Prerequisites"):      "Vereisten",
				sectionKey("Salesforce: pop-up"): "Salesforce: pop-up",
				stepKey(blocked):                 "De browser blokkeert pop-ups.",
				stepKey(closes):                  "Sluit het pop-upvenster.",
			},
			"ja.toml": {
				sectionKey("Prerequisites"):      "前提条件",
				sectionKey("Salesforce: pop-up"): "Salesforce: ポップアップ",
				stepKey(blocked):                 "ブラウザがポップアップをブロックします。",
				stepKey(closes):                  "ポップアップウィンドウを閉じます。",
			},
		}
	}
	tests := []struct {
		name   string
		change func(files map[string]map[string]string)
		want   []string // each in the error; none: no error
	}{
		{"complete", func(map[string]map[string]string) {}, nil},
		{"a step without its Dutch explanation", func(f map[string]map[string]string) { delete(f["nl.toml"], stepKey(blocked)) }, []string{
			`the step "^pop-ups are blocked in the admin's browser$" has no Dutch explanation: add to internal/steps/locales/nl.toml, under [step]:`,
			`"^pop-ups are blocked in the admin's browser$" = "<in Dutch: The product admin's browser blocks pop-ups`,
		}},
		{"a section without its Japanese name", func(f map[string]map[string]string) { delete(f["ja.toml"], sectionKey("Salesforce: pop-up")) }, []string{
			`the section "Salesforce: pop-up" has no Japanese name: add to internal/steps/locales/ja.toml, under [section]:`,
			`"Salesforce: pop-up" = "<Salesforce: pop-up in Japanese>"`,
		}},
		{"a key of a step that is gone", func(f map[string]map[string]string) { f["nl.toml"]["step.^pop-ups were blocked$"] = "Weg." }, []string{
			`internal/steps/locales/nl.toml: "^pop-ups were blocked$" under [step] matches no step or section of internal/steps/catalog.go`,
		}},
		{"an explanation still in English", func(f map[string]map[string]string) { f["ja.toml"][stepKey(closes)] = closes.Doc }, []string{
			`the step "^the admin closes the pop-up$": its Japanese explanation in internal/steps/locales/ja.toml is the English text: translate it`,
		}},
		{"an empty explanation", func(f map[string]map[string]string) { f["nl.toml"][stepKey(closes)] = " " }, []string{
			`internal/steps/locales/nl.toml: "^the admin closes the pop-up$" under [step] is empty: write its Dutch text`,
		}},
		{"a template action", func(f map[string]map[string]string) { f["nl.toml"][stepKey(closes)] = "Sluit {{.Window}}." }, []string{
			`internal/steps/locales/nl.toml: "^the admin closes the pop-up$" under [step] has a template action`,
		}},
		{"no Japanese file", func(f map[string]map[string]string) { delete(f, "ja.toml") }, []string{
			`internal/steps/locales/ja.toml:`, `the Japanese section names and explanations`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := complete()
			tt.change(files)
			err := checkTexts(defs, textFiles(t, files))
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("checkTexts = %v; want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkTexts = nil; want an error with %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("checkTexts = %v\nwant it to contain %q", err, w)
				}
			}
		})
	}
}

// en.toml, as make steps writes it, reads back as every section name
// and step explanation of catalog.go under its key: the TOML quoting of
// patterns with quotes, backslashes and apostrophes holds.
func TestStepTextsEnglishReadsBack(t *testing.T) {
	var b bytes.Buffer
	if err := writeEnglishTexts(catalog, &b); err != nil {
		t.Fatal(err)
	}
	got, err := i18n.Messages(fstest.MapFS{"en.toml": {Data: b.Bytes()}}, "en.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, s := range sections(catalog) {
		want[sectionKey(s)] = s
	}
	for _, d := range catalog {
		want[stepKey(d)] = d.Doc
	}
	if !maps.Equal(got, want) {
		for k, v := range want {
			if got[k] != v {
				t.Errorf("en.toml: %q = %q; want %q", k, got[k], v)
			}
		}
		t.Errorf("en.toml has %d messages; want %d", len(got), len(want))
	}
}

// The Dutch and Japanese pages give every step's explanation and every
// section name in their language, and no English explanation; the
// English page gives catalog.go's.
func TestCatalogDocsSpeakTheirLanguage(t *testing.T) {
	page := func(lang string) string {
		t.Helper()
		var b strings.Builder
		if err := writeCatalog(lang, &b); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	en := page("en")
	for _, d := range catalog {
		if !strings.Contains(en, "\n"+d.Doc+"\n") {
			t.Errorf("docs/steps.md lacks the explanation of %q", d.Pattern)
		}
	}
	for _, lang := range translated() {
		text := page(lang)
		msgs, err := i18n.Messages(stepLocales(), lang+".toml")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sections(catalog) {
			if !strings.Contains(text, "\n## "+msgs[sectionKey(s)]+"\n") {
				t.Errorf("the %s page lacks the section %q as %q", lang, s, msgs[sectionKey(s)])
			}
			if title := msgs[sectionKey(s)]; title != s && strings.Contains(text, "\n## "+s+"\n") {
				t.Errorf("the %s page has the English section title %q", lang, s)
			}
		}
		for _, d := range catalog {
			if !strings.Contains(text, "\n"+msgs[stepKey(d)]+"\n") {
				t.Errorf("the %s page lacks the explanation of %q", lang, d.Pattern)
			}
			if strings.Contains(text, "\n"+d.Doc+"\n") {
				t.Errorf("the %s page has the English explanation of %q", lang, d.Pattern)
			}
		}
	}
}

// The message docs/writing-scenarios.md shows under Add a step is the
// one checkTexts gives for its example step.
func TestDocsShowTheTranslationMessage(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "writing-scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(doc), "## 6. Add a step")
	m := regexp.MustCompile("(?s)```\n(the step .*?)```").FindStringSubmatch(section)
	if m == nil {
		t.Fatal("docs/writing-scenarios.md shows no translation message under Add a step")
	}
	step := stepDef{Section: "Product", Pattern: `^the admin renames the app "([^"]*)"$`, Doc: "Renames the connected app in Setup."}
	files := map[string]map[string]string{
		"nl.toml": {sectionKey("Product"): "Product"},
		"ja.toml": {sectionKey("Product"): "製品", stepKey(step): "「設定」で接続されたアプリの名前を変更します。"},
	}
	err = checkTexts([]stepDef{step}, textFiles(t, files))
	if err == nil {
		t.Fatal("checkTexts = nil; want the Dutch explanation missing")
	}
	for _, line := range strings.Split(strings.TrimSpace(m[1]), "\n") {
		if !strings.Contains(err.Error(), line) {
			t.Errorf("docs/writing-scenarios.md shows %q; checkTexts says:\n%v", line, err)
		}
	}
}
