// Package control is mocksf's test-control API under /__mocksf/: what a
// test uses to arrange Salesforce into any state in milliseconds, break it
// on purpose and see what a client sent. Its models are WireMock's admin
// API (request journal, reset, faults, delays), oauth2-proxy's mockoidc
// (queued errors, FastForward) and the Firebase Auth emulator (codes a
// test can read).
//
//   - orgs: isolated orgs on demand, from the seed file's schema; then
//     their records added, users and connected apps changed, and a
//     user's tokens for an app revoked
//   - reset: back to the seed state
//   - faults: rules that answer a matching request with an error, a delay
//     or a dropped connection
//   - clock: mocksf's clock, moved instead of sleeping
//   - requests: a bounded journal of every request and its response
//   - mail: the mail mocksf sent, with long-polling
//
// It is a test tool and must never face the internet: Guard lets only
// loopback clients in, or only holders of a token. docs/mocksf-control.md
// documents every route with a curl example.
package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/sfharness/sfharness/internal/defaults"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/instance"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Deps are what the control API works on.
type Deps struct {
	Store  *store.Store
	Mailer *mail.Mailer
	Clock  *clock.Clock
	// Seed is what POST /__mocksf/reset goes back to; generated consumer
	// keys and secrets written in (store.Seed.WithKeys), so a reset org is
	// the org the tests saw first.
	Seed store.Seed
	// BaseURL is mocksf's login host, without a trailing slash.
	BaseURL string
	// Hosts are the orgs' instance hosts; a deleted org's is closed.
	Hosts *instance.Hosts
	// JournalSize is how many requests the journal keeps; 0 means
	// DefaultJournalSize.
	JournalSize int
	Log         *slog.Logger
}

// API is the control API's state: the request journal and the fault
// rules, on top of what Deps share with the rest of mocksf.
type API struct {
	d       Deps
	journal *journal
	faults  *faults

	resetMu sync.Mutex // one reset at a time
}

// DefaultJournalSize is how many requests the journal keeps when
// Deps.JournalSize is 0 (mocksf.Config's default too).
const DefaultJournalSize = 10000

// New returns the control API over d.
func New(d Deps) *API {
	defaults.Positive(&d.JournalSize, DefaultJournalSize)
	if d.Log == nil {
		d.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &API{d: d, journal: newJournal(d.JournalSize), faults: newFaults(d.Clock)}
}

// HandleHealth answers 200 once mocksf serves requests.
func HandleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
}

// Error is a control API failure: an HTTP status, a short code a test can
// branch on and a message for people. Its JSON is {"error","message"}.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"error"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return fmt.Sprintf("mocksf control: %s: %s", e.Code, e.Message) }

// The control API's error codes, each with its one HTTP status.
const (
	CodeBadRequest = "bad_request" // 400: bad JSON, unknown field, bad value
	CodeForbidden  = "forbidden"   // 403: not loopback, or the token is missing or wrong
	CodeNotFound   = "not_found"   // 404: no such org or fault
	CodeConflict   = "conflict"    // 409: a username or consumer key another org has; an org with no room for more records
)

var codeStatus = map[string]int{
	CodeBadRequest: http.StatusBadRequest,
	CodeForbidden:  http.StatusForbidden,
	CodeNotFound:   http.StatusNotFound,
	CodeConflict:   http.StatusConflict,
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Status: codeStatus[code], Code: code, Message: fmt.Sprintf(format, args...)}
}

// writeError answers with err as a control Error; any other error is a
// 500.
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = &Error{Status: http.StatusInternalServerError, Code: "internal", Message: err.Error()}
	}
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// maxBody bounds a control request body; an org with explicit records
// can be large.
const maxBody = 16 << 20

// decodeJSON reads one JSON value into v. Unknown fields, trailing data
// and an empty body (unless allowEmpty) are errors.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any, allowEmpty bool) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return errorf(CodeBadRequest, "reading the body: %v", err)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if allowEmpty {
			return nil
		}
		return errorf(CodeBadRequest, "the body is empty; want a JSON object")
	}
	return unmarshalStrict(body, v)
}

func unmarshalStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return e
		}
		return errorf(CodeBadRequest, "%s", jsonProblem(err))
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return errorf(CodeBadRequest, "unexpected data after the JSON object")
	}
	return nil
}

// jsonProblem says what is wrong with a JSON body in a test writer's
// terms.
func jsonProblem(err error) string {
	// Only the decoder's own errors: a field's UnmarshalJSON (records)
	// has its own words already.
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("bad JSON at byte %d: %v", e.Offset, err)
	case *json.UnmarshalTypeError:
		if e.Field == "" {
			return fmt.Sprintf("want a JSON %s, got JSON %s", jsonKind(e.Type.Kind().String()), e.Value)
		}
		return fmt.Sprintf("field %q: want %s, got JSON %s", e.Field, jsonKind(e.Type.Kind().String()), e.Value)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "bad JSON: unexpected end of the body"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonKind names a Go kind as JSON does.
func jsonKind(kind string) string {
	switch kind {
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	case "int", "int64", "int32", "uint", "uint64", "float64", "float32":
		return "number"
	case "bool":
		return "boolean"
	}
	return kind
}
