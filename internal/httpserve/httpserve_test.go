package httpserve_test

import (
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
