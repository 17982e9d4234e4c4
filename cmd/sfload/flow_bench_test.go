package main

import (
	"context"
	"testing"

	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// BenchmarkFlow runs one whole sfload flow at a time against an
// in-process mocksf over loopback HTTP: authorize, login, the code from
// the mail long-poll, verify, Allow, token with PKCE, identity, the Lead
// describe and a query of 2,000 Leads (one page). It is the cost of one
// browserless login and first sync, without concurrency.
//
//	go test -run '^$' -bench Flow -count 5 ./cmd/sfload/ | benchstat -
func BenchmarkFlow(b *testing.B) {
	srv := mocksftest.NewServer(b, mocksftest.WithSeed([]byte("orgs: []")))
	c := config{concurrency: 1, orgs: 1, records: 2000, batchSize: 2000, maxPages: 10, timeout: defaultTimeout, apiVersion: "v67.0"}
	t, err := newTarget(srv.URL, c)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	workers, ids, err := setUp(ctx, t, c)
	if err != nil {
		b.Fatal(err)
	}
	_ = ids // the server goes with the benchmark
	w := workers[0]
	b.ReportAllocs()
	for b.Loop() {
		if err := w.flow(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
