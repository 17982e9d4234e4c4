package rest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// renderSeed is an org of 250 generated Leads: more than a page of 200.
const renderSeed = `
orgs:
  - name: Render
    users:
      - {username: r@render.test, password: Pw-Render-1}
    records:
      generate: {Lead: 250}
`

// renderQuery selects fields of the Lead alone, whose JSON is kept with
// the record's version.
const renderQuery = "SELECT Id, FirstName, LastName, Company, Status, LastModifiedDate FROM Lead"

// pageRecords decodes a query page's records by ID, as the bytes sent.
func pageRecords(t *testing.T, rec *httptest.ResponseRecorder) (map[string]json.RawMessage, []string) {
	t.Helper()
	page := decodeStatus[queryPage](t, rec, http.StatusOK)
	byID := map[string]json.RawMessage{}
	var ids []string
	for _, r := range page.Records {
		var head struct{ Id string }
		if err := json.Unmarshal(r, &head); err != nil {
			t.Fatal(err)
		}
		byID[head.Id] = r
		ids = append(ids, head.Id)
	}
	return byID, ids
}

// wantCode fails the test unless the answer has the status, whatever
// its body.
func wantCode(t *testing.T, rec *httptest.ResponseRecorder, status int) {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d; want %d; body %s", rec.Code, status, rec.Body.String())
	}
}

// control sends a control API request as a local client would.
func (f *fixture) control(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

// A query keeps each record's JSON with its version; a write through any
// of mocksf's write paths makes a new version, which the next query
// renders afresh, exactly as a record read renders it.
func TestRenderedRecordsFollowWrites(t *testing.T) {
	t.Parallel()
	const v = "/services/data/v67.0"
	patch := func(company string) func(t *testing.T, f *fixture, token, id string) {
		return func(t *testing.T, f *fixture, token, id string) {
			wantCode(t, f.send(t, "PATCH", v+"/sobjects/Lead/"+id, token, `{"Company":"`+company+`"}`), http.StatusNoContent)
		}
	}
	bulk := func(operation, csv string) func(t *testing.T, f *fixture, token, id string) {
		return func(t *testing.T, f *fixture, token, id string) {
			job := f.send(t, "POST", v+"/jobs/ingest", token, `{"object":"Lead","operation":"`+operation+`"}`)
			wantStatus(t, job, http.StatusOK)
			jobID := decode[bulkInfo](t, job).ID
			if rec := f.send(t, "PUT", v+"/jobs/ingest/"+jobID+"/batches", token, fmt.Sprintf(csv, id)); rec.Code != http.StatusCreated {
				t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
			}
			wantStatus(t, f.send(t, "PATCH", v+"/jobs/ingest/"+jobID, token, `{"state":"UploadComplete"}`), http.StatusOK)
			if info := decode[bulkInfo](t, f.send(t, "GET", v+"/jobs/ingest/"+jobID, token, "")); info.State != "JobComplete" || info.NumberRecordsFailed != 0 {
				t.Fatalf("bulk job: %+v", info)
			}
		}
	}
	for _, tc := range []struct {
		name  string
		write func(t *testing.T, f *fixture, token, id string)
		// company is the record's Company after the write; "" when it is
		// deleted, "=" when it is as before.
		company string
	}{
		{"REST update", patch("REST"), "REST"},
		{"REST delete", func(t *testing.T, f *fixture, token, id string) {
			wantCode(t, f.send(t, "DELETE", v+"/sobjects/Lead/"+id, token, ""), http.StatusNoContent)
		}, ""},
		{"composite", func(t *testing.T, f *fixture, token, id string) {
			wantStatus(t, f.send(t, "POST", v+"/composite", token, `{"compositeRequest":[
				{"method":"PATCH","url":"`+v+`/sobjects/Lead/`+id+`","referenceId":"u","body":{"Company":"Composite"}}]}`), http.StatusOK)
		}, "Composite"},
		{"composite batch", func(t *testing.T, f *fixture, token, id string) {
			wantStatus(t, f.send(t, "POST", v+"/composite/batch", token, `{"batchRequests":[
				{"method":"PATCH","url":"v67.0/sobjects/Lead/`+id+`","richInput":{"Company":"Batch"}}]}`), http.StatusOK)
		}, "Batch"},
		{"collections update", func(t *testing.T, f *fixture, token, id string) {
			wantStatus(t, f.send(t, "PATCH", v+"/composite/sobjects", token, `{"allOrNone":false,"records":[
				{"id":"`+id+`","attributes":{"type":"Lead"},"Company":"Collections"}]}`), http.StatusOK)
		}, "Collections"},
		{"collections delete", func(t *testing.T, f *fixture, token, id string) {
			wantStatus(t, f.send(t, "DELETE", v+"/composite/sobjects?ids="+id, token, ""), http.StatusOK)
		}, ""},
		{"collections rolled back", func(t *testing.T, f *fixture, token, id string) {
			// The update is undone when the second record fails: the
			// version before it comes back, with what was kept of it.
			wantStatus(t, f.send(t, "PATCH", v+"/composite/sobjects", token, `{"allOrNone":true,"records":[
				{"id":"`+id+`","attributes":{"type":"Lead"},"Company":"Undone"},
				{"attributes":{"type":"Lead"},"Company":"No Id"}]}`), http.StatusOK)
		}, "="},
		{"bulk update", bulk("update", "Id,Company\n%s,Bulk\n"), "Bulk"},
		{"bulk delete", bulk("delete", "Id\n%s\n"), ""},
		{"control API insert", func(t *testing.T, f *fixture, token, id string) {
			wantCode(t, f.control(t, "POST", "/__mocksf/orgs/"+f.orgs["Render"].Org.ID+"/records/Lead",
				`{"records":[{"LastName":"Inserted","Company":"Control"}]}`), http.StatusCreated)
		}, "="},
		{"seed, by reset", func(t *testing.T, f *fixture, token, id string) {
			patch("Before Reset")(t, f, token, id)
			wantCode(t, f.control(t, "POST", "/__mocksf/reset", ""), http.StatusOK)
		}, "="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureFromSeed(t, renderSeed)
			token := f.token(t, "Render", 0)
			orgID := f.orgs["Render"].Org.ID
			first := f.query(t, "query", renderQuery, token)
			before, ids := pageRecords(t, first)
			id := ids[len(ids)/2]
			if ref, ok := f.store.RecordRef(orgID, "Lead", id); !ok || ref.Memo().Load() == nil {
				t.Fatalf("the query kept no JSON with Lead %s", id)
			}
			if again := f.query(t, "query", renderQuery, token); !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) {
				t.Fatalf("the page read again differs:\n%.300s\nfirst:\n%.300s", again.Body.String(), first.Body.String())
			}

			tc.write(t, f, token, id)
			// A reset makes the seed's users anew, without their tokens.
			for _, o := range f.store.Orgs() {
				f.orgs[o.Name] = store.OrgResult{Org: o, Users: f.store.Users(o.ID)}
			}
			token = f.token(t, "Render", 0)
			after, _ := pageRecords(t, f.query(t, "query", renderQuery, token))
			got, listed := after[id]
			switch {
			case tc.company == "":
				if listed {
					t.Fatalf("deleted Lead %s still listed: %s", id, got)
				}
				return
			case !listed:
				t.Fatalf("Lead %s not listed after the write", id)
			case tc.company == "=":
				if !bytes.Equal(got, before[id]) {
					t.Errorf("got %s; want it as before, %s", got, before[id])
				}
			default:
				var r struct{ Company string }
				if err := json.Unmarshal(got, &r); err != nil || r.Company != tc.company {
					t.Errorf("got %s; want Company %q", got, tc.company)
				}
			}
			// The record read renders it anew with the same fields.
			read := f.get(t, v+"/sobjects/Lead/"+id+"?fields=Id,FirstName,LastName,Company,Status,LastModifiedDate", token)
			wantStatus(t, read, http.StatusOK)
			if !bytes.Equal(read.Body.Bytes(), got) {
				t.Errorf("the query's record\n%s\nis not the record read\n%s", got, read.Body.String())
			}
		})
	}
}

