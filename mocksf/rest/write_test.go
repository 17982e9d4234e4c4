package rest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// writeSeed is an org with custom objects and fields, for record writes,
// relationship queries and custom describes.
const writeSeed = `
orgs:
  - name: Writer
    users:
      - {username: w@writer.test, password: Pw-Writer-1, firstName: Wanda, lastName: Writer}
      - {username: o@writer.test, password: Pw-Writer-1, firstName: Otto, lastName: Other}
    customObjects:
      - name: Invoice__c
        label: Invoice
        fields:
          - {name: Amount__c, type: currency}
          - {name: Account__c, label: Account, type: reference, referenceTo: Account}
          - {name: Number__c, label: Invoice Number, type: string, length: 20, externalId: true, unique: true}
          - {name: Paid__c, label: Paid, type: boolean}
          - {name: Due__c, label: Due Date, type: date, helpText: When the invoice must be paid.}
    customFields:
      Lead:
        - {name: External_Id__c, label: External ID, type: string, length: 40, externalId: true}
        - {name: Interests__c, type: multipicklist, values: [Go, Rust, Zig], restricted: true}
        - {name: Tier__c, type: picklist, values: [Gold, Silver], restricted: true, defaultValue: Silver}
        - {name: Score__c, type: int, precision: 3}
    records:
      Account:
        - {Name: Acme, Industry: Technology}
`

// send makes a request with a JSON body (none when empty).
func (f *fixture) send(tb testing.TB, method, path, token, body string) *httptest.ResponseRecorder {
	tb.Helper()
	return serve(f.srv, method, path, token, body, "Content-Type", "application/json")
}

// create posts a record and returns its ID.
func (f *fixture) create(tb testing.TB, token, object, body string) string {
	tb.Helper()
	rec := f.send(tb, "POST", "/services/data/v67.0/sobjects/"+object, token, body)
	wantStatus(tb, rec, http.StatusCreated)
	var res struct {
		ID      string `json:"id"`
		Success bool   `json:"success"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &res)
	if !res.Success || !sfid.Valid(res.ID) {
		tb.Fatalf("create %s: %s", object, rec.Body.String())
	}
	return res.ID
}

func (f *fixture) accountID(tb testing.TB) string {
	tb.Helper()
	return f.store.Records(f.orgs["Writer"].Org.ID, "Account")[0].ID
}

func TestCreateReadUpdateDelete(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	user := f.orgs["Writer"].Users[0].ID
	rec := f.send(t, "POST", "/services/data/v67.0/sobjects/lead", token, `{"attributes":{"type":"Lead"},"lastname":"Hopper","Company":"Navy","AnnualRevenue":"1500000","Interests__c":"Zig;Go;Go","DoNotCall":true}`)
	wantStatus(t, rec, http.StatusCreated)
	var created map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &created)
	id, _ := created["id"].(string)
	if !strings.HasPrefix(rec.Body.String(), `{"id":"00Q`) || !strings.HasSuffix(rec.Body.String(), `","success":true,"errors":[]}`) || !sfid.Valid(id) {
		t.Fatalf("create body = %s; want {\"id\":\"00Q...\",\"success\":true,\"errors\":[]}", rec.Body.String())
	}

	path := "/services/data/v67.0/sobjects/Lead/" + id
	get := func() map[string]any {
		rec := f.get(t, path+"?fields=Id,Name,Status,Tier__c,AnnualRevenue,Interests__c,OwnerId,CreatedById,LastModifiedById,CreatedDate,DoNotCall,IsDeleted", token)
		wantStatus(t, rec, 200)
		return decode[map[string]any](t, rec)
	}
	got := get()
	for k, want := range map[string]any{
		"Name": "Hopper", "Status": "Open - Not Contacted", "Tier__c": "Silver", "AnnualRevenue": 1500000.0,
		"Interests__c": "Zig;Go", "OwnerId": user, "CreatedById": user, "LastModifiedById": user,
		"CreatedDate": "2026-03-10T15:00:00.000+0000", "DoNotCall": true, "IsDeleted": false,
	} {
		if got[k] != want {
			t.Errorf("%s = %v; want %v", k, got[k], want)
		}
	}

	other := f.token(t, "Writer", 1)
	f.clock.Advance(90_000_000_000) // 90 s
	rec = f.send(t, "PATCH", path, other, `{"FirstName":"Grace","AnnualRevenue":null,"Id":"`+id[:15]+`"}`)
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("PATCH: %d %s; want 204 and no body", rec.Code, rec.Body.String())
	}
	got = get()
	if got["Name"] != "Grace Hopper" || got["AnnualRevenue"] != nil || got["LastModifiedById"] != f.orgs["Writer"].Users[1].ID {
		t.Errorf("after PATCH: Name %v, AnnualRevenue %v, LastModifiedById %v", got["Name"], got["AnnualRevenue"], got["LastModifiedById"])
	}
	q := decode[queryPage](t, f.query(t, "query", "SELECT Id FROM Lead WHERE LastModifiedDate > 2026-03-10T15:00:00Z AND SystemModstamp = TODAY", token))
	if q.TotalSize != 1 {
		t.Errorf("records modified after create: %d; want 1", q.TotalSize)
	}

	rec = f.send(t, "DELETE", path, token, "")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s; want 204", rec.Code, rec.Body.String())
	}
	wantBody(t, f.get(t, path, token), 404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted"}]`)
	wantBody(t, f.send(t, "PATCH", path, token, `{"FirstName":"Ada"}`), 404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]`)
	wantBody(t, f.send(t, "DELETE", path, token, ""), 404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted","fields":[]}]`)
	q = decode[queryPage](t, f.query(t, "queryAll", "SELECT Id FROM Lead WHERE IsDeleted = true", token))
	if q.TotalSize != 1 {
		t.Errorf("queryAll deleted Leads: %d; want 1", q.TotalSize)
	}
}

