package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/internal/median"
	"github.com/sfharness/sfharness/mocksf/oauth/tokenfloor"
	"github.com/sfharness/sfharness/mocksf/store"
)

// The sides of a -token-wrk run: mocksf refreshing a token of scopes api
// and refresh_token, the same with openid too (-token-wrk-openid), and
// the bare handler (tokenfloor) they are measured against.
const (
	sideAPI    = "api"
	sideOpenID = "openid"
	sideBare   = "bare"
)

// wrkSide is one server wrk loads in a -token-wrk run, with the refresh
// form it posts there.
type wrkSide struct {
	name string
	url  string // the token endpoint's URL
	form string // the refresh grant's body
	size int    // bytes of the reply's body
}

// tokenWrkRun is what a -token-wrk run measures: the sides, and what
// stops their servers and deletes the org (once, however often called).
type tokenWrkRun struct {
	sides []wrkSide
	stop  func()
}

// tokenWrk measures the token endpoint against the bare handler with wrk:
// mocksf and the bare handler served by this process on loopback, wrk
// run against each in turn for -token-wrk-rounds rounds, the order
// turning each round so that neither side always runs first. It prints
// each round's requests per second and the ratios, then their medians:
// the ratio of one round's two figures holds on a loaded machine as the
// figures themselves do not.
func tokenWrk(ctx context.Context, c config, stdout, stderr io.Writer) error {
	wrk, err := exec.LookPath(c.wrkBin)
	if err != nil {
		return fmt.Errorf("sfload: -token-wrk runs wrk (Debian: apt-get install wrk): %w", err)
	}
	version := wrkVersion(ctx, wrk)
	run, err := startTokenSides(ctx, c, stderr)
	if err != nil {
		return err
	}
	defer run.stop()
	dir, err := os.MkdirTemp("", "sfload-token-wrk-")
	if err != nil {
		return fmt.Errorf("sfload: -token-wrk: %w", err)
	}
	defer os.RemoveAll(dir)
	scripts := map[string]string{}
	for _, s := range run.sides {
		scripts[s.name] = filepath.Join(dir, s.name+".lua")
		if err := os.WriteFile(scripts[s.name], []byte(wrkScript(s.form)), 0o600); err != nil {
			return fmt.Errorf("sfload: -token-wrk: %w", err)
		}
	}
	fmt.Fprintf(stdout, "sfload token-wrk: %s, %d rounds of %v per side, %d connections, %d threads, GOMAXPROCS %d, load average %s\n",
		version, c.wrkRounds, c.wrkDuration, c.wrkConns, c.wrkThreads, runtime.GOMAXPROCS(0), loadAverage())
	for _, s := range run.sides {
		fmt.Fprintf(stdout, "  %-6s %s, reply %d bytes\n", s.name, s.url, s.size)
	}
	measure := func(s wrkSide) (wrkResult, error) {
		// This process serves the side wrk loads, and only that one:
		// its CPU time over the run is the side's.
		before, cpuErr := cpuTime(0)
		res, err := runWrk(ctx, wrk, scripts[s.name], s.url, c.wrkConns, c.wrkThreads, c.wrkDuration)
		after, cpuErr2 := cpuTime(0)
		if cpuErr == nil && cpuErr2 == nil {
			res.cpu = after - before
		}
		return res, err
	}
	rates, cpus := map[string][]float64{}, map[string][]float64{}
	for r := range c.wrkRounds {
		got, cpu := map[string]float64{}, map[string]float64{}
		for i := range run.sides {
			s := run.sides[(i+r)%len(run.sides)]
			res, err := measure(s)
			if err != nil {
				return fmt.Errorf("sfload: -token-wrk: round %d, %s: %w", r+1, s.name, err)
			}
			got[s.name], cpu[s.name] = res.rate(), res.cpuPerRequest()
			rates[s.name] = append(rates[s.name], got[s.name])
			cpus[s.name] = append(cpus[s.name], cpu[s.name])
		}
		fmt.Fprintf(stdout, "round %d: %s\n", r+1, roundLine(run.sides, got))
		fmt.Fprintf(stdout, "  CPU:   %s\n", cpuLine(run.sides, cpu))
	}
	fmt.Fprintf(stdout, "median of %d rounds: %s\n", c.wrkRounds, medianLine(run.sides, rates))
	fmt.Fprintf(stdout, "  CPU:   %s\n", medianCPULine(run.sides, cpus))
	fmt.Fprintf(stdout, "load average after: %s\n", loadAverage())
	if c.cpuProfile != "" {
		// A round of each side more, profiled: the profiler's cost is in
		// none of the figures above, and each profile holds one side.
		for _, s := range run.sides {
			file := sideFile(c.cpuProfile, s.name)
			res, err := profiled(file, func() (wrkResult, error) { return measure(s) })
			if err != nil {
				return fmt.Errorf("sfload: -token-wrk: profiled round, %s: %w", s.name, err)
			}
			fmt.Fprintf(stdout, "profiled round: %s %.0f req/s, CPU profile %s\n", s.name, res.rate(), file)
		}
	}
	return nil
}

