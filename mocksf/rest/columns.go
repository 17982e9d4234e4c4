package rest

import (
	"strings"

	"github.com/sfharness/sfharness/mocksf/soql"
)

// columnMetadata is one column of a query?q=…&columns=true answer, the
// shape the Developer Console and the Salesforce CLI's sf data query
// read (salesforcecli/plugin-data src/commands/data/query.ts reads
// columnName, displayName, aggregate and joinColumns; its test exemplars
// show every key). A relationship is a column whose joinColumns are the
// parent's selected fields.
type columnMetadata struct {
	Aggregate      bool             `json:"aggregate"`
	ApexType       *string          `json:"apexType"`
	BooleanType    bool             `json:"booleanType"`
	ColumnName     string           `json:"columnName"`
	Custom         bool             `json:"custom"`
	DisplayName    string           `json:"displayName"`
	ForeignKeyName *string          `json:"foreignKeyName"`
	Insertable     bool             `json:"insertable"`
	JoinColumns    []columnMetadata `json:"joinColumns"`
	NumberType     bool             `json:"numberType"`
	TextType       bool             `json:"textType"`
	Updatable      bool             `json:"updatable"`
}

// queryColumns is the whole columns=true answer: the columns and what
// the query is about, without records.
type queryColumns struct {
	ColumnMetadata []columnMetadata `json:"columnMetadata"`
	EntityName     string           `json:"entityName"`
	GroupBy        bool             `json:"groupBy"`
	IDSelected     bool             `json:"idSelected"`
	KeyPrefix      string           `json:"keyPrefix"`
}

// newQueryColumns describes the columns of a compiled query on o. A
// COUNT() query has no columns.
func newQueryColumns(schema *orgSchema, o *sobject, q *soql.Query) queryColumns {
	out := queryColumns{ColumnMetadata: []columnMetadata{}, EntityName: o.name, KeyPrefix: o.keyPrefix}
	if q.Count {
		return out
	}
	for _, ref := range q.Fields {
		if len(ref.Path) == 0 && ref.Field.Name == "Id" {
			out.IDSelected = true
		}
	}
	out.ColumnMetadata = planColumns(schema, o, newPlan(schema, o, q.Fields))
	return out
}

// planColumns turns a record plan (the keys a query's records have) into
// columns: fields as they are, relationships with their parents'
// columns joined.
func planColumns(schema *orgSchema, o *sobject, plan []*planNode) []columnMetadata {
	out := make([]columnMetadata, 0, len(plan))
	for _, n := range plan {
		if n.field != nil {
			out = append(out, fieldColumn(*n.field))
			continue
		}
		ref, _ := o.relationship(n.key) // the plan was built from resolved names
		target := schema.objects["name"]
		if !ref.polymorphic && len(ref.referenceTo) == 1 {
			target = schema.objects[strings.ToLower(ref.referenceTo[0])]
		}
		fk := ref.name
		out = append(out, columnMetadata{
			ColumnName: n.key, DisplayName: n.key, ForeignKeyName: &fk, Custom: ref.custom,
			JoinColumns: planColumns(schema, target, n.children),
		})
	}
	return out
}

// fieldColumn is the column of one field.
func fieldColumn(f fieldDef) columnMetadata {
	apex := f.apexType()
	return columnMetadata{
		ApexType: &apex, BooleanType: f.typ == "boolean", ColumnName: f.name, Custom: f.custom,
		DisplayName: f.name, Insertable: f.createable(), JoinColumns: []columnMetadata{},
		NumberType: f.isNumber(), TextType: f.isText(), Updatable: f.updateable(),
	}
}

func (f fieldDef) isNumber() bool {
	switch f.typ {
	case "int", "double", "currency", "percent":
		return true
	}
	return false
}

// apexType is the Apex type of a field's values.
func (f fieldDef) apexType() string { return f.values().apex }
