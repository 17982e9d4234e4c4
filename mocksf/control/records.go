package control

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// RecordsInsert is the body of POST /__mocksf/orgs/{id}/records/{object}:
// records to insert as given, generated records to add, or both.
type RecordsInsert struct {
	// Records are inserted first, in order, each as field → value.
	Records []Fields `json:"records,omitempty"`
	// Generate is how many deterministic fake records to add after them
	// (at most MaxGenerate), with the values store.GeneratedFields gives
	// the n-th record of the object, n counting the object's records
	// already in the org (deleted ones included), so generated names stay
	// unique however often a test adds more.
	Generate int `json:"generate,omitempty"`
}

// MaxGenerate bounds RecordsInsert.Generate, as store.MaxGenerated
// bounds an org's generated records.
const MaxGenerate = store.MaxGenerated

// Fields is one record as field name → value: a string, number, boolean
// or null. Whole numbers decode as int, as in a seed file.
type Fields map[string]any

// UnmarshalJSON reads a record as the seed does.
func (f *Fields) UnmarshalJSON(b []byte) error {
	rec, err := store.ParseRecordJSON(b)
	if err != nil {
		return errorf(CodeBadRequest, "records: want each record as an object of field → value")
	}
	*f = rec
	return nil
}

// RecordsCreated is the answer to POST
// /__mocksf/orgs/{id}/records/{object}.
type RecordsCreated struct {
	Object  string `json:"object"`
	Created int    `json:"created"`
	// IDs are the first 100 new records' IDs, in creation order.
	IDs []string `json:"ids"`
}

// maxIDs is how many IDs RecordsCreated lists.
const maxIDs = 100

// apiNamePattern is an object or field API name: Lead, Invoice__c.
var apiNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)

// systemFields are the fields mocksf sets on every record; a record given
// to the control API cannot set them.
var systemFields = map[string]bool{
	"id": true, "isdeleted": true, "createddate": true, "createdbyid": true,
	"lastmodifieddate": true, "lastmodifiedbyid": true, "systemmodstamp": true,
}

// HandleInsertRecords is POST /__mocksf/orgs/{id}/records/{object} with a
// RecordsInsert: adds records of the object to the org, created by its
// first user, with CreatedDate and LastModifiedDate at mocksf's clock, so
// a client that pulls changes by LastModifiedDate sees them. The answer,
// 201, is RecordsCreated. An unknown org is 404; a bad object name, a
// system field, or a value that is an object or array is 400, and then
// nothing is inserted.
func HandleInsertRecords(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		object := mux.Vars(r)["object"]
		if !apiNamePattern.MatchString(object) {
			writeError(w, errorf(CodeBadRequest, "object %q: want an API name such as Lead or Invoice__c", object))
			return
		}
		var in RecordsInsert
		if err := decodeJSON(w, r, &in, false); err != nil {
			writeError(w, err)
			return
		}
		if err := in.validate(); err != nil {
			writeError(w, err)
			return
		}
		var creator string
		if users := c.d.Store.Users(o.ID); len(users) > 0 {
			creator = users[0].ID
		}
		out := RecordsCreated{Object: object, IDs: []string{}}
		add := func(tx *store.RecordTx, fields map[string]any) error {
			rec, err := tx.Insert(creator, fields)
			if err != nil {
				return err
			}
			out.Created++
			if len(out.IDs) < maxIDs {
				out.IDs = append(out.IDs, rec.ID)
			}
			return nil
		}
		// One transaction, so that requests adding generated records at
		// the same time cannot number them alike.
		err := c.d.Store.UpdateRecords(o.ID, object, func(tx *store.RecordTx) error {
			// All or nothing: calls that each stay under MaxGenerate
			// would otherwise grow an org without end.
			if want, room := len(in.Records)+in.Generate, tx.Room(); want > room {
				return errorf(CodeConflict, "org %s has room for %d more records (-max-records-per-org); %d asked for, none inserted", o.ID, room, want)
			}
			for _, f := range in.Records {
				if err := add(tx, f); err != nil {
					return err
				}
			}
			first := len(tx.Records())
			for n := first; n < first+in.Generate; n++ {
				if err := add(tx, store.GeneratedFields(object, n)); err != nil {
					return err
				}
			}
			return nil
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			writeError(w, errorf(CodeNotFound, "no org %s", o.ID))
			return
		case err != nil:
			writeError(w, err)
			return
		}
		c.d.Log.Debug("mocksf control: records inserted", "org", o.ID, "object", object, "created", out.Created)
		writeJSON(w, http.StatusCreated, out)
	})
}

func (in RecordsInsert) validate() error {
	bad := func(format string, args ...any) error { return errorf(CodeBadRequest, format, args...) }
	if in.Generate < 0 || in.Generate > MaxGenerate {
		return bad("generate %d: want 0 to %d", in.Generate, MaxGenerate)
	}
	if len(in.Records) == 0 && in.Generate == 0 {
		return bad("nothing to do: give records, generate or both")
	}
	for i, rec := range in.Records {
		for field, v := range rec {
			switch {
			case !apiNamePattern.MatchString(field):
				return bad("records[%d]: field %q: want an API name such as LastName or Amount__c", i, field)
			case systemFields[strings.ToLower(field)]:
				return bad("records[%d].%s: a system field; mocksf sets it", i, field)
			}
			switch v.(type) {
			case nil, string, bool, int, float64:
			default:
				return bad("records[%d].%s: want a string, number, boolean or null", i, field)
			}
		}
	}
	return nil
}
