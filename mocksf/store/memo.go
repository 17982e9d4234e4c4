package store

import "sync/atomic"

// Memo is where a reader may keep something it derived from one version
// of a record, such as the record's rendered JSON, so that it need not
// derive it again. Each version the store keeps has a Memo of its own,
// and a write makes a new version with an empty one: what a Memo holds
// can never outlive the version it was derived from. Copies of records
// (Record, Records and the results of writes) have none. A Memo is safe
// for concurrent use; the last Store wins.
type Memo struct {
	p atomic.Pointer[any]
}

// Memo returns the version's Memo, nil for a copy.
func (r *Record) Memo() *Memo { return r.memo }

// Load returns what was stored, nil when nothing was or m is nil.
func (m *Memo) Load() any {
	if m == nil {
		return nil
	}
	if p := m.p.Load(); p != nil {
		return *p
	}
	return nil
}

// Store keeps v, replacing what was there; on a nil Memo it does nothing.
func (m *Memo) Store(v any) {
	if m != nil {
		m.p.Store(&v)
	}
}
