package rest

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/mux"
)

// sobjectSummary is a global describe entry (docs §12.3). Fields are in
// alphabetical order, as Salesforce writes them.
type sobjectSummary struct {
	Activateable        bool              `json:"activateable"`
	Createable          bool              `json:"createable"`
	Custom              bool              `json:"custom"`
	CustomSetting       bool              `json:"customSetting"`
	DeepCloneable       bool              `json:"deepCloneable"`
	Deletable           bool              `json:"deletable"`
	DeprecatedAndHidden bool              `json:"deprecatedAndHidden"`
	FeedEnabled         bool              `json:"feedEnabled"`
	HasSubtypes         bool              `json:"hasSubtypes"`
	IDEnabled           bool              `json:"idEnabled"`
	IsInterface         bool              `json:"isInterface"`
	IsSubtype           bool              `json:"isSubtype"`
	KeyPrefix           string            `json:"keyPrefix"`
	Label               string            `json:"label"`
	LabelPlural         string            `json:"labelPlural"`
	Layoutable          bool              `json:"layoutable"`
	Mergeable           bool              `json:"mergeable"`
	MRUEnabled          bool              `json:"mruEnabled"`
	Name                string            `json:"name"`
	Queryable           bool              `json:"queryable"`
	Replicateable       bool              `json:"replicateable"`
	Retrieveable        bool              `json:"retrieveable"`
	Searchable          bool              `json:"searchable"`
	Triggerable         bool              `json:"triggerable"`
	Undeletable         bool              `json:"undeletable"`
	Updateable          bool              `json:"updateable"`
	URLs                map[string]string `json:"urls"`
}

// sobjectDescribe is the full describe of one object (docs §12.4): the
// global entry's attributes and the object's fields and relationships.
type sobjectDescribe struct {
	ActionOverrides     []any               `json:"actionOverrides"`
	Activateable        bool                `json:"activateable"`
	ChildRelationships  []childRelationInfo `json:"childRelationships"`
	CompactLayoutable   bool                `json:"compactLayoutable"`
	Createable          bool                `json:"createable"`
	Custom              bool                `json:"custom"`
	CustomSetting       bool                `json:"customSetting"`
	DeepCloneable       bool                `json:"deepCloneable"`
	Deletable           bool                `json:"deletable"`
	DeprecatedAndHidden bool                `json:"deprecatedAndHidden"`
	FeedEnabled         bool                `json:"feedEnabled"`
	Fields              []fieldInfo         `json:"fields"`
	HasSubtypes         bool                `json:"hasSubtypes"`
	IDEnabled           bool                `json:"idEnabled"`
	IsInterface         bool                `json:"isInterface"`
	IsSubtype           bool                `json:"isSubtype"`
	KeyPrefix           string              `json:"keyPrefix"`
	Label               string              `json:"label"`
	LabelPlural         string              `json:"labelPlural"`
	Layoutable          bool                `json:"layoutable"`
	Listviewable        *bool               `json:"listviewable"`
	LookupLayoutable    *bool               `json:"lookupLayoutable"`
	Mergeable           bool                `json:"mergeable"`
	MRUEnabled          bool                `json:"mruEnabled"`
	Name                string              `json:"name"`
	NamedLayoutInfos    []any               `json:"namedLayoutInfos"`
	NetworkScopeField   *string             `json:"networkScopeFieldName"`
	Queryable           bool                `json:"queryable"`
	RecordTypeInfos     []recordTypeInfo    `json:"recordTypeInfos"`
	Replicateable       bool                `json:"replicateable"`
	Retrieveable        bool                `json:"retrieveable"`
	SearchLayoutable    bool                `json:"searchLayoutable"`
	Searchable          bool                `json:"searchable"`
	SupportedScopes     []scopeInfo         `json:"supportedScopes"`
	Triggerable         bool                `json:"triggerable"`
	Undeletable         bool                `json:"undeletable"`
	Updateable          bool                `json:"updateable"`
	URLs                map[string]string   `json:"urls"`
}

