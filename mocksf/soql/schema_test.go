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

// relationships are the test schema's parent relationships, by object.
var relationships = map[string][]Relationship{
	"Lead":    {{Name: "Owner", Object: "Name"}, {Name: "ConvertedAccount", Object: "Account"}},
	"Contact": {{Name: "Account", Object: "Account"}, {Name: "Owner", Object: "Name"}},
	"Account": {{Name: "Parent", Object: "Account"}, {Name: "Owner", Object: "Name"}},
}

func (s mapSchema) Relationship(object, name string) (Relationship, bool) {
	for _, r := range relationships[object] {
		if strings.EqualFold(r.Name, name) {
			return r, true
		}
	}
	return Relationship{}, false
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
		field("ConvertedAccountId", TypeID),
		field("Interests__c", TypeMultiPicklist),
		{Name: "Description", Type: TypeString},
	},
	"Contact": {
		field("Id", TypeID),
		field("LastName", TypeString),
		field("Email", TypeString),
		field("AccountId", TypeID),
		field("OwnerId", TypeID),
	},
	"Account": {
		field("Id", TypeID),
		field("Name", TypeString),
		field("Industry", TypeString),
		field("ParentId", TypeID),
		field("OwnerId", TypeID),
		field("AnnualRevenue", TypeDouble),
	},
	"Name": {
		field("Id", TypeID),
		field("Name", TypeString),
		field("Email", TypeString),
		field("Type", TypeString),
	},
}
