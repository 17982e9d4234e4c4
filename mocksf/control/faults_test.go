package control_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
)

// get sends a GET with an optional bearer token: to the instance host,
// where the REST API is, for a path under /services/data.
func (s *server) get(t *testing.T, path, token string) (int, string, http.Header) {
	t.Helper()
	base := s.URL
	if strings.HasPrefix(path, "/services/data") {
		base = s.InstanceURL()
	}
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (s *server) addFault(t *testing.T, rule string) control.Fault {
	t.Helper()
	status, body := s.do(t, "POST", "/__mocksf/faults", rule)
	if status != http.StatusCreated {
		t.Fatalf("POST /__mocksf/faults %s = %d %s; want 201", rule, status, body)
	}
	return decode[control.Fault](t, body)
}

const query = "/services/data/v60.0/query?q=SELECT+Id+FROM+Lead"

func TestFaultSalesforceErrorForTheNextNRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := s.token(t, "sync@acme.test", acmeKey)
	f := s.addFault(t, `{"method": "GET", "path": "/services/data/*/query", "salesforceError": "REQUEST_LIMIT_EXCEEDED", "times": 2}`)
	if f.ID == "" || !f.Active || f.Remaining == nil || *f.Remaining != 2 || f.Rule.SalesforceError != "REQUEST_LIMIT_EXCEEDED" {
		t.Fatalf("fault = %+v", f)
	}
	for i := range 2 {
		status, body, h := s.get(t, query, tok)
		if status != 403 || body != `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]` ||
			h.Get("Content-Type") != "application/json;charset=UTF-8" {
			t.Errorf("request %d = %d %s (%s); want 403 REQUEST_LIMIT_EXCEEDED", i+1, status, body, h.Get("Content-Type"))
		}
	}
	if status, body, _ := s.get(t, query, tok); status != 200 {
		t.Errorf("third request = %d %s; want mocksf's own 200", status, body)
	}
	got := decode[control.Fault](t, mustGet(t, s, "/__mocksf/faults/"+f.ID))
	if got.Active || got.HitCount != 2 || *got.Remaining != 0 || len(got.Hits) != 2 {
		t.Fatalf("fault after use = %+v; want inactive with 2 hits", got)
	}
	orgID := orgID(t, s.Store(), "Acme")
	if h := got.Hits[0]; h.Method != "GET" || h.Path != "/services/data/v60.0/query" || h.OrgID != orgID ||
		h.Username != "sync@acme.test" || h.ClientID != acmeKey || h.RequestID == 0 {
		t.Errorf("hit = %+v; want the request, its org, user and client", h)
	}
	// The journal says which requests the fault answered.
	reqs := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?path=/services/data/**"))
	if reqs.Count != 3 || reqs.Requests[0].Fault != "" || reqs.Requests[1].Fault != f.ID || reqs.Requests[1].Status != 403 {
		t.Errorf("journal = %+v; want the two faulted requests marked", reqs)
	}
}

func TestFaultAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, rule         string
		path               string
		wantStatus         int
		wantBody, wantType string
	}{
		{"oauth error by name", `{"path": "/services/oauth2/token", "oauthError": "invalid_grant"}`, "/services/oauth2/token",
			400, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`, "application/json;charset=UTF-8"},
		{"oauth error with a message", `{"path": "/services/oauth2/token", "oauthError": "inactive_org", "message": "this org is frozen", "status": 401}`, "/services/oauth2/token",
			401, `{"error":"inactive_org","error_description":"this org is frozen"}`, "application/json;charset=UTF-8"},
		{"NOT_FOUND code first", `{"path": "/services/data/**", "salesforceError": "NOT_FOUND"}`, "/services/data/v60.0/sobjects/Lead/00Q",
			404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, "application/json;charset=UTF-8"},
		{"an error mocksf does not know, with a status", `{"path": "/services/data/**", "salesforceError": "STORAGE_LIMIT_EXCEEDED", "status": 507, "message": "full"}`, "/services/data/v60.0/",
			507, `[{"message":"full","errorCode":"STORAGE_LIMIT_EXCEEDED"}]`, "application/json;charset=UTF-8"},
		{"raw status and body", `{"path": "/services/data", "status": 503, "body": "<html>maintenance</html>", "contentType": "text/html", "headers": {"Retry-After": "120"}}`, "/services/data",
			503, `<html>maintenance</html>`, "text/html"},
		{"JSON body sniffed", `{"path": "/services/data", "body": "{\"ok\":false}"}`, "/services/data",
			200, `{"ok":false}`, "application/json;charset=UTF-8"},
		{"status alone", `{"path": "/services/data", "status": 502}`, "/services/data", 502, ``, ""},
		{"any method by star, gorilla-style variable", `{"method": "*", "path": "/id/{orgId}/{userId}", "status": 500}`, "/id/00D/005", 500, ``, ""},
		{"double slashes are cleaned before matching", `{"path": "/services/data", "status": 418}`, "//services//data", 418, ``, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.addFault(t, tc.rule)
			method := "GET"
			if strings.Contains(tc.path, "oauth2/token") {
				method = "POST"
			}
			req, _ := http.NewRequest(method, s.URL+tc.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.wantStatus || string(b) != tc.wantBody || resp.Header.Get("Content-Type") != tc.wantType {
				t.Errorf("got %d %q (%s); want %d %q (%s)", resp.StatusCode, b, resp.Header.Get("Content-Type"), tc.wantStatus, tc.wantBody, tc.wantType)
			}
			if tc.name == "raw status and body" && resp.Header.Get("Retry-After") != "120" {
				t.Errorf("Retry-After = %q; want 120", resp.Header.Get("Retry-After"))
			}
		})
	}
}

func TestFaultMatchesOrgClientAndUser(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}],
		"connectedApps": [{"name": "G", "callbackUrls": ["http://127.0.0.1:9/cb"]}]}`)
	globex := decode[control.Org](t, body)
	acmeTok := s.token(t, "sync@acme.test", acmeKey)
	adminTok := s.token(t, "admin@acme.test", acmeKey)
	globexTok := s.token(t, "hank@globex.test", globex.ConnectedApps[0].ConsumerKey)

	f := s.addFault(t, `{"path": "/services/data/**", "orgId": "`+globex.ID[:15]+`", "salesforceError": "INVALID_SESSION_ID"}`)
	if status, _, _ := s.get(t, query, globexTok); status != 401 {
		t.Errorf("Globex's request = %d; want the fault's 401", status)
	}
	if status, _, _ := s.get(t, query, acmeTok); status != 200 {
		t.Errorf("Acme's request = %d; want 200, the fault is Globex's", status)
	}
	s.do(t, "DELETE", "/__mocksf/faults/"+f.ID, nil)

	s.addFault(t, `{"path": "/services/data/**", "username": "ADMIN@acme.test", "status": 500}`)
	if status, _, _ := s.get(t, query, adminTok); status != 500 {
		t.Errorf("admin's request = %d; want 500", status)
	}
	if status, _, _ := s.get(t, query, acmeTok); status != 200 {
		t.Errorf("sync user's request = %d; want 200", status)
	}
	s.do(t, "DELETE", "/__mocksf/faults", nil)

	// client_id in a token request's form, Basic auth or query.
	s.addFault(t, `{"method": "POST", "path": "/services/oauth2/token", "clientId": "`+acmeKey+`", "oauthError": "rate_limit_exceeded"}`)
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {acmeKey}, "refresh_token": {"x"}}
	if status, b := s.postToken(t, form); !strings.Contains(b, "rate_limit_exceeded") {
		t.Errorf("token request of the client = %d %s; want rate_limit_exceeded", status, b)
	}
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(acmeKey+":"+acmeSecret))
	if status, b := s.postToken(t, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}}, "Authorization", basic); !strings.Contains(b, "rate_limit_exceeded") {
		t.Errorf("token request with Basic auth = %d %s; want rate_limit_exceeded", status, b)
	}
	form.Set("client_id", globex.ConnectedApps[0].ConsumerKey)
	if _, b := s.postToken(t, form); strings.Contains(b, "rate_limit_exceeded") {
		t.Errorf("another client's request got the fault: %s", b)
	}
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	f := s.addFault(t, `{"path": "/services/data", "delay": "300ms", "times": 1}`)
	start := time.Now()
	status, _, _ := s.get(t, "/services/data", "")
	if d := time.Since(start); status != 200 || d < 300*time.Millisecond {
		t.Errorf("delayed request = %d after %v; want mocksf's 200 after at least 300ms", status, d)
	}
	s.get(t, "/services/data", "")
	// The journal, not a stopwatch, says whether the second was delayed:
	// a loaded machine can make any request slow.
	reqs := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?path=/services/data"))
	if reqs.Count != 2 || reqs.Requests[1].Fault != f.ID || reqs.Requests[0].Fault != "" {
		t.Errorf("journal = %+v; want the first request delayed by %s and the second untouched", reqs.Requests, f.ID)
	}
	// A delay with an answer: slow, then the error.
	s.addFault(t, `{"path": "/services/data", "delay": "100ms", "salesforceError": "SERVER_UNAVAILABLE"}`)
	start = time.Now()
	if status, _, _ := s.get(t, "/services/data", ""); status != 503 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("slow error = %d after %v; want 503 after 100ms", status, time.Since(start))
	}
}

func TestFaultDropsTheConnection(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	f := s.addFault(t, `{"path": "/services/oauth2/token", "drop": true, "times": 1}`)
	_, err := http.PostForm(s.URL+"/services/oauth2/token", url.Values{"grant_type": {"password"}})
	var ue *url.Error
	if err == nil || !errors.As(err, &ue) {
		t.Fatalf("POST to a dropped route: err = %v; want a transport error", err)
	}
	resp, err := http.PostForm(s.URL+"/services/oauth2/token", url.Values{"grant_type": {"magic"}})
	if err != nil {
		t.Fatalf("after the drop: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("after the drop = %d; want mocksf's own 400", resp.StatusCode)
	}
	reqs := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?path=/services/oauth2/token"))
	if reqs.Count != 2 || !reqs.Requests[1].Dropped || reqs.Requests[1].Status != 0 || reqs.Requests[1].Fault != f.ID {
		t.Errorf("journal = %+v; want the first request dropped by %s", reqs.Requests, f.ID)
	}
}

func TestFaultTimeWindowFollowsTheClock(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	f := s.addFault(t, `{"path": "/services/data", "status": 503, "for": "10m"}`)
	if f.ExpiresAt == nil || f.ExpiresAt.Sub(f.CreatedAt) != 10*time.Minute {
		t.Fatalf("fault = %+v; want it to expire 10m after creation", f)
	}
	if status, _, _ := s.get(t, "/services/data", ""); status != 503 {
		t.Errorf("inside the window = %d; want 503", status)
	}
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "10m1s"}`)
	if status, _, _ := s.get(t, "/services/data", ""); status != 200 {
		t.Errorf("after the window = %d; want 200", status)
	}
	until := s.Clock().Now().Add(time.Hour).UTC().Format(time.RFC3339)
	s.addFault(t, `{"path": "/services/data", "status": 502, "until": "`+until+`"}`)
	if status, _, _ := s.get(t, "/services/data", ""); status != 502 {
		t.Errorf("before until = %d; want 502", status)
	}
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "2h"}`)
	if status, _, _ := s.get(t, "/services/data", ""); status != 200 {
		t.Errorf("after until = %d; want 200", status)
	}
}

func TestFaultsNewestRuleWinsAndNeverTouchControl(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.addFault(t, `{"path": "/**", "status": 500}`)
	s.addFault(t, `{"path": "/services/data", "status": 418}`)
	if status, _, _ := s.get(t, "/services/data", ""); status != 418 {
		t.Errorf("two matching rules: %d; want the newest's 418", status)
	}
	if status, _, _ := s.get(t, "/services/oauth2/userinfo", ""); status != 500 {
		t.Errorf("catch-all: %d; want 500", status)
	}
	if status, body := s.do(t, "GET", "/__mocksf/faults", nil); status != 200 || len(decode[[]control.Fault](t, body)) != 2 {
		t.Errorf("a catch-all fault reached the control API: %d %s", status, body)
	}
	if status, _ := s.do(t, "DELETE", "/__mocksf/faults", nil); status != 204 {
		t.Errorf("DELETE /__mocksf/faults = %d; want 204", status)
	}
	if _, body := s.do(t, "GET", "/__mocksf/faults", nil); string(body) != "[]\n" {
		t.Errorf("faults after clearing = %s; want []", body)
	}
}

func TestFaultTimesIsExactUnderConcurrency(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	f := s.addFault(t, `{"path": "/services/data", "status": 503, "times": 5}`)
	var wg sync.WaitGroup
	var mu sync.Mutex
	faulted := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, _, _ := s.get(t, "/services/data", ""); status == 503 {
				mu.Lock()
				faulted++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if faulted != 5 {
		t.Errorf("%d of 20 concurrent requests faulted; want exactly 5", faulted)
	}
	if got := decode[control.Fault](t, mustGet(t, s, "/__mocksf/faults/"+f.ID)); got.HitCount != 5 {
		t.Errorf("hitCount = %d; want 5", got.HitCount)
	}
}

func TestFaultRoutesErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct{ name, body, msg string }{
		{"bad JSON", `{"path": `, "bad JSON"},
		{"unknown field", `{"path": "/x", "status": 500, "count": 1}`, `unknown field "count"`},
		{"does nothing", `{"path": "/x"}`, "does nothing"},
		{"unknown Salesforce error", `{"salesforceError": "NOPE"}`, "REQUEST_LIMIT_EXCEEDED"},
		{"unknown OAuth error", `{"oauthError": "nope"}`, "invalid_grant"},
		{"both errors", `{"salesforceError": "NOT_FOUND", "oauthError": "invalid_grant"}`, "not both"},
		{"drop with a status", `{"drop": true, "status": 500}`, "drop"},
		{"bad status", `{"status": 1000}`, "status 1000"},
		{"bad delay", `{"delay": "slow"}`, `delay "slow"`},
		{"delay too long", `{"delay": "2h"}`, "delay 2h0m0s"},
		{"negative times", `{"status": 500, "times": -1}`, "times -1"},
		{"for and until", `{"status": 500, "for": "1m", "until": "2030-01-01T00:00:00Z"}`, "not both"},
		{"pattern without slash", `{"path": "services/data", "status": 500}`, "starts with /"},
		{"bad glob", `{"path": "/services/[", "status": 500}`, "not a valid glob"},
		{"bad method", `{"method": "GET POST", "status": 500}`, "method"},
		{"badSignature with a status", `{"badSignature": true, "status": 500}`, "badSignature"},
		{"requestHeaders with a drop", `{"requestHeaders": {"X": "y"}, "drop": true}`, "requestHeaders"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", "/__mocksf/faults", tc.body)
			wantError(t, status, body, 400, "bad_request", tc.msg)
		})
	}
	status, body := s.do(t, "GET", "/__mocksf/faults/f999", nil)
	wantError(t, status, body, 404, "not_found", "f999")
	status, body = s.do(t, "DELETE", "/__mocksf/faults/f999", nil)
	wantError(t, status, body, 404, "not_found", "f999")
}

func TestFaultHoldsUntilRemoved(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	f := s.addFault(t, `{"path": "/services/data", "hold": true}`)
	done := make(chan int, 1)
	go func() {
		status, _, _ := s.get(t, "/services/data", "")
		done <- status
	}()
	select {
	case status := <-done:
		t.Fatalf("held request answered %d before the rule was removed", status)
	case <-time.After(100 * time.Millisecond):
	}
	s.do(t, "DELETE", "/__mocksf/faults/"+f.ID, nil)
	select {
	case status := <-done:
		if status != 200 {
			t.Errorf("released request = %d; want mocksf's 200", status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the request is still held after the rule was removed")
	}

	// A client that gives up leaves no request behind.
	s.addFault(t, `{"path": "/services/data", "hold": true}`)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+"/services/data", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("held request answered %d; want the client's timeout", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		reqs := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?path=/services/data"))
		if reqs.Count == 2 && reqs.Requests[0].Dropped {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("journal = %+v; want the abandoned request marked dropped", reqs.Requests)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestFaultRequestHeaders(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	org := orgID(t, s.Store(), "Acme")
	for i := range 250 {
		if _, err := s.Store().InsertRecord(org, "Lead", "", map[string]any{"LastName": fmt.Sprint("Lead ", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tok := s.token(t, "sync@acme.test", acmeKey)
	page := func() (records int, next string) {
		t.Helper()
		status, body, _ := s.get(t, query, tok)
		var p struct {
			Records        []any  `json:"records"`
			NextRecordsURL string `json:"nextRecordsUrl"`
		}
		if status != 200 || json.Unmarshal([]byte(body), &p) != nil {
			t.Fatalf("query = %d %s", status, body)
		}
		return len(p.Records), p.NextRecordsURL
	}
	if n, next := page(); n != 253 || next != "" {
		t.Fatalf("query without the fault: %d records, next %q; want all 253 in one page", n, next)
	}
	small := s.addFault(t, `{"path": "/services/data/*/query", "requestHeaders": {"Sforce-Query-Options": "batchSize=200"}}`)
	if n, next := page(); n != 200 || next == "" {
		t.Errorf("query with the fault: %d records, next %q; want a page of 200 and a nextRecordsUrl", n, next)
	}
	// A newer rule that delays (or holds) takes the request; the headers
	// of the older one still apply, and both rules count the hit.
	slow := s.addFault(t, `{"path": "/services/data/*/query", "delay": "50ms"}`)
	if n, next := page(); n != 200 || next == "" {
		t.Errorf("query with a delay too: %d records, next %q; want the page of 200 still", n, next)
	}
	for _, f := range []control.Fault{small, slow} {
		got := decode[control.Fault](t, mustGet(t, s, "/__mocksf/faults/"+f.ID))
		if want := map[string]int{small.ID: 2, slow.ID: 1}[f.ID]; got.HitCount != want {
			t.Errorf("fault %s hit %d times; want %d", f.ID, got.HitCount, want)
		}
	}
	reqs := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?path=/services/data/v60.0/query"))
	if last := reqs.Requests[0]; last.Fault != slow.ID {
		t.Errorf("the journal names fault %q for the delayed query; want %s, the rule that took it", last.Fault, slow.ID)
	}
}