type childRelationInfo struct {
	CascadeDelete       bool     `json:"cascadeDelete"`
	ChildSObject        string   `json:"childSObject"`
	DeprecatedAndHidden bool     `json:"deprecatedAndHidden"`
	Field               string   `json:"field"`
	JunctionIDListNames []string `json:"junctionIdListNames"`
	JunctionReferenceTo []string `json:"junctionReferenceTo"`
	RelationshipName    string   `json:"relationshipName"`
	RestrictedDelete    bool     `json:"restrictedDelete"`
}

type recordTypeInfo struct {
	Active                   bool              `json:"active"`
	Available                bool              `json:"available"`
	DefaultRecordTypeMapping bool              `json:"defaultRecordTypeMapping"`
	DeveloperName            string            `json:"developerName"`
	Master                   bool              `json:"master"`
	Name                     string            `json:"name"`
	RecordTypeID             string            `json:"recordTypeId"`
	URLs                     map[string]string `json:"urls"`
}

type scopeInfo struct {
	Label string `json:"label"`
	Name  string `json:"name"`
}

// fieldInfo is a describe fields[] entry with every attribute Salesforce
// sends, alphabetically.
type fieldInfo struct {
	Aggregatable                 bool            `json:"aggregatable"`
	AIPredictionField            bool            `json:"aiPredictionField"`
	AutoNumber                   bool            `json:"autoNumber"`
	ByteLength                   int             `json:"byteLength"`
	Calculated                   bool            `json:"calculated"`
	CalculatedFormula            *string         `json:"calculatedFormula"`
	CascadeDelete                bool            `json:"cascadeDelete"`
	CaseSensitive                bool            `json:"caseSensitive"`
	CompoundFieldName            *string         `json:"compoundFieldName"`
	ControllerName               *string         `json:"controllerName"`
	Createable                   bool            `json:"createable"`
	Custom                       bool            `json:"custom"`
	DefaultValue                 any             `json:"defaultValue"`
	DefaultValueFormula          *string         `json:"defaultValueFormula"`
	DefaultedOnCreate            bool            `json:"defaultedOnCreate"`
	DependentPicklist            bool            `json:"dependentPicklist"`
	DeprecatedAndHidden          bool            `json:"deprecatedAndHidden"`
	Digits                       int             `json:"digits"`
	DisplayLocationInDecimal     bool            `json:"displayLocationInDecimal"`
	Encrypted                    bool            `json:"encrypted"`
	ExternalID                   bool            `json:"externalId"`
	ExtraTypeInfo                *string         `json:"extraTypeInfo"`
	Filterable                   bool            `json:"filterable"`
	FilteredLookupInfo           any             `json:"filteredLookupInfo"`
	FormulaTreatNullNumberAsZero bool            `json:"formulaTreatNullNumberAsZero"`
	Groupable                    bool            `json:"groupable"`
	HighScaleNumber              bool            `json:"highScaleNumber"`
	HTMLFormatted                bool            `json:"htmlFormatted"`
	IDLookup                     bool            `json:"idLookup"`
	InlineHelpText               *string         `json:"inlineHelpText"`
	Label                        string          `json:"label"`
	Length                       int             `json:"length"`
	Mask                         *string         `json:"mask"`
	MaskType                     *string         `json:"maskType"`
	Name                         string          `json:"name"`
	NameField                    bool            `json:"nameField"`
	NamePointing                 bool            `json:"namePointing"`
	Nillable                     bool            `json:"nillable"`
	Permissionable               bool            `json:"permissionable"`
	PicklistValues               []picklistValue `json:"picklistValues"`
	PolymorphicForeignKey        bool            `json:"polymorphicForeignKey"`
	Precision                    int             `json:"precision"`
	QueryByDistance              bool            `json:"queryByDistance"`
	ReferenceTargetField         *string         `json:"referenceTargetField"`
	ReferenceTo                  []string        `json:"referenceTo"`
	RelationshipName             *string         `json:"relationshipName"`
	RelationshipOrder            *int            `json:"relationshipOrder"`
	RestrictedDelete             bool            `json:"restrictedDelete"`
	RestrictedPicklist           bool            `json:"restrictedPicklist"`
	Scale                        int             `json:"scale"`
	SoapType                     string          `json:"soapType"`
	Sortable                     bool            `json:"sortable"`
	Type                         string          `json:"type"`
	Unique                       bool            `json:"unique"`
	Updateable                   bool            `json:"updateable"`
	WriteRequiresMasterRead      bool            `json:"writeRequiresMasterRead"`
}

