package client_test

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/client/internal/fakesalesforce"
)

// harness is a Beacon server wired to a fake Salesforce, driven by an HTTP
// client that keeps cookies like a browser.
type harness struct {
	t    *testing.T
	fake *fakesalesforce.Server
	srv  *client.Server
	url  string
	hc   *http.Client
	cfg  client.Config
	logs *lockedBuffer

	handler atomic.Pointer[client.Server]
}

type harnessOptions struct {
	featureOff bool
	// dbPath is the database file; empty for a temporary one.
	dbPath string
	// fake is the fake Salesforce to use; nil starts one.
	fake *fakesalesforce.Server
}

func newHarness(t *testing.T, opts ...harnessOptions) *harness {
	t.Helper()
	var o harnessOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	fake := o.fake
	if fake == nil {
		fake = fakesalesforce.New(t)
	}
	h := &harness{t: t, fake: fake, hc: newBrowser(t), logs: &lockedBuffer{}}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := h.handler.Load()
		if srv == nil {
			http.Error(w, "restarting", http.StatusServiceUnavailable)
			return
		}
		srv.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	h.url = ts.URL
	h.cfg = client.Config{
		SalesforceURL: fake.URL,
		BaseURL:       ts.URL,
		OAuthFeature:  !o.featureOff,
		SyncInterval:  50 * time.Millisecond,
		DBPath:        o.dbPath,
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, h.logs),
			&slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	h.start()
	// Close the server before the test servers: jobs may still call them.
	t.Cleanup(func() { h.srv.Close() })
	return h
}

// start starts a Beacon server with the harness's configuration.
func (h *harness) start() {
	h.t.Helper()
	srv, err := client.NewServer(h.cfg)
	if err != nil {
		h.t.Fatalf("NewServer: %v", err)
	}
	h.srv = srv
	h.handler.Store(srv)
}

// restart stops the Beacon server, as a shutdown would, and starts a new
// one on the same database. Sessions live in memory: the browser's are
// gone.
func (h *harness) restart() {
	h.t.Helper()
	h.handler.Store(nil)
	if err := h.srv.Close(); err != nil {
		h.t.Fatalf("Close: %v", err)
	}
	h.start()
}

// lockedBuffer collects the logs for checks.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newBrowser returns an HTTP client with its own cookie jar.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// testWriter sends logs to t.Log, so that they show only for failures.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type response struct {
	status int
	header http.Header
	body   string
}

func (h *harness) do(hc *http.Client, req *http.Request) response {
	h.t.Helper()
	resp, err := hc.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (h *harness) get(path string) response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.url+path, nil)
	return h.do(h.hc, req)
}

// postForm posts a form as the page's form would.
func (h *harness) postForm(path string, form url.Values) response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return h.do(h.hc, req)
}

// postAction posts as the page's script does, with the CSRF header.
func (h *harness) postAction(path, csrf string) response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.url+path, nil)
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Accept", "application/json")
	return h.do(h.hc, req)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// csrf loads the Salesforce page and returns its CSRF token.
func (h *harness) csrf() string {
	h.t.Helper()
	r := h.get("/admin/crm/salesforce")
	m := csrfMeta.FindStringSubmatch(r.body)
	if m == nil {
		h.t.Fatalf("no csrf-token meta tag in the page:\n%s", r.body)
	}
	return html.UnescapeString(m[1])
}

// saveCredentials saves the fake's consumer key and secret.
func (h *harness) saveCredentials() {
	h.t.Helper()
	r := h.postForm("/admin/crm/salesforce", url.Values{
		"csrf_token":     {h.csrf()},
		"consumerKey":    {fakesalesforce.ConsumerKey},
		"consumerSecret": {fakesalesforce.ConsumerSecret},
	})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Credentials saved.") {
		h.t.Fatalf("saving credentials: %d\n%s", r.status, r.body)
	}
}

// login runs the pop-up part of the flow: /salesforce/login, the fake's
// authorize endpoint, and the callback; it returns the callback page.
func (h *harness) login() response {
	h.t.Helper()
	return h.get("/salesforce/login")
}

// connect saves credentials, logs in and confirms, and returns the CSRF
// token of the session.
func (h *harness) connect() string {
	h.t.Helper()
	h.saveCredentials()
	if r := h.login(); !strings.Contains(r.body, `data-ok="true"`) {
		h.t.Fatalf("login: %d\n%s", r.status, r.body)
	}
	csrf := h.csrf()
	if r := h.postAction("/admin/crm/salesforce/confirm", csrf); r.status != http.StatusOK {
		h.t.Fatalf("confirm: %d %s", r.status, r.body)
	}
	return csrf
}

// status is the part of the status JSON the tests read.
type status struct {
	Connected  bool   `json:"connected"`
	Connection string `json:"connection"`
	FieldSync  struct {
		State    string `json:"state"`
		Text     string `json:"text"`
		Complete bool   `json:"complete"`
		Objects  []struct {
			Object string `json:"object"`
			Text   string `json:"text"`
		} `json:"objects"`
	} `json:"fieldSync"`
	Sync struct {
		State     string         `json:"state"`
		Text      string         `json:"text"`
		Counts    map[string]int `json:"counts"`
		LastError string         `json:"lastError"`
		CanStart  bool           `json:"canStart"`
	} `json:"sync"`
}

func (h *harness) status() status {
	h.t.Helper()
	r := h.get("/admin/crm/salesforce/status")
	var s status
	if err := json.Unmarshal([]byte(r.body), &s); err != nil || r.status != http.StatusOK {
		h.t.Fatalf("status: %d %s: %v", r.status, r.body, err)
	}
	return s
}

// waitStatus polls the status, as the page does, until ok accepts it.
func (h *harness) waitStatus(what string, ok func(status) bool) status {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := h.status()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s; last status: %+v", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fieldSyncComplete(s status) bool { return s.FieldSync.Complete }

// newTestLogger sends a server's logs to t.Log.
func newTestLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// pendingState starts a login in the harness's browser and returns its
// state, stopping at the redirect to Salesforce, so a test can play
// Salesforce's answer to the callback itself.
func (h *harness) pendingState() string {
	h.t.Helper()
	hc := *h.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequest(http.MethodGet, h.url+"/salesforce/login", nil)
	r := h.do(&hc, req)
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Query().Get("state") == "" {
		h.t.Fatalf("/salesforce/login = %d to %q; want a redirect with a state", r.status, r.header.Get("Location"))
	}
	return loc.Query().Get("state")
}
