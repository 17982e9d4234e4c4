package gothapp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"github.com/sfharness/sfharness/internal/httpserve"
)

// DefaultAddr is where Start listens unless Config says otherwise: a
// free loopback port.
const DefaultAddr = "127.0.0.1:0"

// Server is the product running on a port of its own.
type Server struct {
	// URL is the product's address, http://127.0.0.1:PORT: its page is
	// URL + "/".
	URL string
	// CallbackURL is the redirect URI the connected app must list.
	CallbackURL string

	hs     *http.Server
	served chan error
}

// Start runs the product on addr (empty: DefaultAddr). cfg.BaseURL
// defaults to the listener's URL, and cfg.CallbackURL to BaseURL +
// CallbackPath. Close stops it.
func Start(addr string, cfg Config) (*Server, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gothapp: listen: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if cfg.BaseURL == "" {
		cfg.BaseURL = url
	}
	h, err := New(cfg)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s := &Server{URL: url, CallbackURL: cfg.RedirectURI(), hs: httpserve.New(h, 0), served: make(chan error, 1)}
	go func() { s.served <- s.hs.Serve(ln) }()
	return s, nil
}

// Close stops the server, waiting for the requests in flight.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), httpserve.ShutdownGrace)
	defer cancel()
	err := s.hs.Shutdown(ctx)
	if serveErr := <-s.served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}
