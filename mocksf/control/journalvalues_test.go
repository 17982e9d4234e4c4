package control

import (
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// twoPass is what journalValues replaced, kept as its reference: mask the
// secrets into a new map, then clip and copy into another.
func twoPass(vs url.Values, budget *int) map[string][]string {
	if len(vs) == 0 {
		return nil
	}
	masked := make(map[string][]string, len(vs))
	for k, list := range vs {
		if !secretFields[strings.ToLower(k)] {
			masked[k] = list
			continue
		}
		m := make([]string, len(list))
		for i, v := range list {
			m[i] = mask(v)
		}
		masked[k] = m
	}
	out := make(map[string][]string, len(masked))
	for _, k := range slices.Sorted(maps.Keys(masked)) {
		list := make([]string, len(masked[k]))
		for i, v := range masked[k] {
			if limit := min(maxJournalValue, max(*budget, 0)); len(v) > limit {
				v = strings.ToValidUTF8(v[:limit], "") + fmt.Sprintf(clipMark, len(v))
			}
			list[i] = v
			*budget -= len(v)
		}
		out[k] = list
	}
	return out
}

// journalValues keeps what the two passes kept, with the budget spent
// alike, for forms of every shape the journal meets.
func TestJournalValuesAsTwoPasses(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1500) // 3,000 bytes, cut inside a rune
	tests := []struct {
		name   string
		vs     url.Values
		budget int
	}{
		{"nothing", nil, maxEntryValues},
		{"empty", url.Values{}, maxEntryValues},
		{"a refresh", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"5Aep861abcdefgh"}, "client_id": {"3MVG9"}, "client_secret": {"S3CR3T-LONG"}}, maxEntryValues},
		{"short secrets", url.Values{"code": {"aPrx"}, "PASSWORD": {"pw12345678"}, "token": {""}}, maxEntryValues},
		{"a key without values", url.Values{"a": {}, "b": {"x"}}, maxEntryValues},
		{"many values of a key", url.Values{"scope": {"api", "id", "openid", "web"}, "state": {"s"}}, maxEntryValues},
		{"a long value", url.Values{"state": {long}, "client_id": {"K"}}, maxEntryValues},
		{"the budget runs out", url.Values{"a": {strings.Repeat("a", 2000)}, "b": {strings.Repeat("b", 2000)}, "c": {"ccc"}, "code": {"aPrxSECRET"}}, 2500},
		{"no budget left", url.Values{"a": {"x"}, "code": {"aPrxSECRET"}}, 0},
		{"a budget under a masked secret", url.Values{"code": {"aPrxSECRET"}}, 5},
		{"more keys than the stack arrays", func() url.Values {
			vs := url.Values{}
			for i := range 40 {
				vs[fmt.Sprintf("k%02d", i)] = []string{strings.Repeat("v", i*37), "w"}
			}
			return vs
		}(), maxEntryValues},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotBudget, wantBudget := tt.budget, tt.budget
			got, want := journalValues(tt.vs, &gotBudget), twoPass(tt.vs, &wantBudget)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("journalValues = %q\nwant %q", got, want)
			}
			if gotBudget != wantBudget {
				t.Errorf("budget left %d; want %d", gotBudget, wantBudget)
			}
		})
	}
}
