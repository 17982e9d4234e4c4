package rest_test

// Hostile growth through the REST API: creates that would grow an org
// without end.

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
)

// Break 13: an org took records without end. With MaxRecordsPerOrg, a
// create in a full org fails as in a Salesforce org whose data storage
// is full: STORAGE_LIMIT_EXCEEDED "storage limit exceeded", 400 for the
// single-record resource, a per-record error in a collection, and
// nothing stored.
func TestSecurityCreateInAFullOrg(t *testing.T) {
	t.Parallel()
	// coreSeed's Core Corp holds 5 records: room for 1 more.
	f := newServer(t, mocksf.Config{Seed: []byte(coreSeed), MaxRecordsPerOrg: 6})
	c := &coreServer{srv: f.srv, st: f.store, org: f.orgs["Core Corp"].Org, token: f.token(t, "Core Corp", 0)}
	const full = `{"message":"storage limit exceeded","errorCode":"STORAGE_LIMIT_EXCEEDED","fields":[]}`
	steps := []struct {
		name, method, path, body string
		wantStatus               int
		wantBody                 string // contained in the answer
	}{
		{"the last record that fits", "POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Fits","Company":"C"}`, http.StatusCreated, `"success":true`},
		{"one more", "POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Over","Company":"C"}`, http.StatusBadRequest, "[" + full + "]"},
		{"another object", "POST", "/services/data/v67.0/sobjects/Account", `{"Name":"Over"}`, http.StatusBadRequest, "[" + full + "]"},
		{"collection create", "POST", "/services/data/v67.0/composite/sobjects", `{"allOrNone":false,"records":[{"attributes":{"type":"Contact"},"LastName":"Over"}]}`,
			http.StatusOK, `"success":false,"errors":[{"statusCode":"STORAGE_LIMIT_EXCEEDED","message":"storage limit exceeded","fields":[]}]`},
	}
	for _, st := range steps {
		rec := c.do(st.method, st.path, st.body)
		if rec.Code != st.wantStatus || !strings.Contains(rec.Body.String(), st.wantBody) {
			t.Errorf("%s: %d %s; want %d with %s", st.name, rec.Code, rec.Body, st.wantStatus, st.wantBody)
		}
	}
	held := 0
	for _, object := range []string{"Lead", "Account", "Contact"} {
		held += len(f.store.Records(c.org.ID, object))
	}
	if held != 6 {
		t.Errorf("Core Corp holds %d records; want 6, the cap", held)
	}
	// Other orgs have their own room.
	other := &coreServer{srv: f.srv, token: f.token(t, "Other Org", 0)}
	if rec := other.do("POST", "/services/data/v67.0/sobjects/Lead", `{"LastName":"Own","Company":"C"}`); rec.Code != http.StatusCreated {
		t.Errorf("create in another org: %d %s; want 201", rec.Code, rec.Body)
	}
}
