package e2e

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cucumber/godog"
	"github.com/sfharness/sfharness/internal/steps"
)

// browserless is a feature whose steps need no browser: two that pass
// (they only declare the scenario's set-up) and a misspelt one.
const browserless = `Feature: browserless
  Scenario: passes
    Given pop-ups are blocked in the admin's browser
    And the product does not send PKCE

  Scenario: a misspelt step
    Given pop-ups are blocked in the admin's browser
    When the admin closes the popup

  Scenario: not selected
    Given the product does not send PKCE
`

// runBrowserless runs the scenarios at the refs of a feature written to
// a temporary folder, as TestFeatures runs them, and returns the console
// output, the Cucumber JSON and godog's status.
func runBrowserless(t *testing.T, format, feature string, lines ...string) (string, []cukeFeature, int) {
	t.Helper()
	dir := t.TempDir()
	f := filepath.Join(dir, "x.feature")
	if err := os.WriteFile(f, []byte(feature), 0o644); err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, l := range lines {
		refs = append(refs, f+":"+l)
	}
	fsys, files, err := selectScenarios(refs)
	if err != nil {
		t.Fatal(err)
	}
	cuke := filepath.Join(dir, "cucumber.json")
	var out bytes.Buffer
	suite := &steps.Suite{ResultsDir: dir, Log: io.Discard}
	status := godog.TestSuite{
		ScenarioInitializer: suite.InitializeScenario,
		Options: &godog.Options{Format: consoleFormat(format) + ",cucumber:" + cuke, Paths: files, FS: fsys,
			Strict: true, NoColors: true, Output: &out, Concurrency: 1},
	}.Run()
	fs, err := readCucumber(cuke)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), fs, status
}

// A feature with a step nobody defined must fail the run, or a typo in a
// QA engineer's scenario would pass green; the run names the step's file
// and line and the nearest steps of the catalogue. No browser is needed:
// the undefined step is found before any step runs.
func TestUndefinedStepFailsTheRun(t *testing.T) {
	_, fs, status := runBrowserless(t, "pretty", browserless, "6")
	if status == 0 {
		t.Fatal("a feature with an undefined step passed; want a failed run")
	}
	if sum := summarize(fs); sum.Failed != 1 || sum.Undefined != 1 || !strings.Contains(sum.String(), "0 passed, 1 failed") {
		t.Errorf("summary = %+v (%s); want 1 failed with an undefined step", sum, sum)
	}
	var msg bytes.Buffer
	writeUndefined(&msg, fs, nil)
	for _, want := range []string{"x.feature:8: undefined step: When the admin closes the popup", "did you mean:\n    When the admin closes the pop-up"} {
		if !strings.Contains(msg.String(), want) {
			t.Errorf("undefined-step message lacks %q:\n%s", want, msg.String())
		}
	}
}

// The console prints each Feature header once, the step definitions'
// own locations, and no godog snippet (which is not in the catalogue's
// form); scenarios that were not selected do not run.
func TestConsoleOutput(t *testing.T) {
	out, fs, _ := runBrowserless(t, "pretty", browserless, "2", "6")
	if n := strings.Count(out, "Feature: browserless"); n != 1 {
		t.Errorf("Feature header printed %d times; want once:\n%s", n, out)
	}
	for _, want := range []string{"# internal/steps/steps_prerequisites.go:", "-> (*world).popupsAreBlocked", "-> (*world).productSendsNoPKCE",
		"2 scenarios (1 passed, 1 failed: 1 undefined)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"steps.go:", "-> *world", "You can implement step definitions", "not selected"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("console has %q:\n%s", unwanted, out)
		}
	}
	if len(fs) != 1 || len(fs[0].Elements) != 2 || !strings.HasSuffix(fs[0].URI, "x.feature") {
		t.Fatalf("Cucumber JSON has %d features; want one, x.feature, with the 2 selected scenarios: %+v", len(fs), fs)
	}
	if m := string(fs[0].Elements[0].Steps[0].Match); !strings.Contains(m, "internal/steps/steps_prerequisites.go:") {
		t.Errorf("Cucumber JSON match = %s; want the step's definition", m)
	}
}

