package client_test

import (
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// startSync connects, waits for the field sync and starts the record sync;
// it returns the session's CSRF token.
func (h *harness) startSync() string {
	h.t.Helper()
	csrf := h.connect()
	h.waitStatus("field sync", fieldSyncComplete)
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		h.t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	return csrf
}

func TestDisconnect(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 3)
	h.startSync()
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })

	page := h.get("/admin/crm/salesforce").body
	for _, want := range []string{
		`<form id="disconnect-form" method="post" action="/admin/crm/salesforce/disconnect">`,
		`<button id="disconnect" type="submit" class="secondary">Disconnect</button>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Without the CSRF token nothing happens.
	if r := h.postForm("/admin/crm/salesforce/disconnect", url.Values{}); r.status != http.StatusForbidden {
		t.Fatalf("disconnect without CSRF = %d; want 403", r.status)
	}
	if !h.status().Connected {
		t.Fatal("disconnected without a CSRF token")
	}

	r := h.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {h.csrf()}})
	if r.status != http.StatusOK || !strings.Contains(r.body, `<p id="message" class="notice notice-ok" role="status">Disconnected from Salesforce: Beacon revoked its access and stopped the sync.</p>`) {
		t.Fatalf("disconnect = %d; want the page with the notice\n%s", r.status, r.body)
	}
	if strings.Contains(r.body, `<section id="salesforce-sync" class="card" aria-labelledby="sync-title">`) {
		t.Error("the connection section still shows")
	}
	if got := h.sf.revoked(); len(got) != 1 || !strings.HasPrefix(got[0], "5Aep") {
		t.Errorf("revoked %q; want the refresh token", got)
	}
	s := h.status()
	if s.Connected || s.Sync.State != "not_started" || s.FieldSync.Complete {
		t.Errorf("status after disconnect = %+v; want not connected, nothing running", s)
	}
	// The sync stopped: no more queries.
	before := len(h.sf.Queries())
	time.Sleep(200 * time.Millisecond)
	if after := len(h.sf.Queries()); after != before {
		t.Errorf("%d queries after the disconnect; want none", after-before)
	}
	if r := h.postAction("/admin/crm/salesforce/disconnect", h.csrf()); r.status != http.StatusConflict {
		t.Errorf("second disconnect = %d; want 409", r.status)
	}
	if r := h.postAction("/admin/crm/salesforce/sync", h.csrf()); r.status != http.StatusConflict {
		t.Errorf("start sync after disconnect = %d; want 409", r.status)
	}
}

func TestDisconnectRevokeFails(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.connect()
	h.waitStatus("field sync", fieldSyncComplete)
	csrf := h.csrf()
	dropped := h.sf.DropConnections(t, 0)
	r := h.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {csrf}})
	hits := h.sf.Hits(t, dropped).HitCount
	h.sf.RemoveFault(t, dropped)
	if r.status != http.StatusOK || !strings.Contains(r.body, `could not revoke its access at Salesforce: Cannot reach Salesforce`) ||
		!strings.Contains(r.body, `Setup, Connected Apps OAuth Usage`) || !strings.Contains(r.body, `<div id="error" class="notice notice-error" role="alert"><p>`) {
		t.Fatalf("disconnect = %d; want the page with the revocation problem in #error\n%s", r.status, r.body)
	}
	if h.status().Connected {
		t.Error("still connected")
	}
	if n := hits; n != 4 {
		t.Errorf("mocksf dropped %d revocations; want 4 (3 retries)", n)
	}
}

func TestRestartResumesSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{dbPath: filepath.Join(t.TempDir(), "beacon.db")})
	sf := h.sf
	sf.PageSize(t, 200)
	sf.addRecords(t, "Lead", 500)
	sf.addRecords(t, "Contact", 2)

	hold := sf.Fault(t, mocksftest.Rule{Path: mocksftest.QueryMorePath, Hold: true})
	h.startSync()
	h.waitStatus("the first Lead page", func(s status) bool { return s.Sync.Counts["Lead"] == 200 && sf.Hits(t, hold).HitCount == 1 })

	// Stop Beacon in the middle of the paging, then start it again.
	h.restart()
	sf.RemoveFault(t, hold) // releases a queryMore the resumed sync may have sent already
	s := h.waitStatus("the resumed sync", func(s status) bool { return s.Sync.State == "running" })
	if s.Sync.Counts["Lead"] != 500 || s.Sync.Counts["Contact"] != 2 || s.Sync.Counts["Account"] != 0 {
		t.Errorf("counts = %v; want Lead 500, Contact 2, Account 0", s.Sync.Counts)
	}
	if s.Connection != "Connected as "+syncUser || !s.FieldSync.Complete {
		t.Errorf("status = %+v; want the connection and field map kept", s)
	}
	var full int
	for _, q := range sf.Queries() {
		if strings.Contains(q, "FROM Lead") && !strings.Contains(q, "WHERE") {
			full++
		}
	}
	if full != 1 {
		t.Errorf("the full Lead query ran %d times; want once: the resumed sync follows the saved nextRecordsUrl", full)
	}
	page := h.get("/admin/crm/salesforce").body
	if !strings.Contains(page, `<span id="savedSecret">••••••••`+sfSecret[len(sfSecret)-4:]+`</span>`) {
		t.Error("the saved credentials did not survive the restart")
	}
	if !strings.Contains(page, `<td id="count-Lead">500</td>`) {
		t.Error("page lacks the Lead count")
	}

	// Changes keep flowing after the restart, and so do deletions.
	ids := sf.addRecords(t, "Contact", 1)
	h.waitStatus("the new contact", func(s status) bool { return s.Sync.Counts["Contact"] == 3 })
	sf.DeleteRecord(t, sf.org.ID, "Contact", ids[0])
	h.waitStatus("the deletion", func(s status) bool { return s.Sync.Counts["Contact"] == 2 })
}

func TestRestartKeepsPendingLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, harnessOptions{dbPath: filepath.Join(t.TempDir(), "beacon.db")})
	h.saveCredentials(sfKey, sfSecret)
	if r := h.login("allow", nil); !strings.Contains(r.body, `data-ok="true"`) {
		t.Fatalf("login: %s", r.body)
	}
	h.restart()
	// The session is gone with the old process; a new page load starts one.
	if r := h.postAction("/admin/crm/salesforce/confirm", h.csrf()); r.status != http.StatusOK {
		t.Fatalf("confirm after restart = %d %s", r.status, r.body)
	}
	h.waitStatus("field sync", fieldSyncComplete)
}

func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 2)
	csrf := h.startSync()
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
	h.sf.expireSessions() // a refresh
	h.sf.addRecords(t, "Lead", 1)
	h.waitStatus("pull after refresh", func(s status) bool { return s.Sync.Counts["Lead"] == 3 })
	h.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {csrf}})

	logs := h.logs.String()
	if !strings.Contains(logs, "salesforce access token refreshed") {
		t.Fatalf("the logs do not show the flow:\n%s", logs)
	}
	for _, secret := range []string{sfSecret, "5Aep861", "!AQ", "code=", "code_verifier"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
}

func TestExchangeWithWrongSecret(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.postForm("/admin/crm/salesforce", url.Values{
		"csrf_token": {h.csrf()}, "consumerKey": {sfKey}, "consumerSecret": {"9999999999999999999"},
	})
	if r.status != http.StatusOK {
		t.Fatalf("save = %d", r.status)
	}
	r = h.login("allow", nil)
	if !strings.Contains(r.body, `data-error="invalid_client"`) || !strings.Contains(r.body, "check the Consumer Secret, save it again") {
		t.Errorf("callback with a wrong secret:\n%s", r.body)
	}
	if p := h.get("/admin/crm/salesforce/pending"); p.status != http.StatusNotFound {
		t.Errorf("pending = %d; want 404", p.status)
	}
}

func TestInvalidSessionAfterRefresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 1)
	h.startSync()
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
	h.sf.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "INVALID_SESSION_ID"})
	s := h.waitStatus("failure", func(s status) bool { return s.Sync.State == "failed" })
	want := "Salesforce rejected Beacon's session (INVALID_SESSION_ID) even after a token refresh: click Login with Salesforce to log in again."
	if s.Sync.LastError != want || s.Sync.Text != "Sync failed: "+want {
		t.Errorf("sync = %+v; want %q", s.Sync, want)
	}
	if n := h.sf.grants("refresh_token"); n != 1 {
		t.Errorf("mocksf saw %d refreshes; want exactly 1", n)
	}
	page := h.get("/admin/crm/salesforce").body
	if !strings.Contains(page, `<span id="last-error">`+html.EscapeString(want)+`</span>`) {
		t.Error("page lacks the error in #last-error")
	}
}

func TestNetworkFailuresAreRetried(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Account", 2)
	h.startSync()
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })

	// A short outage: the client's own retries with backoff hide it.
	h.sf.DropConnections(t, 2)
	h.sf.addRecords(t, "Account", 1)
	h.waitStatus("the new account", func(s status) bool { return s.Sync.Counts["Account"] == 3 })
	if s := h.status(); s.Sync.LastError != "" || s.Sync.State != "running" {
		t.Errorf("sync after a short outage = %+v; want running without error", s.Sync)
	}

	// A long one: the page says so, and the sync goes on afterwards.
	outage := h.sf.DropConnections(t, 0)
	s := h.waitStatus("the outage", func(s status) bool { return s.Sync.LastError != "" })
	if !strings.HasPrefix(s.Sync.LastError, "Cannot reach Salesforce: ") || !strings.HasSuffix(s.Sync.LastError, "Beacon retries automatically, waiting longer after each failure.") {
		t.Errorf("last error = %q", s.Sync.LastError)
	}
	if s.Sync.State != "running" || s.Sync.Text != "Sync running" {
		t.Errorf("sync during the outage = %+v; want still running", s.Sync)
	}
	h.sf.RemoveFault(t, outage)
	h.sf.addRecords(t, "Account", 1)
	h.waitStatus("the recovery", func(s status) bool { return s.Sync.LastError == "" && s.Sync.Counts["Account"] == 4 })
}

func TestDatabaseKey(t *testing.T) {
	t.Parallel()
	sf := mocksftest.NewServer(t)
	path := filepath.Join(t.TempDir(), "beacon.db")
	cfg := client.Config{SalesforceURL: sf.URL, BaseURL: "http://127.0.0.1:9", DBPath: path}
	srv, err := client.NewServer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()
	// The generated key file opens it again; another key does not.
	srv, err = client.NewServer(cfg)
	if err != nil {
		t.Fatalf("reopen with the key file: %v", err)
	}
	srv.Close()
	cfg.EncryptionKey = make([]byte, 32)
	if _, err := client.NewServer(cfg); err == nil || !strings.Contains(err.Error(), "another encryption key") {
		t.Errorf("NewServer with another key = %v; want an error about the key", err)
	}
	cfg.EncryptionKey = []byte("short")
	if _, err := client.NewServer(cfg); err == nil {
		t.Error("NewServer with a 5-byte key succeeded")
	}
}

func TestConsumerSecretRotation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.sf.addRecords(t, "Lead", 2)
	csrf := h.startSync()
	h.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })

	// The secret is rotated in Salesforce: the next refresh is refused.
	const rotated = "2955279925675241572"
	h.sf.rotateSecret(t, rotated)
	h.sf.expireSessions()
	s := h.waitStatus("the failure", func(s status) bool { return s.Sync.State == "failed" })
	if !strings.Contains(s.Sync.Text, "Salesforce rejected the client credentials: check the Consumer Secret, save it again") {
		t.Errorf("sync = %q; want the invalid_client explanation", s.Sync.Text)
	}
	// The admin saves the new secret and starts the sync again.
	r := h.postForm("/admin/crm/salesforce", url.Values{"csrf_token": {csrf}, "consumerKey": {sfKey}, "consumerSecret": {rotated}})
	if !strings.Contains(r.body, "Credentials saved.") {
		t.Fatalf("save: %d", r.status)
	}
	if r := h.postAction("/admin/crm/salesforce/sync", csrf); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	h.sf.addRecords(t, "Lead", 1)
	h.waitStatus("the sync with the new secret", func(s status) bool { return s.Sync.State == "running" && s.Sync.Counts["Lead"] == 3 })
}
