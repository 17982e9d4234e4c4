package control_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/store"
)

func TestInsertRecords(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	admin, err := s.Store().UserByUsername("admin@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	// Everything happens at one instant of mocksf's clock, after the
	// seed's records were made.
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	if status, body := s.do(t, "POST", "/__mocksf/clock", `{"set": "2030-01-02T03:04:05Z", "freeze": true}`); status != 200 {
		t.Fatalf("POST /__mocksf/clock = %d %s", status, body)
	}

	status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme[:15]+"/records/Lead", `{
		"records": [{"FirstName": "Grace", "LastName": "Hopper", "Company": "Navy", "NumberOfEmployees": 12, "AnnualRevenue": 1.5}],
		"generate": 2
	}`)
	if status != http.StatusCreated {
		t.Fatalf("POST records = %d %s; want 201", status, body)
	}
	got := decode[control.RecordsCreated](t, body)
	if got.Object != "Lead" || got.Created != 3 || len(got.IDs) != 3 {
		t.Fatalf("answer = %+v; want 3 Leads with their IDs", got)
	}
	// The seed generated Leads 0 to 2 and the explicit record is the
	// fourth, so the generated ones are numbered 4 and 5.
	want := []map[string]any{
		{"FirstName": "Grace", "LastName": "Hopper", "Company": "Navy", "NumberOfEmployees": 12, "AnnualRevenue": 1.5},
		store.GeneratedFields("Lead", 4),
		store.GeneratedFields("Lead", 5),
	}
	for i, id := range got.IDs {
		rec, err := s.Store().Record(acme, "Lead", id)
		if err != nil {
			t.Fatalf("ids[%d] %s: %v", i, id, err)
		}
		if fmt.Sprint(rec.Fields) != fmt.Sprint(want[i]) {
			t.Errorf("record %d fields = %v; want %v", i, rec.Fields, want[i])
		}
		if !rec.CreatedDate.Equal(at) || !rec.LastModifiedDate.Equal(at) || rec.CreatedByID != admin.ID {
			t.Errorf("record %d: created %v, modified %v by %s; want %v by the org's first user %s",
				i, rec.CreatedDate, rec.LastModifiedDate, rec.CreatedByID, at, admin.ID)
		}
	}
	if n, ok := s.Store().RecordRef(acme, "Lead", got.IDs[0]); !ok || n.Fields["NumberOfEmployees"] != 12 {
		t.Errorf("NumberOfEmployees = %#v; want the int 12, as a seed file stores it", n.Fields["NumberOfEmployees"])
	}

	// A client pulling changes by LastModifiedDate sees exactly these.
	tok := s.token(t, "sync@acme.test", acmeKey)
	q := "SELECT Id FROM Lead WHERE LastModifiedDate > 2030-01-01T00:00:00Z"
	status, page, _ := s.get(t, "/services/data/v60.0/query?q="+url.QueryEscape(q), tok)
	if status != 200 || !strings.Contains(page, `"totalSize":3`) {
		t.Errorf("query of changed Leads = %d %s; want the 3 new ones", status, page)
	}

	// Generating again goes on numbering, so names stay unique.
	_, body = s.do(t, "POST", "/__mocksf/orgs/"+acme+"/records/Lead", `{"generate": 2}`)
	if again := decode[control.RecordsCreated](t, body); again.Created != 2 {
		t.Fatalf("second generate = %s", body)
	}
	seen := map[string]bool{}
	for _, r := range s.Store().Records(acme, "Lead") {
		if name := fmt.Sprint(r.Fields["LastName"]); seen[name] {
			t.Errorf("two Leads named %s", name)
		} else {
			seen[name] = true
		}
	}
	if len(seen) != 8 {
		t.Errorf("%d Leads; want 8", len(seen))
	}

	// A custom object and an object with no records yet.
	status, body = s.do(t, "POST", "/__mocksf/orgs/"+acme+"/records/Invoice__c", `{"generate": 1}`)
	if status != 201 || fmt.Sprint(s.Store().Records(acme, "Invoice__c")[0].Fields) != fmt.Sprint(store.GeneratedFields("Invoice__c", 0)) {
		t.Errorf("POST records/Invoice__c = %d %s", status, body)
	}
	if org := decode[control.Org](t, mustGet(t, s, "/__mocksf/orgs/"+acme)); org.Records["Lead"] != 8 || org.Records["Invoice__c"] != 1 {
		t.Errorf("org records = %v; want 8 Leads and 1 Invoice__c", org.Records)
	}
}

func TestInsertRecordsListsTheFirstHundredIDs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme+"/records/Contact", `{"generate": 150}`)
	got := decode[control.RecordsCreated](t, body)
	if status != 201 || got.Created != 150 || len(got.IDs) != 100 {
		t.Fatalf("generate 150 = %d, created %d with %d ids; want 201, 150 and 100", status, got.Created, len(got.IDs))
	}
	recs := s.Store().Records(acme, "Contact")
	for i, id := range got.IDs {
		if recs[i].ID != id {
			t.Fatalf("ids[%d] = %s; want %s, the %d-th new record", i, id, recs[i].ID, i+1)
		}
	}
}

