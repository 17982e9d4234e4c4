package rest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// locatorURL is the shape of nextRecordsUrl.
var locatorURL = regexp.MustCompile(`^/services/data/v67\.0/(query|queryAll)/01g[0-9A-Za-z]{15}-(\d+)$`)

// pageAll follows nextRecordsUrl from a first response to the end and
// returns the size of every page and every record's Id.
func pageAll(t *testing.T, f *fixture, first queryPage, token string, headers ...string) (sizes []int, ids []string) {
	t.Helper()
	page := first
	for {
		sizes = append(sizes, len(page.Records))
		for _, raw := range page.Records {
			var r struct{ Id string }
			if err := json.Unmarshal(raw, &r); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.Id)
		}
		if page.Done {
			if page.NextRecordsURL != nil {
				t.Errorf("done page has nextRecordsUrl %q", *page.NextRecordsURL)
			}
			return sizes, ids
		}
		if page.NextRecordsURL == nil || !locatorURL.MatchString(*page.NextRecordsURL) {
			t.Fatalf("nextRecordsUrl = %v; want /services/data/v67.0/query/01g...-<offset>", page.NextRecordsURL)
		}
		if len(sizes) > 100 {
			t.Fatal("more than 100 pages")
		}
		rec := f.get(t, *page.NextRecordsURL, token, headers...)
		page = decodeStatus[queryPage](t, rec, http.StatusOK)
		if page.TotalSize != first.TotalSize {
			t.Errorf("page totalSize = %d; want %d", page.TotalSize, first.TotalSize)
		}
	}
}

func distinct(ids []string) int {
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	return len(seen)
}

func TestQueryPagesThroughAllLeads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	rec := f.query(t, "query", "SELECT Id, FirstName, LastName, Email FROM Lead", token)
	first := decodeStatus[queryPage](t, rec, 200)
	if first.TotalSize != 2500 || first.Done {
		t.Fatalf("totalSize, done = %d, %v; want 2500, false", first.TotalSize, first.Done)
	}
	if m := locatorURL.FindStringSubmatch(*first.NextRecordsURL); m == nil || m[1] != "query" || m[2] != "2000" {
		t.Errorf("nextRecordsUrl = %q; want /services/data/v67.0/query/01g...-2000", *first.NextRecordsURL)
	}
	if !strings.HasPrefix(rec.Body.String(), `{"totalSize":2500,"done":false,"nextRecordsUrl":"/services/data/v67.0/query/01g`) {
		t.Errorf("body starts %.100s; want totalSize, done, nextRecordsUrl first", rec.Body.String())
	}
	sizes, ids := pageAll(t, f, first, token)
	if fmt.Sprint(sizes) != "[2000 500]" {
		t.Errorf("page sizes = %v; want [2000 500]", sizes)
	}
	if len(ids) != 2500 || distinct(ids) != 2500 {
		t.Errorf("got %d ids, %d distinct; want 2500 distinct", len(ids), distinct(ids))
	}
}

func TestQueryBatchSize(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	tests := []struct {
		header string
		sizes  string
	}{
		{"batchSize=500", "[500 500 500 500 500]"},
		{"batchSize = 1000", "[1000 1000 500]"},
		{"batchSize=100", "[200 200 200 200 200 200 200 200 200 200 200 200 100]"}, // at least 200
		{"batchSize=5000", "[2000 500]"},                                           // at most 2000
		{"batchSize=lots", "[2000 500]"},
		{"", "[2000 500]"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			var headers []string
			if tt.header != "" {
				headers = []string{"Sforce-Query-Options", tt.header}
			}
			rec := f.query(t, "query", "SELECT Id FROM Lead", token, headers...)
			wantStatus(t, rec, 200)
			sizes, ids := pageAll(t, f, decode[queryPage](t, rec), token, headers...)
			if fmt.Sprint(sizes) != tt.sizes {
				t.Errorf("page sizes = %v; want %s", sizes, tt.sizes)
			}
			if distinct(ids) != 2500 {
				t.Errorf("%d distinct ids; want 2500", distinct(ids))
			}
		})
	}
}

