package client_test

// These tests run Beacon against the project's fake Salesforce, mocksf, on
// real loopback ports, and walk the whole documented flow without a
// browser: the pop-up's pages are posted with a cookie jar. Only tests may
// import mocksf; Beacon itself talks to it over HTTP alone.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

const (
	sfKey    = "3MVG9BeaconTestKeyBeaconTestKeyBeaconTestKeyBeaconTestKeyBeaconTestKeyBeaconTest1"
	sfSecret = "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	syncUser = "sync@acme.test"
	syncPass = "Sync-Pass-1"
)

// mocksfWorld is Beacon and mocksf, each on its own port, and the
// admin's browser on Beacon's pages (the embedded agent).
type mocksfWorld struct {
	*agent
	srv       *mocksftest.Server
	sf        *mocksf.Server // srv.Mocksf
	sfURL     string         // srv.URL
	clientURL string
	clientTS  *httptest.Server
	cfg       client.Config
	beacon    *client.Server
	handler   swapHandler
	wire      *wireTap
}

// newWorld reserves Beacon's port, so its callback URL
// (w.callbackURL()) is known before mocksf starts. The caller then sets
// the world's mocksf (w.use) with the org Beacon connects to, and starts
// Beacon (w.run).
func newWorld(t *testing.T) *mocksfWorld {
	t.Helper()
	w := &mocksfWorld{wire: &wireTap{revoked: map[string]int{}}}
	w.clientTS = httptest.NewUnstartedServer(&w.handler)
	w.clientURL = "http://" + w.clientTS.Listener.Addr().String()
	w.agent = &agent{t: t, base: w.clientURL, hc: newBrowser(t)}
	return w
}

// use makes srv the world's mocksf.
func (w *mocksfWorld) use(srv *mocksftest.Server) {
	w.srv, w.sf, w.sfURL = srv, srv.Mocksf, srv.URL
}

// callbackURL is Beacon's OAuth callback, the connected app's.
func (w *mocksfWorld) callbackURL() string {
	return w.clientURL + "/salesforce/getSfdcOAuthTokensRedirect"
}

// run starts Beacon with cfg, pointed at mocksf, calling it through the
// wire tap unless cfg has an HTTPClient, and logging to the test unless
// it has a Logger; its cleanup closes Beacon.
func (w *mocksfWorld) run(cfg client.Config) {
	w.t.Helper()
	cfg.SalesforceURL, cfg.BaseURL = w.sfURL, w.clientURL
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Transport: w.wire, Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = testlog.New(w.t, nil)
	}
	w.cfg = cfg
	w.clientTS.Start()
	// Registered after mocksftest's: runs first, so Beacon stops before
	// mocksf does.
	w.t.Cleanup(func() {
		if w.beacon != nil {
			w.beacon.Close()
		}
		w.clientTS.Close()
	})
	w.start()
}

// swapHandler serves the current Beacon server, which a restart replaces.
type swapHandler struct {
	mu  sync.Mutex
	srv *client.Server
}

func (s *swapHandler) set(srv *client.Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srv = srv
}

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		http.Error(w, "restarting", http.StatusServiceUnavailable)
		return
	}
	srv.ServeHTTP(w, r)
}

// wireTap sits between Beacon and mocksf: it records the refresh tokens
// mocksf issues and the revocations Beacon asks for.
type wireTap struct {
	mu      sync.Mutex
	refresh []string
	access  []string       // every access token issued, oldest first
	revoked map[string]int // token to HTTP status
}

