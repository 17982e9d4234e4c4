package rest

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Versions that brought SObject Collections and its upsert.
const (
	collectionsVersion       = 42
	collectionsUpsertVersion = 46
)

// anyObject words parse errors of a record whose type is not yet known.
var anyObject = &sobject{name: "SObject"}

// errAllOrNoneFailed aborts an allOrNone collection's transaction, which
// undoes what it wrote.
var errAllOrNoneFailed = errors.New("rest: a record of an allOrNone collection failed")

// sinceVersion answers 404 NOT_FOUND, as Salesforce does for a resource a
// version does not have, unless the request's version is major or later.
func sinceVersion(w http.ResponseWriter, r *http.Request, major int) bool {
	v, ok := parseVersion(strings.TrimPrefix(mux.Vars(r)["version"], "v"))
	if !ok || v.major < major {
		writeError(w, http.StatusNotFound, errNotFound)
		return false
	}
	return true
}

// routeObjectSince is routeObject for a resource that API version major
// brought: an older version is 404 NOT_FOUND, as sinceVersion answers.
func (api *API) routeObjectSince(w http.ResponseWriter, r *http.Request, major int) (at store.AccessToken, schema *orgSchema, o *sobject, ok bool) {
	if !sinceVersion(w, r, major) {
		return at, nil, nil, false
	}
	return api.routeObject(w, r)
}

// allOrNone is a collection's allOrNone, which an allOrNone Composite
// request around it forces on.
func allOrNone(r *http.Request, own bool) bool {
	if s := subrequestFrom(r.Context()); s != nil && s.allOrNone {
		return true
	}
	return own
}

// pendingWrite is one record of a collection write, checked and ready to
// store, or failed.
type pendingWrite struct {
	o      *sobject
	id     string
	body   recordBody
	values map[string]any
	result collectionResult
	failed bool
}

func (p *pendingWrite) fail(id string, es ...apiError) {
	p.failed, p.result = true, failedResult(id, es...)
}

// HandleCollections answers /services/data/vXX.X/composite/sobjects
// (API 42.0 and later): POST creates up to 200 records of any objects,
// PATCH updates them by Id, DELETE deletes those of ?ids=. Each answers
// 200 with one result per record in order; with allOrNone (false by
// default) one failure stores nothing and the other records report
// ALL_OR_NONE_OPERATION_ROLLED_BACK. A malformed body or more than 200
// records is 400 for the whole request.
func HandleCollections(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sinceVersion(w, r, collectionsVersion) {
			return
		}
		if r.Method == http.MethodDelete {
			collectionDelete(api, w, r)
			return
		}
		req, ok := readRequest(w, r, parseCollectionRequest)
		if !ok {
			return
		}
		at, _ := TokenFrom(r.Context())
		schema := api.schemaOf(at.OrgID)
		create := r.Method == http.MethodPost
		writes := make([]*pendingWrite, len(req.Records))
		for i, raw := range req.Records {
			writes[i] = checkCollectionRecord(api, at.OrgID, schema, raw, create)
		}
		all := allOrNone(r, req.AllOrNone)
		commitCollection(api, r, at, writes, all, func(tx *store.OrgTx, p *pendingWrite) error {
			rt := tx.Object(p.o.name)
			if create {
				if err := checkUnique(rt, p.o, p.values, ""); err != nil {
					return err
				}
				rec, err := rt.Insert(at.UserID, p.values)
				p.result = collectionResult{ID: rec.ID, Success: err == nil, Errors: []collectionError{}}
				return err
			}
			if err := liveRecord(rt, p.id); err != nil {
				return err
			}
			if err := checkUnique(rt, p.o, p.values, p.id); err != nil {
				return err
			}
			_, err := rt.Update(p.id, at.UserID, p.values)
			p.result = collectionResult{ID: p.id, Success: err == nil, Errors: []collectionError{}}
			return err
		})
		writeJSON(w, http.StatusOK, results(writes))
	})
}

// checkCollectionRecord reads and checks one record of a create or an
// update outside the store's lock, as the single-record resources do.
func checkCollectionRecord(api *API, orgID string, schema *orgSchema, raw []byte, create bool) *pendingWrite {
	p := &pendingWrite{}
	body, errs := parseRecordBody(raw, anyObject)
	if errs != nil {
		p.fail("", errs...)
		return p
	}
	p.body = body
	if !create {
		for _, k := range body.keys {
			if strings.EqualFold(k, "Id") {
				if s, ok := body.values[k].(string); ok {
					p.id = s
				}
			}
		}
		if p.id == "" {
			p.fail("", errIDNotSpecified)
			return p
		}
	}
	typ := recordType(body)
	if typ == "" && !create {
		// An update may name its object by the ID alone.
		if id, ok := soql.CanonicalID(p.id); ok && schema.byPrefix[id[:3]] != nil {
			typ = schema.byPrefix[id[:3]].name
		}
	}
	o, ok := schema.object(typ)
	if !ok {
		p.fail(p.id, errUnsupportedType(typ))
		return p
	}
	p.o = o
	if o.readOnly {
		p.fail(p.id, dmlOf(errReadOnlyObject(o)))
		return p
	}
	if !create {
		id, ok := soql.CanonicalID(p.id)
		if !ok || id[:3] != o.keyPrefix {
			p.fail(p.id, errMalformedRecordID(o, p.id))
			return p
		}
		p.id = id
	}
	values, errs := checkWrite(api, orgID, schema, o, body, create, p.id)
	if errs != nil {
		p.fail(p.id, errs...)
		return p
	}
	p.values = values
	return p
}

