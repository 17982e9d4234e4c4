package main

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// sendHeader sends a request with a header of n bytes over a raw
// connection, writing while it reads the answer (the server answers
// before it has read everything), and returns the answer's status.
func sendHeader(t *testing.T, base, path string, n int) int {
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

// The real program bounds request headers (MaxHeaderBytes 64 KiB): a
// 1 MiB header is answered 431 by net/http, and Beacon serves on.
func TestRunRefusesOversizedHeaders(t *testing.T) {
	base, _ := startRun(t, []string{"-db", ""}, noEnv)
	if got := sendHeader(t, base, "/healthz", 1<<20); got != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("1 MiB header = %d; want 431", got)
	}
	if got := sendHeader(t, base, "/healthz", 16<<10); got != http.StatusOK {
		t.Errorf("16 KiB header = %d; want 200", got)
	}
}
