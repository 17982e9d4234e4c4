package store_test

import (
	"errors"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/store"
)

func TestParseSeed(t *testing.T) {
	t.Parallel()
	seed, err := store.ParseSeed([]byte(testSeed))
	if err != nil {
		t.Fatalf("ParseSeed(testSeed) error = %v; want nil", err)
	}
	if got, want := len(seed.Orgs), 2; got != want {
		t.Fatalf("len(Orgs) = %d; want %d", got, want)
	}
	acme, globex := seed.Orgs[0], seed.Orgs[1]
	if acme.Name != "Acme" || acme.Edition != "Enterprise" {
		t.Errorf("Orgs[0] name, edition = %q, %q; want Acme, Enterprise", acme.Name, acme.Edition)
	}
	if globex.Name != "Globex" || globex.Edition != "Professional" {
		t.Errorf("Orgs[1] name, edition = %q, %q; want Globex, Professional", globex.Name, globex.Edition)
	}
	if got, want := len(acme.Users), 2; got != want {
		t.Fatalf("len(Orgs[0].Users) = %d; want %d", got, want)
	}
	admin := acme.Users[0]
	wantAdmin := store.UserSpec{
		Username: "Admin@Acme.test", Password: "pw-admin", Email: "avery@acme.test",
		FirstName: "Avery", LastName: "Admin", Admin: true,
	}
	if !reflect.DeepEqual(admin, wantAdmin) {
		t.Errorf("Orgs[0].Users[0] = %+v; want %+v", admin, wantAdmin)
	}
	if api := acme.Users[1].APIEnabled; api == nil || *api {
		t.Errorf("Orgs[0].Users[1].APIEnabled = %v; want a pointer to false", api)
	}
	wantApps := []store.AppSpec{{
		Name: "Beacon Sync", ConsumerKey: "KEY-BEACON", ConsumerSecret: "SECRET-BEACON",
		CallbackURLs: []string{"https://beacon.example/callback"}, Scopes: []string{"api", "refresh_token"},
	}}
	if !reflect.DeepEqual(acme.ConnectedApps, wantApps) {
		t.Errorf("Orgs[0].ConnectedApps = %+v; want %+v", acme.ConnectedApps, wantApps)
	}
	wantExplicit := map[string][]map[string]any{
		"Lead": {{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Analytical Engines"}},
	}
	if !reflect.DeepEqual(acme.Records.Explicit, wantExplicit) {
		t.Errorf("Orgs[0].Records.Explicit = %v; want %v", acme.Records.Explicit, wantExplicit)
	}
	wantGenerate := map[string]int{"Lead": 3, "Contact": 2}
	if !reflect.DeepEqual(acme.Records.Generate, wantGenerate) {
		t.Errorf("Orgs[0].Records.Generate = %v; want %v", acme.Records.Generate, wantGenerate)
	}
	if len(globex.Records.Explicit) != 0 || len(globex.Records.Generate) != 0 {
		t.Errorf("Orgs[1].Records = %+v; want none", globex.Records)
	}
}

func TestParseSeedRecordValues(t *testing.T) {
	t.Parallel()
	seed, err := store.ParseSeed([]byte(`
orgs:
  - name: Acme
    users: [{username: a@acme.test, password: pw}]
    records:
      Account:
        - {Name: One, NumberOfEmployees: 12, AnnualRevenue: 1.5, IsPartner: true, Site: null}
        - Name: Two
      Widget__c: []
`))
	if err != nil {
		t.Fatalf("ParseSeed error = %v; want nil", err)
	}
	want := map[string][]map[string]any{
		"Account": {
			{"Name": "One", "NumberOfEmployees": 12, "AnnualRevenue": 1.5, "IsPartner": true, "Site": nil},
			{"Name": "Two"},
		},
		"Widget__c": {},
	}
	if got := seed.Orgs[0].Records.Explicit; !reflect.DeepEqual(got, want) {
		t.Errorf("Records.Explicit = %#v; want %#v", got, want)
	}
	if got := seed.Orgs[0].Records.Generate; len(got) != 0 {
		t.Errorf("Records.Generate = %v; want none", got)
	}
}

func TestParseSeedErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error message
	}{
		{
			name: "unknown top-level key",
			doc:  "orgs: []\norganisations: []\n",
			want: []string{"seed: ", "line 2", "organisations"},
		},
		{
			name: "unknown org key",
			doc:  "orgs:\n  - name: Acme\n    editon: Enterprise\n",
			want: []string{"line 3", "editon"},
		},
		{
			name: "unknown user key",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n        password: pw\n        pasword: pw\n",
			want: []string{"line 6", "pasword"},
		},
		{
			name: "unknown language",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n        password: pw\n        language: nl_BE\n",
			want: []string{"line 6", "orgs[0].users[0].language", `"nl_BE" is not a Salesforce language`, "nl_NL", "ja"},
		},
		{
			name: "language in the wrong case",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n        password: pw\n        language: NL_nl\n",
			want: []string{"line 6", "orgs[0].users[0].language", `"NL_nl"`},
		},
		{
			name: "unknown app key",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - name: App\n        callbackURL: https://x.example\n",
			want: []string{"line 5", "callbackURL"},
		},
		{
			name: "records of an object not a list",
			doc:  "orgs:\n  - name: Acme\n    records:\n      Lead: {FirstName: Ada}\n",
			want: []string{"line 4", "records.Lead", "want a list of records"},
		},
		{
			name: "generate count not a number",
			doc:  "orgs:\n  - name: Acme\n    records:\n      generate: {Lead: many}\n",
			want: []string{"line 4", "records.generate"},
		},
		{
			name: "not YAML",
			doc:  "orgs: [\n",
			want: []string{"seed: "},
		},
		{
			name: "org without a name",
			doc:  "orgs:\n  - edition: Enterprise\n",
			want: []string{"orgs[0].name is required"},
		},
		{
			name: "org with a blank name",
			doc:  "orgs:\n  - name: Acme\n  - name: '  '\n",
			want: []string{"orgs[1].name is required"},
		},
		{
			name: "user without a password",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n",
			want: []string{"orgs[0].users[0].password is required"},
		},
		{
			name: "username not an email address",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: admin\n        password: pw\n",
			want: []string{`orgs[0].users[0].username "admin" must look like an email address`},
		},
		{
			name: "duplicate username in one org",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - {username: a@acme.test, password: pw}\n      - {username: a@acme.test, password: pw}\n",
			want: []string{`orgs[0].users[1].username "a@acme.test" is used twice`},
		},
		{
			name: "duplicate username across orgs, other case",
			doc: "orgs:\n  - name: Acme\n    users:\n      - {username: a@acme.test, password: pw}\n" +
				"  - name: Globex\n    users:\n      - {username: A@ACME.TEST, password: pw}\n",
			want: []string{`orgs[1].users[0].username "A@ACME.TEST" is used twice; usernames are unique across orgs`},
		},
		{
			name: "app without a name",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - apiName: App\n",
			want: []string{"orgs[0].connectedApps[0].name is required"},
		},
		{
			name: "duplicate app name in one org",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon, apiName: One}\n      - {name: beacon, apiName: Two}\n",
			want: []string{`orgs[0].connectedApps[1] "beacon"`, "used twice"},
		},
		{
			name: "duplicate derived API name in one org",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon Sync}\n      - {name: Beacon_Sync}\n",
			want: []string{`orgs[0].connectedApps[1] "Beacon_Sync"`, "used twice"},
		},
		{
			name: "duplicate consumer key across orgs",
			doc: "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: One, consumerKey: K}\n" +
				"  - name: Globex\n    connectedApps:\n      - {name: Two, consumerKey: K}\n",
			want: []string{"orgs[1].connectedApps[0].consumerKey is used twice"},
		},
		{
			name: "unknown flow",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        flows: [clientCredentials, foo]\n",
			want: []string{"line 5", `orgs[0].externalClientApps[0].flows[1]: unknown flow "foo" (want clientCredentials, authorizationCodeAndCredentials, deviceFlow, jwtBearer, tokenExchange)`},
		},
		{
			name: "flows on a connected app",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - name: App\n        flows: [jwtBearer]\n",
			want: []string{"line 5", "orgs[0].connectedApps[0].flows: only an External Client App has flows"},
		},
		{
			name: "distribution state on a connected app",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - name: App\n        distributionState: Local\n",
			want: []string{"line 5", "orgs[0].connectedApps[0].distributionState: only an External Client App has one"},
		},
		{
			name: "bad distribution state",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        distributionState: Global\n",
			want: []string{"line 5", `orgs[0].externalClientApps[0].distributionState "Global": want Local or Packaged`},
		},
		{
			name: "run-as user without the client credentials flow",
			doc:  "orgs:\n  - name: Acme\n    users: [{username: a@acme.test, password: pw}]\n    externalClientApps:\n      - name: App\n        flows: [jwtBearer]\n        clientCredentialsRunAs: a@acme.test\n",
			want: []string{"line 7", "orgs[0].externalClientApps[0].clientCredentialsRunAs: needs clientCredentials in flows"},
		},
		{
			name: "unknown External Client App key",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        flow: [jwtBearer]\n",
			want: []string{"line 5", `unknown key "flow"`},
		},
		{
			name: "External Client App without a name",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - apiName: App\n",
			want: []string{"orgs[0].externalClientApps[0].name is required"},
		},
		{
			name: "bad policy of an External Client App",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        permittedUsers: some\n",
			want: []string{"line 5", `orgs[0].externalClientApps[0]: permittedUsers "some"`},
		},
		{
			name: "name of a connected app taken by an External Client App",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon}\n    externalClientApps:\n      - {name: BEACON, apiName: Other}\n",
			want: []string{`orgs[0].externalClientApps[0] "BEACON"`, "used twice"},
		},
		{
			name: "API name of a connected app taken by an External Client App",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon Sync}\n    externalClientApps:\n      - {name: Other, apiName: Beacon_Sync}\n",
			want: []string{`orgs[0].externalClientApps[0] "Other"`, "used twice"},
		},
		{
			name: "consumer key of a connected app in another org's External Client App",
			doc: "orgs:\n  - name: Acme\n    connectedApps:\n      - {name: One, consumerKey: K}\n" +
				"  - name: Globex\n    externalClientApps:\n      - {name: Two, consumerKey: K}\n",
			want: []string{"orgs[1].externalClientApps[0].consumerKey is used twice"},
		},
		{
			name: "every problem reported",
			doc:  "orgs:\n  - users:\n      - {username: a@acme.test}\n    connectedApps:\n      - {apiName: X}\n",
			want: []string{"orgs[0].name is required", "orgs[0].users[0].password is required", "orgs[0].connectedApps[0].name is required"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seed, err := store.ParseSeed([]byte(tc.doc))
			if err == nil {
				t.Fatalf("ParseSeed = %+v, nil; want an error containing %q", seed, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "seed: ") {
				t.Errorf("error = %q; want it prefixed %q", err, "seed: ")
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error = %q; want it to contain %q", err, want)
				}
			}
			if !reflect.DeepEqual(seed, store.Seed{}) {
				t.Errorf("ParseSeed returned %+v with its error; want the zero Seed", seed)
			}
		})
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)

	if got := s.store.Orgs(); len(got) != 2 {
		t.Fatalf("Orgs() = %+v; want 2 orgs", got)
	}
	for _, tc := range []struct {
		org                   store.Org
		wantName, wantEdition string
		wantAPI               bool
		wantUsers, wantApps   int
	}{
		{s.acme, "Acme", "Enterprise", true, 2, 1},
		{s.globex, "Globex", "Professional", false, 1, 0},
	} {
		if tc.org.Name != tc.wantName || tc.org.Edition != tc.wantEdition {
			t.Errorf("org = %+v; want name %q, edition %q", tc.org, tc.wantName, tc.wantEdition)
		}
		if got, err := sfid.Prefix(tc.org.ID); err != nil || got != "00D" || len(tc.org.ID) != 18 {
			t.Errorf("org %s ID = %q; want an 18-character 00D id", tc.wantName, tc.org.ID)
		}
		if got := tc.org.APIEnabled(); got != tc.wantAPI {
			t.Errorf("org %s APIEnabled() = %v; want %v", tc.wantName, got, tc.wantAPI)
		}
		if got, err := s.store.Org(tc.org.ID); err != nil || got != tc.org {
			t.Errorf("Org(%s) = %+v, %v; want %+v, nil", tc.org.ID, got, err, tc.org)
		}
		if got := len(s.store.Users(tc.org.ID)); got != tc.wantUsers {
			t.Errorf("len(Users(%s)) = %d; want %d", tc.wantName, got, tc.wantUsers)
		}
		if got := len(s.store.Apps(tc.org.ID)); got != tc.wantApps {
			t.Errorf("len(Apps(%s)) = %d; want %d", tc.wantName, got, tc.wantApps)
		}
	}

	// Seeds without a securityToken get a generated one, 25 letters and
	// digits like Salesforce's; the rest is compared below.
	for _, u := range []store.User{s.admin, s.sync} {
		if !regexp.MustCompile(`^[A-Za-z0-9]{25}$`).MatchString(u.SecurityToken) {
			t.Errorf("user %s SecurityToken = %q; want 25 letters and digits", u.Username, u.SecurityToken)
		}
	}
	wantAdmin := store.User{
		ID: s.admin.ID, OrgID: s.acme.ID, Username: "Admin@Acme.test", Password: "pw-admin",
		Email: "avery@acme.test", FirstName: "Avery", LastName: "Admin",
		Admin: true, APIEnabled: true, Active: true, Language: store.DefaultLanguage,
	}
	wantAdmin.SecurityToken = s.admin.SecurityToken
	if s.admin != wantAdmin {
		t.Errorf("admin = %+v; want %+v", s.admin, wantAdmin)
	}
	// Email defaults to the username, language to en_US, apiEnabled:
	// false is kept.
	wantSync := store.User{
		ID: s.sync.ID, OrgID: s.acme.ID, Username: "sync@acme.test", Password: "pw-sync",
		Email: "sync@acme.test", Active: true, Language: store.DefaultLanguage,
	}
	wantSync.SecurityToken = s.sync.SecurityToken
	if s.sync != wantSync {
		t.Errorf("sync = %+v; want %+v", s.sync, wantSync)
	}
	for _, u := range []store.User{s.admin, s.sync, s.ceo} {
		if got, err := sfid.Prefix(u.ID); err != nil || got != "005" || len(u.ID) != 18 {
			t.Errorf("user %s ID = %q; want an 18-character 005 id", u.Username, u.ID)
		}
		if got, err := s.store.User(u.ID); err != nil || got != u {
			t.Errorf("User(%s) = %+v, %v; want %+v, nil", u.ID, got, err, u)
		}
	}

	wantBeacon := store.ConnectedApp{
		ID: s.beacon.ID, OrgID: s.acme.ID, Name: "Beacon Sync", APIName: "Beacon_Sync",
		OAuthEnabled: true, CallbackURLs: []string{"https://beacon.example/callback"},
		Scopes: []string{"api", "refresh_token"}, ConsumerKey: "KEY-BEACON", ConsumerSecret: "SECRET-BEACON",
		// Seeded apps are a day old so that they are already active.
		CreatedAt: s.clock.Now().Add(-24 * time.Hour),
		// Default policies are not this test's concern.
		Policy: s.beacon.Policy,
	}
	if !reflect.DeepEqual(s.beacon, wantBeacon) {
		t.Errorf("beacon = %+v; want %+v", s.beacon, wantBeacon)
	}
	if got, err := s.store.AppByKey("KEY-BEACON"); err != nil || !reflect.DeepEqual(got, wantBeacon) {
		t.Errorf("AppByKey(KEY-BEACON) = %+v, %v; want %+v, nil", got, err, wantBeacon)
	}

	if got, want := s.store.Objects(s.acme.ID), []string{"Contact", "Lead"}; !slices.Equal(got, want) {
		t.Errorf("Objects(Acme) = %q; want %q", got, want)
	}
	if got := s.store.Objects(s.globex.ID); len(got) != 0 {
		t.Errorf("Objects(Globex) = %q; want none", got)
	}
	leads := s.store.Records(s.acme.ID, "Lead")
	wantLeads := []map[string]any{
		{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Analytical Engines"},
		store.GeneratedFields("Lead", 0),
		store.GeneratedFields("Lead", 1),
		store.GeneratedFields("Lead", 2),
	}
	if len(leads) != len(wantLeads) {
		t.Fatalf("len(Records(Acme, Lead)) = %d; want %d", len(leads), len(wantLeads))
	}
	for i, r := range leads {
		if !reflect.DeepEqual(r.Fields, wantLeads[i]) {
			t.Errorf("Lead %d fields = %v; want %v", i, r.Fields, wantLeads[i])
		}
		if r.CreatedByID != s.admin.ID {
			t.Errorf("Lead %d CreatedByID = %q; want the first user %q", i, r.CreatedByID, s.admin.ID)
		}
		if r.Object != "Lead" || r.IsDeleted {
			t.Errorf("Lead %d = %+v; want a live Lead", i, r)
		}
	}
	if got := len(s.store.Records(s.acme.ID, "Contact")); got != 2 {
		t.Errorf("len(Records(Acme, Contact)) = %d; want 2", got)
	}
}

