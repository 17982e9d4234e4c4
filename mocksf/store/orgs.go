package store

import (
	"fmt"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// orgState is one org as the store keeps it: the Org its getters return
// copies of, and what the store holds for the org besides, which goes
// with it (DeleteOrg). It is guarded by Store.mu, except the API usage,
// which has its own lock.
type orgState struct {
	Org
	// custom is what the org's seed adds to the standard objects
	// (schema.go); nil means nothing.
	custom *CustomSchema
	// dailyLimit is the org's DailyApiRequests allocation; 0 means the
	// edition's default (limits.go).
	dailyLimit int
	// newestVersion is the newest REST API version the org serves, such
	// as "66.0"; empty means the server's setting.
	newestVersion string
	// records are the current versions of the org's records, by object
	// and 18-character ID.
	records map[string]map[string]*Record
	// order lists record IDs by object in creation order, which is ID
	// order: the store's serial only grows.
	order map[string][]string
	usage usageWindow
	// bulk is the org's Bulk API jobs (bulkjobs.go).
	bulk bulkJobs
}

// newOrgState is the state of a new org, with nothing in it yet.
func newOrgState(o Org) *orgState {
	return &orgState{Org: o, records: map[string]map[string]*Record{}, order: map[string][]string{},
		bulk: bulkJobs{byID: map[string]*BulkJob{}}}
}

// noOrg is what a read of an org that does not exist sees: no records,
// no jobs, no custom schema.
var noOrg = newOrgState(Org{})

// orgLocked returns the org with an 18-character ID, or noOrg to read
// from; s.mu must be held.
func (s *Store) orgLocked(id string) *orgState {
	if o, ok := s.orgs[id]; ok {
		return o
	}
	return noOrg
}

// CreateOrg adds one org described as one entry of a seed's orgs. It is
// all or nothing: on any error the store is as it was. Usernames taken
// in another org are ErrConflict, as in Salesforce, where usernames are
// unique across every org.
func (s *Store) CreateOrg(spec OrgSpec) (OrgResult, error) {
	results, err := s.Apply(Seed{Orgs: []OrgSpec{spec}})
	if err != nil {
		// Apply checks conflicts before it adds anything, but a request
		// racing this one can take a consumer key between that check and
		// the app's creation; undo the half-made org.
		for _, r := range results {
			_ = s.DeleteOrg(r.Org.ID)
		}
		return OrgResult{}, err
	}
	return results[0], nil
}

// DeleteOrg removes an org and everything in it: its users, connected
// apps, records, Bulk API jobs, authorization codes, tokens, approvals and the browser
// sessions of its users.
func (s *Store) DeleteOrg(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id = sfid.To18(id)
	if _, ok := s.orgs[id]; !ok {
		return fmt.Errorf("store: delete org %s: %w", id, ErrNotFound)
	}
	// Its records, jobs and settings go with it.
	delete(s.orgs, id)
	s.orgClocks.Delete(id)
	users := map[string]bool{}
	for uid, u := range s.users {
		if u.OrgID == id {
			users[uid] = true
			delete(s.users, uid)
		}
	}
	for name, uid := range s.byName {
		if users[uid] {
			delete(s.byName, name)
		}
	}
	apps := map[string]bool{}
	for key, a := range s.apps {
		if a.OrgID == id {
			apps[key] = true
			delete(s.apps, key)
		}
	}
	// Tokens and codes belong to the user's org, but an app of this org
	// may have been used by users of another: those go too.
	for c, code := range s.codes {
		if code.OrgID == id || users[code.UserID] || apps[code.ConsumerKey] {
			delete(s.codes, c)
		}
	}
	for t, at := range s.access {
		if at.OrgID == id || users[at.UserID] || apps[at.ConsumerKey] {
			delete(s.access, t)
		}
	}
	for t, rt := range s.refresh {
		if rt.OrgID == id || users[rt.UserID] || apps[rt.ConsumerKey] {
			s.deleteRefreshLocked(t)
		}
	}
	for k := range s.approvals {
		if users[k.userID] || apps[k.consumerKey] {
			delete(s.approvals, k)
		}
	}
	for sid, sess := range s.sessions {
		if sess.OrgID == id || users[sess.UserID] {
			s.dropSessionLocked(sid)
		}
	}
	return nil
}

// ResetTo empties the store and applies seed, numbering IDs from the
// start again, so a seed whose consumer keys and secrets are all given
// (see Seed.WithKeys) comes back with the same IDs, keys and secrets.
func (s *Store) ResetTo(seed Seed) ([]OrgResult, error) {
	s.mu.Lock()
	s.clear()
	s.serial = 0
	s.mu.Unlock()
	return s.Apply(seed)
}

// WithKeys returns a copy of the seed with the consumer keys and secrets
// and the users' security tokens Apply generated (results, in the seed's
// order) written in, so applying it again gives the same credentials.
func (seed Seed) WithKeys(results []OrgResult) Seed {
	out := Seed{Orgs: make([]OrgSpec, len(seed.Orgs))}
	for i, o := range seed.Orgs {
		var made OrgResult
		if i < len(results) {
			made = results[i]
		}
		o.ConnectedApps = withKeys(o.ConnectedApps, made.Apps)
		o.Users = withSecurityTokens(o.Users, made.Users)
		o.ExternalClientApps = withKeys(o.ExternalClientApps, made.ExternalClientApps)
		out.Orgs[i] = o
	}
	return out
}

// withSecurityTokens is a copy of specs with the security tokens of the
// users made from them, in the same order, written in.
func withSecurityTokens(specs []UserSpec, made []User) []UserSpec {
	return withMade(specs, made, func(spec *UserSpec, u User) { spec.SecurityToken = u.SecurityToken })
}

// withKeys is a copy of specs with the credentials of the apps made from
// them, in the same order, written in.
func withKeys(specs []AppSpec, made []ConnectedApp) []AppSpec {
	return withMade(specs, made, func(spec *AppSpec, a ConnectedApp) {
		spec.ConsumerKey, spec.ConsumerSecret = a.ConsumerKey, a.ConsumerSecret
	})
}

// withMade is a copy of specs (nil for nil) in which write has put what
// each spec's counterpart in made, in the same order, got when made.
func withMade[S, M any](specs []S, made []M, write func(*S, M)) []S {
	if specs == nil {
		return nil
	}
	out := append([]S(nil), specs...)
	for j := range out {
		if j < len(made) {
			write(&out[j], made[j])
		}
	}
	return out
}

// RecordCounts returns how many live (not deleted) records of each object
// an org holds.
func (s *Store) RecordCounts(orgID string) map[string]int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := map[string]int{}
	for object, rs := range s.orgLocked(sfid.To18(orgID)).records {
		n := 0
		for _, r := range rs {
			if !r.IsDeleted {
				n++
			}
		}
		out[object] = n
	}
	return out
}

