package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/internal/testlog"

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

// startExposed runs the real program with args and keeps its stderr; it
// returns the URL of the listening line.
func startExposed(t *testing.T, args ...string) (base string, stderr *testlog.Buffer) {
	t.Helper()
	stderr = &testlog.Buffer{}
	return startTo(t, stderr, args...), stderr
}

// Break 11: -addr 0.0.0.0:PORT made every URL http://[::]:PORT, which
// no other machine can use, and said nothing about being reachable.
// Now the URLs name the machine (or -public-url), and a warning on
// stderr says what is exposed and that the control API still refuses
// other machines unless -control-token is given.
func TestSecurityWildcardAddrWarnsAndNamesTheHost(t *testing.T) {
	old := hostname
	hostname = func() (string, error) { return "localhost", nil }
	t.Cleanup(func() { hostname = old })
	cases := []struct {
		name        string
		args        []string
		wantBase    string // prefix of the identity URL's host
		wantControl string
	}{
		{"wildcard", []string{"-addr", "0.0.0.0:0"}, "http://localhost:", "still answers only loopback clients"},
		{"wildcard with token", []string{"-addr", "0.0.0.0:0", "-control-token", "tok-1"}, "http://localhost:", "answers any client that sends the -control-token"},
		{"wildcard with public URL", []string{"-addr", "0.0.0.0:0", "-public-url", "http://mocksf.test:9999"}, "http://mocksf.test:9999", "still answers only loopback clients"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base, stderr := startExposed(t, c.args...)
			if strings.Contains(base, "[::]") || strings.Contains(base, "0.0.0.0") || !strings.HasPrefix(base, "http://localhost:") {
				t.Errorf("listening line names %s; want http://localhost:PORT", base)
			}
			warning := stderr.String()
			for _, want := range []string{"warning", "reachable from other machines", c.wantControl} {
				if !strings.Contains(warning, want) {
					t.Errorf("stderr = %q; want it to say %q", warning, want)
				}
			}
			// Discovery shows the URLs mocksf builds: none may name the
			// unspecified address.
			resp, err := http.Get(base + "/.well-known/openid-configuration")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var disc struct {
				Issuer           string `json:"issuer"`
				AuthorizationURL string `json:"authorization_endpoint"`
			}
			json.NewDecoder(resp.Body).Decode(&disc)
			if !strings.HasPrefix(disc.AuthorizationURL, c.wantBase) || strings.Contains(disc.AuthorizationURL, "[::]") {
				t.Errorf("authorization_endpoint = %q; want it under %s", disc.AuthorizationURL, c.wantBase)
			}
		})
	}
	t.Run("loopback says nothing", func(t *testing.T) {
		_, stderr := startExposed(t, "-addr", "127.0.0.1:0")
		if s := stderr.String(); strings.Contains(s, "warning") {
			t.Errorf("stderr on loopback = %q; want no warning", s)
		}
	})
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
