package rest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

const limitedSeed = `
orgs:
  - name: Limited
    edition: Developer
    apiDailyLimit: 3
    newestApiVersion: "66.0"
    users:
      - {username: l@limited.test, password: Pw-Limited-1}
    records:
      generate: {Lead: 3}
  - name: Dev
    edition: Developer
    users:
      - {username: d@dev.test, password: Pw-Dev-1}
`

func TestDailyLimitEnforced(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, limitedSeed)
	token := f.token(t, "Limited", 0)
	for i, want := range []string{"api-usage=1/3", "api-usage=2/3", "api-usage=3/3"} {
		rec := f.get(t, "/services/data/v66.0/limits", token)
		wantStatus(t, rec, 200)
		if got := rec.Header().Get("Sforce-Limit-Info"); got != want {
			t.Errorf("request %d: Sforce-Limit-Info = %q; want %q", i, got, want)
		}
	}
	rec := f.get(t, "/services/data/v66.0/sobjects", token)
	wantBody(t, rec, http.StatusForbidden, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`)
	if got := rec.Header().Get("Sforce-Limit-Info"); got != "api-usage=3/3" {
		t.Errorf("refused: Sforce-Limit-Info = %q; want api-usage=3/3", got)
	}
	// The limit is per org; Developer Edition's default is 15,000.
	if got := f.get(t, "/services/data/v66.0/sobjects", f.token(t, "Dev", 0)).Header().Get("Sforce-Limit-Info"); got != "api-usage=1/15000" {
		t.Errorf("other org: Sforce-Limit-Info = %q; want api-usage=1/15000", got)
	}
	// The window rolls: a day later the requests are allowed again (with
	// a new session: the old one timed out).
	f.clock.Advance(24*time.Hour + time.Minute)
	wantStatus(t, f.get(t, "/services/data/v66.0/sobjects", f.token(t, "Limited", 0)), 200)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, limitedSeed)
	token := f.token(t, "Dev", 0)
	f.get(t, "/services/data/v66.0/sobjects", token)
	rec := f.get(t, "/services/data/v66.0/limits", token)
	wantStatus(t, rec, 200)
	var got map[string]struct{ Max, Remaining int }
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if d := got["DailyApiRequests"]; d.Max != 15000 || d.Remaining != 14998 {
		t.Errorf("DailyApiRequests = %+v; want Max 15000, Remaining 14998", d)
	}
	for _, name := range []string{"DataStorageMB", "FileStorageMB", "DailyBulkApiBatches", "SingleEmail", "HourlyTimeBasedWorkflow"} {
		if _, ok := got[name]; !ok {
			t.Errorf("limits lack %s", name)
		}
	}
	body := rec.Body.String()
	var keys []string
	for _, k := range strings.Split(body, `"Max"`) {
		if i := strings.LastIndex(k, `":{`); i > 0 {
			keys = append(keys, k[strings.LastIndex(k[:i], `"`)+1:i])
		}
	}
	if !slices.IsSorted(keys) || len(keys) != len(got) {
		t.Errorf("limit names are not in alphabetical order: %v", keys)
	}
}

func TestOrgNewestVersion(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, limitedSeed)
	token := f.token(t, "Limited", 0)
	wantBody(t, f.get(t, "/services/data/v67.0/sobjects", token), 404, bodyNotFound)
	var versions []struct{ Version string }
	_ = json.Unmarshal(f.get(t, "/services/data", token).Body.Bytes(), &versions)
	if last := versions[len(versions)-1].Version; last != "66.0" {
		t.Errorf("with the org's session, the newest version listed is %s; want 66.0", last)
	}
	_ = json.Unmarshal(f.get(t, "/services/data", "").Body.Bytes(), &versions)
	if last := versions[len(versions)-1].Version; last != "67.0" {
		t.Errorf("without a session, the newest version listed is %s; want 67.0", last)
	}
	// Other orgs serve the server's newest.
	wantStatus(t, f.get(t, "/services/data/v67.0/sobjects", f.token(t, "Dev", 0)), 200)
}

// TestUnknownResources checks the 404, 401 and 405 answers. A trailing
// slash is trimmed before routing (mocksf/trailing_slash.go), so
// sobjects/Lead/describe/ is the describe and not one of the 404s.
func TestUnknownResources(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	for _, path := range []string{"/services/data/v67.0/nothing", "/services/data/v67.0/nothing/", "/services/data/v67.0/query/a/b"} {
		wantBody(t, f.get(t, path, token), 404, bodyNotFound)
	}
	wantBody(t, f.get(t, "/services/data/v67.0/nothing", ""), 401, bodySessionInvalid)
	wantStatus(t, f.get(t, "/services/data/v67.0", token), 200)
	rec := f.send(t, "POST", "/services/data/v67.0/query?q=SELECT+Id+FROM+Lead", token, "")
	wantBody(t, rec, 405, `[{"message":"HTTP Method 'POST' not allowed. Allowed are GET,HEAD","errorCode":"METHOD_NOT_ALLOWED"}]`)
	if rec := f.send(t, "HEAD", "/services/data/v67.0/limits", token, ""); rec.Code != 200 {
		t.Errorf("HEAD /limits: %d; want 200", rec.Code)
	}
}