func TestApplyDefaults(t *testing.T) {
	t.Parallel()
	st := store.New(nil)
	results := mustApply(t, st, "orgs:\n  - name: Bare\n")
	if len(results) != 1 {
		t.Fatalf("Apply = %+v; want one org", results)
	}
	if got := results[0].Org.Edition; got != "Enterprise" {
		t.Errorf("Edition = %q; want Enterprise when the seed gives none", got)
	}
	if len(results[0].Users) != 0 || len(results[0].Apps) != 0 {
		t.Errorf("result = %+v; want no users and no apps", results[0])
	}
}

func TestApplyAddsToExistingOrgs(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	results := mustApply(t, s.store, "orgs:\n  - name: Initech\n    users: [{username: peter@initech.test, password: pw}]\n")
	if got := len(s.store.Orgs()); got != 3 {
		t.Errorf("len(Orgs()) = %d; want 3", got)
	}
	if got, err := s.store.UserByUsername("peter@initech.test"); err != nil || got.OrgID != results[0].Org.ID {
		t.Errorf("UserByUsername(peter@initech.test) = %+v, %v; want a user of Initech", got, err)
	}
	// IDs keep counting, so nothing is reused.
	if results[0].Org.ID == s.acme.ID || results[0].Org.ID == s.globex.ID {
		t.Errorf("Initech ID = %q; want a new ID", results[0].Org.ID)
	}
}

