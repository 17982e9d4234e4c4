package control_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/store"
)

// maxFuzzGenerated bounds the records one fuzzed body may generate: enough
// to reach every path, few enough to keep each run fast.
const maxFuzzGenerated = 1000

// slow reports whether a body asks for more generated records than a fuzz
// run should wait for, but no more than mocksf allows: such bodies are
// skipped, not sent. Those over the limit are sent, and must be refused.
func slow(generated, limit int) bool {
	return generated > maxFuzzGenerated && generated <= limit
}

// controlCodes are the error codes a control API answer may carry, by
// status.
var controlCodes = map[int]string{
	http.StatusBadRequest: control.CodeBadRequest,
	http.StatusNotFound:   control.CodeNotFound,
	http.StatusConflict:   control.CodeConflict,
}

// newFuzzServer is mocksf with testSeed, for fuzz targets; requests go
// straight to its handler.
func newFuzzServer(tb testing.TB) *server {
	tb.Helper()
	srv, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:9", Seed: []byte(testSeed)})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { srv.Close() })
	return &server{Server: srv, URL: "http://127.0.0.1:9"}
}

// serveControl sends one control API request from loopback, to a loopback
// Host, as the Guard requires, straight to mocksf's handler.
func serveControl(s *server, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.RemoteAddr = "127.0.0.1:40000"
	req.Host = "127.0.0.1:9"
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec
}

// checkControlAnswer fails unless rec is a JSON answer with one of the
// statuses in ok, or a control Error (400, 404, 409) with a code and a
// message. Never a 500, which is also what a recovered panic becomes.
func checkControlAnswer(t *testing.T, rec *httptest.ResponseRecorder, ok ...int) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("%d with Content-Type %q: %s", rec.Code, ct, rec.Body)
	}
	for _, s := range ok {
		if rec.Code == s {
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("%d with a body that is not JSON: %s", rec.Code, rec.Body)
			}
			return
		}
	}
	code, known := controlCodes[rec.Code]
	if !known {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var e struct{ Error, Message string }
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error != code || e.Message == "" {
		t.Fatalf("%d %s; want {\"error\":%q,\"message\":...}", rec.Code, rec.Body, code)
	}
}

