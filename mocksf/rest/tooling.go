package rest

import (
	"bytes"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// A minimal Tooling API (/services/data/vXX.X/tooling): the objects the
// Salesforce CLI and IDE tools query first, answering with what the org
// has, which is nothing for Apex and pages (mocksf runs no code) and the
// seed's custom objects and fields for CustomObject and CustomField.
// Other objects are INVALID_TYPE, as Salesforce answers an object it does
// not know.

// Key prefixes of the tooling objects (Salesforce's).
const (
	prefixCustomObject = "01I"
	prefixCustomField  = "00N"
)

// apexFields are the fields Apex classes, triggers, pages and components
// share.
func apexFields(label string) []fieldDef {
	return []fieldDef{
		idField(label + " ID"),
		text("NamespacePrefix", "Namespace Prefix", 15),
		{name: "Name", label: "Name", typ: "string", length: 255, nameField: true, required: true},
		{name: "ApiVersion", label: "Api Version", typ: "double", precision: 18, scale: 1},
		picklist("Status", "Status", "Inactive", "Active", "Deleted"),
		boolean("IsValid", "Is Valid"),
		integer("LengthWithoutComments", "Size Without Comments", 9),
		textArea("Body", "Body", 1000000),
	}
}

// visualforceFields are the fields of Visualforce pages and components,
// with the object's own before Markup.
func visualforceFields(label string, own ...fieldDef) []fieldDef {
	return concat([]fieldDef{
		idField(label + " ID"),
		text("NamespacePrefix", "Namespace Prefix", 15),
		{name: "Name", label: "Name", typ: "string", length: 80, nameField: true, required: true},
		text("MasterLabel", "Label", 80),
		{name: "ApiVersion", label: "Api Version", typ: "double", precision: 18, scale: 1},
	}, own, []fieldDef{textArea("Markup", "Markup", 1000000)})
}

// toolingList is the tooling objects mocksf serves.
var toolingList = readOnlyObjects([]*sobject{
	{name: "ApexClass", label: "Apex Class", labelPlural: "Apex Classes", keyPrefix: "01p",
		fields: concat(apexFields("Class"), systemFields())},
	{name: "ApexTrigger", label: "Apex Trigger", labelPlural: "Apex Triggers", keyPrefix: "01q",
		fields: concat(apexFields("Trigger"), []fieldDef{text("TableEnumOrId", "Custom Object Definition ID", 40)}, systemFields())},
	{name: "ApexPage", label: "Visualforce Page", labelPlural: "Visualforce Pages", keyPrefix: "066",
		fields: concat(visualforceFields("Page", textArea("Description", "Description", 255)), systemFields())},
	{name: "ApexComponent", label: "Visualforce Component", labelPlural: "Visualforce Components", keyPrefix: "099",
		fields: concat(visualforceFields("Component"), systemFields())},
	{name: "CustomObject", label: "Custom Object", labelPlural: "Custom Objects", keyPrefix: prefixCustomObject,
		fields: concat([]fieldDef{
			idField("Custom Object ID"),
			{name: "DeveloperName", label: "Object Name", typ: "string", length: 40, nameField: true, required: true},
			text("NamespacePrefix", "Namespace Prefix", 15),
			text("ExternalName", "External Name", 40),
			textArea("Description", "Description", 255),
			picklist("ManageableState", "Manageable State", "released", "deleted", "deprecated", "installed", "beta", "unmanaged"),
		}, systemFields())},
	{name: "CustomField", label: "Custom Field Definition", labelPlural: "Custom Field Definitions", keyPrefix: prefixCustomField,
		fields: concat([]fieldDef{
			idField("Custom Field Definition ID"),
			text("TableEnumOrId", "Table Enum or ID", 40),
			{name: "DeveloperName", label: "Field Name", typ: "string", length: 40, nameField: true, required: true},
			text("NamespacePrefix", "Namespace Prefix", 15),
			textArea("Description", "Description", 255),
			picklist("ManageableState", "Manageable State", "released", "deleted", "deprecated", "installed", "beta", "unmanaged"),
		}, systemFields())},
	{name: "SourceMember", label: "Source Member", labelPlural: "Source Members", keyPrefix: "0MZ",
		fields: concat([]fieldDef{
			idField("Source Member ID"),
			{name: "MemberName", label: "Member Name", typ: "string", length: 255, nameField: true},
			text("MemberType", "Member Type", 255),
			integer("RevisionCounter", "Revision Counter", 18),
			boolean("IsNameObsolete", "Name Obsolete"),
			{name: "ChangedBy", label: "Changed By", typ: "reference", length: 18},
		}, systemFields())},
	{name: "ApexLog", label: "Apex Debug Log", labelPlural: "Apex Debug Logs", keyPrefix: "07L",
		fields: concat([]fieldDef{
			idField("Apex Debug Log ID"),
			{name: "LogUserId", label: "User ID", typ: "reference", length: 18},
			text("Operation", "Operation", 128),
			text("Request", "Request Type", 16),
			text("Status", "Status", 255),
			integer("LogLength", "Size", 9),
			integer("DurationMilliseconds", "Duration (ms)", 9),
			{name: "StartTime", label: "Start Time", typ: "datetime"},
			text("Location", "Location", 40),
		}, systemFields())},
})

// toolingSchema is the Tooling API's schema: the tooling objects, with
// User for the audit fields' relationships.
var toolingSchema = func() *orgSchema {
	s := &orgSchema{objects: map[string]*sobject{}, byPrefix: map[string]*sobject{}}
	buildObjects(toolingList)
	for _, o := range toolingList {
		s.objects[strings.ToLower(o.name)] = o
		s.sorted = append(s.sorted, o)
		s.byPrefix[o.keyPrefix] = o
	}
	for _, o := range standardObjects {
		if o.name == "User" || o.name == "Name" {
			s.objects[strings.ToLower(o.name)] = o
			s.byPrefix[o.keyPrefix] = o
		}
	}
	sort.Slice(s.sorted, func(i, j int) bool { return s.sorted[i].name < s.sorted[j].name })
	return s
}()

// toolingRecords adds the org's custom objects and fields, as the
// Tooling API's CustomObject and CustomField list them, to its derived
// records.
func toolingRecords(out orgRecords, orgID string, cs *store.CustomSchema) {
	if cs == nil {
		return
	}
	objectID := map[string]string{}
	for i, co := range cs.Objects {
		id := orgObjectID(prefixCustomObject, orgID, i)
		objectID[co.Name] = id
		out["CustomObject"] = append(out["CustomObject"], &store.Record{ID: id, Object: "CustomObject", Fields: map[string]any{
			"DeveloperName": strings.TrimSuffix(co.Name, "__c"), "ManageableState": "unmanaged",
		}})
	}
	add := func(table string, fields []store.CustomField) {
		for _, f := range fields {
			out["CustomField"] = append(out["CustomField"], &store.Record{
				ID: orgObjectID(prefixCustomField, orgID, len(out["CustomField"])), Object: "CustomField",
				Fields: map[string]any{"TableEnumOrId": table, "DeveloperName": strings.TrimSuffix(f.Name, "__c"), "ManageableState": "unmanaged"},
			})
		}
	}
	objects := make([]string, 0, len(cs.Fields))
	for name := range cs.Fields {
		objects = append(objects, name)
	}
	sort.Strings(objects)
	for _, name := range objects {
		add(name, cs.Fields[name])
	}
	for _, co := range cs.Objects {
		add(objectID[co.Name], co.Fields)
	}
}

// toolingBase is where tooling records and objects live.
func toolingBase(r *http.Request) string { return versionBase(r) + "/tooling" }

// HandleToolingQuery answers GET /services/data/vXX.X/tooling/query?q=:
// {"size","totalSize","done":true,"queryLocator":null,"entityTypeName",
// "records"}. The org's tooling records are few, so every answer is one
// page.
func HandleToolingQuery(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		text, ok := queryText(w, r)
		if !ok {
			return
		}
		q, ok := compileQuery(w, text, toolingSchema)
		if !ok {
			return
		}
		o := toolingSchema.objects[strings.ToLower(q.Object)]
		if strings.EqualFold(r.URL.Query().Get("columns"), "true") {
			writeJSON(w, http.StatusOK, newQueryColumns(toolingSchema, o, q))
			return
		}
		rows := api.queryRows(r, at.OrgID, toolingSchema, o, q, false)
		size := strconv.Itoa(len(rows))
		var b bytes.Buffer
		b.WriteString(`{"size":` + size + `,"totalSize":` + size + `,"done":true,"queryLocator":null,"entityTypeName":`)
		appendString(&b, o.name)
		b.WriteString(`,"records":[`)
		if !q.Count {
			plan := newPlan(toolingSchema, o, q.Fields)
			for i, v := range rows {
				if i > 0 {
					b.WriteByte(',')
				}
				appendRecord(&b, toolingBase(r), v, plan)
			}
		}
		b.WriteString("]}")
		writeRaw(w, http.StatusOK, b.Bytes())
	})
}

// HandleToolingGlobalDescribe answers GET …/tooling/sobjects: the tooling
// objects, shaped as the REST global describe.
func HandleToolingGlobalDescribe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeGlobalDescribe(w, toolingBase(r), toolingSchema)
	})
}

// HandleToolingDescribe answers GET …/tooling/sobjects/{object}/describe;
// an object the Tooling API does not serve is 404 NOT_FOUND.
func HandleToolingDescribe() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, ok := toolingSchema.object(mux.Vars(r)["object"])
		if !ok || !o.derived {
			writeError(w, http.StatusNotFound, errNotFound)
			return
		}
		writeJSON(w, http.StatusOK, o.describe(toolingBase(r)))
	})
}
