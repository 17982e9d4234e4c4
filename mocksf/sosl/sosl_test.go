package sosl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		src       string
		scope     Scope
		returning []Returning
		limit     int
	}{
		{"FIND {Acme}", AllFields, nil, -1},
		{"find {acme} in name fields", NameFields, nil, -1},
		{"FIND {a@b.example} IN EMAIL FIELDS RETURNING Contact(Id, Email), Lead", EmailFields,
			[]Returning{{Object: "Contact", Clause: "Id, Email"}, {Object: "Lead"}}, -1},
		{"FIND {555} IN PHONE FIELDS RETURNING Account(Name WHERE Name != 'x (y)' ORDER BY Name LIMIT 5) LIMIT 20", PhoneFields,
			[]Returning{{Object: "Account", Clause: "Name WHERE Name != 'x (y)' ORDER BY Name LIMIT 5"}}, 20},
		{"FIND {Acme\\}Co}", AllFields, nil, -1},
	} {
		s, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		for i := range s.Returning {
			if !strings.HasPrefix(tc.src[s.Returning[i].Offset:], s.Returning[i].Object) {
				t.Errorf("Parse(%q): %s at offset %d", tc.src, s.Returning[i].Object, s.Returning[i].Offset)
			}
			s.Returning[i].Offset = 0
		}
		if s.Scope != tc.scope || !reflect.DeepEqual(s.Returning, tc.returning) || s.Limit != tc.limit {
			t.Errorf("Parse(%q) = scope %s, returning %#v, limit %d; want %s, %#v, %d", tc.src, s.Scope, s.Returning, s.Limit, tc.scope, tc.returning, tc.limit)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"FIND Acme", "No search term found. The search term must be enclosed in braces."},
		{"FIND {Acme", "No search term found. The search term must be enclosed in braces."},
		{"FIND {}", "No search term found. The search term must be enclosed in braces."},
		{"FIND {a}", "search term must be longer than one character: a"},
		{"SEARCH {Acme}", "unexpected token: SEARCH"},
		{"FIND {Acme} IN BODY FIELDS", "unexpected token: BODY"},
		{"FIND {Acme} RETURNING Account(", "unexpected token: <EOF>"},
		{"FIND {Acme} RETURNING Account()", "unexpected token: )"},
		{"FIND {Acme} LIMIT x", "unexpected token: x"},
		{"FIND {Acme} WITH SNIPPET", "unexpected token: WITH"},
		{"FIND {(Acme}", "unexpected token: <EOF>"},
		{"FIND {Acme OR}", "unexpected token: <EOF>"},
		{"FIND {" + strings.Repeat("(", 60) + "x" + strings.Repeat(")", 60) + "}", "nested more than 50 deep"},
		{"FIND {" + strings.Repeat("x", MaxLength) + "}", "cannot exceed 20000 characters"},
		{"FIND {xy} RETURNING " + strings.Repeat("Account, ", MaxReturning) + "Lead", "at most 100 objects"},
	} {
		_, err := Parse(tc.src)
		var se *Error
		if !errors.As(err, &se) || se.Code != CodeMalformedSearch || !strings.Contains(se.Message, tc.want) {
			t.Errorf("Parse(%.40q) = %v; want MALFORMED_SEARCH with %q", tc.src, err, tc.want)
		}
	}
	// Positioned errors quote the row and column.
	_, err := Parse("FIND {Acme} IN BODY FIELDS")
	if want := "\nFIND {Acme} IN BODY FIELDS\n               ^\nERROR at Row:1:Column:16\nunexpected token: BODY"; err.(*Error).Message != want {
		t.Errorf("message %q; want %q", err.(*Error).Message, want)
	}
}

func TestReturningSOQL(t *testing.T) {
	for _, tc := range []struct {
		r    Returning
		want string
	}{
		{Returning{Object: "Account"}, "SELECT Id FROM Account"},
		{Returning{Object: "Account", Clause: "Id, Name"}, "SELECT Id, Name FROM Account "},
		{Returning{Object: "Lead", Clause: "Name WHERE Company = 'LIMIT WHERE' LIMIT 2"}, "SELECT Name FROM Lead WHERE Company = 'LIMIT WHERE' LIMIT 2"},
		{Returning{Object: "Lead", Clause: "Name, LimitField__c ORDER BY Name"}, "SELECT Name, LimitField__c FROM Lead ORDER BY Name"},
	} {
		if got := tc.r.SOQL(); got != tc.want {
			t.Errorf("%+v.SOQL() = %q; want %q", tc.r, got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	text := Tokens("Wanda Widget, wanda@widgets.example — 555-0100")
	for _, tc := range []struct {
		term string
		want bool
	}{
		{"wanda", true},
		{"WIDGET", true},
		{"widg*", true},
		{"w?dget", true},
		{"gadget", false},
		{"wanda widget", true},
		{`"widget example"`, false},
		{`"wanda widget"`, true},
		{"wanda@widgets.example", true},
		{"555-0100", true},
		{"gadget OR widget", true},
		{"wanda AND NOT widget", false},
		{"wanda AND NOT gadget", true},
		{"(gadget OR wanda) AND widget", true},
		{"wid*et", true},
	} {
		term, err := ParseTerm(tc.term)
		if err != nil {
			t.Errorf("ParseTerm(%q): %v", tc.term, err)
			continue
		}
		if got := Match(term, text); got != tc.want {
			t.Errorf("Match(%q) = %v; want %v", tc.term, got, tc.want)
		}
	}
}

// FuzzParse checks that no statement makes the parser panic or loop, and
// that every refusal is a MALFORMED_SEARCH *Error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"FIND {Acme}", "FIND {a@b.c} IN EMAIL FIELDS RETURNING Contact(Id, Email WHERE Name LIKE 'x%' LIMIT 3), Lead LIMIT 5",
		`FIND {"big widget" AND NOT (small OR tiny*)}`, "FIND {\\}}", "FIND {x", "FIND {ab} RETURNING A('(')",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		s, err := Parse(src)
		if err != nil {
			var se *Error
			if !errors.As(err, &se) || se.Code != CodeMalformedSearch {
				t.Fatalf("Parse(%q): %v is not a MALFORMED_SEARCH", src, err)
			}
			return
		}
		for _, r := range s.Returning {
			_ = r.SOQL()
		}
		_ = Match(s.Term, Tokens(src))
	})
}

func TestErrorAt(t *testing.T) {
	s, err := Parse("FIND {Acme}\nRETURNING Account(Id), Nope__c")
	if err != nil {
		t.Fatal(err)
	}
	e := s.ErrorAt(s.Returning[1], "INVALID_TYPE", "\nSELECT Id FROM Nope__c\n               ^\nERROR at Row:1:Column:16\nsObject type 'Nope__c' is not supported.")
	if want := "\nRETURNING Account(Id), Nope__c\n                       ^\nERROR at Row:2:Column:24\nsObject type 'Nope__c' is not supported."; e.Code != "INVALID_TYPE" || e.Message != want {
		t.Errorf("ErrorAt = %s %q; want INVALID_TYPE %q", e.Code, e.Message, want)
	}
	built := &Search{Returning: []Returning{{Object: "Nope__c"}}}
	if e := built.ErrorAt(built.Returning[0], "INVALID_TYPE", "\nquoted\n^\nonly this"); e.Message != "only this" {
		t.Errorf("ErrorAt without source = %q; want the explanation only", e.Message)
	}
}
