package store_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"
)

func TestMaskedSecret(t *testing.T) {
	t.Parallel()
	tests := []struct{ secret, want string }{
		{"1955279925675241571", "••••••••1571"},
		{"12345678", "••••••••5678"},
		{"123", "••••"},
	}
	for _, tc := range tests {
		if got := (store.Credentials{ConsumerSecret: tc.secret}).MaskedSecret(); got != tc.want {
			t.Errorf("MaskedSecret(%q) = %q; want %q", tc.secret, got, tc.want)
		}
	}
}

func TestUpsertRecords(t *testing.T) {
	t.Parallel()
	st := store.New()
	st.Connect(store.Connection{}, []string{"Lead"})
	rec := func(id, email string) store.Record { return store.Record{"Id": id, "Email": email} }
	if added := st.UpsertRecords("Lead", []store.Record{rec("a", "1"), rec("b", "1"), {"Email": "no id"}}); added != 2 {
		t.Errorf("first upsert added %d; want 2", added)
	}
	if added := st.UpsertRecords("Lead", []store.Record{rec("a", "2"), rec("c", "1")}); added != 1 {
		t.Errorf("second upsert added %d; want 1", added)
	}
	if n := st.RecordCount("Lead"); n != 3 {
		t.Errorf("count = %d; want 3", n)
	}
	if r, _ := st.Record("Lead", "a"); r["Email"] != "2" {
		t.Errorf("record a = %v; want the newer version", r)
	}
}

func TestConcurrentUpserts(t *testing.T) {
	t.Parallel()
	st := store.New()
	st.Connect(store.Connection{}, []string{"Lead"})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := range 100 {
				st.UpsertRecords("Lead", []store.Record{{"Id": fmt.Sprint(i)}})
				_ = st.Status()
			}
		})
	}
	wg.Wait()
	if n := st.RecordCount("Lead"); n != 100 {
		t.Errorf("count = %d; want 100", n)
	}
}

func TestUpdateTokenOnlyForItsConnection(t *testing.T) {
	t.Parallel()
	st := store.New()
	first := &oauth2.Token{AccessToken: "1"}
	st.Connect(store.Connection{Token: first, InstanceURL: "https://a"}, nil)
	second := &oauth2.Token{AccessToken: "2"}
	st.UpdateToken(first, second, "https://b")
	if c, _ := st.Connection(); c.Token != second || c.InstanceURL != "https://b" {
		t.Errorf("connection = %+v; want the refreshed token and instance", c)
	}
	st.UpdateToken(first, &oauth2.Token{AccessToken: "stale"}, "")
	if c, _ := st.Connection(); c.Token != second {
		t.Error("a refresh of a replaced token changed the connection")
	}
}

func TestPending(t *testing.T) {
	t.Parallel()
	st := store.New()
	tok := &oauth2.Token{AccessToken: "a"}
	if old := st.SetPending(store.Connection{Token: tok}); old != nil {
		t.Error("SetPending returned a connection on an empty store")
	}
	st.SetPendingIdentity("other", store.Identity{Username: "x"})
	if p, _ := st.Pending(); p.Identity != nil {
		t.Error("identity set for another token")
	}
	st.SetPendingIdentity("a", store.Identity{Username: "u"})
	p, ok := st.TakePending()
	if !ok || p.Identity == nil || p.Identity.Username != "u" {
		t.Errorf("TakePending = %+v, %v", p, ok)
	}
	if _, ok := st.Pending(); ok {
		t.Error("still pending after TakePending")
	}
}

func TestRecordSyncStates(t *testing.T) {
	t.Parallel()
	st := store.New()
	if st.StartRecordSync() {
		t.Error("started without a connection")
	}
	st.Connect(store.Connection{}, []string{"Lead"})
	if !st.StartRecordSync() || st.StartRecordSync() {
		t.Error("want exactly one start")
	}
	st.RecordSyncFailed(fmt.Errorf("boom"))
	if !st.StartRecordSync() {
		t.Error("cannot restart after a failure")
	}
}