type picklistValue struct {
	Active       bool    `json:"active"`
	DefaultValue bool    `json:"defaultValue"`
	Label        string  `json:"label"`
	ValidFor     *string `json:"validFor"`
	Value        string  `json:"value"`
}

// masterRecordTypeID is the ID of every object's Master record type.
const masterRecordTypeID = "012000000000000AAA"

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (o *sobject) urls(base string) map[string]string {
	return map[string]string{
		"sobject":     base + "/sobjects/" + o.name,
		"describe":    base + "/sobjects/" + o.name + "/describe",
		"rowTemplate": base + "/sobjects/" + o.name + "/{ID}",
	}
}

// summary is the object's global describe entry; base is
// "/services/data/vXX.X".
func (o *sobject) summary(base string) sobjectSummary {
	// The org objects (orgobjects.go) are read-only, as describe says
	// of Organization in a real org.
	writable := !o.derived
	return sobjectSummary{
		Createable: writable, Custom: o.custom, Deletable: o.deletable, FeedEnabled: o.name != "User" && !o.custom && writable,
		IDEnabled: true, KeyPrefix: o.keyPrefix, Label: o.label, LabelPlural: o.labelPlural, Layoutable: writable,
		Mergeable: o.mergeable, MRUEnabled: writable, Name: o.name, Queryable: true, Replicateable: writable,
		Retrieveable: true, Searchable: writable, Triggerable: writable, Undeletable: o.deletable, Updateable: writable,
		URLs: o.urls(base),
	}
}

