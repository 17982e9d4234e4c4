package e2e

import (
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeShard writes a shard's results folder as a run does: its reports
// by writeReports, and an artefact a failed step links.
func writeShard(t *testing.T, root, name, shard, doc, cutShort string) {
	t.Helper()
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Join(dir, "broken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken", "01-a.html"), []byte("<p>the page</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	info := runInfo{Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), CutShort: cutShort,
		Env: [][2]string{{"Go", "go1.26"}, {"shard", shard}}}
	if err := writeReports(dir, mergeAttempts([][]cukeFeature{cukeRun(t, doc)}), info); err != nil {
		t.Fatal(err)
	}
}

var (
	artefactData = base64.StdEncoding.EncodeToString([]byte("broken/01-a.html"))
	shard1       = `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"one","line":4,"type":"scenario","tags":[{"name":"@smoke"}],"steps":[{"keyword":"Given ","name":"x","line":5,"result":{"status":"passed","duration":1000000}}]}]},
 {"uri":"features/b.feature","name":"B","elements":[
 {"name":"three","line":4,"type":"scenario","steps":[{"keyword":"Given ","name":"x","line":5,"result":{"status":"passed","duration":1000000}}]}]}]`
	shard2 = `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"two","line":8,"type":"scenario","steps":[{"keyword":"Given ","name":"y","line":9,"result":{"status":"failed","error_message":"bang\n  artefacts:\n    ci/results-2/broken/01-a.html","duration":2000000},
   "embeddings":[{"name":"artefacts","mime_type":"text/uri-list","data":"` + artefactData + `"}]}]}]}]`
)

func TestMergeShardsMergesEveryReport(t *testing.T) {
	root := t.TempDir()
	writeShard(t, root, "results-1", "1/2", shard1, "")
	writeShard(t, root, "results-2", "2/2", shard2, "")
	sum, cut, shown, err := MergeShards(root, "merged", []string{"results-2", filepath.Join(root, "results-1")})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Passed != 2 || sum.Failed != 1 || cut != "" || shown != "merged" {
		t.Errorf("MergeShards = %+v, %q, %q; want 2 passed, 1 failed, not cut short, in merged", sum, cut, shown)
	}
	out := filepath.Join(root, "merged")

	fs, err := readCucumber(filepath.Join(out, "cucumber.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		for _, e := range f.Elements {
			got = append(got, f.URI+":"+e.Name)
		}
	}
	if want := "features/a.feature:one features/a.feature:two features/b.feature:three"; strings.Join(got, " ") != want {
		t.Errorf("merged cucumber.json has %q; want %q", got, want)
	}
	// The failed step's message names the artefact where the merge put
	// it, not where the shard's run (on another machine) wrote it.
	if msg := fs[0].Elements[1].Steps[0].Result.Error; !strings.Contains(msg, "    merged/shards/results-2/broken/01-a.html") || strings.Contains(msg, "ci/results-2") {
		t.Errorf("merged step message:\n%s\nwant the artefact's path in the merged folder", msg)
	}

	b, err := os.ReadFile(filepath.Join(out, "junit.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var junit junitSuites
	if err := xml.Unmarshal(b, &junit); err != nil {
		t.Fatal(err)
	}
	if junit.Tests != 3 || junit.Failures != 1 || len(junit.Suites) != 2 || junit.Suites[0].Tests != 2 {
		t.Errorf("merged junit.xml: %d tests, %d failures, %d suites; want 3, 1, 2 with feature A's two scenarios in one:\n%s", junit.Tests, junit.Failures, len(junit.Suites), b)
	}

	b, err = os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	for _, want := range []string{`2 passed`, `1 failed`, `<option>@smoke</option>`, "<pre>bang\n  artefacts:\n    merged/shards/results-2/broken/01-a.html</pre>",
		`<a href="shards/results-2/broken/01-a.html">01-a.html</a>`,
		"<td>shard</td><td>merged: 2/2, 1/2</td>", "<td>merged from</td><td>results-2 results-1</td>"} {
		if !strings.Contains(h, want) {
			t.Errorf("merged report.html lacks %q", want)
		}
	}
	// The link works from the merged folder alone.
	if _, err := os.Stat(filepath.Join(out, "shards", "results-2", "broken", "01-a.html")); err != nil {
		t.Errorf("the linked artefact is not in the merged folder: %v", err)
	}
	var info runInfo
	b, err = os.ReadFile(filepath.Join(out, runInfoFile))
	if err == nil {
		err = json.Unmarshal(b, &info)
	}
	if err != nil || !info.Started.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("merged run.json: %+v, %v", info, err)
	}

	// Merging again replaces the merged folder.
	if _, _, _, err := MergeShards(root, "merged", []string{"results-1", "results-2"}); err != nil {
		t.Fatal(err)
	}
}

func TestMergeShardsSaysWhenAShardWasCutShort(t *testing.T) {
	root := t.TempDir()
	writeShard(t, root, "a", "1/2", shard1, "interrupted after 3s")
	writeShard(t, root, "b", "2/2", shard2, "")
	_, cut, _, err := MergeShards(root, "merged", []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if cut != "shard a: interrupted after 3s" {
		t.Errorf("cut short = %q", cut)
	}
	b, _ := os.ReadFile(filepath.Join(root, "merged", "junit.xml"))
	if !strings.Contains(string(b), `type="cut-short"`) {
		t.Errorf("merged junit.xml does not fail the cut-short run:\n%s", b)
	}
}

func TestMergeShardsRefuses(t *testing.T) {
	root := t.TempDir()
	writeShard(t, root, "a", "1/3", shard1, "")
	writeShard(t, root, "b", "2/3", shard2, "")
	writeShard(t, root, "c", "3/3", shard2, "")
	writeShard(t, root, "unsharded", "all", shard1, "")
	if err := os.MkdirAll(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		out    string
		shards []string
		want   string
	}{
		{"no shards", "merged", nil, "no shard folders"},
		{"a missing shard", "merged", []string{"a", "b"}, "shard 3/3 is missing"},
		{"a shard twice", "merged", []string{"a", "b", "c", "a"}, "given twice"},
		{"a scenario in two shards", "merged", []string{"a", "b", "c"}, "features/a.feature:8 ran in both b and c"},
		{"a shard without reports", "merged", []string{"unsharded", "empty"}, "shard empty: "},
		{"the output among the shards", "a", []string{"a"}, "lies in the output folder"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := MergeShards(root, tt.out, tt.shards)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("MergeShards(%q, %q) = %v; want an error with %q", tt.out, tt.shards, err, tt.want)
			}
		})
	}
}
