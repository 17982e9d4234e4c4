package client_test

// Hostile input against Beacon: OAuth state misuse, CSRF on every form,
// script injection in what it shows, oversized forms, and secrets in the
// logs, with mocksf on the other side.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
	"github.com/sfharness/sfharness/internal/xsstest"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// secretTap sits between Beacon and mocksf and keeps every token mocksf
// issues, for TestSecuritySecretsAbsentFromLogs to look for.
type secretTap struct {
	mu     sync.Mutex
	tokens []string
}

func (s *secretTap) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.URL.Path != "/services/oauth2/token" || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok map[string]any
	if json.Unmarshal(body, &tok) == nil {
		s.mu.Lock()
		for _, k := range []string{"access_token", "refresh_token", "id_token"} {
			if v, ok := tok[k].(string); ok && v != "" {
				s.tokens = append(s.tokens, v)
			}
		}
		s.mu.Unlock()
	}
	return resp, nil
}

func (s *secretTap) issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// securityWorld is a mocksfWorld whose mocksf and Beacon log at debug level
// into buffers, with 8-digit verification codes (so that a code cannot turn
// up in the logs by chance) and a user whose names a test may choose.
type securityWorld struct {
	*mocksfWorld
	sfLogs, beaconLogs *testlog.Buffer
	tap                *secretTap
}

type securityOptions struct {
	firstName, lastName string
}

func newSecurityWorld(t *testing.T, o securityOptions) *securityWorld {
	t.Helper()
	sw := &securityWorld{sfLogs: &testlog.Buffer{}, beaconLogs: &testlog.Buffer{}, tap: &secretTap{}}
	sw.mocksfWorld = newMocksfWorld(t, mocksfOptions{
		apiEnabled: true, generate: "{Lead: 5, Contact: 2, Account: 1}",
		firstName: o.firstName, lastName: o.lastName, codeLength: 8,
		sfLogs: sw.sfLogs, beaconLogs: sw.beaconLogs, transport: sw.tap,
	})
	return sw
}

// tokenRequests counts the token requests mocksf's journal holds.
func (w *mocksfWorld) tokenRequests() int {
	w.t.Helper()
	return len(w.srv.Requests(mocksftest.RequestFilter{Path: tokenPath, Method: "POST"}))
}

// interceptCallback walks the pop-up up to Salesforce's redirect to the
// callback and returns that URL without the browser following it.
func (w *mocksfWorld) interceptCallback() *url.URL {
	w.t.Helper()
	var cb *url.URL
	w.login("allow", func(u *url.URL) {
		cb = &url.URL{}
		*cb = *u
		// The browser goes elsewhere instead.
		u.Path, u.RawQuery = "/healthz", ""
	})
	return cb
}

