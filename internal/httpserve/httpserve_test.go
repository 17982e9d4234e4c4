package httpserve_test

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/httpserve"
)

// The programs' own needs (a longer WriteTimeout than their longest
// wait) are checked in cmd/mocksf and cmd/client.
func TestNewSetsEveryTimeout(t *testing.T) {
	hs := httpserve.New(http.NotFoundHandler(), 0)
	if hs.ReadHeaderTimeout != httpserve.DefaultReadHeaderTimeout || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("server = %+v; want every timeout and MaxHeaderBytes set", hs)
	}
	if hs.ReadTimeout < hs.ReadHeaderTimeout {
		t.Errorf("ReadTimeout %v < ReadHeaderTimeout %v", hs.ReadTimeout, hs.ReadHeaderTimeout)
	}
	if hs := httpserve.New(http.NotFoundHandler(), time.Second); hs.ReadHeaderTimeout != time.Second {
		t.Errorf("ReadHeaderTimeout = %v; want the flag's 1s", hs.ReadHeaderTimeout)
	}
}

// addrListener is a net.Listener that only has an address.
type addrListener struct {
	net.Listener
	addr *net.TCPAddr
}

func (l addrListener) Addr() net.Addr { return l.addr }

func TestLocalURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ip   net.IP
		want string
	}{
		{net.IPv4(127, 0, 0, 1), "http://127.0.0.1:8080"},
		{net.IPv4(192, 168, 1, 10), "http://192.168.1.10:8080"},
		{net.IPv6loopback, "http://[::1]:8080"},
		{net.IPv4zero, "http://127.0.0.1:8080"},
		{net.IPv6unspecified, "http://127.0.0.1:8080"},
		{nil, "http://127.0.0.1:8080"},
	}
	for _, tc := range tests {
		if got := httpserve.LocalURL(addrListener{addr: &net.TCPAddr{IP: tc.ip, Port: 8080}}); got != tc.want {
			t.Errorf("LocalURL(%v:8080) = %q; want %q", tc.ip, got, tc.want)
		}
	}
}
