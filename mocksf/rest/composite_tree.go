package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
)

// treeNode is one record of an SObject Tree, flattened in the order it is
// created: parents before their children.
type treeNode struct {
	o      *sobject
	ref    string
	body   recordBody
	values map[string]any
	parent int    // index of the parent node, -1 at the root
	lookup string // the child's field that points at the parent
	id     string
}

type treeResult struct {
	ReferenceID string            `json:"referenceId"`
	ID          string            `json:"id,omitempty"`
	Errors      []collectionError `json:"errors,omitempty"`
}

type treeAnswer struct {
	HasErrors bool         `json:"hasErrors"`
	Results   []treeResult `json:"results"`
}

// treeFailure answers a tree whose record ref failed; nothing is stored.
func treeFailure(w http.ResponseWriter, ref string, es ...apiError) {
	writeJSON(w, http.StatusBadRequest, treeAnswer{HasErrors: true, Results: []treeResult{{ReferenceID: ref, Errors: toCollectionErrors(es)}}})
}

// treeRequest is a Composite Tree body.
type treeRequest struct {
	Records []json.RawMessage `json:"records"`
}

// HandleTree answers POST /services/data/vXX.X/composite/tree/{object}
// (API 33.0 and later): records of the object with their children nested
// under child relationship names ({"Contacts":{"records":[...]}}), up to
// 200 records and 5 levels, each with attributes.type and a unique
// attributes.referenceId. All are created or none: 201
// {"hasErrors":false,"results":[{"referenceId","id"}]}, or 400
// {"hasErrors":true,"results":[{"referenceId","errors"}]}.
func HandleTree(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObjectSince(w, r, treeVersion)
		if !ok {
			return
		}
		req, ok := readRequest(w, r, strictJSON[treeRequest])
		if !ok {
			return
		}
		if len(req.Records) == 0 {
			writeError(w, http.StatusBadRequest, errMissingArgument("records"))
			return
		}
		var nodes []*treeNode
		refs := map[string]bool{}
		if e := flattenTree(schema, o, req.Records, -1, "", 1, &nodes, refs); e != nil {
			if e.ref != "" || e.apiErr.dml {
				treeFailure(w, e.ref, e.apiErr)
			} else {
				writeError(w, http.StatusBadRequest, e.apiErr)
			}
			return
		}
		for _, n := range nodes {
			values, errs := checkWrite(api, at.OrgID, schema, n.o, n.body, true, "")
			if errs != nil {
				treeFailure(w, n.ref, errs...)
				return
			}
			n.values = values
		}
		var failedRef string
		err := api.Store.UpdateOrgRecords(journalFrom(r.Context()), at.OrgID, func(tx *store.OrgTx) error {
			for _, n := range nodes {
				failedRef = n.ref
				if n.parent >= 0 {
					n.values[n.lookup] = nodes[n.parent].id
				}
				rt := tx.Object(n.o.name)
				if err := checkUnique(rt, n.o, n.values, ""); err != nil {
					return err
				}
				rec, err := rt.Insert(at.UserID, n.values)
				if err != nil {
					return err
				}
				n.id = rec.ID
			}
			return nil
		})
		if err != nil {
			treeFailure(w, failedRef, txErrors(err)...)
			return
		}
		out := treeAnswer{Results: make([]treeResult, len(nodes))}
		for i, n := range nodes {
			out.Results[i] = treeResult{ReferenceID: n.ref, ID: n.id}
		}
		writeJSON(w, http.StatusCreated, out)
	})
}

// treeError is a tree that cannot be read, with the record at fault when
// known.
type treeError struct {
	ref    string
	apiErr apiError
}

// flattenTree reads a level of records of o; children go after their
// parent, depth first.
func flattenTree(schema *orgSchema, o *sobject, raws []json.RawMessage, parent int, lookup string, depth int, nodes *[]*treeNode, refs map[string]bool) *treeError {
	if depth > maxTreeDepth {
		return &treeError{apiErr: errInvalidInput(fmt.Sprintf("mocksf: an SObject Tree can be at most %d levels deep", maxTreeDepth))}
	}
	for _, raw := range raws {
		if len(*nodes) >= maxTreeRecords {
			return &treeError{apiErr: errTooManyRecords(maxTreeRecords)}
		}
		body, errs := parseRecordBody(raw, o)
		if errs != nil {
			return &treeError{apiErr: errs[0]}
		}
		var ref, typ string
		if attrs, ok := body.values["attributes"].(map[string]any); ok {
			ref, _ = attrs["referenceId"].(string)
			typ, _ = attrs["type"].(string)
		}
		switch {
		case ref == "":
			return &treeError{apiErr: errInvalidInput("Include a reference ID for each record in the request.")}
		case refs[ref]:
			return &treeError{ref: ref, apiErr: dmlError("INVALID_INPUT", "Duplicate ReferenceId provided in the request.")}
		case !strings.EqualFold(typ, o.name):
			return &treeError{ref: ref, apiErr: errUnsupportedType(typ)}
		case o.readOnly:
			return &treeError{ref: ref, apiErr: dmlOf(errReadOnlyObject(o))}
		}
		refs[ref] = true
		// Child relationships are not fields: take them out of the body.
		type childLevel struct {
			o       *sobject
			lookup  string
			records []json.RawMessage
		}
		var children []childLevel
		keep := body.keys[:0:0]
		for _, k := range body.keys {
			cr, isChild := childRelationshipOf(o, k)
			if !isChild {
				keep = append(keep, k)
				continue
			}
			co, ok := schema.object(cr.childSObject)
			if !ok {
				keep = append(keep, k)
				continue
			}
			m, _ := body.values[k].(map[string]any)
			enc, _ := json.Marshal(m["records"])
			var recs []json.RawMessage
			if err := json.Unmarshal(enc, &recs); err != nil || m == nil {
				return &treeError{ref: ref, apiErr: errInvalidInput(fmt.Sprintf("mocksf: %s must be {\"records\":[...]}", k))}
			}
			children = append(children, childLevel{o: co, lookup: cr.field, records: recs})
		}
		body.keys = keep
		*nodes = append(*nodes, &treeNode{o: o, ref: ref, body: body, parent: parent, lookup: lookup})
		self := len(*nodes) - 1
		for _, c := range children {
			if e := flattenTree(schema, c.o, c.records, self, c.lookup, depth+1, nodes, refs); e != nil {
				return e
			}
		}
	}
	return nil
}

// childRelationshipOf finds a child relationship of o by name, ignoring
// case.
func childRelationshipOf(o *sobject, name string) (childRelationship, bool) {
	for _, c := range o.children {
		if strings.EqualFold(c.relationshipName, name) {
			return c, true
		}
	}
	return childRelationship{}, false
}
