package salesforce_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"golang.org/x/oauth2"
)

func TestOAuthConfig(t *testing.T) {
	t.Parallel()
	c := salesforce.OAuthConfig("https://login.salesforce.com/", "key", "secret", "http://b/cb")
	if c.Endpoint.AuthURL != "https://login.salesforce.com/services/oauth2/authorize" ||
		c.Endpoint.TokenURL != "https://login.salesforce.com/services/oauth2/token" {
		t.Errorf("endpoint = %+v; want the login host's authorize and token URLs", c.Endpoint)
	}
	if c.ClientID != "key" || c.ClientSecret != "secret" || c.RedirectURL != "http://b/cb" || fmt.Sprint(c.Scopes) != "[api refresh_token id]" {
		t.Errorf("config = %+v", c)
	}
	if c.Endpoint.AuthStyle != oauth2.AuthStyleInParams {
		t.Errorf("auth style = %v; want the client credentials in the body, as Salesforce documents, without probing", c.Endpoint.AuthStyle)
	}
}

// TestRefreshFailures checks how a failed refresh is classified: a token
// endpoint that is down or does not answer is temporary, so the sync
// retries; a refused grant means the connection is lost.
func TestRefreshFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		token      http.HandlerFunc
		wantTemp   bool
		wantLost   bool
		wantStatus int // of the *APIError, 0 for none
	}{
		{"500 empty", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, true, false, 500},
		{"503 html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, "<html>Down for maintenance</html>")
		}, true, false, 503},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, true, false, 0},
		{"dropped", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, true, false, 0},
		{"invalid_grant", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`)
		}, false, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tokenCalls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == salesforce.TokenPath {
					tokenCalls.Add(1)
					if r.FormValue("client_secret") != "secret" {
						t.Errorf("token request without client_secret in the body")
					}
					tc.token(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprint(w, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
			}))
			defer ts.Close()
			c := salesforce.NewClient(salesforce.Config{
				HTTPClient:  &http.Client{Timeout: 200 * time.Millisecond},
				OAuth:       salesforce.OAuthConfig(ts.URL, "key", "secret", "http://127.0.0.1/cb"),
				InstanceURL: ts.URL,
				Token:       &oauth2.Token{AccessToken: "old", RefreshToken: "r"},
			})
			_, err := c.Describe(context.Background(), "Lead")
			if err == nil {
				t.Fatal("Describe succeeded; want the refresh's error")
			}
			if got := salesforce.IsTemporary(err); got != tc.wantTemp {
				t.Errorf("IsTemporary(%v) = %v; want %v", err, got, tc.wantTemp)
			}
			if got := errors.Is(err, salesforce.ErrConnectionLost); got != tc.wantLost {
				t.Errorf("errors.Is(%v, ErrConnectionLost) = %v; want %v", err, got, tc.wantLost)
			}
			var apiErr *salesforce.APIError
			if got := 0; errors.As(err, &apiErr) {
				if got = apiErr.StatusCode; got != tc.wantStatus {
					t.Errorf("APIError status = %d; want %d", got, tc.wantStatus)
				}
			} else if tc.wantStatus != 0 {
				t.Errorf("error %v is no *APIError; want one with status %d", err, tc.wantStatus)
			}
			if n := tokenCalls.Load(); n != 1 {
				t.Errorf("token endpoint called %d times; want 1 (no auth style probing)", n)
			}
			if c.Token().AccessToken != "old" || c.Token().RefreshToken != "r" {
				t.Errorf("token after a failed refresh = %+v; want the old one kept", c.Token())
			}
		})
	}
}

func TestVerifySignature(t *testing.T) {
	t.Parallel()
	const id, issued, secret = "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA", "1771257689412", "1955279925675241571"
	good := salesforce.Sign(id, issued, secret)
	if len(good) != 44 {
		t.Fatalf("Sign = %q; want 44 base64 characters", good)
	}
	tests := []struct {
		name  string
		extra map[string]any
		ok    bool
	}{
		{"good", map[string]any{"id": id, "issued_at": issued, "signature": good}, true},
		{"other secret", map[string]any{"id": id, "issued_at": issued, "signature": salesforce.Sign(id, issued, "other")}, false},
		{"other issue time", map[string]any{"id": id, "issued_at": "1771257689413", "signature": good}, false},
		{"no signature", map[string]any{"id": id, "issued_at": issued}, false},
		{"no id", map[string]any{"issued_at": issued, "signature": good}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(tc.extra)
			err := salesforce.VerifySignature(tok, secret)
			if (err == nil) != tc.ok {
				t.Fatalf("VerifySignature = %v; want ok %v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, salesforce.ErrBadSignature) {
				t.Errorf("error %v does not wrap ErrBadSignature", err)
			}
		})
	}
}

// newMocksf starts mocksf with one org: a sync user and Beacon's
// connected app.
func newMocksf(t *testing.T) (*mocksftest.Server, mocksftest.Org) {
	t.Helper()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Acme",
		Users: []mocksftest.UserSpec{{Username: "sync@acme.test", Password: "Sync-Pass-1"}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Beacon Sync", CallbackURLs: []string{"http://127.0.0.1/cb"},
			Scopes: []string{"api", "refresh_token", "id"}}},
	})
	return srv, org
}

// issueToken returns an access and refresh token of org's sync user for
// its app, as a login would.
func issueToken(t *testing.T, srv *mocksftest.Server, org mocksftest.Org) *oauth2.Token {
	t.Helper()
	return srv.IssueToken(t, org.Users[0].ID, org.ConnectedApps[0].ConsumerKey, "api", "refresh_token", "id")
}

// newClient returns a REST client logged in to org.
func newClient(t *testing.T, srv *mocksftest.Server, org mocksftest.Org, onRefresh func(prev, next *oauth2.Token)) *salesforce.Client {
	t.Helper()
	app := org.ConnectedApps[0]
	return salesforce.NewClient(salesforce.Config{
		OAuth:        salesforce.OAuthConfig(srv.URL, app.ConsumerKey, app.ConsumerSecret, "http://127.0.0.1/cb"),
		InstanceURL:  org.InstanceURL + "/",
		Token:        issueToken(t, srv, org),
		OnRefresh:    onRefresh,
		RetryBackoff: time.Millisecond,
	})
}

// addRecords adds n records of object to org.
func addRecords(t *testing.T, srv *mocksftest.Server, org mocksftest.Org, object string, n int) {
	t.Helper()
	for i := range n {
		srv.InsertRecord(t, org.ID, object, map[string]any{"LastName": fmt.Sprint(object, " ", i+1), "Name": fmt.Sprint(object, " ", i+1)})
	}
}

// requests counts the requests mocksf got on a path, of a grant type when
// grant is not empty.
func requests(srv *mocksftest.Server, path, grant string) int {
	n := 0
	for _, e := range srv.Requests(mocksftest.RequestFilter{Path: path}) {
		if grant == "" || slices.Contains(e.Form["grant_type"], grant) {
			n++
		}
	}
	return n
}

func TestQueryPaging(t *testing.T) {
	t.Parallel()
	tests := []struct {
		records, pageSize, wantPages int
	}{
		{0, 2000, 1},
		{1, 2000, 1},
		{2000, 2000, 1},
		{2500, 2000, 2},
		{4500, 2000, 3},
		{700, 200, 4},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d by %d", tc.records, tc.pageSize), func(t *testing.T) {
			t.Parallel()
			srv, org := newMocksf(t)
			if tc.pageSize != 2000 {
				srv.PageSize(t, tc.pageSize)
			}
			addRecords(t, srv, org, "Lead", tc.records)
			c := newClient(t, srv, org, nil)
			seen := map[string]bool{}
			pages := 0
			err := c.Query(context.Background(), "SELECT Id, LastName FROM Lead", func(p salesforce.Page) error {
				pages++
				if (p.NextRecordsURL == "") != (pages == tc.wantPages) {
					t.Errorf("page %d: nextRecordsUrl %q", pages, p.NextRecordsURL)
				}
				for _, r := range p.Records {
					id := r["Id"].(string)
					if seen[id] {
						t.Errorf("record %s twice", id)
					}
					seen[id] = true
					if _, ok := r["attributes"]; ok {
						t.Error("attributes kept")
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Query: %v", err)
			}
			if len(seen) != tc.records || pages != tc.wantPages {
				t.Errorf("got %d records in %d pages; want %d in %d", len(seen), pages, tc.records, tc.wantPages)
			}
		})
	}
}

func TestQueryStopsOnCallbackError(t *testing.T) {
	t.Parallel()
	srv, org := newMocksf(t)
	srv.PageSize(t, 200)
	addRecords(t, srv, org, "Account", 600)
	stop := errors.New("stop")
	err := newClient(t, srv, org, nil).Query(context.Background(), "SELECT Id FROM Account", func(salesforce.Page) error { return stop })
	if more := requests(srv, mocksftest.QueryMorePath, ""); !errors.Is(err, stop) || more != 0 {
		t.Errorf("Query = %v after %d more pages; want stop at once", err, more)
	}
}

func TestRefreshOnInvalidSession(t *testing.T) {
	t.Parallel()
	srv, org := newMocksf(t)
	var mu sync.Mutex
	var refreshed []*oauth2.Token
	c := newClient(t, srv, org, func(prev, next *oauth2.Token) {
		mu.Lock()
		defer mu.Unlock()
		if prev.AccessToken == next.AccessToken {
			t.Error("refresh kept the access token")
		}
		if next.RefreshToken != prev.RefreshToken {
			t.Error("refresh lost the refresh token")
		}
		refreshed = append(refreshed, next)
	})
	first := c.Token()
	srv.ExpireSessions(org.Users[0].ID, org.ConnectedApps[0].ConsumerKey)

	// Concurrent calls that all meet the expired token refresh once.
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if _, err := c.Describe(context.Background(), "Lead"); err != nil {
				t.Errorf("Describe: %v", err)
			}
		})
	}
	wg.Wait()
	if n := requests(srv, salesforce.TokenPath, "refresh_token"); n != 1 {
		t.Errorf("mocksf saw %d refreshes; want 1", n)
	}
	if len(refreshed) != 1 || c.Token() != refreshed[0] || c.Token() == first {
		t.Errorf("OnRefresh saw %d tokens; want 1, the client's new token", len(refreshed))
	}
}

func TestRefreshRejected(t *testing.T) {
	t.Parallel()
	srv, org := newMocksf(t)
	c := newClient(t, srv, org, nil)
	srv.Fault(t, mocksftest.Rule{Path: salesforce.TokenPath, OAuthError: "invalid_grant"})
	srv.ExpireSessions(org.Users[0].ID, org.ConnectedApps[0].ConsumerKey)
	_, err := c.Describe(context.Background(), "Lead")
	if !errors.Is(err, salesforce.ErrConnectionLost) {
		t.Fatalf("Describe = %v; want ErrConnectionLost", err)
	}
	if salesforce.IsTemporary(err) {
		t.Error("a lost connection counts as temporary")
	}
}

func TestAPIErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		wantCode string
		wantTemp bool
	}{
		{"array", 403, `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, "API_DISABLED_FOR_ORG", false},
		{"object", 400, `{"message":"bad","errorCode":"MALFORMED_QUERY"}`, "MALFORMED_QUERY", false},
		{"plain text", 403, "Bad_OAuth_Token", "Bad_OAuth_Token", false},
		{"html", 500, "<html>oops</html>", "", true},
		{"limit", 403, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, "REQUEST_LIMIT_EXCEEDED", true},
		{"unauthorized other", 401, `[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`, "INVALID_AUTH_HEADER", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer ts.Close()
			c := salesforce.NewClient(salesforce.Config{InstanceURL: ts.URL, Token: &oauth2.Token{AccessToken: "a"}, MaxRetries: -1})
			_, err := c.Describe(context.Background(), "Lead")
			var apiErr *salesforce.APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("Describe = %v; want an *APIError", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code() != tc.wantCode {
				t.Errorf("got HTTP %d code %q; want %d %q", apiErr.StatusCode, apiErr.Code(), tc.status, tc.wantCode)
			}
			if got := salesforce.IsTemporary(err); got != tc.wantTemp {
				t.Errorf("IsTemporary = %v; want %v", got, tc.wantTemp)
			}
		})
	}
}

func TestRetryNetworkFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		failures   int32
		status     int // answered instead of dropping the connection, if not 0
		maxRetries int
		wantErr    bool
	}{
		{"recovers", 2, 0, 3, false},
		{"gives up", 5, 0, 2, true},
		{"no retries", 1, 0, -1, true},
		{"503 recovers", 3, http.StatusServiceUnavailable, 3, false},
		{"502 gives up", 4, http.StatusBadGateway, 3, true},
		{"500 is not retried at once", 1, http.StatusInternalServerError, 3, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= tc.failures && tc.status != 0 {
					http.Error(w, "unavailable", tc.status)
					return
				}
				if calls.Load() <= tc.failures {
					// Drop the connection without an answer.
					conn, _, _ := w.(http.Hijacker).Hijack()
					conn.Close()
					return
				}
				fmt.Fprint(w, `{"name":"Lead","fields":[{"name":"Id","type":"id"}]}`)
			}))
			defer ts.Close()
			c := salesforce.NewClient(salesforce.Config{
				InstanceURL: ts.URL, Token: &oauth2.Token{AccessToken: "a"}, MaxRetries: tc.maxRetries, RetryBackoff: time.Millisecond,
			})
			d, err := c.Describe(context.Background(), "Lead")
			if tc.wantErr {
				if err == nil || !salesforce.IsTemporary(err) {
					t.Fatalf("Describe = %v; want a temporary error", err)
				}
				return
			}
			if err != nil || len(d.Fields) != 1 {
				t.Fatalf("Describe = %+v, %v; want the describe", d, err)
			}
		})
	}
}

