package rest

import (
	"sort"
	"strings"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/soql"
)

// sobject is the schema of one standard object: what describe reports and
// what queries and record reads are checked against.
type sobject struct {
	name        string
	label       string
	labelPlural string
	keyPrefix   string
	mergeable   bool
	deletable   bool
	fields      []fieldDef
	children    []childRelationship

	byName map[string]int // lower-case field name → index in fields
}

// fieldDef is one field of an object. Attributes describe derives from the
// type (soapType, byteLength, filterable, ...) are computed, not stored.
type fieldDef struct {
	name  string
	label string
	// typ is the describe type: id, reference, string, picklist, textarea,
	// email, phone, url, boolean, int, double, currency, percent, date,
	// datetime.
	typ       string
	length    int // text types
	precision int // currency, double, percent
	scale     int
	digits    int // int

	system   bool // set by Salesforce: never createable or updateable
	required bool // not nillable; createable and updateable
	// readOnly fields are computed (Lead.Name) or set by Salesforce
	// processes (IsConverted): not updateable, and not createable unless
	// createOnly is set.
	readOnly   bool
	createOnly bool
	nameField  bool
	idLookup   bool
	unique     bool

	referenceTo      []string
	relationshipName string
	polymorphic      bool

	picklist    []string
	defaultPick string // picklist default, also applied to records without a value

	extraTypeInfo     string
	compoundFieldName string
}

// childRelationship is a relationship from another object to this one.
type childRelationship struct {
	childSObject     string
	field            string
	relationshipName string
	cascadeDelete    bool
}

// Constructors for field definitions, so the object tables below read like
// a field list.

func idField(label string) fieldDef {
	return fieldDef{name: "Id", label: label, typ: "id", length: 18, system: true, idLookup: true}
}

func text(name, label string, length int) fieldDef {
	return fieldDef{name: name, label: label, typ: "string", length: length}
}

func textArea(name, label string, length int) fieldDef {
	return fieldDef{name: name, label: label, typ: "textarea", length: length, extraTypeInfo: "plaintextarea"}
}

func email(name, label string) fieldDef {
	return fieldDef{name: name, label: label, typ: "email", length: 80, idLookup: true}
}

func phone(name, label string) fieldDef {
	return fieldDef{name: name, label: label, typ: "phone", length: 40}
}

func urlField(name, label string) fieldDef {
	return fieldDef{name: name, label: label, typ: "url", length: 255}
}

func picklist(name, label string, values ...string) fieldDef {
	return fieldDef{name: name, label: label, typ: "picklist", length: 40, picklist: values}
}

func boolean(name, label string) fieldDef {
	return fieldDef{name: name, label: label, typ: "boolean"}
}

func currency(name, label string, precision, scale int) fieldDef {
	return fieldDef{name: name, label: label, typ: "currency", precision: precision, scale: scale}
}

func integer(name, label string, digits int) fieldDef {
	return fieldDef{name: name, label: label, typ: "int", digits: digits}
}

func percent(name, label string, precision, scale int) fieldDef {
	return fieldDef{name: name, label: label, typ: "percent", precision: precision, scale: scale}
}

func date(name, label string) fieldDef {
	return fieldDef{name: name, label: label, typ: "date"}
}

func reference(name, label, relationship string, to ...string) fieldDef {
	return fieldDef{name: name, label: label, typ: "reference", length: 18, referenceTo: to, relationshipName: relationship}
}

func (f fieldDef) withRequired() fieldDef { f.required = true; return f }
func (f fieldDef) withReadOnly() fieldDef { f.readOnly = true; return f }
func (f fieldDef) withCreateOnly() fieldDef {
	f.readOnly, f.createOnly = true, true
	return f
}
func (f fieldDef) withDefault(v string) fieldDef  { f.defaultPick = v; return f }
func (f fieldDef) withPersonName() fieldDef       { f.extraTypeInfo = "personname"; return f }
func (f fieldDef) withCompound(c string) fieldDef { f.compoundFieldName = c; return f }

// personName is the computed Name of Leads, Contacts and Users.
func personName() fieldDef {
	return fieldDef{name: "Name", label: "Full Name", typ: "string", length: 121, readOnly: true,
		nameField: true, idLookup: true, extraTypeInfo: "personname"}
}

func owner(label string) fieldDef {
	f := reference("OwnerId", label, "Owner", "Group", "User")
	f.polymorphic = true
	return f
}

