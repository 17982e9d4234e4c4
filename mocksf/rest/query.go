package rest

import (
	"bytes"
	"crypto/rand"
	"errors"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/internal/defaults"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Batch sizes of query results (Sforce-Query-Options: batchSize=N).
const (
	defaultBatchSize = 2000
	minBatchSize     = 200
	maxBatchSize     = 2000
)

// CursorLimits bound the query cursors kept for queryMore (nextRecordsUrl).
// Salesforce's API guides up to version 55.0 say: "A user can have up to
// 10 query cursors open at a time. If 10 QueryLocator cursors are open
// when a client application, logged in as the same user, attempts to open
// a new one, then the oldest of the 10 cursors is released", and "QueryLocator
// objects expire automatically after 15 minutes of inactivity"; a released
// or expired locator answers INVALID_QUERY_LOCATOR. Since API 56.0 the
// limits cheatsheet says there is no limit on open cursors and that
// results stay two days; an in-memory fake cannot keep every cursor, so
// mocksf keeps the documented 10 per user and 15 minutes by default, both
// settable. Zero fields take the defaults.
type CursorLimits struct {
	// PerUser is how many cursors one user keeps; opening one more
	// releases that user's oldest, and no other user's.
	PerUser int
	// Idle is how long an unused cursor lives, on mocksf's clock.
	Idle time.Duration
}

// Defaults of CursorLimits.
const (
	DefaultCursorsPerUser = 10
	DefaultCursorIdle     = 15 * time.Minute
)

func (l CursorLimits) withDefaults() CursorLimits {
	defaults.Positive(&l.PerUser, DefaultCursorsPerUser)
	defaults.Positive(&l.Idle, DefaultCursorIdle)
	return l
}

// queryText is a query resource's ?q=, or false after answering 400
// MALFORMED_QUERY when it is missing or blank.
func queryText(w http.ResponseWriter, r *http.Request) (string, bool) {
	values, present := r.URL.Query()["q"]
	if !present {
		writeError(w, http.StatusBadRequest, errNoQuery)
		return "", false
	}
	if strings.TrimSpace(values[0]) == "" {
		writeError(w, http.StatusBadRequest, errEmptyQuery)
		return "", false
	}
	return values[0], true
}

// compileQuery compiles SOQL against a schema, or answers 400 with
// Salesforce's error for it and returns false.
func compileQuery(w http.ResponseWriter, text string, schema *orgSchema) (*soql.Query, bool) {
	q, err := soql.Compile(text, querySchema{schema})
	if err != nil {
		writeError(w, http.StatusBadRequest, queryError(err))
		return nil, false
	}
	return q, true
}

// queryRows runs a compiled query over the org's records of o (deleted
// ones too when all is set): those that match, sorted and paged by its
// ORDER BY, LIMIT and OFFSET.
func (api *API) queryRows(r *http.Request, orgID string, schema *orgSchema, o *sobject, q *soql.Query, all bool) []*recordView {
	env := api.newEnv(orgID, schema, api.instanceURL(r, orgID))
	views := env.views(o, all)
	match := q.Matcher(api.Store.NowIn(orgID))
	rows := make([]*recordView, 0, len(views)/4)
	for i := range views {
		if match(&views[i]) {
			rows = append(rows, &views[i])
		}
	}
	soql.Sort(q, rows)
	return soql.Page(q, rows)
}

// HandleQuery answers GET /services/data/vXX.X/query?q=<SOQL>, or
// /queryAll with all set, which also returns deleted records; with
// columns=true it describes the query's columns instead. Results
// beyond the batch size stay on the server as a snapshot that
// nextRecordsUrl pages through.
func HandleQuery(api *API, all bool) http.Handler {
	resource := "query"
	if all {
		resource = "queryAll"
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		text, ok := queryText(w, r)
		if !ok {
			return
		}
		schema := api.schemaOf(at.OrgID)
		q, ok := compileQuery(w, text, schema)
		if !ok {
			return
		}
		o, _ := schema.object(q.Object) // Compile resolved it
		if strings.EqualFold(r.URL.Query().Get("columns"), "true") {
			// The query's columns, not its rows (columns.go).
			writeJSON(w, http.StatusOK, newQueryColumns(schema, o, q))
			return
		}
		rows := api.queryRows(r, at.OrgID, schema, o, q, all)
		if q.Count {
			writeJSON(w, http.StatusOK, struct {
				TotalSize int   `json:"totalSize"`
				Done      bool  `json:"done"`
				Records   []any `json:"records"`
			}{len(rows), true, []any{}})
			return
		}
		c := &cursor{orgID: at.OrgID, userID: at.UserID, resource: resource, object: o, schema: schema,
			plan: newPlan(schema, o, q.Fields)}
		c.keep(rows)
		c.planKey = renderKey(o, c.plan)
		batch := batchSize(r.Header.Get("Sforce-Query-Options"))
		if batch < c.size() {
			c.batch = batch
			api.cursors.add(c, api.Store.NowIn(at.OrgID))
		}
		writePage(w, versionBase(r), c, 0, batch, api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID)))
	})
}

