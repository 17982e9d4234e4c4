// Package httpservetest holds what the tests of the project's servers
// (cmd/mocksf and cmd/client, both run by internal/httpserve) need to
// check the serving itself: the program started through its run or as a
// built binary, a slowloris client, an oversized header, and the wait for
// a listener to close.
package httpservetest

import (
	"bufio"
	"bytes"
	"context"
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

// RunFunc is the run of cmd/mocksf and cmd/client: the whole program,
// with args (the program's name first) and the environment getenv.
type RunFunc func(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error

// StartRun runs run with args and getenv until cancel is called or the
// test ends, and returns the URL of its first line of output,
// "<name> listening on URL"; done receives run's result.
func StartRun(t testing.TB, run RunFunc, name string, args []string, getenv func(string) string) (base string, cancel func(), done <-chan error) {
	t.Helper()
	return StartRunStderr(t, run, name, args, getenv, io.Discard)
}

// StartRunStderr is StartRun with run's stderr going to stderr, for a
// test of what the program warns about.
func StartRunStderr(t testing.TB, run RunFunc, name string, args []string, getenv func(string) string, stderr io.Writer) (base string, cancel func(), done <-chan error) {
	t.Helper()
	ctx, cancelCtx := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	result := make(chan error, 1)
	go func() {
		err := run(ctx, append([]string{name}, args...), getenv, pw, stderr)
		pw.Close()
		result <- err
	}()
	t.Cleanup(cancelCtx)
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancelCtx()
		t.Fatalf("reading the first line: %v (run: %v)", err, <-result)
	}
	go io.Copy(io.Discard, pr)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), name+" listening on ")
	if !ok {
		t.Fatalf("first line = %q; want \"%s listening on http://HOST:PORT\"", line, name)
	}
	return base, cancelCtx, result
}

// StartBinary starts the program built at bin with args and, when env is
// not nil, that environment, and returns the URL of its first line of
// output, "<name> listening on URL", with its stderr so far and after.
// The test's cleanup kills it.
func StartBinary(t testing.TB, bin, name string, env []string, args ...string) (cmd *exec.Cmd, base string, stderr *bytes.Buffer) {
	t.Helper()
	cmd = exec.Command(bin, args...)
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr = new(bytes.Buffer)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	out := bufio.NewReader(stdout)
	line, err := out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v; stderr: %s", err, stderr.String())
	}
	base, ok := strings.CutPrefix(strings.TrimSpace(line), name+" listening on ")
	if !ok {
		t.Fatalf("first line = %q; want %s listening on http://HOST:PORT", line, name)
	}
	go io.Copy(io.Discard, out)
	return cmd, base, stderr
}

// CheckSlowHeadersCutOff checks that the server at base, started with
// -read-header-timeout 300ms, cuts off a client trickling the headers of
// a request for path near that timeout, and still answers health 200.
func CheckSlowHeadersCutOff(t testing.TB, base, path, health string) {
	t.Helper()
	held := CutOffAfter(t, strings.TrimPrefix(base, "http://"), path)
	t.Logf("a client trickling its headers was cut off after %v", held.Round(time.Millisecond))
	// Timers are coarse under load; what matters is that the server cut
	// the connection near the timeout, not at once and not never.
	if held < 150*time.Millisecond || held > 3*time.Second {
		t.Errorf("a client trickling its headers was cut off after %v; want about -read-header-timeout (300ms)", held)
	}
	// Others are still served.
	resp, err := http.Get(base + health)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("%s after the slow client: %v %v", health, resp, err)
	} else {
		resp.Body.Close()
	}
}

// Drain cancels a server started by StartRun while it is answering a
// request (whose answer comes on answer), and checks a graceful
// shutdown: new connections to base are refused before that answer
// comes, and run returns nil within 15 seconds. It returns the answer,
// for the caller to check.
func Drain(t testing.TB, base string, cancel func(), answer <-chan string, done <-chan error) string {
	t.Helper()
	cancel()
	WaitRefused(t, strings.TrimPrefix(base, "http://"))
	select {
	case got := <-answer:
		t.Fatalf("the request in flight ended before new connections were refused: %s", got)
	default:
	}
	got := <-answer
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run = %v; want nil after a graceful shutdown", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	return got
}
