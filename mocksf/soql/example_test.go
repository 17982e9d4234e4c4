package soql_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/soql"
)

// leadSchema knows one object with three fields.
type leadSchema struct{}

func (leadSchema) Object(name string) (string, bool) {
	return "Lead", strings.EqualFold(name, "Lead")
}

func (leadSchema) Field(object, name string) (soql.Field, bool) {
	for _, f := range []soql.Field{
		{Name: "LastName", Type: soql.TypeString, Filterable: true, Sortable: true},
		{Name: "AnnualRevenue", Type: soql.TypeDouble, Filterable: true, Sortable: true},
		{Name: "CreatedDate", Type: soql.TypeDateTime, Filterable: true, Sortable: true},
	} {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return soql.Field{}, false
}

func (leadSchema) Relationship(object, name string) (soql.Relationship, bool) {
	return soql.Relationship{}, false
}

func Example() {
	q, err := soql.Compile("SELECT lastname FROM Lead WHERE AnnualRevenue > 100 OR CreatedDate = TODAY ORDER BY LastName DESC", leadSchema{})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	rows := []soql.Row{
		{"LastName": "Lovelace", "AnnualRevenue": 500, "CreatedDate": "2020-01-01T00:00:00Z"},
		{"LastName": "Hopper", "AnnualRevenue": 50, "CreatedDate": now},
		{"LastName": "Turing", "AnnualRevenue": 50, "CreatedDate": "2020-01-01T00:00:00Z"},
	}
	for _, r := range q.Run(rows, now) {
		fmt.Println(r[q.Fields[0].Name])
	}
	// Output:
	// Lovelace
	// Hopper
}

func ExampleError() {
	_, err := soql.Compile("SELECT Id FRM Lead", leadSchema{})
	e := err.(*soql.Error)
	fmt.Println(e.Code)
	fmt.Printf("%q\n", e.Message)
	// Output:
	// MALFORMED_QUERY
	// "\nSELECT Id FRM Lead\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM"
}