// startTokenSides starts mocksf in this process with one org, one user
// and a connected app of scopes api, refresh_token and openid, logs the
// user in for a refresh token (two with -token-wrk-openid, one of them
// with openid), and starts the bare handler with a reply of the size of
// mocksf's to the api refresh. Each side's form is posted once and its
// answer checked before any is measured.
func startTokenSides(ctx context.Context, c config, stderr io.Writer) (tokenWrkRun, error) {
	base, stopServer, err := startInProcess(c.instanceHosts)
	if err != nil {
		return tokenWrkRun{}, err
	}
	t, err := newTarget(base, c)
	if err != nil {
		stopServer()
		return tokenWrkRun{}, err
	}
	var orgIDs []string
	var bare *http.Server
	// stop runs once, however often it is called.
	run := tokenWrkRun{stop: sync.OnceFunc(func() {
		tearDown(t, orgIDs, stderr)
		t.transport.(*http.Transport).CloseIdleConnections()
		if bare != nil {
			_ = bare.Close()
		}
		stopServer()
	})}
	fail := func(err error) (tokenWrkRun, error) {
		run.stop()
		return tokenWrkRun{}, err
	}
	if err := t.ctl.Health(ctx); err != nil {
		return fail(fmt.Errorf("sfload: the mocksf started here is not answering its health route: %w", err))
	}
	org, err := t.ctl.CreateOrg(ctx, store.OrgSpec{
		Name: "sfload token-wrk " + mocksfRun(),
		ConnectedApps: []store.AppSpec{{
			Name: "sfload", CallbackURLs: []string{loadCallback}, Scopes: []string{"api", "refresh_token", "openid"},
		}},
		Users: []store.UserSpec{{Username: "wrk@" + mocksfRun() + ".sfload.test", Password: loadPassword}},
	})
	if err != nil {
		return fail(fmt.Errorf("sfload: -token-wrk: creating the org: %w", err))
	}
	orgIDs = append(orgIDs, org.ID)
	if len(org.ConnectedApps) != 1 || len(org.Users) != 1 {
		return fail(fmt.Errorf("sfload: -token-wrk: the new org has %d users and %d connected apps; want 1 and 1", len(org.Users), len(org.ConnectedApps)))
	}
	app, u := org.ConnectedApps[0], org.Users[0]
	tokenURL := base + "/services/oauth2/token"
	side := func(name string, scopes ...string) (wrkSide, error) {
		tok, err := t.ctl.Login(ctx, t.ctl.OAuth2Config(app, scopes...), u.Username, u.Password)
		if err != nil {
			return wrkSide{}, fmt.Errorf("sfload: -token-wrk: logging in for the %s side: %w", name, err)
		}
		if tok.RefreshToken == "" {
			return wrkSide{}, fmt.Errorf("sfload: -token-wrk: the %s side's login got no refresh token", name)
		}
		s := wrkSide{name: name, url: tokenURL, form: url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken},
			"client_id": {app.ConsumerKey}, "client_secret": {app.ConsumerSecret},
		}.Encode()}
		s.size, err = postRefresh(ctx, t.api, s)
		return s, err
	}
	api, err := side(sideAPI, "api", "refresh_token")
	if err != nil {
		return fail(err)
	}
	run.sides = append(run.sides, api)
	if c.wrkOpenID {
		openid, err := side(sideOpenID, "api", "refresh_token", "openid")
		if err != nil {
			return fail(err)
		}
		run.sides = append(run.sides, openid)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(fmt.Errorf("sfload: -token-wrk: the bare handler: %w", err))
	}
	// The same server settings as mocksf's (startInProcess), the same
	// path: only the handler differs.
	bare = serverFor(tokenfloor.Handler(api.size))
	go func() { _ = bare.Serve(ln) }()
	floor := wrkSide{name: sideBare, url: "http://" + ln.Addr().String() + "/services/oauth2/token", form: api.form}
	if floor.size, err = postRefresh(ctx, t.api, floor); err != nil {
		return fail(err)
	}
	if floor.size != api.size {
		return fail(fmt.Errorf("sfload: -token-wrk: the bare reply has %d bytes; mocksf's %d", floor.size, api.size))
	}
	run.sides = append(run.sides, floor)
	return run, nil
}

