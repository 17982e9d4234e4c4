package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// jsforceScript is the checks' script in the npm project.
const jsforceScript = "jsforce.mjs"

// maxScriptLine bounds one line the script prints.
const maxScriptLine = 1 << 20

// runJSforce runs conformance/jsforce.mjs with node and answers its
// requests (the protocol is at the top of the script): it notes the
// journal at each BEGIN, does the browser's part of AUTHORIZE, and
// reports each PASS and FAIL line as a check.
func runJSforce(ctx context.Context, c config, h *harness, r *report, getenv func(string) string) {
	const name = "jsforce script"
	since := h.newestRequest()
	node, err := exec.LookPath(c.node)
	if err != nil {
		r.fail(name, "no "+c.node+" on PATH (make conformance installs Debian's nodejs): "+err.Error(), since)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 2*c.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(c.dir, jsforceScript))
	cmd.Dir = c.dir
	cmd.Env = []string{
		"PATH=" + getenv("PATH"), "HOME=" + getenv("HOME"), "NO_COLOR=1",
		"CONFORM_LOGIN_URL=" + h.srv.URL,
		"CONFORM_INSTANCE_URL=" + h.org.InstanceURL,
		"CONFORM_CLIENT_ID=" + h.app.ConsumerKey,
		"CONFORM_CLIENT_SECRET=" + h.app.ConsumerSecret,
		"CONFORM_REDIRECT_URI=" + h.app.CallbackURLs[0],
		"CONFORM_USERNAME=" + h.user.Username,
		"CONFORM_PASSWORD=" + h.user.Password,
		"CONFORM_ORG_ID=" + h.org.ID,
		"CONFORM_API_VERSION=" + strings.TrimPrefix(restVersion, "v"),
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		r.fail(name, err.Error(), since)
		return
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		r.fail(name, err.Error(), since)
		return
	}
	var stderr tailBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		r.fail(name, "start node: "+err.Error(), since)
		return
	}
	done, ran := -1, 0
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), maxScriptLine)
	for sc.Scan() {
		line := sc.Text()
		l := parseScriptLine(line)
		switch l.verb {
		case "BEGIN":
			since = h.newestRequest()
			fmt.Fprintln(stdin, "GO")
		case "AUTHORIZE":
			cb, err := h.authorize(l.arg)
			if err != nil {
				fmt.Fprintln(stdin, "ERROR "+oneLine(err.Error()))
			} else {
				fmt.Fprintln(stdin, "CALLBACK "+cb.String())
			}
		case "PASS":
			ran++
			r.pass(l.check, l.detail)
		case "FAIL":
			ran++
			r.fail(l.check, l.detail, since)
		case "DONE":
			done = l.count
		default:
			if c.verbose {
				fmt.Fprintln(r.out, "  jsforce: "+line)
			}
		}
	}
	stdin.Close()
	err = cmd.Wait()
	switch {
	case err != nil || sc.Err() != nil:
		r.fail(name, fmt.Sprintf("node %s: %v %v: %s", jsforceScript, err, sc.Err(), stderr.String()), since)
	case done != ran:
		r.fail(name, fmt.Sprintf("it ended after %d checks without saying DONE: %s", ran, stderr.String()), since)
	case c.verbose && stderr.String() != "":
		fmt.Fprintln(r.out, "  jsforce stderr: "+stderr.String())
	}
}

// scriptLine is one line the script printed: a verb (BEGIN, AUTHORIZE,
// PASS, FAIL, DONE) and its argument; a PASS or FAIL split into the
// check's name and what it says; DONE's count of checks.
type scriptLine struct {
	verb, arg     string
	check, detail string
	count         int
}

// parseScriptLine reads a line of the protocol. A line that is none of
// it has an empty verb: jsforce's own output.
func parseScriptLine(line string) scriptLine {
	verb, arg, _ := strings.Cut(line, " ")
	l := scriptLine{verb: verb, arg: arg}
	switch verb {
	case "BEGIN", "AUTHORIZE":
		// Each names what it is about: a check, a URL.
		if arg == "" {
			return scriptLine{}
		}
	case "PASS", "FAIL":
		l.check, l.detail, _ = strings.Cut(arg, ": ")
		if l.check == "" {
			return scriptLine{}
		}
	case "DONE":
		n, err := strconv.Atoi(arg)
		if err != nil || n < 0 {
			return scriptLine{}
		}
		l.count = n
	default:
		return scriptLine{}
	}
	return l
}

// tailBuffer keeps the last 2 KiB written to it: a script's stderr.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2048 {
		t.buf = t.buf[len(t.buf)-2048:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return oneLine(string(t.buf))
}

var _ io.Writer = (*tailBuffer)(nil)