func TestFetchIdentity(t *testing.T) {
	t.Parallel()
	srv, org := newMocksf(t)
	user := org.Users[0]
	identityURL := srv.URL + "/id/" + org.ID + "/" + user.ID
	id, err := salesforce.FetchIdentity(context.Background(), nil, identityURL, issueToken(t, srv, org).AccessToken)
	if err != nil {
		t.Fatalf("FetchIdentity: %v", err)
	}
	if id.Username != user.Username || id.OrganizationID != org.ID || id.UserID != user.ID {
		t.Errorf("identity = %+v", id)
	}
	_, err = salesforce.FetchIdentity(context.Background(), nil, identityURL, "bad")
	var apiErr *salesforce.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 || apiErr.Code() != salesforce.CodeBadOAuthToken {
		t.Errorf("FetchIdentity with a bad token = %v; want 403 Bad_OAuth_Token", err)
	}
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	srv, org := newMocksf(t)
	refresh := issueToken(t, srv, org).RefreshToken
	if err := salesforce.Revoke(context.Background(), nil, srv.URL, refresh); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	err := salesforce.Revoke(context.Background(), nil, srv.URL, refresh)
	if err == nil || err.Error() != "salesforce: revoke: invalid_token: Token was invalid" {
		t.Errorf("second Revoke = %v; want invalid_token", err)
	}
}

