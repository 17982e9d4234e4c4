package client_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

// harness is a Beacon server wired to mocksf, driven by an HTTP client
// that keeps cookies like a browser: a mocksfWorld on an sfOrg, with
// requests of its own.
type harness struct {
	t    *testing.T
	sf   *sfOrg
	w    *mocksfWorld
	url  string
	hc   *http.Client
	logs *lockedBuffer
}

type harnessOptions struct {
	featureOff bool
	// dbPath is the database file; empty for a temporary one.
	dbPath string
}

func newHarness(t *testing.T, opts ...harnessOptions) *harness {
	t.Helper()
	var o harnessOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	h := &harness{t: t, w: newWorld(t), hc: newBrowser(t), logs: &lockedBuffer{}}
	h.url = h.w.clientURL
	h.sf = newSFOrg(t, h.w.callbackURL())
	h.w.use(h.sf.Server)
	h.w.run(client.Config{
		OAuthFeature: !o.featureOff,
		SyncInterval: 50 * time.Millisecond,
		HTTPClient:   &http.Client{Timeout: 30 * time.Second}, // Beacon's default
		DBPath:       o.dbPath,
		Logger: slog.New(slog.NewTextHandler(io.MultiWriter(testWriter{t}, h.logs),
			&slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	return h
}

// srv is the Beacon server running.
func (h *harness) srv() *client.Server { return h.w.beacon }

// restart stops the Beacon server, as a shutdown would, and starts a new
// one on the same database. Sessions live in memory: the browser's are
// gone.
func (h *harness) restart() { h.w.restart() }

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

// saveCredentials saves the connected app's consumer key and secret.
func (h *harness) saveCredentials() {
	h.t.Helper()
	r := h.postForm("/admin/crm/salesforce", url.Values{
		"csrf_token":     {h.csrf()},
		"consumerKey":    {sfKey},
		"consumerSecret": {sfSecret},
	})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Credentials saved.") {
		h.t.Fatalf("saving credentials: %d\n%s", r.status, r.body)
	}
}

// login runs the pop-up part of the flow: /salesforce/login, mocksf's
// authorize endpoint, login, verification code and Allow Access, and
// the callback; it returns the callback page.
func (h *harness) login() response {
	h.t.Helper()
	r := h.do(h.noRedirects(), h.request("/salesforce/login"))
	if r.status != http.StatusFound {
		return r
	}
	callback := h.sf.Authorize(h.t, r.header.Get("Location"), syncUser, syncPass)
	req, _ := http.NewRequest(http.MethodGet, callback.String(), nil)
	return h.do(h.hc, req)
}

// noRedirects is the harness's browser stopping at redirects.
func (h *harness) noRedirects() *http.Client {
	hc := *h.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc
}

func (h *harness) request(path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, h.url+path, nil)
	return req
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
	r := h.do(h.noRedirects(), h.request("/salesforce/login"))
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Query().Get("state") == "" {
		h.t.Fatalf("/salesforce/login = %d to %q; want a redirect with a state", r.status, r.header.Get("Location"))
	}
	return loc.Query().Get("state")
}

// sfOrg is mocksf for a harness: one org with the sync user and
// Beacon's connected app (sfKey, sfSecret), on a frozen clock that starts
// at 2026-01-02T03:04:05Z and each change moves a second, so
// LastModifiedDates are exact and long settled for Beacon.
type sfOrg struct {
	*mocksftest.Server
	org mocksftest.Org
}

func newSFOrg(t *testing.T, callbackURL string) *sfOrg {
	t.Helper()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	srv.FreezeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Acme",
		Users: []mocksftest.UserSpec{{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Beacon Sync", ConsumerKey: sfKey, ConsumerSecret: sfSecret,
			CallbackURLs: []string{callbackURL}, Scopes: []string{"api", "refresh_token", "id"}, ClientCredentialsRunAs: syncUser}},
	})
	return &sfOrg{Server: srv, org: org}
}

// user is the sync user.
func (s *sfOrg) user() mocksftest.OrgUser { return s.org.Users[0] }

// addRecords adds n records of object, each a second after the previous
// change, and returns their ids.
func (s *sfOrg) addRecords(t *testing.T, object string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = s.InsertRecord(t, s.org.ID, object, map[string]any{"LastName": fmt.Sprint("Beacon ", i), "Name": fmt.Sprint("Beacon ", i)})
	}
	return ids
}

// fieldCount is how many fields mocksf's describe of object lists.
func (s *sfOrg) fieldCount(t *testing.T, object string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.org.InstanceURL+"/services/data/v60.0/sobjects/"+object+"/describe", nil)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken(t, s.user().ID, sfKey, "api").AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct{ Fields []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("describe %s: %d %v", object, resp.StatusCode, err)
	}
	return len(d.Fields)
}

// expireSessions ends the sync user's access tokens: the next REST call
// answers 401 INVALID_SESSION_ID.
func (s *sfOrg) expireSessions() { s.ExpireSessions(s.user().ID, sfKey) }

// rotateSecret changes the connected app's consumer secret, as a
// rotation in Setup does.
func (s *sfOrg) rotateSecret(t *testing.T, secret string) {
	t.Helper()
	if _, err := s.Mocksf.Store().UpdateApp(sfKey, func(a *store.ConnectedApp) { a.ConsumerSecret = secret }); err != nil {
		t.Fatal(err)
	}
}

// The OAuth resources the tests count requests of, as fault and journal
// path patterns.
const (
	authorizePath = "/services/oauth2/authorize"
	revokePath    = "/services/oauth2/revoke"
	identityPath  = "/id/**"
)

// requests counts the requests mocksf got on a path pattern.
func (s *sfOrg) requests(path string) int {
	return len(s.Requests(mocksftest.RequestFilter{Path: path}))
}

// grants counts the token requests of a grant type.
func (s *sfOrg) grants(grant string) int {
	n := 0
	for _, e := range s.Requests(mocksftest.RequestFilter{Path: tokenPath}) {
		if slices.Contains(e.Form["grant_type"], grant) {
			n++
		}
	}
	return n
}

// revoked returns the tokens mocksf revoked, masked as its journal keeps
// them ("5Aep****" for a refresh token).
func (s *sfOrg) revoked() []string {
	var out []string
	for _, e := range s.Requests(mocksftest.RequestFilter{Path: revokePath, Status: http.StatusOK}) {
		out = append(out, e.Form["token"]...)
	}
	return out
}

// apiDisabled makes the REST API answer 403 API_DISABLED_FOR_ORG.
func (s *sfOrg) apiDisabled(t *testing.T) {
	t.Helper()
	s.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "API_DISABLED_FOR_ORG"})
}

// refreshFails makes refresh token grants fail with invalid_grant.
func (s *sfOrg) refreshFails(t *testing.T) {
	t.Helper()
	s.Fault(t, mocksftest.Rule{Path: tokenPath, OAuthError: "invalid_grant"})
}
