package client_test

// Resilience: Beacon against mocksf with faults injected through its
// control API (docs/resilience.md). Each case connects Beacon to an org of
// its own, lets the field sync finish, injects faults scoped to that org,
// starts the record sync and checks that it recovers by itself: every live
// record exactly once, the settings and tokens intact in the database, the
// retries spaced out, and the page's texts while it retries and after.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// Beacon's timings in these tests: short, so that a case takes a second or
// two, in the same proportions as the defaults.
const (
	resTimeout      = time.Second            // HTTPClient.Timeout (default 30s)
	resRetryBackoff = 20 * time.Millisecond  // Config.RetryBackoff (default 500ms)
	resInterval     = 25 * time.Millisecond  // Config.SyncInterval, the record sync's backoff base (default 5s)
	resMaxBackoff   = 200 * time.Millisecond // Config.MaxBackoff (default 5m)
)

// resRecords are the records of each case's org: two pages of leads, of
// 200 records, Salesforce's least batchSize (srv.PageSize) instead of
// 2,000, so that a fault can cut a pull between its pages: the same paging
// with an eighth of the records, which keeps the tests fast under -race.
var resRecords = map[string]int{"Lead": 250, "Contact": 5, "Account": 3}

// Paths of the first page of a SOQL query and of the next ones
// (nextRecordsUrl), as fault rule patterns.
const (
	queryPath     = "/services/data/*/query"
	queryMorePath = "/services/data/*/query/*"
	tokenPath     = "/services/oauth2/token"
)

// Texts of the Sync status (#sync-status) and Last error (#last-error).
const (
	textInitial     = "Initial sync in progress"
	textRunning     = "Sync running"
	textRetrySuffix = "Beacon retries automatically, waiting longer after each failure."
)

// resilienceWorld is Beacon connected to an org of a mocksftest server.
type resilienceWorld struct {
	*mocksfWorld
	org mocksftest.Org
}

