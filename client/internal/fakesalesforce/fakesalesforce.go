// Package fakesalesforce is a small in-process stand-in for Salesforce for
// Beacon's own tests: an auto-approving authorize endpoint, the token
// endpoint (authorization code with PKCE, refresh token), revoke, the
// identity URL, sObject describe and SOQL query with paging. It speaks the
// wire formats of the real service; it is not the project's mock (mocksf),
// which Beacon's code never imports.
package fakesalesforce

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/client/salesforce"
)

// IDs of the one org and user the fake knows.
const (
	OrgID    = "00D000000000001AAA"
	UserID   = "005000000000001AAA"
	Username = "sync.user@example.com"
)

// Default connected app credentials.
const (
	ConsumerKey    = "3MVG9fakeConsumerKey.For_Beacon_Tests0123456789"
	ConsumerSecret = "1955279925675241571"
)

// Server is a fake Salesforce on a local port; one host serves both the
// login and the instance endpoints.
type Server struct {
	// URL is the base URL, used as login host and instance URL.
	URL string

	ts *httptest.Server

	mu             sync.Mutex
	consumerKey    string
	consumerSecret string
	pageSize       int
	authorizeError string
	badSignature   bool
	apiDisabled    bool
	refreshFails   bool
	noReplication  bool
	rejectSessions bool
	dropRequests   int
	queryMoreGate  chan struct{}
	codes          map[string]authCode
	access         map[string]bool
	refresh        map[string]bool
	revoked        []string
	clock          time.Time
	records        map[string][]*record
	cursors        map[string]*cursor
	requests       map[string]int
	queries        []string
}

type authCode struct {
	challenge   string
	redirectURI string
}

// cursor is the state of a query whose results span pages.
type cursor struct {
	object string
	fields []string
	recs   []*record
}

type record struct {
	fields       map[string]any
	lastModified time.Time
	// modstamp is when the change was committed (SystemModstamp), which
	// the updated resource reports by.
	modstamp time.Time
	deleted  bool
}

// New starts a fake Salesforce that tb's cleanup stops.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{
		consumerKey:    ConsumerKey,
		consumerSecret: ConsumerSecret,
		pageSize:       2000,
		codes:          map[string]authCode{},
		access:         map[string]bool{},
		refresh:        map[string]bool{},
		clock:          time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		records:        map[string][]*record{},
		cursors:        map[string]*cursor{},
		requests:       map[string]int{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /services/oauth2/authorize", s.handleAuthorize)
	mux.HandleFunc("POST /services/oauth2/token", s.handleToken)
	mux.HandleFunc("POST /services/oauth2/revoke", s.handleRevoke)
	mux.HandleFunc("GET /id/{org}/{user}", s.handleIdentity)
	mux.HandleFunc("GET /services/data/{version}/sobjects/{object}/describe", s.handleDescribe)
	mux.HandleFunc("GET /services/data/{version}/query", s.handleQuery)
	mux.HandleFunc("GET /services/data/{version}/queryAll", s.handleQuery)
	mux.HandleFunc("GET /services/data/{version}/query/{locator}", s.handleQueryMore)
	mux.HandleFunc("GET /services/data/{version}/queryAll/{locator}", s.handleQueryMore)
	mux.HandleFunc("GET /services/data/{version}/sobjects/{object}/deleted/{$}", s.handleDeleted)
	mux.HandleFunc("GET /services/data/{version}/sobjects/{object}/updated/{$}", s.handleUpdated)
	s.ts = httptest.NewServer(s.dropping(mux))
	s.URL = s.ts.URL
	tb.Cleanup(s.ts.Close)
	return s
}

// IdentityURL is the identity URL of the fake's user.
func (s *Server) IdentityURL() string { return s.URL + "/id/" + OrgID + "/" + UserID }

// SetPageSize sets how many records a query page holds (2,000 by default).
func (s *Server) SetPageSize(n int) { s.with(func() { s.pageSize = n }) }

// SetAuthorizeError makes the authorize endpoint redirect with this OAuth
// error code instead of a code ("" to stop).
func (s *Server) SetAuthorizeError(code string) { s.with(func() { s.authorizeError = code }) }

// SetBadSignature makes token responses carry a wrong signature.
func (s *Server) SetBadSignature(bad bool) { s.with(func() { s.badSignature = bad }) }

