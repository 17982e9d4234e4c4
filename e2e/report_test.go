package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func cukeRun(t *testing.T, doc string) []cukeFeature {
	t.Helper()
	var fs []cukeFeature
	if err := json.Unmarshal([]byte(doc), &fs); err != nil {
		t.Fatal(err)
	}
	return fs
}

const attempt1 = `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"steady","line":4,"type":"scenario","steps":[{"keyword":"Given ","name":"x","line":5,"result":{"status":"passed","duration":1000000}}]},
 {"name":"wobbly","line":8,"type":"scenario","steps":[{"keyword":"Given ","name":"y","line":9,"result":{"status":"failed","error_message":"boom","duration":2000000}}]},
 {"name":"broken","line":12,"type":"scenario","steps":[{"keyword":"Given ","name":"z","line":13,"result":{"status":"failed","error_message":"bang","duration":3000000}}]}]}]`

const attempt2 = `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"wobbly","line":8,"type":"scenario","steps":[{"keyword":"Given ","name":"y","line":9,"result":{"status":"passed","duration":2000000}}]},
 {"name":"broken","line":12,"type":"scenario","steps":[{"keyword":"Given ","name":"z","line":13,"result":{"status":"failed","error_message":"bang","duration":3000000}}]}]}]`

func TestReportRetriesMarkFlakyNeverPlainPass(t *testing.T) {
	first := cukeRun(t, attempt1)
	if got := strings.Join(failedRefs(first), " "); got != "features/a.feature:8 features/a.feature:12" {
		t.Fatalf("failedRefs = %q", got)
	}
	merged := mergeAttempts([][]cukeFeature{first, cukeRun(t, attempt2)})
	sum := summarize(merged)
	if sum.Passed != 1 || sum.Flaky != 1 || sum.Failed != 1 {
		t.Fatalf("summary = %+v; want 1 passed, 1 flaky, 1 failed", sum)
	}
	var junit bytes.Buffer
	if err := writeJUnit(&junit, merged, runInfo{}); err != nil {
		t.Fatal(err)
	}
	x := junit.String()
	for _, want := range []string{`tests="3" failures="1"`, `<property name="flaky" value="true">`, `FLAKY: passed on attempt 2 of 2`, `<failure message="Given z" type="failed">bang</failure>`} {
		if !strings.Contains(x, want) {
			t.Errorf("JUnit lacks %q:\n%s", want, x)
		}
	}
	var html bytes.Buffer
	if err := writeHTMLReport(&html, merged, runInfo{Started: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{`1 flaky`, `<span class="flaky">flaky</span> wobbly`, `<pre>bang</pre>`} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if strings.Contains(h, "http://") || strings.Contains(h, "https://") || strings.Contains(h, "<script src") {
		t.Error("HTML report refers to external assets or scripts; it must be self-contained")
	}
	var timing bytes.Buffer
	writeTimingSummary(&timing, merged, 1)
	if !strings.Contains(timing.String(), "3ms  features/a.feature:12 broken") {
		t.Errorf("timing summary:\n%s", timing.String())
	}
}

func TestReportEscapesScenarioText(t *testing.T) {
	fs := cukeRun(t, `[{"uri":"f","name":"F","elements":[{"name":"<script>alert(1)</script>","line":1,"type":"scenario","steps":[{"keyword":"Given ","name":"x","line":2,"result":{"status":"passed"}}]}]}]`)
	var html bytes.Buffer
	if err := writeHTMLReport(&html, mergeAttempts([][]cukeFeature{fs}), runInfo{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>alert") {
		t.Error("scenario name not escaped in the HTML report")
	}
}

// An undefined or a pending step fails its scenario in every report: a
// red run never reads "0 failed".
func TestReportCountsUndefinedAndPendingAsFailures(t *testing.T) {
	links := base64.StdEncoding.EncodeToString([]byte("broken/01-a.png\nbroken/01-a.html"))
	fs := mergeAttempts([][]cukeFeature{cukeRun(t, `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"typo","line":4,"type":"scenario","tags":[{"name":"@login"}],"steps":[{"keyword":"When ","name":"the admin closes the popup","line":5,"result":{"status":"undefined"}}]},
 {"name":"todo","line":8,"type":"scenario","tags":[{"name":"@sync"}],"steps":[{"keyword":"Given ","name":"y","line":9,"result":{"status":"pending"}}]},
 {"name":"broken","line":12,"type":"scenario","tags":[{"name":"@login"}],"steps":[{"keyword":"Given ","name":"z","line":13,"result":{"status":"failed","error_message":"bang"},
   "embeddings":[{"name":"artefacts","mime_type":"text/uri-list","data":"`+links+`"}]}]}]}]`)})
	sum := summarize(fs)
	if sum.Failed != 3 || sum.Undefined != 1 || sum.Pending != 1 || sum.Passed != 0 {
		t.Errorf("summary = %+v; want 3 failed, 1 undefined and 1 pending of them", sum)
	}
	if got, want := sum.String(), "0 passed, 3 failed (1 with an undefined step, 1 with a pending step)"; got != want {
		t.Errorf("summary line = %q; want %q", got, want)
	}
	var junit bytes.Buffer
	if err := writeJUnit(&junit, fs, runInfo{}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`tests="3" failures="3"`, `type="undefined"`, "features/a.feature:5: undefined step", "did you mean:", `type="pending"`} {
		if !strings.Contains(junit.String(), want) {
			t.Errorf("JUnit lacks %q:\n%s", want, junit.String())
		}
	}
	var html bytes.Buffer
	info := runInfo{Started: time.Unix(0, 0), Env: [][2]string{{"Chromium", "HeadlessChrome/140"}, {"shard", "2/4"}}}
	if err := writeHTMLReport(&html, fs, info); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{
		"3 failed (1 undefined) (1 pending)",
		`<a href="broken/01-a.png">01-a.png</a>`, `<a href="broken/01-a.html">`,
		"features/a.feature:5: undefined step: When the admin closes the popup", "did you mean:",
		`<select id="status">`, `<option>undefined</option>`, `<option>@login</option>`, `<option>@sync</option>`,
		`data-tags="@login "`, `<input id="search"`,
		"<td>Chromium</td><td>HeadlessChrome/140</td>", "<td>shard</td><td>2/4</td>",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
}
