package store_test

import (
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// BenchmarkIssueTokens issues an access and a refresh token for a user of
// an app, as the token endpoint does for each authorization code, in a
// store that already holds the tokens of many logins (held) by 200 other
// users. The user is at Salesforce's cap of five approvals, so each issue
// also revokes the user's oldest refresh token and its access tokens.
//
//	go test -run '^$' -bench IssueTokens -count 5 ./mocksf/store/ | benchstat -
func BenchmarkIssueTokens(b *testing.B) {
	for _, held := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprintf("held=%d", held), func(b *testing.B) {
			var doc strings.Builder
			doc.WriteString("orgs:\n  - name: Bench\n    connectedApps:\n      - {name: Sync, callbackUrls: ['http://127.0.0.1:9/cb'], scopes: [api, refresh_token]}\n    users:\n")
			for i := range 201 {
				fmt.Fprintf(&doc, "      - {username: u%d@bench.test, password: pw}\n", i)
			}
			st := store.New(nil)
			res := mustApply(b, st, doc.String())
			users, key := res[0].Users, res[0].Apps[0].ConsumerKey
			for i := range held {
				if _, _, err := st.IssueTokens("", key, users[1+i%200].ID, []string{"api", "refresh_token"}, true); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := st.IssueTokens("", key, users[0].ID, []string{"api", "refresh_token"}, true); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkNewSession starts a browser session: a random ID and CSRF
// token, as every new browser gets on its first page.
func BenchmarkNewSession(b *testing.B) {
	st := store.New(nil)
	b.ReportAllocs()
	for b.Loop() {
		st.NewSession()
	}
}

// BenchmarkLookupAccessTokenParallel is what every REST request asks the
// store first: is this bearer token a live session? Since sessions time
// out, each lookup also records the use, under the store's write lock.
//
//	go test -run '^$' -bench LookupAccessToken -cpu 1,2 -count 5 ./mocksf/store/
func BenchmarkLookupAccessTokenParallel(b *testing.B) {
	st := store.New(nil)
	res := mustApply(b, st, "orgs:\n  - name: Bench\n    users: [{username: u@bench.test, password: pw}]\n")
	tokens := make([]string, 200)
	for i := range tokens {
		at, _, err := st.IssueTokens("", "KEY", res[0].Users[0].ID, []string{"api"}, false)
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = at.Token
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := st.LookupAccessToken(tokens[i%len(tokens)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkRefreshRotating is one refresh of a rotating refresh token
// (RefreshRotating) after a login has already been refreshed so many
// times (refreshed), its access tokens all still live: the cost must not
// grow with the login's history, since the refresh runs under the
// store's lock and every org waits for it (issue 16, break 6).
//
//	go test -run '^$' -bench RefreshRotating -count 5 ./mocksf/store/ | benchstat -
func BenchmarkRefreshRotating(b *testing.B) {
	for _, refreshed := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprintf("refreshed=%d", refreshed), func(b *testing.B) {
			st := store.New(nil)
			res := mustApply(b, st, "orgs:\n  - name: Bench\n    users: [{username: u@bench.test, password: pw}]\n")
			_, rt, err := st.IssueTokens("", "KEY", res[0].Users[0].ID, []string{"api", "refresh_token"}, true)
			if err != nil {
				b.Fatal(err)
			}
			token := rt.Token
			refresh := func() {
				_, next, err := st.RefreshRotating(token)
				if err != nil {
					b.Fatal(err)
				}
				token = next.Token
			}
			for range refreshed {
				refresh()
			}
			b.ReportAllocs()
			for b.Loop() {
				refresh()
			}
		})
	}
}

// BenchmarkTokensLive is the store holding live tokens by the hundred
// thousand, as a long load run leaves it: live tokens in all, half of
// them access tokens and half refresh tokens, from logins of 100 users
// to as many apps as keep each user within Salesforce's five approvals
// an app. "issue" is a login of a user at that cap, which revokes its
// oldest login, so the store holds as many tokens after it as before;
// "lookup" is LookupAccessToken of the live ones in turn. Each reports
// the heap the tokens hold (B/token, after a GC) and the CPU time one
// full GC with them takes (GC-CPU-ms: CPU, not wall-clock, time, so that
// it holds on a busy machine), which every collection pays for a store
// that size.
//
//	go test -run '^$' -bench TokensLive -count 6 ./mocksf/store/ | benchstat -
func BenchmarkTokensLive(b *testing.B) {
	const users, perApp = 100, 5
	for _, live := range []int{10_000, 500_000} {
		b.Run(fmt.Sprintf("live=%d", live), func(b *testing.B) {
			apps := live / 2 / (users * perApp)
			var doc strings.Builder
			doc.WriteString("orgs:\n  - name: Bench\n    connectedApps:\n")
			for i := range apps {
				fmt.Fprintf(&doc, "      - {name: App%d, callbackUrls: ['http://127.0.0.1:9/cb'], scopes: [api, refresh_token]}\n", i)
			}
			doc.WriteString("    users:\n")
			for i := range users {
				fmt.Fprintf(&doc, "      - {username: u%d@bench.test, password: pw}\n", i)
			}
			st := store.New(nil)
			res := mustApply(b, st, doc.String())
			heapBefore := heapAfterGC()
			access := make([]string, 0, live/2)
			for _, app := range res[0].Apps {
				for _, u := range res[0].Users {
					for range perApp {
						at, _, err := st.IssueTokens("", app.ConsumerKey, u.ID, []string{"api", "refresh_token"}, true)
						if err != nil {
							b.Fatal(err)
						}
						access = append(access, at.Token)
					}
				}
			}
			if len(access)*2 != live {
				b.Fatalf("%d tokens issued; want %d", len(access)*2, live)
			}
			// What the tokens hold, without the list of them kept here.
			perToken := float64(heapAfterGC()-heapBefore-uint64(cap(access))*16) / float64(live)
			gcCPU := gcCPUSeconds()
			runtime.GC()
			gcCPU = gcCPUSeconds() - gcCPU
			report := func(b *testing.B) {
				b.ReportMetric(perToken, "B/token")
				b.ReportMetric(gcCPU*1000, "GC-CPU-ms")
			}
			b.Run("lookup", func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					if _, err := st.LookupAccessToken(access[i%len(access)]); err != nil {
						b.Fatal(err)
					}
					i += 7919 // a prime: the lookups go all over the store
				}
				report(b)
			})
			b.Run("issue", func(b *testing.B) {
				key, user := res[0].Apps[0].ConsumerKey, res[0].Users[0].ID
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := st.IssueTokens("", key, user, []string{"api", "refresh_token"}, true); err != nil {
						b.Fatal(err)
					}
				}
				report(b)
			})
		})
	}
}

// gcCPUSeconds is the CPU time this process has used so far (getrusage):
// around a runtime.GC with nothing else running, what the collection
// used. The runtime's own GC figure (/cpu/classes/gc) counts wall-clock
// time of its workers, which a busy machine stretches.
func gcCPUSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic("getrusage: " + err.Error())
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// heapAfterGC is the live heap once a collection has run.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
