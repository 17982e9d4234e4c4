package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testSeed is a small org with the names the runner looks for.
const testSeed = `orgs:
  - name: Conformance Co
    users:
      - {username: admin@conformance.test, password: Conform-Pass-1, admin: true}
    connectedApps:
      - name: Conformance Clients
        scopes: [api, refresh_token]
        callbackUrls: [http://localhost:1717/OauthRedirect]
`

func newTestHarness(t *testing.T) *harness {
	t.Helper()
	h, err := startHarness([]byte(testSeed))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.close)
	return h
}

// A stand-in for jsforce.mjs in sh: the runner's side of the protocol is
// what is under test, with mocksf's real pages behind AUTHORIZE.
const (
	scriptAuthorize = `read go; [ "$go" = GO ] || exit 3
`
	authorizeURL = `"$CONFORM_LOGIN_URL/services/oauth2/authorize?response_type=code&client_id=$CONFORM_CLIENT_ID&redirect_uri=$CONFORM_REDIRECT_URI&state=st1"`
)

func TestJSforceProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name           string
		script         string
		passed, failed int
		want           []string // in the output, in order
		notWant        []string
	}{{
		name: "a pass, a fail with the journal, a skip without",
		script: `echo "BEGIN quiet"; ` + scriptAuthorize + `echo "PASS quiet: nothing sent"
echo "BEGIN login"; ` + scriptAuthorize + `echo "AUTHORIZE "` + authorizeURL + `
read cb
case "$cb" in "CALLBACK http://localhost:1717/OauthRedirect?code="*"state=st1"*) echo "FAIL login: on purpose after the callback";; *) echo "FAIL login: wrong reply $cb";; esac
echo "BEGIN later"; ` + scriptAuthorize + `echo "FAIL later: skipped: no connection"
echo "jsforce noise"
echo "DONE 3"
`,
		passed: 1, failed: 2,
		want: []string{
			"PASS quiet: nothing sent",
			"FAIL login: on purpose after the callback",
			"mocksf's last requests:",
			"POST / -> 302",
			"POST /setup/secur/RemoteAccessAuthorizationPage.apexp -> 302",
			"FAIL later: skipped: no connection",
		},
		notWant: []string{"jsforce noise", "wrong reply", "(mocksf saw no request"},
	}, {
		name:   "a browser part that fails is an ERROR reply",
		script: `echo "BEGIN x"; ` + scriptAuthorize + `echo "AUTHORIZE $CONFORM_LOGIN_URL/services/oauth2/authorize?client_id=x"; read cb; echo "FAIL x: $cb"; echo "DONE 1"`,
		failed: 1,
		want:   []string{"FAIL x: ERROR ", "has no redirect_uri"},
	}, {
		name:   "a script that stops early fails the suite",
		script: `echo "BEGIN x"; ` + scriptAuthorize + `echo "PASS x: fine"; exit 0`,
		passed: 1, failed: 1,
		want: []string{"PASS x: fine", "FAIL jsforce script: it ended after 1 checks without saying DONE"},
	}, {
		name:   "a script that crashes fails the suite with its stderr",
		script: `echo "TypeError: boom" >&2; exit 1`,
		failed: 1,
		want:   []string{"FAIL jsforce script: node jsforce.mjs: exit status 1", "TypeError: boom"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newTestHarness(t)
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, jsforceScript), []byte(tc.script), 0o600); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			r := &report{out: &out, tail: h.journalTail}
			runJSforce(context.Background(), config{dir: dir, node: "sh", timeout: 30 * time.Second}, h, r, os.Getenv)
			if r.passed != tc.passed || r.failed != tc.failed {
				t.Errorf("%d passed, %d failed; want %d, %d\n%s", r.passed, r.failed, tc.passed, tc.failed, out.String())
			}
			rest := out.String()
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("the output lacks %q (in order):\n%s", w, out.String())
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tc.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("the output has %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestParseScriptLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want scriptLine
	}{
		{"PASS jsforce CRUD: create, update: done", scriptLine{verb: "PASS", arg: "jsforce CRUD: create, update: done", check: "jsforce CRUD", detail: "create, update: done"}},
		{"FAIL x: skipped: no connection", scriptLine{verb: "FAIL", arg: "x: skipped: no connection", check: "x", detail: "skipped: no connection"}},
		{"AUTHORIZE http://h/a?b=c", scriptLine{verb: "AUTHORIZE", arg: "http://h/a?b=c"}},
		{"DONE 17", scriptLine{verb: "DONE", arg: "17", count: 17}},
		{"DONE -1", scriptLine{}},
		{"DONE many", scriptLine{}},
		{"PASS : no name", scriptLine{}},
		{"(node:1) Warning: PASS this", scriptLine{}},
		{"", scriptLine{}},
		{"BEGIN", scriptLine{}},      // found by FuzzParseScriptLine
		{"AUTHORIZE ", scriptLine{}}, // no URL
	} {
		if got := parseScriptLine(tc.line); got != tc.want {
			t.Errorf("parseScriptLine(%q) = %+v; want %+v", tc.line, got, tc.want)
		}
	}
}

