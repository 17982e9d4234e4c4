// Package httpserve runs the project's HTTP servers (cmd/mocksf and
// cmd/client) the same way: timeouts that keep a slow or idle client from
// holding a connection forever, and a graceful shutdown that drains
// in-flight requests.
package httpserve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultReadHeaderTimeout is the -read-header-timeout default.
const DefaultReadHeaderTimeout = 10 * time.Second

// ShutdownGrace is how long Run lets in-flight requests finish after ctx
// ends before it cuts them.
const ShutdownGrace = 10 * time.Second

// New returns the HTTP server for h: readHeaderTimeout (default
// DefaultReadHeaderTimeout) for the headers, 30s for the whole request,
// 60s for the answer (longer than mocksf's longest mail long-poll and the
// client's Disconnect wait), 120s for an idle keep-alive connection, and
// 64 KiB of headers.
func New(h http.Handler, readHeaderTimeout time.Duration) *http.Server {
	if readHeaderTimeout <= 0 {
		readHeaderTimeout = DefaultReadHeaderTimeout
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// LocalURL is the http URL that reaches a TCP listener from this machine:
// a wildcard address (0.0.0.0, [::]) becomes the loopback one.
func LocalURL(ln net.Listener) string {
	a := ln.Addr().(*net.TCPAddr)
	ip := a.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// Run serves hs on ln, calls listening once it accepts connections, and
// when ctx ends shuts down gracefully: new connections are refused and
// requests in flight get ShutdownGrace to finish, after which they are cut
// rather than left running after Run returns.
func Run(ctx context.Context, hs *http.Server, ln net.Listener, listening func()) error {
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	listening()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
