package control

import (
	"context"
	"net/http"
	"time"

	"github.com/sfharness/sfharness/mocksf/mail"
)

// MaxMailWait bounds GET /__mocksf/mail?wait=, below the write timeouts
// of cmd/mocksf.
const MaxMailWait = 30 * time.Second

// HandleMail is GET /__mocksf/mail: a JSON array of the messages mocksf
// sent, newest first. Query parameters filter it: to (address), org (org
// ID), username (the recipient user), after (a message ID: only newer
// messages). wait (a Go duration, at most 30s) makes the request wait
// while nothing matches, for a message that does; it then answers what
// matches, possibly [].
func HandleMail(m *mail.Mailer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		f := mail.Filter{To: q.Get("to"), Org: q.Get("org"), Username: q.Get("username"), After: q.Get("after")}
		var wait time.Duration
		if s := q.Get("wait"); s != "" {
			var err error
			if wait, err = time.ParseDuration(s); err != nil || wait < 0 {
				writeError(w, errorf(CodeBadRequest, "wait %q: want a Go duration such as 10s", s))
				return
			}
		}
		msgs := m.Find(f)
		if len(msgs) == 0 && wait > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), min(wait, MaxMailWait))
			msgs, _ = m.Wait(ctx, f)
			cancel()
		}
		if msgs == nil {
			msgs = []mail.Message{}
		}
		writeJSON(w, http.StatusOK, msgs)
	})
}

// HandleClearMail is DELETE /__mocksf/mail: forgets every message; 204.
func HandleClearMail(m *mail.Mailer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
}
