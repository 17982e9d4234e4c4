package web

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
)

// peekedBody is a request body that PeekForm read ahead: what it read,
// then the rest. form is the parse of a body read in full, kept for
// ParseBoundedForm; nil when there is none to hand over.
type peekedBody struct {
	io.Reader
	io.Closer
	form url.Values
	size int64
}

// PeekForm returns the fields of r's URL-encoded body, reading at most
// MaxFormBytes of it, without consuming it: what it reads is put back in
// front of the rest. It returns nil for another media type, a larger body
// or one that does not parse. A body it read in full is not parsed again
// by ParseBoundedForm.
func PeekForm(r *http.Request) url.Values {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	ct, _, ctErr := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "application/x-www-form-urlencoded" {
		return nil
	}
	body := r.Body
	buf, err := io.ReadAll(io.LimitReader(body, MaxFormBytes+1))
	pb := &peekedBody{Reader: bytes.NewReader(buf), Closer: body, size: int64(len(buf))}
	r.Body = pb
	if err != nil || len(buf) > MaxFormBytes {
		// The body goes on past what was read, or its read failed: the
		// rest, or the failure, comes after.
		pb.Reader = io.MultiReader(pb.Reader, body)
		return nil
	}
	form, err := url.ParseQuery(string(buf))
	if err != nil {
		return nil
	}
	if ctErr == nil {
		// What http.Request.ParseForm would have parsed, had it read
		// the body: it fails on a malformed media type parameter, so
		// such a body is left for it to read.
		pb.form = form
	}
	return form
}

// ParseBoundedForm is r.ParseForm with the body bounded to limit bytes by
// http.MaxBytesReader, so a larger body fails with *http.MaxBytesError.
// When PeekForm has read the whole body already, and it is within limit,
// its parse is used instead of reading and parsing the body again; the
// caller may change r.PostForm, which PeekForm's caller no longer reads.
func ParseBoundedForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	if pb, ok := r.Body.(*peekedBody); ok && pb.form != nil && pb.size <= limit && r.PostForm == nil &&
		(r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
		r.PostForm, pb.form = pb.form, nil
		return r.ParseForm()
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return r.ParseForm()
}
