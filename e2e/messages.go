package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode/utf16"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/sfharness/sfharness/internal/steps"
)

// messagesFile is the run's Cucumber Messages stream (NDJSON, one
// messages.Envelope a line), beside its other reports: what the official
// Cucumber HTML formatter reads (make report-cucumber). godog v0.15.1
// writes no such stream, so the suite makes it from the same results
// report.html, junit.xml and cucumber.json are made of.
const messagesFile = "messages.ndjson"

// urlImageBytes is the size above which a screenshot the run saved as a
// file is linked by its url (relative to the results folder, where
// make report-cucumber writes its HTML) rather than carried base64 in
// the stream; smaller ones stay inline, so the report shows them even
// when copied alone.
const urlImageBytes = 64 << 10

// writeMessagesFile writes the stream of fs and info into dir. The
// feature files are read from the repository root, where their URIs
// are relative to.
func writeMessagesFile(dir string, fs []cukeFeature, info runInfo) error {
	root, err := repoRoot(".")
	if err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, messagesFile))
	if err != nil {
		return fmt.Errorf("e2e: write %s: %w", messagesFile, err)
	}
	w := bufio.NewWriter(f)
	err = writeMessages(w, root, fs, info)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("e2e: write %s: %w", messagesFile, err)
	}
	return nil
}

// msgCase is one scenario of the results with the pickle it ran.
type msgCase struct {
	uri    string
	e      cukeElement
	pickle *messages.Pickle
}

// writeMessages writes the Cucumber Messages of a run: meta, each
// feature's source, GherkinDocument and the pickles that ran, the
// catalogue's step definitions, then the run with one test case per
// scenario. Cucumber JSON keeps durations, not times: every test case
// starts at the run's start, its steps one after the other, and the run
// finishes when its longest test case did. A scenario whose feature file
// cannot be read or no longer has it at that line (a merge in another
// checkout) is left out, and testRunFinished's message names it.
func writeMessages(w io.Writer, root string, fs []cukeFeature, info runInfo) error {
	enc := json.NewEncoder(w)
	emit := func(e *messages.Envelope) error { return enc.Encode(e) }
	ids := &messages.Incrementing{}

	if err := emit(&messages.Envelope{Meta: messagesMeta(root)}); err != nil {
		return err
	}
	var cases []msgCase
	var leftOut []string
	for _, f := range fs {
		got, missing, err := emitFeature(emit, ids, root, f)
		if err != nil {
			return err
		}
		cases = append(cases, got...)
		leftOut = append(leftOut, missing...)
	}
	defIDs, err := emitStepDefinitions(emit, ids)
	if err != nil {
		return err
	}
	start := info.Started
	if start.IsZero() {
		start = time.Now()
	}
	if err := emit(&messages.Envelope{TestRunStarted: &messages.TestRunStarted{Timestamp: timestamp(start)}}); err != nil {
		return err
	}
	testCases := make([]*messages.TestCase, len(cases))
	for i, c := range cases {
		testCases[i] = testCaseOf(ids, c, defIDs)
		if err := emit(&messages.Envelope{TestCase: testCases[i]}); err != nil {
			return err
		}
	}
	end := start
	for i, c := range cases {
		finished, err := emitExecution(emit, ids, c, testCases[i], start)
		if err != nil {
			return err
		}
		if finished.After(end) {
			end = finished
		}
	}
	done := &messages.TestRunFinished{Success: summarize(fs).Failed == 0 && info.CutShort == "", Timestamp: timestamp(end)}
	var notes []string
	if info.CutShort != "" {
		notes = append(notes, "run cut short: "+info.CutShort)
	}
	if len(leftOut) > 0 {
		notes = append(notes, "left out of this stream: "+strings.Join(leftOut, "; "))
	}
	done.Message = strings.Join(notes, "; ")
	return emit(&messages.Envelope{TestRunFinished: done})
}

