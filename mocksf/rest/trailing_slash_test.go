package rest_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestTrailingSlash checks that every REST path answers the same with one
// trailing slash as without, through mocksf's own router.
func TestTrailingSlash(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	rec := c.do("POST", coreV+"/sobjects/Lead/", `{"LastName":"Slash","Company":"C"}`)
	if rec.Code != 201 {
		t.Fatalf("POST sobjects/Lead/: %d %s", rec.Code, rec.Body.String())
	}
	id := rec.Body.String()[7:25]
	q := url.QueryEscape("SELECT Id FROM Lead WHERE LastName = 'Slash'")
	for _, tc := range []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"GET", coreV + "/", "", 200, `"sobjects":"/services/data/v67.0/sobjects"`},
		{"GET", coreV + "/limits/", "", 200, `"DailyApiRequests"`},
		{"GET", coreV + "/sobjects/", "", 200, `"name":"Organization"`},
		{"GET", coreV + "/sobjects/Lead/", "", 200, `"objectDescribe"`},
		{"GET", coreV + "/sobjects/Lead/describe/", "", 200, `"name":"Company"`},
		{"GET", coreV + "/sobjects/Lead/" + id + "/", "", 200, `"LastName":"Slash"`},
		{"PATCH", coreV + "/sobjects/Lead/" + id + "/", `{"FirstName":"Tr"}`, 204, ""},
		{"GET", coreV + "/query/?q=" + q, "", 200, `"totalSize":1`},
		{"GET", coreV + "/queryAll/?q=" + q, "", 200, `"totalSize":1`},
		{"GET", coreV + "/sobjects/Lead/updated/?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z", "", 400, "INVALID_REPLICATION_DATE"},
		{"GET", coreV + "/sobjects/Lead/deleted/?start=2020-01-01T00:00:00Z&end=2020-01-02T00:00:00Z", "", 400, "INVALID_REPLICATION_DATE"},
		{"GET", coreV + "/search/?q=" + url.QueryEscape("FIND {Slash}"), "", 200, `"searchRecords"`},
		{"GET", coreV + "/recent/", "", 200, `[`},
		{"GET", coreV + "/tooling/sobjects/", "", 200, `"name":"ApexClass"`},
		{"DELETE", coreV + "/sobjects/Lead/" + id + "/", "", 204, ""},
		// Two slashes are collapsed into one, which is then trimmed.
		{"GET", coreV + "/sobjects//", "", 200, `"name":"Lead"`},
		// Only paths under a version are trimmed into resources: an
		// unknown one stays Salesforce's 404.
		{"GET", coreV + "/nothing/", "", 404, "NOT_FOUND"},
		{"GET", "/services/data/", "", 200, `"version":"67.0"`},
	} {
		rec := c.do(tc.method, tc.path, tc.body)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.contains) {
			t.Errorf("%s %s: %d %.300s; want %d with %s", tc.method, tc.path, rec.Code, rec.Body.String(), tc.status, tc.contains)
		}
	}
}