// controlOrgSeeds are bodies of POST /__mocksf/orgs from the table tests,
// valid and not.
var controlOrgSeeds = []string{
	`{"name": "Globex", "edition": "Enterprise",
		"users": [
			{"username": "hank@globex.test", "password": "Hank-Pass-1", "admin": true, "firstName": "Hank"},
			{"username": "sync@globex.test", "password": "Sync-Pass-1", "email": "ops@globex.test"}
		],
		"connectedApps": [{"name": "Globex Sync", "callbackUrls": ["http://127.0.0.1:9/cb"], "scopes": ["api"]}],
		"records": {"Account": [{"Name": "Globex"}], "generate": {"Lead": 5}}}`,
	`{"name": "Everything", "edition": "Professional", "status": "frozen", "allowPasswordFlow": true,
		"restrictConnectedApps": true, "apiDailyLimit": 5, "newestApiVersion": "66.0",
		"users": [{"username": "a@every.test", "password": "pw", "active": false, "apiEnabled": false}],
		"connectedApps": [{"name": "E", "apiName": "E_1", "consumerKey": "KEY-E", "consumerSecret": "S",
			"requireSecretForWebServerFlow": false, "requireSecretForRefreshTokenFlow": false, "requirePkce": true,
			"permittedUsers": "admin-approved", "assignedUsers": ["A@every.test"],
			"refreshTokenPolicy": {"mode": "absolute", "for": "1h"}, "blocked": true, "activationDelay": "10m",
			"clientCredentialsRunAs": "a@every.test", "introspectAllTokens": true}],
		"customObjects": [{"name": "Invoice__c", "fields": [{"name": "Amount__c", "type": "currency"}]}],
		"customFields": {"Lead": [{"name": "Score__c", "type": "number"}]},
		"records": {"Invoice__c": [{"Name": "INV-1", "Amount__c": 1.5, "Big": 1e400}], "generate": {"Invoice__c": 2}}}`,
	`{"name": "X",`,
	`[1, 2]`,
	``,
	`null`,
	`{"name": "X"} {}`,
	`{"name": "X", "colour": "blue"}`,
	`{"name": "X", "users": [{"username": "a@x.test", "pasword": "pw"}]}`,
	`{"name": 5}`,
	`{"users": []}`,
	`{"name": "X", "users": [{"username": "a@x.test"}]}`,
	`{"name": "X", "records": {"Lead": {"LastName": "A"}}}`,
	`{"name": "X", "records": {"generate": {"Lead": -1}}}`,
	`{"name": "X", "records": {"generate": {"Lead": 200001}}}`,
	`{"name": "X", "records": {"generate": {"Lead": 150000, "Contact": 150000}}}`,
	`{"name": "X", "connectedApps": [{"name": "A", "permittedUsers": "some"}]}`,
	`{"name": "X", "connectedApps": [{"name": "s"}, {"name": "ſ"}]}`,
	`{"name": "X", "users": [{"username": "sync@acme.test", "password": "pw"}]}`,
	`{"name": "X", "users": [{"username": "SYNC@Acme.test", "password": "pw"}]}`,
	`{"name": "X", "connectedApps": [{"name": "A", "consumerKey": "` + acmeKey + `"}]}`,
	`{"name": "X", "records": {"Lead": [{"A": {"b": [1, {"c": null}]}}]}}`,
	`{"name": "ECAs", "users": [{"username": "a@eca.test", "password": "pw"}],
		"connectedApps": [{"name": "Classic"}],
		"externalClientApps": [{"name": "E", "consumerKey": "KEY-ECA", "distributionState": "Packaged", "requirePkce": false,
			"flows": ["clientCredentials", "authorizationCodeAndCredentials", "deviceFlow", "jwtBearer", "tokenExchange"],
			"clientCredentialsRunAs": "a@eca.test"}, {"name": "Plain"}]}`,
	`{"name": "X", "externalClientApps": [{"name": "A", "flows": ["foo"]}]}`,
	`{"name": "X", "externalClientApps": [{"name": "A", "flows": "jwtBearer"}]}`,
	`{"name": "X", "externalClientApps": [{"name": "A", "distributionState": "Global"}]}`,
	`{"name": "X", "connectedApps": [{"name": "A", "flows": [], "distributionState": "Local"}]}`,
	`{"name": "X", "connectedApps": [{"name": "A"}], "externalClientApps": [{"name": "a"}]}`,
	`{"name": "X", "externalClientApps": [{"name": "A", "consumerKey": "` + acmeKey + `"}]}`,
}

// FuzzControlOrgJSON posts arbitrary bodies to POST /__mocksf/orgs. mocksf
// answers 201 with the org, or a 400 or 409 control Error, never a 500 or a
// panic; an error creates nothing, and a created org has the users and apps
// its answer lists.
func FuzzControlOrgJSON(f *testing.F) {
	for _, body := range controlOrgSeeds {
		f.Add([]byte(body))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		if spec, err := store.ParseOrgJSON(body); err == nil && slow(generatedByOrg(spec), store.MaxGenerated) {
			return
		}
		before := len(s.Store().Orgs())
		rec := serveControl(s, http.MethodPost, "/__mocksf/orgs", body)
		checkControlAnswer(t, rec, http.StatusCreated)
		if rec.Code != http.StatusCreated {
			if after := len(s.Store().Orgs()); after != before {
				t.Fatalf("%d answer, yet the store went from %d orgs to %d", rec.Code, before, after)
			}
			return
		}
		var org control.Org
		if err := json.Unmarshal(rec.Body.Bytes(), &org); err != nil {
			t.Fatalf("201 body %s: %v", rec.Body, err)
		}
		if got := len(s.Store().Users(org.ID)); got != len(org.Users) {
			t.Fatalf("org %s has %d users; the answer lists %d", org.ID, got, len(org.Users))
		}
		for _, a := range org.ConnectedApps {
			if app, err := s.Store().AppByKey(a.ConsumerKey); err != nil || app.OrgID != org.ID || app.External() {
				t.Fatalf("connected app %q of the answer: %+v, %v", a.ConsumerKey, app, err)
			}
		}
		for _, a := range org.ExternalClientApps {
			if app, err := s.Store().AppByKey(a.ConsumerKey); err != nil || app.OrgID != org.ID || !app.External() || a.DistributionState == "" {
				t.Fatalf("External Client App %q of the answer: %+v, %v", a.ConsumerKey, app, err)
			}
		}
		if got, want := len(s.Store().Apps(org.ID)), len(org.ConnectedApps)+len(org.ExternalClientApps); got != want {
			t.Fatalf("org %s has %d apps; the answer lists %d", org.ID, got, want)
		}
		// Remove it over the API, so that the next input may reuse its
		// usernames and keys.
		if rec := serveControl(s, http.MethodDelete, "/__mocksf/orgs/"+org.ID, nil); rec.Code != http.StatusNoContent {
			t.Fatalf("DELETE the new org = %d %s", rec.Code, rec.Body)
		}
		if after := len(s.Store().Orgs()); after != before {
			t.Fatalf("%d orgs after create and delete; want %d", after, before)
		}
	})
}

