package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The sides of a -token-wrk run answer their forms as wrk will post them:
// mocksf's refreshes with 200, the bare handler with a reply of the api
// refresh's size, the openid refresh with an ID token in it.
func TestTokenWrkSides(t *testing.T) {
	t.Parallel()
	c, err := parseFlags([]string{"-token-wrk", "-token-wrk-openid"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	run, err := startTokenSides(context.Background(), c, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(run.stop)
	var names []string
	size := map[string]int{}
	for _, s := range run.sides {
		names = append(names, s.name)
		size[s.name] = s.size
		// Again and again: the refresh token stays good (no rotation),
		// as wrk's every request needs it to.
		for range 3 {
			n, err := postRefresh(context.Background(), http.DefaultClient, s)
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if n != s.size {
				t.Errorf("%s: a reply of %d bytes, then %d", s.name, s.size, n)
			}
		}
		if !strings.Contains(s.form, "grant_type=refresh_token") || !strings.Contains(s.form, "refresh_token=5Aep861") {
			t.Errorf("%s: form %q is not a refresh grant", s.name, s.form)
		}
	}
	if got := strings.Join(names, " "); got != "api openid bare" {
		t.Fatalf("sides %q; want api openid bare", got)
	}
	if size[sideBare] != size[sideAPI] {
		t.Errorf("bare reply %d bytes; want the api reply's %d", size[sideBare], size[sideAPI])
	}
	// An RS256 ID token of a 2048-bit key is over 500 characters.
	if size[sideOpenID] < size[sideAPI]+500 {
		t.Errorf("openid reply %d bytes, api %d; want an ID token's more", size[sideOpenID], size[sideAPI])
	}
	run.stop()
	if stderr.Len() > 0 {
		t.Errorf("stopping printed %q; want nothing (the org deleted)", stderr.String())
	}
}

func TestParseWrkDone(t *testing.T) {
	t.Parallel()
	// What wrk 4.1 prints with wrkScript's done function.
	const out = `Running 2s test @ http://127.0.0.1:40111/services/oauth2/token
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   535.46us  250.51us   6.04ms   87.47%
    Req/Sec    29.96k     1.21k   31.51k    80.00%
  59611 requests in 2.00s, 28.14MB read
sfload-wrk: requests=59611 duration_us=2001030 connect=0 read=0 write=0 status=3 timeout=0
Requests/sec:  29790.16
Transfer/sec:     14.06MB
`
	got, err := parseWrkDone(out)
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{requests: 59611, durationUs: 2001030, status: 3}
	if got != want {
		t.Errorf("parseWrkDone = %+v; want %+v", got, want)
	}
	if r := got.rate(); r < 29790 || r > 29791 {
		t.Errorf("rate %.2f; want 29790.6 (wrk's own figure is 29790.16)", r)
	}
	for _, bad := range []struct{ name, out, want string }{
		{"no done line", "Running 2s test\nRequests/sec: 1\n", "no done line"},
		{"a field missing", "sfload-wrk: requests=1 duration_us=2 connect=0 read=0 write=0 status=0\n", "lacks timeout"},
		{"not a number", "sfload-wrk: requests=x duration_us=2 connect=0 read=0 write=0 status=0 timeout=0\n", "lacks requests"},
	} {
		if _, err := parseWrkDone(bad.out); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s: parseWrkDone = %v; want an error with %q", bad.name, err, bad.want)
		}
	}
}

func TestTokenWrkFigures(t *testing.T) {
	t.Parallel()
	sides := []wrkSide{{name: sideAPI}, {name: sideOpenID}, {name: sideBare}}
	if got, want := roundLine(sides, map[string]float64{sideAPI: 30000, sideOpenID: 1000, sideBare: 60000}),
		"api 30000 req/s, openid 1000 req/s, bare 60000 req/s, api/bare 0.500, openid/bare 0.017"; got != want {
		t.Errorf("roundLine = %q; want %q", got, want)
	}
	// The median ratio is of each round's pair: 0.5, 0.25, 0.6, not the
	// medians' 40000/80000.
	rates := map[string][]float64{sideAPI: {30000, 20000, 60000}, sideBare: {60000, 80000, 100000}}
	if got, want := medianLine([]wrkSide{{name: sideAPI}, {name: sideBare}}, rates),
		"api 30000 req/s, bare 80000 req/s, api/bare 0.500 (rounds 0.250–0.600)"; got != want {
		t.Errorf("medianLine = %q; want %q", got, want)
	}
	if got := sideFile("/tmp/cpu.out", "openid"); got != "/tmp/cpu.openid.out" {
		t.Errorf("sideFile = %q; want /tmp/cpu.openid.out", got)
	}
	if got := sideFile("cpu", "api"); got != "cpu.api" {
		t.Errorf("sideFile = %q; want cpu.api", got)
	}
}

func TestTokenWrkCPUFigures(t *testing.T) {
	t.Parallel()
	if got := (wrkResult{requests: 4000, cpu: 200 * time.Millisecond}).cpuPerRequest(); got != 50 {
		t.Errorf("cpuPerRequest = %v; want 50 µs", got)
	}
	if got := (wrkResult{}).cpuPerRequest(); got != 0 {
		t.Errorf("cpuPerRequest of no requests = %v; want 0", got)
	}
	sides := []wrkSide{{name: sideAPI}, {name: sideBare}}
	if got, want := cpuLine(sides, map[string]float64{sideAPI: 50, sideBare: 20}),
		"api 50.0 µs/req, bare 20.0 µs/req, bare/api 0.400"; got != want {
		t.Errorf("cpuLine = %q; want %q", got, want)
	}
	cpus := map[string][]float64{sideAPI: {50, 40, 100}, sideBare: {20, 20, 30}}
	if got, want := medianCPULine(sides, cpus),
		"api 50.0 µs/req, bare 20.0 µs/req, bare/api 0.400 (rounds 0.300–0.500)"; got != want {
		t.Errorf("medianCPULine = %q; want %q", got, want)
	}
}