// A failed Apply must leave the store as it was.
func TestApplyConflictChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		doc     string
		wantErr error
	}{
		{
			name: "username taken, other case, in the second org",
			doc: `
orgs:
  - name: NewCo
    users: [{username: new@newco.test, password: pw}]
    records: {generate: {Lead: 5}}
  - name: Copycat
    users: [{username: ADMIN@acme.TEST, password: pw}]
`,
			wantErr: store.ErrConflict,
		},
		{
			name: "consumer key taken",
			doc: `
orgs:
  - name: NewCo
    users: [{username: new@newco.test, password: pw}]
    connectedApps: [{name: Clone, consumerKey: KEY-BEACON}]
    records: {generate: {Lead: 5}}
`,
			wantErr: store.ErrConflict,
		},
		{
			name: "consumer key of a connected app taken by an External Client App",
			doc: `
orgs:
  - name: NewCo
    users: [{username: new@newco.test, password: pw}]
    externalClientApps: [{name: Clone, consumerKey: KEY-BEACON}]
`,
			wantErr: store.ErrConflict,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			before := takeSnapshot(s.store)
			seed, err := store.ParseSeed([]byte(tc.doc))
			if err != nil {
				t.Fatalf("ParseSeed error = %v; want nil", err)
			}
			results, err := s.store.Apply(seed)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Apply error = %v; want %v", err, tc.wantErr)
			}
			if results != nil {
				t.Errorf("Apply results = %+v; want nil", results)
			}
			if after := takeSnapshot(s.store); !reflect.DeepEqual(after, before) {
				t.Errorf("store after failed Apply =\n%+v\nwant unchanged\n%+v", after, before)
			}
			if _, err := s.store.UserByUsername("new@newco.test"); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UserByUsername(new@newco.test) error = %v; want ErrNotFound", err)
			}
		})
	}
}

