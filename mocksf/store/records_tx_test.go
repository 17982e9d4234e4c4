package store_test

import (
	"errors"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestUpdateOrgRecordsRollsBackOnError(t *testing.T) {
	t.Parallel()
	st, orgID := newTxStore(t)
	kept, err := st.InsertRecord(orgID, "Account", "", map[string]any{"Name": "Kept"})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = st.UpdateOrgRecords(nil, orgID, func(tx *store.OrgTx) error {
		if _, err := tx.Object("Account").Insert("", map[string]any{"Name": "New"}); err != nil {
			return err
		}
		if _, err := tx.Object("Contact").Insert("", map[string]any{"LastName": "New"}); err != nil {
			return err
		}
		if _, err := tx.Object("Account").Update(kept.ID, "", map[string]any{"Name": "Changed"}); err != nil {
			return err
		}
		if err := tx.Object("Account").Delete(kept.ID, ""); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v; want boom", err)
	}
	accounts := st.Records(orgID, "Account")
	if len(accounts) != 1 || accounts[0].Fields["Name"] != "Kept" || accounts[0].IsDeleted {
		t.Errorf("accounts after rollback = %+v; want only Kept, unchanged", accounts)
	}
	if n := len(st.RecordSnapshot(orgID, "Contact")); n != 0 {
		t.Errorf("%d contacts after rollback; want 0", n)
	}
	// A later insert still lists in order with the survivors.
	if _, err := st.InsertRecord(orgID, "Account", "", map[string]any{"Name": "After"}); err != nil {
		t.Fatal(err)
	}
	if snap := st.RecordSnapshot(orgID, "Account"); len(snap) != 2 || snap[1].Fields["Name"] != "After" {
		t.Errorf("snapshot = %d records; want Kept, After", len(snap))
	}
}

func TestJournalRollbackSpansTransactions(t *testing.T) {
	t.Parallel()
	st, orgID := newTxStore(t)
	var j store.Journal
	for _, name := range []string{"One", "Two"} {
		err := st.UpdateRecordsIn(&j, orgID, "Account", func(tx *store.RecordTx) error {
			_, err := tx.Insert("", map[string]any{"Name": name})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if j.Len() != 2 || len(st.Records(orgID, "Account")) != 2 {
		t.Fatalf("journal %d, records %d; want 2 and 2", j.Len(), len(st.Records(orgID, "Account")))
	}
	st.Rollback(&j)
	if n := len(st.Records(orgID, "Account")); n != 0 || j.Len() != 0 {
		t.Errorf("after Rollback: %d records, journal %d; want 0 and 0", n, j.Len())
	}
}

func TestOrgTxRollbackToMark(t *testing.T) {
	t.Parallel()
	st, orgID := newTxStore(t)
	err := st.UpdateOrgRecords(nil, orgID, func(tx *store.OrgTx) error {
		_, _ = tx.Object("Account").Insert("", map[string]any{"Name": "Stays"})
		mark := tx.Mark()
		_, _ = tx.Object("Account").Insert("", map[string]any{"Name": "Goes"})
		tx.RollbackTo(mark)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Records(orgID, "Account"); len(got) != 1 || got[0].Fields["Name"] != "Stays" {
		t.Errorf("records = %+v; want only Stays", got)
	}
}

func newTxStore(t *testing.T) (*store.Store, string) {
	t.Helper()
	st := store.New(nil)
	seed, err := store.ParseSeed([]byte("orgs:\n  - name: Tx\n    users:\n      - {username: tx@tx.test, password: Tx-Pass-1}\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	return st, res[0].Org.ID
}
