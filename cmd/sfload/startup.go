package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/store"
)

// measureStartup times -mocksf-bin from exec to the first 200 of
// /__mocksf/health, with the default seed and with an empty one, and
// reads its resident memory idle and after -measure-orgs small orgs.
func measureStartup(ctx context.Context, c config, stdout io.Writer) error {
	if _, err := os.Stat(c.mocksfBin); err != nil {
		return fmt.Errorf("sfload: -mocksf-bin: %w (make build makes bin/mocksf)", err)
	}
	dir, err := os.MkdirTemp("", "sfload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	empty := filepath.Join(dir, "empty.yaml")
	if err := os.WriteFile(empty, []byte("orgs: []\n"), 0o600); err != nil {
		return err
	}
	type result struct {
		ready, orgsTook         []time.Duration
		idle, withOrgs, withHWM []uint64
	}
	seeds := []struct {
		name     string
		args     []string
		withOrgs bool
	}{{"default seed", nil, true}, {"empty seed", []string{"-seed", empty}, false}}
	results := make([]result, len(seeds))
	// Alternate the seeds so a slow moment of a shared machine does not
	// land on one of them only.
	for range c.runs {
		for i, s := range seeds {
			m, err := startMocksfBin(ctx, c.mocksfBin, s.args...)
			if err != nil {
				return err
			}
			r := &results[i]
			r.ready = append(r.ready, m.ready)
			st, err := procStatus(m.pid())
			if err == nil {
				r.idle = append(r.idle, st["VmRSS"])
			}
			if s.withOrgs && c.measureOrgs > 0 {
				took, err := createSmallOrgs(ctx, m.url, c.measureOrgs)
				if err != nil {
					m.stop()
					return err
				}
				r.orgsTook = append(r.orgsTook, took)
				if st, err := procStatus(m.pid()); err == nil {
					r.withOrgs = append(r.withOrgs, st["VmRSS"])
					r.withHWM = append(r.withHWM, st["VmHWM"])
				}
			}
			if err := m.stop(); err != nil {
				return err
			}
		}
	}

	fmt.Fprintf(stdout, "mocksf start-up, exec to the first 200 from /__mocksf/health (%s, %d runs each):\n", c.mocksfBin, c.runs)
	for i, s := range seeds {
		r := results[i]
		fmt.Fprintf(stdout, "  %-13s median %s ms (min %s, max %s)\n", s.name, ms(median(r.ready)),
			ms(slices.Min(r.ready)), ms(slices.Max(r.ready)))
	}
	if len(results[0].idle) == 0 {
		fmt.Fprintln(stdout, "mocksf memory: unknown (no /proc/PID/status here)")
		return nil
	}
	fmt.Fprintf(stdout, "mocksf memory, VmRSS from /proc/PID/status (median of %d runs):\n", c.runs)
	for i, s := range seeds {
		fmt.Fprintf(stdout, "  idle, %-13s %s\n", s.name, mib(median(results[i].idle)))
	}
	if r := results[0]; len(r.withOrgs) > 0 {
		idle, with := median(r.idle), median(r.withOrgs)
		fmt.Fprintf(stdout, "  with %d more orgs (2 users, 1 connected app each; default seed): %s, VmHWM %s; %.1f KiB per org; created over HTTP in %s ms\n",
			c.measureOrgs, mib(with), mib(median(r.withHWM)), (float64(with)-float64(idle))/1024/float64(c.measureOrgs), ms(median(r.orgsTook)))
	}
	return nil
}

// startedMocksf is a mocksf process sfload started.
type startedMocksf struct {
	cmd    *exec.Cmd
	url    string
	ready  time.Duration // from exec to the first 200 of the health route
	waited chan error
	stderr *bytes.Buffer
}

func (m *startedMocksf) pid() int { return m.cmd.Process.Pid }

// stop interrupts the process, as Ctrl-C would, and waits for it.
func (m *startedMocksf) stop() error {
	_ = m.cmd.Process.Signal(os.Interrupt)
	select {
	case <-m.waited:
		return nil
	case <-time.After(10 * time.Second):
		_ = m.cmd.Process.Kill()
		<-m.waited
		return fmt.Errorf("sfload: %s did not stop within 10s of an interrupt", m.cmd.Path)
	}
}

// startMocksfBin runs bin on a free loopback port and waits until its
// health route answers 200.
func startMocksfBin(ctx context.Context, bin string, args ...string) (*startedMocksf, error) {
	lines := &firstLine{ch: make(chan string, 1)}
	m := &startedMocksf{waited: make(chan error, 1), stderr: &bytes.Buffer{}}
	m.cmd = exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	m.cmd.Stdout, m.cmd.Stderr = lines, m.stderr
	start := time.Now()
	if err := m.cmd.Start(); err != nil {
		return nil, fmt.Errorf("sfload: starting %s: %w", bin, err)
	}
	go func() { m.waited <- m.cmd.Wait() }()
	fail := func(err error) (*startedMocksf, error) {
		_ = m.stop()
		return nil, fmt.Errorf("sfload: %s: %w: %s", bin, err, strings.TrimSpace(m.stderr.String()))
	}
	select {
	case line := <-lines.ch:
		u, ok := strings.CutPrefix(line, "mocksf listening on ")
		if !ok {
			return fail(fmt.Errorf("printed %q, not where it listens", line))
		}
		m.url = u
	case err := <-m.waited:
		m.waited <- err
		return fail(fmt.Errorf("exited before it listened (%v)", err))
	case <-time.After(30 * time.Second):
		return fail(errors.New("did not say where it listens within 30s"))
	}
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 5 * time.Second}
	defer client.CloseIdleConnections()
	ctl := &mocksfclient.Client{URL: m.url, HTTPClient: client}
	for {
		err := ctl.Health(ctx)
		if err == nil {
			break
		}
		if time.Since(start) > 30*time.Second {
			return fail(fmt.Errorf("health did not answer 200 within 30s (%v)", err))
		}
		time.Sleep(time.Millisecond) // it said it listens, so this is rare
	}
	m.ready = time.Since(start)
	return m, nil
}

