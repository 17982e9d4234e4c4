package store

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// copyRecord copies a record and its fields, without the version's Memo.
func copyRecord(r *Record) Record {
	c := *r
	c.memo = nil
	c.Fields = make(map[string]any, len(r.Fields))
	for k, v := range r.Fields {
		c.Fields[k] = v
	}
	return c
}

// InsertRecord creates a record of the object in an org, created by the
// given user (may be empty), and returns it with its new ID and system
// fields set. Field values are stored as given; validation against the
// object's describe belongs to the REST layer.
func (s *Store) InsertRecord(orgID, object, createdByID string, fields map[string]any) (Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.insertRecord(orgID, object, createdByID, fields)
}

// ErrStorageLimitExceeded refuses a record an org has no room for
// (SetMaxRecords): what Salesforce answers STORAGE_LIMIT_EXCEEDED
// "storage limit exceeded" when an org's data storage is full.
var ErrStorageLimitExceeded = errors.New("storage limit exceeded")

// SetMaxRecords caps the records each org may hold, all objects and
// deleted ones included (they stay in memory, for queryAll): an insert
// past it fails with ErrStorageLimitExceeded. 0 or less means no cap. A
// seed's records are never refused, so a seed larger than the cap makes
// an org that starts full.
func (s *Store) SetMaxRecords(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxRecords = max(n, 0)
}

// recordRoomLocked is how many more records the org may hold:
// math.MaxInt when there is no cap.
func (s *Store) recordRoomLocked(o *orgState) int {
	if s.maxRecords == 0 {
		return math.MaxInt
	}
	held := 0
	for _, byID := range o.records {
		held += len(byID)
	}
	return max(s.maxRecords-held, 0)
}

func (s *Store) insertRecord(orgID, object, createdByID string, fields map[string]any) (Record, error) {
	o, ok := s.orgs[orgID]
	if !ok {
		return Record{}, fmt.Errorf("store: insert %s: org %s: %w", object, orgID, ErrNotFound)
	}
	if s.recordRoomLocked(o) == 0 {
		return Record{}, fmt.Errorf("store: insert %s: org %s is full (at most %d records): %w", object, orgID, s.maxRecords, ErrStorageLimitExceeded)
	}
	return s.addRecordLocked(orgID, object, createdByID, fields), nil
}

// addRecordLocked is insertRecord into an org that exists, with no cap:
// for the seed.
func (s *Store) addRecordLocked(orgID, object, createdByID string, fields map[string]any) Record {
	now := s.recordClock(orgID)
	r := &Record{
		ID:               s.recordIDLocked(orgID, object),
		Object:           object,
		Fields:           make(map[string]any, len(fields)),
		CreatedDate:      now,
		LastModifiedDate: now,
		SystemModstamp:   now,
		CreatedByID:      createdByID,
		memo:             new(Memo),
	}
	for k, v := range fields {
		r.Fields[k] = v
	}
	o := s.orgs[orgID]
	if o.records[object] == nil {
		o.records[object] = map[string]*Record{}
	}
	o.records[object][r.ID] = r
	o.order[object] = append(o.order[object], r.ID)
	return copyRecord(r)
}

// Records returns every record of an object in an org, deleted ones
// included (callers filter on IsDeleted), ordered by ID, which is creation
// order.
func (s *Store) Records(orgID, object string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rs := s.orgLocked(orgID).records[object]
	out := make([]Record, 0, len(rs))
	for _, r := range rs {
		out = append(out, copyRecord(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Record returns one record by its 15- or 18-character ID.
func (s *Store) Record(orgID, object, id string) (Record, error) {
	id = sfid.To18(id)
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.orgLocked(orgID).records[object][id]
	if !ok {
		return Record{}, fmt.Errorf("store: %s %s: %w", object, id, ErrNotFound)
	}
	return copyRecord(r), nil
}

// UpdateRecord sets the given fields of a record (a nil value clears a
// field) and bumps LastModifiedDate and SystemModstamp. The record is
// replaced by a new version, so records handed out before stay as they
// were.
func (s *Store) UpdateRecord(orgID, object, id string, fields map[string]any) (Record, error) {
	id = sfid.To18(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateRecordLocked(orgID, object, id, "", fields)
}

// DeleteRecord marks a record deleted (it stays visible to queryAll) and
// sets its DeletedDate.
func (s *Store) DeleteRecord(orgID, object, id string) error {
	id = sfid.To18(id)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteRecordLocked(orgID, object, id, "")
}

// Objects returns the names of the objects that have records in an org.
func (s *Store) Objects(orgID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for name := range s.orgLocked(orgID).records {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// recordClock returns the time in org orgID as records keep it: UTC, to the second,
// as Salesforce's audit fields are.
func (s *Store) recordClock(orgID string) time.Time {
	return s.nowIn(orgID).UTC().Truncate(time.Second)
}

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
	o := s.orgLocked(orgID)
	byID, ids := o.records[object], o.order[object]
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
	id = sfid.To18(id)
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.orgLocked(orgID).records[object][id]
	return r, ok
}
