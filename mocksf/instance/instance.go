// Package instance names the orgs' instance (My Domain) hosts.
//
// Salesforce gives every org a host of its own,
// https://<name>.my.salesforce.com, beside the shared login host
// (reference §0): instance_url names it, the REST API is served there,
// and the client credentials flow answers only on the org's own host
// (§4.2, §4.6). mocksf offers two ways to do the same on loopback:
//
//   - Shared (the default): one instance host for every org, the login
//     listener under another name (http://localhost:PORT beside
//     http://127.0.0.1:PORT). Nothing more to listen on, so it suits a
//     mocksf behind one published port; but one org's host cannot be told
//     from another's.
//   - PerOrg: each org gets a listener of its own on a free port, opened
//     the first time the org's instance URL is needed (its first token,
//     or the control API's answer about it) and closed when the org is
//     deleted. Host names under *.localhost would be closer to My Domain
//     but Go's resolver does not resolve them, so the port tells orgs
//     apart.
package instance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/internal/httpserve"
)

// Mode is how orgs get their instance hosts.
type Mode string

const (
	// Shared is one instance host for every org (the default).
	Shared Mode = "shared"
	// PerOrg is a listener, and so a host, of its own for each org.
	PerOrg Mode = "per-org"
)

// ParseMode reads a mode as the -instance-hosts flag and Config take it;
// empty is Shared.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Shared:
		return Shared, nil
	case PerOrg:
		return PerOrg, nil
	}
	return "", fmt.Errorf("instance hosts %q: want %q or %q", s, Shared, PerOrg)
}

// Hosts knows every org's instance URL and which org's host a request
// came to. Its zero value is not usable; call New.
type Hosts struct {
	mode   Mode
	shared *url.URL // the shared instance URL
	// bind is the address per-org listeners bind (the login host's name,
	// port 0); name is the host name their URLs give.
	bind, name string
	log        *slog.Logger

	mu      sync.Mutex
	handler http.Handler
	orgs    map[string]*orgHost // org ID → its host
	byHost  map[string]string   // "host:port", lower case → org ID
	closed  bool
}

// orgHost is one org's own listener.
type orgHost struct {
	url  string
	host string // the URL's "host:port", lower case
	srv  *http.Server
}

// New returns the hosts of a mocksf whose login URL is loginURL and whose
// shared instance URL is sharedURL. In PerOrg mode listeners bind the
// login URL's host name on free ports, and their URLs name sharedURL's
// host with those ports. Serve must be called before the first URL.
func New(mode Mode, loginURL, sharedURL string, log *slog.Logger) (*Hosts, error) {
	login, err := url.Parse(loginURL)
	if err != nil || login.Host == "" {
		return nil, fmt.Errorf("instance: login URL %q is not an absolute URL", loginURL)
	}
	shared, err := url.Parse(sharedURL)
	if err != nil || shared.Host == "" {
		return nil, fmt.Errorf("instance: instance URL %q is not an absolute URL", sharedURL)
	}
	if mode == "" {
		mode = Shared
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hosts{
		mode: mode, shared: shared, bind: net.JoinHostPort(login.Hostname(), "0"), name: shared.Hostname(),
		log: log, orgs: map[string]*orgHost{}, byHost: map[string]string{},
	}, nil
}

// Serve sets the handler per-org listeners serve: all of mocksf.
func (h *Hosts) Serve(handler http.Handler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.handler = handler
}

// SharedURL is the shared instance URL, without a trailing slash.
func (h *Hosts) SharedURL() string { return strings.TrimSuffix(h.shared.String(), "/") }

// URL is orgID's instance URL, without a trailing slash. In PerOrg mode
// the org's listener is opened the first time; if that fails (no free
// port), the error is logged and the shared URL given, so that a token
// is still issued.
func (h *Hosts) URL(orgID string) string {
	if h.mode != PerOrg || orgID == "" {
		return h.SharedURL()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if oh, ok := h.orgs[orgID]; ok {
		return oh.url
	}
	if h.closed || h.handler == nil {
		return h.SharedURL()
	}
	oh, err := h.listen()
	if err != nil {
		h.log.Error("mocksf: instance host", "org", orgID, "err", err)
		return h.SharedURL()
	}
	h.orgs[orgID] = oh
	h.byHost[oh.host] = orgID
	return oh.url
}

// listen opens a listener for a new org host and serves mocksf on it.
// h.mu is held.
func (h *Hosts) listen() (*orgHost, error) {
	ln, err := net.Listen("tcp", h.bind)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", h.bind, err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	u := *h.shared
	u.Host = net.JoinHostPort(h.name, port)
	// The same timeouts and header limit as cmd/mocksf's own listener.
	srv := httpserve.New(h.handler, 0)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			h.log.Error("mocksf: instance host", "url", u.String(), "err", err)
		}
	}()
	return &orgHost{url: strings.TrimSuffix(u.String(), "/"), host: strings.ToLower(u.Host), srv: srv}, nil
}

// At says which instance host a request's Host header names: an org's own
// (orgID set, ok), the shared one in Shared mode (orgID empty, ok), or
// none, for the login host and every other name (not ok). In PerOrg mode
// the shared name is not an instance host: it reaches the login listener.
func (h *Hosts) At(host string) (orgID string, ok bool) {
	host = strings.ToLower(host)
	if h.mode != PerOrg {
		return "", host == strings.ToLower(h.shared.Host)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	orgID, ok = h.byHost[host]
	return orgID, ok
}

// URLAt is the instance URL a Host header names, if it names one.
func (h *Hosts) URLAt(host string) (string, bool) {
	orgID, ok := h.At(host)
	if !ok {
		return "", false
	}
	return h.URL(orgID), true
}

// Forget closes the listener of an org that is gone; requests in flight
// on it are cut. Another org never gets the same host while mocksf runs
// unless the system hands the port out again.
func (h *Hosts) Forget(orgID string) {
	h.mu.Lock()
	oh, ok := h.orgs[orgID]
	if ok {
		delete(h.orgs, orgID)
		delete(h.byHost, oh.host)
	}
	h.mu.Unlock()
	if ok {
		_ = oh.srv.Close()
	}
}

// Prune forgets the hosts of the orgs exists says are gone. exists is
// called without the hosts' lock held, so it may take the store's.
func (h *Hosts) Prune(exists func(orgID string) bool) {
	h.mu.Lock()
	ids := slices.Collect(maps.Keys(h.orgs))
	h.mu.Unlock()
	for _, id := range ids {
		if !exists(id) {
			h.Forget(id)
		}
	}
}

// Close shuts every org's listener down, letting requests in flight
// finish for up to a few seconds; no listener opens after it.
func (h *Hosts) Close() error {
	h.mu.Lock()
	h.closed = true
	hosts := h.orgs
	h.orgs, h.byHost = map[string]*orgHost{}, map[string]string{}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, oh := range hosts {
		if err := oh.srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			_ = oh.srv.Close()
		}
	}
	return errors.Join(errs...)
}