// systemFields are the audit fields every object has, after its own.
func systemFields() []fieldDef {
	return []fieldDef{
		{name: "CreatedDate", label: "Created Date", typ: "datetime", system: true},
		{name: "CreatedById", label: "Created By ID", typ: "reference", length: 18, system: true, referenceTo: []string{"User"}, relationshipName: "CreatedBy"},
		{name: "LastModifiedDate", label: "Last Modified Date", typ: "datetime", system: true},
		{name: "LastModifiedById", label: "Last Modified By ID", typ: "reference", length: 18, system: true, referenceTo: []string{"User"}, relationshipName: "LastModifiedBy"},
		{name: "SystemModstamp", label: "System Modstamp", typ: "datetime", system: true},
	}
}

func isDeleted() fieldDef {
	return fieldDef{name: "IsDeleted", label: "Deleted", typ: "boolean", system: true}
}

var salutations = []string{"Mr.", "Ms.", "Mrs.", "Dr.", "Prof.", "Mx."}

var industries = []string{"Agriculture", "Apparel", "Banking", "Biotechnology", "Chemicals", "Communications",
	"Construction", "Consulting", "Education", "Electronics", "Energy", "Engineering", "Entertainment",
	"Environmental", "Finance", "Food & Beverage", "Government", "Healthcare", "Hospitality", "Insurance",
	"Machinery", "Manufacturing", "Media", "Not For Profit", "Recreation", "Retail", "Shipping",
	"Technology", "Telecommunications", "Transportation", "Utilities", "Other"}

var leadSources = []string{"Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"}

var ratings = []string{"Hot", "Warm", "Cold"}

