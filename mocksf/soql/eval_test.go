package soql

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// now is the evaluator's clock in these tests: 2026-03-10 15:00 UTC.
var now = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// evalRows are named L1..L6 by their LastName, which tests compare.
var evalRows = []Row{
	{"Id": "00Q5g0000000001EAA", "LastName": "L1", "Email": "ada@example.com", "City": "Paris", "AnnualRevenue": 100.0,
		"NumberOfEmployees": 10, "IsDeleted": false, "CreatedDate": now.Add(-time.Hour), "ConvertedDate": "2026-03-09"},
	{"Id": "00Q5g0000000002EAA", "LastName": "L2", "Email": "GRACE@Example.com", "City": "rome", "AnnualRevenue": 250.5,
		"NumberOfEmployees": int64(20), "IsDeleted": true, "CreatedDate": "2026-03-09T23:59:59.000+0000", "ConvertedDate": time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)},
	{"Id": "00Q5g0000000003EAA", "LastName": "L3", "Email": "alan_t@example.org", "City": "Berlin", "AnnualRevenue": json.Number("50"),
		"IsDeleted": false, "CreatedDate": time.Date(2026, 2, 1, 12, 0, 0, 0, time.UTC)},
	{"Id": "00Q5g0000000004EAA", "LastName": "L4", "Email": "50%off@example.com", "City": "", "IsDeleted": false,
		"CreatedDate": time.Date(2026, 3, 11, 1, 0, 0, 0, time.UTC), "ConvertedDate": "2026-03-01"},
	{"Id": "00Q5g0000000005EAA", "LastName": "L5", "City": "Amsterdam", "AnnualRevenue": "75", "IsDeleted": "false",
		"CreatedDate": time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)},
	{"Id": "00Q5g0000000006EAA", "LastName": "L6", "Email": "it's@example.com", "City": "paris", "AnnualRevenue": 100,
		"IsDeleted": false, "CreatedDate": time.Date(2025, 3, 10, 15, 0, 0, 0, time.UTC)},
}

func lastNames(rows []Row) string {
	var out []string
	for _, r := range rows {
		out = append(out, r["LastName"].(string))
	}
	return strings.Join(out, " ")
}