func (w *wireTap) RoundTrip(req *http.Request) (*http.Response, error) {
	var revokeToken string
	if req.URL.Path == "/services/oauth2/revoke" && req.Body != nil {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		revokeToken = form.Get("token")
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case revokeToken != "":
		w.revoked[revokeToken] = resp.StatusCode
	case req.URL.Path == "/services/oauth2/token" && resp.StatusCode == http.StatusOK:
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var tok map[string]any
		if json.Unmarshal(body, &tok) == nil {
			if rt, ok := tok["refresh_token"].(string); ok {
				w.refresh = append(w.refresh, rt)
			}
			if at, ok := tok["access_token"].(string); ok {
				w.access = append(w.access, at)
			}
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

type mocksfOptions struct {
	apiEnabled bool
	dbPath     string
	generate   string // the records mocksf generates, as YAML
	// firstName and lastName of the sync user; default Sam Sync.
	firstName, lastName string
	// codeLength is mocksf's verification code length; 0: its default.
	codeLength int
	// sfLogs and beaconLogs, when set, also receive mocksf's and Beacon's
	// logs at debug level.
	sfLogs, beaconLogs io.Writer
	// transport carries Beacon's calls to mocksf; default w.wire.
	transport http.RoundTripper
}

// newMocksfWorld starts mocksf seeded with the Acme org, its admin, the
// sync user and Beacon's connected app, and Beacon in front of it.
func newMocksfWorld(t *testing.T, o mocksfOptions) *mocksfWorld {
	t.Helper()
	if o.generate == "" {
		o.generate = "{Lead: 20, Contact: 5, Account: 3}"
	}
	if o.firstName == "" {
		o.firstName, o.lastName = "Sam", "Sync"
	}
	var sfLogger *slog.Logger
	if o.sfLogs != nil {
		sfLogger = testlog.New(t, o.sfLogs)
	}
	w := newWorld(t)
	seed := fmt.Sprintf(`
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: %s, password: %s, firstName: %q, lastName: %q, apiEnabled: %v}
    connectedApps:
      - name: Beacon Sync
        consumerKey: %q
        consumerSecret: %q
        callbackUrls: [%q]
        scopes: [api, refresh_token, id]
    records:
      generate: %s
`, syncUser, syncPass, o.firstName, o.lastName, o.apiEnabled, sfKey, sfSecret, w.callbackURL(), o.generate)
	w.use(mocksftest.NewServer(t, mocksftest.WithSeed([]byte(seed)), mocksftest.WithConfig(func(c *mocksf.Config) {
		c.VerificationCodeLength, c.Logger = o.codeLength, sfLogger
	})))
	if o.transport == nil {
		o.transport = w.wire
	}
	w.run(client.Config{
		OAuthFeature: true,
		SyncInterval: 100 * time.Millisecond,
		HTTPClient:   &http.Client{Transport: o.transport, Timeout: 30 * time.Second},
		DBPath:       o.dbPath,
		Logger:       testlog.New(t, o.beaconLogs),
	})
	return w
}

func (w *mocksfWorld) start() {
	w.t.Helper()
	srv, err := client.NewServer(w.cfg)
	if err != nil {
		w.t.Fatalf("NewServer: %v", err)
	}
	w.beacon = srv
	w.handler.set(srv)
}

// restart stops the Beacon server, as a shutdown would, and starts a new
// one on the same database. Sessions live in memory: the browser's are
// gone.
func (w *mocksfWorld) restart() {
	w.t.Helper()
	w.handler.set(nil)
	if err := w.beacon.Close(); err != nil {
		w.t.Fatal(err)
	}
	w.start()
}

// login clicks Login with Salesforce and walks the pop-up as a browser
// with the world's cookies: the login page, the emailed verification
// code, then Allow or Deny. It returns Beacon's callback page, at the
// callback URL editCallback changed when not nil, or the page Beacon
// answered instead of sending the pop-up to Salesforce.
func (w *mocksfWorld) login(decision string, editCallback func(*url.URL)) response {
	w.t.Helper()
	ctx := context.Background()
	b := w.srv.Control.NewBrowser(w.callbackURL())
	b.HTTP.Jar = w.hc.Jar
	p, err := b.Get(ctx, w.clientURL+"/salesforce/login")
	if err != nil {
		w.t.Fatalf("Login with Salesforce: %v", err)
	}
	if p.Callback != nil && editCallback == nil {
		// Still logged in to Salesforce, and the app is approved: the
		// pop-up goes straight back, as Salesforce's does.
		return w.get(p.Callback.String())
	}
	if strings.HasPrefix(p.URL.String(), w.clientURL) {
		return response{status: p.Status, body: p.Body, url: p.URL}
	}
	if !strings.HasPrefix(p.URL.String(), w.sfURL) || !strings.Contains(p.Body, `name="pw"`) {
		w.t.Fatalf("Login with Salesforce ended at %s; want mocksf's login page\n%s", p.URL, p.Body)
	}
	if d := p.URL.Query().Get("display"); d != "popup" {
		w.t.Errorf("login page display = %q; want popup", d)
	}
	if p, err = b.LogIn(ctx, p, syncUser, syncPass); err != nil {
		w.t.Fatalf("logging in as %s: %v", syncUser, err)
	}
	if !strings.Contains(p.Body, `id="oaapprove"`) {
		w.t.Fatalf("after verification: %s", p.Body)
	}
	if p, err = b.Submit(ctx, p, mocksfclient.FormApproval, url.Values{"decision": {decision}}); err != nil {
		w.t.Fatalf("%s: %v", decision, err)
	}
	if p.Callback == nil {
		w.t.Fatalf("approval ended at %s (redirect %v); want Beacon's callback", p.URL, p.Redirect)
	}
	if editCallback != nil {
		editCallback(p.Callback)
	}
	return w.get(p.Callback.String())
}

// pendingState starts a login in the world's browser and returns its
// state, stopping at the redirect to Salesforce, so a test can play
// Salesforce's answer to the callback itself.
func (w *mocksfWorld) pendingState() string {
	w.t.Helper()
	r := w.noRedirects().get("/salesforce/login")
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Query().Get("state") == "" {
		w.t.Fatalf("/salesforce/login = %d to %q; want a redirect with a state", r.status, r.header.Get("Location"))
	}
	return loc.Query().Get("state")
}

// connect saves the credentials, logs in, allows and confirms, and
// returns the CSRF token of the session.
func (w *mocksfWorld) connect() string {
	w.t.Helper()
	w.saveCredentials(sfKey, sfSecret)
	if r := w.login("allow", nil); !strings.Contains(r.body, `data-ok="true"`) {
		w.t.Fatalf("callback page: %d\n%s", r.status, r.body)
	}
	csrf := w.csrf()
	if r := w.postAction("/admin/crm/salesforce/confirm", csrf); r.status != http.StatusOK {
		w.t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	return csrf
}

func TestMocksfWholeFlow(t *testing.T) {
	t.Parallel()
	w := newMocksfWorld(t, mocksfOptions{apiEnabled: true, dbPath: filepath.Join(t.TempDir(), "beacon.db"),
		generate: "{Lead: 2500, Contact: 500, Account: 200}"})
	w.saveCredentials(sfKey, sfSecret)
	page := w.login("allow", nil).body
	if !strings.Contains(page, `data-ok="true"`) || !strings.Contains(page, `src="/static/callback.js"`) {
		t.Fatalf("callback page:\n%s", page)
	}

	// The Confirm Credentials dialog shows who logged in, from the identity URL.
	body := w.get("/admin/crm/salesforce/pending").body
	var pending struct {
		Username       string `json:"username"`
		OrganizationID string `json:"organizationId"`
	}
	json.Unmarshal([]byte(body), &pending)
	org := w.sf.Store().Orgs()[0].ID
	if pending.Username != syncUser || pending.OrganizationID != org {
		t.Errorf("pending = %s; want %s in %s", body, syncUser, org)
	}
	if r := w.action("/admin/crm/salesforce/confirm"); r.status != http.StatusOK {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	s := w.waitStatus("field sync", fieldSyncComplete)
	if s.Connection != "Connected as "+syncUser {
		t.Errorf("connection = %q", s.Connection)
	}
	if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s = w.waitStatus("the first full pull", func(s status) bool { return s.Sync.State == "running" })
	if s.Sync.Counts["Lead"] != 2500 || s.Sync.Counts["Contact"] != 500 || s.Sync.Counts["Account"] != 200 || s.Sync.Text != "Sync running" {
		t.Errorf("sync = %+v; want running with 2,500 leads, 500 contacts, 200 accounts", s.Sync)
	}

	// Deletions in Salesforce reach Beacon.
	leads := w.sf.Store().Records(org, "Lead")
	w.srv.DeleteRecord(t, org, "Lead", leads[0].ID)
	w.waitStatus("the deletion", func(s status) bool { return s.Sync.Counts["Lead"] == 2499 })

	// A restart goes on where Beacon stopped.
	w.restart()
	s = w.waitStatus("the resumed sync", func(s status) bool { return s.Sync.State == "running" })
	if s.Sync.Counts["Lead"] != 2499 || !s.Connected {
		t.Errorf("after the restart: %+v", s)
	}
	w.srv.InsertRecord(t, org, "Contact", map[string]any{"LastName": "After Restart"})
	w.waitStatus("the new contact", func(s status) bool { return s.Sync.Counts["Contact"] == 501 })

	// Disconnect revokes the refresh token at mocksf.
	page = w.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {w.csrf()}}).body
	if !strings.Contains(page, "Disconnected from Salesforce: Beacon revoked its access and stopped the sync.") {
		t.Fatalf("disconnect page:\n%s", page)
	}
	w.wire.mu.Lock()
	refresh := w.wire.refresh[0]
	status := w.wire.revoked[refresh]
	w.wire.mu.Unlock()
	if status != http.StatusOK {
		t.Errorf("revoke of the refresh token answered %d; want 200 (revoked: %v)", status, w.wire.revoked)
	}
	if _, _, err := w.sf.Store().Refresh(refresh); err == nil {
		t.Error("mocksf still accepts the refresh token after Disconnect")
	}
	if s := w.status(); s.Connected {
		t.Error("still connected after Disconnect")
	}
}

func TestMocksfLoginErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		secret    string
		decision  string
		edit      func(*url.URL)
		tamper    bool
		wantError string
		wantText  string
	}{
		{name: "deny", secret: sfSecret, decision: "deny", wantError: "access_denied",
			wantText: "You denied access in Salesforce. Click Login with Salesforce and choose Allow."},
		{name: "wrong secret", secret: strings.Repeat("F", 64), decision: "allow", wantError: "invalid_client",
			wantText: "check the Consumer Secret, save it again"},
		{name: "bad signature", secret: sfSecret, decision: "allow", tamper: true, wantError: "bad_signature",
			wantText: "failed the signature check"},
		{name: "state mismatch", secret: sfSecret, decision: "allow", wantError: "state_mismatch", wantText: "state mismatch",
			edit: func(u *url.URL) {
				q := u.Query()
				q.Set("state", "forged")
				u.RawQuery = q.Encode()
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newMocksfWorld(t, mocksfOptions{apiEnabled: true})
			if tc.tamper {
				w.srv.Fault(t, mocksftest.Rule{Path: tokenPath, BadSignature: true})
			}
			w.saveCredentials(sfKey, tc.secret)
			page := w.login(tc.decision, tc.edit).body
			if !strings.Contains(page, `data-ok="false"`) || !strings.Contains(page, `data-error="`+tc.wantError+`"`) || !strings.Contains(page, html.EscapeString(tc.wantText)) {
				t.Errorf("callback page lacks %s / %q:\n%s", tc.wantError, tc.wantText, page)
			}
			if r := w.get("/admin/crm/salesforce/pending"); r.status != http.StatusNotFound {
				t.Errorf("pending = %d; want 404: nothing to confirm", r.status)
			}
		})
	}
}

func TestMocksfRefreshTokenRevoked(t *testing.T) {
	t.Parallel()
	w := newMocksfWorld(t, mocksfOptions{apiEnabled: true})
	w.connect()
	w.waitStatus("field sync", fieldSyncComplete)
	w.action("/admin/crm/salesforce/sync")
	w.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
	// An admin revokes Beacon's access in Salesforce: its access tokens
	// die with the refresh token, and the refresh fails with invalid_grant.
	w.wire.mu.Lock()
	refresh := w.wire.refresh[0]
	w.wire.mu.Unlock()
	if err := w.sf.Store().Revoke(refresh); err != nil {
		t.Fatal(err)
	}
	s := w.waitStatus("the lost connection", func(s status) bool { return s.Sync.State == "failed" })
	if !strings.HasPrefix(s.Sync.Text, "Sync failed: Connection to Salesforce lost: log in again") {
		t.Errorf("sync = %q; want the lost connection", s.Sync.Text)
	}
	// Logging in again and confirming brings the sync back.
	if page := w.login("allow", nil).body; !strings.Contains(page, `data-ok="true"`) {
		t.Fatalf("second login:\n%s", page)
	}
	if r := w.action("/admin/crm/salesforce/confirm"); r.status != http.StatusOK {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	s = w.waitStatus("field sync", fieldSyncComplete)
	if s.Sync.Counts["Lead"] != 20 {
		t.Errorf("Lead count after logging in again = %d; want the 20 kept for the same org", s.Sync.Counts["Lead"])
	}
}
