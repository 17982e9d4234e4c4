package control_test

// What hostile or endless load can make the control API keep stays
// bounded (docs/security.md, "Bounds").

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
)

// The journal keeps JournalSize entries, and of each at most 2 KiB of one
// value and 8 KiB of all its query's and form's values, cut short with
// their length: a 60 KB state in each of 10,000 authorize URLs made the
// journal hold 600 MiB. Short values are kept whole, and the keys always.
func TestSecurityJournalEntriesBounded(t *testing.T) {
	t.Parallel()
	s := newServer(t, func(cfg *mocksf.Config) { cfg.JournalSize = 5 })
	long := strings.Repeat("s", 60<<10)
	tests := []struct {
		name, method string
		query, form  url.Values
		wantKept     map[string]string // key → the value, or its prefix when cut
		wantClipped  []string
	}{
		{"a 60 KB state", "GET", url.Values{"state": {long}, "client_id": {"K"}}, nil,
			map[string]string{"client_id": "K", "state": strings.Repeat("s", 2<<10) + fmt.Sprintf("…[%d bytes]", len(long))}, []string{"state"}},
		{"five 3 KiB fields in a form", "POST", nil, url.Values{"a": {long[:3<<10]}, "b": {long[:3<<10]}, "c": {long[:3<<10]}, "d": {long[:3<<10]}, "e": {"short"}},
			map[string]string{"a": long[:2<<10] + "…", "e": ""}, []string{"a", "b", "c", "d", "e"}},
	}
	for _, tt := range tests {
		u := s.URL + "/services/oauth2/authorize?" + tt.query.Encode()
		var resp *http.Response
		var err error
		if tt.method == "GET" {
			resp, err = http.Get(u)
		} else {
			resp, err = http.PostForm(s.URL+"/services/oauth2/token", tt.form)
		}
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		_, body := s.do(t, "GET", "/__mocksf/requests?limit=1", nil)
		e := decode[control.Requests](t, body).Requests[0]
		values := e.Query
		if tt.method == "POST" {
			values = e.Form
		}
		total := 0
		for k, list := range values {
			for _, v := range list {
				total += len(v)
				if len(v) > 2<<10+32 {
					t.Errorf("%s: %s kept %d bytes; want at most 2 KiB and its length", tt.name, k, len(v))
				}
			}
		}
		if total > 8<<10+5*32 {
			t.Errorf("%s: the entry keeps %d bytes of values; want at most 8 KiB", tt.name, total)
		}
		for k, want := range tt.wantKept {
			if got := values[k]; len(got) != 1 || !strings.HasPrefix(got[0], want) {
				t.Errorf("%s: %s = %.80q; want it to start %.80q", tt.name, k, got, want)
			}
		}
		for _, k := range tt.wantClipped {
			if got := values[k]; len(got) != 1 || !strings.Contains(got[0], "bytes]") {
				t.Errorf("%s: %s = %.80q; want it cut short with its length", tt.name, k, got)
			}
		}
	}
	for range 20 {
		resp, err := http.Get(s.URL + "/services/oauth2/authorize?state=" + long)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, body := s.do(t, "GET", "/__mocksf/requests", nil); decode[control.Requests](t, body).Count != 5 {
		t.Errorf("the journal keeps %d entries; want JournalSize, 5", decode[control.Requests](t, body).Count)
	}
}
