package rest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// initechLeads returns Initech's Leads in creation order: Ada Lovelace,
// Grace Hopper's namesake and Alan Turing.
func (f *fixture) initechLeads(t *testing.T) []string {
	t.Helper()
	recs := f.store.Records(f.orgs["Initech"].Org.ID, "Lead")
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.ID)
	}
	if len(ids) != 3 {
		t.Fatalf("Initech has %d Leads; want 3", len(ids))
	}
	return ids
}

func TestRecordAllFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.initechLeads(t)
	owner := f.orgs["Initech"].Users[0].ID
	rec := f.get(t, "/services/data/v67.0/sobjects/Lead/"+ids[0], f.token(t, "Initech", 0))
	wantStatus(t, rec, 200)
	body := rec.Body.String()
	wantStart := `{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[0] + `"},"Id":"` + ids[0] + `","IsDeleted":false,"LastName":"Lovelace","FirstName":"Ada","Salutation":null,`
	if !strings.HasPrefix(body, wantStart) {
		t.Errorf("body starts\n%.250s\nwant\n%s", body, wantStart)
	}
	var got map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"Name": "Ada Lovelace", "Company": "Analytical Engines", "Email": "ada@example.com",
		"Status": "Open - Not Contacted", "Industry": "Technology", "City": "London",
		"AnnualRevenue": 1e6, "NumberOfEmployees": 12.0, "DoNotCall": true, "IsConverted": false,
		"Phone": nil, "Description": nil, "ConvertedDate": nil, "OwnerId": owner,
		"CreatedDate": "2026-03-10T15:00:00.000+0000", "LastModifiedDate": "2026-03-10T15:00:00.000+0000",
		"SystemModstamp": "2026-03-10T15:00:00.000+0000", "CreatedById": owner, "LastModifiedById": owner,
	}
	for k, w := range want {
		v, ok := got[k]
		if !ok {
			t.Errorf("record lacks %s", k)
			continue
		}
		if v != w {
			t.Errorf("%s = %#v; want %#v", k, v, w)
		}
	}
	if len(got) != 44 {
		t.Errorf("record has %d keys; want attributes and the 43 Lead fields", len(got))
	}
	if strings.Contains(body, `"NumberOfEmployees":12.0`) || !strings.Contains(body, `"NumberOfEmployees":12,`) {
		t.Errorf("NumberOfEmployees not written as an integer in %s", body)
	}
}

func TestRecordValues(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.initechLeads(t)
	rec := f.get(t, "/services/data/v67.0/sobjects/Lead/"+ids[1]+"?fields=ConvertedDate,Street,Status,Name", f.token(t, "Initech", 0))
	want := `{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[1] + `"},"ConvertedDate":"2026-03-01","Street":"1 Main St\nSuite 2","Status":"Working - Contacted","Name":"Hopper"}`
	wantBody(t, rec, 200, want)
}

