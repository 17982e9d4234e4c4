package rest

import (
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
)

// The objects every org has that describe the org itself rather than its
// business data: Organization, Profile, PermissionSet, UserRole,
// RecordType and Group (salesforce-today.md §2: the Salesforce CLI queries
// Organization right after logging in). Their records are not stored:
// they are derived from the org and its users each time they are read,
// and they cannot be written through the API.

// Key prefixes of the org objects (Salesforce's).
const (
	prefixProfile       = store.ProfilePrefix
	prefixPermissionSet = "0PS"
	prefixUserRole      = "00E"
	prefixRecordType    = "012"
	prefixGroup         = "00G"
)

// DefaultInstanceName is Organization.InstanceName, the pod name
// Salesforce reports (NA1, CS42, USA1000S…); mocksf has no pods.
const DefaultInstanceName = "NA1"

// The profiles of every org: the two seeded users get (System
// Administrator for admins, Standard User for the others) and two more a
// new org has. The order fixes their IDs: store.AdminProfile and
// store.StandardProfile index the first two.
var orgProfiles = []struct {
	name, description string
	api, modifyAll    bool
}{
	{"System Administrator", "", true, true},
	{"Standard User", "", true, false},
	{"Read Only", "", true, false},
	{"Minimum Access - Salesforce", "", false, false},
}

var editions = []string{"Team Edition", "Professional Edition", "Enterprise Edition", "Developer Edition",
	"Personal Edition", "Unlimited Edition", "Contact Manager Edition", "Base Edition"}

var locales = []string{"en_US", "en_GB", "de_DE", "fr_FR", "ja_JP"}

var languages = store.Languages

var timeZones = []string{"America/Los_Angeles", "America/New_York", "Europe/London", "GMT"}

// orgObjectList are the org objects' schemas. Every field is read-only.
var orgObjectList = readOnlyObjects([]*sobject{
	{
		name: "Organization", label: "Organization", labelPlural: "Organizations",
		fields: concat([]fieldDef{
			idField("Organization ID"),
			{name: "Name", label: "Name", typ: "string", length: 80, nameField: true, required: true},
			text("Division", "Division", 80),
		}, address("", ""), []fieldDef{
			phone("Phone", "Phone"),
			phone("Fax", "Fax"),
			text("PrimaryContact", "Primary Contact", 80),
			picklist("DefaultLocaleSidKey", "Locale", locales...).withRequired(),
			picklist("LanguageLocaleKey", "Language", languages...).withRequired(),
			picklist("TimeZoneSidKey", "Time Zone", timeZones...).withRequired(),
			picklist("OrganizationType", "Edition", editions...),
			text("InstanceName", "Instance Name", 5),
			boolean("IsSandbox", "Is Sandbox"),
			text("NamespacePrefix", "Namespace Prefix", 15),
			{name: "TrialExpirationDate", label: "Trial Expiration Date", typ: "datetime"},
			integer("FiscalYearStartMonth", "Fiscal Year Starts In", 2),
			boolean("UsesStartDateAsFiscalYearName", "Fiscal Year Name by Start"),
			boolean("ReceivesInfoEmails", "Info Emails"),
			boolean("ReceivesAdminInfoEmails", "Info Emails Admin"),
			boolean("IsReadOnly", "Is Read Only"),
		}, systemFields()),
	},
	{
		name: "Profile", label: "Profile", labelPlural: "Profiles", keyPrefix: prefixProfile,
		fields: concat([]fieldDef{
			idField("Profile ID"),
			{name: "Name", label: "Name", typ: "string", length: 255, nameField: true, required: true},
			picklist("UserType", "User Type", "Standard", "PowerPartner", "CsnOnly", "Guest"),
			textArea("Description", "Description", 255),
			boolean("PermissionsApiEnabled", "API Enabled"),
			boolean("PermissionsModifyAllData", "Modify All Data"),
			boolean("PermissionsViewAllData", "View All Data"),
			boolean("PermissionsViewSetup", "View Setup and Configuration"),
		}, systemFields()),
	},
	{
		name: "PermissionSet", label: "Permission Set", labelPlural: "Permission Sets", keyPrefix: prefixPermissionSet,
		fields: concat([]fieldDef{
			idField("Permission Set ID"),
			{name: "Name", label: "Name", typ: "string", length: 80, required: true},
			{name: "Label", label: "Label", typ: "string", length: 80, nameField: true, required: true},
			textArea("Description", "Description", 255),
			boolean("IsOwnedByProfile", "Is Owned By Profile"),
			reference("ProfileId", "Profile ID", "Profile", "Profile"),
			picklist("Type", "Permission Set Type", "Regular", "Group", "Profile", "Session", "Standard"),
			text("NamespacePrefix", "Namespace Prefix", 15),
			boolean("PermissionsApiEnabled", "API Enabled"),
			boolean("PermissionsModifyAllData", "Modify All Data"),
			boolean("PermissionsViewAllData", "View All Data"),
		}, systemFields()),
	},
	{
		name: "UserRole", label: "Role", labelPlural: "Roles", keyPrefix: prefixUserRole,
		fields: concat([]fieldDef{
			idField("Role ID"),
			{name: "Name", label: "Name", typ: "string", length: 80, nameField: true, required: true},
			text("DeveloperName", "Developer Name", 80),
			reference("ParentRoleId", "Parent Role ID", "ParentRole", "UserRole"),
			text("RollupDescription", "Description", 80),
			picklist("PortalType", "Portal Type", "None", "CustomerPortal", "Partner"),
		}, systemFields()),
	},
	{
		name: "RecordType", label: "Record Type", labelPlural: "Record Types", keyPrefix: prefixRecordType,
		fields: concat([]fieldDef{
			idField("Record Type ID"),
			{name: "Name", label: "Record Type Name", typ: "string", length: 80, nameField: true, required: true},
			text("DeveloperName", "Record Type Name", 80),
			text("NamespacePrefix", "Namespace Prefix", 15),
			textArea("Description", "Description", 255),
			picklist("SobjectType", "SObject Type Name", "Account", "Campaign", "Contact", "Lead", "Opportunity", "Task"),
			boolean("IsActive", "Active"),
			boolean("IsPersonType", "Is Person Type"),
		}, systemFields()),
	},
	{
		name: "Group", label: "Group", labelPlural: "Groups", keyPrefix: prefixGroup,
		fields: concat([]fieldDef{
			idField("Group ID"),
			{name: "Name", label: "Name", typ: "string", length: 40, nameField: true, required: true},
			text("DeveloperName", "Developer Name", 80),
			{name: "RelatedId", label: "Related ID", typ: "reference", length: 18},
			picklist("Type", "Type", "Regular", "Role", "RoleAndSubordinates", "Organization", "Queue", "Manager"),
			email("Email", "Email"),
			boolean("DoesSendEmailToMembers", "Send Email to Members"),
			boolean("DoesIncludeBosses", "Include Bosses"),
		}, systemFields()),
	},
})