// A callback whose state is missing, wrong, already used, or bound to
// another browser's session is refused with "state mismatch" and never
// reaches Salesforce's token endpoint: mocksf's journal shows no code
// exchange, and nothing waits for confirmation.
func TestSecurityStateMisuse(t *testing.T) {
	t.Parallel()
	withState := func(cb *url.URL, state string, keep bool) string {
		q := cb.Query()
		if keep {
			q.Set("state", state)
		} else {
			q.Del("state")
		}
		u := *cb
		u.RawQuery = q.Encode()
		return u.String()
	}
	tests := []struct {
		name string
		// attack returns the browser that visits the callback and its URL.
		attack func(w *securityWorld) (*http.Client, string)
		// exchanges is how many code exchanges mocksf may see in all.
		exchanges int
	}{
		{"missing state", func(w *securityWorld) (*http.Client, string) {
			return w.hc, withState(w.interceptCallback(), "", false)
		}, 0},
		{"empty state", func(w *securityWorld) (*http.Client, string) {
			return w.hc, withState(w.interceptCallback(), "", true)
		}, 0},
		{"wrong state", func(w *securityWorld) (*http.Client, string) {
			return w.hc, withState(w.interceptCallback(), "forged", true)
		}, 0},
		{"state with a character changed", func(w *securityWorld) (*http.Client, string) {
			cb := w.interceptCallback()
			s := cb.Query().Get("state")
			last := "A"
			if strings.HasSuffix(s, last) {
				last = "B"
			}
			return w.hc, withState(cb, s[:len(s)-1]+last, true)
		}, 0},
		{"another browser's state (stolen callback URL)", func(w *securityWorld) (*http.Client, string) {
			return newBrowser(w.t), w.interceptCallback().String()
		}, 0},
		{"the attacker's own code and state (login CSRF)", func(w *securityWorld) (*http.Client, string) {
			cb := w.interceptCallback()
			// The victim has a session of its own, with no login started.
			victim := w.newAgent()
			victim.csrf()
			return victim.hc, cb.String()
		}, 0},
		{"a state already used", func(w *securityWorld) (*http.Client, string) {
			cb := w.interceptCallback()
			if page := w.get(cb.String()).body; !strings.Contains(page, `data-ok="true"`) {
				w.t.Fatalf("first callback:\n%s", page)
			}
			w.action("/admin/crm/salesforce/cancel")
			return w.hc, cb.String()
		}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newSecurityWorld(t, securityOptions{})
			w.saveCredentials(sfKey, sfSecret)
			c, u := tc.attack(w)
			req, _ := http.NewRequest(http.MethodGet, u, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page := string(body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(page, `data-error="state_mismatch"`) || !strings.Contains(page, "state mismatch") {
				t.Errorf("callback = %d; want 400 with a state mismatch\n%s", resp.StatusCode, page)
			}
			if n := w.tokenRequests(); n != tc.exchanges {
				t.Errorf("mocksf's journal has %d token requests; want %d", n, tc.exchanges)
			}
			for _, b := range []*http.Client{w.hc, c} {
				req, _ := http.NewRequest(http.MethodGet, w.clientURL+"/admin/crm/salesforce/pending", nil)
				if resp, err := b.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
					t.Errorf("pending = %v, %v; want 404: nothing to confirm", resp, err)
				} else {
					resp.Body.Close()
				}
			}
		})
	}
}

// clientForm is one of Beacon's state-changing routes, set up so that the
// right CSRF token makes it work.
type clientForm struct {
	prepare func(h *harness)
	form    url.Values
	// formFor, when set, gives the form instead of form, for fields that
	// depend on the harness.
	formFor func(h *harness) url.Values
}

// values returns a copy of f's form for h.
func (f clientForm) values(h *harness) url.Values {
	src := f.form
	if f.formFor != nil {
		src = f.formFor(h)
	}
	out := url.Values{}
	for k, vv := range src {
		out[k] = vv
	}
	return out
}

// clientForms are Beacon's POST routes (client/routes.go) by path.
var clientForms = map[string]clientForm{
	"/admin/crm/salesforce": {prepare: func(h *harness) {}, form: url.Values{
		"consumerKey": {sfKey}, "consumerSecret": {sfSecret}}},
	"/admin/crm/salesforce/client-credentials": {prepare: func(h *harness) {}, formFor: func(h *harness) url.Values {
		return url.Values{"connectionType": {"clientCredentials"}, "consumerKey": {sfKey},
			"consumerSecret": {sfSecret}, "myDomainUrl": {h.sf.org.InstanceURL}}
	}},
	"/admin/crm/salesforce/confirm": {prepare: func(h *harness) {
		h.saveCredentials(sfKey, sfSecret)
		if r := h.login("allow", nil); !strings.Contains(r.body, `data-ok="true"`) {
			h.t.Fatalf("login:\n%s", r.body)
		}
	}},
	"/admin/crm/salesforce/cancel": {prepare: func(h *harness) {
		h.saveCredentials(sfKey, sfSecret)
		h.login("allow", nil)
	}},
	"/admin/crm/salesforce/sync": {prepare: func(h *harness) {
		h.connect()
		h.waitStatus("field sync", fieldSyncComplete)
	}},
	"/admin/crm/salesforce/disconnect": {prepare: func(h *harness) {
		h.connect()
		h.waitStatus("field sync", fieldSyncComplete)
	}},
}

// clientPostRoutes reads routes.go and returns the paths of its POST routes.
func clientPostRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`mux\.Handle\("(POST|PUT|PATCH|DELETE) ([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[2])
	}
	if len(out) < 3 {
		t.Fatalf("found only %v in routes.go; the pattern no longer matches it", out)
	}
	return out
}

// clientState is what a forged post could change, as the page shows it.
type clientState struct {
	Connected            bool
	Connection           string
	FieldSync, Sync      string
	Pending, Credentials int
	ConsumerKey          string
}

var consumerKeyValue = regexp.MustCompile(`id="consumerKey" name="consumerKey" type="text" value="([^"]*)"`)

func (h *harness) state() clientState {
	h.t.Helper()
	s := h.status()
	page := h.get("/admin/crm/salesforce")
	st := clientState{Connected: s.Connected, Connection: s.Connection, FieldSync: s.FieldSync.State, Sync: s.Sync.State,
		Pending: h.get("/admin/crm/salesforce/pending").status}
	if strings.Contains(page.body, `id="loginWithSalesforce"`) {
		st.Credentials = 1
	}
	if m := consumerKeyValue.FindStringSubmatch(page.body); m != nil {
		st.ConsumerKey = m[1]
	}
	return st
}

// Every POST route of Beacon refuses a request without the session's CSRF
// token (form field or header), with a wrong one, with another session's,
// and a cross-site one even with the right token: 403 and no change. The
// same request with the right token works. The routes are read from
// routes.go, so a new one cannot be left out.
func TestSecurityClientCSRFOnEveryForm(t *testing.T) {
	t.Parallel()
	for _, path := range clientPostRoutes(t) {
		if _, ok := clientForms[path]; !ok {
			t.Errorf("routes.go has POST %s, which this test does not cover", path)
		}
	}
	for path, f := range clientForms {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			f.prepare(h)
			token := h.csrf()
			other := h.newAgent()
			otherToken := other.csrf()
			variants := []struct {
				name          string
				field, header string
				extra         [2]string
			}{
				{name: "no token"},
				{name: "wrong token in the form", field: "not-the-token"},
				{name: "wrong token in the header", header: "not-the-token"},
				{name: "another session's token in the form", field: otherToken},
				{name: "another session's token in the header", header: otherToken},
				{name: "right token in the form, cross-site", field: token, extra: [2]string{"Sec-Fetch-Site", "cross-site"}},
				{name: "right token in the header, other origin", header: token, extra: [2]string{"Origin", "https://evil.test"}},
			}
			for _, v := range variants {
				before := h.state()
				form := f.values(h)
				if v.field != "" {
					form.Set("csrf_token", v.field)
				}
				req, _ := http.NewRequest(http.MethodPost, h.clientURL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if v.header != "" {
					req.Header.Set("X-CSRF-Token", v.header)
				}
				if v.extra[0] != "" {
					req.Header.Set(v.extra[0], v.extra[1])
				}
				if r := h.do(req); r.status != http.StatusForbidden {
					t.Errorf("%s: %d; want 403\n%s", v.name, r.status, r.body)
				}
				if after := h.state(); after != before {
					t.Errorf("%s: the post changed the state:\nbefore %+v\nafter  %+v", v.name, before, after)
				}
			}
			before := h.state()
			form := f.values(h)
			form.Set("csrf_token", token)
			if r := h.postForm(path, form); r.status == http.StatusForbidden || r.status >= 500 {
				t.Fatalf("with the right token: %d\n%s", r.status, r.body)
			}
			if path == "/admin/crm/salesforce/sync" {
				h.waitStatus("the sync", func(s status) bool { return s.Sync.State != "not_started" })
			}
			if after := h.state(); after == before {
				t.Errorf("with the right token the post changed nothing: the test does not reach the route")
			}
		})
	}
}

