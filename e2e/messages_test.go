package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"
	"github.com/sfharness/sfharness/internal/steps"
)

// passedRun is godog's Cucumber JSON of a run in which every scenario of
// the feature file (root-relative uri) passed, each step in 1 ms: built
// from the file's pickles as godog's cucumber formatter builds it.
func passedRun(t *testing.T, root, uri string) cukeFeature {
	t.Helper()
	ids := &messages.Incrementing{}
	doc, err := parseDocument(filepath.Join(root, uri), ids)
	if err != nil {
		t.Fatal(err)
	}
	lines := astLines(doc)
	steps := map[string]*messages.Step{}
	collect := func(ss []*messages.Step) {
		for _, s := range ss {
			steps[s.Id] = s
		}
	}
	for _, c := range doc.Feature.Children {
		if c.Background != nil {
			collect(c.Background.Steps)
		}
		if c.Scenario != nil {
			collect(c.Scenario.Steps)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Background != nil {
					collect(rc.Background.Steps)
				}
				if rc.Scenario != nil {
					collect(rc.Scenario.Steps)
				}
			}
		}
	}
	f := cukeFeature{URI: uri, Name: doc.Feature.Name, Keyword: doc.Feature.Keyword, Line: int(doc.Feature.Location.Line)}
	for _, p := range gherkin.Pickles(*doc, uri, ids.NewId) {
		e := cukeElement{Name: p.Name, Keyword: "Scenario", Type: "scenario", Line: lines[p.AstNodeIds[len(p.AstNodeIds)-1]]}
		for _, tag := range p.Tags {
			e.Tags = append(e.Tags, cukeTag{Name: tag.Name})
		}
		for _, ps := range p.Steps {
			s := steps[ps.AstNodeIds[0]]
			d := int64(time.Millisecond)
			e.Steps = append(e.Steps, cukeStep{Keyword: s.Keyword, Name: ps.Text, Line: int(s.Location.Line), Match: json.RawMessage(`{}`),
				Result: cukeResult{Status: "passed", Duration: &d}})
		}
		f.Elements = append(f.Elements, e)
	}
	return f
}

// fail makes step i of the scenario fail with msg, attaching a
// screenshot of n bytes saved as shot and the artefact list, and skips
// the steps after it.
func fail(e *cukeElement, i int, msg string, n int, shot string) {
	e.Steps[i].Result.Status, e.Steps[i].Result.Error = "failed", msg
	e.Steps[i].Embeddings = []cukeEmbedding{
		{Name: filepath.Base(shot), MimeType: "image/png", Data: base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x89}, n))},
		{Name: "artefacts", MimeType: steps.ArtefactsMediaType, Data: base64.StdEncoding.EncodeToString([]byte(shot + "\nscenario/page.html"))},
	}
	for j := i + 1; j < len(e.Steps); j++ {
		e.Steps[j].Result = cukeResult{Status: "skipped"}
	}
}

// stream is a decoded Cucumber Messages stream.
type stream struct {
	envelopes []*messages.Envelope
	pickles   map[string]*messages.Pickle
	cases     map[string]*messages.TestCase
	defs      map[string]*messages.StepDefinition
	results   map[string][]*messages.TestStepResult // by pickle name
	attached  map[string][]*messages.Attachment     // by pickle name
	attempts  map[string]int64                      // by pickle name
	finished  *messages.TestRunFinished
}

