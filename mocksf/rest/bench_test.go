package rest_test

import (
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
// through all 50 batches of its result.
func BenchmarkQueryPaged100k(b *testing.B) {
	f := newFixtureFromSeed(b, benchSeed)
	token := f.token(b, "Bench", 0)
	b.ReportAllocs()
	for b.Loop() {
		rec := f.query(b, "query", "SELECT Id, FirstName, LastName, Email, Company, Status, LastModifiedDate FROM Lead", token)
		page := decode[queryPage](b, rec)
		pages := 1
		for !page.Done {
			rec = f.get(b, *page.NextRecordsURL, token)
			page = decode[queryPage](b, rec)
			pages++
		}
		if pages != 50 || page.TotalSize != 100000 {
			b.Fatalf("%d pages, totalSize %d; want 50, 100000", pages, page.TotalSize)
		}
	}
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
func BenchmarkDescribe(b *testing.B) {
	f := newFixture(b)
	token := f.token(b, "Acme", 0)
	b.ReportAllocs()
	for b.Loop() {
		if rec := f.get(b, "/services/data/v67.0/sobjects/Lead/describe", token); rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkGlobalDescribe fetches the list of objects.
func BenchmarkGlobalDescribe(b *testing.B) {
	f := newFixture(b)
	token := f.token(b, "Acme", 0)
	b.ReportAllocs()
	for b.Loop() {
		if rec := f.get(b, "/services/data/v67.0/sobjects", token); rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