// HandleQueryMore answers GET /services/data/vXX.X/query/{locator} (and
// /queryAll/{locator}): the page of a kept result that starts at the
// locator's offset. Locators of another org, unknown, expired or out of
// range ones are 400 INVALID_QUERY_LOCATOR.
func HandleQueryMore(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		id, offsetText, ok := strings.Cut(mux.Vars(r)["locator"], "-")
		offset, err := strconv.Atoi(offsetText)
		if !ok || err != nil || offset < 0 {
			writeError(w, http.StatusBadRequest, errQueryLocator)
			return
		}
		c, ok := api.cursors.get(id, at.OrgID, api.Store.NowIn(at.OrgID))
		if !ok || offset >= c.size() {
			writeError(w, http.StatusBadRequest, errQueryLocator)
			return
		}
		batch := c.batch
		if h := r.Header.Get("Sforce-Query-Options"); h != "" {
			batch = batchSize(h)
		}
		writePage(w, versionBase(r), c, offset, batch, api.newEnv(at.OrgID, c.schema, api.instanceURL(r, at.OrgID)))
	})
}

// queryError maps a SOQL error to the REST error entry.
func queryError(err error) apiError {
	var se *soql.Error
	if errors.As(err, &se) {
		return apiError{Code: se.Code, Message: se.Message}
	}
	return apiError{Code: soql.CodeMalformedQuery, Message: err.Error()}
}

