// Package control is mocksf's test-control API under /__mocksf/: routes a
// test uses to read what mocksf did (the mail it sent). It is a test tool
// and must never face the internet.
package control

import (
	"encoding/json"
	"net/http"

	"github.com/sfharness/sfharness/mocksf/mail"
)

// HandleMail is GET /__mocksf/mail?to=ADDRESS: a JSON array of the messages
// mocksf sent to the address (all when to is absent), newest first.
func HandleMail(m *mail.Mailer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msgs := m.Sent(r.URL.Query().Get("to"))
		if msgs == nil {
			msgs = []mail.Message{}
		}
		writeJSON(w, http.StatusOK, msgs)
	})
}

// HandleHealth answers 200 once mocksf serves requests.
func HandleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