func TestQueryMoreAtAnyOffset(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	first := decode[queryPage](t, f.query(t, "query", "SELECT Id FROM Lead ORDER BY Id", token))
	_, all := pageAll(t, f, first, token)
	locator := strings.TrimSuffix(*first.NextRecordsURL, "-2000")

	// A client may fetch from any offset, with its own batch size.
	rec := f.get(t, locator+"-2400", token, "Sforce-Query-Options", "batchSize=200")
	page := decodeStatus[queryPage](t, rec, 200)
	_, ids := pageAll(t, f, page, token)
	if fmt.Sprint(ids) != fmt.Sprint(all[2400:]) {
		t.Errorf("records from offset 2400 differ from the first run's")
	}
	rec = f.get(t, locator+"-0", token, "Sforce-Query-Options", "batchSize=200")
	page = decode[queryPage](t, rec)
	if len(page.Records) != 200 || *page.NextRecordsURL != locator+"-200" {
		t.Errorf("from offset 0: %d records, next %v; want 200, %s-200", len(page.Records), page.NextRecordsURL, locator)
	}
	// The /queryAll spelling of the resource serves the same cursor.
	rec = f.get(t, strings.Replace(locator, "/query/", "/queryAll/", 1)+"-2499", token)
	wantStatus(t, rec, 200)
	if page := decode[queryPage](t, rec); len(page.Records) != 1 || !page.Done {
		t.Errorf("from offset 2499: %d records, done %v; want 1, true", len(page.Records), page.Done)
	}
}

const bodyBadLocator = `[{"message":"invalid query locator","errorCode":"INVALID_QUERY_LOCATOR"}]`

func TestQueryLocatorErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme := f.token(t, "Acme", 0)
	first := decode[queryPage](t, f.query(t, "query", "SELECT Id FROM Lead", acme))
	next := *first.NextRecordsURL
	locator := strings.TrimSuffix(next, "-2000")

	tests := []struct {
		name  string
		path  string
		token string
	}{
		{"another org", next, f.token(t, "Globex", 0)},
		{"unknown locator", "/services/data/v67.0/query/01g5g0000000001EAA-2000", acme},
		{"no offset", locator, acme},
		{"offset not a number", locator + "-two", acme},
		{"negative offset", locator + "--5", acme},
		{"offset past the end", locator + "-2500", acme},
		{"not a locator", "/services/data/v67.0/query/garbage", acme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantBody(t, f.get(t, tt.path, tt.token), 400, bodyBadLocator)
		})
	}
	// The owner can still use it.
	wantStatus(t, f.get(t, next, acme), 200)
	// Another user of the same org can, too: cursors belong to the org.
	other := f.token(t, "Acme", 0, "full")
	wantStatus(t, f.get(t, next, other), 200)
}

func TestQueryLocatorExpires(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	first := decode[queryPage](t, f.query(t, "query", "SELECT Id FROM Lead", token))
	f.clock.Advance(14 * time.Minute)
	wantStatus(t, f.get(t, *first.NextRecordsURL, token), 200) // use keeps it alive
	f.clock.Advance(14 * time.Minute)
	wantStatus(t, f.get(t, *first.NextRecordsURL, token), 200)
	f.clock.Advance(16 * time.Minute)
	wantBody(t, f.get(t, *first.NextRecordsURL, token), 400, bodyBadLocator)
}

