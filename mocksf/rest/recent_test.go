package rest_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRecent checks /recent: the user's records, newest first, Id and
// Name, within limit.
func TestRecent(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	if rec := c.do("POST", coreV+"/sobjects/Account", `{"Name":"Newest"}`); rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	var all []map[string]any
	rec := c.do("GET", coreV+"/recent", "")
	if err := json.Unmarshal(rec.Body.Bytes(), &all); rec.Code != 200 || err != nil {
		t.Fatalf("recent: %d %v %s", rec.Code, err, rec.Body.String())
	}
	if len(all) == 0 || all[0]["Name"] != "Newest" {
		t.Fatalf("recent: %s; want Newest first", rec.Body.String())
	}
	for _, r := range all {
		if len(r) != 3 || r["Id"] == nil || r["attributes"] == nil {
			t.Errorf("recent item %v: want attributes, Id, Name", r)
		}
		if strings.Contains(jsonText(t, r), "Other Widgets") {
			t.Errorf("another org's record: %v", r)
		}
	}
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"?limit=2", 2}, {"?limit=0", len(all)}, {"?limit=x", len(all)}, {"?limit=100000", len(all)},
	} {
		var got []any
		rec := c.do("GET", coreV+"/recent"+tc.query, "")
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got) != tc.n {
			t.Errorf("recent%s: %d items (%v); want %d", tc.query, len(got), err, tc.n)
		}
	}
	// An object's basic information lists its own recent items.
	basic := c.getJSON(t, coreV+"/sobjects/Account")
	items, _ := basic["recentItems"].([]any)
	if len(items) != 3 || items[0].(map[string]any)["Name"] != "Newest" {
		t.Errorf("Account recentItems %v; want the three Accounts, Newest first", basic["recentItems"])
	}
	if got := jsonText(t, c.getJSON(t, coreV+"/sobjects/Organization")["recentItems"]); got != "[]" {
		t.Errorf("Organization recentItems %s; want []", got)
	}
}
