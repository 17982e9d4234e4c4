package rest

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/sfharness/sfharness/mocksf/sfid"
	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// sobject is the schema of one object: what describe reports and what
// queries, record reads and writes are checked against. It is not changed
// once built.
type sobject struct {
	name        string
	label       string
	labelPlural string
	keyPrefix   string
	custom      bool
	mergeable   bool
	deletable   bool
	// readOnly objects (User in mocksf) are served but not written.
	readOnly bool
	// derived objects (orgobjects.go) have records derived from the org
	// and its users, not stored ones.
	derived bool
	// hidden objects (the Name entity polymorphic relationships lead to)
	// are not listed or described.
	hidden   bool
	fields   []fieldDef
	children []childRelationship

	byName        map[string]int // field name, lower case → index in fields
	byExactName   map[string]int // field name as spelled → index
	relationships map[string]int // relationship name, lower case → index of its reference field
}

// fieldDef is one field of an object. Attributes describe derives from the
// type (soapType, byteLength, filterable, ...) are computed, not stored.
type fieldDef struct {
	name  string
	label string
	// typ is the describe type: id, reference, string, picklist,
	// multipicklist, combobox, textarea, email, phone, url, boolean, int,
	// double, currency, percent, date, datetime.
	typ       string
	length    int // text types
	precision int // currency, double, percent
	scale     int
	digits    int // int

	system bool // set by Salesforce: never createable or updateable
	// required fields are not nillable: create needs a value unless the
	// field has a default.
	required bool
	// readOnly fields are computed (Lead.Name) or set by Salesforce
	// processes (IsConverted): not updateable, and not createable unless
	// createOnly is set.
	readOnly      bool
	createOnly    bool
	nameField     bool
	idLookup      bool
	unique        bool
	externalID    bool
	caseSensitive bool
	custom        bool

	referenceTo      []string
	relationshipName string
	polymorphic      bool

	picklist    []string
	restricted  bool
	defaultPick string // picklist default, also applied to records without a value
	defaultTrue bool   // a boolean that defaults to true
	helpText    string

	extraTypeInfo     string
	compoundFieldName string
	// compute derives the value of a formula-like field (Lead.Name,
	// Opportunity.IsWon) from the record's other fields, and from nothing
	// else: query pages keep a record's JSON with its version (renderKey).
	compute func(get func(string) any) any
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
func (f fieldDef) withCompute(fn func(func(string) any) any) fieldDef {
	f.compute = fn
	return f
}

// fullName is the name fields of Leads and Contacts, in Salesforce's
// order, ending with the computed Name.
func fullName() []fieldDef {
	return []fieldDef{
		text("LastName", "Last Name", 80).withRequired().withPersonName().withCompound("Name"),
		text("FirstName", "First Name", 40).withPersonName().withCompound("Name"),
		picklist("Salutation", "Salutation", salutations...).withPersonName().withCompound("Name"),
		text("MiddleName", "Middle Name", 40).withPersonName().withCompound("Name"),
		text("Suffix", "Suffix", 40).withPersonName().withCompound("Name"),
		personName(),
	}
}

// address is the five fields of an address: prefix names them
// ("Billing": BillingStreet …), labelPrefix labels them ("Billing ").
func address(prefix, labelPrefix string) []fieldDef {
	return []fieldDef{
		textArea(prefix+"Street", labelPrefix+"Street", 255),
		text(prefix+"City", labelPrefix+"City", 40),
		text(prefix+"State", labelPrefix+"State/Province", 80),
		text(prefix+"PostalCode", labelPrefix+"Zip/Postal Code", 20),
		text(prefix+"Country", labelPrefix+"Country", 80),
	}
}

// personName is the computed Name of Leads, Contacts and Users: first
// and last name.
func personName() fieldDef {
	return fieldDef{name: "Name", label: "Full Name", typ: "string", length: 121, readOnly: true,
		nameField: true, idLookup: true, extraTypeInfo: "personname", compute: func(get func(string) any) any {
			var parts []string
			for _, k := range []string{"FirstName", "LastName"} {
				if s, ok := soql.Coerce(soql.TypeString, get(k)).(string); ok {
					parts = append(parts, s)
				}
			}
			if len(parts) == 0 {
				return nil
			}
			return strings.Join(parts, " ")
		}}
}

// stageIs computes Opportunity.IsClosed and IsWon from the stage.
func stageIs(stages ...string) func(get func(string) any) any {
	return func(get func(string) any) any {
		s, _ := soql.Coerce(soql.TypeString, get("StageName")).(string)
		for _, stage := range stages {
			if strings.EqualFold(s, stage) {
				return true
			}
		}
		return false
	}
}

// zero is the value of counters mocksf does not keep (Campaign's
// NumberOfLeads and such): 0, as in a new org.
func zero(func(string) any) any { return 0.0 }

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

// standardList lists the standard objects.
var standardList = []*sobject{
	{
		name: "Lead", label: "Lead", labelPlural: "Leads", mergeable: true, deletable: true,
		fields: concat([]fieldDef{
			idField("Lead ID"),
			isDeleted(),
		}, fullName(), []fieldDef{
			text("Title", "Title", 128),
			text("Company", "Company", 255).withRequired(),
		}, address("", ""), []fieldDef{
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
		}, fullName(), address("Mailing", "Mailing "), []fieldDef{
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
		}, address("Billing", "Billing "), []fieldDef{
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
			boolean("IsClosed", "Closed").withReadOnly().withCompute(stageIs("Closed Won", "Closed Lost")),
			boolean("IsWon", "Won").withReadOnly().withCompute(stageIs("Closed Won")),
			owner("Owner ID"),
		}, systemFields()),
	},
	{
		name: "Campaign", label: "Campaign", labelPlural: "Campaigns", deletable: true,
		fields: concat([]fieldDef{
			idField("Campaign ID"),
			isDeleted(),
			fieldDef{name: "Name", label: "Name", typ: "string", length: 80, required: true, nameField: true, idLookup: true},
			reference("ParentId", "Parent Campaign ID", "Parent", "Campaign"),
			picklist("Type", "Type", "Advertisement", "Email", "Telemarketing", "Banner Ads", "Seminar / Conference",
				"Public Relations", "Partners", "Referral Program", "Other"),
			picklist("Status", "Status", "Planned", "In Progress", "Completed", "Aborted"),
			date("StartDate", "Start Date"),
			date("EndDate", "End Date"),
			currency("ExpectedRevenue", "Expected Revenue in Campaign", 18, 0),
			currency("BudgetedCost", "Budgeted Cost in Campaign", 18, 0),
			currency("ActualCost", "Actual Cost in Campaign", 18, 0),
			percent("ExpectedResponse", "Expected Response (%)", 10, 2),
			fieldDef{name: "NumberSent", label: "Num Sent in Campaign", typ: "double", precision: 18},
			boolean("IsActive", "Active"),
			textArea("Description", "Description", 32000),
			integer("NumberOfLeads", "Leads in Campaign", 9).withReadOnly().withCompute(zero),
			integer("NumberOfConvertedLeads", "Converted Leads in Campaign", 9).withReadOnly().withCompute(zero),
			integer("NumberOfContacts", "Contacts in Campaign", 9).withReadOnly().withCompute(zero),
			integer("NumberOfResponses", "Responses in Campaign", 9).withReadOnly().withCompute(zero),
			integer("NumberOfOpportunities", "Opportunities in Campaign", 9).withReadOnly().withCompute(zero),
			reference("OwnerId", "Owner ID", "Owner", "User"),
		}, systemFields()),
		children: []childRelationship{
			{childSObject: "Campaign", field: "ParentId", relationshipName: "ChildCampaigns"},
			{childSObject: "CampaignMember", field: "CampaignId", relationshipName: "CampaignMembers", cascadeDelete: true},
			{childSObject: "Task", field: "WhatId", relationshipName: "Tasks", cascadeDelete: true},
		},
	},
	{
		name: "CampaignMember", label: "Campaign Member", labelPlural: "Campaign Members", deletable: true,
		fields: concat([]fieldDef{
			idField("Campaign Member ID"),
			isDeleted(),
			reference("CampaignId", "Campaign ID", "Campaign", "Campaign").withRequired().withCreateOnly(),
			reference("LeadId", "Lead ID", "Lead", "Lead").withCreateOnly(),
			reference("ContactId", "Contact ID", "Contact", "Contact").withCreateOnly(),
			picklist("Status", "Status", "Planned", "Received", "Responded", "Sent").withDefault("Sent"),
			boolean("HasResponded", "Responded").withReadOnly(),
			date("FirstRespondedDate", "First Responded Date").withReadOnly(),
		}, systemFields()),
	},
	{
		name: "Task", label: "Task", labelPlural: "Tasks", deletable: true,
		fields: concat([]fieldDef{
			idField("Activity ID"),
			isDeleted(),
			polymorphicReference("WhoId", "Name ID", "Who", "Contact", "Lead"),
			polymorphicReference("WhatId", "Related To ID", "What", "Account", "Campaign", "Opportunity"),
			fieldDef{name: "Subject", label: "Subject", typ: "combobox", length: 255, nameField: true,
				picklist: []string{"Call", "Send Letter", "Send Quote", "Other"}},
			date("ActivityDate", "Due Date Only"),
			picklist("Status", "Status", "Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred").
				withRequired().withDefault("Not Started"),
			picklist("Priority", "Priority", "High", "Normal", "Low").withRequired().withDefault("Normal"),
			boolean("IsHighPriority", "High Priority").withReadOnly().withCompute(func(get func(string) any) any {
				return strings.EqualFold(fmt.Sprint(get("Priority")), "High")
			}),
			owner("Assigned To ID"),
			textArea("Description", "Description", 32000),
			picklist("Type", "Type", "Call", "Email", "Meeting", "Other"),
			boolean("IsClosed", "Closed").withReadOnly().withCompute(func(get func(string) any) any {
				return strings.EqualFold(fmt.Sprint(get("Status")), "Completed")
			}),
			integer("CallDurationInSeconds", "Call Duration", 8),
			picklist("CallType", "Call Type", "Internal", "Inbound", "Outbound"),
			text("CallDisposition", "Call Result", 255),
			picklist("TaskSubtype", "Task Subtype", "Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn").withCreateOnly(),
			fieldDef{name: "CompletedDateTime", label: "Completed Date/Time", typ: "datetime", readOnly: true},
		}, systemFields()),
	},
	{
		name: "User", label: "User", labelPlural: "Users", readOnly: true,
		fields: concat([]fieldDef{
			idField("User ID"),
			fieldDef{name: "Username", label: "Username", typ: "string", length: 80, required: true, idLookup: true, unique: true},
			text("LastName", "Last Name", 80).withRequired().withPersonName().withCompound("Name"),
			text("FirstName", "First Name", 40).withPersonName().withCompound("Name"),
			personName(),
			text("CompanyName", "Company Name", 80),
			text("Title", "Title", 80),
			email("Email", "Email").withRequired(),
			fieldDef{name: "Alias", label: "Alias", typ: "string", length: 8, required: true},
			boolean("IsActive", "Active"),
			reference("ProfileId", "Profile ID", "Profile", "Profile").withRequired(),
			reference("UserRoleId", "Role ID", "UserRole", "UserRole"),
			picklist("UserType", "User Type", "Standard", "PowerPartner", "CsnOnly", "Guest").withReadOnly(),
			picklist("TimeZoneSidKey", "Time Zone", "America/Los_Angeles", "America/New_York", "Europe/London", "GMT").withRequired(),
			picklist("LocaleSidKey", "Locale", "en_US", "en_GB", "de_DE", "fr_FR").withRequired(),
			picklist("LanguageLocaleKey", "Language", store.Languages...).withRequired(),
			picklist("EmailEncodingKey", "Email Encoding", "UTF-8", "ISO-8859-1").withRequired(),
			urlField("FullPhotoUrl", "Url for full-sized Photo").withReadOnly(),
			urlField("SmallPhotoUrl", "Photo").withReadOnly(),
		}, systemFields()),
	},
	{
		// The Name entity is what a polymorphic relationship (Owner,
		// Who, What) leads to: the fields its targets share.
		name: "Name", label: "Name", labelPlural: "Names", hidden: true, readOnly: true,
		fields: []fieldDef{
			idField("Name ID"),
			fieldDef{name: "Name", label: "Name", typ: "string", length: 255, nameField: true, readOnly: true},
			fieldDef{name: "Type", label: "Type", typ: "picklist", length: 40, readOnly: true},
			text("FirstName", "First Name", 40).withReadOnly(),
			text("LastName", "Last Name", 80).withReadOnly(),
			email("Email", "Email").withReadOnly(),
			text("Username", "Username", 80).withReadOnly(),
			text("Alias", "Alias", 8).withReadOnly(),
			text("Title", "Title", 80).withReadOnly(),
			phone("Phone", "Phone").withReadOnly(),
			boolean("IsActive", "Active").withReadOnly(),
		},
	},
}

// standardObjects is mocksf's standard schema: the objects a sync client
// reads, with their standard fields (Salesforce field reference; Lead per
// the captured describe in the reference notes).
var standardObjects = buildObjects(append(standardList, orgObjectList...))

// polymorphicReference is a lookup to one of several objects (Task's Who
// and What).
func polymorphicReference(name, label, relationship string, to ...string) fieldDef {
	f := reference(name, label, relationship, to...)
	f.polymorphic = true
	return f
}

func concat(lists ...[]fieldDef) []fieldDef {
	var out []fieldDef
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// buildObjects indexes the objects' fields and relationships.
func buildObjects(list []*sobject) []*sobject {
	for _, o := range list {
		o.index()
	}
	return list
}

func (o *sobject) index() {
	if o.keyPrefix == "" {
		o.keyPrefix = sfid.KeyPrefixes[o.name]
	}
	o.byName = make(map[string]int, len(o.fields))
	o.byExactName = make(map[string]int, len(o.fields))
	o.relationships = map[string]int{}
	for i, f := range o.fields {
		o.byName[strings.ToLower(f.name)] = i
		o.byExactName[f.name] = i
		if f.relationshipName != "" {
			o.relationships[strings.ToLower(f.relationshipName)] = i
		}
	}
}

// orgSchema is the schema of one org: the standard objects with the
// org's custom fields, and its custom objects. It is not changed once
// built.
type orgSchema struct {
	objects  map[string]*sobject // by lower-case name
	sorted   []*sobject          // listed objects by name, as global describe lists them
	byPrefix map[string]*sobject
	describe sync.Map // "v67.0/Lead" → encoded describe
}

// standardSchema is the schema of an org that declares nothing.
var standardSchema = newOrgSchema(nil)

// newOrgSchema builds an org's schema from what it declares (nil: nothing).
func newOrgSchema(cs *store.CustomSchema) *orgSchema {
	s := &orgSchema{objects: map[string]*sobject{}, byPrefix: map[string]*sobject{}}
	add := func(o *sobject) {
		s.objects[strings.ToLower(o.name)] = o
		if !o.hidden {
			s.sorted = append(s.sorted, o)
			s.byPrefix[o.keyPrefix] = o
		}
	}
	for _, o := range standardObjects {
		if cs == nil || len(cs.Fields[o.name]) == 0 {
			add(o)
			continue
		}
		c := *o
		c.fields = append([]fieldDef(nil), o.fields...)
		// Custom fields come after the standard ones, before the audit
		// fields, as in a real describe they follow them alphabetically
		// grouped; the order is stable either way.
		for _, f := range cs.Fields[o.name] {
			c.fields = append(c.fields, customField(f))
		}
		c.index()
		add(&c)
	}
	if cs != nil {
		for _, co := range cs.Objects {
			o := &sobject{name: co.Name, label: co.Label, labelPlural: co.LabelPlural, keyPrefix: co.KeyPrefix,
				custom: true, deletable: true}
			o.fields = []fieldDef{
				idField("Record ID"),
				owner("Owner ID"),
				isDeleted(),
				// A custom object's text Name is optional through the API:
				// a record created without one is named after its ID.
				{name: "Name", label: co.Label + " Name", typ: "string", length: 80, nameField: true, idLookup: true},
			}
			for _, f := range co.Fields {
				o.fields = append(o.fields, customField(f))
			}
			o.fields = append(o.fields, systemFields()...)
			o.index()
			add(o)
		}
		// Lookups from custom fields are child relationships of their
		// targets, named after the object they come from.
		for _, child := range s.sorted {
			for _, f := range child.fields {
				if !f.custom || f.typ != "reference" {
					continue
				}
				parent := s.objects[strings.ToLower(f.referenceTo[0])]
				p := *parent
				p.children = append(append([]childRelationship(nil), parent.children...), childRelationship{
					childSObject: child.name, field: f.name, relationshipName: strings.TrimSuffix(child.name, "__c") + "s__r",
				})
				s.replace(&p)
			}
		}
	}
	sort.Slice(s.sorted, func(i, j int) bool { return s.sorted[i].name < s.sorted[j].name })
	return s
}

// replace swaps an object for a changed copy.
func (s *orgSchema) replace(o *sobject) {
	s.objects[strings.ToLower(o.name)] = o
	s.byPrefix[o.keyPrefix] = o
	for i, x := range s.sorted {
		if x.name == o.name {
			s.sorted[i] = o
		}
	}
}

// customField turns a declared custom field into a field definition.
func customField(cf store.CustomField) fieldDef {
	f := fieldDef{name: cf.Name, label: cf.Label, typ: cf.Type, length: cf.Length, precision: cf.Precision,
		scale: cf.Scale, required: cf.Required, unique: cf.Unique, externalID: cf.ExternalID,
		caseSensitive: cf.CaseSensitive, custom: true, picklist: cf.Values, restricted: cf.Restricted,
		helpText: cf.HelpText, idLookup: cf.ExternalID || cf.Unique}
	switch cf.Type {
	case "int":
		f.digits, f.precision = cf.Precision, 0
	case "picklist", "multipicklist":
		f.defaultPick = cf.DefaultValue
	case "boolean":
		f.defaultTrue = cf.DefaultValue == "true"
	case "reference":
		f.length = 18
		f.referenceTo = []string{cf.ReferenceTo}
		f.relationshipName = cf.RelationshipName
	case "textarea":
		if cf.Length > 255 {
			f.extraTypeInfo = "plaintextarea"
		}
	}
	return f
}

// schemaCache holds built org schemas by what they were built from.
type schemaCache struct {
	mu    sync.Mutex
	built map[*store.CustomSchema]*orgSchema
}

// schemaOf returns the schema of an org.
func (api *API) schemaOf(orgID string) *orgSchema {
	cs := api.Store.CustomSchema(orgID)
	if cs == nil {
		return standardSchema
	}
	c := &api.schemas
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.built[cs]; ok {
		return s
	}
	if c.built == nil {
		c.built = map[*store.CustomSchema]*orgSchema{}
	}
	s := newOrgSchema(cs)
	c.built[cs] = s
	return s
}

// object finds an object by name, ignoring case; the Name entity is not
// found this way.
func (s *orgSchema) object(name string) (*sobject, bool) {
	o, ok := s.objects[strings.ToLower(name)]
	if !ok || o.hidden {
		return nil, false
	}
	return o, true
}

// field finds a field by name, ignoring case.
func (o *sobject) field(name string) (fieldDef, bool) {
	i, ok := o.byName[strings.ToLower(name)]
	if !ok {
		return fieldDef{}, false
	}
	return o.fields[i], true
}

// fieldPtr finds a field by its exact name, then ignoring case.
func (o *sobject) fieldPtr(name string) *fieldDef {
	i, ok := o.byExactName[name]
	if !ok {
		if i, ok = o.byName[strings.ToLower(name)]; !ok {
			return nil
		}
	}
	return &o.fields[i]
}

func (o *sobject) hasField(name string) bool {
	_, ok := o.byName[strings.ToLower(name)]
	return ok
}

// relationship finds the reference field behind a relationship name.
func (o *sobject) relationship(name string) (*fieldDef, bool) {
	i, ok := o.relationships[strings.ToLower(name)]
	if !ok {
		return nil, false
	}
	return &o.fields[i], true
}

// The attributes describe derives from a field's type and flags.

func (f fieldDef) nillable() bool {
	return !f.required && !f.system && f.typ != "boolean" && !(f.nameField && f.readOnly)
}

func (f fieldDef) filterable() bool { return !f.longText() }

func (f fieldDef) sortable() bool { return !f.longText() && f.typ != "multipicklist" }

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

func (f fieldDef) soapType() string { return f.values().soap }

func (f fieldDef) groupable() bool {
	switch f.typ {
	case "datetime", "double", "currency", "percent", "multipicklist":
		return false
	}
	return !f.longText()
}

func (f fieldDef) defaultedOnCreate() bool {
	return f.system || f.typ == "boolean" || f.defaultPick != "" || f.name == "OwnerId" ||
		f.name == "Name" && (f.readOnly || f.nameField && !f.required)
}

// valueType is what the values of a describe type are to the SOQL
// evaluator, in SOAP (describe's soapType) and in Apex (the query
// columns' apexType): one table, so that a type is added once.
type valueType struct {
	query      soql.Type
	soap, apex string
}

// valueTypes are the describe types whose values are not strings.
var valueTypes = map[string]valueType{
	"id":            {soql.TypeID, "tns:ID", "Id"},
	"reference":     {soql.TypeID, "tns:ID", "Id"},
	"boolean":       {soql.TypeBoolean, "xsd:boolean", "Boolean"},
	"int":           {soql.TypeInt, "xsd:int", "Integer"},
	"double":        {soql.TypeDouble, "xsd:double", "Decimal"},
	"currency":      {soql.TypeDouble, "xsd:double", "Decimal"},
	"percent":       {soql.TypeDouble, "xsd:double", "Decimal"},
	"date":          {soql.TypeDate, "xsd:date", "Date"},
	"datetime":      {soql.TypeDateTime, "xsd:dateTime", "Datetime"},
	"multipicklist": {soql.TypeMultiPicklist, "xsd:string", "String"},
}

func (f fieldDef) values() valueType {
	if t, ok := valueTypes[f.typ]; ok {
		return t
	}
	return valueType{soql.TypeString, "xsd:string", "String"}
}

// queryType maps the describe type to the evaluator's.
func (f fieldDef) queryType() soql.Type { return f.values().query }

// querySchema lets the SOQL resolver see an org's schema.
type querySchema struct{ s *orgSchema }

func (q querySchema) Object(name string) (string, bool) {
	o, ok := q.s.object(name)
	if !ok {
		return "", false
	}
	return o.name, true
}

func (q querySchema) Field(object, name string) (soql.Field, bool) {
	o, ok := q.s.objects[strings.ToLower(object)]
	if !ok {
		return soql.Field{}, false
	}
	f, ok := o.field(name)
	if !ok {
		return soql.Field{}, false
	}
	return soql.Field{Name: f.name, Type: f.queryType(), Filterable: f.filterable(), Sortable: f.sortable()}, true
}

func (q querySchema) Relationship(object, name string) (soql.Relationship, bool) {
	o, ok := q.s.objects[strings.ToLower(object)]
	if !ok {
		return soql.Relationship{}, false
	}
	f, ok := o.relationship(name)
	if !ok {
		return soql.Relationship{}, false
	}
	target := "Name"
	if !f.polymorphic && len(f.referenceTo) == 1 {
		target = f.referenceTo[0]
	}
	return soql.Relationship{Name: f.relationshipName, Object: target}, true
}
