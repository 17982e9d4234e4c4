package main

import (
	"bytes"
	"strings"
	"testing"
)

// The merge itself is tested in package e2e (merge_test.go, and make
// report in makefile_test.go); these are the program's own answers.
func TestRun(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		wantErr string
		wantOut string
	}{
		{[]string{"e2ereport", "-h"}, "", "usage: e2ereport [-o results] SHARD_FOLDER..."},
		{[]string{"e2ereport", "-o", t.TempDir() + "/merged"}, "no shard folders given", ""},
		{[]string{"e2ereport", "-o", t.TempDir() + "/merged", t.TempDir()}, "cucumber.json", ""},
	} {
		var stdout, stderr bytes.Buffer
		err := run(tt.args, &stdout, &stderr)
		if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("run(%q) = %v; want an error with %q", tt.args, err, tt.wantErr)
		}
		if !strings.Contains(stdout.String()+stderr.String(), tt.wantOut) {
			t.Errorf("run(%q) printed %q; want %q", tt.args, stdout.String()+stderr.String(), tt.wantOut)
		}
	}
}
