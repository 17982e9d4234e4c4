package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
)

// TestServerRoutes drives every REST resource through mocksf's own router
// on its instance host, localhost, as a client on instance_url does.
func TestServerRoutes(t *testing.T) {
	t.Parallel()
	f := newServer(t, mocksf.Config{Seed: []byte(writeSeed)})
	user := f.orgs["Writer"].Users[0]
	token := f.token(t, "Writer", 0)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		return serve(f.srv, method, "http://localhost:8080"+path, token, body)
	}
	v := "/services/data/v67.0"
	rec := do("POST", v+"/sobjects/Lead", `{"LastName":"Routed","Company":"C","External_Id__c":"R-1"}`)
	if rec.Code != 201 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	id := rec.Body.String()[7:25]
	for _, c := range []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"GET", "/services/data", "", 200, `"version":"67.0"`},
		{"GET", "//services/data/", "", 200, `"version":"20.0"`},
		{"GET", v, "", 200, `"identity":"http://127.0.0.1:8080/id/`},
		{"GET", v + "/", "", 200, `"sobjects":"/services/data/v67.0/sobjects"`},
		{"GET", v + "/limits", "", 200, `"DailyApiRequests":{"Max":102000,`},
		{"GET", v + "/sobjects", "", 200, `"name":"Invoice__c"`},
		{"GET", v + "/sobjects/Lead", "", 200, `"objectDescribe":`},
		{"GET", v + "/sobjects/Lead/describe", "", 200, `"name":"External_Id__c"`},
		{"GET", v + "/sobjects/Lead/" + id, "", 200, `"LastName":"Routed"`},
		{"PATCH", v + "/sobjects/Lead/" + id, `{"FirstName":"Ada"}`, 204, ""},
		{"GET", v + "/sobjects/Lead/External_Id__c/R-1", "", 200, `"Name":"Ada Routed"`},
		{"PATCH", v + "/sobjects/Lead/External_Id__c/R-2", `{"LastName":"Two","Company":"C"}`, 201, `"created":true`},
		{"GET", v + "/sobjects/User/" + user.ID, "", 200, `"FullPhotoUrl":"http://localhost:8080/profilephoto/005/F"`},
		{"GET", v + "/query?q=SELECT+Name+FROM+Lead+ORDER+BY+Name", "", 200, `"Name":"Ada Routed"`},
		{"GET", v + "/queryAll?q=SELECT+COUNT()+FROM+Lead", "", 200, `"totalSize":2`},
		{"POST", v + "/composite/sobjects", `{"records":[{"attributes":{"type":"Account"},"Name":"Coll"}]}`, 200, `"success":true`},
		{"POST", v + "/composite", `{"compositeRequest":[{"method":"GET","url":"` + v + `/limits","referenceId":"l"}]}`, 200, `"httpStatusCode":200`},
		{"GET", v + "/sobjects/Lead/updated/?start=2020-01-01T00:00:00Z&end=2030-01-01T00:00:00Z", "", 400, "INVALID_REPLICATION_DATE"},
		{"DELETE", v + "/sobjects/Lead/" + id, "", 204, ""},
		{"GET", v + "/sobjects/Lead/" + id, "", 404, "ENTITY_IS_DELETED"},
		{"PUT", v + "/sobjects/Lead", "", 405, "METHOD_NOT_ALLOWED"},
		{"GET", v + "/nothing", "", 404, "NOT_FOUND"},
		{"GET", "/services/data/v68.0/sobjects", "", 404, "NOT_FOUND"},
	} {
		rec := do(c.method, c.path, c.body)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.contains) {
			t.Errorf("%s %s: %d %.300s; want %d and %s", c.method, c.path, rec.Code, rec.Body.String(), c.status, c.contains)
		}
		if c.path != "/services/data" && c.path != "//services/data/" && rec.Header().Get("Sforce-Limit-Info") == "" {
			t.Errorf("%s %s: no Sforce-Limit-Info", c.method, c.path)
		}
	}
	if rec := do("GET", "/services/data", ""); rec.Code != http.StatusOK {
		t.Errorf("versions: %d", rec.Code)
	}
}
