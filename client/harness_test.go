package client_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
)

// harness is a Beacon server wired to mocksf through a mocksfWorld on an
// sfOrg, with Beacon's logs kept for checks.
type harness struct {
	*mocksfWorld
	sf   *sfOrg
	logs *testlog.Buffer
}

type harnessOptions struct {
	featureOff bool
	// dbPath is the database file; empty for a temporary one.
	dbPath string
	// statusPoll and popupGrace are client.Config's; zero for its
	// defaults.
	statusPoll, popupGrace time.Duration
}

func newHarness(t *testing.T, opts ...harnessOptions) *harness {
	t.Helper()
	var o harnessOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	h := &harness{mocksfWorld: newWorld(t), logs: &testlog.Buffer{}}
	h.sf = newSFOrg(t, h.callbackURL())
	h.use(h.sf.Server)
	h.run(client.Config{
		OAuthFeature: !o.featureOff,
		SyncInterval: 50 * time.Millisecond,
		HTTPClient:   &http.Client{Timeout: 30 * time.Second}, // Beacon's default
		DBPath:       o.dbPath,
		Logger:       testlog.New(t, h.logs),
		StatusPoll:   o.statusPoll,
		PopupGrace:   o.popupGrace,
	})
	return h
}

// sfOrg is mocksf for a harness: one org with the sync user and
// Beacon's connected app (sfKey, sfSecret), on a frozen clock that starts
// at 2026-01-02T03:04:05Z and each change moves a second, so
// LastModifiedDates are exact and long settled for Beacon.
type sfOrg struct {
	*mocksftest.Server
	org mocksftest.Org
}

func newSFOrg(t *testing.T, callbackURL string) *sfOrg {
	t.Helper()
	srv := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	srv.FreezeClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Acme",
		Users: []mocksftest.UserSpec{{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Beacon Sync", ConsumerKey: sfKey, ConsumerSecret: sfSecret,
			CallbackURLs: []string{callbackURL}, Scopes: []string{"api", "refresh_token", "id"}, ClientCredentialsRunAs: syncUser}},
	})
	return &sfOrg{Server: srv, org: org}
}

// user is the sync user.
func (s *sfOrg) user() mocksftest.OrgUser { return s.org.Users[0] }

// addRecords adds n records of object, each a second after the previous
// change, and returns their ids.
func (s *sfOrg) addRecords(t *testing.T, object string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = s.InsertRecord(t, s.org.ID, object, map[string]any{"LastName": fmt.Sprint("Beacon ", i), "Name": fmt.Sprint("Beacon ", i)})
	}
	return ids
}

// fieldCount is how many fields mocksf's describe of object lists.
func (s *sfOrg) fieldCount(t *testing.T, object string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.org.InstanceURL+"/services/data/v60.0/sobjects/"+object+"/describe", nil)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken(t, s.user().ID, sfKey, "api").AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var d struct{ Fields []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("describe %s: %d %v", object, resp.StatusCode, err)
	}
	return len(d.Fields)
}

// expireSessions ends the sync user's access tokens: the next REST call
// answers 401 INVALID_SESSION_ID.
func (s *sfOrg) expireSessions() { s.ExpireSessions(s.user().ID, sfKey) }

// rotateSecret changes the connected app's consumer secret, as a
// rotation in Setup does.
func (s *sfOrg) rotateSecret(t *testing.T, secret string) {
	t.Helper()
	if _, err := s.Mocksf.Store().UpdateApp(sfKey, func(a *store.ConnectedApp) { a.ConsumerSecret = secret }); err != nil {
		t.Fatal(err)
	}
}

// The OAuth resources the tests count requests of, as fault and journal
// path patterns.
const (
	authorizePath = "/services/oauth2/authorize"
	revokePath    = "/services/oauth2/revoke"
	identityPath  = "/id/**"
)

// requests counts the requests mocksf got on a path pattern.
func (s *sfOrg) requests(path string) int {
	return len(s.Requests(mocksftest.RequestFilter{Path: path}))
}

// grants counts the token requests of a grant type.
func (s *sfOrg) grants(grant string) int {
	n := 0
	for _, e := range s.Requests(mocksftest.RequestFilter{Path: tokenPath}) {
		if slices.Contains(e.Form["grant_type"], grant) {
			n++
		}
	}
	return n
}

// revoked returns the tokens mocksf revoked, masked as its journal keeps
// them ("5Aep****" for a refresh token).
func (s *sfOrg) revoked() []string {
	var out []string
	for _, e := range s.Requests(mocksftest.RequestFilter{Path: revokePath, Status: http.StatusOK}) {
		out = append(out, e.Form["token"]...)
	}
	return out
}

// apiDisabled makes the REST API answer 403 API_DISABLED_FOR_ORG.
func (s *sfOrg) apiDisabled(t *testing.T) {
	t.Helper()
	s.Fault(t, mocksftest.Rule{Path: "/services/data/**", SalesforceError: "API_DISABLED_FOR_ORG"})
}

// refreshFails makes refresh token grants fail with invalid_grant.
func (s *sfOrg) refreshFails(t *testing.T) {
	t.Helper()
	s.Fault(t, mocksftest.Rule{Path: tokenPath, OAuthError: "invalid_grant"})
}
