package oauth

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// appendJSON writes what json.Encoder writes for every token reply: each
// field set alone, all of them set, none, and values with what the
// Encoder escapes (quotes, control characters, HTML, U+2028, bad UTF-8).
// A field added to tokenResponse and not to appendJSON fails it.
func TestTokenReplyJSON(t *testing.T) {
	t.Parallel()
	encoded := func(v tokenResponse) string {
		var b bytes.Buffer
		if err := json.NewEncoder(&b).Encode(v); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	var replies []tokenResponse
	n := reflect.TypeFor[tokenResponse]().NumField()
	all := tokenResponse{}
	for i := range n {
		one := tokenResponse{}
		reflect.ValueOf(&one).Elem().Field(i).SetString("value" + string(rune('A'+i)))
		reflect.ValueOf(&all).Elem().Field(i).SetString("v" + string(rune('a'+i)))
		replies = append(replies, one)
	}
	replies = append(replies, all, tokenResponse{},
		tokenResponse{AccessToken: "00D5g!AQ.x_y", Scope: "api refresh_token openid", InstanceURL: "https://acme.my.salesforce.com",
			ID: "https://login.salesforce.com/id/00D/005", TokenType: "Bearer", IssuedAt: "1700000000000", Signature: "a+b/c="},
		tokenResponse{AccessToken: `quote " and backslash \`, Scope: "tab\tnew line\n", ID: "<script>&amp;</script>",
			InstanceURL: "line\u2028separator", TokenType: "bad \xff UTF-8", IDToken: "é ü 日本", Signature: "\x00\x1f\x7f"})
	for _, r := range replies {
		if got, want := string(r.appendJSON(nil)), encoded(r); got != want {
			t.Errorf("appendJSON(%+v)\n = %s\nwant %s", r, got, want)
		}
	}
}
