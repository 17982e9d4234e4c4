package main

import (
	"fmt"
	"io"
	"strings"
)

// journalLines is how many of mocksf's requests a failure shows.
const journalLines = 6

// skipped starts the reason of a check that could not run because one
// before it failed; it counts as a failure.
const skipped = "skipped: "

// report prints one line per check and counts them.
type report struct {
	out            io.Writer
	passed, failed int
	// tail returns the last requests mocksf saw after a journal ID.
	tail func(after int64, n int) []string
}

// pass prints a PASS line.
func (r *report) pass(name, detail string) {
	r.passed++
	fmt.Fprintf(r.out, "PASS %s: %s\n", name, oneLine(detail))
}

// fail prints a FAIL line, then the requests mocksf saw since the
// journal ID since, so the failure explains itself.
func (r *report) fail(name, why string, since int64) {
	r.failed++
	fmt.Fprintf(r.out, "FAIL %s: %s\n", name, oneLine(why))
	// A check skipped for an earlier failure sent nothing of its own.
	if r.tail == nil || strings.HasPrefix(why, skipped) {
		return
	}
	lines := r.tail(since, journalLines)
	if len(lines) == 0 {
		fmt.Fprintf(r.out, "     (mocksf saw no request for it)\n")
		return
	}
	fmt.Fprintf(r.out, "     mocksf's last requests:\n")
	for _, l := range lines {
		fmt.Fprintf(r.out, "       %s\n", l)
	}
}

// check prints PASS with the detail when err is nil, else FAIL.
func (r *report) check(name string, since int64, detail string, err error) {
	if err != nil {
		r.fail(name, err.Error(), since)
		return
	}
	r.pass(name, detail)
}

// oneLine keeps a line to one line of at most 300 characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return truncate(s, 300)
}