// TestClientCredentialsRenewal checks that a Client with a client
// credentials configuration answers 401 INVALID_SESSION_ID by asking the
// My Domain's token endpoint for a new token with grant_type
// client_credentials and the key and secret in the body, and that a
// refusal there is ErrClientCredentialsRejected, not temporary.
func TestClientCredentialsRenewal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		token      string // the token endpoint's JSON answer; 400 unless it has an access_token
		wantErr    bool
		wantDetail string
	}{
		{name: "renewed", token: `{"access_token":"new","instance_url":"INSTANCE","id":"INSTANCE/id/00D/005","token_type":"Bearer"}`},
		{name: "flow disabled", token: `{"error":"unsupported_grant_type","error_description":"grant type not supported"}`,
			wantErr: true, wantDetail: "unsupported_grant_type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var tokenCalls atomic.Int32
			var ts *httptest.Server
			ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == salesforce.TokenPath {
					tokenCalls.Add(1)
					if _, _, basic := r.BasicAuth(); basic {
						t.Error("token request with HTTP Basic; want the credentials in the body")
					}
					if got := r.PostFormValue("grant_type"); got != "client_credentials" {
						t.Errorf("grant_type = %q; want client_credentials", got)
					}
					if r.PostFormValue("client_id") != "key" || r.PostFormValue("client_secret") != "secret" {
						t.Errorf("client_id, client_secret = %q, %q; want key, secret", r.PostFormValue("client_id"), r.PostFormValue("client_secret"))
					}
					w.Header().Set("Content-Type", "application/json")
					if !strings.Contains(tc.token, "access_token") {
						w.WriteHeader(http.StatusBadRequest)
					}
					fmt.Fprint(w, strings.ReplaceAll(tc.token, "INSTANCE", ts.URL))
					return
				}
				w.Header().Set("Content-Type", "application/json")
				if r.Header.Get("Authorization") != "Bearer new" {
					w.WriteHeader(http.StatusUnauthorized)
					fmt.Fprint(w, `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`)
					return
				}
				fmt.Fprint(w, `{"name":"Lead","fields":[{"name":"Id","type":"id"}]}`)
			}))
			defer ts.Close()
			var renewed *oauth2.Token
			c := salesforce.NewClient(salesforce.Config{
				HTTPClient:        ts.Client(),
				ClientCredentials: salesforce.ClientCredentialsConfig(ts.URL+"/", "key", "secret"),
				InstanceURL:       ts.URL,
				Token:             &oauth2.Token{AccessToken: "old"},
				OnRefresh:         func(_, next *oauth2.Token) { renewed = next },
			})
			d, err := c.Describe(context.Background(), "Lead")
			if n := tokenCalls.Load(); n != 1 {
				t.Errorf("token endpoint called %d times; want 1", n)
			}
			if !tc.wantErr {
				if err != nil || d.Name != "Lead" {
					t.Fatalf("Describe = %+v, %v; want Lead after the renewal", d, err)
				}
				if renewed == nil || renewed.AccessToken != "new" || c.Token() != renewed {
					t.Errorf("OnRefresh got %+v; want the new token, now the client's", renewed)
				}
				return
			}
			if !errors.Is(err, salesforce.ErrClientCredentialsRejected) || salesforce.IsTemporary(err) {
				t.Errorf("Describe error = %v; want ErrClientCredentialsRejected, not temporary", err)
			}
			var re *oauth2.RetrieveError
			if !errors.As(err, &re) || re.ErrorCode != tc.wantDetail {
				t.Errorf("Describe error = %v; want the token endpoint's %s", err, tc.wantDetail)
			}
			if c.Token().AccessToken != "old" {
				t.Errorf("token after a refused renewal = %+v; want the old one kept", c.Token())
			}
		})
	}
}
