package rest

import (
	"encoding/json"
	"testing"
)

// FuzzCompositeParsing feeds the SObject Collections and Composite body
// parsers and the reference resolver arbitrary bytes: each answers a
// request or Salesforce's error, never panics, and a parsed request keeps
// its limits.
func FuzzCompositeParsing(f *testing.F) {
	for _, s := range []string{
		`{"allOrNone":true,"records":[{"attributes":{"type":"Account"},"Name":"A"}]}`,
		`{"records":[[1]]}`, `{"records":`, `[]`, `{"ids":["001"],"fields":["Id"]}`, `{"allOrNone":"x"}`,
		`{"allOrNone":false,"compositeRequest":[{"method":"GET","url":"/services/data/v67.0/sobjects/Account/@{a.records[0].Id}","referenceId":"b"}]}`,
	} {
		f.Add([]byte(s))
	}
	bodies := map[string]any{"a": map[string]any{"id": "001", "records": []any{map[string]any{"Id": json.Number("7")}}}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if req, e := parseCollectionRequest(data); e == nil && len(req.Records) > maxCollectionRecords {
			t.Fatalf("%d records parsed; limit %d", len(req.Records), maxCollectionRecords)
		} else if e != nil && e.Code == "" {
			t.Fatal("error without a code")
		}
		if req, e := parseCompositeRequest(data); e == nil {
			if n := len(req.CompositeRequest); n == 0 || n > maxCompositeSubrequests {
				t.Fatalf("%d subrequests parsed", n)
			}
		}
		_, _ = parseRetrieveRequest(data)
		for _, raw := range []bool{false, true} {
			if _, e := substitute(string(data), bodies, raw); e != nil && e.Code != "PROCESSING_HALTED" {
				t.Fatalf("substitute error %+v", e)
			}
		}
		if body, errs := parseRecordBody(data, anyObject); errs == nil {
			_ = recordType(body)
		}
	})
}

func TestResolveReference(t *testing.T) {
	t.Parallel()
	bodies := map[string]any{
		"acc":   map[string]any{"id": "001A", "success": true},
		"q":     map[string]any{"totalSize": json.Number("2"), "records": []any{map[string]any{"Id": "003B"}}},
		"multi": []any{map[string]any{"id": "001C"}},
	}
	for _, c := range []struct {
		expr, ref, value string
		ok               bool
	}{
		{"acc.id", "acc", "001A", true},
		{"acc.success", "acc", "true", true},
		{"q.records[0].Id", "q", "003B", true},
		{"q.totalSize", "q", "2", true},
		{"multi[0].id", "multi", "001C", true},
		{"q.records[1].Id", "q", "", false},
		{"q.records", "q", "", false},
		{"acc.nope", "acc", "", false},
		{"none.id", "none", "", false},
		{"q.records[x]", "q", "", false},
	} {
		ref, v, ok := resolveReference(c.expr, bodies)
		if ref != c.ref || v != c.value || ok != c.ok {
			t.Errorf("resolveReference(%q) = %q, %q, %v; want %q, %q, %v", c.expr, ref, v, ok, c.ref, c.value, c.ok)
		}
	}
}
