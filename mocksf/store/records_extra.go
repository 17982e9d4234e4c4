package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// storeExt is what schema.go, limits.go and this file keep per org. It is
// guarded by Store.mu, except the API usage, which has its own lock.
type storeExt struct {
	orgs map[string]*orgExt
}

type orgExt struct {
	custom *CustomSchema
	// dailyLimit is the org's DailyApiRequests allocation; 0 means the
	// edition's default.
	dailyLimit int
	// newestVersion is the newest REST API version the org serves, such
	// as "66.0"; empty means the server's setting.
	newestVersion string
	// order lists record IDs by object in creation order, which is ID
	// order: the store's serial only grows.
	order map[string][]string
	usage *usageWindow
	// bulk is the org's Bulk API jobs (bulkjobs.go).
	bulk *bulkJobs
}

func newStoreExt() storeExt { return storeExt{orgs: map[string]*orgExt{}} }

// noOrg is what lookups of an org without extensions see.
var noOrg = &orgExt{}

// get returns the org's extension state, or an empty one to read.
func (e *storeExt) get(orgID string) *orgExt {
	if o := e.orgs[orgID]; o != nil {
		return o
	}
	return noOrg
}

// put returns the org's extension state, creating it; s.mu must be held
// for writing.
func (e *storeExt) put(orgID string) *orgExt {
	o := e.orgs[orgID]
	if o == nil {
		o = &orgExt{order: map[string][]string{}, usage: &usageWindow{}}
		e.orgs[orgID] = o
	}
	return o
}

// clock returns the store's time as records keep it: UTC, to the second,
// as Salesforce's audit fields are.
func (s *Store) recordClock() time.Time { return s.now().UTC().Truncate(time.Second) }

// RecordSnapshot returns the org's records of an object, deleted ones
// included, in ID (creation) order, without copying them: the records are
// shared and must not be modified. The store never changes a record it has
// handed out: an update or delete stores a new version, so a snapshot
// stays as it was when taken. It is the cheap way to read many records.
func (s *Store) RecordSnapshot(orgID, object string) []*Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.snapshotLocked(orgID, object)
}

func (s *Store) snapshotLocked(orgID, object string) []*Record {
	byID := s.records[orgID][object]
	ids := s.ext.get(orgID).order[object]
	out := make([]*Record, 0, len(byID))
	if len(ids) == len(byID) {
		for _, id := range ids {
			if r := byID[id]; r != nil {
				out = append(out, r)
			}
		}
		if len(out) == len(byID) {
			return out
		}
		out = out[:0]
	}
	// Records added some other way than insertRecord: sort them.
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *Record) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// RecordRef returns the current version of one record by its 15- or
// 18-character ID without copying it; like RecordSnapshot's, it is shared
// and must not be modified.
func (s *Store) RecordRef(orgID, object, id string) (*Record, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.records[orgID][object][sfid.To18(id)]
	return r, ok
}

// RecordTx is a write transaction on one object's records of an org,
// under the store's lock: what it reads cannot change before it writes,
// so checks such as uniqueness and an upsert's match hold when it commits.
// Its methods must not be called after UpdateRecords returns.
type RecordTx struct {
	s      *Store
	orgID  string
	object string
	// journal, when set, notes how to undo each write (records_tx.go).
	journal *Journal
}

// UpdateRecords runs fn as a write transaction on the org's records of
// the object. Whatever fn changed stays changed when it returns an error;
// check before writing.
func (s *Store) UpdateRecords(orgID, object string, fn func(tx *RecordTx) error) error {
	return s.UpdateRecordsIn(nil, orgID, object, fn)
}

// Records returns the object's records, deleted ones included, in ID
// order; they are shared and must not be modified.
func (tx *RecordTx) Records() []*Record { return tx.s.snapshotLocked(tx.orgID, tx.object) }

// Get returns one record by its 15- or 18-character ID; it is shared and
// must not be modified.
func (tx *RecordTx) Get(id string) (*Record, bool) {
	r, ok := tx.s.records[tx.orgID][tx.object][sfid.To18(id)]
	return r, ok
}

// Insert creates a record created by the given user (may be empty).
func (tx *RecordTx) Insert(createdByID string, fields map[string]any) (Record, error) {
	r, err := tx.s.insertRecord(tx.orgID, tx.object, createdByID, fields)
	if err == nil {
		tx.note(r.ID, nil)
	}
	return r, err
}

// Update sets fields of a live record (a nil value clears a field) as the
// given user and returns the new version.
func (tx *RecordTx) Update(id, modifiedByID string, fields map[string]any) (Record, error) {
	prev, _ := tx.Get(id)
	r, err := tx.s.updateRecordLocked(tx.orgID, tx.object, id, modifiedByID, fields)
	if err == nil {
		tx.note(r.ID, prev)
	}
	return r, err
}

// Delete marks a live record deleted by the given user.
func (tx *RecordTx) Delete(id, deletedByID string) error {
	prev, _ := tx.Get(id)
	err := tx.s.deleteRecordLocked(tx.orgID, tx.object, id, deletedByID)
	if err == nil {
		tx.note(prev.ID, prev)
	}
	return err
}

// updateRecordLocked stores a new version of a live record with fields
// changed; s.mu must be held for writing.
func (s *Store) updateRecordLocked(orgID, object, id, modifiedByID string, fields map[string]any) (Record, error) {
	byID := s.records[orgID][object]
	r, ok := byID[sfid.To18(id)]
	if !ok || r.IsDeleted {
		return Record{}, fmt.Errorf("store: update %s %s: %w", object, id, ErrNotFound)
	}
	n := copyRecord(r)
	for k, v := range fields {
		if v == nil {
			delete(n.Fields, k)
			continue
		}
		n.Fields[k] = v
	}
	now := s.recordClock()
	n.LastModifiedDate, n.SystemModstamp = now, now
	if modifiedByID != "" {
		n.LastModifiedByID = modifiedByID
	}
	byID[n.ID] = &n
	return copyRecord(&n), nil
}

// deleteRecordLocked stores a deleted version of a live record; s.mu must
// be held for writing.
func (s *Store) deleteRecordLocked(orgID, object, id, deletedByID string) error {
	byID := s.records[orgID][object]
	r, ok := byID[sfid.To18(id)]
	if !ok || r.IsDeleted {
		return fmt.Errorf("store: delete %s %s: %w", object, id, ErrNotFound)
	}
	n := *r // Fields is shared with the old version; neither changes it
	now := s.recordClock()
	n.IsDeleted = true
	n.DeletedDate, n.LastModifiedDate, n.SystemModstamp = now, now, now
	if deletedByID != "" {
		n.LastModifiedByID = deletedByID
	}
	byID[n.ID] = &n
	return nil
}
