package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRun(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"client", "-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1"}, outW, io.Discard)
		outW.Close()
	}()

	line, err := bufio.NewReader(outR).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "client listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line = %q; want client listening on http://127.0.0.1:PORT", line)
	}
	go io.Copy(io.Discard, outR)

	hc := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct {
		path string
		want string
	}{
		{"/healthz", "ok"},
		{"/admin", `id="nav-crm"`},
		{"/admin/crm/salesforce", `id="consumerKey"`},
	} {
		resp, err := hc.Get(base + tc.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), tc.want) {
			t.Errorf("GET %s = %d, body has %q: %v; want 200 and true", tc.path, resp.StatusCode, tc.want, strings.Contains(string(body), tc.want))
		}
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run returned %v; want nil after cancel", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"unknown flag", []string{"client", "-nope"}},
		{"bad salesforce URL", []string{"client", "-addr", "127.0.0.1:0", "-salesforce", "login.salesforce.com"}},
		{"extra argument", []string{"client", "extra"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run returned nil; want an error")
			}
		})
	}
}
