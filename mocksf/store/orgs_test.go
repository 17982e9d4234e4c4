package store_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestCreateOrg(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	res, err := s.store.CreateOrg(store.OrgSpec{
		Name:          "Initech",
		Users:         []store.UserSpec{{Username: "peter@initech.test", Password: "pw"}},
		ConnectedApps: []store.AppSpec{{Name: "TPS", CallbackURLs: []string{"https://tps.example/cb"}}},
		Records:       store.RecordsSpec{Generate: map[string]int{"Lead": 4}},
	})
	if err != nil {
		t.Fatalf("CreateOrg error = %v; want nil", err)
	}
	if res.Org.Name != "Initech" || res.Org.Edition != "Enterprise" || len(res.Users) != 1 || len(res.Apps) != 1 {
		t.Fatalf("CreateOrg = %+v; want Initech with one user and one app", res)
	}
	if res.Apps[0].ConsumerKey == "" || res.Apps[0].ConsumerSecret == "" {
		t.Errorf("app = %+v; want a generated key and secret", res.Apps[0])
	}
	if got := s.store.RecordCounts(res.Org.ID); !reflect.DeepEqual(got, map[string]int{"Lead": 4}) {
		t.Errorf("RecordCounts = %v; want Lead: 4", got)
	}
}

func TestCreateOrgConflictChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		spec store.OrgSpec
	}{
		{"username of another org, other case", store.OrgSpec{Name: "X", Users: []store.UserSpec{
			{Username: "new@x.test", Password: "pw"}, {Username: "ADMIN@acme.test", Password: "pw"}}}},
		{"consumer key of another org", store.OrgSpec{Name: "X", ConnectedApps: []store.AppSpec{{Name: "A", ConsumerKey: "KEY-BEACON"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			before := takeSnapshot(s.store)
			_, err := s.store.CreateOrg(tc.spec)
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("CreateOrg error = %v; want ErrConflict", err)
			}
			if after := takeSnapshot(s.store); !reflect.DeepEqual(before, after) {
				t.Errorf("the store changed after a conflict")
			}
		})
	}
}

func TestDeleteOrgRemovesEverythingInIt(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	st := s.store
	// A Globex user holds a token of Acme's app: deleting Acme removes
	// it, since the app is gone.
	atAcme, rtAcme, err := st.IssueTokens("", s.beacon.ConsumerKey, s.sync.ID, []string{"api"}, true)
	if err != nil {
		t.Fatal(err)
	}
	atGlobex, _, err := st.IssueTokens("", s.beacon.ConsumerKey, s.ceo.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	code := st.SaveCode(store.AuthCode{ConsumerKey: s.beacon.ConsumerKey, OrgID: s.acme.ID, UserID: s.sync.ID})
	st.Approve(s.sync.ID, s.beacon.ConsumerKey)
	sess := st.NewSession()
	if _, err := st.UpdateSession(sess.ID, func(x *store.Session) { x.UserID, x.OrgID = s.admin.ID, s.acme.ID }); err != nil {
		t.Fatal(err)
	}
	anon := st.NewSession()
	globexRecord, err := st.InsertRecord(s.globex.ID, "Lead", s.ceo.ID, map[string]any{"LastName": "Kept"})
	if err != nil {
		t.Fatal(err)
	}

	if err := st.DeleteOrg(s.acme.ID[:15]); err != nil {
		t.Fatalf("DeleteOrg(15-char id) = %v; want nil", err)
	}
	if _, err := st.Org(s.acme.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Org after delete: %v; want ErrNotFound", err)
	}
	if _, err := st.UserByUsername("admin@acme.test"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByUsername after delete: %v; want ErrNotFound", err)
	}
	if _, err := st.User(s.sync.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("User after delete: %v; want ErrNotFound", err)
	}
	if _, err := st.AppByKey(s.beacon.ConsumerKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AppByKey after delete: %v; want ErrNotFound", err)
	}
	if n := len(st.Records(s.acme.ID, "Lead")); n != 0 {
		t.Errorf("%d Acme leads after delete; want 0", n)
	}
	for _, tok := range []string{atAcme.Token, atGlobex.Token} {
		if _, err := st.LookupAccessToken(tok); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("access token after delete: %v; want ErrNotFound", err)
		}
	}
	if _, err := st.LookupRefreshToken(rtAcme.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("refresh token after delete: %v; want ErrNotFound", err)
	}
	if _, err := st.RedeemCode(code.Code); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("code after delete: %v; want ErrNotFound", err)
	}
	if st.Approved(s.sync.ID, s.beacon.ConsumerKey) {
		t.Errorf("approval survived the delete")
	}
	if _, err := st.Session(sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the admin's session after delete: %v; want ErrNotFound", err)
	}
	if _, err := st.Session(anon.ID); err != nil {
		t.Errorf("a session of no org was removed: %v", err)
	}
	// Globex is untouched.
	if _, err := st.UserByUsername("ceo@globex.test"); err != nil {
		t.Errorf("Globex's user after deleting Acme: %v", err)
	}
	if _, err := st.Record(s.globex.ID, "Lead", globexRecord.ID); err != nil {
		t.Errorf("Globex's record after deleting Acme: %v", err)
	}
	// The username is free again.
	if _, err := st.CreateOrg(store.OrgSpec{Name: "Acme 2", Users: []store.UserSpec{{Username: "admin@acme.test", Password: "pw"}}}); err != nil {
		t.Errorf("reusing a deleted org's username: %v", err)
	}
	if err := st.DeleteOrg(s.acme.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleting twice: %v; want ErrNotFound", err)
	}
}

