package soql

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// describe renders an expression compactly so tests can state the tree
// the parser built.
func describe(e Expr) string {
	switch e := e.(type) {
	case nil:
		return ""
	case *And:
		return "AND(" + describeAll(e.Terms) + ")"
	case *Or:
		return "OR(" + describeAll(e.Terms) + ")"
	case *Not:
		return "NOT(" + describe(e.X) + ")"
	case *Comparison:
		return e.Field.Name + " " + e.Op.String() + " " + e.Value.Text
	case *In:
		var vs []string
		for _, v := range e.Values {
			vs = append(vs, v.Text)
		}
		op := " IN "
		if e.Negate {
			op = " NOT IN "
		}
		return e.Field.Name + op + "[" + strings.Join(vs, " ") + "]"
	}
	return "?"
}

func describeAll(es []Expr) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, describe(e))
	}
	return strings.Join(parts, ", ")
}

func fieldNames(refs []FieldRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query  string
		fields []string
		count  bool
		object string
		where  string
		order  []OrderItem
		limit  int
		offset int
	}{
		{query: "SELECT Id FROM Lead", fields: []string{"Id"}, object: "Lead", limit: -1},
		{query: "select id, email from lead", fields: []string{"id", "email"}, object: "lead", limit: -1},
		{query: "  SELECT\tId ,Name\nFROM   Lead  ", fields: []string{"Id", "Name"}, object: "Lead", limit: -1},
		{query: "SELECT COUNT() FROM Lead", count: true, object: "Lead", limit: -1},
		{query: "SELECT count( ) FROM Lead WHERE IsDeleted = false", count: true, object: "Lead", where: "IsDeleted = false", limit: -1},
		{query: "SELECT Lead.Email FROM Lead", fields: []string{"Lead.Email"}, object: "Lead", limit: -1},
		{
			query:  "SELECT Id FROM Lead WHERE Email = 'a@b.c' AND Status != 'Closed' AND AnnualRevenue >= 10.5",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "AND(Email = 'a@b.c', Status != 'Closed', AnnualRevenue >= 10.5)",
		},
		{
			query:  "SELECT Id FROM Lead WHERE Email = null OR Email <> null OR City < 'M' OR City <= 'M' OR City > 'M'",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "OR(Email = null, Email != null, City < 'M', City <= 'M', City > 'M')",
		},
		{
			query:  "SELECT Id FROM Lead WHERE (Email LIKE '%@x.com' OR Phone != null) AND NOT City IN ('Paris', 'Rome')",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "AND(OR(Email LIKE '%@x.com', Phone != null), NOT(City IN ['Paris' 'Rome']))",
		},
		{
			query:  "SELECT Id FROM Lead WHERE Status NOT IN ('A','B') and not (City = 'X')",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "AND(Status NOT IN ['A' 'B'], NOT(City = 'X'))",
		},
		{
			query:  "SELECT Id FROM Lead WHERE LastModifiedDate > 2026-01-02T03:04:05Z AND CreatedDate = LAST_N_DAYS:30 AND ConvertedDate < 2026-01-02",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "AND(LastModifiedDate > 2026-01-02T03:04:05Z, CreatedDate = LAST_N_DAYS:30, ConvertedDate < 2026-01-02)",
		},
		{
			query:  "SELECT Id FROM Lead WHERE CreatedDate = last_n_days : 7",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "CreatedDate = last_n_days : 7",
		},
		{
			query:  "SELECT Id FROM Lead WHERE NumberOfEmployees > -5 AND IsDeleted = TRUE",
			fields: []string{"Id"}, object: "Lead", limit: -1,
			where: "AND(NumberOfEmployees > -5, IsDeleted = TRUE)",
		},
		{
			query:  "SELECT Id FROM Lead ORDER BY LastName DESC NULLS LAST, Id LIMIT 10 OFFSET 20",
			fields: []string{"Id"}, object: "Lead", limit: 10, offset: 20,
			order: []OrderItem{
				{Field: FieldRef{Name: "LastName"}, Desc: true, NullsLast: true},
				{Field: FieldRef{Name: "Id"}},
			},
		},
		{
			query:  "SELECT Id FROM Lead ORDER BY City ASC NULLS FIRST OFFSET 5",
			fields: []string{"Id"}, object: "Lead", limit: -1, offset: 5,
			order: []OrderItem{{Field: FieldRef{Name: "City"}}},
		},
		{query: "SELECT Id FROM Lead LIMIT 0", fields: []string{"Id"}, object: "Lead", limit: 0},
		{query: "SELECT Id FROM Lead OFFSET 2000", fields: []string{"Id"}, object: "Lead", limit: -1, offset: 2000},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			q, err := Parse(tt.query)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got := fieldNames(q.Fields); !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("fields = %q; want %q", got, tt.fields)
			}
			if q.Count != tt.count || q.Object != tt.object || q.Limit != tt.limit || q.Offset != tt.offset {
				t.Errorf("count, object, limit, offset = %v, %q, %d, %d; want %v, %q, %d, %d",
					q.Count, q.Object, q.Limit, q.Offset, tt.count, tt.object, tt.limit, tt.offset)
			}
			if got := describe(q.Where); got != tt.where {
				t.Errorf("where = %s; want %s", got, tt.where)
			}
			if len(q.OrderBy) != len(tt.order) {
				t.Fatalf("order by has %d keys; want %d", len(q.OrderBy), len(tt.order))
			}
			for i, o := range q.OrderBy {
				w := tt.order[i]
				if o.Field.Name != w.Field.Name || o.Desc != w.Desc || o.NullsLast != w.NullsLast {
					t.Errorf("order[%d] = %s desc=%v nullsLast=%v; want %s desc=%v nullsLast=%v",
						i, o.Field.Name, o.Desc, o.NullsLast, w.Field.Name, w.Desc, w.NullsLast)
				}
			}
		})
	}
}

