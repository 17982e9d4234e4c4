package soql

import "strings"

// mapSchema is a schema for tests: objects by name, fields by name.
type mapSchema map[string][]Field

func (s mapSchema) Object(name string) (string, bool) {
	for o := range s {
		if strings.EqualFold(o, name) {
			return o, true
		}
	}
	return "", false
}

func (s mapSchema) Field(object, name string) (Field, bool) {
	for _, f := range s[object] {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

func field(name string, typ Type) Field {
	return Field{Name: name, Type: typ, Filterable: true, Sortable: true}
}

var testSchema = mapSchema{
	"Lead": {
		field("Id", TypeID),
		field("IsDeleted", TypeBoolean),
		field("Name", TypeString),
		field("FirstName", TypeString),
		field("LastName", TypeString),
		field("Email", TypeString),
		field("Phone", TypeString),
		field("Company", TypeString),
		field("Status", TypeString),
		field("City", TypeString),
		field("State", TypeString),
		field("Country", TypeString),
		field("PostalCode", TypeString),
		field("AnnualRevenue", TypeDouble),
		field("NumberOfEmployees", TypeInt),
		field("ConvertedDate", TypeDate),
		field("CreatedDate", TypeDateTime),
		field("LastModifiedDate", TypeDateTime),
		field("OwnerId", TypeID),
		{Name: "Description", Type: TypeString},
	},
}