// A kept result's later pages show the records as they were when the
// query ran, after writes too: what is kept belongs to each version.
func TestRenderedRecordsOfKeptPages(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, renderSeed)
	token := f.token(t, "Render", 0)
	batch := []string{"Sforce-Query-Options", "batchSize=200"}
	first := f.query(t, "query", renderQuery, token, batch...)
	next := decode[queryPage](t, first).NextRecordsURL
	if next == nil {
		t.Fatal("no second page")
	}
	page2 := f.get(t, *next, token)
	before, ids := pageRecords(t, page2)
	id := ids[0]
	wantCode(t, f.send(t, "PATCH", "/services/data/v67.0/sobjects/Lead/"+id, token, `{"Company":"Changed"}`), http.StatusNoContent)

	if again := f.get(t, *next, token); !bytes.Equal(again.Body.Bytes(), page2.Body.Bytes()) {
		t.Errorf("the kept page changed after a write:\n%.400s\nwant\n%.400s", again.Body.String(), page2.Body.String())
	}
	rec := f.query(t, "query", renderQuery, token, batch...)
	rec = f.get(t, *decode[queryPage](t, rec).NextRecordsURL, token)
	after, _ := pageRecords(t, rec)
	if bytes.Equal(after[id], before[id]) || !strings.Contains(string(after[id]), `"Company":"Changed"`) {
		t.Errorf("a new query's page shows %s; want Company Changed", after[id])
	}
	// A queryMore under another version renders with that version's URLs.
	other := f.get(t, strings.Replace(*next, "v67.0", "v62.0", 1), token)
	if o, _ := pageRecords(t, other); !strings.Contains(string(o[id]), `"/services/data/v62.0/sobjects/Lead/`) {
		t.Errorf("page under v62.0: %s", o[id])
	}
}
