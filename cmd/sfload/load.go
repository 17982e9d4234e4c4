package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/store"
)

// loadPassword is every load user's password.
const loadPassword = "Load-Pass-1"

// loadCallback is the connected apps' callback URL: the discard port,
// which nothing contacts, as the flow stops at mocksf's redirect to it.
const loadCallback = "http://127.0.0.1:9/sfload/callback"

// connect starts mocksf in this process (-start) or reaches the one at
// -mocksf, checks its health route, and returns the target, the process
// that serves it (-pid, or this one with -start; 0 when unknown) and what
// stops both.
func connect(ctx context.Context, c config) (t *target, pid int, stop func(), err error) {
	base, pid, stopServer := c.mocksfURL, c.pid, func() {}
	if c.start {
		if base, stopServer, err = startInProcess(c.instanceHosts); err != nil {
			return nil, 0, nil, err
		}
		pid = os.Getpid()
	}
	if t, err = newTarget(base, c); err != nil {
		stopServer()
		return nil, 0, nil, err
	}
	stop = func() {
		t.transport.(*http.Transport).CloseIdleConnections()
		stopServer()
	}
	if err := t.ctl.Health(ctx); err != nil {
		stop()
		return nil, 0, nil, fmt.Errorf("sfload: mocksf at %s is not answering its health route: %w", base, err)
	}
	return t, pid, stop, nil
}

// load runs the flows and reports them.
func load(ctx context.Context, c config, stdout, stderr io.Writer) error {
	t, _, stop, err := connect(ctx, c)
	if err != nil {
		return err
	}
	defer stop()
	var probe memoryProbe = unknownProbe{}
	if !c.start && c.pid != 0 {
		probe = &procProbe{pid: c.pid}
	}

	setupStart := time.Now()
	workers, orgIDs, err := setUp(ctx, t, c)
	defer tearDown(t, orgIDs, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "sfload: %d orgs with %d users and %d Leads each created in %v\n",
		len(orgIDs), (c.concurrency+c.orgs-1)/c.orgs, c.records, time.Since(setupStart).Round(time.Millisecond))
	if c.start {
		runtime.GC()
		probe = newHeapProbe()
	}

	if c.cpuProfile != "" {
		f, err := os.Create(c.cpuProfile)
		if err != nil {
			return fmt.Errorf("sfload: -cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("sfload: -cpuprofile: %w", err)
		}
	}
	if c.blockProf != "" {
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
	}
	if c.mutexProf != "" {
		runtime.SetMutexProfileFraction(5)
	}
	cpuPID := c.pid // 0: this process, which runs mocksf with -start
	cpuBefore, cpuErr := cpuTime(cpuPID)
	stopSampling := sampleMemory(probe)
	start := time.Now()
	total := runFlows(ctx, c, workers)
	elapsed := time.Since(start)
	cpuAfter, err := cpuTime(cpuPID)
	if cpuErr == nil {
		cpuErr = err
	}
	stopSampling()
	if c.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	for _, p := range []struct{ name, file string }{{"allocs", c.memProfile}, {"block", c.blockProf}, {"mutex", c.mutexProf}} {
		if p.file != "" {
			if err := writeProfile(p.name, p.file); err != nil {
				return err
			}
		}
	}

	flows := len(total.flows)
	failed := total.errorCount()
	fmt.Fprintf(stdout, "sfload: %d flows (%d failed) in %v against %s: concurrency %d, %d orgs, %d Leads each, %d GOMAXPROCS\n",
		flows+failed, failed, elapsed.Round(time.Millisecond), t.ctl.URL, c.concurrency, c.orgs, c.records, runtime.GOMAXPROCS(0))
	fmt.Fprintf(stdout, "flows/s: %.1f\n", float64(flows)/elapsed.Seconds())
	total.writeLatencies(stdout)
	total.writeErrors(stdout)
	fmt.Fprintf(stdout, "mocksf memory: %s\n", probe.report())
	if hp, ok := probe.(*heapProbe); ok {
		fmt.Fprintf(stdout, "mocksf allocations: %s\n", hp.allocations(flows))
	}
	switch {
	case !c.start && c.pid == 0:
		fmt.Fprintln(stdout, "mocksf CPU: unknown (give -pid of the mocksf process, or use -start)")
	case cpuErr != nil:
		fmt.Fprintf(stdout, "mocksf CPU: unknown (%v)\n", cpuErr)
	default:
		used := cpuAfter - cpuBefore
		who := "mocksf's process"
		if c.start {
			who = "this process: mocksf and sfload together"
		}
		fmt.Fprintf(stdout, "mocksf CPU: %.2f s user+sys, %.2f ms per flow, %.0f%% of %d cores over the run (%s)\n",
			used.Seconds(), float64(used.Microseconds())/1000/float64(max(flows, 1)), 100*used.Seconds()/elapsed.Seconds()/float64(runtime.NumCPU()), runtime.NumCPU(), who)
	}
	if failed > 0 {
		return fmt.Errorf("sfload: %d of %d flows failed", failed, flows+failed)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("sfload: interrupted: %w", ctx.Err())
	}
	return nil
}

// runFlows runs the workers until -flows flows have started or -duration
// has passed, whichever comes first; flows under way then finish.
func runFlows(ctx context.Context, c config, workers []*worker) *recorder {
	var deadline time.Time
	if c.duration > 0 {
		deadline = time.Now().Add(c.duration)
	}
	var started atomic.Int64
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if !deadline.IsZero() && !time.Now().Before(deadline) {
					return
				}
				if c.flows > 0 && started.Add(1) > int64(c.flows) {
					return
				}
				if err := w.flow(ctx); err != nil {
					w.rec.failed(err)
				}
			}
		}()
	}
	wg.Wait()
	total := newRecorder()
	for _, w := range workers {
		total.merge(w.rec)
	}
	return total
}

