package e2e

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/cucumber/godog"
)

// InitializeScenario registers the steps of the documented flow, in the
// documentation's words, on a fresh world for each scenario.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	w := newWorld(s)

	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		w.name = p.Name
		return ctx, nil
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
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
		if status == godog.StepFailed || (s.Trace && status == godog.StepPassed) {
			for _, a := range w.saveArtefacts(st.Text, status == godog.StepFailed) {
				if status == godog.StepFailed {
					fmt.Fprintf(s.Log, "    artefact: %s\n", a.Path)
				}
				if a.MediaType == "image/png" {
					// Screenshots go into the Cucumber JSON and HTML reports.
					ctx = godog.Attach(ctx, godog.Attachment{Body: a.Body, FileName: filepath.Base(a.Path), MediaType: a.MediaType})
				}
			}
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		w.close()
		return ctx, nil
	})

	for _, d := range catalog {
		sc.Step(d.Pattern, d.Bind(w))
	}
}
