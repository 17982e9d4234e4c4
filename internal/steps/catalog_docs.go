package steps

import (
	"fmt"
	"io"
	"strings"
)

// catalogDoc is what docs/steps*.md say around the steps, per language.
type catalogDoc struct {
	File    string // under docs/
	Intro   string // the title and the lines under it
	Pattern string // the word before each pattern
}

// catalogDocs are the catalogue's pages, by language; English is
// docs/steps.md as it always was. The Dutch and Japanese pages give each
// step's wording, its explanation and the section names in their
// language (the explanations and section names from locales/, see
// catalog_text.go).
var catalogDocs = map[string]catalogDoc{
	"en": {File: "steps.md", Pattern: "Pattern", Intro: "# Step catalogue\n\n" +
		"Generated from `internal/steps/catalog.go` by `make steps`; do not edit by hand.\n" +
		"Every step below can start with Given, When, Then, And or But. Quoted values are yours to choose.\n" +
		"See `docs/writing-scenarios.md` for how to write and run a scenario.\n"},
	"nl": {File: "steps.nl.md", Pattern: "Patroon", Intro: "# Stappencatalogus\n\n" +
		"Gegenereerd uit `internal/steps/catalog.go` en `internal/steps/locales/nl.toml` door `make steps`; niet met de hand bewerken.\n" +
		"Voor features die beginnen met `# language: nl`. Elke stap hieronder kan beginnen met Gegeven, Stel, Als, Wanneer, Dan, En of Maar. Waarden tussen aanhalingstekens kiest u zelf.\n" +
		"De woorden komen uit de Nederlandse documentatie (OAuth 2.0 instellen); de uitleg onder elke stap zegt wat de stap achter de schermen doet, zoals `docs/steps.md` in het Engels.\n" +
		"Knoppen die de documentatie noemt (\"Opslaan\", \"Doorgaan\", \"Verifiëren\", ...) vinden de stappen ook op een Engelse pagina (`internal/steps/catalog_labels.go`).\n" +
		"Zie `docs/writing-scenarios.md` voor het schrijven en draaien van een scenario.\n"},
	"ja": {File: "steps.ja.md", Pattern: "パターン", Intro: "# ステップカタログ\n\n" +
		"`make steps` が `internal/steps/catalog.go` と `internal/steps/locales/ja.toml` から生成します。手で編集しないでください。\n" +
		"`# language: ja` で始まるフィーチャ用です。各ステップは 前提、もし、ならば、かつ、しかし などで始められます。引用符で囲んだ値は自由に選べます。\n" +
		"言葉は日本語のドキュメント（OAuth 2.0のセットアップ）から取っています。各ステップの下の説明は、`docs/steps.md` の英語の説明と同じく、そのステップが裏で何をするかを示します。\n" +
		"ドキュメントが挙げるボタン（\"保存\"、\"続行\"、\"検証\" など）は英語のページでも見つかります（`internal/steps/catalog_labels.go`）。\n" +
		"シナリオの書き方と実行方法は `docs/writing-scenarios.md` を参照してください。\n"},
}

// writeCatalog renders the catalogue's page in the language
// (docs/steps.md in English, docs/steps.nl.md, docs/steps.ja.md).
func writeCatalog(lang string, out io.Writer) error {
	doc, ok := catalogDocs[lang]
	if !ok {
		return fmt.Errorf("e2e: no catalogue page in the language %q", lang)
	}
	texts, err := textsIn(lang)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(doc.Intro)
	section := ""
	for _, d := range catalog {
		if d.Section != section {
			section = d.Section
			title, err := texts.section(section)
			if err != nil {
				return err
			}
			fmt.Fprintf(&b, "\n## %s\n", title)
		}
		explanation, err := texts.doc(d)
		if err != nil {
			return err
		}
		w := d.in(lang)
		fmt.Fprintf(&b, "\n```gherkin\n%s\n```\n%s\n\n%s: `%s`\n", w.Example, explanation, doc.Pattern, w.Pattern)
	}
	_, err = io.WriteString(out, b.String())
	return err
}
