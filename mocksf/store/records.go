package store

import (
	"fmt"
	"sort"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

func copyRecord(r *Record) Record {
	c := *r
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

func (s *Store) insertRecord(orgID, object, createdByID string, fields map[string]any) (Record, error) {
	if _, ok := s.orgs[orgID]; !ok {
		return Record{}, fmt.Errorf("store: insert %s: org %s: %w", object, orgID, ErrNotFound)
	}
	now := s.recordClock()
	r := &Record{
		ID:               s.recordIDLocked(orgID, object),
		Object:           object,
		Fields:           make(map[string]any, len(fields)),
		CreatedDate:      now,
		LastModifiedDate: now,
		SystemModstamp:   now,
		CreatedByID:      createdByID,
	}
	for k, v := range fields {
		r.Fields[k] = v
	}
	byObject := s.records[orgID]
	if byObject == nil {
		byObject = map[string]map[string]*Record{}
		s.records[orgID] = byObject
	}
	if byObject[object] == nil {
		byObject[object] = map[string]*Record{}
	}
	byObject[object][r.ID] = r
	ext := s.ext.put(orgID)
	ext.order[object] = append(ext.order[object], r.ID)
	return copyRecord(r), nil
}

// Records returns every record of an object in an org, deleted ones
// included (callers filter on IsDeleted), ordered by ID, which is creation
// order.
func (s *Store) Records(orgID, object string) []Record {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rs := s.records[orgID][object]
	out := make([]Record, 0, len(rs))
	for _, r := range rs {
		out = append(out, copyRecord(r))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Record returns one record by its 15- or 18-character ID.
func (s *Store) Record(orgID, object, id string) (Record, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.records[orgID][object][sfid.To18(id)]
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
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.updateRecordLocked(orgID, object, id, "", fields)
}

// DeleteRecord marks a record deleted (it stays visible to queryAll) and
// sets its DeletedDate.
func (s *Store) DeleteRecord(orgID, object, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleteRecordLocked(orgID, object, id, "")
}

// Objects returns the names of the objects that have records in an org.
func (s *Store) Objects(orgID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []string
	for name := range s.records[orgID] {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
