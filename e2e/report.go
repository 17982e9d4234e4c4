package e2e

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
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
	}
	return fs, nil
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

// Summary counts scenarios by outcome.
type Summary struct {
	Passed, Failed, Flaky, Other int
	Duration                     time.Duration
}

func summarize(fs []cukeFeature) Summary {
	var s Summary
	for _, f := range fs {
		for _, e := range f.Elements {
			s.Duration += e.duration()
			switch {
			case e.Flaky:
				s.Flaky++
			case e.status() == "passed":
				s.Passed++
			case e.status() == "failed":
				s.Failed++
			default:
				s.Other++
			}
		}
	}
	return s
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

func writeJUnit(w io.Writer, fs []cukeFeature) error {
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
			case st == "failed":
				msg, text := "", ""
				for _, st := range e.Steps {
					if st.Result.Status == "failed" {
						msg = st.Keyword + st.Name
						text = st.Result.Error
					}
				}
				c.Failure = &junitFailure{Message: msg, Type: "failed", Text: text}
				s.Failures++
			case st != "passed":
				c.Failure = &junitFailure{Message: "step " + st, Type: st}
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
	all.Time = secs(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(all)
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
	"isImage": func(e cukeEmbedding) bool { return strings.HasPrefix(e.MimeType, "image/") },
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,Arial,sans-serif;margin:24px;color:#1b1b1b}
h1{font-size:20px} .sum span{margin-right:16px;font-weight:bold}
.passed{color:#16794c}.failed{color:#b3261e}.flaky{color:#a15c00}.skipped,.undefined,.pending{color:#6b6b6b}
details{border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:6px 10px}
summary{cursor:pointer} table{border-collapse:collapse;width:100%} td{padding:3px 6px;border-bottom:1px solid #f0f0f0;vertical-align:top}
pre{white-space:pre-wrap;background:#fff4f4;padding:6px;border-radius:4px} img{max-width:100%;border:1px solid #ccc;margin:4px 0}
.muted{color:#777}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="sum"><span class="passed">{{.Summary.Passed}} passed</span><span class="flaky">{{.Summary.Flaky}} flaky</span><span class="failed">{{.Summary.Failed}} failed</span><span class="skipped">{{.Summary.Other}} other</span><span class="muted">{{.Generated}}</span></p>
{{range .Features}}<h2>{{.Name}} <span class="muted">{{.URI}}</span></h2>
{{$uri := .URI}}{{range .Elements}}<details{{if ne (status .) "passed"}} open{{end}}><summary><span class="{{status .}}">{{status .}}</span> {{.Name}} <span class="muted">{{$uri}}:{{.Line}} · {{durOf .}}{{if gt .Attempts 1}} · {{.Attempts}} attempts{{end}}</span></summary>
<table>{{range .Steps}}<tr><td class="{{.Result.Status}}">{{.Result.Status}}</td><td>{{.Keyword}}{{.Name}}{{if .Result.Error}}<pre>{{.Result.Error}}</pre>{{end}}{{range .Embeddings}}{{if isImage .}}<div class="muted">{{.Name}}</div><img alt="{{.Name}}" src="{{img .}}">{{end}}{{end}}</td><td class="muted">{{dur .Result.Duration}}</td></tr>{{end}}</table>
</details>{{end}}{{end}}
</body></html>
`))

// writeHTMLReport writes a self-contained report: styles inline,
// screenshots as data URLs, no external assets.
func writeHTMLReport(w io.Writer, fs []cukeFeature, generated time.Time) error {
	return reportTemplate.Execute(w, map[string]any{
		"Title": "Scenario report", "Summary": summarize(fs), "Features": fs,
		"Generated": generated.Format(time.RFC3339),
	})
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }
