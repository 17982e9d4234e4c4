package client_test

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// agent is someone at a browser on Beacon's pages: a cookie jar of its
// own, and the requests the pages and their scripts make.
type agent struct {
	t    *testing.T
	base string // Beacon's URL
	hc   *http.Client
}

// response is what Beacon (or mocksf, after redirects) answered.
type response struct {
	status int
	header http.Header
	body   string
	url    *url.URL // after the redirects followed
}

// newBrowser returns an HTTP client with its own cookie jar.
func newBrowser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

// newAgent is another person at another browser on the same Beacon.
func (a *agent) newAgent() *agent { return &agent{t: a.t, base: a.base, hc: newBrowser(a.t)} }

// noRedirects is the same browser stopping at redirects.
func (a *agent) noRedirects() *agent {
	hc := *a.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &agent{t: a.t, base: a.base, hc: &hc}
}

func (a *agent) do(req *http.Request) response {
	a.t.Helper()
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(body), url: resp.Request.URL}
}

// abs resolves a path on Beacon; a whole URL stays as it is.
func (a *agent) abs(u string) string {
	if strings.HasPrefix(u, "/") {
		return a.base + u
	}
	return u
}

func (a *agent) get(u string) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.abs(u), nil)
	return a.do(req)
}

// postForm posts a form as the page's form would.
func (a *agent) postForm(u string, form url.Values) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.abs(u), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// postAction posts as the page's script does, with the CSRF header.
func (a *agent) postAction(path, csrf string) response {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.abs(path), nil)
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Accept", "application/json")
	return a.do(req)
}

// action is postAction with the session's own token.
func (a *agent) action(path string) response {
	a.t.Helper()
	return a.postAction(path, a.csrf())
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`)

// csrf loads the Salesforce page and returns its CSRF token.
func (a *agent) csrf() string {
	a.t.Helper()
	r := a.get("/admin/crm/salesforce")
	m := csrfMeta.FindStringSubmatch(r.body)
	if m == nil {
		a.t.Fatalf("no csrf-token meta tag in the page:\n%s", r.body)
	}
	return html.UnescapeString(m[1])
}

// saveCredentials saves a connected app's consumer key and secret.
func (a *agent) saveCredentials(key, secret string) {
	a.t.Helper()
	r := a.postForm("/admin/crm/salesforce", url.Values{"csrf_token": {a.csrf()}, "consumerKey": {key}, "consumerSecret": {secret}})
	if r.status != http.StatusOK || !strings.Contains(r.body, "Credentials saved.") {
		a.t.Fatalf("saving credentials: %d\n%s", r.status, r.body)
	}
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

func (a *agent) status() status {
	a.t.Helper()
	r := a.get("/admin/crm/salesforce/status")
	var s status
	if err := json.Unmarshal([]byte(r.body), &s); err != nil || r.status != http.StatusOK {
		a.t.Fatalf("status: %d %s: %v", r.status, r.body, err)
	}
	return s
}

// waitStatus polls the status, as the page does, until ok accepts it.
func (a *agent) waitStatus(what string, ok func(status) bool) status {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := a.status()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("timed out waiting for %s; last status: %+v", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fieldSyncComplete(s status) bool { return s.FieldSync.Complete }
