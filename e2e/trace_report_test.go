package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/steps"
)

// tracedRun is the Cucumber JSON of a traced scenario: two steps with
// their screenshots, one window without one, and the film strips on the
// last step, as TRACE=1 attaches them.
func tracedRun(t *testing.T) []cukeFeature {
	t.Helper()
	att := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	shots1 := att(steps.StepShots{At: 1.0, Windows: []steps.WindowShot{{Window: "salesforce-admin", Reason: "no screenshot: Chromium gave no frame within 2s"}}})
	shots2 := att(steps.StepShots{At: 3.0, Windows: []steps.WindowShot{
		{Window: "salesforce-admin", Screenshot: "A/02-clicks-salesforce-admin.png"},
		{Window: "popup", Reason: "no screenshot: the window was loading a new page (for 1.2s) and gave no frame within 2s"}}})
	film := att(steps.FilmStrips{Strips: []steps.FilmStrip{
		{Window: "salesforce-admin", Received: 5, Frames: []steps.FilmFrame{{File: "A/film/salesforce-admin/00000.jpg", At: 0.5}, {File: "A/film/salesforce-admin/00004.jpg", At: 2.5}}},
		{Window: "popup", Received: 0, Frames: []steps.FilmFrame{}, Note: "no film strip: start the screencast: closed"}}})
	return mergeAttempts([][]cukeFeature{cukeRun(t, `[{"uri":"features/a.feature","name":"A","elements":[
 {"name":"traced","line":4,"type":"scenario","steps":[
  {"keyword":"Given ","name":"the admin logs in","line":5,"result":{"status":"passed","duration":1000000},
   "embeddings":[{"name":"screenshots","mime_type":"`+steps.ShotsMediaType+`","data":"`+shots1+`"}]},
  {"keyword":"When ","name":"clicks \"Save\"","line":6,"result":{"status":"passed","duration":1000000},
   "embeddings":[{"name":"screenshots","mime_type":"`+steps.ShotsMediaType+`","data":"`+shots2+`"},
    {"name":"film","mime_type":"`+steps.FilmMediaType+`","data":"`+film+`"}]}]}]}]`)})
}

// A traced scenario shows each step's screenshots beside it, linked
// relative to report.html, a reason where a window has none, and each
// window's film strip with every frame's time and step, enlarged in
// place by the page's own script.
func TestReportShowsTheTrace(t *testing.T) {
	var html bytes.Buffer
	if err := writeHTMLReport(&html, tracedRun(t), runInfo{Started: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{
		`<td class="shots"><figure><a class="zoom" href="A/02-clicks-salesforce-admin.png" data-group="f0e0s1"`,
		`src="A/02-clicks-salesforce-admin.png"`,
		// A window without a screenshot shows its last film frame.
		`<figure class="missing"><a class="zoom" href="A/film/salesforce-admin/00000.jpg" data-group="f0e0s0"`,
		`<b>salesforce-admin</b>: no screenshot: Chromium gave no frame within 2s; its film frame at &#43;0.5s instead</figure>`,
		`<figure class="missing"><b>popup</b>: no screenshot: the window was loading a new page (for 1.2s) and gave no frame within 2s</figure>`,
		`Film strip: salesforce-admin <span class="muted">2 of 5 frames</span>`,
		`<a class="zoom" href="A/film/salesforce-admin/00000.jpg" data-group="f0e0film-salesforce-admin"`,
		`&#43;0.5s during: Given the admin logs in`,
		`&#43;2.5s during: When clicks &#34;Save&#34;`,
		`Film strip: popup <span class="muted">0 of 0 frames · no film strip: start the screencast: closed</span>`,
		`<div id="lightbox" hidden>`, `a.zoom[data-group=`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if strings.Contains(h, "http://") || strings.Contains(h, "https://") || strings.Contains(h, "<script src") || strings.Contains(h, `<link `) {
		t.Error("HTML report refers to external assets or scripts; it must be self-contained")
	}
}

// A failed step's screenshot embedded in the Cucumber JSON is shown from
// it, once: beside the step, not again under it.
func TestReportShowsAFailedStepsEmbeddedScreenshotOnce(t *testing.T) {
	shots, _ := json.Marshal(steps.StepShots{Windows: []steps.WindowShot{{Window: "product", Screenshot: "A/01-x-product.png"}}})
	fs := mergeAttempts([][]cukeFeature{cukeRun(t, `[{"uri":"f","name":"F","elements":[{"name":"s","line":1,"type":"scenario","steps":[
 {"keyword":"Given ","name":"x","line":2,"result":{"status":"failed","error_message":"bang"},"embeddings":[
  {"name":"01-x-product.png","mime_type":"image/png","data":"iVBORw0K"},
  {"name":"screenshots","mime_type":"`+steps.ShotsMediaType+`","data":"`+base64.StdEncoding.EncodeToString(shots)+`"}]}]}]}]`)})
	var html bytes.Buffer
	if err := writeHTMLReport(&html, fs, runInfo{}); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	if n := strings.Count(h, `src="data:image/png;base64,iVBORw0K"`); n != 1 {
		t.Errorf("the embedded screenshot is shown %d times; want once, beside the step", n)
	}
	if !strings.Contains(h, `<a class="zoom" href="data:image/png;base64,iVBORw0K"`) {
		t.Error("the embedded screenshot does not enlarge from the embedded data")
	}
}

// Merging shards points the trace's screenshots and frames at the
// shard's copy, as it does the artefacts' links.
func TestMergeRelinksTheTrace(t *testing.T) {
	fs := tracedRun(t)
	steps := fs[0].Elements[0].Steps
	relinkArtefacts(steps, "shards/results-2", "results")
	var html bytes.Buffer
	if err := writeHTMLReport(&html, fs, runInfo{}); err != nil {
		t.Fatal(err)
	}
	h := html.String()
	for _, want := range []string{
		`href="shards/results-2/A/02-clicks-salesforce-admin.png"`,
		`src="shards/results-2/A/film/salesforce-admin/00004.jpg"`,
		`no screenshot: the window was loading`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("merged report lacks %q", want)
		}
	}
	if strings.Contains(h, `"A/film/`) || strings.Contains(h, `"A/02-`) {
		t.Error("merged report still links a shard's trace outside shards/")
	}
}
