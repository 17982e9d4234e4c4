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

func TestRunServesTheSettingsPageUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, w := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"ownproduct", "-addr", "127.0.0.1:0", "-salesforce-url", "http://127.0.0.1:1"}, w, io.Discard)
		w.Close()
	}()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("first line: %v (run: %v)", err, <-done)
	}
	go io.Copy(io.Discard, out)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "ownproduct listening on ")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("first line %q; want ownproduct listening on http://127.0.0.1:PORT", line)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(base + "/settings")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if want := `id="sf-callback">` + base + `/oauth/callback<`; resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
		t.Errorf("GET /settings = %d; want 200 with %s:\n%s", resp.StatusCode, want, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v after cancel; want nil", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
}

func TestRunRefusesBadArguments(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"extra argument", []string{"extra"}, `unexpected arguments: ["extra"]`},
		{"a host without a scheme", []string{"-salesforce-url", "login.salesforce.com"}, `-salesforce-url "login.salesforce.com": want an absolute http(s) URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"ownproduct"}, tc.args...), io.Discard, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), "ownproduct: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v; want ownproduct: ... %s", err, tc.want)
			}
		})
	}
	if err := run(context.Background(), []string{"ownproduct", "-h"}, io.Discard, io.Discard); err != nil {
		t.Errorf("run -h = %v; want nil", err)
	}
}
