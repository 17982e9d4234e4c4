// Package httpservetest holds what the tests of the project's servers
// (cmd/mocksf and cmd/client, both run by internal/httpserve) need to
// check the serving itself: a slowloris client, an oversized header, the
// wait for a listener to close, and the build of the real binary for
// signal tests.
package httpservetest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// WaitRefused waits until a new connection to addr is refused, failing
// the test after 5 seconds.
func WaitRefused(t testing.TB, addr string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("new connections are still accepted after shutdown began")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// CutOffAfter connects to addr and sends the headers of a GET of path one
// byte every 20ms, never finishing them, as a slowloris client does; it
// returns how long the server kept the connection open.
func CutOffAfter(t testing.TB, addr, path string) time.Duration {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	go func() {
		headers := "GET " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nX-Slow: " + strings.Repeat("z", 1000)
		for i := range len(headers) {
			if _, err := conn.Write([]byte{headers[i]}); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = io.ReadAll(conn)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the server still held the connection after 10s")
	}
	return time.Since(start)
}

// BuildBinary builds the package in the test's working directory (the
// program under test) into a temporary directory and returns its path.
func BuildBinary(t testing.TB) string {
	t.Helper()
	// go test puts its own GOROOT/bin first on the test's PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "program")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// SendHeader sends a GET of path to the server at base with an n-byte
// header and returns the answer's status.
func SendHeader(t testing.TB, base, path string, n int) int {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	conn, err := net.Dial("tcp", host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		req := "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nX-Padding: " + strings.Repeat("a", n) + "\r\n\r\n"
		conn.Write([]byte(req)) // fails once the server has answered and closed
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer to a %d-byte header: %v", n, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