// The pretty console prints what to do about an undefined step right under
// it, with its file and line, and not once more at the end of the run.
func TestUndefinedMessageUnderTheStep(t *testing.T) {
	out, fs, _ := runBrowserless(t, "pretty", browserless, "6")
	step := "When the admin closes the popup\n"
	i := strings.Index(out, step)
	if i < 0 {
		t.Fatalf("console lacks the undefined step:\n%s", out)
	}
	next := strings.TrimSpace(strings.SplitN(out[i+len(step):], "\n", 2)[0])
	if want := "x.feature:8: undefined step: When the admin closes the popup"; !strings.HasSuffix(next, want) {
		t.Errorf("the line under the undefined step is %q; want it to end %q:\n%s", next, want, out)
	}
	var end strings.Builder
	writeUndefined(&end, fs, shownByConsole)
	if end.Len() != 0 {
		t.Errorf("the end of the run repeats the message:\n%s", end.String())
	}
}

// FORMAT=progress leaves out godog's snippets too.
func TestProgressConsoleOutput(t *testing.T) {
	out, _, _ := runBrowserless(t, "progress", browserless, "2", "6")
	if !strings.Contains(out, "...U") || strings.Contains(out, "You can implement step definitions") {
		t.Errorf("progress output:\n%s", out)
	}
}

// A step written in one language inside a feature of another is
// undefined there, failing the run, and the steps suggested for it are
// the feature's language's: an English step in a Dutch feature, a Dutch
// one in an English feature, an English one in a Japanese feature. The
// step in the feature's own language beside it passes.
func TestAStepInAnotherLanguageIsUndefined(t *testing.T) {
	for _, tc := range []struct {
		name, feature string
		line          string // the scenario's
		want          string // the first suggestion
		lang          string
	}{
		{"English in Dutch", "# language: nl\nFunctionaliteit: zonder browser\n  Scenario: een Engelse stap\n" +
			"    Gegeven pop-ups worden geblokkeerd in de browser van de beheerder\n    En the product does not send PKCE\n",
			"3", "Gegeven het product stuurt geen PKCE", "nl"},
		{"Dutch in English", "Feature: browserless\n  Scenario: a Dutch step\n" +
			"    Given pop-ups are blocked in the admin's browser\n    And het product stuurt geen PKCE\n",
			"2", "Given the product does not send PKCE", "en"},
		{"English in Japanese", "# language: ja\n機能: ブラウザなし\n  シナリオ: 英語のステップ\n" +
			"    前提 管理者のブラウザでポップアップがブロックされている\n    かつ the product does not send PKCE\n",
			"3", "前提 製品がPKCEを送信しない", "ja"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fs, status := runBrowserless(t, "pretty", tc.feature, tc.line)
			if status == 0 {
				t.Fatal("the run passed; want it failed on the step in another language")
			}
			if sum := summarize(fs); sum.Failed != 1 || sum.Undefined != 1 {
				t.Errorf("summary = %+v; want 1 failed with 1 undefined step", sum)
			}
			if len(fs) != 1 || len(fs[0].Elements) != 1 || len(fs[0].Elements[0].Steps) != 2 {
				t.Fatalf("Cucumber JSON: %+v", fs)
			}
			if st := fs[0].Elements[0].Steps; st[0].Result.Status != "passed" || st[1].Result.Status != "undefined" {
				t.Errorf("step statuses = %s, %s; want passed, undefined", st[0].Result.Status, st[1].Result.Status)
			}
			var msg bytes.Buffer
			writeUndefined(&msg, fs, nil)
			if !strings.Contains(msg.String(), ".feature:") || !strings.Contains(msg.String(), ": undefined step: ") || !strings.Contains(msg.String(), "did you mean:\n    "+tc.want+"\n") {
				t.Errorf("undefined-step message does not suggest %q first:\n%s", tc.want, msg.String())
			}
			_, suggested, _ := strings.Cut(msg.String(), "did you mean:\n")
			suggested, _, _ = strings.Cut(suggested, "  or add it")
			for _, line := range strings.Split(strings.TrimSpace(suggested), "\n") {
				if _, ok := steps.StripKeyword(tc.lang, strings.TrimSpace(line)); !ok {
					t.Errorf("suggestion %q is not in the feature's language %s", line, tc.lang)
				}
			}
		})
	}
}

// A feature in a language the catalogue does not speak fails with the
// languages it does.
func TestAFeatureInAnotherLanguageFails(t *testing.T) {
	_, fs, status := runBrowserless(t, "pretty", "# language: fr\nFonctionnalité: sans navigateur\n  Scénario: une étape\n    Soit the product does not send PKCE\n", "3")
	if status == 0 {
		t.Fatal("a French feature passed")
	}
	if len(fs) != 1 || len(fs[0].Elements) != 1 || !strings.Contains(fs[0].Elements[0].Steps[0].Result.Error, "the catalogue speaks en, nl, ja") {
		t.Errorf("Cucumber JSON: %+v; want the step failed naming the catalogue's languages", fs)
	}
}