// messagesMeta names the protocol (the messages module the suite is
// built with), godog as the implementation, Go, the OS and the CPU. The
// versions are read from the module's go.mod under root: a test binary's
// build info lists no dependencies.
func messagesMeta(root string) *messages.Meta {
	protocol, godogVersion := "21.0.1", "unknown"
	required := requiredVersions(root)
	if v := required["github.com/cucumber/messages/go/v21"]; v != "" {
		protocol = strings.TrimPrefix(v, "v")
	}
	if v := required["github.com/cucumber/godog"]; v != "" {
		godogVersion = v
	}
	return &messages.Meta{
		ProtocolVersion: protocol,
		Implementation:  &messages.Product{Name: "godog (sfharness e2e)", Version: godogVersion},
		Runtime:         &messages.Product{Name: "go", Version: runtime.Version()},
		Os:              &messages.Product{Name: runtime.GOOS},
		Cpu:             &messages.Product{Name: runtime.GOARCH},
	}
}

// requiredVersions are the versions go.mod under root requires, by
// module path (none when it cannot be read). A test binary's build info
// lists no dependencies, so go.mod is where the versions are.
func requiredVersions(root string) map[string]string {
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "require ")); len(f) >= 2 {
			out[f[0]] = f[1]
		}
	}
	return out
}

// emitFeature emits the feature's source, GherkinDocument and the pickles
// of its scenarios in the results, and returns those scenarios; missing
// names the ones it could not find in the file.
func emitFeature(emit func(*messages.Envelope) error, ids *messages.Incrementing, root string, f cukeFeature) (cases []msgCase, missing []string, err error) {
	file := filepath.Join(root, filepath.FromSlash(f.URI))
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s (%d scenarios): %v", f.URI, len(f.Elements), err)}, nil
	}
	// Parsed from the bytes the source message carries, not read again.
	doc, err := gherkin.ParseGherkinDocument(bytes.NewReader(data), ids.NewId)
	if err != nil {
		return nil, []string{fmt.Sprintf("%s (%d scenarios): %v", f.URI, len(f.Elements), err)}, nil
	}
	doc.Uri = f.URI
	byLine := map[int]*messages.Pickle{}
	lines := astLines(doc)
	for _, p := range gherkin.Pickles(*doc, f.URI, ids.NewId) {
		// A scenario's line, or its Examples row's, as godog's JSON has it.
		byLine[lines[p.AstNodeIds[len(p.AstNodeIds)-1]]] = p
	}
	for _, e := range f.Elements {
		p := byLine[e.Line]
		if p == nil || !sameSteps(p, e) {
			missing = append(missing, fmt.Sprintf("%s:%d %q: not in the feature file as it ran", f.URI, e.Line, e.Name))
			continue
		}
		cases = append(cases, msgCase{uri: f.URI, e: e, pickle: p})
	}
	if len(cases) == 0 {
		return nil, missing, nil
	}
	src := &messages.Source{Uri: f.URI, Data: string(data), MediaType: messages.SourceMediaType_TEXT_X_CUCUMBER_GHERKIN_PLAIN}
	for _, env := range []*messages.Envelope{{Source: src}, {GherkinDocument: doc}} {
		if err := emit(env); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range cases {
		if err := emit(&messages.Envelope{Pickle: c.pickle}); err != nil {
			return nil, nil, err
		}
	}
	return cases, missing, nil
}

// astLines maps the ids of the document's scenarios and Examples rows to
// their lines.
func astLines(doc *messages.GherkinDocument) map[string]int {
	lines := map[string]int{}
	index := func(sc *messages.Scenario) {
		if sc == nil {
			return
		}
		lines[sc.Id] = int(sc.Location.Line)
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = int(row.Location.Line)
			}
		}
	}
	if doc.Feature == nil {
		return lines
	}
	for _, c := range doc.Feature.Children {
		index(c.Scenario)
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				index(rc.Scenario)
			}
		}
	}
	return lines
}

// sameSteps reports whether the pickle has the scenario's steps, godog's
// JSON listing one per pickle step, background steps first.
func sameSteps(p *messages.Pickle, e cukeElement) bool {
	if len(p.Steps) != len(e.Steps) {
		return false
	}
	for i, s := range p.Steps {
		if s.Text != e.Steps[i].Name {
			return false
		}
	}
	return true
}

