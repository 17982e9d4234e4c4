package rest_test

import (
	"net/http"
	"strings"
	"testing"
)

type compositeAnswer struct {
	CompositeResponse []struct {
		Body           any               `json:"body"`
		HTTPHeaders    map[string]string `json:"httpHeaders"`
		HTTPStatusCode int               `json:"httpStatusCode"`
		ReferenceID    string            `json:"referenceId"`
	} `json:"compositeResponse"`
}

const compositeCreate = `{"allOrNone":%s,"compositeRequest":[
	{"method":"POST","url":"/services/data/v67.0/sobjects/Account","referenceId":"refAccount","body":{"Name":"Composite Co"}},
	{"method":"POST","url":"/services/data/v67.0/sobjects/Contact","referenceId":"refContact","body":{"LastName":"Ref","AccountId":"@{refAccount.id}"}},
	{"method":"GET","url":"/services/data/v67.0/query?q=SELECT+Id,AccountId+FROM+Contact+WHERE+AccountId='@{refAccount.id}'","referenceId":"refQuery"},
	{"method":"PATCH","url":"/services/data/v67.0/sobjects/Contact/@{refQuery.records[0].Id}","referenceId":"refUpdate","body":{"FirstName":"%s"}}]}`

func TestCompositeReferences(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	rec := f.send(t, "POST", "/services/data/v67.0/composite", token, strings.NewReplacer("%s", "false").Replace(compositeCreate))
	ans := decodeStatus[compositeAnswer](t, rec, http.StatusOK)
	if len(ans.CompositeResponse) != 4 {
		t.Fatalf("answer = %s", rec.Body.String())
	}
	for i, want := range []int{201, 201, 200, 204} {
		if got := ans.CompositeResponse[i].HTTPStatusCode; got != want {
			t.Errorf("subrequest %d: status %d; want %d (%s)", i, got, want, rec.Body.String())
		}
	}
	acc := ans.CompositeResponse[0].Body.(map[string]any)["id"].(string)
	if loc := ans.CompositeResponse[0].HTTPHeaders["Location"]; loc != "/services/data/v67.0/sobjects/Account/"+acc {
		t.Errorf("Location = %q", loc)
	}
	contacts := f.store.Records(org, "Contact")
	if len(contacts) != 1 || contacts[0].Fields["AccountId"] != acc || contacts[0].Fields["FirstName"] != "false" {
		t.Errorf("contacts = %+v; want one of account %s, updated", contacts, acc)
	}
	// The composite request was one API call: the next one is the next.
	used := rec.Header().Get("Sforce-Limit-Info")
	next := f.get(t, "/services/data/v67.0/limits", token).Header().Get("Sforce-Limit-Info")
	if !strings.HasPrefix(used, "api-usage=1/") || !strings.HasPrefix(next, "api-usage=2/") {
		t.Errorf("usage %q then %q; want 1 then 2", used, next)
	}
}

func TestCompositeAllOrNoneRollsBack(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	// The last subrequest fails: FirstName is 40 characters at most.
	rec := f.send(t, "POST", "/services/data/v67.0/composite", token,
		strings.NewReplacer(`"allOrNone":%s`, `"allOrNone":true`, "%s", strings.Repeat("x", 41)).Replace(compositeCreate))
	ans := decodeStatus[compositeAnswer](t, rec, http.StatusOK)
	for i, r := range ans.CompositeResponse {
		if r.HTTPStatusCode != 400 {
			t.Errorf("subrequest %d: status %d; want 400", i, r.HTTPStatusCode)
		}
	}
	if !strings.Contains(rec.Body.String(), `[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]`) ||
		!strings.Contains(rec.Body.String(), `"errorCode":"STRING_TOO_LONG"`) {
		t.Errorf("answer = %s", rec.Body.String())
	}
	if n, c := len(f.store.Records(org, "Account")), len(f.store.Records(org, "Contact")); n != 1 || c != 0 {
		t.Errorf("%d accounts, %d contacts; want the seeded 1 and 0", n, c)
	}
}