// Apply validates a Seed built in code as ParseSeed does.
func TestApplyInvalidSeedChangesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		seed store.Seed
		want string
	}{
		{"missing password", store.Seed{Orgs: []store.OrgSpec{{Name: "X", Users: []store.UserSpec{{Username: "x@x.test"}}}}}, "password is required"},
		{"missing org name", store.Seed{Orgs: []store.OrgSpec{{}}}, "name is required"},
		{
			"duplicate app names",
			store.Seed{Orgs: []store.OrgSpec{{Name: "X", ConnectedApps: []store.AppSpec{{Name: "A"}, {Name: "A"}}}}},
			"used twice",
		},
		{
			"a connected app and an External Client App of one name",
			store.Seed{Orgs: []store.OrgSpec{{Name: "X", ConnectedApps: []store.AppSpec{{Name: "A"}}, ExternalClientApps: []store.AppSpec{{Name: "a"}}}}},
			`externalClientApps[0] "a": name or API name is used twice`,
		},
		{
			"unknown flow",
			store.Seed{Orgs: []store.OrgSpec{{Name: "X", ExternalClientApps: []store.AppSpec{{Name: "A", Flows: []string{"jwtBearer", "magic"}}}}}},
			`externalClientApps[0].flows[1]: unknown flow "magic"`,
		},
		{
			"flows on a connected app",
			store.Seed{Orgs: []store.OrgSpec{{Name: "X", ConnectedApps: []store.AppSpec{{Name: "A", Flows: []string{}}}}}},
			"connectedApps[0].flows: only an External Client App has flows",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSeeded(t)
			before := takeSnapshot(s.store)
			_, err := s.store.Apply(tc.seed)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Apply error = %v; want one containing %q", err, tc.want)
			}
			if after := takeSnapshot(s.store); !reflect.DeepEqual(after, before) {
				t.Errorf("store after failed Apply =\n%+v\nwant unchanged\n%+v", after, before)
			}
		})
	}
}

