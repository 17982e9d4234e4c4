package headless

import (
	"os"
	"path/filepath"
	"testing"
)

// Program starts what it is told to, else the headless shell for a
// headless run when one is on PATH, else chromium; a headed run never
// gets the shell, which shows no window.
func TestProgram(t *testing.T) {
	withShell := t.TempDir()
	if err := os.WriteFile(filepath.Join(withShell, Shell), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, name string
		headless   bool
		want       string
	}{
		{withShell, "", true, Shell},
		{withShell, "", false, "chromium"},
		{withShell, "/opt/chrome/chrome", true, "/opt/chrome/chrome"},
		{withShell, "chromium", true, "chromium"},
		{t.TempDir(), "", true, "chromium"},
	} {
		t.Setenv("PATH", tc.path)
		if got := Program(tc.name, tc.headless); got != tc.want {
			t.Errorf("PATH with%s the shell: Program(%q, headless %v) = %q; want %q",
				map[bool]string{true: "", false: "out"}[tc.path == withShell], tc.name, tc.headless, got, tc.want)
		}
	}
}
