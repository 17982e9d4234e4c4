package rest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/rest"
)

// bulkServer is a real mocksf with writeSeed, a token of its first user
// and a clock standing still, so tests move jobs through their states.
type bulkServer struct {
	srv   *mocksf.Server
	token string
}

func newBulkServer(t *testing.T, settings rest.BulkSettings) *bulkServer {
	t.Helper()
	f := newServer(t, mocksf.Config{Seed: []byte(writeSeed), Bulk: settings, Clock: func() time.Time { return start }})
	return &bulkServer{srv: f.srv, token: f.token(t, "Writer", 0)}
}

func (b *bulkServer) do(t *testing.T, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	return serve(b.srv, method, "http://localhost:8080/services/data/v62.0"+path, b.token, body)
}

type bulkInfo struct {
	ID                     string  `json:"id"`
	State                  string  `json:"state"`
	Object                 string  `json:"object"`
	Operation              string  `json:"operation"`
	ContentURL             string  `json:"contentUrl"`
	ErrorMessage           string  `json:"errorMessage"`
	NumberRecordsProcessed int     `json:"numberRecordsProcessed"`
	NumberRecordsFailed    int     `json:"numberRecordsFailed"`
	APIVersion             float64 `json:"apiVersion"`
	JobType                string  `json:"jobType"`
}

func (b *bulkServer) info(t *testing.T, rec *httptest.ResponseRecorder, status int) bulkInfo {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status = %d; want %d; body %s", rec.Code, status, rec.Body.String())
	}
	var info bulkInfo
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil {
		t.Fatalf("decoding %s: %v", rec.Body.String(), err)
	}
	return info
}

// wantError fails unless the answer is status with errorCode code.
func wantError(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	var errs []struct{ ErrorCode, Message string }
	if rec.Code != status || json.Unmarshal(rec.Body.Bytes(), &errs) != nil || len(errs) != 1 || errs[0].ErrorCode != code {
		t.Fatalf("got %d %s; want %d with errorCode %s", rec.Code, rec.Body.String(), status, code)
	}
}

// ingest creates a job, uploads csv and closes it.
func (b *bulkServer) ingest(t *testing.T, job, csv string) string {
	t.Helper()
	info := b.info(t, b.do(t, "POST", "/jobs/ingest", job), http.StatusOK)
	if rec := b.do(t, "PUT", "/jobs/ingest/"+info.ID+"/batches", csv); rec.Code != http.StatusCreated {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body.String())
	}
	closed := b.info(t, b.do(t, "PATCH", "/jobs/ingest/"+info.ID, `{"state":"UploadComplete"}`), http.StatusOK)
	if closed.State != "UploadComplete" {
		t.Fatalf("close: state %s; want UploadComplete", closed.State)
	}
	return info.ID
}

