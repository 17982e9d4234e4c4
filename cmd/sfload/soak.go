package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Soak modes: -soak MODE sends -n requests of one kind that would each
// leave something behind in a mocksf without bounds, and prints mocksf's
// resident memory before, during and after, to show it stays flat
// (docs/security.md, "Bounds").
const (
	// soakAuthorize: cookie-less authorize requests with a -state-bytes
	// state, each of which makes a pre-login browser session.
	soakAuthorize = "authorize"
	// soakQuery: Lead queries of -records rows, each of which leaves a
	// cursor when the rows pass -batch-size.
	soakQuery = "query"
	// soakRefresh: refresh token grants, each of which issues an access
	// token.
	soakRefresh = "refresh"
)

var soakModes = []string{soakAuthorize, soakQuery, soakRefresh}

// soakReports is how many times a soak prints the memory while it runs.
const soakReports = 10

// soak runs -n requests of the -soak mode from -concurrency workers, each
// its own user with its own tokens, and reports the memory.
func soak(ctx context.Context, c config, stdout, stderr io.Writer) error {
	t, pid, stop, err := connect(ctx, c)
	if err != nil {
		return err
	}
	defer stop()
	workers, orgIDs, err := setUp(ctx, t, c)
	defer tearDown(t, orgIDs, stderr)
	if err != nil {
		return err
	}
	ops := make([]func(context.Context) error, len(workers))
	for i, w := range workers {
		if ops[i], err = soakOp(ctx, c, w); err != nil {
			return err
		}
	}
	mem := memReader{pid: pid, inProcess: c.start}
	fmt.Fprintf(stdout, "sfload soak %s: %d requests, %d at a time, against %s (%s)\n", c.soak, c.n, len(workers), t.ctl.URL, mem.what())
	before := mem.report(stdout, "before", 0)
	start := time.Now()
	var done, failed atomic.Int64
	var firstErr atomic.Value
	every := max(int64(c.n)/soakReports, 1)
	var wg sync.WaitGroup
	var next atomic.Int64
	var reporting sync.Mutex
	for _, op := range ops {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil && next.Add(1) <= int64(c.n) {
				if err := op(ctx); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
				if n := done.Add(1); n%every == 0 && n < int64(c.n) {
					// Workers reach two report points at once on a
					// short run: one writes stdout at a time.
					reporting.Lock()
					mem.report(stdout, fmt.Sprintf("after %d", n), 0)
					reporting.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	after := mem.report(stdout, fmt.Sprintf("after %d", done.Load()), 0)
	fmt.Fprintf(stdout, "%d requests in %v (%.0f/s), %d failed\n", done.Load(), elapsed.Round(time.Millisecond), float64(done.Load())/elapsed.Seconds(), failed.Load())
	if c.start {
		runtime.GC()
		debug.FreeOSMemory()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		mem.report(stdout, "after GC", m.HeapInuse)
	}
	if c.memProfile != "" {
		// What is still held at the end, mocksf's and sfload's.
		if err := writeProfile("heap", c.memProfile); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "VmRSS grew %s over the run\n", mibSigned(int64(after)-int64(before)))
	if failed.Load() > 0 {
		return fmt.Errorf("sfload: soak: %d of %d requests failed; the first: %v", failed.Load(), done.Load(), firstErr.Load())
	}
	if ctx.Err() != nil {
		return fmt.Errorf("sfload: interrupted: %w", ctx.Err())
	}
	return nil
}

// soakOp readies a worker for the mode and returns one request of it.
func soakOp(ctx context.Context, c config, w *worker) (func(context.Context) error, error) {
	if c.soak == soakAuthorize {
		return authorizeOp(w, strings.Repeat("s", c.stateBytes)), nil
	}
	// The query and refresh modes need the worker's tokens: one whole
	// flow gets them, as a client would.
	if err := w.flow(ctx); err != nil {
		return nil, fmt.Errorf("sfload: soak: the flow that gets a token: %w", err)
	}
	if c.soak == soakQuery {
		return func(ctx context.Context) error {
			instance, _ := w.token.Extra("instance_url").(string)
			return w.t.query(ctx, instance, w.token.AccessToken)
		}, nil
	}
	if w.token.RefreshToken == "" {
		return nil, fmt.Errorf("sfload: soak: the flow issued no refresh token")
	}
	return refreshOp(w), nil
}

// authorizeOp is an authorize request without cookies, as a new browser
// or a script sends it: mocksf answers with the login page's redirect.
func authorizeOp(w *worker, state string) func(context.Context) error {
	client := &http.Client{Transport: w.t.transport, Timeout: w.t.api.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	u := w.oauth.AuthCodeURL(state)
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound {
			return &statusError{resp.StatusCode, resp.Header.Get("Location")}
		}
		return nil
	}
}

// refreshOp is a refresh token grant with the worker's newest refresh
// token, which it replaces when mocksf rotates it.
func refreshOp(w *worker) func(context.Context) error {
	refresh := w.token.RefreshToken
	return func(ctx context.Context) error {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
			"client_id": {w.oauth.ClientID}, "client_secret": {w.oauth.ClientSecret}}
		req, err := http.NewRequestWithContext(ctx, "POST", w.oauth.Endpoint.TokenURL, strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return w.t.read(req, func(body []byte) error {
			var tok struct {
				AccessToken  string `json:"access_token"`
				RefreshToken string `json:"refresh_token"`
			}
			if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" {
				return &pageError{fmt.Sprintf("a refresh answer without access_token: %.200s", body)}
			}
			if tok.RefreshToken != "" {
				refresh = tok.RefreshToken
			}
			return nil
		})
	}
}

// memReader reads mocksf's resident memory: this process's with -start
// (mocksf and sfload together), else -pid's.
type memReader struct {
	pid       int
	inProcess bool
}

func (m memReader) what() string {
	if m.pid == 0 {
		return "memory unknown: give -pid of the mocksf process, or use -start"
	}
	if m.inProcess {
		return "VmRSS of this process, which serves mocksf and runs sfload"
	}
	return "VmRSS of mocksf's process " + strconv.Itoa(m.pid)
}

// report prints the VmRSS at a point of the run, and heapInuse when not
// 0, and returns the VmRSS (0 when unknown).
func (m memReader) report(w io.Writer, when string, heapInuse uint64) uint64 {
	if m.pid == 0 {
		return 0
	}
	st, err := procStatus(m.pid)
	if err != nil {
		fmt.Fprintf(w, "  %-14s VmRSS unknown (%v)\n", when, err)
		return 0
	}
	line := fmt.Sprintf("  %-14s VmRSS %10s", when, mib(st["VmRSS"]))
	if heapInuse > 0 {
		line += fmt.Sprintf(", HeapInuse %s (runtime.MemStats after runtime.GC)", mib(heapInuse))
	}
	fmt.Fprintln(w, line)
	return st["VmRSS"]
}

func mibSigned(b int64) string {
	return fmt.Sprintf("%+.1f MiB", float64(b)/(1<<20))
}
