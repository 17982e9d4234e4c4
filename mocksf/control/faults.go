package control

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Rule is a fault: which requests it matches, what they get instead of
// mocksf's answer, and for how long it holds. It is the body of POST
// /__mocksf/faults. Durations are Go durations in JSON ("1.5s").
type Rule struct {
	// Method matches the request method; empty or "*" matches any.
	Method string
	// Path is a path pattern (see pathPattern: globs per segment, ** for
	// any number of segments, {name} as in gorilla/mux); empty matches
	// every path. /__mocksf/ routes are never matched.
	Path string
	// OrgID, ClientID and Username narrow the rule to one org (15 or 18
	// characters), one consumer key or one user, as far as mocksf can tell
	// from the request (access token, client_id, username field, session).
	OrgID, ClientID, Username string

	// Status and Body answer the request (Status alone: an empty body;
	// Body alone: 200). ContentType defaults to JSON for a body that
	// looks like JSON, else text/plain. Headers are added to the answer.
	Status      int
	Body        string
	ContentType string
	Headers     map[string]string
	// SalesforceError answers with a REST API error by its errorCode, e.g.
	// REQUEST_LIMIT_EXCEEDED: Salesforce's status and
	// [{"message","errorCode"}] body. OAuthError answers with an OAuth
	// error, e.g. invalid_grant: {"error","error_description"}. Status
	// and Message override the table's; a code not in the table needs a
	// Status.
	SalesforceError string
	OAuthError      string
	Message         string
	// Delay holds the request this long (real time) first; a rule with
	// only a Delay then lets mocksf answer as usual.
	Delay time.Duration
	// Drop closes the connection without an answer (after Delay).
	Drop bool
	// Hold keeps the request waiting (after Delay) until the rule is
	// removed or the client gives up, as a query page that never comes
	// back; then mocksf answers as usual, unless the rule answers itself.
	Hold bool
	// RequestHeaders are set on the request before mocksf answers it, as
	// if the client had sent them: {"Sforce-Query-Options":
	// "batchSize=200"} makes query pages small.
	RequestHeaders map[string]string
	// BadSignature lets mocksf answer, then replaces the signature of a
	// token response with one that does not match the consumer secret.
	BadSignature bool

	// Times is how many matching requests the rule takes; 0 is no limit.
	Times int
	// For and Until end the rule after a while or at a time of mocksf's
	// clock; zero: never.
	For   time.Duration
	Until time.Time

	// released is the rule's, when take hands it out for Hold.
	released <-chan struct{}
}

// ruleJSON is Rule on the wire.
type ruleJSON struct {
	Method          string            `json:"method,omitempty"`
	Path            string            `json:"path,omitempty"`
	OrgID           string            `json:"orgId,omitempty"`
	ClientID        string            `json:"clientId,omitempty"`
	Username        string            `json:"username,omitempty"`
	Status          int               `json:"status,omitempty"`
	Body            string            `json:"body,omitempty"`
	ContentType     string            `json:"contentType,omitempty"`
	Headers         map[string]string `json:"headers,omitempty"`
	SalesforceError string            `json:"salesforceError,omitempty"`
	OAuthError      string            `json:"oauthError,omitempty"`
	Message         string            `json:"message,omitempty"`
	Delay           string            `json:"delay,omitempty"`
	Drop            bool              `json:"drop,omitempty"`
	Hold            bool              `json:"hold,omitempty"`
	RequestHeaders  map[string]string `json:"requestHeaders,omitempty"`
	BadSignature    bool              `json:"badSignature,omitempty"`
	Times           int               `json:"times,omitempty"`
	For             string            `json:"for,omitempty"`
	Until           *time.Time        `json:"until,omitempty"`
}