// batchSize reads batchSize=N from a Sforce-Query-Options header, kept
// within 200..2000; the default is 2000.
func batchSize(header string) int {
	for _, option := range strings.Split(header, ",") {
		key, value, ok := strings.Cut(option, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(key), "batchSize") {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil {
			continue
		}
		return min(max(n, minBatchSize), maxBatchSize)
	}
	return defaultBatchSize
}

// cursor is the result of one query, kept for its later pages: the
// versions of the records it matched, which the store never changes, so
// later pages show the records as they were when the query ran. Fields of
// parent records are read when a page is rendered. It holds one pointer
// per row, shared with the store, never a copy of a record: 8 bytes a
// row, 1.6 MB for 200,000 Leads.
type cursor struct {
	id       string
	orgID    string
	userID   string // whose cursor it is, for CursorLimits.PerUser
	resource string // "query" or "queryAll", for nextRecordsUrl
	object   *sobject
	schema   *orgSchema
	plan     []*planNode
	// planKey names plan among the renderings kept in records' memos
	// (renderKey); "" when the rows are not rendered from their own
	// versions alone, so are rendered each time.
	planKey  string
	recs     []*store.Record // the rows of a query of records, or
	users    []*store.User   // those of a query of User
	batch    int
	lastUsed time.Time
}

// keep takes the matched rows: their records, or users.
func (c *cursor) keep(rows []*recordView) {
	if len(rows) > 0 && rows[0].rec == nil {
		c.users = make([]*store.User, len(rows))
		for i, v := range rows {
			c.users[i] = v.user
		}
		return
	}
	c.recs = make([]*store.Record, len(rows))
	for i, v := range rows {
		c.recs[i] = v.rec
	}
}

// size is how many rows the cursor holds.
func (c *cursor) size() int { return len(c.recs) + len(c.users) }

// row is the view of row i, rendered in env.
func (c *cursor) row(env *rowEnv, i int) recordView {
	v := recordView{env: env, obj: c.object}
	if c.users != nil {
		v.user = c.users[i]
	} else {
		v.rec = c.recs[i]
	}
	return v
}

// writePage sends the records from offset, at most batch of them, with
// nextRecordsUrl when more remain. The JSON of a record's version is kept
// in its memo, so a page of records read before costs a copy of each; the
// page is sized from them and written into a pooled buffer.
func writePage(w http.ResponseWriter, base string, c *cursor, offset, batch int, env *rowEnv) {
	end := min(offset+batch, c.size())
	done := end >= c.size()
	pb := pageBuffers.Get().(*pageBuffer)
	defer pb.release()
	size := 0
	if c.planKey != "" {
		for i := offset; i < end; i++ {
			js := c.recordJSON(env, base, i, &pb.scratch)
			pb.parts = append(pb.parts, js)
			size += len(js) + 1
		}
	}
	b := &pb.page
	b.WriteString(`{"totalSize":`)
	b.WriteString(strconv.Itoa(c.size()))
	b.WriteString(`,"done":`)
	b.WriteString(strconv.FormatBool(done))
	if !done {
		b.WriteString(`,"nextRecordsUrl":`)
		appendString(b, base+"/"+c.resource+"/"+c.id+"-"+strconv.Itoa(end))
	}
	b.WriteString(`,"records":[`)
	if c.planKey != "" {
		b.Grow(size + 2)
		for i, js := range pb.parts {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(js)
		}
	} else {
		for i := offset; i < end; i++ {
			if i > offset {
				b.WriteByte(',')
			}
			v := c.row(env, i)
			appendRecord(b, base, &v, c.plan)
		}
	}
	b.WriteString("]}")
	writeRaw(w, http.StatusOK, b.Bytes())
}

// renderedRecord is the JSON of one version of a record for one plan, as
// kept in the version's store.Memo.
type renderedRecord struct {
	object *sobject
	base   string // the version's path, which attributes.url starts with
	plan   string // renderKey
	json   []byte
}

// renderKey names a plan of o whose rendering depends on nothing but the
// record's version, the object's schema and the base path: one of fields
// of the record alone, since a parent's fields change without the record.
// It is "" for any other plan, and for the rows of User and of the org
// objects, which are not versions kept by the store.
func renderKey(o *sobject, plan []*planNode) string {
	if o.name == "User" || o.derived {
		return ""
	}
	var b strings.Builder
	for _, n := range plan {
		if n.field == nil {
			return ""
		}
		b.WriteString(n.key)
		b.WriteByte(',')
	}
	return b.String()
}

// recordJSON is the JSON of record i of a cursor with a planKey: the one
// kept in the version's memo when it was rendered for the same object,
// base and plan, else rendered (in scratch) and kept.
func (c *cursor) recordJSON(env *rowEnv, base string, i int, scratch *bytes.Buffer) []byte {
	m := c.recs[i].Memo()
	if r, ok := m.Load().(*renderedRecord); ok && r.object == c.object && r.plan == c.planKey && r.base == base {
		return r.json
	}
	scratch.Reset()
	v := c.row(env, i)
	appendRecord(scratch, base, &v, c.plan)
	js := bytes.Clone(scratch.Bytes())
	m.Store(&renderedRecord{object: c.object, base: base, plan: c.planKey, json: js})
	return js
}

// pageBuffer is what writePage writes a page with: the page, a record
// being rendered, and the records' JSON in page order.
type pageBuffer struct {
	page, scratch bytes.Buffer
	parts         [][]byte
}

// maxPooledPage is the largest page buffer kept for reuse: a page of 2,000
// records of every field of a wide object is a few MiB, and a rare larger
// one should not stay held.
const maxPooledPage = 8 << 20

var pageBuffers = sync.Pool{New: func() any { return new(pageBuffer) }}

// release empties pb and returns it to the pool, unless it grew too large.
func (pb *pageBuffer) release() {
	if pb.page.Cap() > maxPooledPage || pb.scratch.Cap() > maxPooledPage {
		return
	}
	clear(pb.parts) // hold no record's JSON
	pb.parts = pb.parts[:0]
	pb.page.Reset()
	pageBuffers.Put(pb)
}

// cursorCache keeps query snapshots for queryMore: CursorLimits.PerUser
// per user, each user's oldest released beyond it, and none unused for
// longer than CursorLimits.Idle.
type cursorCache struct {
	mu     sync.Mutex
	limits CursorLimits
	byID   map[string]*cursor
	// byUser lists each user's locator IDs, oldest first; it may hold
	// IDs expired since, dropped when the list is next changed.
	byUser map[string][]string
	// added counts the cursors added since the last sweep of expired ones.
	added int
}

func newCursorCache(l CursorLimits) *cursorCache {
	return &cursorCache{limits: l.withDefaults(), byID: map[string]*cursor{}, byUser: map[string][]string{}}
}

// add stores c under a fresh locator ID, which it sets, and releases its
// user's oldest cursors beyond the limit.
func (cc *cursorCache) add(c *cursor, now time.Time) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.sweepLocked(now)
	for c.id == "" || cc.byID[c.id] != nil {
		c.id = newLocatorID()
	}
	c.lastUsed = now
	cc.byID[c.id] = c
	list := cc.liveLocked(cc.byUser[c.userID])
	list = append(list, c.id)
	for len(list) > cc.limits.PerUser {
		delete(cc.byID, list[0])
		list = list[1:]
	}
	cc.byUser[c.userID] = list
}