func TestDefaultSeed(t *testing.T) {
	t.Parallel()
	seed, err := store.ParseSeed(store.DefaultSeed())
	if err != nil {
		t.Fatalf("ParseSeed(DefaultSeed()) error = %v; want nil", err)
	}
	clock := newTestClock()
	st := store.New(clock.Now)
	results, err := st.Apply(seed)
	if err != nil {
		t.Fatalf("Apply(default seed) error = %v; want nil", err)
	}
	if len(results) != 1 {
		t.Fatalf("Apply(default seed) = %d orgs; want 1", len(results))
	}
	org := results[0].Org
	if org.Name != "Acme" || org.Edition != "Enterprise" || !org.APIEnabled() {
		t.Errorf("org = %+v; want Acme, Enterprise, API enabled", org)
	}

	users := st.Users(org.ID)
	if len(users) != 2 {
		t.Fatalf("Users(Acme) = %+v; want 2 users", users)
	}
	for _, tc := range []struct {
		username, password string
		admin              bool
	}{
		{"admin@acme.test", "Admin-Pass-1", true},
		{"sync@acme.test", "Sync-Pass-1", false},
	} {
		u, err := st.UserByUsername(tc.username)
		if err != nil {
			t.Errorf("UserByUsername(%q) error = %v; want nil", tc.username, err)
			continue
		}
		if u.OrgID != org.ID || u.Admin != tc.admin || !u.APIEnabled || !u.Active || u.Email != tc.username {
			t.Errorf("user %s = %+v; want in Acme, admin %v, API enabled, active, email = username", tc.username, u, tc.admin)
		}
		if _, err := st.Authenticate(tc.username, tc.password, 5); err != nil {
			t.Errorf("Authenticate(%q, default password) error = %v; want nil", tc.username, err)
		}
	}

	for object, want := range map[string]int{"Lead": 2501, "Contact": 500, "Account": 201} {
		if got := len(st.Records(org.ID, object)); got != want {
			t.Errorf("len(Records(Acme, %s)) = %d; want %d", object, got, want)
		}
	}
	if got, want := st.Objects(org.ID), []string{"Account", "Contact", "Lead"}; !slices.Equal(got, want) {
		t.Errorf("Objects(Acme) = %q; want %q", got, want)
	}
	first := st.Records(org.ID, "Lead")[0]
	if first.Fields["Email"] != "ada@example.com" || first.Fields["LastName"] != "Lovelace" {
		t.Errorf("first Lead = %v; want the explicit Ada Lovelace", first.Fields)
	}
	if got := st.Records(org.ID, "Account")[0].Fields["Name"]; got != "Analytical Engines" {
		t.Errorf("first Account Name = %v; want Analytical Engines", got)
	}
}

