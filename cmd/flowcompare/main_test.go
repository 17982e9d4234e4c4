package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "report.json")
	if err := os.WriteFile(f, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

// Each side's report gives its one test's time, or an error when the
// test did not pass or the report holds other than one.
func TestReportTimes(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		read       func(string) (time.Duration, error)
		want       time.Duration
		wantErr    string
	}{
		{"harness: the steps' sum", `[{"elements":[{"type":"background","steps":[{"result":{"status":"passed","duration":5}}]},{"type":"scenario","steps":[{"result":{"status":"passed","duration":1500000000}},{"result":{"status":"passed","duration":250000000}}]}]}]`, harnessTime, 1750 * time.Millisecond, ""},
		{"harness: a failed step", `[{"elements":[{"type":"scenario","steps":[{"result":{"status":"failed","duration":1}}]}]}]`, harnessTime, 0, "a step failed"},
		{"harness: two scenarios", `[{"elements":[{"type":"scenario","steps":[]},{"type":"scenario","steps":[]}]}]`, harnessTime, 0, "2 scenarios"},
		{"harness: not JSON", `<html>`, harnessTime, 0, "invalid character"},
		{"playwright: a nested test", `{"suites":[{"specs":[],"suites":[{"specs":[{"tests":[{"results":[{"status":"passed","duration":4321.5}]}]}]}]}]}`, playwrightTime, 4321500 * time.Microsecond, ""},
		{"playwright: a failed test", `{"suites":[{"specs":[{"tests":[{"results":[{"status":"failed","duration":1}]}]}]}]}`, playwrightTime, 0, "a test failed"},
		{"playwright: no test", `{"suites":[]}`, playwrightTime, 0, "0 test results"},
	} {
		got, err := tc.read(write(t, tc.json))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: %v, %v; want an error with %q", tc.name, got, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
	}
}

func TestRunRefusesNoRounds(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"flowcompare", "-rounds", "0"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "-rounds 0") {
		t.Errorf("run -rounds 0: %v; want an error", err)
	}
}