func TestInsertRecordsConcurrentGenerateKeepsNamesUnique(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme+"/records/Lead", `{"generate": 50}`); status != 201 {
				t.Errorf("generate = %d %s", status, body)
			}
		}()
	}
	wg.Wait()
	seen := map[any]bool{}
	for _, r := range s.Store().Records(acme, "Lead") {
		seen[r.Fields["Email"]] = true
	}
	if len(seen) != 203 {
		t.Errorf("%d distinct Lead emails; want 203 (3 seeded, 4 × 50 generated)", len(seen))
	}
}

func TestInsertRecordsOrgsAreIsolated(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	_, body := s.do(t, "POST", "/__mocksf/orgs", `{"name": "Globex", "users": [{"username": "hank@globex.test", "password": "pw"}]}`)
	globex := decode[control.Org](t, body)

	status, body := s.do(t, "POST", "/__mocksf/orgs/"+globex.ID+"/records/Lead", `{"generate": 1}`)
	if status != 201 {
		t.Fatalf("POST records = %d %s", status, body)
	}
	// Numbering is the org's own: Globex's first generated Lead is the
	// first one, whatever Acme holds; Acme is untouched.
	recs := s.Store().Records(globex.ID, "Lead")
	if len(recs) != 1 || fmt.Sprint(recs[0].Fields) != fmt.Sprint(store.GeneratedFields("Lead", 0)) || recs[0].CreatedByID != globex.Users[0].ID {
		t.Errorf("Globex's Leads = %+v; want generated Lead 0 created by hank", recs)
	}
	if n := s.Store().RecordCounts(acme)["Lead"]; n != 3 {
		t.Errorf("Acme has %d Leads; want the seed's 3", n)
	}
}

func TestInsertRecordsErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	leads := "/__mocksf/orgs/" + acme + "/records/Lead"
	tests := []struct {
		name, path, body string
		status           int
		code, inMsg      string
	}{
		{"bad JSON", leads, `{"generate": 1,`, 400, "bad_request", "bad JSON"},
		{"empty body", leads, ``, 400, "bad_request", "empty"},
		{"unknown field", leads, `{"generat": 1}`, 400, "bad_request", `unknown field "generat"`},
		{"wrong type", leads, `{"generate": "5"}`, 400, "bad_request", `"generate"`},
		{"nothing to do", leads, `{}`, 400, "bad_request", "nothing to do"},
		{"no records, none generated", leads, `{"records": [], "generate": 0}`, 400, "bad_request", "nothing to do"},
		{"negative count", leads, `{"generate": -1}`, 400, "bad_request", "generate -1"},
		{"too many", leads, `{"generate": 200001}`, 400, "bad_request", "200000"},
		{"a record not an object", leads, `{"records": [1]}`, 400, "bad_request", "field → value"},
		{"a null record", leads, `{"records": [null]}`, 400, "bad_request", "field → value"},
		{"a system field", leads, `{"records": [{"LastName": "A"}, {"LastName": "B", "createdDate": "2020-01-01T00:00:00Z"}]}`, 400, "bad_request", "records[1].createdDate: a system field"},
		{"an Id", leads, `{"records": [{"Id": "00Q000000000001AAA"}]}`, 400, "bad_request", "records[0].Id"},
		{"a bad field name", leads, `{"records": [{"Last Name": "A"}]}`, 400, "bad_request", `field "Last Name"`},
		{"a nested value", leads, `{"records": [{"Address": {"City": "Paris"}}]}`, 400, "bad_request", "records[0].Address: want a string"},
		{"a list value", leads, `{"records": [{"Tags": ["a"]}]}`, 400, "bad_request", "records[0].Tags"},
		{"a bad object name", "/__mocksf/orgs/" + acme + "/records/1Lead", `{"generate": 1}`, 400, "bad_request", `object "1Lead"`},
		{"an object name with a dash", "/__mocksf/orgs/" + acme + "/records/Lead-x", `{"generate": 1}`, 400, "bad_request", "API name"},
		{"unknown org", "/__mocksf/orgs/00D000000000000AAA/records/Lead", `{"generate": 1}`, 404, "not_found", "no org 00D000000000000AAA"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := s.do(t, "POST", tc.path, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.inMsg)
		})
	}
	if counts := s.Store().RecordCounts(acme); counts["Lead"] != 3 || len(counts) != 1 {
		t.Errorf("records after failed inserts = %v; want the seed's 3 Leads only", counts)
	}
	if status, _ := s.do(t, "GET", leads, nil); status != http.StatusMethodNotAllowed {
		t.Errorf("GET %s = %d; want 405", leads, status)
	}
}

func TestInsertRecordsAtMost(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 200,000 records")
	}
	t.Parallel()
	s := newServer(t)
	acme := orgID(t, s.Store(), "Acme")
	status, body := s.do(t, "POST", "/__mocksf/orgs/"+acme+"/records/Account", fmt.Sprintf(`{"generate": %d}`, control.MaxGenerate))
	if got := decode[control.RecordsCreated](t, body); status != 201 || got.Created != control.MaxGenerate {
		t.Errorf("generate %d = %d, created %d; want 201 and all of them", control.MaxGenerate, status, got.Created)
	}
}