// TestWriteErrors checks the DML error bodies of failed writes against
// golden files under testdata/errors.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	account := f.accountID(t)
	lead := f.create(t, token, "Lead", `{"LastName":"Lovelace","Company":"Engines"}`)
	f.create(t, token, "Invoice__c", `{"Number__c":"INV-1"}`)
	base := "/services/data/v67.0/sobjects/"
	missingLead := sfid.New("00Q", 999999)
	tests := []struct {
		name         string
		method, path string
		body         string
		status       int
	}{
		{"required_field_missing", "POST", "Lead", `{"FirstName":"Ada"}`, 400},
		{"required_field_missing_opportunity", "POST", "Opportunity", `{"Amount":5}`, 400},
		{"string_too_long", "POST", "Lead", `{"LastName":"` + strings.Repeat("x", 81) + `","Company":"C"}`, 400},
		{"invalid_field", "POST", "Lead", `{"LastName":"L","Company":"C","Bogus__c":1}`, 400},
		{"not_createable", "POST", "Lead", `{"LastName":"L","Company":"C","Name":"X","IsDeleted":true}`, 400},
		{"id_on_create", "POST", "Account", `{"Id":"` + account + `","Name":"A"}`, 400},
		{"invalid_type_number", "POST", "Lead", `{"LastName":"L","Company":"C","AnnualRevenue":"lots"}`, 400},
		{"invalid_type_boolean", "POST", "Lead", `{"LastName":"L","Company":"C","DoNotCall":"maybe"}`, 400},
		{"invalid_type_date", "POST", "Opportunity", `{"Name":"O","StageName":"Prospecting","CloseDate":"next week"}`, 400},
		{"invalid_type_text", "POST", "Lead", `{"LastName":{"first":"x"},"Company":"C"}`, 400},
		{"several_errors", "POST", "Lead", `{"LastName":"L","Company":"C","AnnualRevenue":true,"Email":"not-an-email"}`, 400},
		{"malformed_reference", "POST", "Contact", `{"LastName":"L","AccountId":"12345"}`, 400},
		{"reference_to_wrong_object", "POST", "Contact", `{"LastName":"L","AccountId":"` + lead + `"}`, 400},
		{"reference_to_missing_record", "POST", "Contact", `{"LastName":"L","AccountId":"` + sfid.New("001", 999999) + `"}`, 400},
		{"restricted_picklist", "POST", "Lead", `{"LastName":"L","Company":"C","Tier__c":"Bronze"}`, 400},
		{"restricted_multipicklist", "POST", "Lead", `{"LastName":"L","Company":"C","Interests__c":"Go;Cobol"}`, 400},
		{"number_outside_valid_range", "POST", "Lead", `{"LastName":"L","Company":"C","Score__c":1000}`, 400},
		{"duplicate_value", "POST", "Invoice__c", `{"Number__c":"inv-1"}`, 400},
		{"json_parser_error", "POST", "Lead", `{"LastName": }`, 400},
		{"json_not_an_object", "POST", "Lead", `[{"LastName":"L"}]`, 400},
		{"json_truncated", "POST", "Lead", `{"LastName":"L"`, 400},
		{"empty_body", "POST", "Lead", ``, 400},
		{"unknown_object", "POST", "Widget__c", `{"Name":"W"}`, 404},
		{"user_is_read_only", "POST", "User", `{"LastName":"L"}`, 400},
		{"required_cleared_on_update", "PATCH", "Lead/" + lead, `{"Company":null}`, 400},
		{"not_updateable", "PATCH", "Lead/" + lead, `{"IsConverted":true}`, 400},
		{"malformed_id", "PATCH", "Lead/not-an-id", `{"FirstName":"A"}`, 400},
		{"id_of_another_object", "DELETE", "Lead/" + account, ``, 400},
		{"not_found", "PATCH", "Lead/" + missingLead, `{"FirstName":"A"}`, 404},
		{"not_found_delete", "DELETE", "Lead/" + missingLead, ``, 404},
		{"method_not_allowed", "PUT", "Lead/" + lead, `{}`, 405},
		{"upsert_not_external_id", "PATCH", "Lead/Company/Engines", `{"FirstName":"A"}`, 404},
		{"upsert_update_only", "PATCH", "Lead/External_Id__c/nope?updateOnly=true", `{"LastName":"L","Company":"C"}`, 404},
		{"upsert_required_missing", "PATCH", "Lead/External_Id__c/X-9", `{"FirstName":"A"}`, 400},
		{"unknown_resource", "GET", "Lead/describe/nothing", ``, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.send(t, tt.method, base+tt.path, token, tt.body)
			wantStatus(t, rec, tt.status)
			checkGolden(t, "errors/"+tt.name+".json", rec.Body.Bytes())
		})
	}
	// None of the failures wrote anything.
	if n := decode[queryPage](t, f.query(t, "queryAll", "SELECT COUNT() FROM Lead", token)).TotalSize; n != 1 {
		t.Errorf("%d Leads after the failed writes; want 1", n)
	}
}