// readStream decodes every line of the stream into a messages.Envelope
// and fails the test on any broken reference: each line holds one
// message, meta first and testRunFinished last; every testCase's pickle,
// pickle steps and step definitions exist; every started case and step
// is finished once, after it started; attachments belong to a started
// step; every pickle's document came first; no JSON null where the
// schema wants an array or object.
func readStream(t *testing.T, r io.Reader) *stream {
	t.Helper()
	s := &stream{pickles: map[string]*messages.Pickle{}, cases: map[string]*messages.TestCase{}, defs: map[string]*messages.StepDefinition{},
		results: map[string][]*messages.TestStepResult{}, attached: map[string][]*messages.Attachment{}, attempts: map[string]int64{}}
	docs := map[string]bool{}
	started := map[string]*messages.TestCaseStarted{}
	caseDone := map[string]bool{}
	stepOpen := map[string]bool{}   // testCaseStartedId/testStepId
	stepsOf := map[string]bool{}    // testCaseId/testStepId
	pickleStep := map[string]bool{} // pickleId/pickleStepId
	runStarted := false
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 64<<20)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if bytes.Contains(line, []byte(":null")) {
			t.Errorf("line %d has a null: %.200s", n, line)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(line, &fields); err != nil || len(fields) != 1 {
			t.Fatalf("line %d is not one message (%v): %.200s", n, err, line)
		}
		var env messages.Envelope
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&env); err != nil {
			t.Fatalf("line %d: %v: %.200s", n, err, line)
		}
		s.envelopes = append(s.envelopes, &env)
		if n == 1 && env.Meta == nil {
			t.Errorf("line 1 is not meta")
		}
		if s.finished != nil {
			t.Errorf("line %d follows testRunFinished", n)
		}
		switch {
		case env.GherkinDocument != nil:
			docs[env.GherkinDocument.Uri] = true
		case env.Pickle != nil:
			p := env.Pickle
			if !docs[p.Uri] {
				t.Errorf("pickle %s of %s before its gherkinDocument", p.Id, p.Uri)
			}
			s.pickles[p.Id] = p
			for _, ps := range p.Steps {
				pickleStep[p.Id+"/"+ps.Id] = true
			}
		case env.StepDefinition != nil:
			d := env.StepDefinition
			if d.Pattern == nil || d.Pattern.Source == "" || d.SourceReference == nil {
				t.Errorf("step definition %s lacks its pattern or source reference", d.Id)
			}
			s.defs[d.Id] = d
		case env.TestRunStarted != nil:
			runStarted = true
		case env.TestCase != nil:
			tc := env.TestCase
			p := s.pickles[tc.PickleId]
			if p == nil {
				t.Errorf("testCase %s: no pickle %s", tc.Id, tc.PickleId)
				continue
			}
			if len(tc.TestSteps) != len(p.Steps) {
				t.Errorf("testCase %s has %d steps; its pickle %d", tc.Id, len(tc.TestSteps), len(p.Steps))
			}
			for _, ts := range tc.TestSteps {
				if !pickleStep[p.Id+"/"+ts.PickleStepId] {
					t.Errorf("testStep %s: no pickle step %s in pickle %s", ts.Id, ts.PickleStepId, p.Id)
				}
				for _, id := range ts.StepDefinitionIds {
					if s.defs[id] == nil {
						t.Errorf("testStep %s: no step definition %s", ts.Id, id)
					}
				}
				if len(ts.StepMatchArgumentsLists) != len(ts.StepDefinitionIds) {
					t.Errorf("testStep %s: %d argument lists for %d definitions", ts.Id, len(ts.StepMatchArgumentsLists), len(ts.StepDefinitionIds))
				}
				stepsOf[tc.Id+"/"+ts.Id] = true
			}
			s.cases[tc.Id] = tc
		case env.TestCaseStarted != nil:
			cs := env.TestCaseStarted
			if !runStarted {
				t.Errorf("testCaseStarted %s before testRunStarted", cs.Id)
			}
			if s.cases[cs.TestCaseId] == nil {
				t.Errorf("testCaseStarted %s: no testCase %s", cs.Id, cs.TestCaseId)
			}
			if started[cs.Id] != nil {
				t.Errorf("testCaseStarted %s twice", cs.Id)
			}
			started[cs.Id] = cs
		case env.TestStepStarted != nil:
			ss := env.TestStepStarted
			cs := started[ss.TestCaseStartedId]
			if cs == nil || caseDone[cs.Id] {
				t.Errorf("testStepStarted %s outside a running test case %s", ss.TestStepId, ss.TestCaseStartedId)
				continue
			}
			if !stepsOf[cs.TestCaseId+"/"+ss.TestStepId] {
				t.Errorf("testStepStarted: no step %s in testCase %s", ss.TestStepId, cs.TestCaseId)
			}
			stepOpen[ss.TestCaseStartedId+"/"+ss.TestStepId] = true
		case env.Attachment != nil:
			a := env.Attachment
			if !stepOpen[a.TestCaseStartedId+"/"+a.TestStepId] {
				t.Errorf("attachment %s outside its step %s", a.FileName, a.TestStepId)
				continue
			}
			name := s.pickles[s.cases[started[a.TestCaseStartedId].TestCaseId].PickleId].Name
			s.attached[name] = append(s.attached[name], a)
		case env.TestStepFinished != nil:
			sf := env.TestStepFinished
			key := sf.TestCaseStartedId + "/" + sf.TestStepId
			if !stepOpen[key] {
				t.Errorf("testStepFinished %s was not started, or finished twice", key)
				continue
			}
			delete(stepOpen, key)
			if sf.TestStepResult == nil || sf.TestStepResult.Duration == nil {
				t.Errorf("testStepFinished %s lacks its result or duration", key)
				continue
			}
			cs := started[sf.TestCaseStartedId]
			name := s.pickles[s.cases[cs.TestCaseId].PickleId].Name
			s.results[name] = append(s.results[name], sf.TestStepResult)
			s.attempts[name] = cs.Attempt
		case env.TestCaseFinished != nil:
			cf := env.TestCaseFinished
			if started[cf.TestCaseStartedId] == nil || caseDone[cf.TestCaseStartedId] {
				t.Errorf("testCaseFinished %s was not started, or finished twice", cf.TestCaseStartedId)
			}
			for k := range stepOpen {
				if strings.HasPrefix(k, cf.TestCaseStartedId+"/") {
					t.Errorf("test case %s finished with step %s open", cf.TestCaseStartedId, k)
				}
			}
			caseDone[cf.TestCaseStartedId] = true
		case env.TestRunFinished != nil:
			s.finished = env.TestRunFinished
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for id := range started {
		if !caseDone[id] {
			t.Errorf("testCaseStarted %s never finished", id)
		}
	}
	if s.finished == nil {
		t.Fatal("no testRunFinished")
	}
	return s
}

