// Package rest is mocksf's Salesforce REST API (the /services/data
// resources): versions, resources by version, global and sObject describe,
// record reads and SOQL queries with server-side cursors. It follows the
// wire formats of Salesforce's REST API Developer Guide as summarized in
// §11 and §12 of docs/salesforce-reference.md.
//
// Handlers are makers that take a Deps and return an http.Handler; the
// router mounts them under /services/data/{version} behind RequireSession,
// which authenticates the bearer token and puts it in the request context.
package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"weak"

	"github.com/sfharness/sfharness/mocksf/store"
)

// DefaultNewestVersion is the newest API version served when
// Deps.NewestVersion is empty: Summer '26.
const DefaultNewestVersion = "67.0"

// Deps is what the REST handlers need.
type Deps struct {
	// Store holds the orgs, users, tokens and records.
	Store *store.Store
	// BaseURL is the instance URL the API is served on, such as
	// "http://127.0.0.1:8080"; the identity URL is built from it.
	BaseURL string
	// NewestVersion is the newest API version served, such as "67.0";
	// older versions down to 20.0 are served too.
	NewestVersion string
}

// apiState is what the handlers of one store share: the per-org API usage
// counters and the query cursors. The router builds every handler from a
// copy of the same Deps, so the state is found through the store rather
// than carried in Deps.
type apiState struct {
	usage   *usageCounter
	cursors *cursorCache
}

// states maps a store to its apiState. The key is a weak pointer so a
// store that is no longer used (as in tests) takes its state with it.
var states sync.Map // weak.Pointer[store.Store] → *apiState

func (d Deps) state() *apiState {
	key := weak.Make(d.Store)
	if s, ok := states.Load(key); ok {
		return s.(*apiState)
	}
	fresh := &apiState{usage: newUsageCounter(), cursors: newCursorCache(maxCursors)}
	s, loaded := states.LoadOrStore(key, fresh)
	if !loaded && d.Store != nil {
		runtime.AddCleanup(d.Store, func(k weak.Pointer[store.Store]) { states.Delete(k) }, key)
	}
	return s.(*apiState)
}

func (d Deps) newestVersion() apiVersion {
	v, ok := parseVersion(d.NewestVersion)
	if !ok {
		v, _ = parseVersion(DefaultNewestVersion)
	}
	return v
}

func (d Deps) baseURL() string { return strings.TrimRight(d.BaseURL, "/") }

// usageCounter counts authenticated API requests per org for the
// Sforce-Limit-Info header.
type usageCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

// dailyAPILimit is the limit Sforce-Limit-Info reports (Enterprise
// Edition's base allocation). mocksf counts against it but never refuses.
const dailyAPILimit = 15000

func newUsageCounter() *usageCounter { return &usageCounter{counts: map[string]int{}} }

// add counts one request for the org and returns the new total.
func (u *usageCounter) add(orgID string) int {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.counts[orgID]++
	return u.counts[orgID]
}

// contentTypeJSON is the Content-Type of every JSON answer, as Salesforce
// writes it.
const contentTypeJSON = "application/json;charset=UTF-8"

// marshal encodes v as Salesforce does, without escaping <, > and & the
// way encoding/json does by default.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// writeJSON sends v as the JSON body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := marshal(v)
	if err != nil {
		// Only values built by this package are marshaled; failing here is
		// a bug, reported the way Salesforce reports its own.
		writeError(w, http.StatusInternalServerError, apiError{Code: "UNKNOWN_EXCEPTION", Message: "mocksf: " + err.Error()})
		return
	}
	writeRaw(w, status, body)
}

// writeRaw sends an already encoded JSON body.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
