package control

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Entry is one request in the journal, with its response.
type Entry struct {
	// ID numbers requests in the order they arrived, from 1.
	ID int64 `json:"id"`
	// Time is mocksf's clock when the request arrived.
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Host   string    `json:"host"`
	// Path has repeated slashes collapsed, as mocksf routes it.
	Path  string              `json:"path"`
	Query map[string][]string `json:"query,omitempty"`
	// Form is a URL-encoded body's fields (up to 64 KiB).
	Form map[string][]string `json:"form,omitempty"`
	// Authorization is the header's scheme with its credentials masked
	// (Basic keeps the client id).
	Authorization string `json:"authorization,omitempty"`
	// Status is the response's status; 0 when the connection was dropped.
	Status     int     `json:"status"`
	DurationMs float64 `json:"durationMs"`
	// OrgID, ClientID and Username say whose request it was, as far as
	// mocksf could tell: from the access token, the client_id (form, query
	// or Basic), the username field, or the browser session.
	OrgID    string `json:"orgId,omitempty"`
	ClientID string `json:"clientId,omitempty"`
	Username string `json:"username,omitempty"`
	// Fault is the ID of the fault rule that answered or delayed it.
	Fault   string `json:"fault,omitempty"`
	Dropped bool   `json:"dropped,omitempty"`
}

// Requests is the answer of GET /__mocksf/requests.
type Requests struct {
	// Count is how many kept requests match, even beyond limit.
	Count    int     `json:"count"`
	Requests []Entry `json:"requests"`
}

// RequestFilter selects journal entries; zero fields match everything.
type RequestFilter struct {
	Org      string
	Path     string // a path pattern, as in fault rules
	Method   string
	ClientID string
	Username string
	Status   int
	Since    time.Time // mocksf clock, inclusive
	Until    time.Time // mocksf clock, exclusive
	After    int64     // entries with a greater ID
	Limit    int       // at most this many, newest first; 0: all
}

// Query renders the filter as GET /__mocksf/requests's query string.
func (f RequestFilter) Query() string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+url.QueryEscape(v))
		}
	}
	add("org", f.Org)
	add("path", f.Path)
	add("method", f.Method)
	add("clientId", f.ClientID)
	add("username", f.Username)
	if f.Status != 0 {
		add("status", strconv.Itoa(f.Status))
	}
	if !f.Since.IsZero() {
		add("since", f.Since.Format(time.RFC3339Nano))
	}
	if !f.Until.IsZero() {
		add("until", f.Until.Format(time.RFC3339Nano))
	}
	if f.After != 0 {
		add("after", strconv.FormatInt(f.After, 10))
	}
	if f.Limit != 0 {
		add("limit", strconv.Itoa(f.Limit))
	}
	return strings.Join(parts, "&")
}

func (f RequestFilter) match(e *Entry, path pathPattern) bool {
	return (f.Org == "" || sfid.Match(e.OrgID, f.Org)) &&
		(f.Path == "" || path.match(e.Path)) &&
		(f.Method == "" || strings.EqualFold(f.Method, e.Method)) &&
		(f.ClientID == "" || e.ClientID == f.ClientID) &&
		(f.Username == "" || strings.EqualFold(e.Username, f.Username)) &&
		(f.Status == 0 || e.Status == f.Status) &&
		(f.Since.IsZero() || !e.Time.Before(f.Since)) &&
		(f.Until.IsZero() || e.Time.Before(f.Until)) &&
		e.ID > f.After
}

// journal is a ring of the last size requests. It grows as requests
// come, so an idle mocksf holds none.
type journal struct {
	mu      sync.Mutex
	size    int
	entries []Entry // up to size; once full, a ring
	next    int     // where the next entry goes once full
	serial  int64
}

func newJournal(size int) *journal { return &journal{size: size} }

// newID numbers a request as it arrives.
func (j *journal) newID() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.serial++
	return j.serial
}

// add keeps a finished request, pushing out the oldest when full.
func (j *journal) add(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.entries) < j.size {
		j.entries = append(j.entries, e)
		return
	}
	j.entries[j.next] = e
	j.next = (j.next + 1) % j.size
}

func (j *journal) clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries, j.next = nil, 0
}

// find returns the matching entries, newest (highest ID) first, and how
// many match in all.
func (j *journal) find(f RequestFilter) ([]Entry, int) {
	path := compilePattern(f.Path)
	j.mu.Lock()
	var out []Entry
	for i := range j.entries {
		if e := &j.entries[i]; f.match(e, path) {
			out = append(out, *e)
		}
	}
	j.mu.Unlock()
	slices.SortFunc(out, func(a, b Entry) int { return cmp.Compare(b.ID, a.ID) })
	count := len(out)
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, count
}

// HandleRequests is GET /__mocksf/requests: the journal's entries newest
// first as {"count","requests"}. Query parameters filter them: org (org
// ID), path (a pattern as in fault rules: /services/data/**), method,
// clientId, username, status, since and until (RFC 3339, mocksf's clock),
// after (an entry ID: only later requests) and limit.
func HandleRequests(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := parseRequestFilter(r)
		if err != nil {
			writeError(w, err)
			return
		}
		entries, count := c.journal.find(f)
		if entries == nil {
			entries = []Entry{}
		}
		writeJSON(w, http.StatusOK, Requests{Count: count, Requests: entries})
	})
}

// HandleClearRequests is DELETE /__mocksf/requests: empties the journal;
// 204.
func HandleClearRequests(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.journal.clear()
		w.WriteHeader(http.StatusNoContent)
	})
}

func parseRequestFilter(r *http.Request) (RequestFilter, error) {
	q := r.URL.Query()
	f := RequestFilter{Org: q.Get("org"), Path: q.Get("path"), Method: q.Get("method"),
		ClientID: q.Get("clientId"), Username: q.Get("username")}
	if err := checkPattern(f.Path); err != nil {
		return f, err
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		if s := q.Get(p.name); s != "" {
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return f, errorf(CodeBadRequest, "%s %q: want an RFC 3339 time such as 2026-01-02T15:04:05Z", p.name, s)
			}
			*p.dst = t
		}
	}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"after", &f.After}} {
		if s := q.Get(p.name); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				return f, errorf(CodeBadRequest, "%s %q: want a request ID", p.name, s)
			}
			*p.dst = n
		}
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"status", &f.Status}, {"limit", &f.Limit}} {
		if s := q.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				return f, errorf(CodeBadRequest, "%s %q: want a number", p.name, s)
			}
			*p.dst = n
		}
	}
	return f, nil
}