// SetAPIDisabled makes the REST API answer 403 API_DISABLED_FOR_ORG.
func (s *Server) SetAPIDisabled(disabled bool) { s.with(func() { s.apiDisabled = disabled }) }

// SetRefreshFails makes refresh token grants fail with invalid_grant.
func (s *Server) SetRefreshFails(fails bool) { s.with(func() { s.refreshFails = fails }) }

// SetConsumerSecret changes the connected app's secret, as a rotation in
// Salesforce does; token responses are then signed with it.
func (s *Server) SetConsumerSecret(secret string) { s.with(func() { s.consumerSecret = secret }) }

// RejectSessions makes the REST API answer 401 INVALID_SESSION_ID to
// every access token, even a freshly refreshed one.
func (s *Server) RejectSessions(reject bool) { s.with(func() { s.rejectSessions = reject }) }

// SetReplicationAPI makes the sObject deleted and updated resources
// answer 404 NOT_FOUND when false (they are served by default).
func (s *Server) SetReplicationAPI(served bool) { s.with(func() { s.noReplication = !served }) }

// DropRequests makes the next n requests to the REST API and the OAuth
// endpoints fail on the network: the connection closes without an answer.
func (s *Server) DropRequests(n int) { s.with(func() { s.dropRequests = n }) }

// ForgetQueryLocators makes every nextRecordsUrl handed out so far invalid
// (400 INVALID_QUERY_LOCATOR), as after Salesforce's 15 minutes.
func (s *Server) ForgetQueryLocators() { s.with(func() { clear(s.cursors) }) }

// GateQueryMore makes each queryMore request wait for a value on gate (or
// for its client to give up) before it is answered; nil stops that.
func (s *Server) GateQueryMore(gate chan struct{}) { s.with(func() { s.queryMoreGate = gate }) }

// Now returns the fake's clock: the LastModifiedDate of its latest change.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock
}

// Advance moves the fake's clock forward by d.
func (s *Server) Advance(d time.Duration) { s.with(func() { s.clock = s.clock.Add(d) }) }

// dropping closes the connection of requests that DropRequests asked to
// fail.
func (s *Server) dropping(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		drop := s.dropRequests > 0 && (strings.HasPrefix(r.URL.Path, "/services/") || strings.HasPrefix(r.URL.Path, "/id/"))
		if drop {
			s.dropRequests--
			s.requests["dropped"]++
		}
		s.mu.Unlock()
		if drop {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ExpireAccessTokens invalidates every access token, so that the next REST
// call answers 401 INVALID_SESSION_ID.
func (s *Server) ExpireAccessTokens() { s.with(func() { clear(s.access) }) }

// Requests returns how many requests of a kind the fake served: "token:"
// plus the grant type, "revoke", "identity", "describe", "query",
// "queryMore".
func (s *Server) Requests(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[kind]
}

// Queries returns the SOQL of every query received, in order.
func (s *Server) Queries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.queries)
}

// Revoked returns the tokens revoked so far.
func (s *Server) Revoked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.revoked)
}

// IssueCode returns an authorization code as the authorize endpoint would
// after the user allowed access, bound to a PKCE challenge and redirect URI.
func (s *Server) IssueCode(challenge, redirectURI string) string {
	code := "aPrx" + strings.TrimRight(rand.Text(), "=") + "=="
	s.with(func() { s.codes[code] = authCode{challenge: challenge, redirectURI: redirectURI} })
	return code
}

// IssueToken returns a fresh access and refresh token pair, as a login
// would.
func (s *Server) IssueToken() (access, refresh string) {
	s.with(func() {
		access, refresh = s.newAccessLocked(), "5Aep861"+rand.Text()+rand.Text()
		s.refresh[refresh] = true
	})
	return access, refresh
}

var idPrefix = map[string]string{"Lead": "00Q", "Contact": "003", "Account": "001"}

