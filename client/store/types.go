// Package store keeps Beacon's state in memory: the connected app's
// credentials, the Salesforce connection (pending and confirmed), the field
// maps from the field sync, the synced records and the state of both syncs.
// A Store is safe for concurrent use; what it returns are copies.
package store

import (
	"maps"
	"slices"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Credentials are the connected app's Consumer Key and Consumer Secret.
type Credentials struct {
	// ConsumerKey is the connected app's OAuth client id.
	ConsumerKey string
	// ConsumerSecret is the connected app's OAuth client secret; show it
	// only through MaskedSecret and never log it.
	ConsumerSecret string
}

// MaskedSecret returns the secret with all but its last four characters
// hidden, for display.
func (c Credentials) MaskedSecret() string {
	const shown = 4
	if len(c.ConsumerSecret) <= shown {
		return "••••"
	}
	return "••••••••" + c.ConsumerSecret[len(c.ConsumerSecret)-shown:]
}

// Identity is who the connection logged in as, from the identity URL.
type Identity struct {
	// Username is the Salesforce username.
	Username string
	// OrganizationID is the 18-character org id.
	OrganizationID string
	// UserID is the 18-character user id.
	UserID string
	// DisplayName is the user's full name.
	DisplayName string
}

// Connection is an authorized link to one Salesforce org. Token is treated
// as immutable: a refresh replaces it.
type Connection struct {
	// Token holds the access and refresh tokens.
	Token *oauth2.Token
	// InstanceURL is the org's REST API base URL.
	InstanceURL string
	// IdentityURL is the identity URL from the token response.
	IdentityURL string
	// Identity is nil until the identity URL has been read.
	Identity *Identity
	// ConnectedAt is when the admin confirmed the connection.
	ConnectedAt time.Time
}

// Field is one field of a Salesforce object, as the field sync found it.
type Field struct {
	// Name is the field's API name.
	Name string
	// Type is the describe type, such as string or email.
	Type string
}

// Phase is the progress of one step of the field sync.
type Phase string

// Phases of the field sync of one object.
const (
	PhaseWaiting Phase = "waiting"
	PhaseRunning Phase = "running"
	PhaseDone    Phase = "done"
	PhaseFailed  Phase = "failed"
)

// ObjectFields is the field sync state of one object.
type ObjectFields struct {
	// Object is the object's API name.
	Object string
	// Phase is how far its field sync got.
	Phase Phase
	// Fields are the fields found, once Phase is PhaseDone.
	Fields []Field
	// Err is why the field sync failed, when Phase is PhaseFailed.
	Err error
}

// SyncState is the state of the record sync.
type SyncState string

// States of the record sync.
const (
	SyncNotStarted SyncState = "not_started"
	// SyncInitial is the first full pull.
	SyncInitial SyncState = "initial"
	// SyncRunning means the first full pull is done and changes are pulled
	// periodically.
	SyncRunning SyncState = "running"
	// SyncFailed means the sync stopped on an error that needs the admin.
	SyncFailed SyncState = "failed"
)

// RecordSync is the state of the record sync.
type RecordSync struct {
	// State is where the sync is.
	State SyncState
	// Err is why the sync failed, when State is SyncFailed.
	Err error
	// LastError is the latest error, including ones the sync recovered from.
	LastError error
	// LastPull is when the last complete pull of all objects finished.
	LastPull time.Time
}

// Record is one synced record: field name to value.
type Record map[string]any

// Status is a snapshot of the connection and both syncs.
type Status struct {
	// Connection is nil when no connection is confirmed.
	Connection *Connection
	// Fields lists the field sync state of each object, in sync order.
	Fields []ObjectFields
	// Sync is the record sync state.
	Sync RecordSync
	// Counts maps each object to its number of synced records.
	Counts map[string]int
}

// Store is Beacon's in-memory state.
type Store struct {
	mu          sync.Mutex
	credentials *Credentials
	pending     *Connection
	conn        *Connection
	fields      []ObjectFields
	records     map[string]map[string]Record
	sync        RecordSync
}

// New returns an empty Store.
func New() *Store {
	return &Store{
		records: map[string]map[string]Record{},
		sync:    RecordSync{State: SyncNotStarted},
	}
}

// SaveCredentials stores the connected app's credentials.
func (s *Store) SaveCredentials(c Credentials) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.credentials = &c
}

// Credentials returns the saved credentials, if any.
func (s *Store) Credentials() (Credentials, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.credentials == nil {
		return Credentials{}, false
	}
	return *s.credentials, true
}

// SetPending stores c as the connection waiting for the admin to confirm
// it, replacing any earlier one, which it returns.
func (s *Store) SetPending(c Connection) (replaced *Connection) {
	s.mu.Lock()
	defer s.mu.Unlock()
	replaced, s.pending = s.pending, &c
	return replaced
}

// Pending returns the connection waiting for confirmation, if any.
func (s *Store) Pending() (Connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return Connection{}, false
	}
	return *s.pending, true
}

