package rest_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestSearch checks /search and /parameterizedSearch over coreSeed's
// records through mocksf's own router.
func TestSearch(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	find := func(sosl string) string { return coreV + "/search?q=" + url.QueryEscape(sosl) }
	for _, tc := range []struct {
		name, method, path, body string
		// want lists "Type:Name-or-Id" of the records, in order.
		want []string
	}{
		{"all objects, Id only", "GET", find("FIND {widget*}"), "", []string{"Account", "Account", "Contact", "Lead"}},
		{"returning fields", "GET", find("FIND {widgets} RETURNING Account(Name ORDER BY Name), Contact(Name)"), "", []string{"Account:Acme Widgets", "Account:Globex", "Contact:Wanda Widget"}}, // her email is at widgets.example
		{"name fields", "GET", find("FIND {widget} IN NAME FIELDS RETURNING Account(Name), Contact(Name), Lead(Name)"), "", []string{"Contact:Wanda Widget"}},
		{"email fields", "GET", find("FIND {wanda@widgets.example} IN EMAIL FIELDS RETURNING Contact(Email)"), "", []string{"Contact:wanda@widgets.example"}},
		{"phone fields", "GET", find("FIND {555-0100} IN PHONE FIELDS RETURNING Account(Name)"), "", []string{"Account:Acme Widgets"}},
		{"where and limit", "GET", find("FIND {widget*} RETURNING Account(Name WHERE Industry = 'Technology'), Lead(Name LIMIT 0)"), "", []string{"Account:Acme Widgets"}},
		{"overall limit", "GET", find("FIND {widget*} RETURNING Account(Name ORDER BY Name DESC), Contact(Name) LIMIT 1"), "", []string{"Account:Globex"}},
		{"and not", "GET", find("FIND {widgets AND NOT globex} RETURNING Account(Name)"), "", []string{"Account:Acme Widgets"}},
		{"other org's records stay out", "GET", find("FIND {other} RETURNING Account(Name)"), "", nil},
		{"org objects are not searched", "GET", find("FIND {Core} RETURNING Organization(Name)"), "", nil},
		{"parameterized GET", "GET", coreV + "/parameterizedSearch?q=widget*&sobject=Account&Account.fields=Name&Account.limit=1", "", []string{"Account:Acme Widgets"}},
		{"parameterized GET in", "GET", coreV + "/parameterizedSearch?q=smith&in=EMAIL&sobject=Lead,Contact&fields=Name", "", []string{"Lead:Smith"}},
		{"parameterized POST", "POST", coreV + "/parameterizedSearch",
			`{"q":"builder","fields":["Name"],"sobjects":[{"name":"Contact"},{"name":"Account","fields":["Id"]}],"in":"ALL","overallLimit":10}`,
			[]string{"Contact:Bob Builder"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := c.do(tc.method, tc.path, tc.body)
			if rec.Code != 200 {
				t.Fatalf("%s %s: %d %s", tc.method, tc.path, rec.Code, rec.Body.String())
			}
			var got struct {
				SearchRecords []map[string]any `json:"searchRecords"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got.SearchRecords == nil {
				t.Fatalf("%v: %s", err, rec.Body.String())
			}
			var names []string
			for _, r := range got.SearchRecords {
				typ := r["attributes"].(map[string]any)["type"].(string)
				url := r["attributes"].(map[string]any)["url"].(string)
				if !strings.HasPrefix(url, coreV+"/sobjects/"+typ+"/") {
					t.Errorf("url %s", url)
				}
				label := typ
				for _, k := range []string{"Name", "Email"} {
					if v, ok := r[k].(string); ok {
						label += ":" + v
					}
				}
				names = append(names, label)
			}
			if !reflect.DeepEqual(names, tc.want) {
				t.Errorf("records %v; want %v (%s)", names, tc.want, rec.Body.String())
			}
		})
	}
}

// TestSearchErrors checks Salesforce's answers to bad searches.
func TestSearchErrors(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	find := func(sosl string) string { return coreV + "/search?q=" + url.QueryEscape(sosl) }
	for _, tc := range []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"GET", coreV + "/search", "", 400, `[{"message":"A search string has to be specified","errorCode":"MALFORMED_SEARCH"}]`},
		{"GET", find("FIND Acme"), "", 400, `[{"message":"No search term found. The search term must be enclosed in braces.","errorCode":"MALFORMED_SEARCH"}]`},
		{"GET", find("FIND {a}"), "", 400, `[{"message":"search term must be longer than one character: a","errorCode":"MALFORMED_SEARCH"}]`},
		{"GET", find("FIND {Acme} RETURNING Nope__c"), "", 400,
			`[{"message":"\nFIND {Acme} RETURNING Nope__c\n                      ^\nERROR at Row:1:Column:23\nsObject type 'Nope__c' is not supported.`},
		{"GET", find("FIND {Acme} RETURNING Account(Nope)"), "", 400, `"errorCode":"INVALID_FIELD"`},
		{"GET", find("FIND {Acme} RETURNING Account(Name WHERE)"), "", 400, `"errorCode":"MALFORMED_SEARCH"`},
		{"POST", coreV + "/search", "", 405, "METHOD_NOT_ALLOWED"},
		{"GET", coreV + "/parameterizedSearch", "", 400, `"errorCode":"MALFORMED_SEARCH"`},
		{"GET", coreV + "/parameterizedSearch?q=x", "", 400, "longer than one character"},
		{"GET", coreV + "/parameterizedSearch?q=acme&in=BODY", "", 400, "MALFORMED_SEARCH"},
		{"POST", coreV + "/parameterizedSearch", `{"q":`, 400, "JSON_PARSER_ERROR"},
		{"POST", coreV + "/parameterizedSearch", `{"q":"acme","sobjects":[` + strings.Repeat(`{"name":"Account"},`, 100) + `{"name":"Lead"}]}`, 400, "at most 100 objects"},
		{"POST", coreV + "/parameterizedSearch", `{"q":"acme","sobjects":[{"name":"Nope"}]}`, 400, "INVALID_TYPE"},
		{"POST", coreV + "/parameterizedSearch", `{"q":"acme","x":"` + strings.Repeat("a", 1<<20) + `"}`, 400, "JSON_PARSER_ERROR"},
	} {
		rec := c.do(tc.method, tc.path, tc.body)
		if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
			t.Errorf("%s %.80s: %d %.300s; want %d with %s", tc.method, tc.path, rec.Code, rec.Body.String(), tc.status, tc.want)
		}
	}
}
