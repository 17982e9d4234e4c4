package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
)

// The real program bounds request headers (MaxHeaderBytes 64 KiB): a
// 1 MiB header is answered 431 by net/http, and Beacon serves on.
func TestRunRefusesOversizedHeaders(t *testing.T) {
	base, _ := startRun(t, []string{"-db", ""}, noEnv)
	if got := httpservetest.SendHeader(t, base, "/healthz", 1<<20); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header = %d; want 431", got)
	}
	if got := httpservetest.SendHeader(t, base, "/healthz", 16<<10); got != http.StatusOK {
		t.Errorf("16 KiB header = %d; want 200", got)
	}
}

// -h and -help print the usage and end well (exit 0); before, run
// returned "flag: help requested" and main exited 1.
func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help"} {
		var help strings.Builder
		if err := run(context.Background(), []string{"client", arg}, noEnv, io.Discard, &help); err != nil {
			t.Errorf("client %s: %v; want nil", arg, err)
		}
		if !strings.Contains(help.String(), "Usage of ") {
			t.Errorf("client %s printed no usage:\n%s", arg, help.String())
		}
	}
}
