package control_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
)

func TestJournalRecordsAndMasks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tok := s.token(t, "sync@acme.test", acmeKey)
	form := url.Values{"grant_type": {"authorization_code"}, "code": {"aPrxSECRETCODE"}, "client_id": {acmeKey},
		"client_secret": {acmeSecret}, "redirect_uri": {"http://127.0.0.1:9/callback"}, "code_verifier": {"verifier-verifier"}}
	s.postToken(t, form)
	s.get(t, query, tok)
	s.do(t, "GET", "/__mocksf/orgs", nil) // not journaled

	status, body := s.do(t, "GET", "/__mocksf/requests", nil)
	reqs := decode[control.Requests](t, body)
	if status != 200 || reqs.Count != 2 || len(reqs.Requests) != 2 {
		t.Fatalf("GET /__mocksf/requests = %d %s; want the 2 requests outside /__mocksf/", status, body)
	}
	q, tokReq := reqs.Requests[0], reqs.Requests[1] // newest first
	acme := orgID(t, s.Store(), "Acme")
	if q.Method != "GET" || q.Path != "/services/data/v60.0/query" || q.Query["q"][0] != "SELECT Id FROM Lead" ||
		q.Status != 200 || q.OrgID != acme || q.Username != "sync@acme.test" || q.ClientID != acmeKey ||
		!strings.HasPrefix(q.Authorization, "Bearer 00D") || strings.Contains(q.Authorization, tok[5:]) {
		t.Errorf("query entry = %+v", q)
	}
	if tokReq.Status != 400 || tokReq.Form["grant_type"][0] != "authorization_code" || tokReq.Form["client_id"][0] != acmeKey ||
		tokReq.Form["client_secret"][0] != "ACME****" || tokReq.Form["code"][0] != "aPrx****" || tokReq.Form["code_verifier"][0] != "veri****" ||
		tokReq.OrgID != acme || tokReq.ID >= q.ID || tokReq.DurationMs <= 0 {
		t.Errorf("token entry = %+v; want secrets masked, the org from client_id", tokReq)
	}
	if strings.Contains(string(body), acmeSecret) || strings.Contains(string(body), "SECRETCODE") || strings.Contains(string(body), tok) {
		t.Errorf("the journal shows a secret: %s", body)
	}
}

func TestJournalFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	globex := decode[control.Org](t, body)
	acmeTok := s.token(t, "sync@acme.test", acmeKey)
	globexTok := s.token(t, "hank@globex.test", acmeKey)
	s.get(t, query, acmeTok)
	s.get(t, query, globexTok)
	mid := s.Clock().Now()
	s.do(t, "POST", "/__mocksf/clock", `{"advance": "1h"}`)
	s.get(t, "/services/data", "")
	s.postToken(t, url.Values{"grant_type": {"magic"}})

	all := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests"))
	if all.Count != 4 {
		t.Fatalf("count = %d; want 4", all.Count)
	}
	first := all.Requests[3].ID
	tests := []struct {
		query string
		want  int
	}{
		{"org=" + globex.ID[:15], 1},
		{"org=" + orgID(t, s.Store(), "Acme"), 1},
		{"path=/services/data", 1},
		{"path=/services/data/**", 3},
		{"path=/services/data/{version}/query", 2},
		{"method=post", 1},
		{"status=400", 1},
		{"username=HANK@globex.test", 1},
		{"since=" + url.QueryEscape(mid.Add(30*time.Minute).Format(time.RFC3339Nano)), 2},
		{"until=" + url.QueryEscape(mid.Add(30*time.Minute).Format(time.RFC3339Nano)), 2},
		{fmt.Sprintf("after=%d", first), 3},
		{"method=GET&path=/services/data/**&org=" + globex.ID, 1},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?"+tc.query))
			if got.Count != tc.want || len(got.Requests) != tc.want {
				t.Errorf("?%s: count %d, %d entries; want %d", tc.query, got.Count, len(got.Requests), tc.want)
			}
		})
	}
	limited := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests?limit=1"))
	if limited.Count != 4 || len(limited.Requests) != 1 || limited.Requests[0].Path != "/services/oauth2/token" {
		t.Errorf("limit=1: %+v; want count 4 and the newest request", limited)
	}
	for _, bad := range []string{"since=yesterday", "until=1", "after=x", "status=abc", "limit=-1", "path=nope"} {
		status, body := s.do(t, "GET", "/__mocksf/requests?"+bad, nil)
		wantError(t, status, body, 400, "bad_request", strings.SplitN(bad, "=", 2)[0])
	}
	if status, _ := s.do(t, "DELETE", "/__mocksf/requests", nil); status != 204 {
		t.Errorf("DELETE /__mocksf/requests = %d; want 204", status)
	}
	if got := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests")); got.Count != 0 || got.Requests == nil {
		t.Errorf("after clearing: %+v; want count 0 and []", got)
	}
}

func TestJournalIsABoundedRing(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(c *mocksf.Config) { c.JournalSize = 5 })
	for range 12 {
		s.get(t, "/services/data", "")
	}
	got := decode[control.Requests](t, mustGet(t, s, "/__mocksf/requests"))
	if got.Count != 5 || got.Requests[0].ID != 12 || got.Requests[4].ID != 8 {
		t.Errorf("ring of 5 after 12 requests: count %d, ids %d..%d; want 5, 12..8", got.Count, got.Requests[0].ID, got.Requests[len(got.Requests)-1].ID)
	}
}