func TestFaultBadSignature(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	u, err := s.Store().UserByUsername("sync@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	_, rt, err := s.Store().IssueTokens("", acmeKey, u.ID, []string{"api", "refresh_token"}, true)
	if err != nil {
		t.Fatal(err)
	}
	// signatureOK refreshes and says whether the answer's signature is
	// HMAC-SHA256(id + issued_at) with the consumer secret.
	signatureOK := func() bool {
		t.Helper()
		status, b := s.postToken(t, url.Values{"grant_type": {"refresh_token"},
			"client_id": {acmeKey}, "client_secret": {acmeSecret}, "refresh_token": {rt.Token}})
		var tok map[string]string
		if status != 200 || json.Unmarshal([]byte(b), &tok) != nil {
			t.Fatalf("refresh = %d %s", status, b)
		}
		if tok["access_token"] == "" || len(tok["signature"]) != 44 {
			t.Fatalf("refresh answer %s; want an access token and a 44-character signature", b)
		}
		mac := hmac.New(sha256.New, []byte(acmeSecret))
		mac.Write([]byte(tok["id"] + tok["issued_at"]))
		return tok["signature"] == base64.StdEncoding.EncodeToString(mac.Sum(nil))
	}
	if !signatureOK() {
		t.Fatal("mocksf's own signature does not match the secret")
	}
	f := s.addFault(t, `{"path": "/services/oauth2/token", "badSignature": true, "times": 1}`)
	if signatureOK() {
		t.Error("the signature still matches under badSignature")
	}
	if !signatureOK() {
		t.Error("the signature is still bad after the rule's one use")
	}
	if got := decode[control.Fault](t, mustGet(t, s, "/__mocksf/faults/"+f.ID)); got.HitCount != 1 || !got.Rule.BadSignature {
		t.Errorf("fault = %+v; want one hit of a badSignature rule", got)
	}
}
