package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
	"github.com/sfharness/sfharness/mocksf"
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

// -h and -help print the usage and end well (exit 0), as a new user
// trying the command expects; before, run returned "flag: help
// requested" and main exited 1.
func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help", "--help"} {
		var stderr bytes.Buffer
		if err := run(context.Background(), []string{"mocksf", arg}, noEnv, io.Discard, &stderr); err != nil {
			t.Errorf("mocksf %s: %v; want nil", arg, err)
		}
		for _, want := range []string{"Usage of mocksf", "-code-length", "-max-verification-codes", "-login-lockout"} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("mocksf %s printed no %q:\n%s", arg, want, stderr.String())
			}
		}
	}
}

// -code-length takes Salesforce's kind of code, digits, 4 to 10 of them
// (Salesforce sends 5 or 6); 0 and 99 were accepted before. 5 values
// refused, the error naming the flag and the range.
func TestRunRefusesCodeLengthOutOfRange(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"0", "3", "11", "99", "-6"} {
		err := run(context.Background(), []string{"mocksf", "-addr", "127.0.0.1:0", "-code-length", n}, noEnv, io.Discard, io.Discard)
		want := "mocksf: -code-length " + n + ": want 4 to 10 digits"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("-code-length %s: %v; want %q", n, err, want)
		}
	}
	if _, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:1", VerificationCodeLength: 99}); err == nil ||
		!strings.Contains(err.Error(), "VerificationCodeLength 99: want 4 to 10 digits") {
		t.Errorf("mocksf.New with VerificationCodeLength 99: %v; want it refused", err)
	}
	start(t, "-code-length", "5") // older orgs' length still serves
}
