// Package rest is mocksf's Salesforce REST API (the /services/data
// resources): versions, resources by version, limits, global and sObject
// describe, record create, read, update, delete and upsert by external ID,
// SOQL queries (query and queryAll) with server-side cursors and their
// columns, the updated/deleted resources of data replication, SOSL search
// and parameterized search, recent items, the composite resources
// (Composite, Batch, sObject Collections and sObject Tree), Bulk API 2.0
// ingest and query jobs, a minimal Tooling API, and the org objects every
// org has (Organization, Profile, PermissionSet, UserRole, RecordType,
// Group). It follows the wire formats of Salesforce's REST API Developer
// Guide as summarized in §11 and §12 of shared/docs/salesforce-reference.md;
// docs/mocksf-rest.md lists every resource, error and setting.
//
// New builds the API, with the state its handlers share, once per
// server. Handlers are makers that take the API and return an
// http.Handler; the router mounts them under /services/data/{version}
// behind RequireSession, which authenticates the bearer token, counts the
// request against the org's daily API allocation and puts the token in
// the request context.
package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/sfharness/sfharness/mocksf/instance"
	"github.com/sfharness/sfharness/mocksf/store"
)

// DefaultNewestVersion is the newest API version served when
// Deps.NewestVersion is empty: Summer '26.
const DefaultNewestVersion = "67.0"

// Deps is what the REST API is built from (New).
type Deps struct {
	// Store holds the orgs, users, tokens and records.
	Store *store.Store
	// BaseURL is the login host, such as "http://127.0.0.1:8080"; the
	// identity URL is built from it, as Salesforce's stays on
	// login.salesforce.com.
	BaseURL string
	// Hosts are the orgs' instance (My Domain) hosts, used for the
	// absolute URLs Salesforce gives on them (users' photo URLs); a
	// token is good only on its own org's host. Nil means the host the
	// request came to, for any org.
	Hosts *instance.Hosts
	// APIOnLoginHost serves the API on the login host too. Off, a
	// request there is refused as Salesforce's login host refuses an
	// org's session (unconfirmed answer: 401 INVALID_SESSION_ID), so a
	// client that ignores instance_url fails here as it would there.
	APIOnLoginHost bool
	// NewestVersion is the newest API version served, such as "67.0";
	// older versions down to 20.0 are served too. An org's seed may
	// lower it for that org (newestApiVersion).
	NewestVersion string
	// Router is the router the REST handlers are mounted on, through
	// which the Composite resources send their subrequests, so that each
	// answers exactly as it would directly. Nil refuses those resources.
	Router *Router
	// Bulk configures the Bulk API 2.0 jobs (bulk.go).
	Bulk BulkSettings
	// Cursors bounds the query cursors kept for nextRecordsUrl (query.go).
	Cursors CursorLimits
}

// API is the REST API: what it was built from and the state its
// handlers share, the query cursors and the built org schemas. New makes
// one per server, and routes.go mounts its handlers, as it does the
// control API's.
type API struct {
	Deps
	cursors *cursorCache
	schemas schemaCache
}

// New returns the REST API over d.
func New(d Deps) *API {
	return &API{Deps: d, cursors: newCursorCache(d.Cursors)}
}

// newestVersion is the newest version the server serves.
func (d Deps) newestVersion() apiVersion {
	v, ok := parseVersion(d.NewestVersion)
	if !ok {
		v, _ = parseVersion(DefaultNewestVersion)
	}
	return v
}

// orgNewestVersion is the newest version an org serves: its seed's
// setting when lower than the server's.
func (d Deps) orgNewestVersion(orgID string) apiVersion {
	newest := d.newestVersion()
	if v, ok := parseVersion(d.Store.NewestAPIVersion(orgID)); ok && v.major < newest.major {
		return v
	}
	return newest
}

func (d Deps) baseURL() string { return strings.TrimRight(d.BaseURL, "/") }

// instanceURL is the instance host for absolute URLs in an answer to r,
// a request for an org.
func (d Deps) instanceURL(r *http.Request, orgID string) string {
	if d.Hosts != nil {
		return d.Hosts.URL(orgID)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
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
		writeError(w, http.StatusInternalServerError, errInternal(err.Error()))
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