func TestRecordFieldsParameter(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.initechLeads(t)
	token := f.token(t, "Initech", 0)
	url := "/services/data/v60.0/sobjects/Lead/" + ids[2]
	tests := []struct {
		name   string
		query  string
		status int
		body   string
	}{
		{
			"schema spelling in the order asked", "?fields=email,LASTNAME,Id", 200,
			`{"attributes":{"type":"Lead","url":"/services/data/v60.0/sobjects/Lead/` + ids[2] + `"},"Email":"alan@example.org","LastName":"Turing","Id":"` + ids[2] + `"}`,
		},
		{
			"spaces and a null", "?fields=City,%20Phone", 200,
			`{"attributes":{"type":"Lead","url":"/services/data/v60.0/sobjects/Lead/` + ids[2] + `"},"City":"Bletchley","Phone":null}`,
		},
		{
			"unknown field", "?fields=Id,Bogus", 400,
			`[{"message":"\nSELECT Id,Bogus FROM Lead WHERE Id\n          ^\nERROR at Row:1:Column:11\nNo such column 'Bogus' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.","errorCode":"INVALID_FIELD"}]`,
		},
		{
			"not a name", "?fields=Id,'x'", 400,
			`[{"message":"mocksf: invalid field name in fields: \"'x'\"","errorCode":"MALFORMED_QUERY"}]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantBody(t, f.get(t, url+tt.query, token), tt.status, tt.body)
		})
	}
}

func TestRecordLookupFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.initechLeads(t)
	token := f.token(t, "Initech", 0)
	if err := f.store.DeleteRecord(f.orgs["Initech"].Org.ID, "Lead", ids[2]); err != nil {
		t.Fatal(err)
	}
	contact := f.store.Records(f.orgs["Initech"].Org.ID, "Contact")[0].ID
	acmeLead := f.store.Records(f.orgs["Acme"].Org.ID, "Lead")[0].ID
	tests := []struct {
		name   string
		path   string
		status int
		body   string
	}{
		{"15-character id", "Lead/" + sfid.To15(ids[0]) + "?fields=LastName", 200,
			`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[0] + `"},"LastName":"Lovelace"}`},
		{"18-character id in lower case", "Lead/" + strings.ToLower(ids[0]) + "?fields=LastName", 200,
			`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[0] + `"},"LastName":"Lovelace"}`},
		{"object name in lower case", "lead/" + ids[0] + "?fields=LastName", 200,
			`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[0] + `"},"LastName":"Lovelace"}`},
		{"malformed id", "Lead/not-an-id", 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: not-an-id"}]`},
		{"another object's id", "Lead/" + contact, 404,
			`[{"errorCode":"NOT_FOUND","message":"Provided external ID field does not exist or is not accessible: ` + contact + `"}]`},
		{"no such record", "Lead/" + sfid.New("00Q", 999999), 404, bodyNotFound},
		{"another org's record", "Lead/" + acmeLead, 404, bodyNotFound},
		{"deleted record", "Lead/" + ids[2], 404, `[{"errorCode":"ENTITY_IS_DELETED","message":"entity is deleted"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantBody(t, f.get(t, "/services/data/v67.0/sobjects/"+tt.path, token), tt.status, tt.body)
		})
	}
}

func TestRecordUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	user := f.orgs["Acme"].Users[0]
	token := f.token(t, "Acme", 0)
	rec := f.get(t, "/services/data/v67.0/sobjects/User/"+user.ID+"?fields=Username,Name,IsActive", token)
	wantBody(t, rec, 200, `{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/`+user.ID+`"},"Username":"sync@acme.test","Name":"Sam Sync","IsActive":true}`)
	other := f.orgs["Globex"].Users[0].ID
	wantBody(t, f.get(t, "/services/data/v67.0/sobjects/User/"+other, token), 404, bodyNotFound)
}

func TestRecordAfterUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ids := f.initechLeads(t)
	f.clock.Advance(90 * time.Minute)
	if _, err := f.store.UpdateRecord(f.orgs["Initech"].Org.ID, "Lead", ids[0], map[string]any{"City": nil, "Phone": "555-0100"}); err != nil {
		t.Fatal(err)
	}
	rec := f.get(t, "/services/data/v67.0/sobjects/Lead/"+ids[0]+"?fields=City,Phone,CreatedDate,LastModifiedDate,SystemModstamp", f.token(t, "Initech", 0))
	wantBody(t, rec, 200, `{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/`+ids[0]+`"},"City":null,"Phone":"555-0100",`+
		`"CreatedDate":"2026-03-10T15:00:00.000+0000","LastModifiedDate":"2026-03-10T16:30:00.000+0000","SystemModstamp":"2026-03-10T16:30:00.000+0000"}`)
}

// TestSeedGarbage reads records whose seeded values do not fit their
// fields: they read as null rather than fail.
func TestSeedGarbage(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, `
orgs:
  - name: Odd
    users: [{username: odd@odd.test, password: Pw-Odd-1}]
    records:
      Contact:
        - {LastName: X, AccountId: "x", OwnerId: 12, Birthdate: "soon", NumberOfEmployees: "many", Email: [1, 2]}
`)
	token := f.token(t, "Odd", 0)
	rec := f.query(t, "query", "SELECT Account.Name, Owner.Name, Birthdate, Email FROM Contact WHERE Account.Name = null", token)
	wantStatus(t, rec, 200)
	if !strings.Contains(rec.Body.String(), `"Account":null,"Owner":null,"Birthdate":null`) {
		t.Errorf("body = %s", rec.Body.String())
	}
}