func TestDefaultSeedReturnsACopy(t *testing.T) {
	t.Parallel()
	a := store.DefaultSeed()
	want := string(a)
	for i := range a {
		a[i] = 'x'
	}
	if got := string(store.DefaultSeed()); got != want {
		t.Errorf("DefaultSeed() after changing an earlier result = %.40q…; want the embedded seed", got)
	}
}

func TestAPIName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		label, want string
	}{
		{"Beacon Sync", "Beacon_Sync"},
		{"Beacon", "Beacon"},
		{"  Beacon Sync  ", "Beacon_Sync"},
		{"Beacon   Sync", "Beacon_Sync"},
		{"Beacon -- Sync", "Beacon_Sync"},
		{"Beacon & Co.", "Beacon_Co"},
		{"Beacon!!!", "Beacon"},
		{"Beacon_", "Beacon"},
		{"Beacon__Sync", "Beacon_Sync"},
		{"__Beacon", "Beacon"},
		{"3M Connector", "X3M_Connector"},
		{"123", "X123"},
		{"-9 Lives", "X9_Lives"},
		{"Sync 2", "Sync_2"},
		{"a1-b2", "a1_b2"},
		{"Café Sync", "Caf_Sync"},
		{"日本 App", "App"},
		{"", ""},
		{"!!!", ""},
	}
	for _, tc := range tests {
		t.Run(tc.label, func(t *testing.T) {
			t.Parallel()
			if got := store.APIName(tc.label); got != tc.want {
				t.Errorf("APIName(%q) = %q; want %q", tc.label, got, tc.want)
			}
		})
	}
}

