package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// seedFuzzDocs seed FuzzParseSeed: the documents of the seed tests, valid
// and invalid, and the corners of the schema they do not reach.
var seedFuzzDocs = []string{
	testSeed,
	"orgs: []\n",
	"orgs:\n  - name: Bare\n",
	"orgs:\n  - name: Initech\n    users: [{username: peter@initech.test, password: pw}]\n",
	"orgs: []\norganisations: []\n",
	"orgs:\n  - name: Acme\n    editon: Enterprise\n",
	"orgs:\n  - name: Acme\n    records:\n      Lead: {FirstName: Ada}\n",
	"orgs:\n  - name: Acme\n    records:\n      generate: {Lead: many}\n",
	"orgs: [\n",
	"orgs:\n  - edition: Enterprise\n",
	"orgs:\n  - name: Acme\n  - name: '  '\n",
	"orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n",
	"orgs:\n  - name: Acme\n    users:\n      - {username: a@acme.test, password: pw}\n      - {username: a@acme.test, password: pw}\n",
	"orgs:\n  - name: Acme\n    users:\n      - {username: a@acme.test, password: pw}\n  - name: Globex\n    users:\n      - {username: A@ACME.TEST, password: pw}\n",
	"orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon, apiName: One}\n      - {name: beacon, apiName: Two}\n",
	"orgs:\n  - name: Acme\n    connectedApps:\n      - {name: Beacon Sync}\n      - {name: Beacon_Sync}\n",
	"orgs:\n  - name: Acme\n    connectedApps:\n      - {name: One, consumerKey: K}\n  - name: Globex\n    connectedApps:\n      - {name: Two, consumerKey: K}\n",
	// Conflicts with what testSeed already put in the store.
	"orgs:\n  - name: NewCo\n    users: [{username: new@newco.test, password: pw}]\n    records: {generate: {Lead: 5}}\n  - name: Copycat\n    users: [{username: ADMIN@acme.TEST, password: pw}]\n",
	"orgs:\n  - name: NewCo\n    connectedApps: [{name: Clone, consumerKey: KEY-BEACON}]\n",
	// Names that differ under strings.ToLower but not under strings.EqualFold.
	"orgs:\n  - name: Acme\n    connectedApps:\n      - {name: \"s\", apiName: One}\n      - {name: \"\u017f\", apiName: Two}\n",
	"orgs:\n  - name: Acme\n    connectedApps:\n      - {name: One, apiName: \"Ks\"}\n      - {name: Two, apiName: \"\u212a\u017f\"}\n",
	`
orgs:
  - name: Everything
    edition: Professional
    status: frozen
    allowPasswordFlow: true
    restrictConnectedApps: true
    apiDailyLimit: 100
    newestApiVersion: "66.0"
    users:
      - {username: a@x.test, password: pw, admin: true, active: false, apiEnabled: false}
      - {username: b@x.test, password: pw}
    connectedApps:
      - name: Everything App
        apiName: Everything_App
        contactEmail: a@x.test
        callbackUrls: [https://x.test/cb, "myapp://cb"]
        scopes: [api, refresh_token, openid]
        requireSecretForWebServerFlow: false
        requireSecretForRefreshTokenFlow: false
        requirePkce: true
        permittedUsers: admin-approved
        assignedUsers: [B@X.test]
        refreshTokenPolicy: {mode: idle, for: 720h}
        blocked: true
        activationDelay: 10m
        clientCredentialsRunAs: a@x.test
        introspectAllTokens: true
    customObjects:
      - name: Invoice__c
        fields:
          - {name: Amount__c, type: currency}
    customFields:
      Lead:
        - {name: Score__c, type: number}
    records:
      Invoice__c:
        - {Name: INV-1, Amount__c: 12.5}
      Lead:
        - {LastName: Lovelace, Nested: {a: [1, 2]}, List: [x, null, 3]}
      generate: {Invoice__c: 2, Lead: -1}
`,
	// External Client Apps: defaults, every key, and the errors only they have.
	"orgs:\n  - name: A\n    externalClientApps:\n      - {name: X}\n",
	"orgs:\n  - name: A\n    users: [{username: a@x.test, password: pw}]\n    externalClientApps:\n      - {name: X, consumerKey: ECA-K, distributionState: Packaged, requirePkce: false, flows: [clientCredentials, jwtBearer, deviceFlow, tokenExchange, authorizationCodeAndCredentials], clientCredentialsRunAs: a@x.test}\n",
	"orgs:\n  - name: A\n    externalClientApps:\n      - {name: X, flows: [foo]}\n",
	"orgs:\n  - name: A\n    externalClientApps:\n      - {name: X, distributionState: Global}\n",
	"orgs:\n  - name: A\n    connectedApps:\n      - {name: X, flows: [], distributionState: Local}\n",
	"orgs:\n  - name: A\n    users: [{username: a@x.test, password: pw}]\n    externalClientApps:\n      - {name: X, clientCredentialsRunAs: a@x.test}\n",
	"orgs:\n  - name: A\n    connectedApps:\n      - {name: X, consumerKey: K}\n    externalClientApps:\n      - {name: x, consumerKey: K}\n",
	"orgs:\n  - name: NewCo\n    externalClientApps: [{name: Clone, consumerKey: KEY-BEACON}]\n",
	"orgs:\n  - name: A\n    connectedApps:\n      - {name: X, refreshTokenPolicy: {mode: absolute, for: 0s}}\n",
	"orgs:\n  - name: A\n    connectedApps:\n      - {name: X, certificate: \"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}\n",
	"orgs:\n  - name: A\n    connectedApps:\n      - {name: X, assignedUsers: [nobody@x.test]}\n",
	"orgs:\n  - name: A\n    records:\n      generate: {Lead: 200001}\n",
	"orgs:\n  - &o {name: A}\n  - *o\n",
	"orgs:\n  - name: A\n    records:\n      \"\": [{}]\n      generate: {\"\": 1}\n",
}

