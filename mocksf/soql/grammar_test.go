package soql

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestGrammar is a table of what the parser and resolver accept and
// reject beyond the basics of TestParseValid: relationship paths,
// INCLUDES and EXCLUDES, the relative date literals, and the errors of
// each.
func TestGrammar(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query string
		// where is the resolved WHERE clause, or the error code.
		where string
		code  string
	}{
		{"SELECT Id FROM Contact WHERE Account.Name = 'Acme'", "Account.Name = 'Acme'", ""},
		{"SELECT Id FROM Contact WHERE account.owner.email != null", "Account.Owner.Email != null", ""},
		{"SELECT Id FROM Contact WHERE Contact.Account.Name LIKE 'A%'", "Account.Name LIKE 'A%'", ""},
		{"SELECT Id FROM Account WHERE Parent.Parent.Parent.Parent.Parent.Name = 'x'", "Parent.Parent.Parent.Parent.Parent.Name = 'x'", ""},
		{"SELECT Id FROM Account WHERE Parent.Parent.Parent.Parent.Parent.Parent.Name = 'x'", "", CodeMalformedQuery},
		{"SELECT Id FROM Contact WHERE Account.Bogus = 'x'", "", CodeInvalidField},
		{"SELECT Id FROM Contact WHERE Acount.Name = 'x'", "", CodeInvalidField},
		{"SELECT Id FROM Lead WHERE Owner.Type = 'User'", "Owner.Type = 'User'", ""},
		{"SELECT Id FROM Lead WHERE Owner.Industry = 'x'", "", CodeInvalidField}, // the Name entity has no Industry
		{"SELECT Id FROM Lead WHERE Interests__c INCLUDES ('a;b', 'c')", "Interests__c INCLUDES ['a;b' 'c']", ""},
		{"SELECT Id FROM Lead WHERE Interests__c excludes ('a')", "Interests__c EXCLUDES ['a']", ""},
		{"SELECT Id FROM Lead WHERE Interests__c = 'b;a'", "Interests__c = 'b;a'", ""},
		{"SELECT Id FROM Lead WHERE Interests__c LIKE 'a%'", "", CodeInvalidFilter},
		{"SELECT Id FROM Lead WHERE Interests__c IN ('a')", "", CodeInvalidFilter},
		{"SELECT Id FROM Lead WHERE Email INCLUDES ('a')", "", CodeInvalidFilter},
		{"SELECT Id FROM Lead WHERE Interests__c INCLUDES (1)", "", CodeInvalidFilter},
		{"SELECT Id FROM Lead WHERE Interests__c INCLUDES 'a'", "", CodeMalformedQuery},
		{"SELECT Id FROM Lead ORDER BY Interests__c", "", ""},
		{"SELECT Id FROM Lead WHERE CreatedDate = THIS_WEEK", "CreatedDate = THIS_WEEK", ""},
		{"SELECT Id FROM Lead WHERE CreatedDate > LAST_N_MONTHS:3", "CreatedDate > LAST_N_MONTHS:3", ""},
		{"SELECT Id FROM Lead WHERE ConvertedDate = N_DAYS_AGO:2", "ConvertedDate = N_DAYS_AGO:2", ""},
		{"SELECT Id FROM Lead WHERE ConvertedDate = THIS_FISCAL_YEAR", "ConvertedDate = THIS_FISCAL_YEAR", ""},
		{"SELECT Id FROM Lead WHERE CreatedDate = LAST_N_WEEKS", "", CodeMalformedQuery},
		{"SELECT Id FROM Lead WHERE CreatedDate = LAST_N_WEEKS:-1", "", CodeMalformedQuery},
		{"SELECT Id FROM Lead WHERE CreatedDate = LAST_FORTNIGHT", "", CodeMalformedQuery},
		{"SELECT Id, Owner.Name, ConvertedAccount.Name FROM Lead ORDER BY ConvertedAccount.Name DESC NULLS LAST", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			q, err := Compile(tt.query, testSchema)
			if tt.code != "" {
				var e *Error
				if !errors.As(err, &e) || e.Code != tt.code {
					t.Fatalf("Compile error = %v; want %s", err, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if got := describeIncludes(q.Where); got != tt.where {
				t.Errorf("WHERE = %q; want %q", got, tt.where)
			}
		})
	}
}

// describeIncludes is describe with INCLUDES and EXCLUDES.
func describeIncludes(e Expr) string {
	if in, ok := e.(*Includes); ok {
		op := " INCLUDES ["
		if in.Negate {
			op = " EXCLUDES ["
		}
		s := in.Field.Name + op
		for i, v := range in.Values {
			if i > 0 {
				s += " "
			}
			s += v.Text
		}
		return s + "]"
	}
	return describe(e)
}

func TestRelationshipPath(t *testing.T) {
	t.Parallel()
	q, err := Compile("SELECT Account.Owner.Name, Email FROM Contact ORDER BY Account.Name", testSchema)
	if err != nil {
		t.Fatal(err)
	}
	f := q.Fields[0]
	if f.Name != "Account.Owner.Name" || len(f.Path) != 2 || f.Path[0] != (Relationship{"Account", "Account"}) ||
		f.Path[1] != (Relationship{"Owner", "Name"}) || f.Field.Name != "Name" {
		t.Errorf("field = %s %+v %+v; want Account.Owner.Name through Account then Owner (Name)", f.Name, f.Path, f.Field)
	}
	if len(q.Fields[1].Path) != 0 {
		t.Errorf("Email path = %v; want none", q.Fields[1].Path)
	}
	rows := []Row{
		{"Email": "a", "Account.Name": "Zeta"},
		{"Email": "b"},
		{"Email": "c", "Account.Name": "Alpha"},
	}
	got := ""
	for _, r := range q.Run(rows, time.Now()) {
		got += r["Email"].(string)
	}
	if got != "bca" {
		t.Errorf("ORDER BY Account.Name gives %s; want bca (nulls first)", got)
	}
}

func TestIncludes(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{"Id": "1", "Interests__c": "a;b;c"},
		{"Id": "2", "Interests__c": "b"},
		{"Id": "3", "Interests__c": "C;d"},
		{"Id": "4"},
	}
	for where, want := range map[string]string{
		"Interests__c INCLUDES ('a;b')":      "1",
		"Interests__c INCLUDES ('b')":        "12",
		"Interests__c INCLUDES ('a;d', 'c')": "13",
		"Interests__c EXCLUDES ('c')":        "24",
		"Interests__c = 'c;b;a'":             "1",
		"Interests__c != 'b'":                "134",
		"Interests__c = null":                "4",
	} {
		q, err := Compile("SELECT Id FROM Lead WHERE "+where, testSchema)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		got := ""
		for _, r := range q.Run(rows, time.Now()) {
			got += r["Id"].(string)
		}
		if got != want {
			t.Errorf("%s matches %q; want %q", where, got, want)
		}
	}
}