func TestUpsert(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	path := "/services/data/v67.0/sobjects/Lead/External_Id__c/X-1"
	rec := f.send(t, "PATCH", path, token, `{"LastName":"Turing","Company":"Bletchley"}`)
	wantStatus(t, rec, http.StatusCreated)
	var res struct {
		ID      string `json:"id"`
		Created bool   `json:"created"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &res)
	wantBody(t, rec, http.StatusCreated, `{"id":"`+res.ID+`","success":true,"errors":[],"created":true}`)

	wantBody(t, f.send(t, "PATCH", path, token, `{"FirstName":"Alan"}`), 200, `{"id":"`+res.ID+`","success":true,"errors":[],"created":false}`)
	if rec := f.send(t, "PATCH", strings.Replace(path, "v67.0", "v45.0", 1), token, `{"Title":"Dr"}`); rec.Code != http.StatusNoContent {
		t.Errorf("upsert update at v45.0: %d; want 204", rec.Code)
	}
	rec = f.get(t, strings.ToLower(path), token)
	got := decodeStatus[map[string]any](t, rec, 200)
	if got["Id"] != res.ID || got["Name"] != "Alan Turing" || got["Title"] != "Dr" || got["External_Id__c"] != "X-1" {
		t.Errorf("GET by external ID = %v", got)
	}
	// Upsert by Id updates the record itself.
	wantBody(t, f.send(t, "PATCH", "/services/data/v67.0/sobjects/Lead/Id/"+res.ID, token, `{"Title":"Prof"}`), 200,
		`{"id":"`+res.ID+`","success":true,"errors":[],"created":false}`)

	// Two records with the value: 300 and their URLs.
	second := f.create(t, token, "Lead", `{"LastName":"Twin","Company":"C","External_Id__c":"x-1"}`)
	want := `["/services/data/v67.0/sobjects/Lead/` + res.ID + `","/services/data/v67.0/sobjects/Lead/` + second + `"]`
	wantBody(t, f.send(t, "PATCH", path, token, `{"Title":"Sir"}`), http.StatusMultipleChoices, want)
	wantBody(t, f.get(t, path, token), http.StatusMultipleChoices, want)

	if rec := f.send(t, "DELETE", "/services/data/v67.0/sobjects/Lead/Id/"+second, token, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE by Id: %d %s", rec.Code, rec.Body.String())
	}
	if rec := f.send(t, "DELETE", path, token, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("DELETE by external ID: %d %s", rec.Code, rec.Body.String())
	}
	wantBody(t, f.get(t, path, token), 404, bodyNotFound)
}

func TestRelationshipQuery(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	account := f.accountID(t)
	f.create(t, token, "Contact", `{"LastName":"Hopper","FirstName":"Grace","AccountId":"`+account[:15]+`"}`)
	contact := f.create(t, token, "Contact", `{"LastName":"Orphan"}`)
	f.create(t, token, "Task", `{"Subject":"Call","WhoId":"`+contact+`","WhatId":"`+account+`"}`)
	f.create(t, token, "Invoice__c", `{"Number__c":"INV-7","Amount__c":12.5,"Account__c":"`+account+`","Due__c":"2026-04-01"}`)

	for _, tt := range []struct{ golden, soql string }{
		{"query_contacts_with_account.json", "SELECT Name, Account.Name, Account.Owner.Name, CreatedBy.Username, Account.Industry FROM Contact ORDER BY Account.Name NULLS LAST"},
		{"query_task_who_what.json", "SELECT Subject, Who.Name, Who.Type, What.Name, Owner.Alias FROM Task"},
		{"query_invoices.json", "SELECT Id, Name, Number__c, Amount__c, Paid__c, Due__c, Account__r.Name FROM Invoice__c WHERE Account__r.Industry = 'Technology'"},
	} {
		rec := f.query(t, "query", tt.soql, token)
		wantStatus(t, rec, 200)
		checkGolden(t, tt.golden, rec.Body.Bytes())
	}
	for soql, want := range map[string]int{
		"SELECT Id FROM Contact WHERE Account.Name = 'acme'":                      1,
		"SELECT Id FROM Contact WHERE Account.Name = null":                        1,
		"SELECT Id FROM Contact WHERE Account.Owner.Name = 'Wanda Writer'":        1,
		"SELECT Id FROM Task WHERE Who.Type = 'Contact' AND What.Name LIKE 'Ac%'": 1,
		"SELECT Id FROM Lead WHERE Interests__c INCLUDES ('Go')":                  0,
	} {
		rec := f.query(t, "query", soql, token)
		wantStatus(t, rec, 200)
		if got := decode[queryPage](t, rec).TotalSize; got != want {
			t.Errorf("%s: totalSize %d; want %d", soql, got, want)
		}
	}
}

func TestCustomObjectDescribe(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	rec := f.get(t, "/services/data/v67.0/sobjects/invoice__c/describe", token)
	wantStatus(t, rec, 200)
	checkGolden(t, "describe_invoice.json", rec.Body.Bytes())

	var global struct {
		SObjects []struct {
			Name      string `json:"name"`
			KeyPrefix string `json:"keyPrefix"`
			Custom    bool   `json:"custom"`
		} `json:"sobjects"`
	}
	_ = json.Unmarshal(f.get(t, "/services/data/v67.0/sobjects", token).Body.Bytes(), &global)
	found := false
	for _, o := range global.SObjects {
		if o.Name == "Invoice__c" {
			found = o.KeyPrefix == "a00" && o.Custom
		}
	}
	if !found {
		t.Errorf("global describe lacks Invoice__c (a00, custom)")
	}
	// Another org does not have it.
	g := newFixture(t)
	wantBody(t, g.get(t, "/services/data/v67.0/sobjects/Invoice__c/describe", g.token(t, "Acme", 0)), 404, bodyNotFound)

	// The Lead describe lists the custom fields with their attributes.
	var lead struct {
		Fields []map[string]any `json:"fields"`
	}
	_ = json.Unmarshal(f.get(t, "/services/data/v67.0/sobjects/Lead/describe", token).Body.Bytes(), &lead)
	attrs := map[string]string{}
	for _, fl := range lead.Fields {
		if strings.HasSuffix(fl["name"].(string), "__c") {
			attrs[fl["name"].(string)] = fmt.Sprintf("%v %v custom=%v external=%v restricted=%v", fl["type"], fl["length"], fl["custom"], fl["externalId"], fl["restrictedPicklist"])
		}
	}
	want := map[string]string{
		"External_Id__c": "string 40 custom=true external=true restricted=false",
		"Interests__c":   "multipicklist 4099 custom=true external=false restricted=true",
		"Tier__c":        "picklist 255 custom=true external=false restricted=true",
		"Score__c":       "int 0 custom=true external=false restricted=false",
	}
	if fmt.Sprint(attrs) != fmt.Sprint(want) {
		t.Errorf("Lead custom fields = %v; want %v", attrs, want)
	}
}

func TestUserRecord(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	user := f.orgs["Writer"].Users[0].ID
	rec := f.get(t, "/services/data/v67.0/sobjects/User/"+user, token)
	wantStatus(t, rec, 200)
	checkGolden(t, "user.json", rec.Body.Bytes())
	// A user of another org is not found.
	g := newFixture(t)
	wantBody(t, g.get(t, "/services/data/v67.0/sobjects/User/"+g.orgs["Acme"].Users[0].ID, g.token(t, "Initech", 0)), 404, bodyNotFound)
}