// dmlOf makes an error a DML one, with fields.
func dmlOf(e apiError) apiError {
	e.dml = true
	return e
}

// commitCollection stores the checked records in one transaction: each
// that passed goes through write, in order. Without allOrNone a record
// that fails is only reported; with it, any failure undoes every write
// and the others report ALL_OR_NONE_OPERATION_ROLLED_BACK.
func commitCollection(api *API, r *http.Request, at store.AccessToken, writes []*pendingWrite, all bool, write func(*store.OrgTx, *pendingWrite) error) {
	failed := false
	for _, p := range writes {
		failed = failed || p.failed
	}
	if failed && all {
		rollBack(writes)
		return
	}
	err := api.Store.UpdateOrgRecords(journalFrom(r.Context()), at.OrgID, func(tx *store.OrgTx) error {
		for _, p := range writes {
			if p.failed {
				continue
			}
			mark := tx.Mark()
			if err := write(tx, p); err != nil {
				tx.RollbackTo(mark)
				p.fail(p.result.ID, txErrors(err)...)
				if p.id != "" {
					p.result.ID = p.id
				}
				failed = true
			}
		}
		if failed && all {
			return errAllOrNoneFailed
		}
		return nil
	})
	if err != nil && !errors.Is(err, errAllOrNoneFailed) {
		for _, p := range writes {
			p.fail(p.id, txErrors(err)...)
		}
		return
	}
	if failed && all {
		rollBack(writes)
	}
}

// rollBack reports every record that did not fail itself as rolled back.
// Created records were never kept, so they report no id.
func rollBack(writes []*pendingWrite) {
	for _, p := range writes {
		if !p.failed {
			p.failed, p.result = true, collectionResult{ID: p.id, Errors: []collectionError{errRolledBack}}
		}
	}
}

func results(writes []*pendingWrite) []collectionResult {
	out := make([]collectionResult, len(writes))
	for i, p := range writes {
		out[i] = p.result
	}
	return out
}

// collectionDelete answers DELETE /composite/sobjects?ids=a,b&allOrNone=.
func collectionDelete(api *API, w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	list := strings.TrimSpace(q.Get("ids"))
	if list == "" {
		writeError(w, http.StatusBadRequest, errMissingArgument("ids"))
		return
	}
	ids := strings.Split(list, ",")
	if len(ids) > maxCollectionRecords {
		writeError(w, http.StatusBadRequest, errTooManyRecords(maxCollectionRecords))
		return
	}
	own, _ := strconv.ParseBool(q.Get("allOrNone"))
	at, _ := TokenFrom(r.Context())
	schema := api.schemaOf(at.OrgID)
	writes := make([]*pendingWrite, len(ids))
	for i, raw := range ids {
		p := &pendingWrite{}
		writes[i] = p
		raw = strings.TrimSpace(raw)
		id, ok := soql.CanonicalID(raw)
		var o *sobject
		if ok {
			o = schema.byPrefix[id[:3]]
		}
		switch {
		case o == nil || o.hidden:
			p.fail("", errMalformedID(raw))
		case o.readOnly:
			p.fail(id, dmlOf(errReadOnlyObject(o)))
		default:
			p.o, p.id = o, id
		}
	}
	commitCollection(api, r, at, writes, allOrNone(r, own), func(tx *store.OrgTx, p *pendingWrite) error {
		rt := tx.Object(p.o.name)
		if err := liveRecord(rt, p.id); err != nil {
			return err
		}
		err := rt.Delete(p.id, at.UserID)
		p.result = collectionResult{ID: p.id, Success: err == nil, Errors: []collectionError{}}
		return err
	})
	writeJSON(w, http.StatusOK, results(writes))
}

// HandleCollectionUpsert answers PATCH
// /services/data/vXX.X/composite/sobjects/{object}/{externalIdField} (API
// 46.0 and later): each record is created, or updated when one record has
// its external ID value; results carry "created". Several records with
// the value fail that record with DUPLICATE_EXTERNAL_ID.
func HandleCollectionUpsert(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObjectSince(w, r, collectionsUpsertVersion)
		if !ok {
			return
		}
		field := mux.Vars(r)["field"]
		f, ok := o.field(field)
		if !ok || !f.externalID && !f.idLookup {
			writeError(w, http.StatusNotFound, errNoSuchExternalID(field))
			return
		}
		req, ok := readRequest(w, r, parseCollectionRequest)
		if !ok {
			return
		}
		writes := make([]*pendingWrite, len(req.Records))
		wants := make([]any, len(req.Records))
		for i, raw := range req.Records {
			p := checkUpsertRecord(api, at.OrgID, schema, o, f, raw, &wants[i])
			writes[i] = p
		}
		commitCollection(api, r, at, writes, allOrNone(r, req.AllOrNone), func(tx *store.OrgTx, p *pendingWrite) error {
			i := indexOf(writes, p)
			return upsertOne(tx.Object(o.name), at, o, f, p, wants[i])
		})
		writeJSON(w, http.StatusOK, results(writes))
	})
}