// messagesFixture is a feature with a background, a scenario that passes,
// one that fails, one with an undefined step and an outline of two rows,
// whose steps are the catalogue's examples.
func messagesFixture(t *testing.T) (root string, f cukeFeature) {
	t.Helper()
	root = t.TempDir()
	step := func(i int) string { return "    " + steps.Catalogue()[i].Example + "\n" }
	src := "@fixture\nFeature: Fixture\n\n  Background:\n" + step(0) +
		"\n  Scenario: passes\n" + step(1) +
		"\n  @slow\n  Scenario: fails\n" + step(1) + step(2) +
		"\n  Scenario: has an undefined step\n    When the admin does something nobody wrote\n" +
		"\n  Scenario Outline: rows <n>\n" + step(1) + "\n    Examples:\n      | n |\n      | 1 |\n      | 2 |\n"
	repo, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), mod, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "features"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "features", "fixture.feature"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f = passedRun(t, root, "features/fixture.feature")
	if len(f.Elements) != 5 {
		t.Fatalf("fixture has %d scenarios; want 5", len(f.Elements))
	}
	fail(&f.Elements[1], 2, "want the banner; the page showed: Error", 100, "fails/shot.png")
	f.Elements[2].Steps[1].Result = cukeResult{Status: "undefined"}
	f.Elements[3].Attempts, f.Elements[3].Flaky = 2, true
	// TRACE=1 links a passed step's screenshots instead of embedding them.
	f.Elements[3].Steps[1].Embeddings = []cukeEmbedding{{Name: "screenshots", MimeType: steps.ShotsMediaType,
		Data: base64.StdEncoding.EncodeToString([]byte(`{"at":1.5,"took":0.2,"windows":[{"window":"product","screenshot":"rows_1/02-x-product.png"},{"window":"pop-up","reason":"the window had closed"}]}`))}}
	// A screenshot too large to carry inline: linked by its url.
	fail(&f.Elements[4], 1, "rows 2 broke", urlImageBytes+1, "rows-2/big.png")
	return root, f
}