func (o *sobject) describe(base string) sobjectDescribe {
	s := o.summary(base)
	yes := true
	d := sobjectDescribe{
		ActionOverrides: []any{}, Activateable: s.Activateable, CompactLayoutable: true,
		Createable: s.Createable, Custom: s.Custom, Deletable: s.Deletable, FeedEnabled: s.FeedEnabled, IDEnabled: true,
		KeyPrefix: s.KeyPrefix, Label: s.Label, LabelPlural: s.LabelPlural, Layoutable: true,
		Listviewable: nil, LookupLayoutable: nil, Mergeable: s.Mergeable, MRUEnabled: true, Name: s.Name,
		NamedLayoutInfos: []any{}, Queryable: true, Replicateable: s.Replicateable, Retrieveable: true,
		SearchLayoutable: yes, Searchable: s.Searchable, Triggerable: s.Triggerable, Undeletable: s.Undeletable,
		Updateable: s.Updateable, URLs: s.URLs,
		ChildRelationships: []childRelationInfo{},
		RecordTypeInfos: []recordTypeInfo{{
			Active: true, Available: true, DefaultRecordTypeMapping: true, DeveloperName: "Master",
			Master: true, Name: "Master", RecordTypeID: masterRecordTypeID,
			URLs: map[string]string{"layout": base + "/sobjects/" + o.name + "/describe/layouts/" + masterRecordTypeID},
		}},
		SupportedScopes: []scopeInfo{
			{Label: "All " + lowerFirst(o.labelPlural), Name: "everything"},
			{Label: "My " + lowerFirst(o.labelPlural), Name: "mine"},
		},
	}
	for _, c := range o.children {
		d.ChildRelationships = append(d.ChildRelationships, childRelationInfo{
			CascadeDelete: c.cascadeDelete, ChildSObject: c.childSObject, Field: c.field,
			JunctionIDListNames: []string{}, JunctionReferenceTo: []string{}, RelationshipName: c.relationshipName,
		})
	}
	for _, f := range o.fields {
		d.Fields = append(d.Fields, f.info())
	}
	return d
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

func (f fieldDef) info() fieldInfo {
	var defaultValue any
	if f.typ == "boolean" {
		defaultValue = f.defaultTrue
	}
	picklist := []picklistValue{}
	for _, v := range f.picklist {
		picklist = append(picklist, picklistValue{Active: true, DefaultValue: v == f.defaultPick, Label: v, Value: v})
	}
	referenceTo := append([]string{}, f.referenceTo...)
	return fieldInfo{
		Aggregatable:      !f.longText(),
		ByteLength:        f.byteLength(),
		CaseSensitive:     f.caseSensitive,
		CompoundFieldName: optional(f.compoundFieldName),
		Createable:        f.createable(),
		Custom:            f.custom,
		DefaultValue:      defaultValue,
		DefaultedOnCreate: f.defaultedOnCreate(),
		Digits:            f.digits,
		ExternalID:        f.externalID,
		ExtraTypeInfo:     optional(f.extraTypeInfo),
		Filterable:        f.filterable(),
		Groupable:         f.groupable(),
		IDLookup:          f.idLookup,
		InlineHelpText:    optional(f.helpText),
		Label:             f.label,
		Length:            f.length,
		Name:              f.name,
		NameField:         f.nameField,
		NamePointing:      f.polymorphic,
		Nillable:          f.nillable(),
		// Field-level security applies to optional fields only.
		Permissionable:        f.nillable() && !f.system && f.typ != "id",
		PicklistValues:        picklist,
		PolymorphicForeignKey: f.polymorphic,
		Precision:             f.precision,
		ReferenceTo:           referenceTo,
		RelationshipName:      optional(f.relationshipName),
		RestrictedPicklist:    f.restricted,
		Scale:                 f.scale,
		SoapType:              f.soapType(),
		Sortable:              f.sortable(),
		Type:                  f.typ,
		Unique:                f.unique,
		Updateable:            f.updateable(),
	}
}

// describeJSON is the encoded describe of an object; the schema is fixed,
// so each is built once per schema and version.
func (s *orgSchema) describeJSON(version string, o *sobject) []byte {
	key := version + "/" + o.name
	if b, ok := s.describe.Load(key); ok {
		return b.([]byte)
	}
	b, err := marshal(o.describe("/services/data/" + version))
	if err != nil {
		panic("rest: describe " + o.name + ": " + err.Error()) // static data; cannot happen
	}
	s.describe.Store(key, b)
	return b
}

// HandleGlobalDescribe answers GET /services/data/vXX.X/sobjects: every
// object of the org with its global describe attributes.
func HandleGlobalDescribe(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := TokenFrom(r.Context())
		writeGlobalDescribe(w, versionBase(r), api.schemaOf(at.OrgID))
	})
}

// writeGlobalDescribe answers 200 with a schema's objects' global describe
// attributes, their URLs under base.
func writeGlobalDescribe(w http.ResponseWriter, base string, schema *orgSchema) {
	list := make([]sobjectSummary, 0, len(schema.sorted))
	for _, o := range schema.sorted {
		list = append(list, o.summary(base))
	}
	writeJSON(w, http.StatusOK, struct {
		Encoding     string           `json:"encoding"`
		MaxBatchSize int              `json:"maxBatchSize"`
		SObjects     []sobjectSummary `json:"sobjects"`
	}{"UTF-8", 200, list})
}

// HandleDescribe answers GET /services/data/vXX.X/sobjects/{object}/describe.
// An object the org does not have is 404 NOT_FOUND.
func HandleDescribe(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, schema, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		writeRaw(w, http.StatusOK, schema.describeJSON(mux.Vars(r)["version"], o))
	})
}

// HandleSObjectBasic answers GET /services/data/vXX.X/sobjects/{object}:
// the object's global describe entry and its recently viewed records,
// which mocksf approximates as /recent does (recent.go), up to 200.
func HandleSObjectBasic(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, schema, o, ok := api.routeObject(w, r)
		if !ok {
			return
		}
		base := versionBase(r)
		env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
		writeJSON(w, http.StatusOK, struct {
			ObjectDescribe sobjectSummary  `json:"objectDescribe"`
			RecentItems    json.RawMessage `json:"recentItems"`
		}{o.summary(base), recentJSON(base, recentItems(env, []*sobject{o}, at.UserID, maxRecent))})
	})
}