// What Beacon shows from the admin (a refused Consumer Key or My Domain
// URL) and from the callback's query (error, error_description) is escaped.
func TestSecurityXSSReflected(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, payload := range []string{xsstest.Script, xsstest.Attr} {
		t.Run(payload, func(t *testing.T) {
			r := h.postForm("/admin/crm/salesforce", url.Values{"csrf_token": {h.csrf()}, "consumerKey": {payload}, "consumerSecret": {payload}})
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("save = %d; want 422", r.status)
			}
			xsstest.CheckEscaped(t, "the Consumer Key refused", r.body, payload, true)
			r = h.postForm("/admin/crm/salesforce/client-credentials", url.Values{"csrf_token": {h.csrf()}, "connectionType": {"clientCredentials"},
				"consumerKey": {payload}, "consumerSecret": {payload}, "myDomainUrl": {payload}})
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("client credentials connect = %d; want 422", r.status)
			}
			xsstest.CheckEscaped(t, "the My Domain URL refused", r.body, payload, true)

			// Salesforce's error comes back with the login's state; a
			// wrong state is refused before the error is even read.
			h.saveCredentials(sfKey, sfSecret)
			r = h.get("/salesforce/getSfdcOAuthTokensRedirect?" + url.Values{"error": {payload}, "error_description": {payload}, "state": {h.pendingState()}}.Encode())
			xsstest.CheckEscaped(t, "the callback's error", r.body, "Salesforce login failed: "+payload+": "+payload, true)
			if !strings.Contains(r.body, `data-error="`+template.HTMLEscapeString(payload)+`"`) {
				t.Errorf("the callback page does not hand the error to the opener escaped:\n%s", r.body)
			}
			r = h.get("/salesforce/getSfdcOAuthTokensRedirect?" + url.Values{"code": {payload}, "state": {payload}}.Encode())
			xsstest.CheckEscaped(t, "the callback with a forged code", r.body, "", false)
		})
	}
}

// What Salesforce sends Beacon is shown escaped: the connected user's
// names, which reach the page only as JSON, and an error message of the
// REST API, which the page shows as the sync's last error.
func TestSecurityXSSFromSalesforce(t *testing.T) {
	t.Parallel()
	w := newSecurityWorld(t, securityOptions{firstName: xsstest.Attr, lastName: xsstest.Script})
	w.saveCredentials(sfKey, sfSecret)
	if page := w.login("allow", nil).body; !strings.Contains(page, `data-ok="true"`) {
		t.Fatalf("callback page:\n%s", page)
	}
	r := w.get("/admin/crm/salesforce/pending")
	body := r.body
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || r.header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("pending answered %q without nosniff; want JSON only", ct)
	}
	xsstest.CheckEscaped(t, "pending", body, "", false)
	var pending struct{ DisplayName string }
	if json.Unmarshal([]byte(body), &pending); pending.DisplayName != xsstest.Attr+" "+xsstest.Script {
		t.Errorf("pending display name %q; want the user's names as they are", pending.DisplayName)
	}
	if r := w.action("/admin/crm/salesforce/confirm"); r.status != http.StatusOK {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	w.waitStatus("field sync", fieldSyncComplete)
	page := w.get("/admin/crm/salesforce").body
	xsstest.CheckEscaped(t, "the connected page", page, "", false)

	// A REST API error whose message is a script.
	w.srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "INVALID_FIELD", Status: http.StatusBadRequest, Message: xsstest.Script + xsstest.Attr})
	if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s := w.waitStatus("the sync failure", func(s status) bool { return strings.Contains(s.Sync.LastError+s.Sync.Text, "alert(1)") })
	page = w.get("/admin/crm/salesforce").body
	xsstest.CheckEscaped(t, "the sync error", page, xsstest.Script+xsstest.Attr, true)
	if !strings.Contains(s.Sync.LastError+s.Sync.Text, xsstest.Script) {
		t.Errorf("status = %+v; want the message", s.Sync)
	}
}

