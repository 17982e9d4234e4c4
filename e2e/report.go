package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/internal/steps"
)

// The Cucumber JSON that godog's "cucumber" formatter writes, as far as
// the reports read it.
type (
	cukeFeature struct {
		URI      string        `json:"uri"`
		ID       string        `json:"id"`
		Keyword  string        `json:"keyword"`
		Name     string        `json:"name"`
		Line     int           `json:"line"`
		Tags     []cukeTag     `json:"tags,omitempty"`
		Elements []cukeElement `json:"elements,omitempty"`
	}
	cukeTag struct {
		Name string `json:"name"`
		Line int    `json:"line"`
	}
	cukeElement struct {
		ID      string     `json:"id"`
		Keyword string     `json:"keyword"`
		Name    string     `json:"name"`
		Line    int        `json:"line"`
		Type    string     `json:"type"`
		Tags    []cukeTag  `json:"tags,omitempty"`
		Steps   []cukeStep `json:"steps,omitempty"`
		// Flaky and Attempts are ours: a scenario that failed and then
		// passed on a retry is flaky, never a plain pass.
		Flaky    bool `json:"flaky,omitempty"`
		Attempts int  `json:"attempts,omitempty"`
	}
	cukeStep struct {
		Keyword    string          `json:"keyword"`
		Name       string          `json:"name"`
		Line       int             `json:"line"`
		Match      json.RawMessage `json:"match,omitempty"`
		Result     cukeResult      `json:"result"`
		Embeddings []cukeEmbedding `json:"embeddings,omitempty"`
	}
	cukeResult struct {
		Status   string `json:"status"`
		Error    string `json:"error_message,omitempty"`
		Duration *int64 `json:"duration,omitempty"` // nanoseconds
	}
	cukeEmbedding struct {
		Name     string `json:"name"`
		MimeType string `json:"mime_type"`
		Data     string `json:"data"` // base64
	}
)

// status is the scenario's overall result: failed if any step failed,
// else the first step that did not pass, else passed.
func (e cukeElement) status() string {
	st := "passed"
	for _, s := range e.Steps {
		switch s.Result.Status {
		case "passed":
		case "failed":
			return "failed"
		default:
			if st == "passed" {
				st = s.Result.Status
			}
		}
	}
	return st
}

func (e cukeElement) duration() time.Duration {
	var d int64
	for _, s := range e.Steps {
		if s.Result.Duration != nil {
			d += *s.Result.Duration
		}
	}
	return time.Duration(d)
}

func readCucumber(path string) ([]cukeFeature, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fs []cukeFeature
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(b, &fs); err != nil {
		return nil, fmt.Errorf("e2e: read %s: %w", path, err)
	}
	for i := range fs {
		// godog keeps the ":line" it was given in the URI.
		fs[i].URI, _ = splitLine(fs[i].URI)
		for j := range fs[i].Elements {
			fixMatches(fs[i].Elements[j].Steps)
		}
	}
	return fs, nil
}

// fixMatches puts each step's definition in its match location, where
// godog writes the line that registered it (steps.DefinitionOf).
func fixMatches(sts []cukeStep) {
	for i, st := range sts {
		def, ok := steps.DefinitionOf(st.Name)
		if !ok || st.Match == nil {
			continue
		}
		loc, _, _ := strings.Cut(def, " -> ")
		if b, err := json.Marshal(map[string]string{"location": loc}); err == nil {
			sts[i].Match = b
		}
	}
}

// failedRefs lists "uri:line" of the scenarios that did not pass.
func failedRefs(fs []cukeFeature) []string {
	var out []string
	for _, f := range fs {
		for _, e := range f.Elements {
			if e.Type != "background" && e.status() != "passed" {
				out = append(out, f.URI+":"+strconv.Itoa(e.Line))
			}
		}
	}
	return out
}