func TestRelativeDateRanges(t *testing.T) {
	t.Parallel()
	// Wednesday 11 March 2026, in the first quarter; weeks start on
	// Sunday the 8th.
	now := time.Date(2026, 3, 11, 15, 30, 0, 0, time.UTC)
	day := func(m time.Month, d int) string {
		return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	}
	tests := []struct {
		literal    string
		start, end string // [start, end)
	}{
		{"TODAY", day(3, 11), day(3, 12)},
		{"YESTERDAY", day(3, 10), day(3, 11)},
		{"TOMORROW", day(3, 12), day(3, 13)},
		{"LAST_N_DAYS:7", day(3, 4), day(3, 12)},
		{"NEXT_N_DAYS:7", day(3, 12), day(3, 19)},
		{"N_DAYS_AGO:3", day(3, 8), day(3, 9)},
		{"LAST_90_DAYS", "2025-12-11", day(3, 12)},
		{"NEXT_90_DAYS", day(3, 12), day(6, 10)},
		{"THIS_WEEK", day(3, 8), day(3, 15)},
		{"LAST_WEEK", day(3, 1), day(3, 8)},
		{"NEXT_WEEK", day(3, 15), day(3, 22)},
		{"LAST_N_WEEKS:2", day(2, 22), day(3, 8)},
		{"NEXT_N_WEEKS:2", day(3, 15), day(3, 29)},
		{"N_WEEKS_AGO:1", day(3, 1), day(3, 8)},
		{"THIS_MONTH", day(3, 1), day(4, 1)},
		{"LAST_MONTH", day(2, 1), day(3, 1)},
		{"NEXT_MONTH", day(4, 1), day(5, 1)},
		{"LAST_N_MONTHS:2", day(1, 1), day(3, 1)},
		{"NEXT_N_MONTHS:2", day(4, 1), day(6, 1)},
		{"N_MONTHS_AGO:2", day(1, 1), day(2, 1)},
		{"THIS_QUARTER", day(1, 1), day(4, 1)},
		{"LAST_QUARTER", "2025-10-01", day(1, 1)},
		{"NEXT_QUARTER", day(4, 1), day(7, 1)},
		{"LAST_N_QUARTERS:2", "2025-07-01", day(1, 1)},
		{"THIS_YEAR", day(1, 1), "2027-01-01"},
		{"LAST_YEAR", "2025-01-01", day(1, 1)},
		{"NEXT_N_YEARS:2", "2027-01-01", "2029-01-01"},
		{"N_YEARS_AGO:1", "2025-01-01", day(1, 1)},
		{"THIS_FISCAL_QUARTER", day(1, 1), day(4, 1)},
		{"LAST_N_FISCAL_YEARS:1", "2025-01-01", day(1, 1)},
	}
	for _, tt := range tests {
		q, err := Parse("SELECT Id FROM Lead WHERE CreatedDate = " + tt.literal)
		if err != nil {
			t.Fatalf("%s: %v", tt.literal, err)
		}
		start, end := relativeRange(q.Where.(*Comparison).Value, now)
		if got := fmt.Sprintf("%s..%s", start.Format("2006-01-02"), end.Format("2006-01-02")); got != tt.start+".."+tt.end {
			t.Errorf("%s covers %s; want %s..%s", tt.literal, got, tt.start, tt.end)
		}
	}
}