// maxFuzzGenerated bounds the generated records one fuzzed seed may ask
// Apply for: enough to reach every path, few enough to keep each run fast.
const maxFuzzGenerated = 1000

// FuzzParseSeed parses arbitrary bytes as a seed document and applies what
// parses to a store that already holds testSeed. Neither may panic; a
// failed parse returns the zero Seed; a failed Apply changes nothing; a
// successful one adds exactly the seed's orgs, users and apps, and applying
// the same seed again is refused without a change when the seed names any
// username or consumer key.
func FuzzParseSeed(f *testing.F) {
	for _, doc := range seedFuzzDocs {
		f.Add([]byte(doc))
	}
	f.Add(store.DefaultSeed())
	f.Fuzz(func(t *testing.T, doc []byte) {
		seed, err := store.ParseSeed(doc)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "seed: ") {
				t.Fatalf("error %q lacks the seed: prefix", err)
			}
			if !reflect.DeepEqual(seed, store.Seed{}) {
				t.Fatalf("ParseSeed returned %+v with its error; want the zero Seed", seed)
			}
			return
		}
		if generated(seed) > maxFuzzGenerated {
			return
		}
		s := newSeeded(t)
		before := takeSnapshot(s.store)
		results, err := s.store.Apply(seed)
		if err != nil {
			if after := takeSnapshot(s.store); !reflect.DeepEqual(after, before) {
				t.Fatalf("Apply failed (%v) but changed the store:\nbefore %+v\nafter  %+v", err, before, after)
			}
			return
		}
		checkApplied(t, s.store, seed, results, len(before.Orgs))

		// The same seed again conflicts on its usernames and consumer keys.
		if !namesAnything(seed) {
			return
		}
		before = takeSnapshot(s.store)
		if _, err := s.store.Apply(seed); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("second Apply error = %v; want ErrConflict", err)
		}
		if after := takeSnapshot(s.store); !reflect.DeepEqual(after, before) {
			t.Fatalf("second Apply failed but changed the store")
		}
	})
}

// generated counts the records a seed asks Apply to generate.
func generated(seed store.Seed) int {
	n := 0
	for _, o := range seed.Orgs {
		for _, c := range o.Records.Generate {
			n += max(c, 0)
		}
	}
	return n
}

// namesAnything reports whether a seed has a user or a fixed consumer key,
// which a second Apply must find taken.
func namesAnything(seed store.Seed) bool {
	for _, o := range seed.Orgs {
		if len(o.Users) > 0 {
			return true
		}
		for _, a := range append(o.ConnectedApps, o.ExternalClientApps...) {
			if a.ConsumerKey != "" {
				return true
			}
		}
	}
	return false
}

// checkApplied fails unless a successful Apply added the seed's orgs, each
// with its users and apps, to the orgs there were before.
func checkApplied(t *testing.T, st *store.Store, seed store.Seed, results []store.OrgResult, orgsBefore int) {
	t.Helper()
	if len(results) != len(seed.Orgs) {
		t.Fatalf("Apply = %d results for %d orgs", len(results), len(seed.Orgs))
	}
	if got := len(st.Orgs()); got != orgsBefore+len(seed.Orgs) {
		t.Fatalf("store holds %d orgs after Apply; want %d", got, orgsBefore+len(seed.Orgs))
	}
	for i, spec := range seed.Orgs {
		res := results[i]
		if got, err := st.Org(res.Org.ID); err != nil || got.Name != spec.Name {
			t.Fatalf("Org(%s) = %+v, %v; want org %q", res.Org.ID, got, err, spec.Name)
		}
		if len(res.Users) != len(spec.Users) || len(st.Users(res.Org.ID)) != len(spec.Users) {
			t.Fatalf("org %q has %d users; want %d", spec.Name, len(st.Users(res.Org.ID)), len(spec.Users))
		}
		for _, u := range spec.Users {
			if got, err := st.UserByUsername(u.Username); err != nil || got.OrgID != res.Org.ID || got.Password != u.Password {
				t.Fatalf("UserByUsername(%q) = %+v, %v; want the seed's user in %s", u.Username, got, err, res.Org.ID)
			}
		}
		if all := len(spec.ConnectedApps) + len(spec.ExternalClientApps); len(res.Apps) != len(spec.ConnectedApps) ||
			len(res.ExternalClientApps) != len(spec.ExternalClientApps) || len(st.Apps(res.Org.ID)) != all {
			t.Fatalf("org %q has %d apps; want %d", spec.Name, len(st.Apps(res.Org.ID)), all)
		}
		for j, a := range res.ExternalClientApps {
			got, err := st.AppByKey(a.ConsumerKey)
			if err != nil || got.OrgID != res.Org.ID || got.Name != spec.ExternalClientApps[j].Name || !got.External() {
				t.Fatalf("AppByKey(%q) = %+v, %v; want External Client App %q of %s", a.ConsumerKey, got, err, spec.ExternalClientApps[j].Name, res.Org.ID)
			}
		}
		for j, a := range res.Apps {
			got, err := st.AppByKey(a.ConsumerKey)
			if err != nil || got.OrgID != res.Org.ID || got.Name != spec.ConnectedApps[j].Name {
				t.Fatalf("AppByKey(%q) = %+v, %v; want app %q of %s", a.ConsumerKey, got, err, spec.ConnectedApps[j].Name, res.Org.ID)
			}
		}
	}
}
