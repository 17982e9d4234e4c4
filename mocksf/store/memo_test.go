package store_test

import (
	"errors"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Each version of a record has a Memo of its own: an insert, an update
// and a delete each start an empty one, a rollback brings the replaced
// version back with its Memo, and copies have none.
func TestMemoBelongsToOneVersion(t *testing.T) {
	t.Parallel()
	s := newSeeded(t)
	org := s.globex.ID
	inserted, err := s.store.InsertRecord(org, "Lead", "", map[string]any{"LastName": "One"})
	if err != nil {
		t.Fatal(err)
	}
	if inserted.Memo() != nil {
		t.Error("the copy an insert returns has a Memo")
	}
	// current is the version kept, with something stored in its Memo.
	current := func(label string) *store.Record {
		t.Helper()
		r, ok := s.store.RecordRef(org, "Lead", inserted.ID)
		if !ok || r.Memo() == nil {
			t.Fatalf("%s: version kept = %v, %v; want one with a Memo", label, r, ok)
		}
		if got := r.Memo().Load(); got != nil {
			t.Fatalf("%s: the new version's Memo holds %v; want nothing", label, got)
		}
		r.Memo().Store(label)
		return r
	}
	v1 := current("insert")
	if c, _ := s.store.Record(org, "Lead", inserted.ID); c.Memo() != nil {
		t.Error("the copy Record returns has a Memo")
	}
	if _, err := s.store.UpdateRecord(org, "Lead", inserted.ID, map[string]any{"LastName": "Two"}); err != nil {
		t.Fatal(err)
	}
	v2 := current("update")
	if v2.Memo() == v1.Memo() || v1.Memo().Load() != "insert" {
		t.Error("the update shares or clears the old version's Memo")
	}
	errFail := errors.New("fail")
	err = s.store.UpdateOrgRecords(nil, org, func(tx *store.OrgTx) error {
		if _, err := tx.Object("Lead").Update(inserted.ID, "", map[string]any{"LastName": "Undone"}); err != nil {
			return err
		}
		return errFail
	})
	if !errors.Is(err, errFail) {
		t.Fatalf("UpdateOrgRecords = %v; want %v", err, errFail)
	}
	if r, _ := s.store.RecordRef(org, "Lead", inserted.ID); r != v2 || r.Memo().Load() != "update" {
		t.Errorf("after the rollback: %+v holding %v; want the version before, holding %q", r, r.Memo().Load(), "update")
	}
	if err := s.store.DeleteRecord(org, "Lead", inserted.ID); err != nil {
		t.Fatal(err)
	}
	if v3 := current("delete"); v3.Memo() == v2.Memo() {
		t.Error("the delete shares the old version's Memo")
	}
	var nilMemo *store.Memo
	nilMemo.Store("x")
	if nilMemo.Load() != nil {
		t.Error("a nil Memo holds something")
	}
}