// AddRecords adds n records of object (Lead, Contact or Account), each
// modified a second after the previous change, and returns their ids.
func (s *Server) AddRecords(object string, n int) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, n)
	for i := range n {
		seq := len(s.records[object]) + 1
		id := fmt.Sprintf("%s%012dAAA", idPrefix[object], seq)
		r := &record{fields: map[string]any{"Id": id, "IsDeleted": false}}
		for _, f := range describedFields[object] {
			if _, ok := r.fields[f]; !ok {
				r.fields[f] = nil
			}
		}
		switch object {
		case "Lead":
			r.fields["FirstName"], r.fields["LastName"] = "Lee", fmt.Sprintf("Lead %d", seq)
			r.fields["Company"], r.fields["Email"] = fmt.Sprintf("Company %d", seq), fmt.Sprintf("lead%d@example.com", seq)
		case "Contact":
			r.fields["FirstName"], r.fields["LastName"] = "Cora", fmt.Sprintf("Contact %d", seq)
			r.fields["Email"] = fmt.Sprintf("contact%d@example.com", seq)
		case "Account":
			r.fields["Name"] = fmt.Sprintf("Account %d", seq)
		}
		s.touchLocked(r)
		s.records[object] = append(s.records[object], r)
		ids[i] = id
	}
	return ids
}

// UpdateRecord sets field of the record of object with id and marks it
// modified now.
func (s *Server) UpdateRecord(object, id, field string, value any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records[object] {
		if r.fields["Id"] == id {
			r.fields[field] = value
			s.touchLocked(r)
			return
		}
	}
	panic("fakesalesforce: no " + object + " " + id)
}

// DeleteRecord deletes the record of object with id, as the recycle bin
// keeps it: queryAll still returns it, with IsDeleted true.
func (s *Server) DeleteRecord(object, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records[object] {
		if r.fields["Id"] == id && !r.deleted {
			r.deleted = true
			r.fields["IsDeleted"] = true
			s.touchLocked(r)
			return
		}
	}
	panic("fakesalesforce: no live " + object + " " + id)
}

func (s *Server) touchLocked(r *record) {
	s.clock = s.clock.Add(time.Second)
	r.lastModified, r.modstamp = s.clock, s.clock
	r.fields["LastModifiedDate"] = s.clock.Format("2006-01-02T15:04:05.000-0700")
}

func (s *Server) with(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f()
}

func (s *Server) count(kind string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests[kind]++
}

func (s *Server) newAccessLocked() string {
	t := OrgID[:15] + "!AQ" + rand.Text() + rand.Text()
	s.access[t] = true
	return t
}

// handleAuthorize approves at once: it stands for login, verification and
// Allow Access.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	s.count("authorize")
	q := r.URL.Query()
	s.mu.Lock()
	key, authErr := s.consumerKey, s.authorizeError
	s.mu.Unlock()
	if q.Get("client_id") != key {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<pre>error=invalid_client_id&amp;error_description=client%20identifier%20invalid</pre>")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("response_type") != "code" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	v := url.Values{}
	if authErr != "" {
		v.Set("error", authErr)
		v.Set("error_description", "end-user denied authorization")
	} else {
		v.Set("code", s.IssueCode(q.Get("code_challenge"), q.Get("redirect_uri")))
	}
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func tokenError(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusBadRequest)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "unsupported_grant_type", "grant type not supported")
		return
	}
	grant := r.PostForm.Get("grant_type")
	s.count("token:" + grant)
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		// x/oauth2 query-escapes the id and secret in the Basic header.
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id != s.consumerKey {
		tokenError(w, "invalid_client_id", "client identifier invalid")
		return
	}
	if secret != s.consumerSecret {
		tokenError(w, "invalid_client", "invalid client credentials")
		return
	}
	resp := map[string]string{
		"instance_url": s.URL,
		"id":           s.IdentityURL(),
		"token_type":   "Bearer",
		"issued_at":    strconv.FormatInt(s.clock.UnixMilli(), 10),
		"scope":        "api refresh_token id",
	}
	switch grant {
	case "authorization_code":
		code := s.codes[r.PostForm.Get("code")]
		delete(s.codes, r.PostForm.Get("code"))
		if code.redirectURI == "" {
			tokenError(w, "invalid_grant", "invalid authorization code")
			return
		}
		if code.redirectURI != r.PostForm.Get("redirect_uri") {
			tokenError(w, "redirect_uri_mismatch", "redirect_uri must match configuration")
			return
		}
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if code.challenge != "" && base64.RawURLEncoding.EncodeToString(sum[:]) != code.challenge {
			tokenError(w, "invalid_grant", "invalid code verifier")
			return
		}
		resp["access_token"] = s.newAccessLocked()
		resp["refresh_token"] = "5Aep861" + rand.Text() + rand.Text()
		s.refresh[resp["refresh_token"]] = true
	case "refresh_token":
		if s.refreshFails || !s.refresh[r.PostForm.Get("refresh_token")] {
			tokenError(w, "invalid_grant", "expired access/refresh token")
			return
		}
		resp["access_token"] = s.newAccessLocked()
	case "client_credentials":
		// Served on any host: the fake is its own My Domain. No refresh
		// token, as Salesforce issues none in this flow.
		resp["access_token"] = s.newAccessLocked()
		resp["scope"] = "api id"
	default:
		tokenError(w, "unsupported_grant_type", "grant type not supported")
		return
	}
	resp["signature"] = salesforce.Sign(resp["id"], resp["issued_at"], s.consumerSecret)
	if s.badSignature {
		resp["signature"] = salesforce.Sign(resp["id"], resp["issued_at"], "not-the-secret")
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(resp)
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	s.count("revoke")
	tok := r.FormValue("token")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.access[tok] && !s.refresh[tok] {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, "error=invalid_token&error_description=Token%20was%20invalid")
		return
	}
	delete(s.access, tok)
	delete(s.refresh, tok)
	s.revoked = append(s.revoked, tok)
}

