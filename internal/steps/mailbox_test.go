package steps

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Mailpit's API as documented (search, then message by ID), played by a
// small handler: Mailpit itself cannot be installed here.
func TestMailpitMailboxReadsCodes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/search", func(w http.ResponseWriter, r *http.Request) {
		if got := r.URL.Query().Get("query"); got != "to:sync@acme.test" {
			t.Errorf("query = %q; want to:sync@acme.test", got)
		}
		json.NewEncoder(w).Encode(map[string]any{"messages": []map[string]any{
			{"ID": "b", "From": map[string]string{"Address": "noreply@salesforce.com"}, "To": []map[string]string{{"Address": "sync@acme.test"}}, "Subject": "Verify your identity in Salesforce", "Created": "2026-11-23T10:00:02Z"},
			{"ID": "a", "From": map[string]string{"Address": "noreply@salesforce.com"}, "To": []map[string]string{{"Address": "sync@acme.test"}}, "Subject": "Verify your identity in Salesforce", "Created": "2026-11-23T10:00:01Z"},
		}})
	})
	mux.HandleFunc("/api/v1/message/", func(w http.ResponseWriter, r *http.Request) {
		code := map[string]string{"/api/v1/message/a": "111111", "/api/v1/message/b": "222222"}[r.URL.Path]
		json.NewEncoder(w).Encode(map[string]string{"Text": "Username: sync@acme.test\nVerification Code: " + code + "\n"})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	msgs, err := mailpitMailbox{srv.URL}.Messages("sync@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Code != "222222" || msgs[0].ID != "b" || msgs[1].Code != "111111" {
		t.Errorf("messages = %+v; want b (222222) then a (111111)", msgs)
	}
}
