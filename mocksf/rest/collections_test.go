package rest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

type collectionResult struct {
	ID      string `json:"id"`
	Success bool   `json:"success"`
	Errors  []struct {
		StatusCode string   `json:"statusCode"`
		Message    string   `json:"message"`
		Fields     []string `json:"fields"`
	} `json:"errors"`
	Created *bool `json:"created"`
}

func TestCollectionCreateMixedTypes(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	rec := f.send(t, "POST", "/services/data/v67.0/composite/sobjects", token, `{"allOrNone":false,"records":[
		{"attributes":{"type":"Account"},"Name":"Northern Trail"},
		{"attributes":{"type":"Contact"},"LastName":"Johnson"},
		{"attributes":{"type":"Contact"},"Email":"no-last-name@example.com"},
		{"attributes":{"type":"Nope__c"},"Name":"x"}]}`)
	res := decodeStatus[[]collectionResult](t, rec, http.StatusOK)
	if len(res) != 4 || !res[0].Success || !res[1].Success || res[2].Success || res[3].Success {
		t.Fatalf("results = %s", rec.Body.String())
	}
	if !strings.HasPrefix(res[0].ID, "001") || !strings.HasPrefix(res[1].ID, "003") {
		t.Errorf("ids = %s, %s; want an Account and a Contact ID", res[0].ID, res[1].ID)
	}
	if e := res[2].Errors[0]; e.StatusCode != "REQUIRED_FIELD_MISSING" || len(e.Fields) != 1 || e.Fields[0] != "LastName" {
		t.Errorf("missing LastName error = %+v", e)
	}
	if e := res[3].Errors[0]; e.StatusCode != "INVALID_TYPE" || e.Message != "sObject type 'Nope__c' is not supported." {
		t.Errorf("unknown type error = %+v", e)
	}
	if !strings.Contains(rec.Body.String(), `{"success":false,"errors":[{"statusCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]}`) {
		t.Errorf("failed record's JSON = %s", rec.Body.String())
	}
	if n := len(f.store.Records(org, "Contact")); n != 1 {
		t.Errorf("%d contacts stored; want 1", n)
	}
}

func TestCollectionAllOrNoneStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	accounts := len(f.store.Records(org, "Account"))
	for _, c := range []struct{ name, body string }{
		{"check fails", `{"allOrNone":true,"records":[{"attributes":{"type":"Account"},"Name":"A"},{"attributes":{"type":"Contact"}}]}`},
		// The second invoice's number duplicates the first's: found only
		// while writing, after the first was stored.
		{"write fails", `{"allOrNone":true,"records":[{"attributes":{"type":"Account"},"Name":"A"},
			{"attributes":{"type":"Invoice__c"},"Number__c":"N-1"},{"attributes":{"type":"Invoice__c"},"Number__c":"N-1"}]}`},
	} {
		rec := f.send(t, "POST", "/services/data/v67.0/composite/sobjects", token, c.body)
		res := decodeStatus[[]collectionResult](t, rec, http.StatusOK)
		if res[0].Success || res[0].ID != "" || res[0].Errors[0].StatusCode != "ALL_OR_NONE_OPERATION_ROLLED_BACK" ||
			res[0].Errors[0].Message != "Record rolled back because not all records were valid and the request was using AllOrNone header" {
			t.Errorf("%s: first result = %+v; want rolled back", c.name, res[0])
		}
		last := res[len(res)-1]
		if last.Success || last.Errors[0].StatusCode == "ALL_OR_NONE_OPERATION_ROLLED_BACK" {
			t.Errorf("%s: failing record = %+v; want its own error", c.name, last)
		}
		if n := len(f.store.Records(org, "Account")); n != accounts {
			t.Errorf("%s: %d accounts; want %d, the store unchanged", c.name, n, accounts)
		}
		if n := len(f.store.Records(org, "Invoice__c")); n != 0 {
			t.Errorf("%s: %d invoices; want 0", c.name, n)
		}
	}
}