// MarshalJSON writes durations as Go durations.
func (r Rule) MarshalJSON() ([]byte, error) {
	w := ruleJSON{
		Method: r.Method, Path: r.Path, OrgID: r.OrgID, ClientID: r.ClientID, Username: r.Username,
		Status: r.Status, Body: r.Body, ContentType: r.ContentType, Headers: r.Headers,
		SalesforceError: r.SalesforceError, OAuthError: r.OAuthError, Message: r.Message,
		Drop: r.Drop, Hold: r.Hold, RequestHeaders: r.RequestHeaders, BadSignature: r.BadSignature, Times: r.Times,
	}
	if r.Delay != 0 {
		w.Delay = r.Delay.String()
	}
	if r.For != 0 {
		w.For = r.For.String()
	}
	if !r.Until.IsZero() {
		w.Until = &r.Until
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a rule; unknown fields are errors.
func (r *Rule) UnmarshalJSON(b []byte) error {
	var w ruleJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return err
	}
	*r = Rule{
		Method: w.Method, Path: w.Path, OrgID: w.OrgID, ClientID: w.ClientID, Username: w.Username,
		Status: w.Status, Body: w.Body, ContentType: w.ContentType, Headers: w.Headers,
		SalesforceError: w.SalesforceError, OAuthError: w.OAuthError, Message: w.Message,
		Drop: w.Drop, Hold: w.Hold, RequestHeaders: w.RequestHeaders, BadSignature: w.BadSignature, Times: w.Times,
	}
	for _, d := range []struct {
		name, s string
		dst     *time.Duration
	}{{"delay", w.Delay, &r.Delay}, {"for", w.For, &r.For}} {
		if d.s == "" {
			continue
		}
		v, err := time.ParseDuration(d.s)
		if err != nil {
			return errorf(CodeBadRequest, "%s %q: want a Go duration such as 1.5s or 10m", d.name, d.s)
		}
		*d.dst = v
	}
	if w.Until != nil {
		r.Until = *w.Until
	}
	return nil
}

var methodPattern = regexp.MustCompile(`^([A-Za-z]+|\*)?$`)

// maxDelay bounds a fault's delay so a forgotten rule cannot hold
// connections for hours.
const maxDelay = 10 * time.Minute

// validate checks a rule and says what is wrong in its JSON names.
func (r Rule) validate() error {
	bad := func(format string, args ...any) error { return errorf(CodeBadRequest, format, args...) }
	switch {
	case !methodPattern.MatchString(r.Method):
		return bad("method %q: want an HTTP method or *", r.Method)
	case r.Status != 0 && (r.Status < 100 || r.Status > 599):
		return bad("status %d: want 100 to 599", r.Status)
	case r.SalesforceError != "" && r.OAuthError != "":
		return bad("give salesforceError or oauthError, not both")
	case r.Body != "" && (r.SalesforceError != "" || r.OAuthError != ""):
		return bad("give body or a named error, not both")
	case r.Drop && (r.Status != 0 || r.Body != "" || r.SalesforceError != "" || r.OAuthError != ""):
		return bad("drop closes the connection: it takes no status, body or error")
	case r.BadSignature && (r.Drop || r.answers()):
		return bad("badSignature changes mocksf's answer: it takes no drop, status, body or error")
	case len(r.RequestHeaders) > 0 && (r.Drop || r.answers()):
		return bad("requestHeaders change the request mocksf answers: they take no drop, status, body or error")
	case r.Delay < 0 || r.Delay > maxDelay:
		return bad("delay %s: want 0 to %s", r.Delay, maxDelay)
	case r.Times < 0:
		return bad("times %d: want 0 (no limit) or more", r.Times)
	case r.For < 0:
		return bad("for %s: want a positive duration", r.For)
	case r.For != 0 && !r.Until.IsZero():
		return bad("give for or until, not both")
	case !r.answers() && r.Delay == 0 && !r.Drop && !r.Hold && len(r.RequestHeaders) == 0 && !r.BadSignature:
		return bad("the rule does nothing: give status, body, salesforceError, oauthError, delay, drop, hold, requestHeaders or badSignature")
	}
	if name := r.SalesforceError; name != "" {
		if known := rest.FaultCodes(); !slices.Contains(known, name) && r.Status == 0 {
			return bad("salesforceError %q is not one mocksf knows (%s); give a status to use it anyway", name, strings.Join(known, ", "))
		}
	}
	if name := r.OAuthError; name != "" {
		if known := oauth.FaultCodes(); !slices.Contains(known, name) && r.Status == 0 {
			return bad("oauthError %q is not one mocksf knows (%s); give a status to use it anyway", name, strings.Join(known, ", "))
		}
	}
	return checkPattern(r.Path)
}

// Hit is one request a fault rule took.
type Hit struct {
	Time      time.Time `json:"time"` // mocksf's clock
	RequestID int64     `json:"requestId"`
	Method    string    `json:"method"`
	Path      string    `json:"path"`
	OrgID     string    `json:"orgId,omitempty"`
	ClientID  string    `json:"clientId,omitempty"`
	Username  string    `json:"username,omitempty"`
}

// maxHits is how many hits a fault keeps; HitCount counts them all.
const maxHits = 100

// Fault is a rule in force, as the control API shows it.
type Fault struct {
	ID        string    `json:"id"`
	Rule      Rule      `json:"rule"`
	CreatedAt time.Time `json:"createdAt"` // mocksf's clock
	// ExpiresAt is when For or Until end the rule.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	// Remaining is how many more requests it takes, when Times is set.
	Remaining *int `json:"remaining,omitempty"`
	// Active is false once the rule is used up or expired; it stays
	// listed, with its hits, until deleted.
	Active   bool  `json:"active"`
	HitCount int   `json:"hitCount"`
	Hits     []Hit `json:"hits"`
}

type faultState struct {
	f       Fault
	pattern pathPattern
	expires time.Time
	left    int
	// released is closed when the rule is removed: held requests go on.
	released chan struct{}
}

func (s *faultState) snapshot(now time.Time) Fault {
	f := s.f
	f.Hits = append([]Hit{}, s.f.Hits...)
	if !s.expires.IsZero() {
		e := s.expires
		f.ExpiresAt = &e
	}
	if s.f.Rule.Times > 0 {
		left := s.left
		f.Remaining = &left
	}
	f.Active = s.active(now)
	return f
}

func (s *faultState) active(now time.Time) bool {
	return (s.f.Rule.Times == 0 || s.left > 0) && (s.expires.IsZero() || now.Before(s.expires))
}

// faults holds the fault rules, oldest first.
type faults struct {
	clock *clock.Clock

	mu     sync.Mutex
	list   []*faultState
	serial int
}

func newFaults(c *clock.Clock) *faults { return &faults{clock: c} }

func (fs *faults) add(r Rule) (Fault, error) {
	if err := r.validate(); err != nil {
		return Fault{}, err
	}
	r.Method = strings.ToUpper(r.Method)
	if r.Method == "*" {
		r.Method = ""
	}
	now := fs.clock.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.serial++
	s := &faultState{
		f:       Fault{ID: "f" + strconv.Itoa(fs.serial), Rule: r, CreatedAt: now, Hits: []Hit{}},
		pattern: compilePattern(r.Path), left: r.Times, released: make(chan struct{}),
	}
	switch {
	case r.For > 0:
		s.expires = now.Add(r.For)
	case !r.Until.IsZero():
		s.expires = r.Until
	}
	fs.list = append(fs.list, s)
	return s.snapshot(now), nil
}

func (fs *faults) get(id string) (Fault, bool) {
	now := fs.clock.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, s := range fs.list {
		if s.f.ID == id {
			return s.snapshot(now), true
		}
	}
	return Fault{}, false
}

func (fs *faults) all() []Fault {
	now := fs.clock.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.list))
	for _, s := range fs.list {
		out = append(out, s.snapshot(now))
	}
	return out
}

