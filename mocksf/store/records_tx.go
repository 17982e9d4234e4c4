package store

import (
	"fmt"
	"slices"
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
		byID := s.records[st.orgID][st.object]
		if byID == nil {
			continue
		}
		if st.prev != nil {
			byID[st.id] = st.prev
			continue
		}
		delete(byID, st.id)
		if ext := s.ext.orgs[st.orgID]; ext != nil {
			// The inserted ID is at or near the end: look from there.
			order := ext.order[st.object]
			for k := len(order) - 1; k >= 0; k-- {
				if order[k] == st.id {
					ext.order[st.object] = slices.Delete(order, k, k+1)
					break
				}
			}
		}
	}
	j.steps = j.steps[:mark]
}
