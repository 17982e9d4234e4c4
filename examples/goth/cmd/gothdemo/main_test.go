package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/httpserve/httpservetest"
)

func noEnv(string) string { return "" }

func TestRunServesThePageUntilCancelled(t *testing.T) {
	base, cancel, done := httpservetest.StartRun(t, run, "gothdemo",
		[]string{"-addr", "127.0.0.1:0", "-salesforce", "http://127.0.0.1:1/"}, noEnv)
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Fatalf("listening on %q; want http://127.0.0.1:PORT", base)
	}
	hc := &http.Client{Timeout: 5 * time.Second}
	resp, err := hc.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`id="settings_form"`, `value="http://127.0.0.1:1"`, `id="callback_url">` + base + `/auth/salesforce/callback<`, "Connect to Salesforce"} {
		if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(want)) {
			t.Errorf("GET / = %d; want 200 with %s", resp.StatusCode, want)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run = %v after cancel; want nil", err)
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
		{"bad login URL", []string{"-addr", "127.0.0.1:0", "-salesforce", "login.salesforce.com"}, `gothapp: LoginURL "login.salesforce.com"`},
		{"relative callback URL", []string{"-addr", "127.0.0.1:0", "-callback-url", "/cb"}, "must be an absolute URL"},
		{"zero timeout", []string{"-salesforce-timeout", "0s"}, "-salesforce-timeout must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), append([]string{"gothdemo"}, tc.args...), noEnv, io.Discard, io.Discard)
			if err == nil || !strings.HasPrefix(err.Error(), "gothdemo: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("run = %v; want gothdemo: ... %s", err, tc.want)
			}
		})
	}
	if err := run(context.Background(), []string{"gothdemo", "-h"}, noEnv, io.Discard, io.Discard); err != nil {
		t.Errorf("run -h = %v; want nil", err)
	}
}