// Forms over 64 KiB are refused with 413 on every POST route, before the
// CSRF token is even looked for; a body sent with the CSRF header is not
// read at all.
func TestSecurityClientOversizedBodies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	token := h.csrf()
	big := url.Values{"csrf_token": {token}, "pad": {strings.Repeat("a", 64<<10)}}.Encode()
	for _, path := range clientPostRoutes(t) {
		before := h.state()
		req, _ := http.NewRequest(http.MethodPost, h.clientURL+path, strings.NewReader(big))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if r := h.do(req); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s with a form over 64 KiB = %d; want 413", path, r.status)
		}
		req, _ = http.NewRequest(http.MethodPost, h.clientURL+path, strings.NewReader(strings.Repeat("a", 1<<20)))
		req.Header.Set("X-CSRF-Token", token)
		req.Header.Set("Accept", "application/json")
		if r := h.do(req); r.status >= 500 {
			t.Errorf("POST %s with the header and a 1 MiB body = %d", path, r.status)
		}
		if path == "/admin/crm/salesforce" {
			continue // the header post saved nothing valid, but may answer 422
		}
		if after := h.state(); after != before {
			t.Errorf("POST %s: the oversized body changed the state", path)
		}
	}
}

// A whole flow (a wrong password first, then login, emailed code, Allow,
// confirm, field and record sync, a refresh forced by an expired session,
// and disconnect) leaves no access token, refresh token, ID token, consumer
// secret, password, verification code or authorization code in mocksf's
// logs or Beacon's, both at debug level, nor in the clear in mocksf's
// request journal, which masks them.
func TestSecuritySecretsAbsentFromLogs(t *testing.T) {
	t.Parallel()
	w := newSecurityWorld(t, securityOptions{})
	w.saveCredentials(sfKey, sfSecret)

	// A wrong password on mocksf's login page first.
	ctx := context.Background()
	const wrongPassword = "Wrong-Pass-9"
	stray := w.srv.Control.NewBrowser("")
	p, err := stray.Get(ctx, w.sfURL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stray.Submit(ctx, p, mocksfclient.FormLogin, url.Values{"username": {syncUser}, "pw": {wrongPassword}}); err != nil {
		t.Fatal(err)
	}

	// The flow, keeping the authorization code on the way.
	var code string
	w.login("allow", func(u *url.URL) { code = u.Query().Get("code") })
	if code == "" {
		t.Fatal("no authorization code")
	}
	if r := w.action("/admin/crm/salesforce/confirm"); r.status != http.StatusOK {
		t.Fatalf("confirm = %d %s", r.status, r.body)
	}
	w.waitStatus("field sync", fieldSyncComplete)
	w.action("/admin/crm/salesforce/sync")
	w.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
	// The next REST call finds its session expired: Beacon refreshes.
	w.srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "INVALID_SESSION_ID", Times: 1})
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(w.beaconLogs.String(), "salesforce access token refreshed") {
		if time.Now().After(deadline) {
			t.Fatalf("no refresh in Beacon's logs:\n%s", w.beaconLogs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	page2 := w.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {w.csrf()}}).body
	if !strings.Contains(page2, "Disconnected from Salesforce") {
		t.Fatalf("disconnect:\n%s", page2)
	}

	secrets := map[string]string{"consumer secret": sfSecret, "password": syncPass, "wrong password": wrongPassword, "authorization code": code}
	for i, m := range w.sf.Mailer().Sent(syncUser) {
		secrets[fmt.Sprintf("verification code %d", i+1)] = m.Code
	}
	tokens := w.tap.issued()
	if len(tokens) < 3 { // the exchange's access and refresh tokens, the refresh's access token
		t.Fatalf("the tap saw %d tokens; want the exchange's and the refresh's", len(tokens))
	}
	for i, tok := range tokens {
		secrets[fmt.Sprintf("token %d (%.7s…)", i+1, tok)] = tok
	}
	var journal json.RawMessage // as it came, to look for the secrets in
	if err := w.srv.Control.Do(ctx, "GET", "/__mocksf/requests", nil, http.StatusOK, &journal); err != nil {
		t.Fatal(err)
	}
	// The journal saw the secrets go by, masked.
	for _, want := range []string{`"client_secret":["0123****"]`, `"pw":["Sync****"]`, `"refresh_token":["5Aep****"]`} {
		if !strings.Contains(string(journal), want) {
			t.Errorf("the journal lacks %s: it did not see the flow, or does not mask", want)
		}
	}
	sources := map[string]string{"mocksf's logs": w.sfLogs.String(), "Beacon's logs": w.beaconLogs.String(), "mocksf's journal": string(journal)}
	if !strings.Contains(sources["Beacon's logs"], "salesforce login complete") {
		t.Fatalf("Beacon's logs do not show the flow:\n%s", sources["Beacon's logs"])
	}
	for what, secret := range secrets {
		if len(secret) < 6 {
			t.Fatalf("%s %q is too short to look for", what, secret)
		}
		// Codes are digits: look for them as a whole number only.
		pattern := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(secret) + `($|[^0-9A-Za-z])`)
		if !regexp.MustCompile(`^[0-9]+$`).MatchString(secret) {
			pattern = regexp.MustCompile(regexp.QuoteMeta(secret))
		}
		for where, text := range sources {
			if pattern.MatchString(text) {
				t.Errorf("%s holds the %s", where, what)
			}
		}
	}
}

