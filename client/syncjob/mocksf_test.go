package syncjob_test

// The record sync against the project's fake Salesforce, mocksf, with its
// own replication resources and a clock the test moves. Only tests may
// import mocksf.

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/internal/testlog"
	"github.com/sfharness/sfharness/mocksf/mocksftest"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"github.com/sfharness/sfharness/client/syncjob"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/clock"
)

func TestRecordSyncWithMocksf(t *testing.T) {
	t.Parallel()
	const key, secret = "3MVG9SyncjobTestKeySyncjobTestKeySyncjobTestKeySyncjobTestKey", "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	clk := clock.At(time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	srv := mocksftest.NewServer(t, mocksftest.WithConfig(func(c *mocksf.Config) { c.Clock = clk.Now }), mocksftest.WithSeed([]byte(`
orgs:
  - name: Acme
    allowPasswordFlow: true
    users:
      - {username: sync@acme.test, password: Sync-Pass-1}
    connectedApps:
      - name: Beacon Sync
        consumerKey: "`+key+`"
        consumerSecret: "`+secret+`"
        callbackUrls: ["http://127.0.0.1:9/cb"]
        scopes: [api, refresh_token, id]
        permittedUsers: admin-approved
        assignedUsers: [sync@acme.test]
    records:
      generate: {Lead: 5, Contact: 2}
`)))
	sf, base := srv.Mocksf, srv.URL

	oc := salesforce.OAuthConfig(base, key, secret, "http://127.0.0.1:9/cb")
	tok, err := oc.PasswordCredentialsToken(context.Background(), "sync@acme.test", "Sync-Pass-1")
	if err != nil {
		t.Fatalf("password grant: %v", err)
	}
	instance := salesforce.Details(tok).InstanceURL
	api := salesforce.NewClient(salesforce.Config{OAuth: oc, InstanceURL: instance, Token: tok, MaxRetries: -1})
	st, err := store.Open(store.Options{Key: make([]byte, store.KeySize)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Connect(store.Connection{Token: tok, InstanceURL: instance}, syncjob.Objects); err != nil {
		t.Fatal(err)
	}
	fieldsDone(t, st, api)

	logs := &testlog.Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))
	run(t, &syncjob.RecordSync{API: api, Store: st, Interval: 5 * time.Millisecond, ReplicationEvery: 2 * time.Minute, Logger: logger, Now: clk.Now})
	waitFor(t, "the first pull", func() bool { return st.RecordSync().State == store.SyncRunning })
	if st.RecordCount("Lead") != 5 || st.RecordCount("Contact") != 2 {
		t.Fatalf("counts Lead %d, Contact %d; want 5, 2", st.RecordCount("Lead"), st.RecordCount("Contact"))
	}

	// A deletion in the very second of the last pull: queryAll, asked with
	// ">=" for that second, brings it.
	org := sf.Store().Orgs()[0].ID
	leads := sf.Store().Records(org, "Lead")
	if err := sf.Store().DeleteRecord(org, "Lead", leads[0].ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the deletion", func() bool { return st.RecordCount("Lead") == 4 })

	// Minutes later, the replication resources answer for the window.
	clk.Advance(3 * time.Minute)
	waitFor(t, "the replication", func() bool {
		return strings.Contains(logs.String(), `msg="replication window applied" object=Lead deletedInWindow=1`)
	})
	out := logs.String()
	for _, unwanted := range []string{"refused the replication window", "does not serve the replication resource", "level=WARN", "level=ERROR"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("logs contain %q:\n%s", unwanted, out)
		}
	}
	if c, _ := st.Cursor("Lead"); c.ReplicatedTo.Before(clk.Now().Add(-2 * time.Minute)) {
		t.Errorf("replicated to %v; want the window to have moved on", c.ReplicatedTo)
	}
	if st.RecordCount("Lead") != 4 {
		t.Errorf("Lead count = %d; want 4", st.RecordCount("Lead"))
	}
}