// objects is mocksf's schema: the standard objects a sync client reads,
// with their standard fields (Salesforce field reference; Lead per the
// captured describe in the reference notes).
var objects = buildSchema([]*sobject{
	{
		name: "Lead", label: "Lead", labelPlural: "Leads", mergeable: true, deletable: true,
		fields: concat([]fieldDef{
			idField("Lead ID"),
			isDeleted(),
			text("LastName", "Last Name", 80).withRequired().withPersonName().withCompound("Name"),
			text("FirstName", "First Name", 40).withPersonName().withCompound("Name"),
			picklist("Salutation", "Salutation", salutations...).withPersonName().withCompound("Name"),
			text("MiddleName", "Middle Name", 40).withPersonName().withCompound("Name"),
			text("Suffix", "Suffix", 40).withPersonName().withCompound("Name"),
			personName(),
			text("Title", "Title", 128),
			text("Company", "Company", 255).withRequired(),
			textArea("Street", "Street", 255),
			text("City", "City", 40),
			text("State", "State/Province", 80),
			text("PostalCode", "Zip/Postal Code", 20),
			text("Country", "Country", 80),
			phone("Phone", "Phone"),
			phone("MobilePhone", "Mobile Phone"),
			phone("Fax", "Fax"),
			email("Email", "Email"),
			urlField("Website", "Website"),
			textArea("Description", "Description", 32000),
			picklist("LeadSource", "Lead Source", leadSources...),
			picklist("Status", "Status", "Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted").
				withRequired().withDefault("Open - Not Contacted"),
			picklist("Industry", "Industry", industries...),
			picklist("Rating", "Rating", ratings...),
			currency("AnnualRevenue", "Annual Revenue", 18, 0),
			integer("NumberOfEmployees", "Employees", 8),
			owner("Owner ID"),
			boolean("HasOptedOutOfEmail", "Email Opt Out"),
			boolean("IsConverted", "Converted").withCreateOnly(),
			date("ConvertedDate", "Converted Date").withReadOnly(),
			reference("ConvertedAccountId", "Converted Account ID", "ConvertedAccount", "Account").withReadOnly(),
			reference("ConvertedContactId", "Converted Contact ID", "ConvertedContact", "Contact").withReadOnly(),
			reference("ConvertedOpportunityId", "Converted Opportunity ID", "ConvertedOpportunity", "Opportunity").withReadOnly(),
			boolean("IsUnreadByOwner", "Unread By Owner"),
			boolean("DoNotCall", "Do Not Call"),
			boolean("HasOptedOutOfFax", "Fax Opt Out"),
			text("EmailBouncedReason", "Email Bounced Reason", 255),
		}, systemFields()),
	},
	{
		name: "Contact", label: "Contact", labelPlural: "Contacts", mergeable: true, deletable: true,
		fields: concat([]fieldDef{
			idField("Contact ID"),
			isDeleted(),
			reference("AccountId", "Account ID", "Account", "Account"),
			text("LastName", "Last Name", 80).withRequired().withPersonName().withCompound("Name"),
			text("FirstName", "First Name", 40).withPersonName().withCompound("Name"),
			picklist("Salutation", "Salutation", salutations...).withPersonName().withCompound("Name"),
			text("MiddleName", "Middle Name", 40).withPersonName().withCompound("Name"),
			text("Suffix", "Suffix", 40).withPersonName().withCompound("Name"),
			personName(),
			textArea("MailingStreet", "Mailing Street", 255),
			text("MailingCity", "Mailing City", 40),
			text("MailingState", "Mailing State/Province", 80),
			text("MailingPostalCode", "Mailing Zip/Postal Code", 20),
			text("MailingCountry", "Mailing Country", 80),
			phone("Phone", "Business Phone"),
			phone("MobilePhone", "Mobile Phone"),
			phone("Fax", "Business Fax"),
			email("Email", "Email"),
			text("Title", "Title", 128),
			text("Department", "Department", 80),
			picklist("LeadSource", "Lead Source", leadSources...),
			date("Birthdate", "Birthdate"),
			textArea("Description", "Contact Description", 32000),
			owner("Owner ID"),
			boolean("HasOptedOutOfEmail", "Email Opt Out"),
			boolean("DoNotCall", "Do Not Call"),
		}, systemFields()),
	},
	{
		name: "Account", label: "Account", labelPlural: "Accounts", mergeable: true, deletable: true,
		fields: concat([]fieldDef{
			idField("Account ID"),
			isDeleted(),
			fieldDef{name: "Name", label: "Account Name", typ: "string", length: 255, required: true, nameField: true, idLookup: true},
			picklist("Type", "Account Type", "Prospect", "Customer - Direct", "Customer - Channel",
				"Channel Partner / Reseller", "Installation Partner", "Technology Partner", "Other"),
			reference("ParentId", "Parent Account ID", "Parent", "Account"),
			textArea("BillingStreet", "Billing Street", 255),
			text("BillingCity", "Billing City", 40),
			text("BillingState", "Billing State/Province", 80),
			text("BillingPostalCode", "Billing Zip/Postal Code", 20),
			text("BillingCountry", "Billing Country", 80),
			phone("Phone", "Account Phone"),
			phone("Fax", "Account Fax"),
			urlField("Website", "Website"),
			picklist("Industry", "Industry", industries...),
			currency("AnnualRevenue", "Annual Revenue", 18, 0),
			integer("NumberOfEmployees", "Employees", 8),
			textArea("Description", "Account Description", 32000),
			picklist("Rating", "Account Rating", ratings...),
			owner("Owner ID"),
		}, systemFields()),
		children: []childRelationship{
			{childSObject: "Account", field: "ParentId", relationshipName: "ChildAccounts"},
			{childSObject: "Contact", field: "AccountId", relationshipName: "Contacts"},
			{childSObject: "Opportunity", field: "AccountId", relationshipName: "Opportunities", cascadeDelete: true},
		},
	},
	{
		name: "Opportunity", label: "Opportunity", labelPlural: "Opportunities", deletable: true,
		fields: concat([]fieldDef{
			idField("Opportunity ID"),
			isDeleted(),
			reference("AccountId", "Account ID", "Account", "Account"),
			fieldDef{name: "Name", label: "Name", typ: "string", length: 120, required: true, nameField: true},
			textArea("Description", "Description", 32000),
			picklist("StageName", "Stage", "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
				"Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review",
				"Closed Won", "Closed Lost").withRequired(),
			currency("Amount", "Amount", 18, 2),
			percent("Probability", "Probability (%)", 3, 0),
			date("CloseDate", "Close Date").withRequired(),
			picklist("Type", "Opportunity Type", "Existing Customer - Upgrade", "Existing Customer - Replacement",
				"Existing Customer - Downgrade", "New Customer"),
			picklist("LeadSource", "Lead Source", leadSources...),
			boolean("IsClosed", "Closed").withReadOnly(),
			boolean("IsWon", "Won").withReadOnly(),
			owner("Owner ID"),
		}, systemFields()),
	},
	{
		name: "User", label: "User", labelPlural: "Users",
		fields: concat([]fieldDef{
			idField("User ID"),
			fieldDef{name: "Username", label: "Username", typ: "string", length: 80, required: true, idLookup: true, unique: true},
			text("LastName", "Last Name", 80).withRequired().withPersonName().withCompound("Name"),
			text("FirstName", "First Name", 40).withPersonName().withCompound("Name"),
			personName(),
			text("CompanyName", "Company Name", 80),
			text("Title", "Title", 80),
			email("Email", "Email").withRequired(),
			boolean("IsActive", "Active"),
		}, systemFields()),
	},
})