func TestResetToGivesTheSameIDsKeysAndSecrets(t *testing.T) {
	t.Parallel()
	seed, err := store.ParseSeed([]byte(`
orgs:
  - name: Acme
    users: [{username: a@acme.test, password: pw}]
    connectedApps: [{name: Generated}]
    records: {generate: {Lead: 2}}
`))
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(newTestClock().Now)
	first, err := st.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	seed = seed.WithKeys(first)
	if _, err := st.CreateOrg(store.OrgSpec{Name: "Extra", Users: []store.UserSpec{{Username: "x@x.test", Password: "pw"}}}); err != nil {
		t.Fatal(err)
	}
	again, err := st.ResetTo(seed)
	if err != nil {
		t.Fatalf("ResetTo = %v", err)
	}
	if !reflect.DeepEqual(first, again) {
		t.Errorf("ResetTo gave\n%+v\nwant what the first Apply gave\n%+v", again, first)
	}
	if n := len(st.Orgs()); n != 1 {
		t.Errorf("%d orgs after ResetTo; want 1", n)
	}
	leads := st.Records(first[0].Org.ID, "Lead")
	if len(leads) != 2 {
		t.Errorf("%d leads after ResetTo; want 2", len(leads))
	}
}

func TestOrgOfTokenAndSession(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	at, _, err := s.store.IssueTokens("", s.beacon.ConsumerKey, s.sync.ID, []string{"api"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if org, user, key := s.store.OrgOfToken(at.Token); org != s.acme.ID || user != "sync@acme.test" || key != "KEY-BEACON" {
		t.Errorf("OrgOfToken = %q, %q, %q; want Acme, sync@acme.test, KEY-BEACON", org, user, key)
	}
	if org, _, _ := s.store.OrgOfToken("nope"); org != "" {
		t.Errorf("OrgOfToken(unknown) = %q; want empty", org)
	}
	sess := s.store.NewSession()
	s.store.UpdateSession(sess.ID, func(x *store.Session) { x.UserID, x.OrgID = s.ceo.ID, s.globex.ID })
	if org, user := s.store.OrgOfSession(sess.ID); org != s.globex.ID || user != "ceo@globex.test" {
		t.Errorf("OrgOfSession = %q, %q; want Globex, ceo@globex.test", org, user)
	}
}

func TestOrgSpecJSONMatchesTheSeedSchema(t *testing.T) {
	t.Parallel()
	spec, err := store.ParseOrgJSON([]byte(`{
		"name": "Acme", "edition": "Enterprise", "allowPasswordFlow": true,
		"users": [{"username": "a@acme.test", "password": "pw", "admin": true, "apiEnabled": false}],
		"connectedApps": [{"name": "App", "callbackUrls": ["https://x.example/cb"], "refreshTokenPolicy": {"mode": "idle", "for": "1h"}}],
		"records": {"Account": [{"Name": "One", "NumberOfEmployees": 12, "AnnualRevenue": 1.5, "Tags": [1, 2.5], "Site": null}], "generate": {"Lead": 2}}
	}`))
	if err != nil {
		t.Fatalf("ParseOrgJSON error = %v", err)
	}
	yamlSeed, err := store.ParseSeed([]byte(`
orgs:
  - name: Acme
    edition: Enterprise
    allowPasswordFlow: true
    users: [{username: a@acme.test, password: pw, admin: true, apiEnabled: false}]
    connectedApps: [{name: App, callbackUrls: ["https://x.example/cb"], refreshTokenPolicy: {mode: idle, for: 1h}}]
    records:
      Account: [{Name: One, NumberOfEmployees: 12, AnnualRevenue: 1.5, Tags: [1, 2.5], Site: null}]
      generate: {Lead: 2}
`))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(spec, yamlSeed.Orgs[0]) {
		t.Errorf("JSON org\n%#v\nwant the same as YAML\n%#v", spec, yamlSeed.Orgs[0])
	}
	// Marshalling gives the same schema back.
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	again, err := store.ParseOrgJSON(b)
	if err != nil {
		t.Fatalf("ParseOrgJSON(Marshal(spec)) error = %v; body %s", err, b)
	}
	if !reflect.DeepEqual(spec, again) {
		t.Errorf("round trip\n%#v\nwant\n%#v", again, spec)
	}
}

func TestParseOrgJSONErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, body, want string }{
		{"unknown field", `{"name":"A","colour":"blue"}`, `unknown field "colour"`},
		{"unknown user field", `{"name":"A","users":[{"username":"a@a.test","pasword":"x"}]}`, `unknown field "pasword"`},
		{"bad JSON", `{"name":`, "unexpected EOF"},
		{"records not a list", `{"name":"A","records":{"Lead":{"x":1}}}`, "records.Lead: want a list of records"},
		{"generate not counts", `{"name":"A","records":{"generate":{"Lead":"many"}}}`, "records.generate"},
		{"trailing data", `{"name":"A"} {"name":"B"}`, "after the JSON object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := store.ParseOrgJSON([]byte(tc.body))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseOrgJSON(%s) error = %v; want it to contain %q", tc.body, err, tc.want)
			}
		})
	}
}

