package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
)

// bins builds sfrun, mocksf and client once into a directory, as make
// build does into bin/.
var bins = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sfrun-bin")
	if err != nil {
		return "", err
	}
	out, err := exec.Command("go", "build", "-o", dir+"/", ".", "../mocksf", "../client").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return dir, nil
})

func binDir(t *testing.T) string {
	t.Helper()
	dir, err := bins()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	return dir
}

func waitFor(t *testing.T, out *testlog.Buffer, text string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the output:\n%s", text, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var stoppedLine = regexp.MustCompile(`stopped (mocksf|client) \(pid (\d+)\)`)

// checkStopped fails unless the output says both programs were stopped
// and neither PID is alive any more.
func checkStopped(t *testing.T, out string, want ...string) {
	t.Helper()
	got := map[string]int{}
	for _, m := range stoppedLine.FindAllStringSubmatch(out, -1) {
		got[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, name := range want {
		pid, ok := got[name]
		if !ok {
			t.Errorf("no %q line in the output:\n%s", "stopped "+name, out)
			continue
		}
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("%s (pid %d) is still there after sfrun ended (kill 0: %v)", name, pid, err)
		}
	}
}

// Ctrl-C in a terminal: SIGINT to sfrun's process group. Both programs
// stop, sfrun exits 0, nothing is left behind, and the client ran on a
// temporary database.
func TestCtrlCStopsBothQuietly(t *testing.T) {
	t.Parallel()
	dir := binDir(t)
	out := &testlog.Buffer{}
	cmd := exec.Command(filepath.Join(dir, "sfrun"), "-bin", dir, "-mocksf-addr", "127.0.0.1:0", "-client-addr", "127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, out, "Ctrl-C stops both.")
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sfrun after Ctrl-C: %v; want exit 0\n%s", err, out)
	}
	text := out.String()
	checkStopped(t, text, "mocksf", "client")
	for _, want := range []string{"/admin", "/__mocksf/mail", "temporary"} {
		if !strings.Contains(text, want) {
			t.Errorf("the output lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"panic", "Segmentation", "signal: "} {
		if strings.Contains(text, bad) {
			t.Errorf("the output has %q:\n%s", bad, text)
		}
	}
}

// A taken port stops sfrun before it starts anything, naming the make
// variable to change.
func TestTakenPortNamesTheVariable(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().String()
	tests := []struct{ flag, variable string }{{"-mocksf-addr", "MOCKSF_ADDR"}, {"-client-addr", "CLIENT_ADDR"}}
	for _, tc := range tests {
		args := []string{"sfrun", "-bin", t.TempDir(), "-mocksf-addr", "127.0.0.1:0", "-client-addr", "127.0.0.1:0", tc.flag, taken}
		out := &testlog.Buffer{}
		err := run(context.Background(), args, os.Getenv, out, out)
		if err == nil || !strings.Contains(err.Error(), tc.variable+"="+taken) || !strings.Contains(err.Error(), "make run "+tc.variable+"=127.0.0.1:PORT") {
			t.Errorf("%s taken: %v; want a message naming %s", tc.flag, err, tc.variable)
		}
		if out.String() != "" {
			t.Errorf("%s taken: something started:\n%s", tc.flag, out)
		}
	}
}

// A program that cannot start (the client's database is a directory it
// cannot create) ends sfrun with an error, and mocksf is stopped.
func TestProgramThatFailsStopsTheOther(t *testing.T) {
	t.Parallel()
	dir := binDir(t)
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	out := &testlog.Buffer{}
	args := []string{"sfrun", "-bin", dir, "-mocksf-addr", "127.0.0.1:0", "-client-addr", "127.0.0.1:0", "-db", filepath.Join(blocker, "beacon.db")}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	err := run(ctx, args, os.Getenv, out, out)
	if err == nil || !strings.Contains(err.Error(), "client did not start") {
		t.Fatalf("run = %v; want the client's failure\n%s", err, out)
	}
	checkStopped(t, out.String(), "mocksf")
}

func TestHelpExitsZero(t *testing.T) {
	out := &testlog.Buffer{}
	if err := run(context.Background(), []string{"sfrun", "-h"}, os.Getenv, out, out); err != nil || !strings.Contains(out.String(), "-mocksf-addr") {
		t.Errorf("sfrun -h = %v\n%s; want the usage and no error", err, out)
	}
}