func TestParseLiterals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		literal string
		want    Value
	}{
		{`'plain'`, Value{Kind: ValueString, Str: "plain"}},
		{`'it\'s'`, Value{Kind: ValueString, Str: "it's"}},
		{`'a\\b'`, Value{Kind: ValueString, Str: `a\b`}},
		{`'line\nnext\ttab\"q'`, Value{Kind: ValueString, Str: "line\nnext\ttab\"q"}},
		{`'\u00e9t\u00C9'`, Value{Kind: ValueString, Str: "étÉ"}},
		{`'50\%'`, Value{Kind: ValueString, Str: "50%"}},
		{`''`, Value{Kind: ValueString, Str: ""}},
		{`42`, Value{Kind: ValueNumber, Num: 42}},
		{`-3.25`, Value{Kind: ValueNumber, Num: -3.25}},
		{`true`, Value{Kind: ValueBoolean, Bool: true}},
		{`False`, Value{Kind: ValueBoolean}},
		{`NULL`, Value{Kind: ValueNull}},
		{`2026-01-02`, Value{Kind: ValueDate, Time: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{`2026-01-02T03:04:05Z`, Value{Kind: ValueDateTime, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{`2026-01-02T03:04:05.000+0000`, Value{Kind: ValueDateTime, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{`2026-01-02T03:04:05.250Z`, Value{Kind: ValueDateTime, Time: time.Date(2026, 1, 2, 3, 4, 5, 250e6, time.UTC)}},
		{`2026-01-02T03:04:05+01:00`, Value{Kind: ValueDateTime, Time: time.Date(2026, 1, 2, 2, 4, 5, 0, time.UTC)}},
		{`2026-01-02T03:04:05-0800`, Value{Kind: ValueDateTime, Time: time.Date(2026, 1, 2, 11, 4, 5, 0, time.UTC)}},
		{`TODAY`, Value{Kind: ValueRelative, Relative: "TODAY"}},
		{`yesterday`, Value{Kind: ValueRelative, Relative: "YESTERDAY"}},
		{`LAST_N_DAYS:30`, Value{Kind: ValueRelative, Relative: "LAST_N_DAYS", N: 30}},
		{`NEXT_N_DAYS:2`, Value{Kind: ValueRelative, Relative: "NEXT_N_DAYS", N: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.literal, func(t *testing.T) {
			t.Parallel()
			q, err := Parse("SELECT Id FROM Lead WHERE X = " + tt.literal)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := q.Where.(*Comparison).Value
			if got.Text != tt.literal {
				t.Errorf("Text = %q; want %q", got.Text, tt.literal)
			}
			if got.Kind != tt.want.Kind || got.Str != tt.want.Str || got.Num != tt.want.Num ||
				got.Bool != tt.want.Bool || !got.Time.Equal(tt.want.Time) || got.Relative != tt.want.Relative || got.N != tt.want.N {
				t.Errorf("value = %+v; want %+v", got, tt.want)
			}
		})
	}
}

// errorTests are queries Salesforce rejects and the exact error it gives.
var errorTests = []struct {
	query   string
	code    string
	message string
}{
	{
		query: "SELECT Id FRM Lead", code: CodeMalformedQuery,
		message: "\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM",
	},
	{
		query: "SELECT Id, Bogus FROM Lead", code: CodeInvalidField,
		message: "\nSELECT Id, Bogus FROM Lead\n           ^\nERROR at Row:1:Column:12\nNo such column 'Bogus' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
	},
	{
		query: "SELECT Id FROM Foo", code: CodeInvalidType,
		message: "\nSELECT Id FROM Foo\n               ^\nERROR at Row:1:Column:16\nsObject type 'Foo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
	},
	{
		// A long query is quoted from four tokens before the error to four after.
		query: "SELECT Id, FirstName, LastName, Email, Bogus__c, City, State, Country FROM Lead", code: CodeInvalidField,
		message: "\nLastName, Email, Bogus__c, City, State\n                 ^\nERROR at Row:1:Column:40\nNo such column 'Bogus__c' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
	},
	{
		query: "SELECT Id FROM", code: CodeMalformedQuery,
		message: "\nSELECT Id FROM\n              ^\nERROR at Row:1:Column:15\nunexpected token: <EOF>",
	},
	{
		query: "SELECT FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT FROM Lead\n       ^\nERROR at Row:1:Column:8\nunexpected token: FROM",
	},
	{
		query: "SELECT Id, FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT Id, FROM Lead\n           ^\nERROR at Row:1:Column:12\nunexpected token: FROM",
	},
	{
		query: "UPDATE Lead", code: CodeMalformedQuery,
		message: "\nUPDATE Lead\n^\nERROR at Row:1:Column:1\nunexpected token: UPDATE",
	},
	{
		query: "SELECT Id FROM Lead WHERE", code: CodeMalformedQuery,
		message: "\nId FROM Lead WHERE\n                  ^\nERROR at Row:1:Column:26\nunexpected token: <EOF>",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email = 'x' AND City = 'y' OR State = 'z'", code: CodeMalformedQuery,
		message: "\nAND City = 'y' OR State = 'z'\n               ^\nERROR at Row:1:Column:54\nunexpected token: OR",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email == 'x'", code: CodeMalformedQuery,
		message: "\nLead WHERE Email == 'x'\n                  ^\nERROR at Row:1:Column:34\nunexpected token: =",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email = 'abc", code: CodeMalformedQuery,
		message: "\nLead WHERE Email = 'abc\n                   ^\nERROR at Row:1:Column:35\nline 1:38 mismatched character '<EOF>' expecting '''",
	},
	{
		query: `SELECT Id FROM Lead WHERE Email = 'a\qc'`, code: CodeMalformedQuery,
		message: "\nLead WHERE Email = 'a\\qc'\n                   ^\nERROR at Row:1:Column:35\nInvalid string literal 'a\\qc'. Illegal character sequence '\\q' in string literal.",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email # 'x'", code: CodeMalformedQuery,
		message: "\nFROM Lead WHERE Email # 'x'\n                      ^\nERROR at Row:1:Column:33\nline 1:32 no viable alternative at character '#'",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email IN 'x'", code: CodeMalformedQuery,
		message: "\nLead WHERE Email IN 'x'\n                    ^\nERROR at Row:1:Column:36\nunexpected token: 'x'",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email IN ('x' 'y')", code: CodeMalformedQuery,
		message: "\nEmail IN ('x' 'y')\n              ^\nERROR at Row:1:Column:41\nunexpected token: 'y'",
	},
	{
		query: "SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS", code: CodeMalformedQuery,
		message: "\nWHERE CreatedDate = LAST_N_DAYS\n                               ^\nERROR at Row:1:Column:52\nunexpected token: <EOF>",
	},
	{
		query: "SELECT Id FROM Lead WHERE CreatedDate = LAST_FISCAL_DECADE", code: CodeMalformedQuery,
		message: "\nLead WHERE CreatedDate = LAST_FISCAL_DECADE\n                         ^\nERROR at Row:1:Column:41\nunexpected token: LAST_FISCAL_DECADE",
	},
	{
		query: "SELECT Id FROM Lead WHERE ConvertedDate = 2026-02-30", code: CodeMalformedQuery,
		message: "\nLead WHERE ConvertedDate = 2026-02-30\n                           ^\nERROR at Row:1:Column:43\ninvalid date: 2026-02-30",
	},
	{
		query: "SELECT Id FROM Lead ORDER Id", code: CodeMalformedQuery,
		message: "\nId FROM Lead ORDER Id\n                   ^\nERROR at Row:1:Column:27\nunexpected token: Id",
	},
	{
		query: "SELECT Id FROM Lead ORDER BY Id NULLS", code: CodeMalformedQuery,
		message: "\nORDER BY Id NULLS\n                 ^\nERROR at Row:1:Column:38\nunexpected token: <EOF>",
	},
	{
		query: "SELECT Id FROM Lead LIMIT ten", code: CodeMalformedQuery,
		message: "\nId FROM Lead LIMIT ten\n                   ^\nERROR at Row:1:Column:27\nunexpected token: ten",
	},
	{
		query: "SELECT Id FROM Lead LIMIT 1.5", code: CodeMalformedQuery,
		message: "\nId FROM Lead LIMIT 1.5\n                   ^\nERROR at Row:1:Column:27\nexpecting a non-negative integer, found: 1.5",
	},
	{
		query: "SELECT Id FROM Lead OFFSET 2001", code: CodeOutOfRange,
		message: "\nId FROM Lead OFFSET 2001\n                    ^\nERROR at Row:1:Column:28\nMaximum SOQL offset allowed is 2000",
	},
	{
		query: "SELECT Id FROM Lead OFFSET 5 LIMIT 5", code: CodeMalformedQuery,
		message: "\nFROM Lead OFFSET 5 LIMIT 5\n                   ^\nERROR at Row:1:Column:30\nunexpected token: LIMIT",
	},
	{
		query: "SELECT Id FROM Lead;", code: CodeMalformedQuery,
		message: "\nSELECT Id FROM Lead;\n                   ^\nERROR at Row:1:Column:20\nline 1:19 no viable alternative at character ';'",
	},
	{
		query: "SELECT COUNT(), Id FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT COUNT(), Id FROM Lead\n              ^\nERROR at Row:1:Column:15\nunexpected token: ,",
	},
	{
		query: "SELECT Id, COUNT() FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT Id, COUNT() FROM Lead\n           ^\nERROR at Row:1:Column:12\nCOUNT() cannot be used with other fields",
	},
	{
		query: "SELECT MAX(AnnualRevenue) FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT MAX(AnnualRevenue) FROM\n       ^\nERROR at Row:1:Column:8\nmocksf: aggregate function MAX() is not supported; only COUNT() is",
	},
	{
		query: "SELECT Id\nFROM Lead\nWHERE Bogus = 'x'", code: CodeInvalidField,
		message: "\nWHERE Bogus = 'x'\n      ^\nERROR at Row:3:Column:7\nNo such column 'Bogus' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
	},
	{
		query: "SELECT Id, Boss.Name FROM Lead", code: CodeInvalidField,
		message: "\nSELECT Id, Boss.Name FROM Lead\n           ^\nERROR at Row:1:Column:12\nDidn't understand relationship 'Boss' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.",
	},
	{
		query: "SELECT Id, id FROM Lead", code: CodeMalformedQuery,
		message: "\nSELECT Id, id FROM Lead\n           ^\nERROR at Row:1:Column:12\nduplicate field selected: Id",
	},
	{
		query: "SELECT Id FROM Lead WHERE Description = 'x'", code: CodeInvalidField,
		message: "\nId FROM Lead WHERE Description = 'x'\n                   ^\nERROR at Row:1:Column:27\nfield 'Description' can not be filtered in a query call",
	},
	{
		query: "SELECT Id FROM Lead ORDER BY Description", code: CodeInvalidField,
		message: "\nFROM Lead ORDER BY Description\n                   ^\nERROR at Row:1:Column:30\nfield 'Description' can not be sorted in a query call",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email = 5", code: CodeInvalidFilter,
		message: "\nLead WHERE Email = 5\n                   ^\nERROR at Row:1:Column:35\nvalue of filter criterion for field 'Email' must be of type string and should be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE LastModifiedDate > 2026-01-02", code: CodeInvalidFilter,
		message: "\nLead WHERE LastModifiedDate > 2026-01-02\n                              ^\nERROR at Row:1:Column:46\nvalue of filter criterion for field 'LastModifiedDate' must be of type dateTime and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE CreatedDate > '2026-01-02T00:00:00Z'", code: CodeInvalidFilter,
		message: "\nLead WHERE CreatedDate > '2026-01-02T00:00:00Z'\n                         ^\nERROR at Row:1:Column:41\nvalue of filter criterion for field 'CreatedDate' must be of type dateTime and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE ConvertedDate > 2026-01-02T00:00:00Z", code: CodeInvalidFilter,
		message: "\nLead WHERE ConvertedDate > 2026-01-02T00:00:00Z\n                           ^\nERROR at Row:1:Column:43\nvalue of filter criterion for field 'ConvertedDate' must be of type date and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE AnnualRevenue > '5'", code: CodeInvalidFilter,
		message: "\nLead WHERE AnnualRevenue > '5'\n                           ^\nERROR at Row:1:Column:43\nvalue of filter criterion for field 'AnnualRevenue' must be of type double and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE NumberOfEmployees > true", code: CodeInvalidFilter,
		message: "\nLead WHERE NumberOfEmployees > true\n                               ^\nERROR at Row:1:Column:47\nvalue of filter criterion for field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE IsDeleted = 'true'", code: CodeInvalidFilter,
		message: "\nLead WHERE IsDeleted = 'true'\n                       ^\nERROR at Row:1:Column:39\nvalue of filter criterion for field 'IsDeleted' must be of type boolean and should not be enclosed in quotes",
	},
	{
		query: "SELECT Id FROM Lead WHERE IsDeleted > false", code: CodeInvalidFilter,
		message: "\nLead WHERE IsDeleted > false\n                       ^\nERROR at Row:1:Column:39\ninvalid operator on field 'IsDeleted': boolean fields only support = and !=",
	},
	{
		query: "SELECT Id FROM Lead WHERE Id = 'abc'", code: CodeInvalidFilter,
		message: "\nLead WHERE Id = 'abc'\n                ^\nERROR at Row:1:Column:32\ninvalid ID field: abc",
	},
	{
		query: "SELECT Id FROM Lead WHERE Id IN ('00Q5g0000000001EAA', 'nope')", code: CodeInvalidFilter,
		message: "\nIN ('00Q5g0000000001EAA', 'nope')\n                          ^\nERROR at Row:1:Column:56\ninvalid ID field: nope",
	},
	{
		query: "SELECT Id FROM Lead WHERE AnnualRevenue LIKE '1%'", code: CodeInvalidFilter,
		message: "\nId FROM Lead WHERE AnnualRevenue LIKE '1%'\n                   ^\nERROR at Row:1:Column:27\ninvalid operator on field 'AnnualRevenue': LIKE is only valid on string fields",
	},
	{
		query: "SELECT Id FROM Lead WHERE Email > null", code: CodeInvalidFilter,
		message: "\nLead WHERE Email > null\n                   ^\nERROR at Row:1:Column:35\ninvalid operator > for null value; use = or !=",
	},
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range errorTests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			q, err := Compile(tt.query, testSchema)
			if err == nil {
				t.Fatalf("Compile succeeded with %+v; want %s", q, tt.code)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *soql.Error", err, err)
			}
			if e.Code != tt.code {
				t.Errorf("code = %s; want %s", e.Code, tt.code)
			}
			if e.Message != tt.message {
				t.Errorf("message =\n%q\nwant\n%q", e.Message, tt.message)
			}
			if !strings.HasPrefix(err.Error(), "soql: "+tt.code+": ") {
				t.Errorf("Error() = %q; want the soql: %s prefix", err.Error(), tt.code)
			}
		})
	}
}

func TestResolveCanonicalNames(t *testing.T) {
	t.Parallel()
	q, err := Compile("select ID, lead.EMAIL, firstname from LEAD where lastname = 'x' order by CITY", testSchema)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fieldNames(q.Fields), []string{"Id", "Email", "FirstName"}; !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %q; want %q", got, want)
	}
	if q.Object != "Lead" {
		t.Errorf("object = %q; want Lead", q.Object)
	}
	if got := q.Where.(*Comparison).Field.Name; got != "LastName" {
		t.Errorf("where field = %q; want LastName", got)
	}
	if got := q.OrderBy[0].Field.Name; got != "City" {
		t.Errorf("order field = %q; want City", got)
	}
	if q.Fields[1].Field.Type != TypeString || q.Fields[0].Field.Type != TypeID {
		t.Errorf("field types = %v, %v; want string, id", q.Fields[1].Field.Type, q.Fields[0].Field.Type)
	}
}

// FuzzCompile checks that no input panics and every failure is an *Error.
func FuzzCompile(f *testing.F) {
	for _, tt := range errorTests {
		f.Add(tt.query)
	}
	f.Add("SELECT Id FROM Lead WHERE (Email LIKE '%\\_x' OR City IN ('a', 'b')) AND CreatedDate = LAST_N_DAYS:3 ORDER BY Id DESC NULLS LAST LIMIT 3 OFFSET 1")
	f.Add("SELECT Id, Owner.Name, ConvertedAccount.Parent.Name FROM Lead WHERE Interests__c INCLUDES ('a;b') AND CreatedDate < LAST_N_FISCAL_QUARTERS:2 ORDER BY ConvertedAccount.Name")
	f.Add("SELECT Id FROM Contact WHERE NOT Account.Owner.Email IN ('x') OR Account.Parent.Parent.Parent.Parent.Parent.Parent.Name = ''")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := Compile(query, testSchema)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v is not *soql.Error", err, err)
			}
			return
		}
		q.Run([]Row{{"Id": "00Q5g0000000001EAA", "Email": "x", "Interests__c": "a;b", "Owner.Name": "x"}, {}}, time.Now())
	})
}

func TestParseLimits(t *testing.T) {
	t.Parallel()
	long := "SELECT Id FROM Lead WHERE Email = '" + strings.Repeat("x", 100000) + "'"
	deep := "SELECT Id FROM Lead WHERE " + strings.Repeat("(", 101) + "Email = null" + strings.Repeat(")", 101)
	ok := "SELECT Id FROM Lead WHERE " + strings.Repeat("NOT (", 50) + "Email = null" + strings.Repeat(")", 50)
	for query, want := range map[string]string{
		long: "mocksf: SOQL statements cannot exceed 100000 characters",
		deep: "mocksf: conditions nested more than 100 deep",
		ok:   "",
	} {
		_, err := Compile(query, testSchema)
		var e *Error
		switch {
		case want == "" && err != nil:
			t.Errorf("%.40s...: %v", query, err)
		case want != "" && (!errors.As(err, &e) || !strings.HasSuffix(e.Message, "\n"+want) && e.Message != want):
			t.Errorf("%.40s...: error %v; want %q", query, err, want)
		}
	}
}