// orgsForMemory is how many orgs TestMemoryPerOrg makes.
const orgsForMemory = 1000

// TestMemoryPerOrg measures what one small org (two users, one connected
// app, no records) costs, so that thousands of orgs in one process stay
// cheap. Run with -v to see the figure.
func TestMemoryPerOrg(t *testing.T) {
	if testing.Short() {
		t.Skip("measures memory")
	}
	st := store.New(nil)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range orgsForMemory {
		_, err := st.CreateOrg(store.OrgSpec{
			Name: fmt.Sprintf("Org %d", i),
			Users: []store.UserSpec{
				{Username: fmt.Sprintf("admin@org%d.test", i), Password: "Admin-Pass-1", Admin: true},
				{Username: fmt.Sprintf("sync@org%d.test", i), Password: "Sync-Pass-1"},
			},
			ConnectedApps: []store.AppSpec{{Name: "Product Sync", CallbackURLs: []string{"http://127.0.0.1:9000/cb"}, Scopes: []string{"api", "refresh_token"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	perOrg := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / orgsForMemory
	t.Logf("heap per org (2 users, 1 app, no records): %d bytes over %d orgs", perOrg, orgsForMemory)
	if perOrg > 16<<10 {
		t.Errorf("an org costs %d bytes of heap; want under 16 KiB", perOrg)
	}
	runtime.KeepAlive(st)
}

// TestDeleteOrgTakesItsState checks that what the store keeps for an org
// beside its Org (custom schema, API settings, records, Bulk jobs) goes
// with it.
func TestDeleteOrgTakesItsState(t *testing.T) {
	t.Parallel()
	st := store.New(newTestClock().Now)
	org := mustApply(t, st, customSeed)[0].Org.ID
	if _, err := st.CreateBulkJob(org, "ingest", store.BulkLimits{}, func(string) (any, int64) { return nil, 0 }); err != nil {
		t.Fatal(err)
	}
	if st.CustomSchema(org) == nil || st.NewestAPIVersion(org) == "" || len(st.RecordSnapshot(org, "Invoice__c")) == 0 || len(st.BulkJobs(org, "")) == 0 {
		t.Fatal("the seeded org has no custom schema, API version, records or jobs to delete")
	}
	if err := st.DeleteOrg(org); err != nil {
		t.Fatal(err)
	}
	if cs, v := st.CustomSchema(org), st.NewestAPIVersion(org); cs != nil || v != "" {
		t.Errorf("after DeleteOrg, CustomSchema = %v and NewestAPIVersion = %q; want nil and \"\"", cs, v)
	}
	if rs, jobs := st.RecordSnapshot(org, "Invoice__c"), st.BulkJobs(org, ""); len(rs) != 0 || len(jobs) != 0 {
		t.Errorf("after DeleteOrg, %d records and %d jobs; want none", len(rs), len(jobs))
	}
	if _, err := st.APIUsageOf(org); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("after DeleteOrg, APIUsageOf error = %v; want ErrNotFound", err)
	}
}