func TestBulkIngestLifecycle(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{QueueDelay: time.Second, ProcessingDelay: 2 * time.Second})
	created := b.info(t, b.do(t, "POST", "/jobs/ingest", `{"object":"account","operation":"insert","lineEnding":"LF"}`), http.StatusOK)
	if created.State != "Open" || created.Object != "Account" || created.APIVersion != 62 ||
		created.ContentURL != "services/data/v62.0/jobs/ingest/"+created.ID+"/batches" || !strings.HasPrefix(created.ID, "750") {
		t.Fatalf("created %+v", created)
	}
	if rec := b.do(t, "PUT", "/jobs/ingest/"+created.ID+"/batches", "Name,Industry,NumberOfEmployees\nGlobex,Energy,12\n\"Initech, Inc.\",,x\n,Energy,3\n"); rec.Code != http.StatusCreated || rec.Body.Len() != 0 {
		t.Fatalf("upload: %d %q", rec.Code, rec.Body.String())
	}
	wantError(t, b.do(t, "PUT", "/jobs/ingest/"+created.ID+"/batches", "Name\nX\n"), http.StatusConflict, "INVALIDJOBSTATE")
	wantError(t, b.do(t, "GET", "/jobs/ingest/"+created.ID+"/successfulResults", ""), http.StatusConflict, "INVALIDJOBSTATE")
	wantError(t, b.do(t, "DELETE", "/jobs/ingest/"+created.ID, ""), http.StatusConflict, "INVALIDJOBSTATE")
	closed := b.info(t, b.do(t, "PATCH", "/jobs/ingest/"+created.ID, `{"state":"UploadComplete"}`), http.StatusOK)
	if closed.State != "UploadComplete" {
		t.Fatalf("closed state %s", closed.State)
	}
	wantError(t, b.do(t, "PATCH", "/jobs/ingest/"+created.ID, `{"state":"UploadComplete"}`), http.StatusConflict, "INVALIDJOBSTATE")
	for _, step := range []struct {
		advance   time.Duration
		state     string
		processed int
	}{{0, "UploadComplete", 0}, {time.Second, "InProgress", 0}, {2 * time.Second, "JobComplete", 3}} {
		b.srv.Clock().Advance(step.advance)
		got := b.info(t, b.do(t, "GET", "/jobs/ingest/"+created.ID, ""), http.StatusOK)
		if got.State != step.state || got.NumberRecordsProcessed != step.processed || got.JobType != "V2Ingest" {
			t.Fatalf("after %v: %+v; want %s with %d processed", step.advance, got, step.state, step.processed)
		}
	}
	got := b.info(t, b.do(t, "GET", "/jobs/ingest/"+created.ID, ""), http.StatusOK)
	if got.NumberRecordsFailed != 2 {
		t.Errorf("numberRecordsFailed = %d; want 2", got.NumberRecordsFailed)
	}
	success := b.do(t, "GET", "/jobs/ingest/"+created.ID+"/successfulResults", "")
	lines := strings.Split(strings.TrimSuffix(success.Body.String(), "\n"), "\n")
	if success.Header().Get("Content-Type") != "text/csv" || len(lines) != 2 || lines[0] != `"sf__Id","sf__Created",Name,Industry,NumberOfEmployees` ||
		!strings.HasPrefix(lines[1], "001") || !strings.HasSuffix(lines[1], ",true,Globex,Energy,12") {
		t.Errorf("successfulResults = %q", success.Body.String())
	}
	failed := b.do(t, "GET", "/jobs/ingest/"+created.ID+"/failedResults", "").Body.String()
	for _, want := range []string{
		`"sf__Id","sf__Error",Name,Industry,NumberOfEmployees` + "\n",
		`,INVALID_TYPE_ON_FIELD_IN_RECORD:Employees: value not of required type: x:NumberOfEmployees --,"Initech, Inc.",,x` + "\n",
		`,REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --,,Energy,3` + "\n",
	} {
		if !strings.Contains(failed, want) {
			t.Errorf("failedResults = %q; want it to hold %q", failed, want)
		}
	}
	if rec := b.do(t, "GET", "/jobs/ingest/"+created.ID+"/unprocessedrecords", ""); rec.Body.String() != "Name,Industry,NumberOfEmployees\n" {
		t.Errorf("unprocessedrecords = %q", rec.Body.String())
	}
	// The rows went through the REST API's write path: /query sees them.
	if rec := b.do(t, "GET", "/query?q=SELECT+Name+FROM+Account+WHERE+Name='Globex'", ""); !strings.Contains(rec.Body.String(), `"totalSize":1`) {
		t.Errorf("query: %s", rec.Body.String())
	}
	wantError(t, b.do(t, "PATCH", "/jobs/ingest/"+created.ID, `{"state":"Aborted"}`), http.StatusConflict, "INVALIDJOBSTATE")
	if rec := b.do(t, "DELETE", "/jobs/ingest/"+created.ID, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	wantError(t, b.do(t, "GET", "/jobs/ingest/"+created.ID, ""), http.StatusNotFound, "NOT_FOUND")
}