func generatedByOrg(spec store.OrgSpec) int {
	n := 0
	for _, c := range spec.Records.Generate {
		n += max(c, 0)
	}
	return n
}

// Routes of FuzzControlJSON, by its route argument.
const (
	fuzzFaults = iota
	fuzzRecords
	fuzzCustomRecords
	fuzzUser
	fuzzApp
	fuzzRevoke
	fuzzECA
	fuzzRoutes
)

// fuzzOrg is the org FuzzControlJSON creates for each input.
var fuzzOrg = store.OrgSpec{
	Name:  "Fuzz",
	Users: []store.UserSpec{{Username: "fuzz@fuzz.test", Password: "pw"}, {Username: "admin@fuzz.test", Password: "pw", Admin: true}},
	ConnectedApps: []store.AppSpec{{Name: "Fuzz App", ConsumerKey: "KEY-FUZZ", ConsumerSecret: "SECRET-FUZZ",
		CallbackURLs: []string{"http://127.0.0.1:9/cb"}, Scopes: []string{"api", "refresh_token"}}},
	ExternalClientApps: []store.AppSpec{{Name: "Fuzz ECA", ConsumerKey: "KEY-FUZZ-ECA", ConsumerSecret: "SECRET-FUZZ-ECA",
		CallbackURLs: []string{"http://127.0.0.1:9/cb"}, Scopes: []string{"api", "refresh_token"}}},
	CustomObjects: []store.CustomObjectSpec{{Name: "Invoice__c"}},
}

