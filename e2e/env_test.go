package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReadEnv(t *testing.T) {
	vars := map[string]string{}
	getenv := func(k string) string { return vars[k] }
	e, err := readEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	if e.Tags != "not @wip" || e.Format != "pretty" || e.InstanceHosts != "per-org" || e.Retries != 0 ||
		e.ResultsDir != "results" || e.Product != "profiles/beacon.yaml" || e.Trace || e.KeepOrgs || e.NoColors {
		t.Errorf("readEnv of nothing = %+v; want the defaults", e)
	}
	vars = map[string]string{"TAGS": "@smoke", "RETRIES": "2", "TRACE": "1", "CI": "true", "MOCKSF_CONTROL_TOKEN": "tok", "PRODUCT": "profiles/goth.yaml"}
	if e, err = readEnv(getenv); err != nil || e.Tags != "@smoke" || e.Retries != 2 || !e.Trace || !e.NoColors || e.ControlToken != "tok" || e.Product != "profiles/goth.yaml" {
		t.Errorf("readEnv = %+v, %v; want TAGS, RETRIES, TRACE, CI, MOCKSF_CONTROL_TOKEN and PRODUCT read", e, err)
	}
	vars = map[string]string{"RETRIES": "-1"}
	if _, err := readEnv(getenv); err == nil {
		t.Error("RETRIES=-1 read; want an error")
	}
	for typing, want := range map[string]bool{"": false, "insert": false, "keys": true} {
		vars = map[string]string{"TYPING": typing}
		if e, err := readEnv(getenv); err != nil || e.KeyByKey != want {
			t.Errorf("TYPING=%q: KeyByKey %v, %v; want %v", typing, e.KeyByKey, err, want)
		}
	}
	vars = map[string]string{"TYPING": "slow"}
	if _, err := readEnv(getenv); err == nil || !strings.Contains(err.Error(), `TYPING="slow": want insert (the default) or keys`) {
		t.Errorf("TYPING=slow: %v; want an error naming the values", err)
	}
}

// The README lists every variable the suite reads.
func TestREADMEDocumentsEveryVariable(t *testing.T) {
	src, err := os.ReadFile("env.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(readme, []byte("The variables the e2e suite reads"))
	if at < 0 {
		t.Fatal("README has no table of the e2e suite's variables")
	}
	table, _, _ := strings.Cut(string(readme[at:]), "\n## ")
	names := regexp.MustCompile(`(?:getenv|or)\("([A-Z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(names) < 10 {
		t.Fatalf("found %d variables in env.go; the pattern no longer fits it", len(names))
	}
	// CONCURRENCY is make's name for -godog.concurrency.
	for _, name := range append([]string{"CONCURRENCY"}, func() (out []string) {
		for _, n := range names {
			out = append(out, n[1])
		}
		return out
	}()...) {
		if !strings.Contains(table, "`"+name+"`") {
			t.Errorf("README's variable table lacks %s", name)
		}
	}
}

// HEADED=1 shows Chromium only where it can: with a display, and for the
// Chromium the suite starts; otherwise the run stays headless and says why.
func TestHeadedOnlyWithADisplay(t *testing.T) {
	tests := []struct {
		name         string
		vars         map[string]string
		wantHeadless bool
		wantNote     string
	}{
		{"default", map[string]string{"DISPLAY": ":0"}, true, ""},
		{"HEADED with X11", map[string]string{"HEADED": "1", "DISPLAY": ":0"}, false, ""},
		{"HEADED with Wayland", map[string]string{"HEADED": "1", "WAYLAND_DISPLAY": "wayland-0"}, false, ""},
		{"HEADED without a display", map[string]string{"HEADED": "1"}, true, "neither DISPLAY nor WAYLAND_DISPLAY"},
		{"HEADED with CHROME_URL", map[string]string{"HEADED": "1", "DISPLAY": ":0", "CHROME_URL": "http://127.0.0.1:9222"}, true, "CHROME_URL"},
	}
	for _, tc := range tests {
		e, err := readEnv(func(k string) string { return tc.vars[k] })
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		headless, note := e.headless()
		if headless != tc.wantHeadless || (tc.wantNote == "") != (note == "") || !strings.Contains(note, tc.wantNote) {
			t.Errorf("%s: headless %v, note %q; want %v and a note with %q", tc.name, headless, note, tc.wantHeadless, tc.wantNote)
		}
	}
}