func newResilienceWorld(t *testing.T) *resilienceWorld {
	t.Helper()
	w := newWorld(t)
	w.use(mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []"))))
	w.srv.PageSize(t, 200) // query pages of 200 records, under every fault a test adds
	org := w.srv.NewOrg(t, mocksftest.OrgSpec{
		Name: "Resilience",
		Users: []mocksftest.UserSpec{
			{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
			{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"},
		},
		ConnectedApps: []mocksftest.AppSpec{{
			Name: "Beacon Sync", ConsumerKey: sfKey, ConsumerSecret: sfSecret,
			CallbackURLs: []string{w.callbackURL()},
			Scopes:       []string{"api", "refresh_token", "id"},
		}},
		Records: mocksftest.RecordsSpec{Generate: resRecords},
	})
	w.run(client.Config{
		OAuthFeature:  true,
		SyncInterval:  resInterval,
		RetryBackoff:  resRetryBackoff,
		MaxBackoff:    resMaxBackoff,
		HTTPClient:    &http.Client{Transport: w.wire, Timeout: resTimeout},
		DBPath:        filepath.Join(t.TempDir(), "beacon.db"),
		EncryptionKey: bytes.Repeat([]byte{0x5a}, store.KeySize),
	})
	return &resilienceWorld{mocksfWorld: w, org: org}
}

// tokens returns the last refresh and access tokens mocksf issued Beacon.
func (w *resilienceWorld) tokens() (refresh, access string) {
	w.wire.mu.Lock()
	defer w.wire.mu.Unlock()
	if len(w.wire.refresh) == 0 || len(w.wire.access) == 0 {
		w.t.Fatal("mocksf issued Beacon no tokens")
	}
	return w.wire.refresh[len(w.wire.refresh)-1], w.wire.access[len(w.wire.access)-1]
}

// syncView is what the page shows of the record sync: #sync-status and
// #last-error.
type syncView struct {
	State, Text, LastError string
}

// watch polls the status as the page does, every 10ms, and returns a
// function that stops and returns every distinct view seen, in order.
func (w *resilienceWorld) watch() (stop func() []syncView) {
	ctx, cancel := context.WithCancel(context.Background())
	var (
		mu   sync.Mutex
		seen []syncView
		done = make(chan struct{})
	)
	hc := &http.Client{Timeout: 5 * time.Second}
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, w.clientURL+"/admin/crm/salesforce/status", nil)
			req.Header.Set("Accept", "application/json")
			if resp, err := hc.Do(req); err == nil {
				var s status
				if json.NewDecoder(resp.Body).Decode(&s) == nil {
					v := syncView{s.Sync.State, s.Sync.Text, s.Sync.LastError}
					mu.Lock()
					if len(seen) == 0 || seen[len(seen)-1] != v {
						seen = append(seen, v)
					}
					mu.Unlock()
				}
				resp.Body.Close()
			}
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() []syncView {
		cancel()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(seen)
	}
}

// liveIDs returns the ids of the org's live records of object in mocksf.
func (w *resilienceWorld) liveIDs(object string) []string {
	var ids []string
	for _, r := range w.sf.Store().Records(w.org.ID, object) {
		if !r.IsDeleted {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// waitFor waits up to 15 seconds for ok.
func (w *resilienceWorld) waitFor(what string, ok func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			w.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// okRequests counts the org's requests on path that mocksf answered 200.
func (w *resilienceWorld) okRequests(path string) int {
	return len(w.srv.Requests(mocksftest.RequestFilter{Org: w.org.ID, Path: path, Status: http.StatusOK}))
}

// faultCase is one kind of fault and what Beacon must do about it.
type faultCase struct {
	name string
	// expireSession revokes the access token Beacon holds before the sync
	// starts, as when its session timed out: the first REST call answers
	// 401 INVALID_SESSION_ID and Beacon refreshes the token.
	expireSession bool
	// faults are added, scoped to the case's org, before the sync starts.
	faults []mocksftest.Rule
	// wantError is how #last-error starts while Beacon retries; "" means
	// it must stay empty throughout.
	wantError string
	// minSpan is the least time between the first and the last fault hit
	// that Beacon's backoff guarantees (the waits have no negative jitter).
	minSpan time.Duration
}

func TestResilienceToFaults(t *testing.T) {
	t.Parallel()
	tests := []faultCase{
		{
			// Three refreshes in a row meet a 500. Each fails the pull; the
			// record sync waits 50ms, then 100ms (2×, 4× SyncInterval) and
			// refreshes again with the refresh token it kept.
			name:          "token endpoint 500 during refresh",
			expireSession: true,
			faults:        []mocksftest.Rule{{Method: "POST", Path: tokenPath, Status: http.StatusInternalServerError, Times: 3}},
			wantError:     "Salesforce is not available right now (HTTP 500). " + textRetrySuffix,
			minSpan:       2*resInterval + 4*resInterval,
		},
		{
			// The recipe for scenarios, which cannot expire a session
			// through the control API: a REST call answers 401
			// INVALID_SESSION_ID, Beacon refreshes, the token endpoint
			// answers 500; twice. Then the old session works again.
			name: "token endpoint 500 after INVALID_SESSION_ID",
			faults: []mocksftest.Rule{
				{Method: "GET", Path: queryPath, SalesforceError: "INVALID_SESSION_ID", Times: 2},
				{Method: "POST", Path: tokenPath, Status: http.StatusInternalServerError, Times: 2},
			},
			wantError: "Salesforce is not available right now (HTTP 500). " + textRetrySuffix,
			minSpan:   2 * resInterval,
		},
		{
			// Two refreshes get no answer within the HTTP timeout (mocksf
			// holds them three times as long).
			name:          "token endpoint timeout",
			expireSession: true,
			faults:        []mocksftest.Rule{{Method: "POST", Path: tokenPath, Delay: 3 * resTimeout, Times: 2}},
			wantError:     "Salesforce did not answer in time (the request timed out). " + textRetrySuffix,
			minSpan:       resTimeout + 2*resInterval,
		},
		{
			// Two refreshes get their connection cut without an answer. A
			// POST is not sent again by net/http, nor at once by Beacon:
			// the record sync waits 50ms, then 100ms.
			name:          "dropped connection on the token endpoint",
			expireSession: true,
			faults:        []mocksftest.Rule{{Method: "POST", Path: tokenPath, Drop: true, Times: 2}},
			wantError:     "Cannot reach Salesforce: ",
			minSpan:       2 * resInterval,
		},
		{
			// The first page's query is cut six times: a burst of four
			// quick tries (waits of 20, 40, 80ms) fails, the page shows it,
			// the next round gets through. Then the second page is cut
			// twice, which the quick retries hide; the pull goes on from the
			// saved nextRecordsUrl.
			name: "dropped connection on REST",
			faults: []mocksftest.Rule{
				{Method: "GET", Path: queryPath, Drop: true, Times: 6},
				{Method: "GET", Path: queryMorePath, Drop: true, Times: 2},
			},
			wantError: "Cannot reach Salesforce: ",
			minSpan:   (1 + 2 + 4) * resRetryBackoff,
		},
		{
			// As for a cut connection: 503 is retried at once, with backoff.
			name: "REST 503",
			faults: []mocksftest.Rule{
				{Method: "GET", Path: queryPath, SalesforceError: "SERVER_UNAVAILABLE", Times: 5},
				{Method: "GET", Path: queryMorePath, Status: http.StatusServiceUnavailable,
					Body: "<html>Down for maintenance</html>", ContentType: "text/html", Times: 2},
			},
			wantError: "Salesforce is not available right now (HTTP 503). " + textRetrySuffix,
			minSpan:   (1+2+4)*resRetryBackoff + 2*resInterval,
		},
		{
			// The daily limit is not retried at once: each hit waits for
			// the record sync's backoff, 50, 100, then 200ms (the cap).
			name: "REST 403 REQUEST_LIMIT_EXCEEDED",
			faults: []mocksftest.Rule{
				{Method: "GET", Path: queryPath, SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 3},
				{Method: "GET", Path: queryMorePath, SalesforceError: "REQUEST_LIMIT_EXCEEDED", Times: 1},
			},
			wantError: "Salesforce's daily API request limit is used up; the sync will try again later.",
			minSpan:   2*resInterval + 4*resInterval + resMaxBackoff,
		},
		{
			// Slow answers within the timeout are no failure: nothing is
			// retried and no error shows. The initial sync makes exactly
			// four REST calls (two pages of leads, contacts, accounts).
			name:      "slow REST responses",
			faults:    []mocksftest.Rule{{Method: "GET", Path: "/services/data/**", Delay: resTimeout / 5, Times: 4}},
			wantError: "",
			minSpan:   3 * resTimeout / 5,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testFault(t, tc)
		})
	}
}

func testFault(t *testing.T, tc faultCase) {
	w := newResilienceWorld(t)
	w.connect()
	w.waitStatus("field sync", fieldSyncComplete)
	refresh, access := w.tokens()
	if tc.expireSession {
		if err := w.sf.Store().Revoke(access); err != nil {
			t.Fatalf("revoking the access token: %v", err)
		}
	}
	var faults []mocksftest.Fault
	for _, r := range tc.faults {
		r.OrgID = w.org.ID
		faults = append(faults, w.srv.Fault(t, r))
	}

	stop := w.watch()
	started := time.Now()
	if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s := w.waitStatus("the recovered initial sync", func(s status) bool { return s.Sync.State == "running" })
	recovered := time.Since(started)
	views := stop()

	// Every fault was used up, and the retries were spaced out.
	var hits []time.Time
	for _, f := range faults {
		got := w.srv.Hits(t, f)
		if got.Active || got.HitCount != f.Rule.Times {
			t.Errorf("fault %s (%s) took %d requests, active %v; want all %d used up", f.ID, f.Rule.Path, got.HitCount, got.Active, f.Rule.Times)
		}
		for _, h := range got.Hits {
			hits = append(hits, h.Time)
		}
	}
	slices.SortFunc(hits, func(a, b time.Time) int { return a.Compare(b) })
	if len(hits) == 0 {
		t.Fatal("no fault hits")
	}
	span := hits[len(hits)-1].Sub(hits[0])
	if span < tc.minSpan {
		t.Errorf("fault hits spanned %v; want at least %v of backoff", span, tc.minSpan)
	}
	gaps := make([]string, 0, len(hits))
	for i := 1; i < len(hits); i++ {
		gaps = append(gaps, hits[i].Sub(hits[i-1]).Round(time.Millisecond).String())
	}
	t.Logf("%d fault hits over %v (gaps %s); initial sync done %v after Start Sync, %v after the last hit",
		len(hits), span.Round(time.Millisecond), strings.Join(gaps, " "), recovered.Round(time.Millisecond),
		time.Since(hits[len(hits)-1]).Round(time.Millisecond))

	// What the page showed while Beacon retried, and after.
	t.Logf("page texts: %q", views)
	sawError := false
	for _, v := range views {
		switch {
		case v.State == "failed":
			t.Errorf("the sync failed: %+v; want it to retry", v)
		case v.State == "initial" && v.Text != textInitial, v.State == "running" && v.Text != textRunning:
			t.Errorf("sync status %q in state %s", v.Text, v.State)
		}
		if v.LastError != "" {
			if tc.wantError == "" || !strings.HasPrefix(v.LastError, tc.wantError) {
				t.Errorf("last error %q; want %q", v.LastError, tc.wantError)
			}
			sawError = true
		}
	}
	if tc.wantError != "" && !sawError {
		t.Errorf("the page never showed %q while Beacon retried", tc.wantError)
	}
	if s.Sync.Text != textRunning || s.Sync.LastError != "" {
		t.Errorf("after recovery: status %q, last error %q; want %q and none", s.Sync.Text, s.Sync.LastError, textRunning)
	}
	page := w.get("/admin/crm/salesforce").body
	for _, want := range []string{`<strong id="sync-status">` + textRunning + `</strong>`, `<span id="last-error"></span>`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}

	// Slow answers were answered, not cut short.
	for _, f := range faults {
		if f.Rule.Delay == 0 || f.Rule.Delay >= resTimeout {
			continue
		}
		for _, e := range w.srv.Requests(mocksftest.RequestFilter{Org: w.org.ID, Path: f.Rule.Path}) {
			if e.Fault == f.ID && (e.Status != http.StatusOK || e.DurationMs < float64(f.Rule.Delay.Milliseconds())) {
				t.Errorf("slowed request %s %s: status %d after %.0fms; want 200 after at least %v", e.Method, e.Path, e.Status, e.DurationMs, f.Rule.Delay)
			}
		}
	}

	// Each page of each query was read once: a cut pull went on from its
	// saved nextRecordsUrl rather than from the start.
	if n := w.okRequests(queryPath); n != len(syncjob.Objects) {
		t.Errorf("mocksf answered %d first pages; want %d, one per object", n, len(syncjob.Objects))
	}
	if n := w.okRequests(queryMorePath); n != 1 {
		t.Errorf("mocksf answered %d second pages; want 1", n)
	}

	// Stop Beacon and read its database again: every live record exactly
	// once, and the settings and tokens intact.
	w.handler.set(nil)
	if err := w.beacon.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(store.Options{Path: w.cfg.DBPath, Key: w.cfg.EncryptionKey})
	if err != nil {
		t.Fatalf("reopening the database: %v", err)
	}
	defer st.Close()
	for _, object := range syncjob.Objects {
		got, err := st.RecordIDs(object)
		if err != nil {
			t.Fatal(err)
		}
		want := w.liveIDs(object)
		if len(want) != resRecords[object] {
			t.Fatalf("mocksf has %d %s records; want %d", len(want), object, resRecords[object])
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: Beacon stored %d ids, mocksf has %d live ones; the sets differ", object, len(got), len(want))
		}
		if s.Sync.Counts[object] != len(want) {
			t.Errorf("%s: the page counts %d; want %d", object, s.Sync.Counts[object], len(want))
		}
	}
	creds, ok := st.Credentials()
	if !ok || creds.ConsumerKey != sfKey || creds.ConsumerSecret != sfSecret {
		t.Errorf("stored credentials = %v, %q, %q; want the connected app's", ok, creds.ConsumerKey, creds.MaskedSecret())
	}
	conn, ok := st.Connection()
	if !ok || conn.Token == nil {
		t.Fatal("the connection is gone from the database")
	}
	if conn.Token.RefreshToken != refresh {
		t.Error("the stored refresh token changed; want the one issued at login")
	}
	_, lastAccess := w.tokens()
	switch {
	case conn.Token.AccessToken != lastAccess:
		t.Error("the stored access token is not the last one mocksf issued")
	case tc.expireSession && conn.Token.AccessToken == access:
		t.Error("the stored access token is the revoked one; want the refreshed one")
	case !tc.expireSession && conn.Token.AccessToken != access:
		t.Error("the access token changed although it never expired")
	}
	if _, err := w.sf.Store().LookupAccessToken(conn.Token.AccessToken); err != nil {
		t.Errorf("mocksf does not know the stored access token: %v", err)
	}
	if _, _, err := w.sf.Store().Refresh(conn.Token.RefreshToken); err != nil {
		t.Errorf("mocksf refuses the stored refresh token: %v", err)
	}
	if conn.Identity == nil || conn.Identity.Username != syncUser || conn.Identity.OrganizationID != w.org.ID {
		t.Errorf("stored identity = %+v; want %s of %s", conn.Identity, syncUser, w.org.ID)
	}
}

// TestResilienceOutageThenRestart stops Beacon while the token endpoint is
// down and Beacon is retrying, and starts it again: the new process
// resumes the sync with the tokens it stored and loses nothing.
func TestResilienceOutageThenRestart(t *testing.T) {
	t.Parallel()
	w := newResilienceWorld(t)
	w.connect()
	w.waitStatus("field sync", fieldSyncComplete)
	refresh, access := w.tokens()
	if err := w.sf.Store().Revoke(access); err != nil {
		t.Fatal(err)
	}
	f := w.srv.Fault(t, mocksftest.Rule{Method: "POST", Path: tokenPath, OrgID: w.org.ID, Status: http.StatusServiceUnavailable, For: time.Hour})
	if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	s := w.waitStatus("the outage on the page", func(s status) bool { return s.Sync.LastError != "" })
	before := w.srv.Hits(t, f).HitCount
	if want := "Salesforce is not available right now (HTTP 503). " + textRetrySuffix; s.Sync.LastError != want || s.Sync.Text != textInitial {
		t.Errorf("during the outage: %q, %q; want %q, %q", s.Sync.Text, s.Sync.LastError, textInitial, want)
	}

	w.restart()
	s = w.status()
	if s.Sync.State != "initial" || !s.Connected || !strings.HasPrefix(s.Sync.LastError, "Salesforce is not available") {
		t.Errorf("after the restart: %+v; want the initial sync still going, with the last error", s)
	}
	if page := w.get("/admin/crm/salesforce").body; !strings.Contains(page, `id="savedSecret">`+html.EscapeString((store.Credentials{ConsumerSecret: sfSecret}).MaskedSecret())) {
		t.Error("the saved secret is not shown after the restart")
	}
	// The new process retries the refresh too, then the outage ends.
	w.waitFor("a refresh by the new process", func() bool { return w.srv.Hits(t, f).HitCount > before })
	w.srv.RemoveFault(t, f)
	s = w.waitStatus("the recovery", func(s status) bool { return s.Sync.State == "running" })
	for _, object := range syncjob.Objects {
		if s.Sync.Counts[object] != resRecords[object] {
			t.Errorf("%s count = %d; want %d", object, s.Sync.Counts[object], resRecords[object])
		}
	}
	if s.Sync.LastError != "" {
		t.Errorf("last error after recovery = %q", s.Sync.LastError)
	}
	w.wire.mu.Lock()
	issued := slices.Clone(w.wire.refresh)
	w.wire.mu.Unlock()
	if len(issued) != 1 || issued[0] != refresh {
		t.Errorf("mocksf issued %d refresh tokens; want only the login's", len(issued))
	}
}

// TestResilienceWhileRunning injects a fault once the initial sync is
// done: the running sync's polls (queryAll) fail, the page says so while
// "Sync running" stays, and the records added meanwhile arrive once the
// fault is used up.
func TestResilienceWhileRunning(t *testing.T) {
	t.Parallel()
	w := newResilienceWorld(t)
	w.connect()
	w.waitStatus("field sync", fieldSyncComplete)
	if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
		t.Fatalf("start sync = %d %s", r.status, r.body)
	}
	w.waitStatus("the initial sync", func(s status) bool { return s.Sync.State == "running" })

	// Eight 503s: two bursts of four quick tries fail, the third round
	// gets through.
	f := w.srv.Fault(t, mocksftest.Rule{Method: "GET", Path: "/services/data/**", OrgID: w.org.ID, SalesforceError: "SERVER_UNAVAILABLE", Times: 8})
	for i := range 3 {
		w.srv.InsertRecord(t, w.org.ID, "Contact", map[string]any{"LastName": fmt.Sprint("During outage ", i)})
	}
	want := "Salesforce is not available right now (HTTP 503). " + textRetrySuffix
	s := w.waitStatus("the outage on the page", func(s status) bool { return s.Sync.LastError != "" })
	if s.Sync.LastError != want || s.Sync.State != "running" || s.Sync.Text != textRunning {
		t.Errorf("during the outage: %q, %q; want %q, %q", s.Sync.Text, s.Sync.LastError, textRunning, want)
	}
	s = w.waitStatus("the recovery", func(s status) bool {
		return s.Sync.LastError == "" && s.Sync.Counts["Contact"] == resRecords["Contact"]+3
	})
	if s.Sync.Text != textRunning {
		t.Errorf("after the outage: %q; want %q", s.Sync.Text, textRunning)
	}
	if got := w.srv.Hits(t, f); got.Active || got.HitCount != 8 {
		t.Errorf("fault took %d requests, active %v; want 8, used up", got.HitCount, got.Active)
	}
	w.handler.set(nil)
	w.beacon.Close()
	st, err := store.Open(store.Options{Path: w.cfg.DBPath, Key: w.cfg.EncryptionKey})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, object := range syncjob.Objects {
		got, err := st.RecordIDs(object)
		if err != nil {
			t.Fatal(err)
		}
		if want := w.liveIDs(object); !slices.Equal(got, want) {
			t.Errorf("%s: Beacon stored %d ids, mocksf has %d live ones; the sets differ", object, len(got), len(want))
		}
	}
}