// mergeAttempts keeps each scenario's last result and marks the ones that
// needed more than one attempt to pass as flaky.
func mergeAttempts(attempts [][]cukeFeature) []cukeFeature {
	type key struct {
		uri  string
		line int
	}
	var order []string
	features := map[string]*cukeFeature{}
	last := map[key]cukeElement{}
	tries := map[key]int{}
	failedOnce := map[key]bool{}
	var keys []key
	for _, run := range attempts {
		for _, f := range run {
			if _, ok := features[f.URI]; !ok {
				c := f
				c.Elements = nil
				features[f.URI] = &c
				order = append(order, f.URI)
			}
			for _, e := range f.Elements {
				k := key{f.URI, e.Line}
				if _, seen := last[k]; !seen {
					keys = append(keys, k)
				}
				tries[k]++
				if e.status() != "passed" {
					failedOnce[k] = true
				}
				last[k] = e
			}
		}
	}
	for _, k := range keys {
		e := last[k]
		e.Attempts = tries[k]
		e.Flaky = failedOnce[k] && e.status() == "passed"
		features[k.uri].Elements = append(features[k.uri].Elements, e)
	}
	out := make([]cukeFeature, 0, len(order))
	for _, uri := range order {
		f := features[uri]
		sort.SliceStable(f.Elements, func(i, j int) bool { return f.Elements[i].Line < f.Elements[j].Line })
		out = append(out, *f)
	}
	return out
}

// Summary counts scenarios by outcome. Failed is every scenario that did
// not pass, flaky ones aside: one with an undefined or pending step
// failed as much as one whose check failed, so a red run never reads
// "0 failed".
type Summary struct {
	Passed, Flaky, Failed int
	// Undefined and Pending are the failed scenarios with such a step.
	Undefined, Pending int
	Duration           time.Duration
}

// String is the summary line of the console: passed counts flaky ones.
func (s Summary) String() string {
	out := fmt.Sprintf("%d passed, %d failed", s.Passed+s.Flaky, s.Failed)
	var why []string
	if s.Undefined > 0 {
		why = append(why, fmt.Sprintf("%d with an undefined step", s.Undefined))
	}
	if s.Pending > 0 {
		why = append(why, fmt.Sprintf("%d with a pending step", s.Pending))
	}
	if len(why) > 0 {
		out += " (" + strings.Join(why, ", ") + ")"
	}
	return out
}

func summarize(fs []cukeFeature) Summary {
	var s Summary
	for _, f := range fs {
		for _, e := range f.Elements {
			s.Duration += e.duration()
			switch st := e.status(); {
			case e.Flaky:
				s.Flaky++
			case st == "passed":
				s.Passed++
			default:
				s.Failed++
				if e.hasStep("undefined") {
					s.Undefined++
				}
				if e.hasStep("pending") {
					s.Pending++
				}
			}
		}
	}
	return s
}

// hasStep reports whether a step of the scenario has the status.
func (e cukeElement) hasStep(status string) bool {
	for _, s := range e.Steps {
		if s.Result.Status == status {
			return true
		}
	}
	return false
}

// runInfo is what the reports say about the run itself.
// writeReports saves it as run.json beside the other reports, so that
// make report can merge shards' runs.
type runInfo struct {
	Started time.Time `json:"started"`
	// CutShort, when set, says why the run stopped before its end.
	CutShort string `json:"cut_short,omitempty"`
	// Env is the run's set-up, label and value, in the report's order.
	Env [][2]string `json:"env"`
}

// writeTimingSummary prints the slowest steps and scenarios.
func writeTimingSummary(w io.Writer, fs []cukeFeature, n int) {
	type timed struct {
		what string
		d    time.Duration
	}
	var steps, scenarios []timed
	for _, f := range fs {
		for _, e := range f.Elements {
			scenarios = append(scenarios, timed{fmt.Sprintf("%s:%d %s", f.URI, e.Line, e.Name), e.duration()})
			for _, s := range e.Steps {
				if s.Result.Duration != nil {
					steps = append(steps, timed{fmt.Sprintf("%s:%d %s%s", f.URI, s.Line, s.Keyword, s.Name), time.Duration(*s.Result.Duration)})
				}
			}
		}
	}
	for _, list := range []struct {
		title string
		items []timed
	}{{"Slowest scenarios", scenarios}, {"Slowest steps", steps}} {
		sort.Slice(list.items, func(i, j int) bool { return list.items[i].d > list.items[j].d })
		fmt.Fprintf(w, "\n%s:\n", list.title)
		for i, t := range list.items {
			if i == n {
				break
			}
			fmt.Fprintf(w, "  %8s  %s\n", t.d.Round(time.Millisecond), t.what)
		}
	}
}