func TestCompositeErrors(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	sub := `{"method":"GET","url":"/services/data/v67.0/limits","referenceId":"r%d"}`
	var many []string
	for i := range 26 {
		many = append(many, strings.Replace(sub, "%d", string(rune('a'+i)), 1))
	}
	for _, c := range []struct {
		name, path, body string
		status           int
		want             string
	}{
		{"malformed JSON", "/services/data/v67.0/composite", `{"compositeRequest":[}`, 400, `"errorCode":"JSON_PARSER_ERROR"`},
		{"26 subrequests", "/services/data/v67.0/composite", `{"compositeRequest":[` + strings.Join(many, ",") + `]}`, 400, `"errorCode":"LIMIT_EXCEEDED"`},
		{"nested composite", "/services/data/v67.0/composite", `{"compositeRequest":[{"method":"POST","url":"/services/data/v67.0/composite","referenceId":"a","body":{}}]}`, 400, `"errorCode":"INVALID_INPUT"`},
		{"lowercase method", "/services/data/v67.0/composite", `{"compositeRequest":[{"method":"get","url":"/services/data/v67.0/limits","referenceId":"a"}]}`, 400, `Invalid HTTP method 'get'`},
		{"bad referenceId", "/services/data/v67.0/composite", `{"compositeRequest":[{"method":"GET","url":"/services/data/v67.0/limits","referenceId":"a-b"}]}`, 400, `Provided referenceId ('a-b') must start with a letter or a number`},
		{"Authorization header", "/services/data/v67.0/composite", `{"compositeRequest":[{"method":"GET","url":"/services/data/v67.0/limits","referenceId":"a","httpHeaders":{"authorization":"x"}}]}`, 400, `"errorCode":"INVALID_INPUT"`},
		{"before 38.0", "/services/data/v37.0/composite", `{}`, 404, `"errorCode":"NOT_FOUND"`},
		{"unresolved reference", "/services/data/v67.0/composite", `{"compositeRequest":[{"method":"GET","url":"/services/data/v67.0/sobjects/Account/@{nope.id}","referenceId":"a"},{"method":"GET","url":"/services/data/v67.0/limits","referenceId":"b"}]}`,
			200, `"body":[{"errorCode":"PROCESSING_HALTED","message":"Invalid reference specified. No value for nope.id found in nope.`},
		{"batch over 25", "/services/data/v67.0/composite/batch", `{"batchRequests":[` + strings.Repeat(`{"method":"GET","url":"v67.0/limits"},`, 25) + `{"method":"GET","url":"v67.0/limits"}]}`, 400, `"errorCode":"LIMIT_EXCEEDED"`},
		{"tree unknown object", "/services/data/v67.0/composite/tree/Nope", `{"records":[]}`, 404, `"errorCode":"NOT_FOUND"`},
	} {
		rec := f.send(t, "POST", c.path, token, c.body)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) {
			t.Errorf("%s: %d %s; want %d containing %s", c.name, rec.Code, rec.Body.String(), c.status, c.want)
		}
	}
}

func TestCompositeBatch(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	rec := f.send(t, "POST", "/services/data/v67.0/composite/batch", token, `{"haltOnError":true,"batchRequests":[
		{"method":"PATCH","url":"v67.0/sobjects/Account/`+f.accountID(t)+`","richInput":{"Name":"Batched"}},
		{"method":"GET","url":"v67.0/sobjects/Account/`+f.accountID(t)+`?fields=Name"},
		{"method":"GET","url":"v67.0/sobjects/Nope/001000000000000AAA"},
		{"method":"GET","url":"v67.0/limits"}]}`)
	wantStatus(t, rec, http.StatusOK)
	body := rec.Body.String()
	for _, want := range []string{`{"hasErrors":true,"results":[{"statusCode":204,"result":null},{"statusCode":200,"result":{"attributes":`, `"Name":"Batched"`,
		`{"statusCode":404,"result":[{"errorCode":"NOT_FOUND"`, `{"statusCode":412,"result":[{"errorCode":"BATCH_PROCESSING_HALTED","message":"Batch processing halted per request"}]}]}`} {
		if !strings.Contains(body, want) {
			t.Errorf("batch answer lacks %s: %s", want, body)
		}
	}
}

func TestCompositeTree(t *testing.T) {
	t.Parallel()
	f := newFixtureFromSeed(t, writeSeed)
	token := f.token(t, "Writer", 0)
	org := f.orgs["Writer"].Org.ID
	tree := `{"records":[{"attributes":{"type":"Account","referenceId":"ref1"},"Name":"Tree Co",
		"Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"ref2"},"LastName":"Leaf","Email":"%s"}]}}]}`
	rec := f.send(t, "POST", "/services/data/v67.0/composite/tree/Account", token, strings.Replace(tree, "%s", "not-an-email", 1))
	wantStatus(t, rec, http.StatusBadRequest)
	if want := `{"hasErrors":true,"results":[{"referenceId":"ref2","errors":[{"statusCode":"INVALID_EMAIL_ADDRESS","message":"Email: invalid email address: not-an-email","fields":["Email"]}]}]}`; rec.Body.String() != want {
		t.Errorf("failed tree = %s; want %s", rec.Body.String(), want)
	}
	if n := len(f.store.Records(org, "Account")); n != 1 {
		t.Errorf("%d accounts after a failed tree; want 1", n)
	}
	rec = f.send(t, "POST", "/services/data/v67.0/composite/tree/Account", token, strings.Replace(tree, "%s", "leaf@example.com", 1))
	wantStatus(t, rec, http.StatusCreated)
	contacts := f.store.Records(org, "Contact")
	if len(contacts) != 1 || !strings.Contains(rec.Body.String(), `{"referenceId":"ref2","id":"`+contacts[0].ID+`"}`) ||
		!strings.HasPrefix(rec.Body.String(), `{"hasErrors":false,"results":[{"referenceId":"ref1","id":"001`) {
		t.Fatalf("tree = %s", rec.Body.String())
	}
	if acc := f.store.Records(org, "Account")[1].ID; contacts[0].Fields["AccountId"] != acc {
		t.Errorf("contact's AccountId = %v; want %s", contacts[0].Fields["AccountId"], acc)
	}
}