// OrgOfSession returns the org and username of a logged-in browser
// session, or empty strings.
func (s *Store) OrgOfSession(id string) (orgID, username string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	sess, ok := s.sessions[id]
	if !ok {
		return "", ""
	}
	if u, ok := s.users[sess.UserID]; ok {
		return sess.OrgID, u.Username
	}
	return sess.OrgID, ""
}

// OrgOfToken returns the org, username and consumer key of an access
// token, or empty strings.
func (s *Store) OrgOfToken(token string) (orgID, username, consumerKey string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var userID string
	if at, ok := s.access[token]; ok {
		orgID, userID, consumerKey = at.OrgID, at.UserID, at.ConsumerKey
	} else if rt, ok := s.refresh[token]; ok {
		// Refresh tokens too: a refresh grant or a revoke names its user.
		orgID, userID, consumerKey = rt.OrgID, rt.UserID, rt.ConsumerKey
	} else {
		return "", "", ""
	}
	if u, ok := s.users[userID]; ok {
		username = u.Username
	}
	return orgID, username, consumerKey
}

// SetRestrictConnectedApps sets the org's Spring '26 restriction on
// creating connected apps. Turning External Client App Settings' "Allow
// creation of connected apps" on clears it.
func (s *Store) SetRestrictConnectedApps(orgID string, restricted bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[sfid.To18(orgID)]
	if !ok {
		return fmt.Errorf("store: org %s: %w", orgID, ErrNotFound)
	}
	o.RestrictConnectedApps = restricted
	return nil
}

// UpdateOrg changes an org through fn, atomically; its ID cannot change.
func (s *Store) UpdateOrg(id string, fn func(*Org)) (Org, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orgs[sfid.To18(id)]
	if !ok {
		return Org{}, fmt.Errorf("store: org %s: %w", id, ErrNotFound)
	}
	c := o.Org
	fn(&c)
	c.ID = o.ID
	o.Org = c
	return c, nil
}
