package store

import (
	"fmt"
	"slices"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Journal notes how to undo record writes, so that a request made of
// several writes (an allOrNone SObject Collections or Composite request)
// can take them all back when one fails. A Journal belongs to one request
// and is not safe for concurrent use; the store applies it under its own
// lock. Undoing restores the versions the writes replaced, so a write
// another request made to the same record in between is undone too: a
// mock's simplification of Salesforce's database transaction.
type Journal struct {
	steps []undoStep
}

// undoStep is one write to take back: prev is the version it replaced,
// nil when the write inserted the record.
type undoStep struct {
	orgID, object, id string
	prev              *Record
}

// Len is the number of writes noted, a mark to roll back to.
func (j *Journal) Len() int {
	if j == nil {
		return 0
	}
	return len(j.steps)
}

// note records a write of the transaction's object, when it has a
// journal.
func (tx *RecordTx) note(id string, prev *Record) {
	if tx.journal != nil {
		tx.journal.steps = append(tx.journal.steps, undoStep{orgID: tx.orgID, object: tx.object, id: id, prev: prev})
	}
}

// UpdateRecordsIn is UpdateRecords with its writes noted in j (nil notes
// nothing), so that Rollback can undo them later.
func (s *Store) UpdateRecordsIn(j *Journal, orgID, object string, fn func(tx *RecordTx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[orgID]; !ok {
		return fmt.Errorf("store: %s: org %s: %w", object, orgID, ErrNotFound)
	}
	return fn(&RecordTx{s: s, orgID: orgID, object: object, journal: j})
}

// OrgTx is a write transaction on an org's records of any objects, under
// the store's lock, like RecordTx. Its methods must not be called after
// UpdateOrgRecords returns.
type OrgTx struct {
	s       *Store
	orgID   string
	journal *Journal
}

// Object is the transaction's view of one object's records.
func (tx *OrgTx) Object(object string) *RecordTx {
	return &RecordTx{s: tx.s, orgID: tx.orgID, object: object, journal: tx.journal}
}

// Mark is a point to roll back to with RollbackTo.
func (tx *OrgTx) Mark() int { return tx.journal.Len() }

// RollbackTo undoes the transaction's writes made since mark.
func (tx *OrgTx) RollbackTo(mark int) { tx.s.rollbackLocked(tx.journal, mark) }

// UpdateOrgRecords runs fn as one write transaction on the org's records.
// Unlike UpdateRecords, it is all or nothing: when fn returns an error,
// every write fn made is undone before UpdateOrgRecords returns it. Its
// writes are noted in j (which may be nil) for a later Rollback.
func (s *Store) UpdateOrgRecords(j *Journal, orgID string, fn func(tx *OrgTx) error) error {
	if j == nil {
		j = &Journal{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.orgs[orgID]; !ok {
		return fmt.Errorf("store: org %s: %w", orgID, ErrNotFound)
	}
	tx := &OrgTx{s: s, orgID: orgID, journal: j}
	mark := tx.Mark()
	if err := fn(tx); err != nil {
		s.rollbackLocked(j, mark)
		return err
	}
	return nil
}

// Rollback undoes every write noted in j, newest first, and empties it.
func (s *Store) Rollback(j *Journal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rollbackLocked(j, 0)
}

// rollbackLocked undoes j's writes after mark; s.mu must be held for
// writing. An org deleted since is skipped: its records are gone anyway.
func (s *Store) rollbackLocked(j *Journal, mark int) {
	if j == nil {
		return
	}
	for i := len(j.steps) - 1; i >= mark; i-- {
		st := j.steps[i]
		o := s.orgLocked(st.orgID)
		byID := o.records[st.object]
		if byID == nil {
			continue
		}
		if st.prev != nil {
			byID[st.id] = st.prev
			continue
		}
		delete(byID, st.id)
		// The inserted ID is at or near the end: look from there.
		order := o.order[st.object]
		for k := len(order) - 1; k >= 0; k-- {
			if order[k] == st.id {
				o.order[st.object] = slices.Delete(order, k, k+1)
				break
			}
		}
	}
	j.steps = j.steps[:mark]
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
	r, ok := tx.s.orgLocked(tx.orgID).records[tx.object][sfid.To18(id)]
	return r, ok
}

// Room is how many more records the org may hold (SetMaxRecords):
// math.MaxInt when there is no cap.
func (tx *RecordTx) Room() int { return tx.s.recordRoomLocked(tx.s.orgLocked(tx.orgID)) }

// Insert creates a record created by the given user (may be empty); it
// fails with ErrStorageLimitExceeded when the org is full.
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
	id = sfid.To18(id)
	prev, _ := tx.Get(id)
	r, err := tx.s.updateRecordLocked(tx.orgID, tx.object, id, modifiedByID, fields)
	if err == nil {
		tx.note(r.ID, prev)
	}
	return r, err
}

// Delete marks a live record deleted by the given user.
func (tx *RecordTx) Delete(id, deletedByID string) error {
	id = sfid.To18(id)
	prev, _ := tx.Get(id)
	err := tx.s.deleteRecordLocked(tx.orgID, tx.object, id, deletedByID)
	if err == nil {
		tx.note(prev.ID, prev)
	}
	return err
}

// updateRecordLocked stores a new version of a live record with fields
// changed; s.mu must be held for writing, and orgID and id are
// 18-character IDs.
func (s *Store) updateRecordLocked(orgID, object, id, modifiedByID string, fields map[string]any) (Record, error) {
	byID := s.orgLocked(orgID).records[object]
	r, ok := byID[id]
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
	now := s.recordClock(orgID)
	n.LastModifiedDate, n.SystemModstamp = now, now
	if modifiedByID != "" {
		n.LastModifiedByID = modifiedByID
	}
	n.memo = new(Memo)
	byID[n.ID] = &n
	return copyRecord(&n), nil
}

// deleteRecordLocked stores a deleted version of a live record; s.mu must
// be held for writing, and orgID and id are 18-character IDs.
func (s *Store) deleteRecordLocked(orgID, object, id, deletedByID string) error {
	byID := s.orgLocked(orgID).records[object]
	r, ok := byID[id]
	if !ok || r.IsDeleted {
		return fmt.Errorf("store: delete %s %s: %w", object, id, ErrNotFound)
	}
	n := *r // Fields is shared with the old version; neither changes it
	n.memo = new(Memo)
	now := s.recordClock(orgID)
	n.IsDeleted = true
	n.DeletedDate, n.LastModifiedDate, n.SystemModstamp = now, now, now
	if deletedByID != "" {
		n.LastModifiedByID = deletedByID
	}
	byID[n.ID] = &n
	return nil
}