// newTarget makes the shared transport and clients for mocksf at base.
func newTarget(base string, c config) (*target, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	tr := &http.Transport{
		Proxy:                 nil, // loopback only: never through a proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          0, // no limit across hosts
		MaxIdleConnsPerHost:   c.concurrency,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: c.timeout,
	}
	t := &target{
		hosts: map[string]bool{u.Host: true}, transport: tr,
		apiVersion: c.apiVersion, batchSize: c.batchSize, maxPages: c.maxPages, records: c.records,
		api: &http.Client{Transport: tr, Timeout: c.timeout},
	}
	// The hosts are written while the orgs are set up, before any flow
	// reads them.
	t.ctl = &mocksfclient.Client{URL: u.Scheme + "://" + u.Host, Token: c.controlTok, HTTPClient: t.api,
		Follow: func(host string) bool { return t.hosts[host] }}
	return t, nil
}

// setUp creates the orgs, each with its share of the workers' users and a
// connected app, and returns one worker per user.
func setUp(ctx context.Context, t *target, c config) ([]*worker, []string, error) {
	run := mocksfclient.RandomState()[:8] // usernames are unique across orgs, and across runs
	perOrg := (c.concurrency + c.orgs - 1) / c.orgs
	var workers []*worker
	var ids []string
	for k := range c.orgs {
		spec := store.OrgSpec{
			Name: fmt.Sprintf("sfload %s %d", run, k),
			ConnectedApps: []store.AppSpec{{
				Name: "sfload", CallbackURLs: []string{loadCallback}, Scopes: []string{"api", "refresh_token", "id"},
			}},
		}
		if c.records > 0 {
			spec.Records.Generate = map[string]int{"Lead": c.records}
		}
		for i := range perOrg {
			spec.Users = append(spec.Users, store.UserSpec{
				Username: fmt.Sprintf("load%d@%s-%d.sfload.test", i, run, k), Password: loadPassword,
			})
		}
		org, err := t.ctl.CreateOrg(ctx, spec)
		if err != nil {
			return nil, ids, fmt.Errorf("sfload: creating org %d: %w", k, err)
		}
		ids = append(ids, org.ID)
		if len(org.ConnectedApps) != 1 || len(org.Users) != perOrg {
			return nil, ids, fmt.Errorf("sfload: the new org has %d users and %d connected apps; want %d and 1", len(org.Users), len(org.ConnectedApps), perOrg)
		}
		if u, err := url.Parse(org.InstanceURL); err == nil {
			t.hosts[u.Host] = true
		}
		cfg := t.ctl.OAuth2Config(org.ConnectedApps[0])
		cfg.Endpoint.AuthStyle = oauth2.AuthStyleInParams
		for _, u := range org.Users {
			workers = append(workers, &worker{t: t, user: u.Username, email: u.Email, password: u.Password, oauth: cfg, rec: newRecorder()})
		}
	}
	// Worker w is user w/K of org w%K, so consecutive workers hit
	// different orgs.
	ordered := make([]*worker, 0, c.concurrency)
	for i := range perOrg {
		for k := range c.orgs {
			if len(ordered) < c.concurrency {
				ordered = append(ordered, workers[k*perOrg+i])
			}
		}
	}
	return ordered, ids, nil
}

// tearDown deletes the orgs setUp made, so a long-running mocksf does not
// keep them.
func tearDown(t *target, ids []string, stderr io.Writer) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, id := range ids {
		if err := t.ctl.DeleteOrg(ctx, id); err != nil {
			fmt.Fprintf(stderr, "sfload: deleting org %s: %v\n", id, err)
		}
	}
}

// startInProcess serves a mocksf with no orgs on 127.0.0.1:0, with
// cmd/mocksf's server timeouts and the instance hosts mode given.
func startInProcess(instanceHosts string) (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("sfload: listen: %w", err)
	}
	base = "http://" + ln.Addr().String()
	srv, err := mocksf.New(mocksf.Config{BaseURL: base, Seed: []byte("orgs: []"), InstanceHosts: instanceHosts})
	if err != nil {
		ln.Close()
		return "", nil, fmt.Errorf("sfload: %w", err)
	}
	hs := serverFor(srv)
	go func() { _ = hs.Serve(ln) }()
	return base, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(ctx)
		_ = srv.Close()
	}, nil
}

// serverFor is an HTTP server of h with cmd/mocksf's timeouts.
func serverFor(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// writeProfile writes the named runtime/pprof profile (allocs, block,
// mutex) to file.
func writeProfile(name, file string) error {
	f, err := os.Create(file)
	if err != nil {
		return fmt.Errorf("sfload: %s profile: %w", name, err)
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return fmt.Errorf("sfload: %s profile: %w", name, err)
	}
	return f.Close()
}
