// Command flowcompare is make compare-playwright: the documented flow as
// the harness runs it (features/setup_oauth.feature's first scenario, one
// at a time) against the same flow as an idiomatic Playwright Test script
// (examples/playwright/tests/setup-oauth.spec.ts: fill, locators,
// waitForEvent('popup'), Debian's Chromium), in alternating rounds on the
// same machine, and prints each round's times, the medians and the ratio.
//
//	flowcompare -rounds 5
//
// Each side's time is the test's own, read from its report: the sum of the
// scenario's step durations in the harness's Cucumber JSON, and the test's
// duration in Playwright's JSON report (its fixtures included: the org,
// the browser contexts). Neither counts starting the programs or the
// browser. It needs bin/mocksf and bin/client (make build) and
// examples/playwright's npm packages (make e2e-playwright installs them).
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/sfharness/sfharness/internal/median"
)

func main() {
	if err := run(os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program: args is the command line with the program's
// name first.
func run(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	rounds := fl.Int("rounds", 5, "alternating rounds (each runs both once)")
	feature := fl.String("feature", "features/setup_oauth.feature:11", "the harness's scenario (FEATURE)")
	spec := fl.String("spec", "tests/setup-oauth.spec.ts", "the Playwright test file, in examples/playwright")
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("flowcompare: -rounds %d: want at least 1", *rounds)
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "flowcompare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// One test binary for every round: go test would otherwise link it
	// again each time.
	suite := filepath.Join(tmp, "e2e.test")
	if err := command(root, nil, stderr, "go", "test", "-c", "-o", suite, "./e2e/").Run(); err != nil {
		return fmt.Errorf("flowcompare: build the suite: %w", err)
	}
	sides := []struct {
		name string
		time func(round int) (time.Duration, error)
	}{
		{"harness", func(round int) (time.Duration, error) {
			results := filepath.Join(tmp, fmt.Sprintf("harness-%d", round))
			env := []string{"FEATURE=" + *feature, "RESULTS_DIR=" + results, "FORMAT=progress", "NO_COLOR=1"}
			cmd := command(filepath.Join(root, "e2e"), env, stderr, suite, "-test.run", "^TestFeatures$", "-test.count", "1", "-godog.concurrency=1")
			if err := cmd.Run(); err != nil {
				return 0, fmt.Errorf("the harness's scenario: %w", err)
			}
			return harnessTime(filepath.Join(results, "cucumber.json"))
		}},
		{"playwright", func(round int) (time.Duration, error) {
			report := filepath.Join(tmp, fmt.Sprintf("playwright-%d.json", round))
			env := []string{"PLAYWRIGHT_JSON_OUTPUT_NAME=" + report}
			cmd := command(filepath.Join(root, "examples", "playwright"), env, stderr, "node_modules/.bin/playwright", "test", "--reporter=json", *spec)
			if err := cmd.Run(); err != nil {
				return 0, fmt.Errorf("the Playwright test: %w", err)
			}
			return playwrightTime(report)
		}},
	}
	times := map[string][]time.Duration{}
	var ratios []float64
	fmt.Fprintf(stdout, "%-6s %10s %10s %8s\n", "round", "harness", "playwright", "ratio")
	for r := 1; r <= *rounds; r++ {
		got := map[string]time.Duration{}
		// Alternate who goes first: a machine that gets busier or quieter
		// during a round then favours neither.
		order := []int{0, 1}
		if r%2 == 0 {
			order = []int{1, 0}
		}
		for _, i := range order {
			d, err := sides[i].time(r)
			if err != nil {
				return fmt.Errorf("flowcompare: round %d: %w", r, err)
			}
			got[sides[i].name] = d
			times[sides[i].name] = append(times[sides[i].name], d)
		}
		ratio := got["harness"].Seconds() / got["playwright"].Seconds()
		ratios = append(ratios, ratio)
		fmt.Fprintf(stdout, "%-6d %9.2fs %9.2fs %8.2f\n", r, got["harness"].Seconds(), got["playwright"].Seconds(), ratio)
	}
	fmt.Fprintf(stdout, "%-6s %9.2fs %9.2fs %8.2f\n", "median", median.Of(times["harness"]).Seconds(), median.Of(times["playwright"]).Seconds(), median.Of(ratios))
	fmt.Fprintln(stdout, "ratio: the harness's time over Playwright's in the same round (below 1: the harness is faster)")
	return nil
}

// command runs name in dir with the environment plus env, its output to
// stderr (the figures go to stdout alone).
func command(dir string, env []string, stderr io.Writer, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = stderr, stderr
	return cmd
}

// harnessTime is the one scenario's time in the harness's Cucumber JSON:
// the sum of its steps' durations.
func harnessTime(file string) (time.Duration, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	var features []struct {
		Elements []struct {
			Type  string `json:"type"`
			Steps []struct {
				Result struct {
					Status   string `json:"status"`
					Duration int64  `json:"duration"`
				} `json:"result"`
			} `json:"steps"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(b, &features); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	var total time.Duration
	n := 0
	for _, f := range features {
		for _, e := range f.Elements {
			if e.Type != "scenario" {
				continue
			}
			n++
			for _, st := range e.Steps {
				if st.Result.Status != "passed" {
					return 0, fmt.Errorf("%s: a step %s", file, st.Result.Status)
				}
				total += time.Duration(st.Result.Duration)
			}
		}
	}
	if n != 1 {
		return 0, fmt.Errorf("%s: %d scenarios; want the one -feature names", file, n)
	}
	return total, nil
}

// playwrightTime is the one test's duration in Playwright's JSON report.
func playwrightTime(file string) (time.Duration, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, err
	}
	type spec struct {
		Tests []struct {
			Results []struct {
				Status   string  `json:"status"`
				Duration float64 `json:"duration"` // milliseconds
			} `json:"results"`
		} `json:"tests"`
	}
	type suite struct {
		Specs  []spec            `json:"specs"`
		Suites []json.RawMessage `json:"suites"`
	}
	var report struct {
		Suites []json.RawMessage `json:"suites"`
	}
	if err := json.Unmarshal(b, &report); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	var durations []float64
	var walk func([]json.RawMessage) error
	walk = func(raw []json.RawMessage) error {
		for _, r := range raw {
			var s suite
			if err := json.Unmarshal(r, &s); err != nil {
				return err
			}
			for _, sp := range s.Specs {
				for _, t := range sp.Tests {
					for _, res := range t.Results {
						if res.Status != "passed" {
							return fmt.Errorf("a test %s", res.Status)
						}
						durations = append(durations, res.Duration)
					}
				}
			}
			if err := walk(s.Suites); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(report.Suites); err != nil {
		return 0, fmt.Errorf("%s: %w", file, err)
	}
	if len(durations) != 1 {
		return 0, fmt.Errorf("%s: %d test results; want the one test of -spec", file, len(durations))
	}
	return time.Duration(durations[0] * float64(time.Millisecond)), nil
}