// A forged error link (no state, or another state) neither ends the
// admin's login in progress nor shows the forger's text.
func TestSecurityForgedErrorCallbackKeepsTheLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.saveCredentials(sfKey, sfSecret)
	state := h.pendingState()
	for _, forged := range []url.Values{
		{"error": {"access_denied"}, "error_description": {"forged"}},
		{"error": {"access_denied"}, "error_description": {"forged"}, "state": {"x" + state}},
	} {
		r := h.get("/salesforce/getSfdcOAuthTokensRedirect?" + forged.Encode())
		if r.status != http.StatusBadRequest || strings.Contains(r.body, "forged") {
			t.Errorf("forged error callback = %d; want 400 state mismatch without the forged text\n%s", r.status, r.body)
		}
	}
	r := h.get("/salesforce/getSfdcOAuthTokensRedirect?" + url.Values{"error": {"access_denied"}, "error_description": {"end-user denied authorization"}, "state": {state}}.Encode())
	if r.status != http.StatusOK || !strings.Contains(r.body, "You denied access in Salesforce") {
		t.Errorf("the real answer after forged ones = %d; want the login's own result\n%s", r.status, r.body)
	}
}

// Break 12: a full disk left the sync failed with SQLite's own words
// ("store: save Lead records: database or disk is full (13)"). The
// status now says, in the admin's words, that the disk is full and what
// to do, and names none of Beacon's internals; Beacon serves on.
func TestSecurityFullDiskDuringSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 300)
	csrf := h.connect()
	h.waitStatus("field sync", fieldSyncComplete)
	if err := client.SimulateFullDisk(h.beacon); err != nil {
		t.Fatal(err)
	}
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s := h.waitStatus("the sync to fail", func(s status) bool { return s.Sync.State == "failed" })
	for _, text := range []string{s.Sync.Text, s.Sync.LastError} {
		if !strings.Contains(text, "the disk that holds its database is full") {
			t.Errorf("sync status says %q; want it to say the disk is full", text)
		}
		for _, internal := range []string{"sqlite", "SQLITE", "(13)", "database or disk is full", "store:"} {
			if strings.Contains(text, internal) {
				t.Errorf("sync status says %q; want none of Beacon's internals (%q)", text, internal)
			}
		}
	}
	if n := s.Sync.Counts["Lead"]; n != 0 {
		t.Errorf("%d Leads counted after the failed save; want 0", n)
	}
	if r := h.get("/admin/crm/salesforce"); r.status != http.StatusOK {
		t.Errorf("Salesforce page after the failure = %d; want 200", r.status)
	}
}