func FuzzParseScriptLine(f *testing.F) {
	for _, s := range []string{"PASS a: b", "FAIL a: skipped: b", "BEGIN x", "AUTHORIZE http://x", "DONE 3", "DONE x", "noise"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		l := parseScriptLine(line)
		switch l.verb {
		case "":
			if l != (scriptLine{}) {
				t.Fatalf("no verb but %+v", l)
			}
		case "PASS", "FAIL":
			if l.check == "" || !strings.HasPrefix(line, l.verb+" "+l.check) {
				t.Fatalf("%q: check %q", line, l.check)
			}
		case "DONE":
			if l.count < 0 {
				t.Fatalf("%q: count %d", line, l.count)
			}
		case "BEGIN", "AUTHORIZE":
			if line != l.verb+" "+l.arg {
				t.Fatalf("%q: arg %q", line, l.arg)
			}
		default:
			t.Fatalf("%q: verb %q", line, l.verb)
		}
	})
}

func TestReportCounts(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	r := &report{out: &out, tail: func(after int64, n int) []string {
		return []string{"#7 GET /services/data/v60.0/jobs/query -> 404"}
	}}
	r.check("one", 0, "fine", nil)
	r.check("two", 0, "", errString("POST /jobs/query: 404\nNOT_FOUND"))
	r.fail("three", skipped+"two failed", 0)
	want := "PASS one: fine\n" +
		"FAIL two: POST /jobs/query: 404 NOT_FOUND\n" +
		"     mocksf's last requests:\n" +
		"       #7 GET /services/data/v60.0/jobs/query -> 404\n" +
		"FAIL three: skipped: two failed\n"
	if out.String() != want || r.passed != 1 || r.failed != 2 {
		t.Errorf("%d passed, %d failed, printed\n%s\nwant 1, 2 and\n%s", r.passed, r.failed, out.String(), want)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestHelpers(t *testing.T) {
	t.Parallel()
	rows := [][]string{{"Id", "Name"}, {"001", "Acme"}, {"002"}}
	for _, tc := range []struct {
		got, want bool
		what      string
	}{
		{hasRow(rows, "Name", "Acme"), true, "hasRow Acme"},
		{hasRow(rows, "Name", "Id"), false, "hasRow of the header"},
		{hasRow(rows, "Email", "Acme"), false, "hasRow of a missing column"},
		{hasRow(nil, "Name", "Acme"), false, "hasRow of nothing"},
		{sameID("00D5g0000000001EAA", "00D5g0000000001"), true, "sameID 18 and 15"},
		{sameID("00D5g0000000002EAA", "00D5g0000000001EAA"), false, "sameID of two orgs"},
		{sameID("", ""), false, "sameID of nothing"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v; want %v", tc.what, tc.got, tc.want)
		}
	}
	if got := command([]string{"data", "export", "bulk", "--query", "x"}); got != "sf data export bulk" {
		t.Errorf("command: %q", got)
	}
}

func TestRunRefusesBadSetups(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-only", "ruby"}, `-only "ruby": want sf or jsforce`},
		{[]string{"-dir", empty}, "has no node_modules (run npm ci there, or make conformance)"},
		{[]string{"-nope"}, "flag provided but not defined"},
	} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"sfconform"}, tc.args...), os.Getenv, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run %v: %v; want %q", tc.args, err, tc.want)
		}
	}
}

// -h and -help print the usage and end well (exit 0); before, run
// returned "flag: help requested" and main exited 1.
func TestRunHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"-h", "-help"} {
		var help strings.Builder
		if err := run(context.Background(), []string{"sfconform", arg}, os.Getenv, io.Discard, &help); err != nil {
			t.Errorf("sfconform %s: %v; want nil", arg, err)
		}
		if !strings.Contains(help.String(), "Usage of ") {
			t.Errorf("sfconform %s printed no usage:\n%s", arg, help.String())
		}
	}
}
