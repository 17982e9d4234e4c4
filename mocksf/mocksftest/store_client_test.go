package mocksftest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

func TestRecordChangesOnAFrozenClock(t *testing.T) {
	t.Parallel()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	srv.FreezeClock(start)
	o := srv.NewOrg(t, org("Acme", "acme.test", 0))
	tok := srv.IssueToken(t, o.Users[1].ID, o.ConnectedApps[0].ConsumerKey, "api", "refresh_token")
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("IssueToken = %+v; want an access and a refresh token", tok)
	}
	var ids []string
	for range 250 {
		ids = append(ids, srv.InsertRecord(t, o.ID, "Lead", map[string]any{"LastName": "Lee", "Company": "Acme"}))
	}
	srv.UpdateRecord(t, o.ID, "Lead", ids[0], map[string]any{"Company": "Globex"})
	srv.CommitLate(t, o.ID, "Lead", ids[1], map[string]any{"Company": "Initech"}, start)
	srv.DeleteRecord(t, o.ID, "Lead", ids[2])
	if got, want := srv.Mocksf.Clock().Now(), start.Add(253*time.Second); !got.Equal(want) {
		t.Errorf("clock after 253 changes = %v; want %v, a second each", got, want)
	}

	srv.PageSize(t, 200)
	soql := "SELECT Id, Company, LastModifiedDate FROM Lead ORDER BY LastModifiedDate"
	status, body := rest(t, srv, tok.AccessToken, "/services/data/v60.0/query?"+url.Values{"q": {soql}}.Encode())
	var page struct {
		TotalSize      int              `json:"totalSize"`
		NextRecordsURL string           `json:"nextRecordsUrl"`
		Records        []map[string]any `json:"records"`
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &page) != nil {
		t.Fatalf("query = %d %s", status, body)
	}
	if page.TotalSize != 249 || len(page.Records) != 200 || page.NextRecordsURL == "" {
		t.Errorf("query = %d records of %d, next %q; want 200 of 249 and a next page", len(page.Records), page.TotalSize, page.NextRecordsURL)
	}
	// The late commit is stamped at start, before every insert.
	if first := page.Records[0]; first["Id"] != ids[1] || first["Company"] != "Initech" || first["LastModifiedDate"] != "2026-01-02T03:04:05.000+0000" {
		t.Errorf("first record by LastModifiedDate = %v; want the late commit of %s, stamped at the start", first, ids[1])
	}
	if got := srv.Queries(); len(got) != 1 || got[0] != soql {
		t.Errorf("Queries = %q; want the one query", got)
	}

	drop := srv.DropConnections(t, 0)
	if _, err := http.Get(srv.InstanceURL + "/services/data"); err == nil {
		t.Error("a request went through DropConnections")
	}
	if n := srv.Hits(t, drop).HitCount; n != 1 {
		t.Errorf("DropConnections took %d requests; want 1", n)
	}
	srv.RemoveFault(t, drop)
	resp, err := http.Get(srv.InstanceURL + "/services/data")
	if err != nil {
		t.Fatalf("after RemoveFault: %v", err)
	}
	resp.Body.Close()
}
