package rest_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestTooling checks the minimal Tooling API: empty answers for Apex,
// the seed's custom objects and fields, INVALID_TYPE for the rest.
func TestTooling(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	tq := func(soql string) string { return coreV + "/tooling/query?q=" + url.QueryEscape(soql) }
	for _, tc := range []struct {
		name, path string
		status     int
		want       []string
	}{
		{"apex classes", tq("SELECT Id, Name FROM ApexClass"), 200,
			[]string{`{"size":0,"totalSize":0,"done":true,"queryLocator":null,"entityTypeName":"ApexClass","records":[]}`}},
		{"trailing slash", coreV + "/tooling/query/?q=" + url.QueryEscape("SELECT Id FROM ApexTrigger"), 200, []string{`"entityTypeName":"ApexTrigger"`}},
		{"source members", tq("SELECT MemberName, MemberType, RevisionCounter FROM SourceMember WHERE RevisionCounter > 0"), 200, []string{`"size":0`}},
		{"count", tq("SELECT COUNT() FROM ApexPage"), 200, []string{`"totalSize":0`}},
		{"no custom objects", tq("SELECT Id, DeveloperName FROM CustomObject"), 200, []string{`"totalSize":0`}},
		{"unknown object", tq("SELECT Id FROM Account"), 400, []string{`"errorCode":"INVALID_TYPE"`, "sObject type 'Account' is not supported"}},
		{"bad field", tq("SELECT Nope FROM ApexClass"), 400, []string{`"errorCode":"INVALID_FIELD"`}},
		{"no q", coreV + "/tooling/query", 400, []string{`"errorCode":"MALFORMED_QUERY"`}},
		{"columns", tq("SELECT Id, Name FROM ApexClass") + "&columns=true", 200, []string{`"entityName":"ApexClass"`, `"keyPrefix":"01p"`}},
		{"global describe", coreV + "/tooling/sobjects", 200,
			[]string{`"name":"ApexClass"`, `"name":"CustomField"`, `"name":"SourceMember"`, `"sobject":"/services/data/v67.0/tooling/sobjects/ApexClass"`}},
		{"describe", coreV + "/tooling/sobjects/ApexClass/describe", 200, []string{`"name":"ApexClass"`, `"name":"Body"`, `"createable":false`}},
		{"describe unknown", coreV + "/tooling/sobjects/Account/describe", 404, []string{"NOT_FOUND"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := c.do("GET", tc.path, "")
			if rec.Code != tc.status {
				t.Fatalf("GET %s: %d %s; want %d", tc.path, rec.Code, rec.Body.String(), tc.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(rec.Body.String(), w) {
					t.Errorf("GET %s: %.400s\nwant %s", tc.path, rec.Body.String(), w)
				}
			}
		})
	}
}

// TestToolingCustomSchema checks that CustomObject and CustomField list
// what the seed declares.
func TestToolingCustomSchema(t *testing.T) {
	t.Parallel()
	c := newCoreServerAs(t, writeSeed, "Writer")
	got := jsonText(t, c.getJSON(t, coreV+"/tooling/query?q="+url.QueryEscape("SELECT DeveloperName FROM CustomObject")))
	if !strings.Contains(got, `"DeveloperName":"Invoice"`) || !strings.Contains(got, `"url":"/services/data/v67.0/tooling/sobjects/CustomObject/01I`) {
		t.Errorf("custom objects: %s", got)
	}
	got = jsonText(t, c.getJSON(t, coreV+"/tooling/query?q="+url.QueryEscape("SELECT DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId = 'Lead'")))
	if !strings.Contains(got, `"DeveloperName":"External_Id"`) || !strings.Contains(got, `"TableEnumOrId":"Lead"`) {
		t.Errorf("custom fields: %s", got)
	}
}