// mocksfRun is a name part unique to this run, for the org and user.
func mocksfRun() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

// postRefresh posts a side's form once and returns the size of its reply,
// which must be 200 with an access token in it.
func postRefresh(ctx context.Context, client *http.Client, s wrkSide) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(s.form))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("sfload: -token-wrk: the %s side's refresh: %w", s.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("sfload: -token-wrk: the %s side's refresh: %w", s.name, err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"access_token":"`)) {
		return 0, fmt.Errorf("sfload: -token-wrk: the %s side's refresh: %w", s.name, &statusError{resp.StatusCode, string(body)})
	}
	return len(body), nil
}

// wrkScript is the Lua script that makes wrk post form as a refresh
// grant, and print its counts in a line runWrk reads (parseWrkDone).
func wrkScript(form string) string {
	return `wrk.method = "POST"
wrk.body = ` + strconv.Quote(form) + `
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("sfload-wrk: requests=%d duration_us=%d connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout))
end
`
}

// wrkResult is a wrk run's counts, from its done line, and the CPU time
// this process used over it.
type wrkResult struct {
	requests, durationUs                      int64
	connect, read, write, status, timeoutErrs int64
	cpu                                       time.Duration
}

// cpuPerRequest is the CPU time this process spent on each request, in
// microseconds: what a request costs the server whatever else the
// machine runs, where requests per second also count the waits for a
// core.
func (r wrkResult) cpuPerRequest() float64 {
	if r.requests == 0 {
		return 0
	}
	return float64(r.cpu.Microseconds()) / float64(r.requests)
}

func (r wrkResult) rate() float64 {
	if r.durationUs <= 0 {
		return 0
	}
	return float64(r.requests) / (float64(r.durationUs) / 1e6)
}

// runWrk runs wrk once and returns its counts; an answer other than 2xx
// or 3xx, or a socket error, fails it, since a rate of errors is not a
// rate of refreshes.
func runWrk(ctx context.Context, wrk, script, target string, conns, threads int, d time.Duration) (wrkResult, error) {
	secs := max(int(d.Round(time.Second)/time.Second), 1)
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns),
		"-d", strconv.Itoa(secs)+"s", "-s", script, target)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %w: %s", err, strings.TrimSpace(errOut.String()))
	}
	res, err := parseWrkDone(out.String())
	if err != nil {
		return wrkResult{}, err
	}
	if res.status > 0 || res.connect+res.read+res.write+res.timeoutErrs > 0 {
		return res, fmt.Errorf("wrk: %d answers other than 2xx or 3xx, socket errors: connect %d, read %d, write %d, timeout %d",
			res.status, res.connect, res.read, res.write, res.timeoutErrs)
	}
	if res.requests == 0 {
		return res, errors.New("wrk: no requests completed")
	}
	return res, nil
}

// parseWrkDone reads the line wrkScript's done function prints.
func parseWrkDone(out string) (wrkResult, error) {
	for line := range strings.Lines(out) {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "sfload-wrk: ")
		if !ok {
			continue
		}
		var r wrkResult
		fields := map[string]*int64{"requests": &r.requests, "duration_us": &r.durationUs, "connect": &r.connect,
			"read": &r.read, "write": &r.write, "status": &r.status, "timeout": &r.timeoutErrs}
		for f := range strings.FieldsSeq(rest) {
			k, v, _ := strings.Cut(f, "=")
			n, err := strconv.ParseInt(v, 10, 64)
			if p, ok := fields[k]; ok && err == nil {
				*p = n
				delete(fields, k)
			}
		}
		if len(fields) > 0 {
			return wrkResult{}, fmt.Errorf("wrk: the done line %q lacks %s", line, strings.Join(slices.Sorted(maps.Keys(fields)), ", "))
		}
		return r, nil
	}
	return wrkResult{}, fmt.Errorf("wrk printed no done line: %.300s", out)
}