func TestMessagesStreamIsValidAndCarriesTheResults(t *testing.T) {
	root, f := messagesFixture(t)
	var buf bytes.Buffer
	if err := writeMessages(&buf, root, []cukeFeature{f}, runInfo{Started: time.Unix(1000, 0)}); err != nil {
		t.Fatal(err)
	}
	s := readStream(t, &buf)
	if len(s.defs) != len(steps.Catalogue()) {
		t.Errorf("%d step definitions; the catalogue has %d", len(s.defs), len(steps.Catalogue()))
	}
	for _, d := range s.defs {
		if !strings.HasPrefix(d.SourceReference.Uri, "internal/steps/") || d.SourceReference.Location == nil || d.SourceReference.Location.Line < 1 {
			t.Errorf("step definition %q is at %+v; want internal/steps/file.go and a line", d.Pattern.Source, d.SourceReference)
		}
	}
	if len(s.cases) != 5 || len(s.pickles) != 5 {
		t.Fatalf("%d test cases of %d pickles; want 5 of 5", len(s.cases), len(s.pickles))
	}
	status := func(name string) string {
		var out []string
		for _, r := range s.results[name] {
			out = append(out, string(r.Status))
		}
		return strings.Join(out, " ")
	}
	for name, want := range map[string]string{
		"passes":                "PASSED PASSED",
		"fails":                 "PASSED PASSED FAILED",
		"has an undefined step": "PASSED UNDEFINED",
		"rows 1":                "PASSED PASSED",
		"rows 2":                "PASSED FAILED",
	} {
		if got := status(name); got != want {
			t.Errorf("%s: steps %s; want %s", name, got, want)
		}
	}
	if got := s.results["fails"][2]; got.Message != "want the banner; the page showed: Error" || got.Duration.Nanos != int64(time.Millisecond) {
		t.Errorf("the failed step's result = %+v", got)
	}
	if msg := s.results["has an undefined step"][1].Message; !strings.Contains(msg, "features/fixture.feature:16: undefined step") || !strings.Contains(msg, "did you mean") {
		t.Errorf("the undefined step's message = %q; want its file:line and suggestions", msg)
	}
	if log := s.attached["has an undefined step"]; len(log) != 1 || log[0].MediaType != "text/x.cucumber.log+plain" || !strings.Contains(log[0].Body, "did you mean") {
		t.Errorf("the undefined step's attachments = %+v; want its suggestions as a log", log)
	}
	if shots := s.attached["rows 1"]; len(shots) != 2 || shots[0].Url != "rows_1/02-x-product.png" || shots[0].MediaType != "image/png" ||
		shots[1].Body != `window "pop-up": no screenshot: the window had closed` {
		t.Errorf("a traced step's linked screenshots = %+v; want the product's by url and why the pop-up has none", shots)
	}
	if s.attempts["rows 1"] != 1 || s.attempts["passes"] != 0 {
		t.Errorf("attempts = %v; want rows 1 on its second (1), passes on its first (0)", s.attempts)
	}
	small := s.attached["fails"]
	if len(small) != 2 || small[0].ContentEncoding != messages.AttachmentContentEncoding_BASE64 || small[0].Body == "" || small[0].Url != "" ||
		small[1].MediaType != "text/uri-list" {
		t.Errorf("fails' attachments = %+v; want the screenshot base64 and the artefact list", small)
	} else if b, _ := base64.StdEncoding.DecodeString(small[1].Body); string(b) != "fails/shot.png\nscenario/page.html" {
		t.Errorf("artefact list = %q", b)
	}
	if big := s.attached["rows 2"]; len(big) != 2 || big[0].Url != "rows-2/big.png" || big[0].Body != "" {
		t.Errorf("rows 2's screenshot = %+v; want it linked as rows-2/big.png", big)
	}
	mod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	m := s.envelopes[0].Meta
	requires := func(module, version string) bool {
		return regexp.MustCompile(`(?m)^\s*(require )?` + regexp.QuoteMeta(module+" "+version) + `(\s|$)`).Match(mod)
	}
	if !requires("github.com/cucumber/messages/go/v21", "v"+m.ProtocolVersion) || !requires("github.com/cucumber/godog", m.Implementation.Version) {
		t.Errorf("meta = %+v, %+v; want the messages and godog versions of go.mod", m, m.Implementation)
	}
	// The first step matched a catalogue pattern with arguments.
	first := s.cases[s.envelopeCase(t, "passes")].TestSteps[0]
	if len(first.StepDefinitionIds) != 1 || len(first.StepMatchArgumentsLists[0].StepMatchArguments) != 3 ||
		first.StepMatchArgumentsLists[0].StepMatchArguments[0].Group.Value != "Acme" {
		t.Errorf("the org step's match = %+v; want the catalogue's first definition, with Acme and two usernames", first)
	}
	undefined := s.cases[s.envelopeCase(t, "has an undefined step")].TestSteps[1]
	if len(undefined.StepDefinitionIds) != 0 {
		t.Errorf("the undefined step has definitions %v", undefined.StepDefinitionIds)
	}
	if s.finished.Success {
		t.Error("testRunFinished says success with a failed scenario")
	}
	if got := messages.TimestampToGoTime(*s.finished.Timestamp).Sub(time.Unix(1000, 0)); got != 3*time.Millisecond {
		t.Errorf("the run took %s; want its longest test case, 3ms", got)
	}
}