func TestCollectionUpdateDeleteRetrieve(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	a := f.accountID(t)
	c := f.create(t, token, "Contact", `{"LastName":"Old"}`)
	// jsforce sends the ID as "id".
	rec := f.send(t, "PATCH", "/services/data/v67.0/composite/sobjects", token, fmt.Sprintf(`{"allOrNone":false,"records":[
		{"id":%q,"attributes":{"type":"Account"},"Name":"Renamed"},
		{"Id":%q,"LastName":"New"},
		{"attributes":{"type":"Account"},"Name":"No Id"}]}`, a, c))
	res := decodeStatus[[]collectionResult](t, rec, http.StatusOK)
	if !res[0].Success || res[0].ID != a || !res[1].Success || res[2].Success || res[2].Errors[0].StatusCode != "MISSING_ARGUMENT" {
		t.Fatalf("update results = %s", rec.Body.String())
	}
	rec = f.get(t, fmt.Sprintf("/services/data/v67.0/composite/sobjects/Contact?ids=%s,003000000000000AAA&fields=Id,LastName", c), token)
	wantStatus(t, rec, http.StatusOK)
	if got := rec.Body.String(); !strings.Contains(got, `"LastName":"New"`) || !strings.HasSuffix(got, ",null]") {
		t.Errorf("retrieve = %s", got)
	}
	rec = f.send(t, "POST", "/services/data/v67.0/composite/sobjects/Account", token, fmt.Sprintf(`{"ids":[%q],"fields":["Name"]}`, a))
	wantStatus(t, rec, http.StatusOK)
	if !strings.Contains(rec.Body.String(), `"Name":"Renamed"`) {
		t.Errorf("retrieve by POST = %s", rec.Body.String())
	}
	rec = f.send(t, "DELETE", "/services/data/v67.0/composite/sobjects?ids="+c+",bogus&allOrNone=true", token, "")
	wantBody(t, rec, http.StatusOK, `[{"id":"`+c+`","success":false,"errors":[{"statusCode":"ALL_OR_NONE_OPERATION_ROLLED_BACK","message":"Record rolled back because not all records were valid and the request was using AllOrNone header","fields":[]}]},`+
		`{"success":false,"errors":[{"statusCode":"MALFORMED_ID","message":"malformed id bogus","fields":[]}]}]`)
	rec = f.send(t, "DELETE", "/services/data/v67.0/composite/sobjects?ids="+c+","+c, token, "")
	res = decodeStatus[[]collectionResult](t, rec, http.StatusOK)
	if !res[0].Success || res[1].Success || res[1].Errors[0].StatusCode != "ENTITY_IS_DELETED" {
		t.Errorf("delete twice = %s", rec.Body.String())
	}
}

func TestCollectionUpsert(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	body := `{"allOrNone":false,"records":[{"attributes":{"type":"Invoice__c"},"Number__c":"N-1","Amount__c":5},{"attributes":{"type":"Invoice__c"},"Amount__c":6}]}`
	rec := f.send(t, "PATCH", "/services/data/v67.0/composite/sobjects/Invoice__c/Number__c", token, body)
	res := decodeStatus[[]collectionResult](t, rec, http.StatusOK)
	if !res[0].Success || res[0].Created == nil || !*res[0].Created || res[1].Success {
		t.Fatalf("first upsert = %s", rec.Body.String())
	}
	rec = f.send(t, "PATCH", "/services/data/v67.0/composite/sobjects/Invoice__c/Number__c", token, body)
	res = decode[[]collectionResult](t, rec)
	if !res[0].Success || *res[0].Created || res[0].ID == "" {
		t.Errorf("second upsert = %s; want an update", rec.Body.String())
	}
	rec = f.send(t, "PATCH", "/services/data/v45.0/composite/sobjects/Invoice__c/Number__c", token, body)
	wantBody(t, rec, http.StatusNotFound, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
}

func TestCollectionErrors(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	var many []string
	for range 201 {
		many = append(many, `{"attributes":{"type":"Account"},"Name":"x"}`)
	}
	v := "/services/data/v67.0"
	for _, c := range []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"malformed JSON", "POST", v + "/composite/sobjects", `{"records":[`, 400, `[{"message":"Unexpected end-of-input: expected close marker for OBJECT at [line:1, column:13]","errorCode":"JSON_PARSER_ERROR"}]`},
		{"empty body", "POST", v + "/composite/sobjects", ``, 400, `[{"message":"The HTTP entity body is required, but this request has no entity body.","errorCode":"JSON_PARSER_ERROR"}]`},
		{"allOrNone not a boolean", "POST", v + "/composite/sobjects", `{"allOrNone":"yes","records":[]}`, 400, `"errorCode":"JSON_PARSER_ERROR"`},
		{"201 records", "POST", v + "/composite/sobjects", `{"records":[` + strings.Join(many, ",") + `]}`, 400, `[{"message":"record limit reached. cannot submit more than 200 records into this call","errorCode":"EXCEEDED_ID_LIMIT"}]`},
		{"before 42.0", "POST", "/services/data/v41.0/composite/sobjects", `{"records":[]}`, 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`},
		{"bad method", "PUT", v + "/composite/sobjects", `{"records":[]}`, 405, `[{"message":"HTTP Method 'PUT' not allowed. Allowed are DELETE,PATCH,POST","errorCode":"METHOD_NOT_ALLOWED"}]`},
		{"unknown object retrieve", "GET", v + "/composite/sobjects/Nope?ids=001000000000000AAA&fields=Id", ``, 404, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`},
		{"retrieve without fields", "GET", v + "/composite/sobjects/Account?ids=001000000000000AAA", ``, 400, `"errorCode":"MISSING_ARGUMENT"`},
		{"retrieve unknown field", "GET", v + "/composite/sobjects/Account?ids=001000000000000AAA&fields=Nope", ``, 400, `"errorCode":"INVALID_FIELD"`},
		{"delete without ids", "DELETE", v + "/composite/sobjects", ``, 400, `"errorCode":"MISSING_ARGUMENT"`},
		{"record not an object", "POST", v + "/composite/sobjects", `{"records":[[1]]}`, 200, `"statusCode":"JSON_PARSER_ERROR"`},
	} {
		rec := f.send(t, c.method, c.path, token, c.body)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %s; want %d containing %s", c.name, rec.Code, rec.Body.String(), c.status, c.want)
		}
	}
	if n := len(f.store.Records(org, "Account")); n != 1 {
		t.Errorf("%d accounts after the failures; want the seeded 1", n)
	}
}