// JUnit XML, one testcase per scenario; a flaky one passes with a
// property and a note, so CI shows it without failing.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Time     string      `xml:"time,attr"`
		Cases    []junitCase `xml:"testcase"`
	}
	junitCase struct {
		Name       string          `xml:"name,attr"`
		Classname  string          `xml:"classname,attr"`
		Time       string          `xml:"time,attr"`
		Properties *junitProps     `xml:"properties,omitempty"`
		Failure    *junitFailure   `xml:"failure,omitempty"`
		Skipped    *struct{}       `xml:"skipped,omitempty"`
		SystemOut  *junitSystemOut `xml:"system-out,omitempty"`
	}
	junitProps struct {
		Props []junitProp `xml:"property"`
	}
	junitProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Text    string `xml:",chardata"`
	}
	junitSystemOut struct {
		Text string `xml:",chardata"`
	}
)

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

func writeJUnit(w io.Writer, fs []cukeFeature, info runInfo) error {
	all := junitSuites{Name: "features"}
	var total time.Duration
	for _, f := range fs {
		s := junitSuite{Name: f.Name}
		var d time.Duration
		for _, e := range f.Elements {
			c := junitCase{Name: e.Name, Classname: fmt.Sprintf("%s:%d", f.URI, e.Line), Time: secs(e.duration())}
			switch st := e.status(); {
			case e.Flaky:
				c.Properties = &junitProps{[]junitProp{{"flaky", "true"}, {"attempts", strconv.Itoa(e.Attempts)}}}
				c.SystemOut = &junitSystemOut{fmt.Sprintf("FLAKY: passed on attempt %d of %d", e.Attempts, e.Attempts)}
			case st != "passed":
				c.Failure = junitFailureOf(f.URI, e, st)
				s.Failures++
			}
			s.Tests++
			d += e.duration()
			s.Cases = append(s.Cases, c)
		}
		s.Time = secs(d)
		total += d
		all.Tests += s.Tests
		all.Failures += s.Failures
		all.Suites = append(all.Suites, s)
	}
	if info.CutShort != "" {
		// CI must not read a run cut short as a shorter green one.
		msg := "run cut short: " + info.CutShort
		all.Suites = append(all.Suites, junitSuite{Name: "run", Tests: 1, Failures: 1, Time: "0",
			Cases: []junitCase{{Name: "the run", Classname: "run", Time: "0", Failure: &junitFailure{Message: msg, Type: "cut-short", Text: msg}}}})
		all.Tests++
		all.Failures++
	}
	all.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(all)
}

// junitFailureOf is the failure of a scenario that did not pass: its
// first step that did not pass, with godog's error or, for an undefined
// step, where it is and the nearest steps of the catalogue.
func junitFailureOf(uri string, e cukeElement, status string) *junitFailure {
	for _, st := range e.Steps {
		switch st.Result.Status {
		case "passed", "skipped":
			continue
		case "undefined":
			msg := undefinedMessage(uri, st)
			return &junitFailure{Message: "undefined step: " + st.Keyword + st.Name, Type: "undefined", Text: msg}
		default:
			text := st.Result.Error
			if text == "" {
				text = "step " + st.Result.Status
			}
			return &junitFailure{Message: st.Keyword + st.Name, Type: st.Result.Status, Text: text}
		}
	}
	return &junitFailure{Message: "scenario " + status, Type: status}
}

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"dur": func(ns *int64) string {
		if ns == nil {
			return ""
		}
		return time.Duration(*ns).Round(time.Millisecond).String()
	},
	"durOf": func(e cukeElement) string { return e.duration().Round(time.Millisecond).String() },
	"status": func(e cukeElement) string {
		if e.Flaky {
			return "flaky"
		}
		return e.status()
	},
	"img": func(e cukeEmbedding) template.URL {
		// Only images we attached ourselves, base64 from godog.
		return template.URL("data:" + e.MimeType + ";base64," + e.Data)
	},
	"isImage":          func(e cukeEmbedding) bool { return strings.HasPrefix(e.MimeType, "image/") },
	"links":            artefactLinks,
	"tags":             tagList,
	"base":             path.Base,
	"undefinedMessage": undefinedMessage,
	"shotsOf":          shotsOf,
	"hasShots":         hasShots,
	"filmOf":           filmOf,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#1b1b1b}
