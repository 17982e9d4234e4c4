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

// Cursor limits: how many query results are kept for queryMore, and how
// long an unused one lives (Salesforce expires locators after 15 minutes
// of inactivity).
const (
	maxCursors = 1000
	cursorIdle = 15 * time.Minute
)

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
	match := q.Matcher(api.Store.Now())
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
		c := &cursor{orgID: at.OrgID, resource: resource, object: o, schema: schema,
			plan: newPlan(schema, o, q.Fields), rows: make([]cursorRow, len(rows))}
		for i, v := range rows {
			c.rows[i] = cursorRow{rec: v.rec, user: v.user}
		}
		batch := batchSize(r.Header.Get("Sforce-Query-Options"))
		if batch < len(c.rows) {
			c.batch = batch
			api.cursors.add(c, api.Store.Now())
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
		c, ok := api.cursors.get(id, at.OrgID, api.Store.Now())
		if !ok || offset >= len(c.rows) {
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
// parent records are read when a page is rendered.
type cursor struct {
	id       string
	orgID    string
	resource string // "query" or "queryAll", for nextRecordsUrl
	object   *sobject
	schema   *orgSchema
	plan     []*planNode
	rows     []cursorRow
	batch    int
	lastUsed time.Time
}

// cursorRow is one matched record, or user.
type cursorRow struct {
	rec  *store.Record
	user *store.User
}

// writePage sends the records from offset, at most batch of them, with
// nextRecordsUrl when more remain.
func writePage(w http.ResponseWriter, base string, c *cursor, offset, batch int, env *rowEnv) {
	end := min(offset+batch, len(c.rows))
	done := end >= len(c.rows)
	var b bytes.Buffer
	b.Grow((end - offset) * 256)
	b.WriteString(`{"totalSize":`)
	b.WriteString(strconv.Itoa(len(c.rows)))
	b.WriteString(`,"done":`)
	b.WriteString(strconv.FormatBool(done))
	if !done {
		b.WriteString(`,"nextRecordsUrl":`)
		appendString(&b, base+"/"+c.resource+"/"+c.id+"-"+strconv.Itoa(end))
	}
	b.WriteString(`,"records":[`)
	for i := offset; i < end; i++ {
		if i > offset {
			b.WriteByte(',')
		}
		v := recordView{env: env, obj: c.object, rec: c.rows[i].rec, user: c.rows[i].user}
		appendRecord(&b, base, &v, c.plan)
	}
	b.WriteString("]}")
	writeRaw(w, http.StatusOK, b.Bytes())
}

// cursorCache keeps query snapshots for queryMore, the oldest evicted
// beyond its capacity.
type cursorCache struct {
	mu    sync.Mutex
	max   int
	byID  map[string]*cursor
	order []string // IDs by age, oldest first; may hold IDs already gone
}

func newCursorCache(max int) *cursorCache {
	return &cursorCache{max: max, byID: map[string]*cursor{}}
}

// add stores c under a fresh locator ID, which it sets.
func (cc *cursorCache) add(c *cursor, now time.Time) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	for c.id == "" || cc.byID[c.id] != nil {
		c.id = newLocatorID()
	}
	c.lastUsed = now
	cc.byID[c.id] = c
	cc.order = append(cc.order, c.id)
	for len(cc.byID) > cc.max {
		oldest := cc.order[0]
		cc.order = cc.order[1:]
		delete(cc.byID, oldest)
	}
	if len(cc.order) > 2*cc.max {
		// Expired cursors leave their IDs behind; drop them.
		live := cc.order[:0]
		for _, id := range cc.order {
			if cc.byID[id] != nil {
				live = append(live, id)
			}
		}
		cc.order = append([]string(nil), live...)
	}
}

// get returns the org's cursor with the given ID, unless it expired.
func (cc *cursorCache) get(id, orgID string, now time.Time) (*cursor, bool) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	c, ok := cc.byID[id]
	if !ok || c.orgID != orgID {
		return nil, false
	}
	if now.Sub(c.lastUsed) > cursorIdle {
		delete(cc.byID, id)
		return nil, false
	}
	c.lastUsed = now
	return c, true
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