func TestBulkIngestOperations(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{})
	id := b.ingest(t, `{"object":"Lead","operation":"upsert","externalIdFieldName":"External_Id__c","columnDelimiter":"PIPE","lineEnding":"CRLF"}`,
		"External_Id__c|LastName|Company|Score__c\r\nE-1|One|C|1\r\nE-2|Two|C|#N/A\r\n")
	success := b.do(t, "GET", "/jobs/ingest/"+id+"/successfulResults", "").Body.String()
	if strings.Count(success, "|true|") != 2 || !strings.HasPrefix(success, `"sf__Id"|"sf__Created"|External_Id__c|LastName`) || !strings.Contains(success, "\r\n") {
		t.Fatalf("upsert created: %q", success)
	}
	id = b.ingest(t, `{"object":"Lead","operation":"upsert","externalIdFieldName":"External_Id__c"}`, "External_Id__c,FirstName\nE-1,Ada\n")
	if success := b.do(t, "GET", "/jobs/ingest/"+id+"/successfulResults", "").Body.String(); !strings.Contains(success, ",false,E-1,Ada") {
		t.Fatalf("upsert updated: %q", success)
	}
	rec := b.do(t, "GET", "/query?q=SELECT+Id,Name+FROM+Lead+WHERE+External_Id__c='E-1'", "")
	var page struct {
		Records []struct{ Id, Name string }
	}
	if json.Unmarshal(rec.Body.Bytes(), &page) != nil || len(page.Records) != 1 || page.Records[0].Name != "Ada One" {
		t.Fatalf("after upsert: %s", rec.Body.String())
	}
	lead := page.Records[0].Id
	id = b.ingest(t, `{"object":"Lead","operation":"update"}`, "Id,Company\n"+lead+",Acme\n00Q000000000000AAA,Nope\nbad,Nope\n")
	if info := b.info(t, b.do(t, "GET", "/jobs/ingest/"+id, ""), 200); info.NumberRecordsProcessed != 3 || info.NumberRecordsFailed != 2 {
		t.Errorf("update: %+v", info)
	}
	id = b.ingest(t, `{"object":"Lead","operation":"delete"}`, "Id\n"+lead+"\n")
	if info := b.info(t, b.do(t, "GET", "/jobs/ingest/"+id, ""), 200); info.NumberRecordsFailed != 0 || info.NumberRecordsProcessed != 1 {
		t.Errorf("delete: %+v", info)
	}
	if rec := b.do(t, "GET", "/sobjects/Lead/"+lead, ""); rec.Code != http.StatusNotFound {
		t.Errorf("deleted lead: %d", rec.Code)
	}
}

func TestBulkIngestFailedJobs(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{})
	for _, c := range []struct {
		name, job, csv, message string
	}{
		{"line ending", `{"object":"Account","operation":"insert"}`, "Name\r\nX\r\n", "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF"},
		{"unknown field", `{"object":"Account","operation":"insert"}`, "Name,Nope\nX,Y\n", "InvalidBatch : Field name not found : Nope"},
		{"bad quotes", `{"object":"Account","operation":"insert"}`, "Name\n\"X\n", "ClientInputError : extraneous or missing \" in quoted-field on line 2"},
		{"no Id column", `{"object":"Account","operation":"update"}`, "Name\nX\n", "InvalidBatch : The Id field is required for this operation"},
		{"empty", `{"object":"Account","operation":"insert"}`, "", "InvalidBatch : No data was uploaded for this job"},
	} {
		id := b.ingest(t, c.job, c.csv)
		info := b.info(t, b.do(t, "GET", "/jobs/ingest/"+id, ""), http.StatusOK)
		if info.State != "Failed" || info.ErrorMessage != c.message {
			t.Errorf("%s: %s %q; want Failed %q", c.name, info.State, info.ErrorMessage, c.message)
		}
		if got := b.do(t, "GET", "/jobs/ingest/"+id+"/unprocessedrecords", "").Body.String(); got != c.csv {
			t.Errorf("%s: unprocessedrecords = %q; want the upload", c.name, got)
		}
	}
}