func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		where string // WHERE and after
		want  string
	}{
		{"", "L1 L2 L3 L4 L5 L6"},
		// = and != on text ignore case; empty text is null.
		{"WHERE City = 'PARIS'", "L1 L6"},
		{"WHERE City != 'paris'", "L2 L3 L4 L5"},
		{"WHERE City = null", "L4"},
		{"WHERE City != null", "L1 L2 L3 L5 L6"},
		{"WHERE Email = null", "L5"},
		{"WHERE Email = 'it\\'s@example.com'", "L6"},
		// Ordering comparisons on text ignore case and skip nulls.
		{"WHERE City < 'c'", "L3 L5"},
		{"WHERE City <= 'Berlin'", "L3 L5"},
		{"WHERE City > 'Paris'", "L2"},
		{"WHERE City >= 'paris'", "L1 L2 L6"},
		// Numbers, whatever Go type holds them.
		{"WHERE AnnualRevenue = 100", "L1 L6"},
		{"WHERE AnnualRevenue != 100", "L2 L3 L4 L5"},
		{"WHERE AnnualRevenue < 75", "L3"},
		{"WHERE AnnualRevenue <= 75", "L3 L5"},
		{"WHERE AnnualRevenue > 100", "L2"},
		{"WHERE AnnualRevenue >= 100.0", "L1 L2 L6"},
		{"WHERE NumberOfEmployees > 15", "L2"},
		{"WHERE NumberOfEmployees < 100", "L1 L2"},
		{"WHERE AnnualRevenue > -1 AND AnnualRevenue < 80", "L3 L5"},
		// Booleans.
		{"WHERE IsDeleted = true", "L2"},
		{"WHERE IsDeleted = false", "L1 L3 L4 L5 L6"},
		{"WHERE IsDeleted != false", "L2"},
		// IDs compare in any of their forms.
		{"WHERE Id = '00Q5g0000000003EAA'", "L3"},
		{"WHERE Id = '00Q5g0000000003'", "L3"},
		{"WHERE Id = '00q5G0000000003eaa'", "L3"},
		{"WHERE Id != '00Q5g0000000003EAA'", "L1 L2 L4 L5 L6"},
		{"WHERE Id > '00Q5g0000000004EAA'", "L5 L6"},
		{"WHERE Id IN ('00Q5g0000000001', '00Q5G0000000006EAA')", "L1 L6"},
		// LIKE: % any run, _ one character, \% and \_ literal, case ignored.
		{"WHERE Email LIKE '%@example.com'", "L1 L2 L4 L6"},
		{"WHERE Email LIKE 'a%'", "L1 L3"},
		{"WHERE Email LIKE '_da@%'", "L1"},
		{"WHERE Email LIKE 'ALAN\\_T%'", "L3"},
		{"WHERE Email LIKE 'alan_t%'", "L3"},
		{"WHERE Email LIKE 'ala\\_%'", ""},
		{"WHERE Email LIKE '50\\%%'", "L4"},
		{"WHERE Email LIKE '%.org'", "L3"},
		{"WHERE Email LIKE 'grace@example.com'", "L2"},
		{"WHERE Email LIKE '%'", "L1 L2 L3 L4 L6"},
		{"WHERE NOT Email LIKE '%example.com'", "L3 L5"},
		// IN and NOT IN; a null is in no list unless null is listed.
		{"WHERE City IN ('paris', 'ROME')", "L1 L2 L6"},
		{"WHERE City NOT IN ('paris', 'ROME')", "L3 L4 L5"},
		{"WHERE City IN ('Berlin', null)", "L3 L4"},
		{"WHERE City NOT IN ('Berlin', null)", "L1 L2 L5 L6"},
		{"WHERE AnnualRevenue IN (100, 75)", "L1 L5 L6"},
		{"WHERE CreatedDate IN (2026-02-01T12:00:00Z, 2026-02-01T13:00:00+01:00)", "L3"},
		// Boolean logic and parentheses.
		{"WHERE City = 'paris' AND AnnualRevenue > 50", "L1 L6"},
		{"WHERE City = 'rome' OR City = 'berlin' OR Email = null", "L2 L3 L5"},
		{"WHERE (City = 'paris' OR City = 'rome') AND IsDeleted = false", "L1 L6"},
		{"WHERE City = 'paris' OR (City = 'rome' AND IsDeleted = false)", "L1 L6"},
		{"WHERE NOT (City = 'paris' OR City = 'rome')", "L3 L4 L5"},
		{"WHERE NOT NOT City = 'paris'", "L1 L6"},
		{"WHERE NOT City = null", "L1 L2 L3 L5 L6"},
		// Datetimes in every literal form; stored strings are read too.
		{"WHERE CreatedDate > 2026-03-09T23:59:59Z", "L1 L4"},
		{"WHERE CreatedDate >= 2026-03-09T23:59:59.000+0000", "L1 L2 L4"},
		{"WHERE CreatedDate = 2026-03-10T00:59:59+01:00", "L2"},
		{"WHERE CreatedDate < 2026-03-03T00:00:00Z", "L3 L6"},
		{"WHERE CreatedDate <= 2026-03-03T00:00:00Z", "L3 L5 L6"},
		{"WHERE CreatedDate != 2026-03-03T00:00:00Z", "L1 L2 L3 L4 L6"},
		// Dates.
		{"WHERE ConvertedDate = 2026-03-09", "L1"},
		{"WHERE ConvertedDate > 2026-03-01", "L1 L2"},
		{"WHERE ConvertedDate <= 2026-03-09", "L1 L4"},
		// Relative dates against now = 2026-03-10 15:00 UTC.
		{"WHERE CreatedDate = TODAY", "L1"},
		{"WHERE CreatedDate = YESTERDAY", "L2"},
		{"WHERE CreatedDate = TOMORROW", "L4"},
		{"WHERE CreatedDate > TODAY", "L4"},
		{"WHERE CreatedDate >= TODAY", "L1 L4"},
		{"WHERE CreatedDate < TODAY", "L2 L3 L5 L6"},
		{"WHERE CreatedDate <= TODAY", "L1 L2 L3 L5 L6"},
		{"WHERE CreatedDate != TODAY", "L2 L3 L4 L5 L6"},
		{"WHERE CreatedDate = LAST_N_DAYS:1", "L1 L2"},
		{"WHERE CreatedDate = LAST_N_DAYS:7", "L1 L2 L5"},
		{"WHERE CreatedDate = LAST_N_DAYS:365", "L1 L2 L3 L5 L6"},
		{"WHERE CreatedDate > LAST_N_DAYS:7", "L4"},
		{"WHERE CreatedDate < LAST_N_DAYS:7", "L3 L6"},
		{"WHERE CreatedDate = NEXT_N_DAYS:1", "L4"},
		{"WHERE ConvertedDate = TODAY", "L2"},
		{"WHERE ConvertedDate = YESTERDAY", "L1"},
		{"WHERE ConvertedDate = LAST_N_DAYS:10", "L1 L2 L4"},
		{"WHERE ConvertedDate != YESTERDAY", "L2 L3 L4 L5 L6"},
		{"WHERE CreatedDate IN (TODAY, TOMORROW)", "L1 L4"},
		// ORDER BY: nulls first unless NULLS LAST, in both directions;
		// text ignores case; ties keep input order.
		{"ORDER BY City", "L4 L5 L3 L1 L6 L2"},
		{"ORDER BY City DESC", "L4 L2 L1 L6 L3 L5"},
		{"ORDER BY City NULLS LAST", "L5 L3 L1 L6 L2 L4"},
		{"ORDER BY City DESC NULLS LAST", "L2 L1 L6 L3 L5 L4"},
		{"ORDER BY City ASC NULLS FIRST, LastName DESC", "L4 L5 L3 L6 L1 L2"},
		{"ORDER BY AnnualRevenue DESC, Id DESC", "L4 L2 L6 L1 L5 L3"},
		{"ORDER BY AnnualRevenue DESC NULLS LAST, Id DESC", "L2 L6 L1 L5 L3 L4"},
		{"ORDER BY IsDeleted DESC, CreatedDate", "L2 L6 L3 L5 L1 L4"},
		{"ORDER BY ConvertedDate, Email", "L5 L3 L6 L4 L1 L2"},
		// LIMIT and OFFSET apply after filtering and sorting.
		{"ORDER BY LastName DESC LIMIT 2", "L6 L5"},
		{"ORDER BY LastName LIMIT 2 OFFSET 3", "L4 L5"},
		{"ORDER BY LastName OFFSET 4", "L5 L6"},
		{"ORDER BY LastName OFFSET 6", ""},
		{"OFFSET 100", ""},
		{"LIMIT 0", ""},
		{"WHERE City = 'paris' LIMIT 10", "L1 L6"},
	}
	for _, tt := range tests {
		t.Run(tt.where, func(t *testing.T) {
			t.Parallel()
			q, err := Compile("SELECT Id FROM Lead "+tt.where, testSchema)
			if err != nil {
				t.Fatal(err)
			}
			if got := lastNames(q.Run(evalRows, now)); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}

func TestRunDoesNotReorderInput(t *testing.T) {
	t.Parallel()
	rows := append([]Row(nil), evalRows...)
	q, err := Compile("SELECT Id FROM Lead ORDER BY LastName DESC", testSchema)
	if err != nil {
		t.Fatal(err)
	}
	q.Run(rows, now)
	if got := lastNames(rows); got != "L1 L2 L3 L4 L5 L6" {
		t.Errorf("input order after Run = %q; want it unchanged", got)
	}
}

func TestRunUnresolvedPanics(t *testing.T) {
	t.Parallel()
	q, err := Parse("SELECT Id FROM Lead")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Run on an unresolved query did not panic")
		}
	}()
	q.Run(nil, now)
}

