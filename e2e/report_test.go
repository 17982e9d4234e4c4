package e2e

import (
	"bytes"
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