// An External Client App of a seed takes a new External Client App's
// defaults (PKCE and both secrets required, Local, no optional flows),
// where a connected app keeps a new connected app's (no PKCE).
func TestApplyExternalClientApps(t *testing.T) {
	t.Parallel()
	st := store.New(nil)
	results := mustApply(t, st, `
orgs:
  - name: Acme
    users: [{username: a@acme.test, password: pw}, {username: run@acme.test, password: pw}]
    connectedApps:
      - name: Classic
    externalClientApps:
      - name: Plain ECA
      - name: Packaged ECA
        apiName: Packaged
        consumerKey: KEY-ECA
        consumerSecret: SECRET-ECA
        distributionState: Packaged
        requirePkce: false
        requireSecretForWebServerFlow: false
        flows: [tokenExchange, clientCredentials, jwtBearer, deviceFlow, authorizationCodeAndCredentials]
        clientCredentialsRunAs: RUN@acme.test
`)
	res := results[0]
	if len(res.Apps) != 1 || len(res.ExternalClientApps) != 2 {
		t.Fatalf("Apply made %d connected apps and %d External Client Apps; want 1 and 2", len(res.Apps), len(res.ExternalClientApps))
	}
	classic, plain, packaged := res.Apps[0], res.ExternalClientApps[0], res.ExternalClientApps[1]
	if classic.External() || classic.DistributionState != "" || classic.Policy.RequirePKCE {
		t.Errorf("connected app = kind %q, state %q, PKCE %v; want a connected app without PKCE", classic.Kind, classic.DistributionState, classic.Policy.RequirePKCE)
	}
	wantPlain := store.DefaultExternalClientAppPolicy()
	if !plain.External() || plain.DistributionState != store.DistributionLocal || !reflect.DeepEqual(plain.Policy, wantPlain) {
		t.Errorf("plain ECA = kind %q, state %q, policy %+v; want an External Client App, Local, policy %+v", plain.Kind, plain.DistributionState, plain.Policy, wantPlain)
	}
	if len(plain.ConsumerKey) != 85 || len(plain.ConsumerSecret) != 64 || plain.APIName != "Plain_ECA" {
		t.Errorf("plain ECA key %q, secret %q, API name %q; want generated credentials and Plain_ECA", plain.ConsumerKey, plain.ConsumerSecret, plain.APIName)
	}
	if got := plain.Policy.EnabledFlows(); len(got) != 0 {
		t.Errorf("plain ECA flows = %q; want none", got)
	}
	run, _ := st.UserByUsername("run@acme.test")
	p := packaged.Policy
	if packaged.DistributionState != store.DistributionPackaged || packaged.ConsumerKey != "KEY-ECA" || packaged.APIName != "Packaged" ||
		p.RequirePKCE || p.RequireSecretWebServer || !p.RequireSecretRefresh || !p.ClientCredentials || p.RunAsUserID != run.ID ||
		p.Flows != (store.AppFlows{AuthorizationCodeAndCredentials: true, Device: true, JWTBearer: true, TokenExchange: true}) {
		t.Errorf("packaged ECA = %+v", packaged)
	}
	if got, want := p.EnabledFlows(), store.FlowNames; !slices.Equal(got, want) {
		t.Errorf("EnabledFlows = %q; want %q in the form's order", got, want)
	}
	if got, err := st.AppByKey("KEY-ECA"); err != nil || !got.External() {
		t.Errorf("AppByKey(KEY-ECA) = %+v, %v; want the External Client App", got, err)
	}
	if got := st.Apps(res.Org.ID); len(got) != 3 {
		t.Errorf("Apps = %d apps; want both kinds, 3", len(got))
	}
	// WithKeys writes the generated credentials into the ECA's spec too.
	seed, _ := store.ParseSeed([]byte("orgs:\n  - name: X\n    externalClientApps: [{name: A}]\n"))
	again := seed.WithKeys([]store.OrgResult{{ExternalClientApps: []store.ConnectedApp{plain}}})
	if a := again.Orgs[0].ExternalClientApps[0]; a.ConsumerKey != plain.ConsumerKey || a.ConsumerSecret != plain.ConsumerSecret {
		t.Errorf("WithKeys = %+v; want the plain ECA's credentials", a)
	}
	if seed.Orgs[0].ExternalClientApps[0].ConsumerKey != "" {
		t.Error("WithKeys changed the seed it copied")
	}
}