func TestQuerySnapshot(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	org := f.orgs["Acme"].Org.ID
	first := decode[queryPage](t, f.query(t, "query", "SELECT Id, Email FROM Lead", token))
	// Changes after the query do not show in its later pages.
	leads := f.store.Records(org, "Lead")
	if _, err := f.store.UpdateRecord(org, "Lead", leads[2400].ID, map[string]any{"Email": "changed@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.DeleteRecord(org, "Lead", leads[2401].ID); err != nil {
		t.Fatal(err)
	}
	rec := f.get(t, *first.NextRecordsURL, token)
	if strings.Contains(rec.Body.String(), "changed@example.com") || !strings.Contains(rec.Body.String(), leads[2401].ID) {
		t.Error("the second page does not show the result as it was when the query ran")
	}
}

func TestQueryFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	org := f.orgs["Acme"].Org.ID
	leads := f.store.Records(org, "Lead")
	f.clock.Advance(time.Hour)
	for _, i := range []int{7, 70, 700} {
		if _, err := f.store.UpdateRecord(org, "Lead", leads[i].ID, map[string]any{"Status": "Working - Contacted"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		soql string
		want int
	}{
		{"SELECT Id FROM Lead WHERE LastModifiedDate > 2026-03-10T15:00:00Z", 3},
		{"SELECT Id FROM Lead WHERE LastModifiedDate > 2026-03-10T15:00:00.000+0000", 3},
		{"SELECT Id FROM Lead WHERE LastModifiedDate >= 2026-03-10T16:00:00+01:00", 2500},
		{"SELECT Id FROM Lead WHERE SystemModstamp > 2026-03-10T15:30:00Z", 3},
		{"SELECT Id FROM Lead WHERE LastModifiedDate = TODAY", 2500},
		{"SELECT Id FROM Lead WHERE CreatedDate = YESTERDAY", 0},
		{"SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:7", 2500},
		{"SELECT Id FROM Lead WHERE Status = 'working - contacted'", 3},
		{"SELECT Id FROM Lead WHERE Status != 'Working - Contacted'", 2497},
		{"SELECT Id FROM Lead WHERE Email LIKE 'lead1%'", 1 + 10 + 100 + 1000},
		{"SELECT Id FROM Lead WHERE Email IN ('lead1@example.com', 'lead2@example.com')", 2},
		{"SELECT Id FROM Lead WHERE Id = '" + leads[5].ID + "'", 1},
		{"SELECT Id FROM Lead WHERE (FirstName = 'Ada' OR FirstName = 'Grace') AND IsDeleted = false", 209 + 209},
		{"SELECT Id FROM Lead WHERE NOT FirstName IN ('Ada')", 2500 - 209},
		{"SELECT Id FROM Lead WHERE Phone = null", 2500},
		{"SELECT Id FROM Lead LIMIT 10 OFFSET 5", 10},
		{"SELECT Id FROM Lead OFFSET 2000", 500},
	}
	for _, tt := range tests {
		t.Run(tt.soql, func(t *testing.T) {
			t.Parallel()
			rec := f.query(t, "query", tt.soql, token)
			wantStatus(t, rec, 200)
			if got := decode[queryPage](t, rec).TotalSize; got != tt.want {
				t.Errorf("totalSize = %d; want %d", got, tt.want)
			}
		})
	}
}

func TestQueryRecordShape(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Initech", 0)
	ids := f.initechLeads(t)
	rec := f.query(t, "query", "select lastname, EMAIL, id, Phone, CreatedDate, AnnualRevenue, Lead.IsDeleted from lead where City != null order by LastName desc", token)
	want := `{"totalSize":2,"done":true,"records":[` +
		`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[2] + `"},"LastName":"Turing","Email":"alan@example.org","Id":"` + ids[2] + `","Phone":null,"CreatedDate":"2026-03-10T15:00:00.000+0000","AnnualRevenue":null,"IsDeleted":false},` +
		`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/` + ids[0] + `"},"LastName":"Lovelace","Email":"ada@example.com","Id":"` + ids[0] + `","Phone":null,"CreatedDate":"2026-03-10T15:00:00.000+0000","AnnualRevenue":1000000,"IsDeleted":false}]}`
	wantBody(t, rec, 200, want)

	rec = f.query(t, "query", "SELECT Id FROM Contact WHERE Name = 'grace hopper'", token)
	if got := decode[queryPage](t, rec).TotalSize; got != 1 {
		t.Errorf("Contact by computed Name: totalSize = %d; want 1", got)
	}
	rec = f.query(t, "query", "SELECT Username FROM User", token)
	wantBody(t, rec, 200, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/`+
		f.orgs["Initech"].Users[0].ID+`"},"Username":"sync@initech.test"}]}`)
}

func TestQueryCount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	wantBody(t, f.query(t, "query", "SELECT COUNT() FROM Lead", token), 200, `{"totalSize":2500,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "query", "SELECT COUNT() FROM Lead WHERE FirstName = 'Ada'", token), 200, `{"totalSize":209,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "query", "SELECT COUNT() FROM Account", token), 200, `{"totalSize":1,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "query", "SELECT COUNT() FROM Opportunity", token), 200, `{"totalSize":0,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "query", "SELECT Id FROM Opportunity", token), 200, `{"totalSize":0,"done":true,"records":[]}`)
}

func TestQueryAllIncludesDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	org := f.orgs["Acme"].Org.ID
	leads := f.store.Records(org, "Lead")
	for _, i := range []int{0, 2499} {
		if err := f.store.DeleteRecord(org, "Lead", leads[i].ID); err != nil {
			t.Fatal(err)
		}
	}
	wantBody(t, f.query(t, "query", "SELECT COUNT() FROM Lead", token), 200, `{"totalSize":2498,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "queryAll", "SELECT COUNT() FROM Lead", token), 200, `{"totalSize":2500,"done":true,"records":[]}`)
	wantBody(t, f.query(t, "query", "SELECT Id FROM Lead WHERE IsDeleted = true", token), 200, `{"totalSize":0,"done":true,"records":[]}`)
	rec := f.query(t, "queryAll", "SELECT Id, IsDeleted FROM Lead WHERE IsDeleted = true ORDER BY Id", token)
	wantBody(t, rec, 200, `{"totalSize":2,"done":true,"records":[`+
		`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/`+leads[0].ID+`"},"Id":"`+leads[0].ID+`","IsDeleted":true},`+
		`{"attributes":{"type":"Lead","url":"/services/data/v67.0/sobjects/Lead/`+leads[2499].ID+`"},"Id":"`+leads[2499].ID+`","IsDeleted":true}]}`)

	first := decode[queryPage](t, f.query(t, "queryAll", "SELECT Id FROM Lead", token))
	if m := locatorURL.FindStringSubmatch(*first.NextRecordsURL); m == nil || m[1] != "queryAll" {
		t.Errorf("queryAll nextRecordsUrl = %q; want /services/data/v67.0/queryAll/01g...-2000", *first.NextRecordsURL)
	}
	_, ids := pageAll(t, f, first, token)
	if distinct(ids) != 2500 {
		t.Errorf("queryAll pages hold %d distinct ids; want 2500", distinct(ids))
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	tests := []struct {
		name  string
		query string // raw query string after /query
		body  string
	}{
		{"no q", "", `[{"message":"A query string has to be specified","errorCode":"MALFORMED_QUERY"}]`},
		{"other parameter", "?x=1", `[{"message":"A query string has to be specified","errorCode":"MALFORMED_QUERY"}]`},
		{"empty q", "?q=", `[{"message":"SOQL statements cannot be empty or null","errorCode":"MALFORMED_QUERY"}]`},
		{"blank q", "?q=++", `[{"message":"SOQL statements cannot be empty or null","errorCode":"MALFORMED_QUERY"}]`},
		{"syntax", "?q=SELECT+Id+FRM+Lead",
			`[{"message":"\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM","errorCode":"MALFORMED_QUERY"}]`},
		{"unknown field", "?q=" + url.QueryEscape("SELECT Id, Bogus FROM Lead"),
			`[{"message":"\nSELECT Id, Bogus FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Bogus' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.","errorCode":"INVALID_FIELD"}]`},
		{"unknown object", "?q=SELECT%20Id%20FROM%20Foo",
			`[{"message":"\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.","errorCode":"INVALID_TYPE"}]`},
		{"filter type", "?q=" + url.QueryEscape("SELECT Id FROM Lead WHERE CreatedDate > 2026-01-01"),
			`[{"message":"\nLead WHERE CreatedDate > 2026-01-01\n                         ^\nERROR at Row:1:Column:41\nvalue of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes","errorCode":"INVALID_QUERY_FILTER_OPERATOR"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, resource := range []string{"query", "queryAll"} {
				wantBody(t, f.get(t, "/services/data/v67.0/"+resource+tt.query, token), 400, tt.body)
			}
		})
	}
}

// TestQueryNeverFails500 throws odd queries at the endpoint: each must get
// a 200 or a 400 with a Salesforce error body, never a 500 or a panic.
func TestQueryNeverFails500(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Initech", 0)
	queries := []string{
		"SELECT", "FROM", "'", "SELECT Id FROM Lead WHERE", "SELECT Id FROM Lead WHERE Id = '", "SELECT Id FROM Lead WHERE Name LIKE '\\",
		"SELECT Id FROM Lead WHERE Email LIKE '%\\%%' ORDER BY", "SELECT Id FROM Lead LIMIT 99999999999999999999",
		"SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:99999999999", "SELECT Id FROM Lead WHERE AnnualRevenue > 1e400",
		"SELECT Id FROM Lead WHERE ((((((((((Email = null))))))))))", "SELECT Id FROM Lead WHERE Email = '\\u12'",
		"SELECT Id FROM Lead WHERE Email = '\\u00zz'", "SELECT Id FROM Lead WHERE City = '\x00\xff'", "SELECT Id,, FROM Lead",
		"SELECT Id FROM Lead WHERE CreatedDate > 9999-99-99T99:99:99Z", "SELECT Id FROM Lead WHERE Id IN ()",
		"SELECT Id FROM Lead WHERE NOT", "SELECT Id FROM Lead ORDER BY Id DESC NULLS MIDDLE", "SÉLECT Id FROM Lead",
		"SELECT Id FROM Lead WHERE Email = 'é' AND City = 'ü' OR", strings.Repeat("(", 10000),
		"SELECT Id FROM Lead WHERE " + strings.Repeat("NOT ", 5000) + "Email = null",
	}
	for _, q := range queries {
		rec := f.query(t, "query", q, token)
		if rec.Code != 200 && rec.Code != 400 {
			t.Errorf("%q: status %d: %s", q, rec.Code, rec.Body.String())
			continue
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			t.Errorf("%q: body is not JSON: %s", q, rec.Body.String())
		}
	}
}

func TestQueryConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tokens := []string{f.token(t, "Acme", 0), f.token(t, "Globex", 0)}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			token := tokens[i%2]
			rec := f.query(t, "query", "SELECT Id FROM Lead", token, "Sforce-Query-Options", "batchSize=1000")
			if rec.Code != 200 {
				t.Errorf("status %d", rec.Code)
				return
			}
			page := decode[queryPage](t, rec)
			for !page.Done {
				rec = f.get(t, *page.NextRecordsURL, token)
				if rec.Code != 200 {
					t.Errorf("status %d: %s", rec.Code, rec.Body.String())
					return
				}
				page = decode[queryPage](t, rec)
			}
		}()
	}
	wg.Wait()
}