// roundLine is a round's figures: each side's requests per second, then
// each mocksf side's over the bare handler's.
func roundLine(sides []wrkSide, rate map[string]float64) string {
	return ratiosLine(sides, rate, "%s %.0f req/s, ", "%s/bare", func(r, bare float64) float64 { return r / bare })
}

// cpuLine is a round's CPU time per request of each side, then the bare
// handler's over each mocksf side's: the rate mocksf would reach against
// the bare handler's on cores of its own.
func cpuLine(sides []wrkSide, cpu map[string]float64) string {
	return ratiosLine(sides, cpu, "%s %.1f µs/req, ", "bare/%s", func(c, bare float64) float64 { return bare / c })
}

// ratiosLine is one round's figure of each side (perSide formats its name
// and the figure), then for each side but the bare one ratio(side's
// figure, bare's), named by ratioName with the side's name.
func ratiosLine(sides []wrkSide, figure map[string]float64, perSide, ratioName string, ratio func(v, bare float64) float64) string {
	var b strings.Builder
	for _, s := range sides {
		fmt.Fprintf(&b, perSide, s.name, figure[s.name])
	}
	for i, s := range sides {
		if s.name == sideBare {
			continue
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, ratioName+" %.3f", s.name, ratio(figure[s.name], figure[sideBare]))
	}
	return b.String()
}

// medianCPULine is each side's median CPU time per request and the median
// of the rounds' bare/side ratios.
func medianCPULine(sides []wrkSide, cpus map[string][]float64) string {
	return medianRatiosLine(sides, cpus, "%s %.1f µs/req, ", "bare/%s", func(cpu, bare float64) float64 { return bare / cpu })
}

// medianLine is each side's median rate and the median of the rounds'
// ratios, which is not the ratio of the medians: each round's ratio is of
// two figures measured under the same load.
func medianLine(sides []wrkSide, rates map[string][]float64) string {
	return medianRatiosLine(sides, rates, "%s %.0f req/s, ", "%s/bare", func(rate, bare float64) float64 { return rate / bare })
}

// medianRatiosLine is each side's median figure (perSide formats its name
// and the figure), then for each side but the bare one the median, the
// lowest and the highest of the rounds' ratio(side's figure, bare's), named
// by ratioName with the side's name.
func medianRatiosLine(sides []wrkSide, figures map[string][]float64, perSide, ratioName string, ratio func(v, bare float64) float64) string {
	var b strings.Builder
	for _, s := range sides {
		fmt.Fprintf(&b, perSide, s.name, median.Of(figures[s.name]))
	}
	for i, s := range sides {
		if s.name == sideBare {
			continue
		}
		ratios := make([]float64, len(figures[s.name]))
		for r, v := range figures[s.name] {
			ratios[r] = ratio(v, figures[sideBare][r])
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, ratioName+" %.3f (rounds %.3f–%.3f)", s.name, median.Of(ratios), slices.Min(ratios), slices.Max(ratios))
	}
	return b.String()
}

// sideFile is file with the side's name before its extension: cpu.out
// becomes cpu.api.out.
func sideFile(file, side string) string {
	ext := filepath.Ext(file)
	return strings.TrimSuffix(file, ext) + "." + side + ext
}

// profiled runs fn under a CPU profile written to file.
func profiled(file string, fn func() (wrkResult, error)) (wrkResult, error) {
	f, err := os.Create(file)
	if err != nil {
		return wrkResult{}, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return wrkResult{}, err
	}
	res, err := fn()
	pprof.StopCPUProfile()
	if err != nil {
		return res, err
	}
	return res, f.Close()
}

// wrkVersion is the first line of wrk -v, which prints it and the usage.
func wrkVersion(ctx context.Context, wrk string) string {
	out, _ := exec.CommandContext(ctx, wrk, "-v").CombinedOutput()
	line, _, _ := strings.Cut(string(out), "\n")
	if v, _, ok := strings.Cut(line, " ["); ok {
		line = v
	}
	return strings.TrimSpace(line)
}

// loadAverage is /proc/loadavg's three figures, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}