func TestReplication(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	// The clock starts at 15:00:00; records change at 15:10 and 15:20.
	f.clock.Advance(10 * time.Minute)
	a := f.create(t, token, "Lead", `{"LastName":"A","Company":"C"}`)
	b := f.create(t, token, "Lead", `{"LastName":"B","Company":"C"}`)
	f.clock.Advance(10*time.Minute + 30*time.Second)
	if rec := f.send(t, "DELETE", "/services/data/v67.0/sobjects/Lead/"+b, token, ""); rec.Code != 204 {
		t.Fatal(rec.Body.String())
	}
	f.send(t, "PATCH", "/services/data/v67.0/sobjects/Lead/"+a, token, `{"FirstName":"Ada"}`)
	f.clock.Advance(time.Hour) // now 16:20:30

	window := func(resource, start, end string) string {
		return "/services/data/v67.0/sobjects/Lead/" + resource + "/?start=" + url.QueryEscape(start) + "&end=" + url.QueryEscape(end)
	}
	tests := []struct {
		path   string
		status int
		body   string
	}{
		// A is in the window by its last change (15:20:30), not its creation.
		{window("updated", "2026-03-10T15:00:00+00:00", "2026-03-10T15:15:00+00:00"), 200,
			`{"ids":[],"latestDateCovered":"2026-03-10T15:15:00.000+0000"}`},
		{window("updated", "2026-03-10T15:00:00+00:00", "2026-03-10T15:25:00+00:00"), 200,
			`{"ids":["` + a + `"],"latestDateCovered":"2026-03-10T15:25:00.000+0000"}`},
		{window("updated", "2026-03-10T15:15:59Z", "2026-03-10T17:00:00Z"), 200, // seconds are ignored; the window stops now
			`{"ids":["` + a + `"],"latestDateCovered":"2026-03-10T16:20:00.000+0000"}`},
		{window("updated", "2026-03-10T15:21:00Z", "2026-03-10T16:00:00Z"), 200, `{"ids":[],"latestDateCovered":"2026-03-10T16:00:00.000+0000"}`},
		{window("deleted", "2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z"), 200,
			`{"deletedRecords":[{"id":"` + b + `","deletedDate":"2026-03-10T15:20:30.000+0000"}],"earliestDateAvailable":"2026-02-23T16:20:00.000+0000","latestDateCovered":"2026-03-10T16:00:00.000+0000"}`},
		{window("deleted", "2026-03-10T15:21:00Z", "2026-03-10T16:00:00Z"), 200,
			`{"deletedRecords":[],"earliestDateAvailable":"2026-02-23T16:20:00.000+0000","latestDateCovered":"2026-03-10T16:00:00.000+0000"}`},
		{window("updated", "2026-03-10T15:00:10Z", "2026-03-10T15:00:50Z"), 400,
			`[{"message":"startDate must chronologically precede endDate by more than one minute","errorCode":"INVALID_REPLICATION_DATE"}]`},
		{window("updated", "2026-01-01T00:00:00Z", "2026-03-10T15:00:00Z"), 400,
			`[{"message":"startDate cannot be more than 30 days ago","errorCode":"INVALID_REPLICATION_DATE"}]`},
		{window("deleted", "2026-02-01T00:00:00Z", "2026-03-10T15:00:00Z"), 400,
			`[{"message":"startDate cannot be before earliestDateAvailable","errorCode":"INVALID_REPLICATION_DATE"}]`},
		{window("updated", "yesterday", "2026-03-10T15:00:00Z"), 400,
			`[{"message":"Unable to parse start parameter as a dateTime: yesterday","errorCode":"INVALID_REPLICATION_DATE"}]`},
		{"/services/data/v67.0/sobjects/Lead/updated/?start=2026-03-10T15:00:00Z", 400,
			`[{"message":"Missing required parameter: end","errorCode":"MISSING_ARGUMENT"}]`},
		{window("updated", "2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z")[len("/services/data/v67.0/sobjects/Lead"):], 404, bodyNotFound},
	}
	for _, tt := range tests {
		path := tt.path
		if !strings.HasPrefix(path, "/services") {
			path = "/services/data/v67.0/sobjects/Bogus" + path
		}
		wantBody(t, f.get(t, path, token), tt.status, tt.body)
	}
	// Without the trailing slash too.
	wantStatus(t, f.get(t, strings.Replace(window("updated", "2026-03-10T15:00:00Z", "2026-03-10T16:00:00Z"), "/?", "?", 1), token), 200)
}
