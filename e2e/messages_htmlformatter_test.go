//go:build htmlformatter

// The official Cucumber HTML formatter's tests need the npm package make
// report-cucumber installs (e2e/htmlformatter), so they are built only
// with -tags htmlformatter (make report-cucumber, which CI runs), and
// there they fail, not skip, without it.

package e2e

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/steps"
)

// The formatter turns a stream written by the run's own report code
// (writeReports) into a page whose app, rendered in Chromium, shows every
// scenario, the failed step's message and its artefact links, and an
// undefined step's suggestions.
func TestCucumberHTMLFormatterRendersTheStream(t *testing.T) {
	requireHTMLFormatter(t)
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	f := passedRun(t, root, "features/login_errors.feature")
	const msg = "expected the banner Verified; the page showed: Verify Your Identity"
	fail(&f.Elements[0], 6, msg, 10, "a-wrong-code/shot.png")
	f.Elements[1].Steps[5].Result = cukeResult{Status: "undefined"}
	dir := t.TempDir()
	if err := writeReports(dir, []cukeFeature{f}, runInfo{Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "cucumber-report.html")
	if out, err := formatStream(filepath.Join(dir, messagesFile), page); err != nil {
		t.Fatalf("format.mjs: %v\n%s", err, out)
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(html, []byte("window.CUCUMBER_MESSAGES = [{")) {
		t.Fatalf("%s holds no messages:\n%.500s", page, html)
	}

	if _, err := exec.LookPath("chromium"); err != nil {
		t.Fatalf("no chromium on PATH: make chromium installs it: %v", err)
	}
	browserCtx, stop, err := steps.StartBrowser(context.Background(), "", "", t.TempDir(), true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	win, err := steps.NewTab(browserCtx, "cucumber-report")
	if err != nil {
		t.Fatal(err)
	}
	defer win.Close()
	if err := win.Navigate("file://" + page); err != nil {
		t.Fatal(err)
	}
	if err := win.WaitFor("the report's app to render the scenarios", `document.getElementById("content").innerText.includes("Scenario:")`); err != nil {
		t.Fatal(err)
	}
	text, err := steps.Eval[string](win, `document.getElementById("content").innerText`)
	if err != nil {
		t.Fatal(err)
	}
	links, err := steps.Eval[[]string](win, `[...document.querySelectorAll("#report a[href]")].map(a => a.getAttribute("href"))`)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Elements {
		if !strings.Contains(text, e.Name) {
			t.Errorf("the rendered report lacks the scenario %q", e.Name)
		}
	}
	if !strings.Contains(text, msg) {
		t.Errorf("the rendered report lacks the failed step's message %q:\n%.2000s", msg, text)
	}
	if !strings.Contains(text, "did you mean:") {
		t.Errorf("the rendered report lacks the undefined step's suggestions:\n%.3000s", text)
	}
	if !strings.Contains(strings.Join(links, " "), "a-wrong-code/shot.png") {
		t.Errorf("the rendered report links %q; want the failed step's artefacts, relative to the results folder", links)
	}
}

// A line that is not JSON fails format.mjs, naming the line.
func TestCucumberHTMLFormatterRefusesABrokenStream(t *testing.T) {
	requireHTMLFormatter(t)
	dir := t.TempDir()
	in := filepath.Join(dir, messagesFile)
	if err := os.WriteFile(in, []byte("{\"meta\":{}}\n{broken\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := formatStream(in, filepath.Join(dir, "out.html"))
	if err == nil || !strings.Contains(string(out), "line 2 of the stream is not JSON") {
		t.Errorf("format.mjs on a broken stream: %v\n%s", err, out)
	}
}

// make report-cucumber formats RESULTS_DIR's stream into
// cucumber-report.html, says when that run was cut short (or the stream
// left scenarios out), which the report does not show, and without a
// stream fails naming what to run. GO=true stands
// in for the test run the target ends with, which is this one.
func TestMakeReportCucumber(t *testing.T) {
	requireHTMLFormatter(t)
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	makeIn := func(results string) (string, error) {
		cmd := exec.Command("make", "-s", "-f", filepath.Join(root, "Makefile"), "-C", root, "report-cucumber", "RESULTS_DIR="+results, "GO=true")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := makeIn(filepath.Join(dir, "empty"))
	if err == nil || !strings.Contains(out, "run make e2e first") {
		t.Errorf("make report-cucumber without a stream: %v\n%s", err, out)
	}

	f := passedRun(t, root, "features/login_errors.feature")
	results := filepath.Join(dir, "results")
	if err := os.MkdirAll(results, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeReports(results, []cukeFeature{f}, runInfo{Started: time.Now(), CutShort: "interrupt after 9s"}); err != nil {
		t.Fatal(err)
	}
	out, err = makeIn(results)
	if err != nil {
		t.Fatalf("make report-cucumber: %v\n%s", err, out)
	}
	page := filepath.Join(results, "cucumber-report.html")
	html, err := os.ReadFile(page)
	if err != nil || !bytes.Contains(html, []byte(f.Elements[0].Name)) {
		t.Errorf("make report-cucumber wrote no report of the stream to %s (%v)", page, err)
	}
	for _, want := range []string{page + ": ", " KiB of messages in ", "NOTE: run cut short: interrupt after 9s. cucumber-report.html does not show this"} {
		if !strings.Contains(out, want) {
			t.Errorf("make report-cucumber's output lacks %q:\n%s", want, out)
		}
	}
}

// formatStream runs e2e/htmlformatter/format.mjs as make report-cucumber
// does, returning its standard error.
func formatStream(in, out string) ([]byte, error) {
	r, err := os.Open(in)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	w, err := os.Create(out)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var stderr bytes.Buffer
	cmd := exec.Command("node", filepath.Join("htmlformatter", "format.mjs"))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = r, w, &stderr
	err = cmd.Run()
	return stderr.Bytes(), err
}

// requireHTMLFormatter fails the test unless make report-cucumber has
// installed the pinned package.
func requireHTMLFormatter(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join("htmlformatter", "node_modules", "@cucumber", "html-formatter")); err != nil {
		t.Fatalf("e2e/htmlformatter is not installed: run make report-cucumber (%v)", err)
	}
}