func TestBulkIngestAbort(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{})
	info := b.info(t, b.do(t, "POST", "/jobs/ingest", `{"object":"Account","operation":"insert"}`), http.StatusOK)
	b.do(t, "PUT", "/jobs/ingest/"+info.ID+"/batches", "Name\nKept Out\n")
	if got := b.info(t, b.do(t, "PATCH", "/jobs/ingest/"+info.ID, `{"state":"Aborted"}`), http.StatusOK); got.State != "Aborted" {
		t.Fatalf("abort: %+v", got)
	}
	if got := b.do(t, "GET", "/jobs/ingest/"+info.ID+"/unprocessedrecords", "").Body.String(); got != "Name\nKept Out\n" {
		t.Errorf("unprocessedrecords = %q", got)
	}
	wantError(t, b.do(t, "PATCH", "/jobs/ingest/"+info.ID, `{"state":"UploadComplete"}`), http.StatusConflict, "INVALIDJOBSTATE")
	if rec := b.do(t, "GET", "/query?q=SELECT+Id+FROM+Account+WHERE+Name='Kept+Out'", ""); !strings.Contains(rec.Body.String(), `"totalSize":0`) {
		t.Errorf("aborted rows written: %s", rec.Body.String())
	}
}

func TestBulkRequestErrors(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{MaxUploadBytes: 16, MaxJobs: 3})
	open := b.info(t, b.do(t, "POST", "/jobs/ingest", `{"object":"Account","operation":"insert"}`), http.StatusOK)
	for _, c := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"POST", "/jobs/ingest", `{"object":"Account",`, 400, "JSON_PARSER_ERROR"},
		{"POST", "/jobs/ingest", ``, 400, "JSON_PARSER_ERROR"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"merge"}`, 400, "JSON_PARSER_ERROR"},
		{"POST", "/jobs/ingest", `{"object":"Account"}`, 400, "INVALIDJOB"},
		{"POST", "/jobs/ingest", `{"operation":"insert"}`, 400, "INVALIDJOB"},
		{"POST", "/jobs/ingest", `{"object":"Nope__c","operation":"insert"}`, 400, "INVALIDENTITY"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"upsert"}`, 400, "INVALIDJOB"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"upsert","externalIdFieldName":"Industry"}`, 400, "INVALIDJOB"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"insert","columnDelimiter":"COLON"}`, 400, "JSON_PARSER_ERROR"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"insert","lineEnding":"CR"}`, 400, "JSON_PARSER_ERROR"},
		{"POST", "/jobs/ingest", `{"object":"Account","operation":"insert","contentType":"JSON"}`, 400, "INVALIDJOB"},
		{"GET", "/jobs/ingest/750000000000000AAA", "", 404, "NOT_FOUND"},
		{"PATCH", "/jobs/ingest/750000000000000AAA", `{"state":"Aborted"}`, 404, "NOT_FOUND"},
		{"PUT", "/jobs/ingest/750000000000000AAA/batches", "Name\n", 404, "NOT_FOUND"},
		{"GET", "/jobs/query/" + open.ID, "", 404, "NOT_FOUND"},
		{"PATCH", "/jobs/ingest/" + open.ID, `{"state":"JobComplete"}`, 400, "INVALIDJOBSTATE"},
		{"PATCH", "/jobs/ingest/" + open.ID, `{}`, 400, "INVALIDJOBSTATE"},
		{"PATCH", "/jobs/ingest/" + open.ID, `not json`, 400, "JSON_PARSER_ERROR"},
		{"PUT", "/jobs/ingest/" + open.ID + "/batches", "Name\nA name longer than sixteen bytes\n", 413, "REQUEST_ENTITY_TOO_LARGE"},
		{"POST", "/jobs/ingest/" + open.ID + "/batches", "Name\n", 405, "METHOD_NOT_ALLOWED"},
		{"POST", "/jobs/query", `{"operation":"query","query":"SELECT Nope FROM Account"}`, 400, "INVALID_FIELD"},
		{"POST", "/jobs/query", `{"operation":"query","query":""}`, 400, "MALFORMED_QUERY"},
		{"POST", "/jobs/query", `{"operation":"insert","query":"SELECT Id FROM Account"}`, 400, "INVALIDJOB"},
		{"GET", "/jobs/ingest?jobType=Nope", "", 400, "INVALIDREQUEST"},
	} {
		rec := b.do(t, c.method, c.path, c.body)
		var errs []struct{ ErrorCode string }
		if rec.Code != c.status || json.Unmarshal(rec.Body.Bytes(), &errs) != nil || len(errs) != 1 || errs[0].ErrorCode != c.code {
			t.Errorf("%s %s %q: %d %s; want %d %s", c.method, c.path, c.body, rec.Code, rec.Body.String(), c.status, c.code)
		}
	}
	// The job that failed to upload is still Open and empty.
	if got := b.info(t, b.do(t, "GET", "/jobs/ingest/"+open.ID, ""), 200); got.State != "Open" {
		t.Errorf("after refused upload: %+v", got)
	}
	// Query jobs need API 47.0; ingest jobs 41.0.
	wantError(t, serve(b.srv, "GET", "http://localhost:8080/services/data/v46.0/jobs/query", b.token, ""), http.StatusNotFound, "NOT_FOUND")
	// The org's cap on jobs: two more fit, the fourth does not.
	b.info(t, b.do(t, "POST", "/jobs/ingest", `{"object":"Account","operation":"insert"}`), http.StatusOK)
	b.info(t, b.do(t, "POST", "/jobs/query", `{"operation":"query","query":"SELECT Id FROM Account"}`), http.StatusOK)
	wantError(t, b.do(t, "POST", "/jobs/query", `{"operation":"query","query":"SELECT Id FROM Account"}`), http.StatusBadRequest, "LIMIT_EXCEEDED")
}

func TestBulkQueryJob(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{ProcessingDelay: time.Second})
	b.ingest(t, `{"object":"Account","operation":"insert"}`, "Name,Industry\n\"Quote \"\"Co\"\"\",Energy\n\"Comma, Ltd\",\nPlain,Retail\n")
	created := b.info(t, b.do(t, "POST", "/jobs/query", `{"operation":"query","query":"SELECT Name, Industry, Owner.Name FROM Account ORDER BY Name","columnDelimiter":"COMMA","lineEnding":"LF"}`), http.StatusOK)
	if created.State != "UploadComplete" || created.Operation != "query" || created.Object != "Account" {
		t.Fatalf("created %+v", created)
	}
	wantError(t, b.do(t, "GET", "/jobs/query/"+created.ID+"/results", ""), http.StatusConflict, "INVALIDJOBSTATE")
	if got := b.info(t, b.do(t, "GET", "/jobs/query/"+created.ID, ""), 200); got.State != "InProgress" || got.JobType != "V2Query" {
		t.Fatalf("before the delay: %+v", got)
	}
	b.srv.Clock().Advance(time.Second)
	if got := b.info(t, b.do(t, "GET", "/jobs/query/"+created.ID, ""), 200); got.State != "JobComplete" || got.NumberRecordsProcessed != 4 {
		t.Fatalf("after the delay: %+v", got)
	}
	rec := b.do(t, "GET", "/jobs/query/"+created.ID+"/results", "")
	want := "Name,Industry,Owner.Name\nAcme,Technology,Wanda Writer\n\"Comma, Ltd\",,Wanda Writer\nPlain,Retail,Wanda Writer\n\"Quote \"\"Co\"\"\",Energy,Wanda Writer\n"
	if rec.Code != 200 || rec.Body.String() != want || rec.Header().Get("Sforce-Locator") != "null" || rec.Header().Get("Sforce-NumberOfRecords") != "4" {
		t.Fatalf("results: %d %v\n%s\nwant\n%s", rec.Code, rec.Header(), rec.Body.String(), want)
	}
	// Pages of maxRecords, each with the header row, until the locator is "null".
	var pages []string
	locator := ""
	for i := 0; i < 5 && locator != "null"; i++ {
		path := "/jobs/query/" + created.ID + "/results?maxRecords=3"
		if locator != "" {
			path += "&locator=" + locator
		}
		rec := b.do(t, "GET", path, "")
		locator = rec.Header().Get("Sforce-Locator")
		pages = append(pages, rec.Header().Get("Sforce-NumberOfRecords")+":"+rec.Body.String())
	}
	if len(pages) != 2 || !strings.HasPrefix(pages[0], "3:Name,") || pages[1] != "1:Name,Industry,Owner.Name\n\"Quote \"\"Co\"\"\",Energy,Wanda Writer\n" {
		t.Errorf("pages = %q", pages)
	}
	wantError(t, b.do(t, "GET", "/jobs/query/"+created.ID+"/results?maxRecords=0", ""), http.StatusBadRequest, "INVALIDREQUEST")
	wantError(t, b.do(t, "GET", "/jobs/query/"+created.ID+"/results?locator=!!", ""), http.StatusBadRequest, "INVALID_QUERY_LOCATOR")
	list := b.do(t, "GET", "/jobs/query?jobType=V2Query&concurrencyMode=Parallel", "")
	if !strings.Contains(list.Body.String(), `"id":"`+created.ID+`"`) || !strings.HasPrefix(list.Body.String(), `{"done":true,"records":[`) ||
		!strings.HasSuffix(list.Body.String(), `"nextRecordsUrl":null}`) {
		t.Errorf("list: %s", list.Body.String())
	}
	if list := b.do(t, "GET", "/jobs/query?isPkChunkingEnabled=true", ""); list.Body.String() != `{"done":true,"records":[],"nextRecordsUrl":null}` {
		t.Errorf("pk chunking list: %s", list.Body.String())
	}
	if list := b.do(t, "GET", "/jobs/ingest", ""); strings.Contains(list.Body.String(), created.ID) || !strings.Contains(list.Body.String(), `"jobType":"V2Ingest"`) {
		t.Errorf("ingest list: %s", list.Body.String())
	}
	wantError(t, b.do(t, "PATCH", "/jobs/query/"+created.ID, `{"state":"Aborted"}`), http.StatusConflict, "INVALIDJOBSTATE")
	if rec := b.do(t, "DELETE", "/jobs/query/"+created.ID, ""); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d", rec.Code)
	}
	wantError(t, b.do(t, "GET", "/jobs/query/"+created.ID+"/results", ""), http.StatusNotFound, "NOT_FOUND")
}

func TestBulkQueryJobAbortAndQueryAll(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{ProcessingDelay: time.Minute})
	created := b.info(t, b.do(t, "POST", "/jobs/query", `{"operation":"queryAll","query":"SELECT Id, IsDeleted FROM Account"}`), http.StatusOK)
	if got := b.info(t, b.do(t, "PATCH", "/jobs/query/"+created.ID, `{"state":"Aborted"}`), 200); got.State != "Aborted" {
		t.Fatalf("abort: %+v", got)
	}
	wantError(t, b.do(t, "GET", "/jobs/query/"+created.ID+"/results", ""), http.StatusConflict, "INVALIDJOBSTATE")
}

func TestBulkJobsGoWithTheirOrg(t *testing.T) {
	t.Parallel()
	b := newBulkServer(t, rest.BulkSettings{})
	b.info(t, b.do(t, "POST", "/jobs/ingest", `{"object":"Account","operation":"insert"}`), http.StatusOK)
	st := b.srv.Store()
	org := st.Orgs()[0].ID
	if n := len(st.BulkJobs(org, "")); n != 1 {
		t.Fatalf("jobs = %d; want 1", n)
	}
	if err := st.DeleteOrg(org); err != nil {
		t.Fatal(err)
	}
	if n := len(st.BulkJobs(org, "")); n != 0 {
		t.Errorf("jobs after DeleteOrg = %d; want 0", n)
	}
}
