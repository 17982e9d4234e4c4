package store_test

import (
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/store"
)

// newTestClock returns a clock set to a fixed instant outside UTC, so tests
// see whether the store converts times.
func newTestClock() *clock.Clock {
	return clock.At(time.Date(2026, 3, 14, 15, 9, 26, 0, time.FixedZone("CET", 3600)))
}

// testSeed is two orgs: Acme with two users, an app and a few records, and
// Globex, a Professional org with one user.
const testSeed = `
orgs:
  - name: Acme
    edition: Enterprise
    users:
      - username: Admin@Acme.test
        password: pw-admin
        email: avery@acme.test
        firstName: Avery
        lastName: Admin
        admin: true
      - username: sync@acme.test
        password: pw-sync
        apiEnabled: false
    connectedApps:
      - name: Beacon Sync
        consumerKey: KEY-BEACON
        consumerSecret: SECRET-BEACON
        callbackUrls: [https://beacon.example/callback]
        scopes: [api, refresh_token]
    records:
      Lead:
        - {FirstName: Ada, LastName: Lovelace, Company: Analytical Engines}
      generate: {Lead: 3, Contact: 2}
  - name: Globex
    edition: Professional
    users:
      - username: ceo@globex.test
        password: pw-ceo
`

// seeded is a store with testSeed applied and handles on what it holds.
type seeded struct {
	store  *store.Store
	clock  *clock.Clock
	acme   store.Org
	globex store.Org
	admin  store.User
	sync   store.User
	ceo    store.User
	beacon store.ConnectedApp
}

// newSeeded returns a fresh store with testSeed applied.
func newSeeded(tb testing.TB) *seeded {
	tb.Helper()
	clock := newTestClock()
	st := store.New(clock.Now)
	results := mustApply(tb, st, testSeed)
	if len(results) != 2 || len(results[0].Users) != 2 || len(results[1].Users) != 1 || len(results[0].Apps) != 1 {
		tb.Fatalf("Apply(testSeed) = %+v; want 2 orgs with 2 and 1 users and 1 app", results)
	}
	return &seeded{
		store: st, clock: clock,
		acme: results[0].Org, globex: results[1].Org,
		admin: results[0].Users[0], sync: results[0].Users[1], ceo: results[1].Users[0],
		beacon: results[0].Apps[0],
	}
}

// mustApply parses a seed document and applies it to st.
func mustApply(tb testing.TB, st *store.Store, doc string) []store.OrgResult {
	tb.Helper()
	seed, err := store.ParseSeed([]byte(doc))
	if err != nil {
		tb.Fatalf("ParseSeed: %v", err)
	}
	results, err := st.Apply(seed)
	if err != nil {
		tb.Fatalf("Apply: %v", err)
	}
	return results
}

// snapshot is what a store holds, as its getters see it, for comparing a
// store before and after an operation that must not change it.
type snapshot struct {
	Orgs    []store.Org
	Users   map[string][]store.User
	Apps    map[string][]store.ConnectedApp
	Records map[string]map[string][]store.Record
}

func takeSnapshot(st *store.Store) snapshot {
	snap := snapshot{
		Orgs:    st.Orgs(),
		Users:   map[string][]store.User{},
		Apps:    map[string][]store.ConnectedApp{},
		Records: map[string]map[string][]store.Record{},
	}
	for _, o := range snap.Orgs {
		snap.Users[o.ID] = st.Users(o.ID)
		snap.Apps[o.ID] = st.Apps(o.ID)
		snap.Records[o.ID] = map[string][]store.Record{}
		for _, object := range st.Objects(o.ID) {
			snap.Records[o.ID][object] = st.Records(o.ID, object)
		}
	}
	return snap
}

// newTimeoutOrgs is a store with two orgs of one user each: "Short",
// whose session timeout is 15 minutes, and "Default".
func newTimeoutOrgs(t testing.TB) (*store.Store, *clock.Clock, []store.OrgResult) {
	t.Helper()
	c := newTestClock()
	st := store.New(c.Now)
	res := mustApply(t, st, `
orgs:
  - name: Short
    sessionTimeout: 15m
    users: [{username: a@short.test, password: pw}]
  - name: Default
    users: [{username: b@default.test, password: pw}]
`)
	return st, c, res
}
