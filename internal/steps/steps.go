package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/cucumber/godog"
)

// InitializeScenario registers the steps of the documented flow, in the
// documentation's words, on a fresh world for each scenario.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	w := newWorld(s)

	var stopProgress func()
	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		// Literal Step calls, generated from the catalogue, so that the
		// Cucumber language service finds them (writeRegistrations), in
		// the feature's language only: godog matches the steps after
		// this hook, and a step in another language is undefined.
		if err := registerLanguage(func(expr string, fn any) { sc.Step(expr, fn) }, w, p.Language); err != nil {
			return ctx, err
		}
		w.name, w.lang, w.started = p.Name, p.Language, time.Now()
		if s.Trace {
			w.roll = newFilmRoll(w.artefactDir(), s.ResultsDir, w.started)
		}
		w.progress.scenarioStarted(p.Uri, p.Name)
		stopProgress = w.progress.watch(time.Second)
		return ctx, nil
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		w.progress.stepStarted(st.Text)
		// Given steps that declare the org only change its spec; every
		// other step needs it to exist.
		if !declaresOrg(st.Text) {
			if err := w.ensureOrg(); err != nil {
				return ctx, err
			}
		}
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		w.progress.stepEnded()
		if failed := status == godog.StepFailed; failed || (s.Trace && status == godog.StepPassed) {
			saved, shots := w.saveArtefacts(st.Text, failed)
			ctx = s.attachArtefacts(ctx, saved, shots, failed, err)
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		if stopProgress != nil {
			stopProgress()
		}
		if w.roll != nil {
			// godog puts this on the scenario's last step run.
			ctx = attachFilm(ctx, w.roll.stop())
		}
		w.close()
		s.finished.Add(1)
		return ctx, nil
	})

}

// attachArtefacts attaches a step's screenshots, each window's or why it
// has none (shots), which report.html shows beside the step. A failed
// step's screenshots also go into the Cucumber JSON whole, so that the
// report shows them without its folder; for a failed step it also prints
// the paths of every file saved, adds them to the step's error when the
// page failed it, and attaches their list, which report.html links. A
// traced step that passed has its screenshots linked, not embedded: a
// trace of every step would make the reports tens of megabytes.
func (s *Suite) attachArtefacts(ctx context.Context, saved []artefact, shots StepShots, failed bool, err error) context.Context {
	var paths, links []string
	for _, a := range saved {
		paths = append(paths, a.Path)
		if rel, err := filepath.Rel(s.ResultsDir, a.Path); err == nil {
			links = append(links, filepath.ToSlash(rel))
		}
		if failed && a.MediaType == "image/png" {
			ctx = godog.Attach(ctx, godog.Attachment{Body: a.Body, FileName: filepath.Base(a.Path), MediaType: a.MediaType})
		}
	}
	if b, err := json.Marshal(shots); err == nil {
		ctx = godog.Attach(ctx, godog.Attachment{Body: b, FileName: "screenshots", MediaType: ShotsMediaType})
	}
	if !failed || len(saved) == 0 {
		return ctx
	}
	var pe *pageError
	if errors.As(err, &pe) {
		// The formatters read the message after this hook.
		pe.Artefacts = paths
	} else {
		for _, p := range paths {
			fmt.Fprintf(s.Log, "    artefact: %s\n", p)
		}
	}
	return godog.Attach(ctx, godog.Attachment{Body: []byte(strings.Join(links, "\n")), FileName: "artefacts", MediaType: ArtefactsMediaType})
}

// ArtefactsMediaType is the attachment that lists a failed step's saved
// files, one path a line relative to the results folder (RFC 2483's
// text/uri-list), so that report.html links them.
const ArtefactsMediaType = "text/uri-list"

// Indent puts prefix before each line of s.
func Indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(prefix + l)
		}
	}
	return b.String()
}