// liveLocked returns the IDs of list still kept, in a new slice, so that
// the released prefix of the old one is not held.
func (cc *cursorCache) liveLocked(list []string) []string {
	out := make([]string, 0, len(list)+1)
	for _, id := range list {
		if cc.byID[id] != nil {
			out = append(out, id)
		}
	}
	return out
}

// sweepLocked drops expired cursors once at least as many cursors were
// added since the last sweep as half those kept (and 64), so a sweep's
// cost is spread over the adds: cursors nobody asks for again would
// otherwise stay until their user opens ten more.
func (cc *cursorCache) sweepLocked(now time.Time) {
	cc.added++
	if cc.added < max(64, len(cc.byID)/2) {
		return
	}
	cc.added = 0
	for id, c := range cc.byID {
		if cc.expired(c, now) {
			delete(cc.byID, id)
		}
	}
	for user, list := range cc.byUser {
		if live := cc.liveLocked(list); len(live) > 0 {
			cc.byUser[user] = live
		} else {
			delete(cc.byUser, user)
		}
	}
}

func (cc *cursorCache) expired(c *cursor, now time.Time) bool {
	return now.Sub(c.lastUsed) > cc.limits.Idle
}

// get returns the org's cursor with the given ID, unless it expired or
// was released.
func (cc *cursorCache) get(id, orgID string, now time.Time) (*cursor, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	c, ok := cc.byID[id]
	if !ok || c.orgID != orgID {
		return nil, false
	}
	if cc.expired(c, now) {
		delete(cc.byID, id)
		return nil, false
	}
	c.lastUsed = now
	return c, true
}

// count is how many cursors are kept.
func (cc *cursorCache) count() int {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return len(cc.byID)
}

// locatorSpace is how many serials fit the 10 base-62 digits of an ID.
var locatorSpace = new(big.Int).Exp(big.NewInt(62), big.NewInt(10), nil)

// newLocatorID returns a random ID with the query locator key prefix 01g,
// like Salesforce's "01gRO0000016PIAYA2".
func newLocatorID() string {
	n, err := rand.Int(rand.Reader, locatorSpace)
	if err != nil {
		panic("rest: crypto/rand failed: " + err.Error())
	}
	return sfid.New("01g", n.Uint64())
}