func concat(lists ...[]fieldDef) []fieldDef {
	var out []fieldDef
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func buildSchema(list []*sobject) map[string]*sobject {
	out := make(map[string]*sobject, len(list))
	for _, o := range list {
		o.keyPrefix = sfid.KeyPrefixes[o.name]
		o.byName = make(map[string]int, len(o.fields))
		for i, f := range o.fields {
			o.byName[strings.ToLower(f.name)] = i
		}
		out[strings.ToLower(o.name)] = o
	}
	return out
}

// lookupObject finds an object by name, ignoring case.
func lookupObject(name string) (*sobject, bool) {
	o, ok := objects[strings.ToLower(name)]
	return o, ok
}

// sortedObjects lists the schema's objects by name, as global describe
// does.
func sortedObjects() []*sobject {
	out := make([]*sobject, 0, len(objects))
	for _, o := range objects {
		out = append(out, o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// field finds a field by name, ignoring case.
func (o *sobject) field(name string) (fieldDef, bool) {
	i, ok := o.byName[strings.ToLower(name)]
	if !ok {
		return fieldDef{}, false
	}
	return o.fields[i], true
}

func (o *sobject) hasField(name string) bool {
	_, ok := o.byName[strings.ToLower(name)]
	return ok
}

// The attributes describe derives from a field's type and flags.

func (f fieldDef) nillable() bool {
	return !f.required && !f.system && f.typ != "boolean" && !f.nameField
}

func (f fieldDef) createable() bool { return !f.system && (!f.readOnly || f.createOnly) }
func (f fieldDef) updateable() bool { return !f.system && !f.readOnly }

// longText is a text area longer than 255 characters, which SOQL can
// neither filter nor sort on.
func (f fieldDef) longText() bool { return f.typ == "textarea" && f.length > 255 }

func (f fieldDef) isText() bool {
	switch f.typ {
	case "string", "picklist", "textarea", "email", "phone", "url", "combobox", "multipicklist":
		return true
	}
	return false
}

func (f fieldDef) byteLength() int {
	switch {
	case f.typ == "id" || f.typ == "reference":
		return 18
	case f.isText():
		return 3 * f.length
	}
	return 0
}

func (f fieldDef) soapType() string {
	switch f.typ {
	case "id", "reference":
		return "tns:ID"
	case "boolean":
		return "xsd:boolean"
	case "int":
		return "xsd:int"
	case "double", "currency", "percent":
		return "xsd:double"
	case "date":
		return "xsd:date"
	case "datetime":
		return "xsd:dateTime"
	}
	return "xsd:string"
}

func (f fieldDef) groupable() bool {
	switch f.typ {
	case "datetime", "double", "currency", "percent":
		return false
	}
	return !f.longText()
}

func (f fieldDef) defaultedOnCreate() bool {
	return f.system || f.typ == "boolean" || f.defaultPick != "" || f.name == "OwnerId" || f.name == "Name" && f.readOnly
}

// queryType maps the describe type to the evaluator's.
func (f fieldDef) queryType() soql.Type {
	switch f.typ {
	case "id", "reference":
		return soql.TypeID
	case "boolean":
		return soql.TypeBoolean
	case "int":
		return soql.TypeInt
	case "double", "currency", "percent":
		return soql.TypeDouble
	case "date":
		return soql.TypeDate
	case "datetime":
		return soql.TypeDateTime
	}
	return soql.TypeString
}

// querySchema lets the SOQL resolver see the schema.
type querySchema struct{}

func (querySchema) Object(name string) (string, bool) {
	o, ok := lookupObject(name)
	if !ok {
		return "", false
	}
	return o.name, true
}

func (querySchema) Field(object, name string) (soql.Field, bool) {
	o, ok := lookupObject(object)
	if !ok {
		return soql.Field{}, false
	}
	f, ok := o.field(name)
	if !ok {
		return soql.Field{}, false
	}
	return soql.Field{Name: f.name, Type: f.queryType(), Filterable: !f.longText(), Sortable: !f.longText()}, true
}