// SetFlows enables exactly the flows it is given, and names an unknown
// one.
func TestSetFlows(t *testing.T) {
	t.Parallel()
	p := store.DefaultExternalClientAppPolicy()
	p.RunAsUserID = "005x"
	if err := p.SetFlows([]string{store.FlowJWTBearer, store.FlowClientCredentials}); err != nil {
		t.Fatal(err)
	}
	if got := p.EnabledFlows(); !slices.Equal(got, []string{"clientCredentials", "jwtBearer"}) {
		t.Errorf("EnabledFlows = %q; want clientCredentials, jwtBearer", got)
	}
	err := p.SetFlows([]string{"nope", store.FlowDevice})
	if err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("SetFlows with an unknown name = %v; want an error naming it", err)
	}
	if got := p.EnabledFlows(); !slices.Equal(got, []string{"deviceFlow"}) || p.ClientCredentials || p.RunAsUserID != "005x" {
		t.Errorf("after SetFlows(nope, deviceFlow): %q, client credentials %v, run-as %q; want only deviceFlow, the run-as user kept", got, p.ClientCredentials, p.RunAsUserID)
	}
}

func TestParseRecordJSON(t *testing.T) {
	t.Parallel()
	got, err := store.ParseRecordJSON([]byte(`{"Name": "Acme", "Employees": 12, "Revenue": 1.5, "Big": 1e3, "Active": true, "Note": null}`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"Name": "Acme", "Employees": 12, "Revenue": 1.5, "Big": 1000.0, "Active": true, "Note": nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseRecordJSON = %#v; want %#v", got, want)
	}
	for _, tc := range []struct{ in, inErr string }{
		{`[1]`, "want an object"},
		{`null`, "got null"},
		{`{"A": 1} {}`, "after the JSON object"},
		{`{"A": `, "want an object"},
	} {
		if _, err := store.ParseRecordJSON([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.inErr) {
			t.Errorf("ParseRecordJSON(%s) error = %v; want one containing %q", tc.in, err, tc.inErr)
		}
	}
}
