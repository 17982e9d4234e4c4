package main

import (
	"net/http"
	"testing"

	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
)

// The real program bounds request headers (MaxHeaderBytes 64 KiB): a
// 1 MiB header is answered 431 by net/http, and mocksf serves on.
func TestRunRefusesOversizedHeaders(t *testing.T) {
	base := start(t)
	if got := httpservetest.SendHeader(t, base, "/", 1<<20); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header = %d; want 431", got)
	}
	if got := httpservetest.SendHeader(t, base, "/", 16<<10); got != http.StatusOK {
		t.Errorf("16 KiB header = %d; want 200", got)
	}
}