// FuzzControlJSON sends arbitrary JSON bodies to the control API's other
// routes that read one: fault rules, records, a user's, a connected app's
// and an External Client App's changes, and revoke. Each answers its success status or a control Error,
// never a 500 or a panic. Every input gets a fresh org and no fault rules.
func FuzzControlJSON(f *testing.F) {
	seeds := []struct {
		route int
		body  string
	}{
		{fuzzFaults, `{"method": "GET", "path": "/services/data/*/query", "salesforceError": "REQUEST_LIMIT_EXCEEDED", "times": 2}`},
		{fuzzFaults, `{"path": "/services/oauth2/token", "oauthError": "inactive_org", "message": "this org is frozen", "status": 401}`},
		{fuzzFaults, `{"path": "/services/data", "status": 503, "body": "<html>maintenance</html>", "contentType": "text/html", "headers": {"Retry-After": "120"}}`},
		{fuzzFaults, `{"method": "*", "path": "/id/{orgId}/{userId}", "status": 500, "orgId": "00D000000000001", "clientId": "K", "username": "a@b.c"}`},
		{fuzzFaults, `{"path": "/services/data", "delay": "100ms", "salesforceError": "SERVER_UNAVAILABLE", "for": "10m"}`},
		{fuzzFaults, `{"path": "/services/oauth2/token", "drop": true, "times": 1, "until": "2030-01-01T00:00:00Z"}`},
		{fuzzFaults, `{"path": "/services/[", "status": 500}`},
		{fuzzFaults, `{"status": 1000}`},
		{fuzzFaults, `{"delay": "2h"}`},
		{fuzzFaults, `{"salesforceError": "NOT_FOUND", "oauthError": "invalid_grant"}`},
		{fuzzRecords, `{"records": [{"FirstName": "Ada", "LastName": "Lovelace", "NumberOfEmployees": 12, "IsConverted": false, "Email": null}], "generate": 2}`},
		{fuzzRecords, `{"generate": 200001}`},
		{fuzzRecords, `{"generate": -1}`},
		{fuzzRecords, `{"records": [1]}`},
		{fuzzRecords, `{"records": [{"LastName": "B", "createdDate": "2020-01-01T00:00:00Z"}]}`},
		{fuzzRecords, `{"records": [{"Address": {"City": "Paris"}}]}`},
		{fuzzCustomRecords, `{"records": [{"Name": "INV-1"}], "generate": 1}`},
		{fuzzUser, `{"apiEnabled": false, "active": false, "password": "New-Pass-2", "unlock": true}`},
		{fuzzUser, `{"active": "no"}`},
		{fuzzUser, `{"password": ""}`},
		{fuzzApp, `{"callbackUrls": ["http://127.0.0.1:9/new", "myapp://oauth/done"], "requirePkce": true, "blocked": true, "activationDelay": "10m", "refreshTokenRotation": true}`},
		{fuzzApp, `{"activationDelay": "-1s"}`},
		{fuzzApp, `{"flows": ["jwtBearer"]}`},
		{fuzzECA, `{"flows": ["clientCredentials", "jwtBearer"], "distributionState": "Packaged", "requirePkce": false, "blocked": true}`},
		{fuzzECA, `{"flows": ["foo"]}`},
		{fuzzECA, `{"flows": null}`},
		{fuzzECA, `{"distributionState": "local"}`},
		{fuzzRevoke, `{"username": "fuzz@fuzz.test", "clientId": "KEY-FUZZ-ECA"}`},
		{fuzzRevoke, `{"username": "fuzz@fuzz.test", "clientId": "KEY-FUZZ"}`},
		{fuzzRevoke, `{"username": "nobody@fuzz.test"}`},
	}
	for _, sd := range seeds {
		f.Add(uint8(sd.route), []byte(sd.body))
	}
	s := newFuzzServer(f)
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		res, err := s.Store().CreateOrg(fuzzOrg)
		if err != nil {
			t.Fatalf("creating the org: %v", err)
		}
		org := res.Org.ID
		defer func() {
			_ = s.Store().DeleteOrg(org)
			serveControl(s, http.MethodDelete, "/__mocksf/faults", nil)
		}()
		var rec *httptest.ResponseRecorder
		switch int(route) % fuzzRoutes {
		case fuzzFaults:
			rec = serveControl(s, http.MethodPost, "/__mocksf/faults", body)
			checkControlAnswer(t, rec, http.StatusCreated)
		case fuzzRecords, fuzzCustomRecords:
			var in control.RecordsInsert
			if json.Unmarshal(body, &in) == nil && slow(in.Generate, control.MaxGenerate) {
				return
			}
			object := "Lead"
			if int(route)%fuzzRoutes == fuzzCustomRecords {
				object = "Invoice__c"
			}
			rec = serveControl(s, http.MethodPost, "/__mocksf/orgs/"+org+"/records/"+object, body)
			checkControlAnswer(t, rec, http.StatusCreated)
		case fuzzUser:
			rec = serveControl(s, http.MethodPatch, "/__mocksf/orgs/"+org+"/users/fuzz@fuzz.test", body)
			checkControlAnswer(t, rec, http.StatusOK)
		case fuzzApp:
			rec = serveControl(s, http.MethodPatch, "/__mocksf/orgs/"+org+"/connectedApps/KEY-FUZZ", body)
			checkControlAnswer(t, rec, http.StatusOK)
		case fuzzECA:
			rec = serveControl(s, http.MethodPatch, "/__mocksf/orgs/"+org+"/externalClientApps/KEY-FUZZ-ECA", body)
			checkControlAnswer(t, rec, http.StatusOK)
		case fuzzRevoke:
			rec = serveControl(s, http.MethodPost, "/__mocksf/orgs/"+org+"/revoke", body)
			checkControlAnswer(t, rec, http.StatusOK)
		}
	})
}