// emitStepDefinitions emits one step definition per catalogue step, with
// the file and line of the function it runs, and returns their ids by
// catalogue index.
func emitStepDefinitions(emit func(*messages.Envelope) error, ids *messages.Incrementing) ([]string, error) {
	cat := steps.Catalogue()
	out := make([]string, len(cat))
	for i, d := range cat {
		out[i] = ids.NewId()
		ref := &messages.SourceReference{}
		loc, _, _ := strings.Cut(steps.Definitions()[i], " -> ")
		if file, line := splitLine(loc); line > 0 {
			ref.Uri = file
			ref.Location = &messages.Location{Line: int64(line)}
		}
		def := &messages.StepDefinition{Id: out[i], SourceReference: ref,
			Pattern: &messages.StepDefinitionPattern{Source: d.Pattern, Type: messages.StepDefinitionPatternType_REGULAR_EXPRESSION}}
		if err := emit(&messages.Envelope{StepDefinition: def}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// testCaseOf is the scenario's test case: a test step per pickle step,
// with the definitions that matched it (none for an undefined step) and
// where its arguments are in its text.
func testCaseOf(ids *messages.Incrementing, c msgCase, defIDs []string) *messages.TestCase {
	tc := &messages.TestCase{Id: ids.NewId(), PickleId: c.pickle.Id, TestSteps: []*messages.TestStep{}}
	for i, ps := range c.pickle.Steps {
		ts := &messages.TestStep{Id: ids.NewId(), PickleStepId: ps.Id, StepDefinitionIds: []string{}}
		if c.e.Steps[i].Result.Status != "undefined" {
			for j, re := range steps.PatternsIn[c.pickle.Language] {
				if re == nil {
					continue
				}
				loc := re.FindStringSubmatchIndex(ps.Text)
				if loc == nil {
					continue
				}
				ts.StepDefinitionIds = append(ts.StepDefinitionIds, defIDs[j])
				ts.StepMatchArgumentsLists = append(ts.StepMatchArgumentsLists, matchArguments(ps.Text, loc))
				if c.e.Steps[i].Result.Status != "ambiguous" {
					break // godog runs the first that matches
				}
			}
		}
		tc.TestSteps = append(tc.TestSteps, ts)
	}
	return tc
}

// matchArguments are the capture groups of a match, with their offsets
// in UTF-16 code units, as the JavaScript that reads them counts.
func matchArguments(text string, loc []int) *messages.StepMatchArgumentsList {
	out := &messages.StepMatchArgumentsList{StepMatchArguments: []*messages.StepMatchArgument{}}
	for g := 1; 2*g+1 < len(loc); g++ {
		from, to := loc[2*g], loc[2*g+1]
		if from < 0 {
			continue // an optional group that took no part
		}
		start := len(utf16.Encode([]rune(text[:from])))
		out.StepMatchArguments = append(out.StepMatchArguments, &messages.StepMatchArgument{
			Group: &messages.Group{Start: int64(start), Value: text[from:to], Children: []*messages.Group{}}})
	}
	return out
}

// emitExecution emits the scenario's run from start: testCaseStarted,
// each step's started, attachments and finished, testCaseFinished. The
// attempt is the last one (0 the first), the one the results keep.
func emitExecution(emit func(*messages.Envelope) error, ids *messages.Incrementing, c msgCase, tc *messages.TestCase, start time.Time) (time.Time, error) {
	started := &messages.TestCaseStarted{Id: ids.NewId(), TestCaseId: tc.Id, Timestamp: timestamp(start)}
	if c.e.Attempts > 1 {
		started.Attempt = int64(c.e.Attempts - 1)
	}
	if err := emit(&messages.Envelope{TestCaseStarted: started}); err != nil {
		return start, err
	}
	at := start
	for i, ts := range tc.TestSteps {
		st := c.e.Steps[i]
		if err := emit(&messages.Envelope{TestStepStarted: &messages.TestStepStarted{TestCaseStartedId: started.Id, TestStepId: ts.Id, Timestamp: timestamp(at)}}); err != nil {
			return at, err
		}
		attachments := attachmentsOf(st)
		if st.Result.Status == "undefined" {
			// The formatter shows an undefined step's snippets only from
			// messages newer than v21; this log shows it ours.
			attachments = append(attachments, &messages.Attachment{Body: undefinedMessage(c.uri, st),
				ContentEncoding: messages.AttachmentContentEncoding_IDENTITY, MediaType: "text/x.cucumber.log+plain"})
		}
		for _, a := range attachments {
			a.TestCaseStartedId, a.TestStepId = started.Id, ts.Id
			if err := emit(&messages.Envelope{Attachment: a}); err != nil {
				return at, err
			}
		}
		var d time.Duration
		if st.Result.Duration != nil {
			d = time.Duration(*st.Result.Duration)
		}
		at = at.Add(d)
		dur := messages.GoDurationToDuration(d)
		result := &messages.TestStepResult{Duration: &dur, Status: stepStatus(st.Result.Status), Message: st.Result.Error}
		if st.Result.Status == "undefined" {
			result.Message = undefinedMessage(c.uri, st)
		}
		if err := emit(&messages.Envelope{TestStepFinished: &messages.TestStepFinished{TestCaseStartedId: started.Id, TestStepId: ts.Id, TestStepResult: result, Timestamp: timestamp(at)}}); err != nil {
			return at, err
		}
	}
	err := emit(&messages.Envelope{TestCaseFinished: &messages.TestCaseFinished{TestCaseStartedId: started.Id, Timestamp: timestamp(at)}})
	return at, err
}

// stepStatus is godog's status as the messages spell it.
func stepStatus(s string) messages.TestStepResultStatus {
	switch st := messages.TestStepResultStatus(strings.ToUpper(s)); st {
	case messages.TestStepResultStatus_PASSED, messages.TestStepResultStatus_SKIPPED, messages.TestStepResultStatus_PENDING,
		messages.TestStepResultStatus_UNDEFINED, messages.TestStepResultStatus_AMBIGUOUS, messages.TestStepResultStatus_FAILED:
		return st
	}
	return messages.TestStepResultStatus_UNKNOWN
}

// attachmentsOf are the step's embeddings as attachments: screenshots
// base64, or by url when large and saved as a file the step's artefact
// list links; that list itself as text/uri-list, which the formatter
// shows as links (relative to the results folder, where its HTML goes).
func attachmentsOf(st cukeStep) []*messages.Attachment {
	saved := map[string]string{}
	for _, em := range st.Embeddings {
		for _, l := range artefactLinks(em) {
			saved[path.Base(l)] = l
		}
	}
	var out []*messages.Attachment
	for _, em := range st.Embeddings {
		if shots, ok := linkedShots(em); ok {
			out = append(out, shots...)
			continue
		}
		a := &messages.Attachment{Body: em.Data, ContentEncoding: messages.AttachmentContentEncoding_BASE64, MediaType: em.MimeType, FileName: em.Name}
		if url, ok := saved[em.Name]; ok && strings.HasPrefix(em.MimeType, "image/") && base64.StdEncoding.DecodedLen(len(em.Data)) > urlImageBytes {
			a.Body, a.ContentEncoding, a.Url = "", messages.AttachmentContentEncoding_IDENTITY, url
		}
		out = append(out, a)
	}
	return out
}

// linkedShots are the attachments of a traced step's screenshots where
// the Cucumber JSON links them (TRACE=1's steps.StepShots: each window's
// screenshot path relative to the results folder, or why it has none)
// rather than embedding them: an image by url per window, and a log line
// per window without one.
func linkedShots(em cukeEmbedding) ([]*messages.Attachment, bool) {
	var shots steps.StepShots
	if !decodeAttachment(em, steps.ShotsMediaType, &shots) {
		return nil, false
	}
	var out []*messages.Attachment
	logLine := func(text string) *messages.Attachment {
		return &messages.Attachment{Body: text, ContentEncoding: messages.AttachmentContentEncoding_IDENTITY, MediaType: "text/x.cucumber.log+plain"}
	}
	for _, w := range shots.Windows {
		if w.Screenshot == "" {
			out = append(out, logLine(fmt.Sprintf("window %q: no screenshot: %s", w.Window, w.Reason)))
			continue
		}
		out = append(out, &messages.Attachment{Url: w.Screenshot, MediaType: "image/png", FileName: w.Window + ": " + path.Base(w.Screenshot),
			ContentEncoding: messages.AttachmentContentEncoding_IDENTITY})
	}
	if shots.Note != "" {
		out = append(out, logLine(shots.Note))
	}
	return out, true
}

func timestamp(t time.Time) *messages.Timestamp {
	ts := messages.GoTimeToTimestamp(t)
	return &ts
}
