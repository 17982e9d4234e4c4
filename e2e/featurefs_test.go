package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const mixed = `@area
Feature: mixed

  Background:
    Given a

  @one
  Scenario: one
    Given b

  # a comment before two
  @two @slow
  Scenario Outline: two <x>
    Given c <x>

    Examples:
      | x |
      | 1 |
      | 2 |

  Rule: a rule
    Scenario: three
      Given d
`

// Scenarios not selected are blanked line for line: the file keeps its
// header, background and every line number.
func TestSelectScenariosBlanksTheOthers(t *testing.T) {
	f := filepath.Join(t.TempDir(), "mixed.feature")
	if err := os.WriteFile(f, []byte(mixed), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, files, err := selectScenarios([]string{f + ":13", f + ":22"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0] != f {
		t.Fatalf("files = %q; want the one file", files)
	}
	got := strings.Split(string(fsys[f]), "\n")
	want := strings.Split(mixed, "\n")
	if len(got) != len(want) {
		t.Fatalf("blanked file has %d lines; want %d", len(got), len(want))
	}
	for i, line := range want {
		blank := i+1 >= 7 && i+1 <= 11 // scenario one, from its tag to two's
		if blank && got[i] != "" || !blank && got[i] != line {
			t.Errorf("line %d = %q; want %q (blank: %t)", i+1, got[i], line, blank)
		}
	}
	found, err := parseFeatureFromFS(fsys, f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(found, ",") != "two 1,two 2,three" {
		t.Errorf("scenarios left = %q; want the outline's rows and three", found)
	}
}

// parseFeatureFromFS lists the scenario names of the FS's copy of file.
func parseFeatureFromFS(fsys selectedFS, file string) ([]string, error) {
	tmp := file + ".selected.feature"
	if err := os.WriteFile(tmp, fsys[file], 0o644); err != nil {
		return nil, err
	}
	scs, err := parseFeature(tmp)
	var names []string
	for _, s := range scs {
		names = append(names, s.Name)
	}
	return names, err
}