func TestCoerce(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	instant := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	paris := time.FixedZone("CET", 3600)
	tests := []struct {
		typ  Type
		in   any
		want any
	}{
		{TypeString, "x", "x"},
		{TypeString, "", nil},
		{TypeString, 42, "42"},
		{TypeString, nil, nil},
		{TypeID, "00Q5g0000000001EAA", "00Q5g0000000001EAA"},
		{TypeBoolean, true, true},
		{TypeBoolean, "false", false},
		{TypeBoolean, "maybe", nil},
		{TypeBoolean, 1, nil},
		{TypeDouble, 1.5, 1.5},
		{TypeDouble, 3, 3.0},
		{TypeDouble, int64(4), 4.0},
		{TypeInt, uint8(7), 7.0},
		{TypeInt, int8(-7), -7.0},
		{TypeInt, uint64(1 << 40), float64(1 << 40)},
		{TypeDouble, float32(0.5), 0.5},
		{TypeDouble, math.Inf(1), nil},
		{TypeDouble, float32(math.NaN()), nil},
		{TypeDouble, true, nil},
		{TypeDouble, "2.5", 2.5},
		{TypeDouble, json.Number("8"), 8.0},
		{TypeDouble, "lots", nil},
		{TypeDouble, []int{1}, nil},
		{TypeDate, "2026-01-02", day},
		{TypeDate, instant, day},
		{TypeDate, "2026-01-02T23:00:00Z", day},
		{TypeDateTime, "2026-01-02T03:04:05.000+0000", instant},
		{TypeDateTime, "2026-01-02T04:04:05+01:00", instant},
		{TypeDateTime, instant.In(paris), instant},
		{TypeDateTime, time.Time{}, nil},
		{TypeDateTime, "yesterday", nil},
	}
	for _, tt := range tests {
		got := Coerce(tt.typ, tt.in)
		if gt, ok := got.(time.Time); ok {
			if wt, ok := tt.want.(time.Time); !ok || !gt.Equal(wt) || gt.Location() != time.UTC {
				t.Errorf("Coerce(%v, %#v) = %v; want %v in UTC", tt.typ, tt.in, got, tt.want)
			}
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Coerce(%v, %#v) = %#v; want %#v", tt.typ, tt.in, got, tt.want)
		}
	}
}

func TestCanonicalID(t *testing.T) {
	t.Parallel()
	const id = "00Q5g0000000001EAA"
	for _, in := range []string{id, "00Q5g0000000001", "00q5G0000000001eaa", "00Q5G0000000001EAA"} {
		if got := canonicalID(in); got != id {
			t.Errorf("canonicalID(%q) = %q; want %q", in, got, id)
		}
	}
	if got := canonicalID("short"); got != "short" {
		t.Errorf("canonicalID(short) = %q; want it unchanged", got)
	}
	for in, want := range map[string]bool{id: true, "00Q5g0000000001": true, "00q5g0000000001eaa": true,
		"00Q5g0000000001EA9": false, "00Q5g00000000_1AAA": false, "abc": false} {
		if got := validID(in); got != want {
			t.Errorf("validID(%q) = %v; want %v", in, got, want)
		}
	}
}