// firstLine is a process's stdout that hands over its first line.
type firstLine struct {
	mu   sync.Mutex
	buf  []byte
	sent bool
	ch   chan string
}

func (f *firstLine) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent {
		return len(p), nil
	}
	f.buf = append(f.buf, p...)
	if line, _, ok := bytes.Cut(f.buf, []byte("\n")); ok {
		f.sent = true
		f.ch <- strings.TrimSpace(string(line))
	}
	return len(p), nil
}

// createSmallOrgs creates n orgs of two users and a connected app each
// through the control API, one after another, and says how long it took.
func createSmallOrgs(ctx context.Context, base string, n int) (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	ctl := &mocksfclient.Client{URL: base, HTTPClient: client}
	start := time.Now()
	for i := range n {
		spec := store.OrgSpec{
			Name: fmt.Sprintf("Measure %d", i),
			Users: []store.UserSpec{
				{Username: fmt.Sprintf("admin@m%d.measure.test", i), Password: "Admin-Pass-1", Admin: true},
				{Username: fmt.Sprintf("sync@m%d.measure.test", i), Password: "Sync-Pass-1"},
			},
			ConnectedApps: []store.AppSpec{{Name: "Sync", CallbackURLs: []string{loadCallback}, Scopes: []string{"api", "refresh_token"}}},
		}
		if _, err := ctl.CreateOrg(ctx, spec); err != nil {
			return 0, fmt.Errorf("sfload: creating org %d: %w", i, err)
		}
	}
	return time.Since(start), nil
}

// median is the middle of xs (the mean of the two middle ones for an even
// count), 0 for none: of start-up times, memory figures and rates alike.
func median[T time.Duration | uint64 | float64](xs []T) T {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
