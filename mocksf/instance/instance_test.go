package instance_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/sfharness/sfharness/mocksf/instance"
)

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    instance.Mode
		wantErr bool
	}{
		{"", instance.Shared, false},
		{"shared", instance.Shared, false},
		{"per-org", instance.PerOrg, false},
		{"per_org", "", true},
		{"Shared", "", true},
	} {
		got, err := instance.ParseMode(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseMode(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestSharedHosts(t *testing.T) {
	h, err := instance.New(instance.Shared, "http://127.0.0.1:8080", "http://localhost:8080/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := h.URL("00D000000000001AAA"); got != "http://localhost:8080" {
		t.Errorf("URL = %s; want the shared URL without its slash", got)
	}
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"localhost:8080", true},
		{"LOCALHOST:8080", true},
		{"127.0.0.1:8080", false},
		{"localhost:8081", false},
	} {
		if org, ok := h.At(tc.host); ok != tc.ok || org != "" {
			t.Errorf("At(%s) = %q, %v; want \"\", %v", tc.host, org, ok, tc.ok)
		}
	}
}

func TestPerOrgHosts(t *testing.T) {
	h, err := instance.New(instance.PerOrg, "http://127.0.0.1:8080", "http://localhost:8080", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	if got := h.URL("00DA"); got != "http://localhost:8080" {
		t.Errorf("URL before Serve = %s; want the shared URL", got)
	}
	h.Serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.Host) }))
	a, b := h.URL("00DA"), h.URL("00DB")
	if a == b || a == "http://localhost:8080" || h.URL("00DA") != a {
		t.Fatalf("URLs %s and %s; want one per org, stable", a, b)
	}
	resp, err := http.Get(a)
	if err != nil {
		t.Fatalf("org A's host: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if org, ok := h.At(string(body)); !ok || org != "00DA" {
		t.Errorf("At(%s) = %q, %v; want 00DA", body, org, ok)
	}
	if _, ok := h.At("localhost:8080"); ok {
		t.Errorf("the shared name counts as an instance host in per-org mode")
	}
	h.Prune(func(id string) bool { return id == "00DA" })
	if _, err := http.Get(b); err == nil {
		t.Errorf("org B's host answers after Prune")
	}
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get(a); err == nil {
		t.Errorf("org A's host answers after Close")
	}
	if got := h.URL("00DC"); got != "http://localhost:8080" {
		t.Errorf("URL after Close = %s; want the shared URL", got)
	}
}

func TestNewRefusesRelativeURLs(t *testing.T) {
	if _, err := instance.New(instance.Shared, "127.0.0.1:8080", "http://localhost:8080", nil); err == nil {
		t.Error("a login URL without a scheme was accepted")
	}
}
