package e2e

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const sampleFeature = `@area
Feature: sample

  Scenario: one
    Given a step

  @wip
  Scenario: two
    Given a step

  @smoke
  Scenario Outline: three <n>
    Given a step

    Examples:
      | n |
      | 1 |
      | 2 |

  Rule: a rule
    @smoke
    Scenario: four
      Given a step
`

func writeSample(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "sample.feature")
	if err := os.WriteFile(f, []byte(sampleFeature), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func refs(ss []Scenario) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Ref()[strings.LastIndexByte(s.Ref(), '/')+1:])
	}
	return out
}

func TestDiscoverFindsScenariosAndOutlineRows(t *testing.T) {
	f := writeSample(t)
	all, err := Discover([]string{filepath.Dir(f)})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sample.feature:4", "sample.feature:8", "sample.feature:17", "sample.feature:18", "sample.feature:22"}
	if got := refs(all); !reflect.DeepEqual(got, want) {
		t.Fatalf("Discover = %v; want %v", got, want)
	}
	if !reflect.DeepEqual(all[2].Tags, []string{"@area", "@smoke"}) {
		t.Errorf("outline row tags = %v; want feature and scenario tags", all[2].Tags)
	}
	// A line selects one scenario, or every row of an outline.
	one, err := Discover([]string{f + ":12"})
	if err != nil || !reflect.DeepEqual(refs(one), []string{"sample.feature:17", "sample.feature:18"}) {
		t.Errorf("Discover(:12) = %v, %v; want both rows of the outline", refs(one), err)
	}
	if _, err := Discover([]string{f + ":5"}); err == nil {
		t.Error("Discover(:5) succeeded; want an error: no scenario starts there")
	}
}

func TestSelectByTagsAndShard(t *testing.T) {
	all, err := Discover([]string{writeSample(t)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tags, shard string
		want        []string
	}{
		{"not @wip", "", []string{"sample.feature:4", "sample.feature:17", "sample.feature:18", "sample.feature:22"}},
		{"@smoke and not @wip", "", []string{"sample.feature:17", "sample.feature:18", "sample.feature:22"}},
		{"not @wip", "1/2", []string{"sample.feature:4", "sample.feature:22"}},
		{"not @wip", "2/2", []string{"sample.feature:17", "sample.feature:18"}},
	}
	for _, tt := range tests {
		got, err := Select(all, tt.tags, tt.shard)
		if err != nil || !reflect.DeepEqual(refs(got), tt.want) {
			t.Errorf("Select(%q, %q) = %v, %v; want %v", tt.tags, tt.shard, refs(got), err, tt.want)
		}
	}
	// The shards together are the whole selection, each scenario once.
	seen := map[string]int{}
	for _, shard := range []string{"1/3", "2/3", "3/3"} {
		got, _ := Select(all, "", shard)
		for _, r := range refs(got) {
			seen[r]++
		}
	}
	if len(seen) != len(all) {
		t.Errorf("3 shards ran %d distinct scenarios; want %d", len(seen), len(all))
	}
	for r, n := range seen {
		if n != 1 {
			t.Errorf("%s ran in %d shards; want 1", r, n)
		}
	}
	if _, err := Select(all, "@nothing", ""); err == nil {
		t.Error("a tag expression that matches nothing passed; want an error")
	}
	for _, bad := range []string{"0/2", "3/2", "x", "1/0"} {
		if _, err := Select(all, "", bad); err == nil {
			t.Errorf("SHARD=%q accepted; want an error", bad)
		}
	}
}