func (fs *faults) remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, s := range fs.list {
		if s.f.ID == id {
			fs.list = append(fs.list[:i], fs.list[i+1:]...)
			close(s.released)
			return true
		}
	}
	return false
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, s := range fs.list {
		close(s.released)
	}
	fs.list = nil
}

// take finds the newest active rule that matches the request, records
// the hit and returns the rule and its ID. Counting happens under the
// lock, so a rule for the next N requests takes exactly N. A rule that
// only sets request headers does not take the request: its headers go
// with whichever rule does (small query pages and a delay at once), or
// with mocksf's own answer when none does.
func (fs *faults) take(method, path string, who requester, requestID int64) (Rule, string, bool) {
	now := fs.clock.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var taker, newestHeaders *faultState
	// Made by the first rule that sets headers: most requests meet none.
	var headers map[string]string
	for i := len(fs.list) - 1; i >= 0; i-- {
		s := fs.list[i]
		r := s.f.Rule
		if !s.active(now) ||
			(r.Method != "" && r.Method != method) ||
			!s.pattern.match(path) ||
			(r.OrgID != "" && !sfid.Match(r.OrgID, who.OrgID)) ||
			(r.ClientID != "" && r.ClientID != who.ClientID) ||
			(r.Username != "" && !strings.EqualFold(r.Username, who.Username)) {
			continue
		}
		switch {
		case r.headersOnly():
			if newestHeaders == nil {
				newestHeaders, headers = s, map[string]string{}
			}
			for k, v := range r.RequestHeaders {
				if _, newer := headers[k]; !newer {
					headers[k] = v
				}
			}
		case taker == nil:
			taker = s
		default:
			continue // an older rule the taker hides
		}
		s.hit(now, requestID, method, path, who)
	}
	switch {
	case taker != nil:
		r := taker.f.Rule
		r.released = taker.released
		if len(headers) > 0 {
			r.RequestHeaders = maps.Clone(r.RequestHeaders)
			if r.RequestHeaders == nil {
				r.RequestHeaders = map[string]string{}
			}
			maps.Copy(r.RequestHeaders, headers)
		}
		return r, taker.f.ID, true
	case newestHeaders != nil:
		return Rule{RequestHeaders: headers}, newestHeaders.f.ID, true
	}
	return Rule{}, "", false
}

