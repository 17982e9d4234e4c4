package steps

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
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
	msgs, err := mailpitMailbox{srv.URL}.Messages("sync@acme.test", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Code != "222222" || msgs[0].ID != "b" || msgs[1].Code != "111111" {
		t.Errorf("messages = %+v; want b (222222) then a (111111)", msgs)
	}
}

// Waiting for a message newer than after, the Mailpit mailbox reads
// Mailpit again until one came, as mocksf's mailbox waits in mocksf.
func TestMailpitMailboxWaitsForANewerMessage(t *testing.T) {
	var searches atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/api/v1/search", func(w http.ResponseWriter, r *http.Request) {
		msgs := []map[string]any{{"ID": "a", "To": []map[string]string{{"Address": "sync@acme.test"}}, "Subject": "Verify your identity in Salesforce"}}
		if searches.Add(1) >= 3 {
			msgs = append([]map[string]any{{"ID": "b", "To": []map[string]string{{"Address": "sync@acme.test"}}, "Subject": "Verify your identity in Salesforce"}}, msgs...)
		}
		json.NewEncoder(w).Encode(map[string]any{"messages": msgs})
	})
	mux.HandleFunc("/api/v1/message/", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"Text": "Verification Code: 333333\n"})
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	msgs, err := mailpitMailbox{srv.URL}.Messages("sync@acme.test", "a", 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].ID != "b" || searches.Load() != 3 {
		t.Errorf("messages = %+v after %d searches; want b first, on the third search", msgs, searches.Load())
	}
	// Without a wait it reads once.
	searches.Store(0)
	if msgs, err := (mailpitMailbox{srv.URL}).Messages("sync@acme.test", "a", 0); err != nil || len(msgs) != 1 || searches.Load() != 1 {
		t.Errorf("without a wait: %+v, %v after %d searches; want a alone, one search", msgs, err, searches.Load())
	}
}
