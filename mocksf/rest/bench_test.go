package rest_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
)

const benchSeed = `
orgs:
  - name: Bench
    users:
      - {username: bench@bench.test, password: Bench-Pass-1}
    records:
      generate: {Lead: 100000}
`

// BenchmarkQueryPaged100k runs a query over 100,000 Leads and pages
// through all 50 batches of its result: the server's work only, as the
// client reads no more of each page than its head.
func BenchmarkQueryPaged100k(b *testing.B) {
	f := newFixtureFromSeed(b, benchSeed)
	token := f.token(b, "Bench", 0)
	b.ReportAllocs()
	for b.Loop() {
		rec := f.query(b, "query", "SELECT Id, FirstName, LastName, Email, Company, Status, LastModifiedDate FROM Lead", token)
		pages, bytes := 1, rec.Body.Len()
		for next := nextURL(b, rec); next != ""; next = nextURL(b, rec) {
			rec = f.get(b, next, token)
			pages++
			bytes += rec.Body.Len()
		}
		if pages != 50 {
			b.Fatalf("%d pages; want 50", pages)
		}
		b.ReportMetric(float64(bytes)/(1<<20), "MB-of-JSON/op")
	}
}

// nextURL reads nextRecordsUrl from the head of a query page, "" when it
// is the last.
func nextURL(b *testing.B, rec *httptest.ResponseRecorder) string {
	b.Helper()
	if rec.Code != 200 {
		b.Fatalf("status %d: %.200s", rec.Code, rec.Body.String())
	}
	head := rec.Body.String()
	head = head[:min(len(head), 200)]
	_, after, ok := strings.Cut(head, `"nextRecordsUrl":"`)
	if !ok {
		return ""
	}
	next, _, _ := strings.Cut(after, `"`)
	return next
}

// BenchmarkQueryFiltered100k runs a selective, sorted query over 100,000
// Leads.
func BenchmarkQueryFiltered100k(b *testing.B) {
	f := newFixtureFromSeed(b, benchSeed)
	token := f.token(b, "Bench", 0)
	b.ReportAllocs()
	for b.Loop() {
		rec := f.query(b, "query", "SELECT Id, Email FROM Lead WHERE LastModifiedDate >= 2026-03-10T15:00:00Z AND FirstName = 'Ada' ORDER BY LastName DESC LIMIT 100", token)
		if rec.Code != 200 {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkDescribe fetches the Lead describe.
func BenchmarkDescribe(b *testing.B) { benchGET(b, "/services/data/v67.0/sobjects/Lead/describe") }

// BenchmarkGlobalDescribe fetches the list of objects.
func BenchmarkGlobalDescribe(b *testing.B) { benchGET(b, "/services/data/v67.0/sobjects") }

// benchGET fetches path as Acme's first user, which must answer 200.
func benchGET(b *testing.B, path string) {
	f := newFixture(b)
	token := f.token(b, "Acme", 0)
	b.ReportAllocs()
	for b.Loop() {
		if rec := f.get(b, path, token); rec.Code != 200 {
			b.Fatalf("GET %s: status %d", path, rec.Code)
		}
	}
}

// BenchmarkLoad100kLeads loads a seed that generates 100,000 Leads and
// reports the heap they take (after a GC, live bytes only) as
// MB/100k-records.
func BenchmarkLoad100kLeads(b *testing.B) {
	var total float64
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		f := newFixtureFromSeed(b, benchSeed)
		runtime.GC()
		runtime.ReadMemStats(&after)
		total += float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
		runtime.KeepAlive(f)
	}
	b.ReportMetric(total/float64(b.N), "MB/100k-records")
}

// pageSeed has make load's org (2,000 Leads, one full page) and one with
// a second page of 2,000 for queryMore.
const pageSeed = `
orgs:
  - name: Load
    users:
      - {username: load@bench.test, password: Bench-Pass-1}
    records:
      generate: {Lead: 2000}
  - name: More
    users:
      - {username: more@bench.test, password: Bench-Pass-1}
    records:
      generate: {Lead: 4000}
`

// loadQuery is the query of sfload's flows.
const loadQuery = "SELECT Id, FirstName, LastName, Email, Company, Status, LastModifiedDate FROM Lead"

// BenchmarkPage2000Leads answers the query of make load's flows with a page
// of 2,000 Leads: "query" runs it (matching, then the page), "more"
// fetches the second page of a kept result again and again (the page
// writer alone, after the cursor's lookup). The body goes to a writer that
// only counts it, so that the figures are the server's.
func BenchmarkPage2000Leads(b *testing.B) {
	f := newFixtureFromSeed(b, pageSeed)
	b.Run("query", func(b *testing.B) {
		token := f.token(b, "Load", 0)
		req := httptest.NewRequest(http.MethodGet, "/services/data/v67.0/query?q="+url.QueryEscape(loadQuery), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		benchPage(b, f, req)
	})
	b.Run("more", func(b *testing.B) {
		token := f.token(b, "More", 0)
		next := nextURL(b, f.query(b, "query", loadQuery, token))
		req := httptest.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		benchPage(b, f, req)
	})
}

// benchPage serves req again and again, checking that each answer is a
// 200 of about 2,000 records.
func benchPage(b *testing.B, f *fixture, req *http.Request) {
	b.Helper()
	w := &countingWriter{header: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		w.status, w.n = 0, 0
		f.srv.ServeHTTP(w, req)
		if w.status != http.StatusOK || w.n < 2000*250 {
			b.Fatalf("status %d, %d bytes", w.status, w.n)
		}
	}
	b.ReportMetric(float64(w.n)/1024, "KiB/page")
}

// countingWriter is an http.ResponseWriter that keeps nothing of the body
// but its length.
type countingWriter struct {
	header http.Header
	status int
	n      int
}

func (w *countingWriter) Header() http.Header { return w.header }
func (w *countingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	w.n += len(p)
	return len(p), nil
}