// hit counts a request the rule applied to.
func (s *faultState) hit(now time.Time, requestID int64, method, path string, who requester) {
	if s.f.Rule.Times > 0 {
		s.left--
	}
	s.f.HitCount++
	s.f.Hits = append(s.f.Hits, Hit{Time: now, RequestID: requestID, Method: method, Path: path,
		OrgID: who.OrgID, ClientID: who.ClientID, Username: who.Username})
	if len(s.f.Hits) > maxHits {
		s.f.Hits = append([]Hit{}, s.f.Hits[len(s.f.Hits)-maxHits:]...)
	}
}

// headersOnly reports whether the rule does nothing but set request
// headers.
func (r Rule) headersOnly() bool {
	return len(r.RequestHeaders) > 0 && !r.answers() && r.Delay == 0 && !r.Drop && !r.Hold && !r.BadSignature
}

// held keeps a request of a Hold rule waiting until the rule is removed
// (true) or the client gives up (false); other rules pass at once.
func (r Rule) held(ctx context.Context) bool {
	if !r.Hold {
		return true
	}
	select {
	case <-r.released:
		return true
	case <-ctx.Done():
		return false
	}
}

// pass lets mocksf answer a request the rule does not answer itself,
// with the rule's request headers and, for BadSignature, the token
// response's signature replaced.
func (r Rule) pass(w http.ResponseWriter, req *http.Request, next http.Handler) {
	for k, v := range r.RequestHeaders {
		req.Header.Set(k, v)
	}
	if !r.BadSignature {
		next.ServeHTTP(w, req)
		return
	}
	buf := &bufferedResponse{header: w.Header()}
	next.ServeHTTP(buf, req)
	body := buf.body.Bytes()
	var tok map[string]any
	if buf.status() == http.StatusOK && json.Unmarshal(body, &tok) == nil {
		if sig, ok := tok["signature"].(string); ok {
			sum := sha256.Sum256([]byte("mocksf bad signature " + sig))
			tok["signature"] = base64.StdEncoding.EncodeToString(sum[:])
			if b, err := json.Marshal(tok); err == nil {
				body = b
				w.Header().Del("Content-Length")
			}
		}
	}
	w.WriteHeader(buf.status())
	_, _ = w.Write(body)
}

// bufferedResponse keeps an answer so pass can change it before it is
// sent; headers go straight to the real writer's.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

func (b *bufferedResponse) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

// answers reports whether the rule answers the request itself rather
// than only delaying it.
func (r Rule) answers() bool {
	return r.Status != 0 || r.Body != "" || r.SalesforceError != "" || r.OAuthError != ""
}

// write sends the rule's answer.
func (r Rule) write(w http.ResponseWriter) {
	status, body, ctype := r.Status, []byte(r.Body), r.ContentType
	if r.SalesforceError != "" || r.OAuthError != "" {
		var named int
		if r.SalesforceError != "" {
			named, body = rest.FaultReply(r.SalesforceError, r.Message)
		} else {
			named, body = oauth.FaultReply(r.OAuthError, r.Message)
		}
		if status == 0 {
			status = named
		}
		if ctype == "" {
			ctype = "application/json;charset=UTF-8"
		}
	}
	if status == 0 {
		status = http.StatusOK
	}
	if ctype == "" && len(body) > 0 {
		if t := bytes.TrimSpace(body); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			ctype = "application/json;charset=UTF-8"
		} else {
			ctype = "text/plain; charset=utf-8"
		}
	}
	for k, v := range r.Headers {
		w.Header().Set(k, v)
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// HandleAddFault is POST /__mocksf/faults with a Rule: 201 and the Fault
// (with its id); 400 for a bad rule.
func HandleAddFault(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rule Rule
		if err := decodeJSON(w, r, &rule, false); err != nil {
			writeError(w, err)
			return
		}
		f, err := c.faults.add(rule)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusCreated, f)
	})
}

// HandleListFaults is GET /__mocksf/faults: every Fault, oldest first.
func HandleListFaults(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, c.faults.all())
	})
}

// HandleGetFault is GET /__mocksf/faults/{id}: the Fault with its hits,
// or 404.
func HandleGetFault(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := c.faults.get(mux.Vars(r)["id"])
		if !ok {
			writeError(w, errorf(CodeNotFound, "no fault %s", mux.Vars(r)["id"]))
			return
		}
		writeJSON(w, http.StatusOK, f)
	})
}

// HandleDeleteFault is DELETE /__mocksf/faults/{id}: 204, or 404.
func HandleDeleteFault(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !c.faults.remove(mux.Vars(r)["id"]) {
			writeError(w, errorf(CodeNotFound, "no fault %s", mux.Vars(r)["id"]))
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// HandleClearFaults is DELETE /__mocksf/faults: removes every rule; 204.
func HandleClearFaults(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	})
}
