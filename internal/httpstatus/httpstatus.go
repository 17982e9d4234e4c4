// Package httpstatus records the status a handler answers with, for the
// middleware of mocksf and of the product that log or journal requests.
package httpstatus

import "net/http"

// Recorder wraps a ResponseWriter and remembers the first status written
// through it: WriteHeader's code, or 200 when the handler writes a body
// first. Status stays 0 when the handler wrote nothing.
type Recorder struct {
	http.ResponseWriter
	Status int
}

// WriteHeader records code and passes it on.
func (r *Recorder) WriteHeader(code int) {
	if r.Status == 0 {
		r.Status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write records an implicit 200 and passes b on.
func (r *Recorder) Write(b []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Flush passes a flush on, for handlers that stream.
func (r *Recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection beneath
// (deadlines, hijack).
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
