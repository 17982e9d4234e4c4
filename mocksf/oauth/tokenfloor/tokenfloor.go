// Package tokenfloor is the floor the token endpoint's throughput is
// measured against (docs/performance.md, issue 17): a bare net/http
// handler that does what any token endpoint must, check the media type
// and parse the form under the endpoint's bound, and writes a reply of
// the size and headers of mocksf's, and does nothing else. What mocksf
// costs beyond it is what mocksf adds: the journal, the client's
// authentication, the store and the reply's making.
package tokenfloor

import (
	"mime"
	"net/http"
	"strings"
)

// MaxBody is the bound the token endpoint puts on a request's body.
const MaxBody = 16 << 10

// Handler answers a refresh token grant's form (grant_type refresh_token
// and a refresh_token) with 200 and a JSON body of size bytes, with the
// token endpoint's Content-Type and Cache-Control; anything else gets 400.
// A size too small for the JSON's frame gets the frame alone.
func Handler(size int) http.Handler {
	const frame = `{"access_token":""}` + "\n"
	body := []byte(`{"access_token":"` + strings.Repeat("x", max(size-len(frame), 0)) + `"}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
			http.Error(w, "unsupported media type", http.StatusBadRequest)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "refresh_token" || r.PostForm.Get("refresh_token") == "" {
			http.Error(w, "malformed request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
	})
}