// bearer reports whether r carries a valid access token.
func (s *Server) bearer(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok && s.access[tok]
}

func (s *Server) handleIdentity(w http.ResponseWriter, r *http.Request) {
	s.count("identity")
	if !s.bearer(r) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, "Bad_OAuth_Token")
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{
		"id": s.IdentityURL(), "asserted_user": true, "user_id": UserID, "organization_id": OrgID,
		"username": Username, "nick_name": "sync.user", "display_name": "Sync User",
		"email": "sync.user@example.com", "active": true, "user_type": "STANDARD",
	})
}

// restError writes a REST API error body.
func restError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode([]map[string]string{{"message": msg, "errorCode": code}})
}

// restAuth checks the token and API access of a REST call.
func (s *Server) restAuth(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	reject := s.rejectSessions
	s.mu.Unlock()
	if reject || !s.bearer(r) {
		restError(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return false
	}
	s.mu.Lock()
	disabled := s.apiDisabled
	s.mu.Unlock()
	if disabled {
		restError(w, http.StatusForbidden, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
		return false
	}
	return true
}

// describedFields are the fields each object's describe lists.
var describedFields = map[string][]string{
	"Lead": {"Id", "IsDeleted", "MasterRecordId", "LastName", "FirstName", "Salutation", "Name", "Title",
		"Company", "Street", "City", "State", "PostalCode", "Country", "Latitude", "Longitude", "Phone",
		"MobilePhone", "Fax", "Email", "Website", "PhotoUrl", "Description", "LeadSource", "Status",
		"Industry", "Rating", "AnnualRevenue", "NumberOfEmployees", "OwnerId", "IsConverted",
		"ConvertedDate", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"},
	"Contact": {"Id", "IsDeleted", "AccountId", "LastName", "FirstName", "Salutation", "Name", "Phone",
		"Email", "Title", "Department", "OwnerId", "CreatedDate", "CreatedById", "LastModifiedDate",
		"LastModifiedById", "SystemModstamp"},
	"Account": {"Id", "IsDeleted", "Name", "Type", "ParentId", "BillingCity", "Phone", "Website", "Industry",
		"AnnualRevenue", "NumberOfEmployees", "OwnerId", "CreatedDate", "CreatedById", "LastModifiedDate",
		"LastModifiedById", "SystemModstamp"},
}

// fieldType guesses a plausible describe type from a field name.
func fieldType(name string) string {
	switch {
	case name == "Id":
		return "id"
	case strings.HasSuffix(name, "Id"):
		return "reference"
	case strings.HasSuffix(name, "Date"), name == "SystemModstamp":
		return "datetime"
	case strings.HasPrefix(name, "Is"), name == "DoNotCall":
		return "boolean"
	case name == "Email":
		return "email"
	case strings.Contains(name, "Phone"), name == "Fax":
		return "phone"
	default:
		return "string"
	}
}

func (s *Server) handleDescribe(w http.ResponseWriter, r *http.Request) {
	s.count("describe")
	if !s.restAuth(w, r) {
		return
	}
	object := r.PathValue("object")
	names, ok := describedFields[object]
	if !ok {
		restError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	fields := make([]map[string]any, len(names))
	for i, n := range names {
		fields[i] = map[string]any{"name": n, "label": n, "type": fieldType(n)}
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{"name": object, "label": object, "queryable": true, "fields": fields})
}

// soqlPattern matches the queries the fake understands: a field list, an
// optional filter on LastModifiedDate or on a list of ids, and an optional
// ORDER BY LastModifiedDate.
var soqlPattern = regexp.MustCompile(`^(?i)SELECT\s+(.+?)\s+FROM\s+(\w+)` +
	`(?:\s+WHERE\s+(?:LastModifiedDate\s*(>=|>)\s*(\S+)|Id\s+IN\s*\(([^)]*)\)))?` +
	`(\s+ORDER\s+BY\s+LastModifiedDate)?\s*$`)

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	all := strings.HasSuffix(r.URL.Path, "/queryAll")
	if all {
		s.count("queryAll")
	} else {
		s.count("query")
	}
	if !s.restAuth(w, r) {
		return
	}
	soql := r.URL.Query().Get("q")
	s.with(func() { s.queries = append(s.queries, soql) })
	m := soqlPattern.FindStringSubmatch(soql)
	if soql == "" || m == nil {
		restError(w, http.StatusBadRequest, "MALFORMED_QUERY", "unsupported query: "+soql)
		return
	}
	object, op, date, idList, ordered := m[2], m[3], m[4], m[5], m[6] != ""
	var fields []string
	for f := range strings.SplitSeq(m[1], ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(describedFields[object], f) {
			restError(w, http.StatusBadRequest, "INVALID_FIELD", "No such column '"+f+"' on entity '"+object+"'.")
			return
		}
		fields = append(fields, f)
	}
	var since time.Time
	if date != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, date); err != nil {
			restError(w, http.StatusBadRequest, "MALFORMED_QUERY", "bad datetime "+date)
			return
		}
	}
	ids := map[string]bool{}
	for id := range strings.SplitSeq(idList, ",") {
		if id = strings.Trim(strings.TrimSpace(id), "'"); id != "" {
			ids[id] = true
		}
	}
	s.mu.Lock()
	cur := &cursor{object: object, fields: fields}
	for _, rec := range s.records[object] {
		switch {
		case rec.deleted && !all:
		case op == ">" && !rec.lastModified.After(since):
		case op == ">=" && rec.lastModified.Before(since):
		case idList != "" && !ids[rec.fields["Id"].(string)]:
		default:
			cur.recs = append(cur.recs, rec)
		}
	}
	if ordered {
		slices.SortStableFunc(cur.recs, func(a, b *record) int { return a.lastModified.Compare(b.lastModified) })
	}
	resource := "query"
	if all {
		resource = "queryAll"
	}
	body := s.pageLocked(cur, 0, "01g"+rand.Text(), resource)
	s.mu.Unlock()
	writeJSON(w, body)
}

func (s *Server) handleQueryMore(w http.ResponseWriter, r *http.Request) {
	s.count("queryMore")
	if !s.restAuth(w, r) {
		return
	}
	s.mu.Lock()
	gate := s.queryMoreGate
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	resource := "query"
	if strings.Contains(r.URL.Path, "/queryAll/") {
		resource = "queryAll"
	}
	// The locator is <query locator>-<offset>.
	loc, offStr, ok := strings.Cut(r.PathValue("locator"), "-")
	off, err := strconv.Atoi(offStr)
	s.mu.Lock()
	cur := s.cursors[loc]
	if !ok || err != nil || cur == nil || off < 0 || off > len(cur.recs) {
		s.mu.Unlock()
		restError(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	body := s.pageLocked(cur, off, loc, resource)
	s.mu.Unlock()
	writeJSON(w, body)
}

// pageLocked returns the page of cur's records that starts at off.
func (s *Server) pageLocked(cur *cursor, off int, loc, resource string) map[string]any {
	end := min(off+s.pageSize, len(cur.recs))
	records := make([]map[string]any, 0, end-off)
	for _, rec := range cur.recs[off:end] {
		out := map[string]any{"attributes": map[string]string{
			"type": cur.object,
			"url":  "/services/data/" + salesforce.APIVersion + "/sobjects/" + cur.object + "/" + rec.fields["Id"].(string),
		}}
		for _, f := range cur.fields {
			out[f] = rec.fields[f]
		}
		records = append(records, out)
	}
	body := map[string]any{"totalSize": len(cur.recs), "done": end == len(cur.recs), "records": records}
	if end < len(cur.recs) {
		s.cursors[loc] = cur
		body["nextRecordsUrl"] = fmt.Sprintf("/services/data/%s/%s/%s-%d", salesforce.APIVersion, resource, loc, end)
	}
	return body
}

// replicationWindow reads the start and end of a replication request;
// Salesforce wants the window to span more than a minute.
func replicationWindow(w http.ResponseWriter, r *http.Request) (start, end time.Time, ok bool) {
	start, err1 := time.Parse(time.RFC3339, r.URL.Query().Get("start"))
	end, err2 := time.Parse(time.RFC3339, r.URL.Query().Get("end"))
	switch {
	case err1 != nil || err2 != nil:
		restError(w, http.StatusBadRequest, "MALFORMED_QUERY", "start and end must be ISO 8601 datetimes")
	case end.Sub(start) <= time.Minute:
		restError(w, http.StatusBadRequest, "INVALID_REPLICATION_DATE", "startDate must chronologically precede endDate by more than one minute")
	default:
		return start, end, true
	}
	return start, end, false
}

// replicationAuth checks a replication request; the resources answer 404
// when SetReplicationAPI(false) was called.
func (s *Server) replicationAuth(w http.ResponseWriter, r *http.Request, kind string) bool {
	s.count(kind)
	if !s.restAuth(w, r) {
		return false
	}
	s.mu.Lock()
	off := s.noReplication
	s.mu.Unlock()
	if off || idPrefix[r.PathValue("object")] == "" {
		restError(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return false
	}
	return true
}

// handleDeleted answers the sObject deleted-records resource from the
// fake's clock: the records deleted in (start, end].
func (s *Server) handleDeleted(w http.ResponseWriter, r *http.Request) {
	if !s.replicationAuth(w, r, "deleted") {
		return
	}
	start, end, ok := replicationWindow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	deleted := []map[string]any{}
	for _, rec := range s.records[r.PathValue("object")] {
		if rec.deleted && rec.lastModified.After(start) && !rec.lastModified.After(end) {
			deleted = append(deleted, map[string]any{"id": rec.fields["Id"], "deletedDate": rec.fields["LastModifiedDate"]})
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"deletedRecords":        deleted,
		"earliestDateAvailable": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000-0700"),
		"latestDateCovered":     end.UTC().Format("2006-01-02T15:04:05.000-0700"),
	})
}

// handleUpdated answers the sObject updated-records resource: the ids of
// live records changed in (start, end].
func (s *Server) handleUpdated(w http.ResponseWriter, r *http.Request) {
	if !s.replicationAuth(w, r, "updated") {
		return
	}
	start, end, ok := replicationWindow(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	ids := []any{}
	for _, rec := range s.records[r.PathValue("object")] {
		if !rec.deleted && rec.modstamp.After(start) && !rec.modstamp.After(end) {
			ids = append(ids, rec.fields["Id"])
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"ids": ids, "latestDateCovered": end.UTC().Format("2006-01-02T15:04:05.000-0700")})
}

// CommitLate changes field of the record of object with id as a
// transaction that started at at and commits now: its LastModifiedDate is
// at, which may be before what a sync already pulled, while the updated
// resource reports it now.
func (s *Server) CommitLate(object, id, field string, value any, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records[object] {
		if r.fields["Id"] == id {
			r.fields[field] = value
			s.clock = s.clock.Add(time.Second)
			r.modstamp = s.clock
			r.lastModified = at
			r.fields["LastModifiedDate"] = at.UTC().Format("2006-01-02T15:04:05.000-0700")
			return
		}
	}
	panic("fakesalesforce: no " + object + " " + id)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}
