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

// A wildcard address (and none) is reached on loopback; others as they are.
func TestLocalURL(t *testing.T) {
	t.Parallel()
	for ip, want := range map[string]string{"127.0.0.1": "127.0.0.1", "192.168.1.10": "192.168.1.10", "::1": "[::1]",
		"0.0.0.0": "127.0.0.1", "::": "127.0.0.1", "": "127.0.0.1"} {
		if got := httpserve.LocalURL(addrListener{addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: 8080}}); got != "http://"+want+":8080" {
			t.Errorf("LocalURL(%q port 8080) = %q; want http://%s:8080", ip, got, want)
		}
	}
}