h1{font-size:20px} .sum span{margin-right:16px;font-weight:bold}
.passed{color:#16794c}.failed,.undefined,.pending{color:#b3261e}.flaky{color:#a15c00}.skipped{color:#6b6b6b}
.cut{background:#b3261e;color:#fff;padding:8px 12px;border-radius:6px;font-weight:bold}
details{border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer} table{border-collapse:collapse;width:100%} td{padding:3px 6px;border-bottom:1px solid #f0f0f0;vertical-align:top}
pre{white-space:pre-wrap;background:#fff4f4;padding:6px;border-radius:4px} img{max-width:100%;border:1px solid #ccc;margin:4px 0}
.muted{color:#777} .tag{background:#eef;border-radius:4px;padding:0 4px;margin-left:4px;font-size:90%}
.artefacts{margin:2px 0;padding-left:20px;font-size:90%} .env td:first-child{color:#555;padding-right:16px} .filters{margin:12px 0} .filters>*{margin-right:12px}
` + traceStyle + `</style></head><body>
<h1>{{.Title}}</h1>
{{if .Info.CutShort}}<p class="cut">Run cut short: {{.Info.CutShort}}. Scenarios that had not finished are missing.</p>{{end}}
<p class="sum"><span class="passed">{{.Summary.Passed}} passed</span><span class="flaky">{{.Summary.Flaky}} flaky</span><span class="failed">{{.Summary.Failed}} failed{{if .Summary.Undefined}} ({{.Summary.Undefined}} undefined){{end}}{{if .Summary.Pending}} ({{.Summary.Pending}} pending){{end}}</span><span class="muted">started {{.Started}}</span></p>
<details><summary>Environment</summary><table class="env">{{range .Info.Env}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>{{end}}</table></details>
<div class="filters"><label>Status <select id="status"><option value="">all</option>{{range .Statuses}}<option>{{.}}</option>{{end}}</select></label>
<label>Tag <select id="tag"><option value="">all</option>{{range .Tags}}<option>{{.}}</option>{{end}}</select></label>
<label>Search <input id="search" type="search" placeholder="scenario or step text"></label> <span id="shown" class="muted"></span></div>
{{range $fi, $f := .Features}}<section class="feature"><h2>{{.Name}} <span class="muted">{{.URI}}</span></h2>
{{$uri := .URI}}{{range $ei, $e := .Elements}}<details class="scenario" data-status="{{status .}}" data-tags="{{range tags .Tags}}{{.}} {{end}}"{{if ne (status .) "passed"}} open{{end}}><summary><span class="{{status .}}">{{status .}}</span> {{.Name}} <span class="muted">{{$uri}}:{{.Line}} · {{durOf .}}{{if gt .Attempts 1}} · {{.Attempts}} attempts{{end}}</span>{{range tags .Tags}}<span class="tag">{{.}}</span>{{end}}</summary>
<table>{{range $si, $st := .Steps}}<tr><td class="{{.Result.Status}}">{{.Result.Status}}</td><td>{{.Keyword}}{{.Name}}{{if .Result.Error}}<pre>{{.Result.Error}}</pre>{{else if eq .Result.Status "undefined"}}<pre>{{undefinedMessage $uri .}}</pre>{{end}}{{range .Embeddings}}{{if isImage .}}{{if not (hasShots $st)}}<div class="muted">{{.Name}}</div><img alt="{{.Name}}" src="{{img .}}">{{end}}{{else}}{{with links .}}<div>artefacts:<ul class="artefacts">{{range .}}<li><a href="{{.}}">{{base .}}</a></li>{{end}}</ul></div>{{end}}{{end}}{{end}}</td><td class="shots">{{range shotsOf $e .}}{{if or .Href .Data}}<figure><a class="zoom" href="{{if .Data}}{{.Data}}{{else}}{{.Href}}{{end}}" data-group="f{{$fi}}e{{$ei}}s{{$si}}" data-cap="{{.Window}} after: {{$st.Keyword}}{{$st.Name}}"><img loading="lazy" alt="{{.Window}} after the step" src="{{if .Data}}{{.Data}}{{else}}{{.Href}}{{end}}"></a><figcaption>{{.Window}}</figcaption></figure>{{else}}<figure class="missing">{{if .Frame}}<a class="zoom" href="{{.Frame}}" data-group="f{{$fi}}e{{$ei}}s{{$si}}" data-cap="{{.Window}}: film frame {{.FrameAt}}"><img loading="lazy" alt="{{.Window}}'s film frame at {{.FrameAt}}" src="{{.Frame}}"></a>{{end}}{{if .Window}}<b>{{.Window}}</b>: {{end}}{{.Reason}}{{if .Frame}}; its film frame at {{.FrameAt}} instead{{end}}</figure>{{end}}{{end}}</td><td class="muted">{{dur .Result.Duration}}</td></tr>{{end}}</table>
{{range filmOf .}}{{$w := .Window}}<div class="film"><h4>Film strip: {{.Window}} <span class="muted">{{.Kept}} of {{.Received}} frames{{if .Note}} · {{.Note}}{{end}}</span></h4>{{if .Frames}}<div class="strip">{{range .Frames}}<figure><a class="zoom" href="{{.Href}}" data-group="f{{$fi}}e{{$ei}}film-{{$w}}" data-cap="{{$w}} {{.At}} {{.Step}}"><img loading="lazy" alt="{{$w}} at {{.At}}" src="{{.Href}}"></a><figcaption title="{{.Step}}">{{.At}} {{.Step}}</figcaption></figure>{{end}}</div>{{end}}</div>{{end}}
</details>{{end}}</section>{{end}}
<div id="lightbox" hidden><img alt="enlarged screenshot"><p></p><div><button class="prev" type="button">&larr;</button> <button class="next" type="button">&rarr;</button></div></div>
<script>
// Filters by status and tag and searches the scenarios' text, in place.
(function () {
  const status = document.getElementById("status"), tag = document.getElementById("tag"), search = document.getElementById("search");
  function apply() {
    const q = search.value.trim().toLowerCase();
    let shown = 0, all = 0;
    for (const d of document.querySelectorAll("details.scenario")) {
      const ok = (!status.value || d.dataset.status === status.value) &&
        (!tag.value || d.dataset.tags.split(" ").includes(tag.value)) &&
        (!q || d.textContent.toLowerCase().includes(q));
      d.hidden = !ok; all++; if (ok) shown++;
    }
    for (const f of document.querySelectorAll("section.feature")) {
      f.hidden = !f.querySelector("details.scenario:not([hidden])");
    }
    document.getElementById("shown").textContent = shown + " of " + all + " scenarios";
  }
  for (const el of [status, tag, search]) el.addEventListener("input", apply);
  apply();
})();
` + traceScript + `</script>
</body></html>
`))

// artefactLinks are the paths an artefacts attachment lists.
func artefactLinks(e cukeEmbedding) []string {
	if e.MimeType != steps.ArtefactsMediaType {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(e.Data)
	if err != nil {
		return nil
	}
	return strings.Fields(string(b))
}

// tagList is the tags' names, each once.
func tagList(ts []cukeTag) []string {
	var out []string
	for _, t := range ts {
		if !slices.Contains(out, t.Name) {
			out = append(out, t.Name)
		}
	}
	return out
}

// writeHTMLReport writes a self-contained report: styles and the filter
// script inline, screenshots as data URLs, artefacts linked relative to
// the report, no external assets.
func writeHTMLReport(w io.Writer, fs []cukeFeature, info runInfo) error {
	var tags, statuses []string
	for _, f := range fs {
		for _, e := range f.Elements {
			for _, t := range tagList(e.Tags) {
				if !slices.Contains(tags, t) {
					tags = append(tags, t)
				}
			}
			st := e.status()
			if e.Flaky {
				st = "flaky"
			}
			if !slices.Contains(statuses, st) {
				statuses = append(statuses, st)
			}
		}
	}
	sort.Strings(tags)
	sort.Strings(statuses)
	return reportTemplate.Execute(w, map[string]any{
		"Title": "Scenario report", "Summary": summarize(fs), "Features": fs, "Info": info,
		"Started": info.Started.Format(time.RFC3339), "Tags": tags, "Statuses": statuses,
	})
}

// writeReports writes junit.xml, report.html, cucumber.json, run.json
// (info, which make report reads to merge shards) and messages.ndjson
// into dir.
func writeReports(dir string, fs []cukeFeature, info runInfo) error {
	var junit, html bytes.Buffer
	if err := writeJUnit(&junit, fs, info); err != nil {
		return err
	}
	if err := writeHTMLReport(&html, fs, info); err != nil {
		return err
	}
	js, err := jsonIndent(fs)
	if err != nil {
		return err
	}
	run, err := jsonIndent(info)
	if err != nil {
		return err
	}
	for name, b := range map[string][]byte{"junit.xml": junit.Bytes(), "report.html": html.Bytes(), "cucumber.json": js, runInfoFile: run} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("e2e: write %s: %w", name, err)
		}
	}
	return writeMessagesFile(dir, fs, info) // messages.ndjson, for make report-cucumber
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