// envelopeCase is the id of the test case of the pickle named name.
func (s *stream) envelopeCase(t *testing.T, name string) string {
	t.Helper()
	for id, tc := range s.cases {
		if s.pickles[tc.PickleId].Name == name {
			return id
		}
	}
	t.Fatalf("no test case %q", name)
	return ""
}

// A run cut short, or a scenario the feature file no longer has, is no
// success, and the run's message says why.
func TestMessagesSayWhatTheyLeaveOut(t *testing.T) {
	root, f := messagesFixture(t)
	f.Elements[1].Line = 99
	f.Elements[2].Steps[0].Name = "a step the file no longer has"
	gone := cukeFeature{URI: "features/gone.feature", Elements: []cukeElement{{Name: "x", Line: 3}}}
	var buf bytes.Buffer
	if err := writeMessages(&buf, root, []cukeFeature{f, gone}, runInfo{CutShort: "interrupt after 3s"}); err != nil {
		t.Fatal(err)
	}
	s := readStream(t, &buf)
	if len(s.cases) != 3 {
		t.Errorf("%d test cases; want the 3 scenarios still in the file", len(s.cases))
	}
	for _, want := range []string{"run cut short: interrupt after 3s", `features/fixture.feature:99 "fails"`, `features/fixture.feature:15 "has an undefined step"`, "features/gone.feature (1 scenarios)"} {
		if !strings.Contains(s.finished.Message, want) {
			t.Errorf("testRunFinished's message %q lacks %q", s.finished.Message, want)
		}
	}
	if s.finished.Success {
		t.Error("a run cut short reads as a success")
	}
}

// writeReports writes the stream beside the other reports, from the
// same results, reading the features from the repository root.
func TestWriteReportsWritesMessages(t *testing.T) {
	root, err := repoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	f := passedRun(t, root, "features/login_errors.feature")
	fail(&f.Elements[0], 6, "Salesforce says nothing", 10, "a/shot.png")
	dir := t.TempDir()
	if err := writeReports(dir, []cukeFeature{f}, runInfo{Started: time.Now()}); err != nil {
		t.Fatal(err)
	}
	file, err := os.Open(filepath.Join(dir, messagesFile))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	s := readStream(t, file)
	if len(s.cases) != len(f.Elements) || s.finished.Message != "" {
		t.Errorf("%d test cases for %d scenarios; message %q", len(s.cases), len(f.Elements), s.finished.Message)
	}
	if got := fmt.Sprint(s.results[f.Elements[0].Name][6].Status); got != "FAILED" {
		t.Errorf("the failed step is %s", got)
	}
}
