package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf/mocksfclient"
)

// recorder keeps one worker's latencies and errors; workers never share
// one, so it needs no lock.
type recorder struct {
	steps  [numSteps][]time.Duration
	flows  []time.Duration
	errors map[string]*errorKind
}

// errorKind counts the failures of one kind, with the first one's text.
type errorKind struct {
	n       int
	example string
}

func newRecorder() *recorder { return &recorder{errors: map[string]*errorKind{}} }

func (r *recorder) took(s step, d time.Duration) { r.steps[s] = append(r.steps[s], d) }
func (r *recorder) flowTook(d time.Duration)     { r.flows = append(r.flows, d) }

// failed counts a failed flow under its kind.
func (r *recorder) failed(err error) {
	kind := errorKindOf(err)
	k := r.errors[kind]
	if k == nil {
		k = &errorKind{example: err.Error()}
		r.errors[kind] = k
	}
	k.n++
}

// merge adds another worker's records to r.
func (r *recorder) merge(o *recorder) {
	for s := range r.steps {
		r.steps[s] = append(r.steps[s], o.steps[s]...)
	}
	r.flows = append(r.flows, o.flows...)
	for kind, k := range o.errors {
		if mine := r.errors[kind]; mine != nil {
			mine.n += k.n
		} else {
			r.errors[kind] = &errorKind{n: k.n, example: k.example}
		}
	}
}

func (r *recorder) errorCount() int {
	n := 0
	for _, k := range r.errors {
		n += k.n
	}
	return n
}

// errorKindOf names a failure by its step and its class: an HTTP status,
// an OAuth error, a timeout, a connection error or an unexpected page.
func errorKindOf(err error) string {
	prefix := ""
	var se *stepError
	if errors.As(err, &se) {
		prefix = se.step.String() + ": "
	}
	var (
		status *statusError
		ctlErr *mocksfclient.Error
		page   *pageError
		form   *mocksfclient.PageError
		oauth  *oauth2.RetrieveError
		netErr net.Error
	)
	switch {
	case errors.As(err, &oauth):
		kind := prefix + "token error"
		if oauth.Response != nil {
			kind = fmt.Sprintf("%sHTTP %d", prefix, oauth.Response.StatusCode)
		}
		if oauth.ErrorCode != "" {
			kind += " " + oauth.ErrorCode
		}
		return kind
	case errors.As(err, &status):
		return fmt.Sprintf("%sHTTP %d", prefix, status.code)
	case errors.As(err, &ctlErr):
		return fmt.Sprintf("%sHTTP %d", prefix, ctlErr.Status)
	case errors.As(err, &page), errors.As(err, &form), errors.Is(err, mocksfclient.ErrNoCode):
		return prefix + "unexpected answer"
	case errors.Is(err, context.Canceled):
		return prefix + "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return prefix + "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return prefix + "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return prefix + "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return prefix + "connection closed early"
	case errors.Is(err, syscall.EADDRNOTAVAIL), errors.Is(err, syscall.EMFILE):
		return prefix + "out of sockets or files"
	case errors.As(err, &netErr):
		return prefix + "connection error"
	}
	return prefix + "other"
}

// percentile is the nearest-rank p-th percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// writeLatencies prints a table of count, p50, p95, p99 and max per step,
// and for the whole flow.
func (r *recorder) writeLatencies(w io.Writer) {
	fmt.Fprintf(w, "%-10s %7s %9s %9s %9s %9s\n", "step", "count", "p50 ms", "p95 ms", "p99 ms", "max ms")
	row := func(name string, ds []time.Duration) {
		sorted := slices.Clone(ds)
		slices.Sort(sorted)
		var top time.Duration
		if len(sorted) > 0 {
			top = sorted[len(sorted)-1]
		}
		fmt.Fprintf(w, "%-10s %7d %9s %9s %9s %9s\n", name, len(sorted),
			ms(percentile(sorted, 50)), ms(percentile(sorted, 95)), ms(percentile(sorted, 99)), ms(top))
	}
	for s := range numSteps {
		row(s.String(), r.steps[s])
	}
	row("flow", r.flows)
}

// writeErrors prints the errors by kind, most frequent first.
func (r *recorder) writeErrors(w io.Writer) {
	fmt.Fprintf(w, "errors: %d\n", r.errorCount())
	kinds := make([]string, 0, len(r.errors))
	for k := range r.errors {
		kinds = append(kinds, k)
	}
	sort.Slice(kinds, func(i, j int) bool {
		a, b := r.errors[kinds[i]], r.errors[kinds[j]]
		if a.n != b.n {
			return a.n > b.n
		}
		return kinds[i] < kinds[j]
	})
	for _, k := range kinds {
		e := r.errors[k]
		example := strings.ReplaceAll(e.example, "\n", " ")
		if len(example) > 300 {
			example = example[:300] + "…"
		}
		fmt.Fprintf(w, "  %6d  %s  (first: %s)\n", e.n, k, example)
	}
}