// readOnlyObjects marks objects and all their fields as derived from the
// org: describe reports them neither createable nor updateable.
func readOnlyObjects(list []*sobject) []*sobject {
	for _, o := range list {
		o.readOnly, o.derived = true, true
		for i := range o.fields {
			o.fields[i].readOnly = true
		}
	}
	return list
}

// orgRecords are the derived records of one org, by object name.
type orgRecords map[string][]*store.Record

// orgObjectRecords derives the org objects' records, and the tooling
// objects' (tooling.go). Every org has all of orgProfiles, whichever its
// users have.
func orgObjectRecords(org store.Org, cs *store.CustomSchema) orgRecords {
	out := orgRecords{}
	toolingRecords(out, org.ID, cs)
	out["Organization"] = []*store.Record{{ID: org.ID, Object: "Organization", Fields: map[string]any{
		"Name":                          org.Name,
		"DefaultLocaleSidKey":           "en_US",
		"LanguageLocaleKey":             "en_US",
		"TimeZoneSidKey":                "America/Los_Angeles",
		"OrganizationType":              organizationType(org.Edition),
		"InstanceName":                  DefaultInstanceName,
		"IsSandbox":                     false,
		"NamespacePrefix":               nil,
		"TrialExpirationDate":           nil,
		"FiscalYearStartMonth":          1.0,
		"UsesStartDateAsFiscalYearName": false,
		"ReceivesInfoEmails":            true,
		"ReceivesAdminInfoEmails":       true,
		"IsReadOnly":                    false,
	}}}
	for i, p := range orgProfiles {
		pid := profileID(org.ID, i)
		out["Profile"] = append(out["Profile"], &store.Record{ID: pid, Object: "Profile", Fields: map[string]any{
			"Name": p.name, "UserType": "Standard", "Description": nonEmpty(p.description),
			"PermissionsApiEnabled": p.api, "PermissionsModifyAllData": p.modifyAll,
			"PermissionsViewAllData": p.modifyAll, "PermissionsViewSetup": p.modifyAll,
		}})
		// Each profile owns a permission set holding its permissions,
		// named X plus the profile's ID as Salesforce names them.
		out["PermissionSet"] = append(out["PermissionSet"], &store.Record{ID: orgObjectID(prefixPermissionSet, org.ID, i),
			Object: "PermissionSet", Fields: map[string]any{
				"Name": "X" + pid, "Label": pid, "IsOwnedByProfile": true, "ProfileId": pid, "Type": "Profile",
				"PermissionsApiEnabled": p.api, "PermissionsModifyAllData": p.modifyAll, "PermissionsViewAllData": p.modifyAll,
			}})
	}
	out["Group"] = []*store.Record{{ID: orgObjectID(prefixGroup, org.ID, 0), Object: "Group", Fields: map[string]any{
		"Name": "All Internal Users", "DeveloperName": "AllInternalUsers", "Type": "Organization",
		"RelatedId": org.ID, "DoesSendEmailToMembers": false, "DoesIncludeBosses": false,
	}}}
	return out
}

// organizationType is Organization.OrganizationType for a seed's edition:
// "Enterprise" reads "Enterprise Edition".
func organizationType(edition string) string {
	if edition == "" {
		edition = "Enterprise"
	}
	if !strings.HasSuffix(edition, " Edition") {
		edition += " Edition"
	}
	return edition
}

// profileID is the ID of an org's i-th profile of orgProfiles.
func profileID(orgID string, i int) string { return orgObjectID(prefixProfile, orgID, i) }

// orgObjectID is the stable ID of an org's i-th derived record with the
// given key prefix (store.DerivedID, which SOAP's userInfo uses too).
func orgObjectID(prefix, orgID string, i int) string { return store.DerivedID(prefix, orgID, i) }

// orgRecords returns the org's derived records of an object, built once
// per request.
func (env *rowEnv) orgRecords(o *sobject) []*store.Record {
	if env.derived == nil {
		org, err := env.st.Org(env.orgID)
		if err != nil {
			return nil
		}
		env.derived = orgObjectRecords(org, env.st.CustomSchema(env.orgID))
	}
	return env.derived[o.name]
}

// findDerived returns the org's derived record of an object by ID.
func (env *rowEnv) findDerived(o *sobject, id string) *store.Record {
	for _, r := range env.orgRecords(o) {
		if r.ID == id {
			return r
		}
	}
	return nil
}
