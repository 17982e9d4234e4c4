package store_test

import (
	"fmt"
	"strings"
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
