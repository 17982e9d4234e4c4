package rest_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestOrgObjects checks the objects every org has: queryable with the
// Salesforce CLI's own queries, describable, read-only.
func TestOrgObjects(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	q := func(soql string) string { return coreV + "/query?q=" + url.QueryEscape(soql) }
	admin := c.users[0]
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		contains                 []string
	}{
		{"CLI org query (sfdx-core determineOrg)", "GET",
			q("SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization"), "", 200,
			[]string{`"totalSize":1`, `"Name":"Core Corp","InstanceName":"NA1","IsSandbox":false,"TrialExpirationDate":null,"NamespacePrefix":null,"OrganizationType":"Developer Edition"`,
				`"url":"/services/data/v67.0/sobjects/Organization/` + c.org.ID + `"`}},
		{"organization by id", "GET", coreV + "/sobjects/Organization/" + c.org.ID, "", 200,
			[]string{`"Id":"` + c.org.ID + `"`, `"TimeZoneSidKey":"America/Los_Angeles"`, `"FiscalYearStartMonth":1`}},
		{"one organization per org", "GET", q("SELECT COUNT() FROM Organization"), "", 200, []string{`"totalSize":1`}},
		{"users with profiles", "GET", q("SELECT Username, LastName, Name, Alias, Profile.Name, UserRoleId FROM User ORDER BY Username"), "", 200,
			[]string{`"Username":"admin@core.test","LastName":"Admin","Name":"Ada Admin","Alias":"aadmi","Profile":{"attributes":{"type":"Profile"`,
				`"Name":"System Administrator"},"UserRoleId":null`,
				`"Username":"nolast@core.test","LastName":"nolast","Name":"nolast"`, `"Name":"Standard User"}`}},
		{"user fields", "GET", q("SELECT Email, IsActive, ProfileId, TimeZoneSidKey, LocaleSidKey, LanguageLocaleKey, EmailEncodingKey, UserType FROM User WHERE Username = 'admin@core.test'"), "", 200,
			[]string{`"Email":"admin@core.test","IsActive":true,"ProfileId":"00e`, `"TimeZoneSidKey":"America/Los_Angeles","LocaleSidKey":"en_US","LanguageLocaleKey":"en_US","EmailEncodingKey":"UTF-8","UserType":"Standard"`}},
		{"CLI user query (sfdx-core user.ts REQUIRED_FIELDS)", "GET",
			q("SELECT Id, Username, LastName, Alias, TimeZoneSidKey, LocaleSidKey, EmailEncodingKey, ProfileId, LanguageLocaleKey, Email FROM User WHERE Username='nolast@core.test'"), "", 200,
			[]string{`"totalSize":1`, `"Username":"nolast@core.test","LastName":"nolast","Alias":"nola"`, `"EmailEncodingKey":"UTF-8","ProfileId":"00e`}},
		{"CLI profile query", "GET", q("SELECT Id FROM Profile WHERE name='System Administrator'"), "", 200, []string{`"totalSize":1`}},
		{"profiles", "GET", q("SELECT Name FROM Profile WHERE Name IN ('System Administrator', 'Standard User') ORDER BY Name"), "", 200,
			[]string{`"totalSize":2`, `"Name":"Standard User"`, `"Name":"System Administrator"`}},
		{"profile-owned permission sets", "GET", q("SELECT Name, IsOwnedByProfile, Profile.Name FROM PermissionSet WHERE IsOwnedByProfile = true"), "", 200,
			[]string{`"totalSize":4`, `"Name":"X00e`, `"IsOwnedByProfile":true`}},
		{"no roles", "GET", q("SELECT Id, Name FROM UserRole"), "", 200, []string{`"totalSize":0`, `"records":[]`}},
		{"no record types", "GET", q("SELECT Id, SobjectType FROM RecordType WHERE SobjectType = 'Account'"), "", 200, []string{`"totalSize":0`}},
		{"all internal users group", "GET", q("SELECT Name, DeveloperName, Type FROM Group"), "", 200,
			[]string{`"Name":"All Internal Users","DeveloperName":"AllInternalUsers","Type":"Organization"`}},
		{"global describe", "GET", coreV + "/sobjects", "", 200,
			[]string{`"name":"Organization"`, `"name":"Profile"`, `"name":"PermissionSet"`, `"name":"UserRole"`, `"name":"RecordType"`, `"name":"Group"`}},
		{"describe organization", "GET", coreV + "/sobjects/Organization/describe", "", 200,
			[]string{`"createable":false`, `"name":"InstanceName"`, `"keyPrefix":"00D"`}},
		{"basic info profile", "GET", coreV + "/sobjects/Profile", "", 200, []string{`"keyPrefix":"00e"`, `"createable":false`}},
		{"user describe has ProfileId", "GET", coreV + "/sobjects/User/describe", "", 200, []string{`"name":"ProfileId"`, `"relationshipName":"Profile"`}},
		{"create organization", "POST", coreV + "/sobjects/Organization", `{"Name":"X"}`, 400,
			[]string{`[{"message":"entity type cannot be inserted: Organization","errorCode":"INVALID_TYPE_FOR_OPERATION","fields":[]}]`}},
		{"update organization", "PATCH", coreV + "/sobjects/Organization/" + c.org.ID, `{"Name":"X"}`, 400,
			[]string{`entity type cannot be updated: Organization`}},
		{"delete organization", "DELETE", coreV + "/sobjects/Organization/" + c.org.ID, "", 400,
			[]string{`entity type cannot be deleted: Organization`}},
		{"another org's organization", "GET", coreV + "/sobjects/Organization/" + otherOrg(c), "", 404, []string{"NOT_FOUND"}},
		{"admin user by id", "GET", coreV + "/sobjects/User/" + admin.ID + "?fields=ProfileId,Profile.Name", "", 200, []string{`"Name":"System Administrator"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := c.do(tc.method, tc.path, tc.body)
			if rec.Code != tc.status {
				t.Fatalf("%s %s: %d %s; want %d", tc.method, tc.path, rec.Code, rec.Body.String(), tc.status)
			}
			for _, want := range tc.contains {
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("%s %s: %.600s\nwant it to contain %s", tc.method, tc.path, rec.Body.String(), want)
				}
			}
		})
	}
	// Nothing was written by the refused writes.
	if got := c.getJSON(t, q("SELECT Name FROM Organization")); !strings.Contains(jsonText(t, got), `"Name":"Core Corp"`) {
		t.Errorf("organization after refused writes: %v", got)
	}
}

func otherOrg(c *coreServer) string {
	for _, o := range c.st.Orgs() {
		if o.ID != c.org.ID {
			return o.ID
		}
	}
	return ""
}