// SetPendingIdentity records who the pending connection with the access
// token accessToken belongs to. It does nothing if that connection is no
// longer pending.
func (s *Store) SetPendingIdentity(accessToken string, id Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending != nil && s.pending.Token != nil && s.pending.Token.AccessToken == accessToken {
		s.pending.Identity = &id
	}
}

// TakePending removes and returns the pending connection.
func (s *Store) TakePending() (Connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending == nil {
		return Connection{}, false
	}
	c := *s.pending
	s.pending = nil
	return c, true
}

// Connect makes c the active connection. It starts the field sync state
// over for objects and forgets the records and record sync state of any
// earlier connection.
func (s *Store) Connect(c Connection, objects []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conn = &c
	s.fields = make([]ObjectFields, len(objects))
	for i, o := range objects {
		s.fields[i] = ObjectFields{Object: o, Phase: PhaseWaiting}
	}
	s.records = map[string]map[string]Record{}
	s.sync = RecordSync{State: SyncNotStarted}
}

// Connection returns the active connection, if any.
func (s *Store) Connection() (Connection, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil {
		return Connection{}, false
	}
	return *s.conn, true
}

// UpdateToken replaces the active connection's token prev with next after
// a refresh. Tokens are compared by identity, so a refresh made for a
// connection that was replaced meanwhile changes nothing.
func (s *Store) UpdateToken(prev, next *oauth2.Token, instanceURL string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || s.conn.Token != prev {
		return
	}
	s.conn.Token = next
	if instanceURL != "" {
		s.conn.InstanceURL = instanceURL
	}
}

// SetFieldPhase records the field sync phase of object, with err when the
// phase is PhaseFailed.
func (s *Store) SetFieldPhase(object string, p Phase, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if of := s.objectFields(object); of != nil {
		of.Phase, of.Err = p, err
	}
}

// SetFields stores the fields the field sync found for object and marks it
// done.
func (s *Store) SetFields(object string, fields []Field) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if of := s.objectFields(object); of != nil {
		of.Fields = slices.Clone(fields)
		of.Phase, of.Err = PhaseDone, nil
	}
}

// Fields returns the fields found for object; ok is false until its field
// sync is done.
func (s *Store) Fields(object string) (fields []Field, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	of := s.objectFields(object)
	if of == nil || of.Phase != PhaseDone {
		return nil, false
	}
	return slices.Clone(of.Fields), true
}

// FieldSyncDone reports whether the field sync finished for every object.
func (s *Store) FieldSyncDone() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || len(s.fields) == 0 {
		return false
	}
	for _, of := range s.fields {
		if of.Phase != PhaseDone {
			return false
		}
	}
	return true
}

func (s *Store) objectFields(object string) *ObjectFields {
	for i := range s.fields {
		if s.fields[i].Object == object {
			return &s.fields[i]
		}
	}
	return nil
}

// UpsertRecords stores records of object by their Id, replacing earlier
// versions, and returns how many were new. Records without an Id are
// skipped.
func (s *Store) UpsertRecords(object string, records []Record) (added int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID := s.records[object]
	if byID == nil {
		byID = map[string]Record{}
		s.records[object] = byID
	}
	for _, r := range records {
		id, _ := r["Id"].(string)
		if id == "" {
			continue
		}
		if _, ok := byID[id]; !ok {
			added++
		}
		byID[id] = maps.Clone(r)
	}
	return added
}

// Record returns the synced record of object with the given id.
func (s *Store) Record(object, id string) (Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[object][id]
	return maps.Clone(r), ok
}

// RecordCount returns how many records of object are synced.
func (s *Store) RecordCount(object string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.records[object])
}

// RecordSync returns the record sync state.
func (s *Store) RecordSync() RecordSync {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sync
}

// StartRecordSync moves the record sync to SyncInitial unless it is
// already going; it reports whether it did, so that only one sync runs.
func (s *Store) StartRecordSync() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn == nil || s.sync.State == SyncInitial || s.sync.State == SyncRunning {
		return false
	}
	s.sync = RecordSync{State: SyncInitial, LastError: s.sync.LastError}
	return true
}

// RecordSyncRunning marks the first full pull as finished (or a later pull
// as complete) at time at, and clears the last error.
func (s *Store) RecordSyncRunning(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sync.State = SyncRunning
	s.sync.LastPull = at
	s.sync.LastError = nil
}

// RecordSyncError records an error the sync will retry after.
func (s *Store) RecordSyncError(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sync.LastError = err
}

// RecordSyncFailed marks the record sync as stopped by err.
func (s *Store) RecordSyncFailed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sync.State = SyncFailed
	s.sync.Err = err
	s.sync.LastError = err
}

// Status returns a snapshot of the connection and both syncs.
func (s *Store) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := Status{Sync: s.sync, Counts: map[string]int{}}
	if s.conn != nil {
		c := *s.conn
		st.Connection = &c
	}
	st.Fields = make([]ObjectFields, len(s.fields))
	for i, of := range s.fields {
		of.Fields = slices.Clone(of.Fields)
		st.Fields[i] = of
		st.Counts[of.Object] = len(s.records[of.Object])
	}
	return st
}
