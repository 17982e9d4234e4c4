package rest_test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestQueryColumns checks query?columns=true against the shapes the
// Salesforce CLI's sf data query reads (plugin-data's exemplars).
func TestQueryColumns(t *testing.T) {
	t.Parallel()
	c := newCoreServer(t)
	cols := func(soql string) string { return coreV + "/query?q=" + url.QueryEscape(soql) + "&columns=true" }
	for _, tc := range []struct {
		name, path string
		want       string
	}{
		{"plain fields", cols("SELECT Id, Name FROM Account"),
			`{"columnMetadata":[` +
				`{"aggregate":false,"apexType":"Id","booleanType":false,"columnName":"Id","custom":false,"displayName":"Id","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":false,"textType":false,"updatable":false},` +
				`{"aggregate":false,"apexType":"String","booleanType":false,"columnName":"Name","custom":false,"displayName":"Name","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":false,"textType":true,"updatable":true}` +
				`],"entityName":"Account","groupBy":false,"idSelected":true,"keyPrefix":"001"}`},
		{"relationship", cols("SELECT Name, Owner.Name FROM Account"),
			`{"columnMetadata":[` +
				`{"aggregate":false,"apexType":"String","booleanType":false,"columnName":"Name","custom":false,"displayName":"Name","foreignKeyName":null,"insertable":true,"joinColumns":[],"numberType":false,"textType":true,"updatable":true},` +
				`{"aggregate":false,"apexType":null,"booleanType":false,"columnName":"Owner","custom":false,"displayName":"Owner","foreignKeyName":"OwnerId","insertable":false,"joinColumns":[` +
				`{"aggregate":false,"apexType":"String","booleanType":false,"columnName":"Name","custom":false,"displayName":"Name","foreignKeyName":null,"insertable":false,"joinColumns":[],"numberType":false,"textType":true,"updatable":false}` +
				`],"numberType":false,"textType":false,"updatable":false}` +
				`],"entityName":"Account","groupBy":false,"idSelected":false,"keyPrefix":"001"}`},
		{"count", cols("SELECT COUNT() FROM Lead"),
			`{"columnMetadata":[],"entityName":"Lead","groupBy":false,"idSelected":false,"keyPrefix":"00Q"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := c.do("GET", tc.path, "")
			if rec.Code != 200 || rec.Body.String() != tc.want {
				t.Errorf("GET %s: %d\n%s\nwant\n%s", tc.path, rec.Code, rec.Body.String(), tc.want)
			}
		})
	}

	// Nested relationships, types and the names the CLI builds from them
	// (Account.Owner.Name, as plugin-data's searchSubColumnsRecursively).
	var got struct {
		ColumnMetadata []column `json:"columnMetadata"`
	}
	rec := c.do("GET", cols("SELECT Id, Account.Owner.Name, Account.AnnualRevenue, DoNotCall, Birthdate FROM Contact"), "")
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, rec.Body.String())
	}
	var names []string
	for _, col := range got.ColumnMetadata {
		names = append(names, col.names()...)
	}
	if want := []string{"Id", "Account.Owner.Name", "Account.AnnualRevenue", "DoNotCall", "Birthdate"}; !reflect.DeepEqual(names, want) {
		t.Errorf("column names %v; want %v", names, want)
	}
	if n := len(got.ColumnMetadata); n != 4 {
		t.Fatalf("%d top-level columns; want 4 (Account joined once)", n)
	}
	account := got.ColumnMetadata[1]
	if account.ForeignKeyName == nil || *account.ForeignKeyName != "AccountId" || account.JoinColumns[1].ApexType == nil ||
		*account.JoinColumns[1].ApexType != "Decimal" || !account.JoinColumns[1].NumberType {
		t.Errorf("Account column: %+v", account)
	}
	if b := got.ColumnMetadata[2]; b.ApexType == nil || *b.ApexType != "Boolean" || !b.BooleanType {
		t.Errorf("DoNotCall column: %+v", b)
	}

	// A bad query gets the query's error, not columns.
	if rec := c.do("GET", cols("SELECT Nope FROM Account"), ""); rec.Code != 400 || !strings.Contains(rec.Body.String(), "INVALID_FIELD") {
		t.Errorf("bad query with columns: %d %s", rec.Code, rec.Body.String())
	}
}

// column is what a client reads of a columnMetadata entry.
type column struct {
	ColumnName     string   `json:"columnName"`
	ApexType       *string  `json:"apexType"`
	ForeignKeyName *string  `json:"foreignKeyName"`
	BooleanType    bool     `json:"booleanType"`
	NumberType     bool     `json:"numberType"`
	JoinColumns    []column `json:"joinColumns"`
}

// names are the dotted column names, as the CLI derives them.
func (c column) names() []string {
	if len(c.JoinColumns) == 0 {
		return []string{c.ColumnName}
	}
	var out []string
	for _, j := range c.JoinColumns {
		for _, n := range j.names() {
			out = append(out, c.ColumnName+"."+n)
		}
	}
	return out
}