func indexOf(writes []*pendingWrite, p *pendingWrite) int {
	for i, q := range writes {
		if q == p {
			return i
		}
	}
	return -1
}

// checkUpsertRecord reads one upsert record outside the store's lock: its
// type must be the route's object and it must carry the external ID.
func checkUpsertRecord(api *API, orgID string, schema *orgSchema, o *sobject, f fieldDef, raw []byte, want *any) *pendingWrite {
	p := &pendingWrite{o: o}
	body, errs := parseRecordBody(raw, o)
	if errs != nil {
		p.fail("", errs...)
		return p
	}
	p.body = body
	if t := recordType(body); t != "" && !strings.EqualFold(t, o.name) {
		p.fail("", errUnsupportedType(t))
		return p
	}
	for _, k := range body.keys {
		if k != "attributes" && o.fieldPtr(k) == nil {
			p.fail("", errNoSuchField(k, o.name))
			return p
		}
	}
	var raw0 any
	for _, k := range body.keys {
		if strings.EqualFold(k, f.name) {
			raw0 = body.values[k]
		}
	}
	v, e := convertValue(schema, f, raw0)
	switch {
	case e != nil:
		p.fail("", *e)
		return p
	case v == nil:
		p.fail("", dmlError("MISSING_ARGUMENT", f.name+" not specified", f.name))
		return p
	}
	*want = v
	values, errs := convertFields(schema, o, body)
	if errs == nil {
		errs = checkParents(api, orgID, schema, o, values)
	}
	if errs != nil {
		p.fail("", errs...)
		return p
	}
	p.values = values
	return p
}

// upsertOne creates or updates one record of a collection upsert, as the
// single-record upsert does.
func upsertOne(tx *store.RecordTx, at store.AccessToken, o *sobject, f fieldDef, p *pendingWrite, want any) error {
	matches := externalIDMatches(tx, f, want)
	if len(matches) > 1 {
		return failTx(http.StatusMultipleChoices, dmlError("DUPLICATE_EXTERNAL_ID",
			"Duplicate external id specified: "+quote(want), f.name))
	}
	var match *store.Record
	if len(matches) == 1 {
		match = matches[0]
		p.id = match.ID // a failed update's result names the record
	}
	id, err := upsertInto(tx, at.UserID, o, f, p.body, p.values, want, match)
	if err != nil {
		return err
	}
	p.id = id
	created := match == nil
	p.result = collectionResult{ID: p.id, Success: true, Errors: []collectionError{}, Created: &created}
	return nil
}

// HandleCollectionRetrieve answers /services/data/vXX.X/composite/sobjects/{object}
// (API 42.0 and later): GET with ?ids=&fields= (both required) or POST
// with {"ids":[...],"fields":[...]} reads up to 2,000 records of the
// object, answering an array in the order asked with null for an ID
// that has no live record.
func HandleCollectionRetrieve(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObjectSince(w, r, collectionsVersion)
		if !ok {
			return
		}
		var req retrieveRequest
		if r.Method == http.MethodPost {
			if req, ok = readRequest(w, r, parseRetrieveRequest); !ok {
				return
			}
		} else {
			q := r.URL.Query()
			if s := strings.TrimSpace(q.Get("ids")); s != "" {
				req.IDs = strings.Split(s, ",")
			}
			if s := strings.TrimSpace(q.Get("fields")); s != "" {
				req.Fields = strings.Split(s, ",")
			}
		}
		switch {
		case len(req.IDs) == 0:
			writeError(w, http.StatusBadRequest, errMissingArgument("ids"))
			return
		case len(req.Fields) == 0:
			writeError(w, http.StatusBadRequest, errMissingArgument("fields"))
			return
		case len(req.IDs) > maxRetrieveIDs:
			writeError(w, http.StatusBadRequest, errTooManyRecords(maxRetrieveIDs))
			return
		}
		ids := make([]string, len(req.IDs))
		for i, raw := range req.IDs {
			id, ok := soql.CanonicalID(strings.TrimSpace(raw))
			if !ok || id[:3] != o.keyPrefix {
				writeError(w, http.StatusBadRequest, errMalformedRecordID(o, raw))
				return
			}
			ids[i] = id
		}
		plan, apiErr := selectFields(schema, o, strings.Join(req.Fields, ","), ids[0])
		if apiErr != nil {
			writeError(w, http.StatusBadRequest, *apiErr)
			return
		}
		env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
		var b bytes.Buffer
		b.WriteByte('[')
		for i, id := range ids {
			if i > 0 {
				b.WriteByte(',')
			}
			v, deleted := env.find(o, id)
			if v == nil || deleted {
				b.WriteString("null")
				continue
			}
			appendRecord(&b, versionBase(r), v, plan)
		}
		b.WriteByte(']')
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}
