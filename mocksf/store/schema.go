package store

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// StandardObjects are the standard objects whose records mocksf serves;
// custom fields may be added to them and lookups may point at them.
var StandardObjects = []string{"Account", "Campaign", "CampaignMember", "Contact", "Lead", "Opportunity", "Task", "User"}

// CustomFieldTypes are the field types a custom field may have, named as
// describe names them (reference §12.4).
var CustomFieldTypes = []string{
	"string", "textarea", "email", "phone", "url", "boolean", "double", "int", "currency",
	"percent", "date", "datetime", "picklist", "multipicklist", "reference",
}

// CustomObject is a custom object of an org (an object whose API name ends
// in __c), declared in the seed. Besides its own fields it has the fields
// every custom object has: Id, OwnerId, IsDeleted, Name and the audit
// fields.
type CustomObject struct {
	Name        string // API name, such as Invoice__c
	Label       string
	LabelPlural string
	// KeyPrefix is the ID prefix of its records: a00, a01, ... in the
	// order the org's custom objects were declared.
	KeyPrefix string
	Fields    []CustomField
}

// CustomField is a custom field (API name ending in __c) of a standard or
// custom object, declared in the seed.
type CustomField struct {
	Name  string // API name, such as External_Id__c
	Label string
	// Type is one of CustomFieldTypes.
	Type string
	// Length is the maximum length of text types (string, textarea,
	// email, phone, url, picklist, multipicklist).
	Length int
	// Precision and Scale are the digits of double, currency and percent
	// fields; Precision is the digits of int fields.
	Precision int
	Scale     int
	// Required fields are not nillable: creating a record without one
	// fails with REQUIRED_FIELD_MISSING.
	Required bool
	// Unique values may appear on one record only (DUPLICATE_VALUE).
	Unique bool
	// ExternalID fields can be used to upsert and read records by value.
	ExternalID bool
	// CaseSensitive makes Unique compare with case.
	CaseSensitive bool
	// Values are the picklist values; Restricted refuses others.
	Values     []string
	Restricted bool
	// DefaultValue is the picklist value set on create when none is
	// given, or "true" for a boolean that defaults to checked.
	DefaultValue string
	// ReferenceTo is the object a lookup (reference) points at and
	// RelationshipName the relationship SOQL follows (Account__r).
	ReferenceTo      string
	RelationshipName string
	// HelpText is the inline help text describe reports.
	HelpText string
}

// CustomObjectSpec declares a custom object in a seed.
type CustomObjectSpec struct {
	Name        string            `yaml:"name" json:"name"`
	Label       string            `yaml:"label" json:"label"`
	LabelPlural string            `yaml:"labelPlural" json:"labelPlural"`
	Fields      []CustomFieldSpec `yaml:"fields" json:"fields"`
}

// CustomFieldSpec declares a custom field in a seed. Absent attributes
// take the defaults of Setup: string 255 characters, textarea 255
// (longer is a long text area), numbers 18 digits, currency with 2
// decimals, picklists unrestricted.
type CustomFieldSpec struct {
	Name          string   `yaml:"name" json:"name"`
	Label         string   `yaml:"label" json:"label"`
	Type          string   `yaml:"type" json:"type"`
	Length        int      `yaml:"length" json:"length"`
	Precision     int      `yaml:"precision" json:"precision"`
	Scale         *int     `yaml:"scale" json:"scale"`
	Required      bool     `yaml:"required" json:"required"`
	Unique        bool     `yaml:"unique" json:"unique"`
	ExternalID    bool     `yaml:"externalId" json:"externalId"`
	CaseSensitive bool     `yaml:"caseSensitive" json:"caseSensitive"`
	Values        []string `yaml:"values" json:"values"`
	Restricted    bool     `yaml:"restricted" json:"restricted"`
	DefaultValue  string   `yaml:"defaultValue" json:"defaultValue"`
	ReferenceTo   string   `yaml:"referenceTo" json:"referenceTo"`
	Relationship  string   `yaml:"relationshipName" json:"relationshipName"`
	HelpText      string   `yaml:"helpText" json:"helpText"`
}

// CustomSchema is what an org adds to the standard objects. It never
// changes once the org exists, so callers may keep it and cache what they
// derive from it by its address.
type CustomSchema struct {
	// Objects are the custom objects, in declaration order.
	Objects []CustomObject
	// Fields are the custom fields of standard objects, by object name.
	Fields map[string][]CustomField
}

// customName is the shape of a custom object or field API name: a letter,
// then letters, digits and single underscores, then __c.
var customName = regexp.MustCompile(`^[A-Za-z](?:[A-Za-z0-9]|_[A-Za-z0-9])*__c$`)

// validateCustom checks an org's custom objects and fields; where names
// the org in messages, such as orgs[0].
func validateCustom(where string, objects []CustomObjectSpec, fields map[string][]CustomFieldSpec) []error {
	var errs []error
	known := map[string]bool{}
	for _, name := range StandardObjects {
		known[strings.ToLower(name)] = true
	}
	for i, o := range objects {
		at := fmt.Sprintf("%s.customObjects[%d]", where, i)
		switch {
		case !customName.MatchString(o.Name) || len(o.Name) > 43:
			errs = append(errs, fmt.Errorf("%s.name %q: want an API name ending in __c (letters, digits, single underscores, at most 40 characters before __c)", at, o.Name))
		case known[strings.ToLower(o.Name)]:
			errs = append(errs, fmt.Errorf("%s.name %q is declared twice", at, o.Name))
		}
		known[strings.ToLower(o.Name)] = true
	}
	for i, o := range objects {
		errs = append(errs, validateFields(fmt.Sprintf("%s.customObjects[%d].fields", where, i), o.Fields, known)...)
	}
	objectNames := make([]string, 0, len(fields))
	for name := range fields {
		objectNames = append(objectNames, name)
	}
	slices.Sort(objectNames)
	for _, name := range objectNames {
		at := fmt.Sprintf("%s.customFields.%s", where, name)
		if !known[strings.ToLower(name)] {
			errs = append(errs, fmt.Errorf("%s: %q is neither a standard object mocksf serves (%s) nor a custom object of the org", at, name, strings.Join(StandardObjects, ", ")))
			continue
		}
		errs = append(errs, validateFields(at, fields[name], known)...)
	}
	return errs
}

func validateFields(at string, fields []CustomFieldSpec, objects map[string]bool) []error {
	var errs []error
	seen := map[string]bool{}
	for j, f := range fields {
		fa := fmt.Sprintf("%s[%d]", at, j)
		if !customName.MatchString(f.Name) || len(f.Name) > 43 {
			errs = append(errs, fmt.Errorf("%s.name %q: want an API name ending in __c (letters, digits, single underscores, at most 40 characters before __c)", fa, f.Name))
		} else if seen[strings.ToLower(f.Name)] {
			errs = append(errs, fmt.Errorf("%s.name %q is declared twice on the object", fa, f.Name))
		}
		seen[strings.ToLower(f.Name)] = true
		if !slices.Contains(CustomFieldTypes, f.Type) {
			errs = append(errs, fmt.Errorf("%s.type %q: want one of %s", fa, f.Type, strings.Join(CustomFieldTypes, ", ")))
			continue
		}
		cf := f.field()
		switch f.Type {
		case "string", "email", "phone", "url":
			if cf.Length < 1 || cf.Length > 255 {
				errs = append(errs, fmt.Errorf("%s.length %d: want 1 to 255 for type %s", fa, f.Length, f.Type))
			}
		case "textarea":
			if cf.Length < 1 || cf.Length > 131072 {
				errs = append(errs, fmt.Errorf("%s.length %d: want 1 to 131072 for type textarea", fa, f.Length))
			}
		case "double", "currency", "percent", "int":
			if cf.Precision < 1 || cf.Precision > 18 || cf.Scale < 0 || cf.Scale > cf.Precision {
				errs = append(errs, fmt.Errorf("%s.precision %d, scale %d: want 1 to 18 digits, of which 0 to precision decimals", fa, cf.Precision, cf.Scale))
			}
		case "picklist", "multipicklist":
			if len(f.Values) == 0 {
				errs = append(errs, fmt.Errorf("%s.values: a %s needs at least one value", fa, f.Type))
			}
			if f.DefaultValue != "" && !slices.Contains(f.Values, f.DefaultValue) {
				errs = append(errs, fmt.Errorf("%s.defaultValue %q is not one of its values", fa, f.DefaultValue))
			}
		case "reference":
			if !objects[strings.ToLower(f.ReferenceTo)] {
				errs = append(errs, fmt.Errorf("%s.referenceTo %q: want a standard object mocksf serves or a custom object of the org", fa, f.ReferenceTo))
			}
		}
		if f.Type == "boolean" && f.Required {
			errs = append(errs, fmt.Errorf("%s.required: a boolean field always has a value and cannot be required", fa))
		}
		if f.ExternalID && !slices.Contains([]string{"string", "email", "double", "int"}, f.Type) {
			errs = append(errs, fmt.Errorf("%s.externalId: only string, email, double and int fields can be external IDs", fa))
		}
	}
	return errs
}

// label turns an API name into a label: Invoice_Line__c → Invoice Line.
func label(apiName string) string {
	return strings.ReplaceAll(strings.TrimSuffix(apiName, "__c"), "_", " ")
}

// field applies the defaults to a field spec.
func (f CustomFieldSpec) field() CustomField {
	cf := CustomField{
		Name: f.Name, Label: f.Label, Type: f.Type, Length: f.Length, Precision: f.Precision,
		Required: f.Required, Unique: f.Unique, ExternalID: f.ExternalID,
		CaseSensitive: f.CaseSensitive, Values: append([]string(nil), f.Values...), Restricted: f.Restricted,
		DefaultValue: f.DefaultValue, ReferenceTo: f.ReferenceTo, RelationshipName: f.Relationship,
		HelpText: f.HelpText,
	}
	if cf.Label == "" {
		cf.Label = label(f.Name)
	}
	if f.Scale != nil {
		cf.Scale = *f.Scale
	}
	switch f.Type {
	case "string", "textarea", "url":
		if cf.Length == 0 {
			cf.Length = 255
		}
	case "email":
		cf.Length = 80
	case "phone":
		cf.Length = 40
	case "picklist":
		cf.Length = 255
	case "multipicklist":
		cf.Length = 4099
	case "double", "percent":
		if cf.Precision == 0 {
			cf.Precision = 18
		}
	case "int":
		if cf.Precision == 0 {
			cf.Precision = 9
		}
		cf.Scale = 0
	case "currency":
		if cf.Precision == 0 {
			cf.Precision = 18
		}
		if f.Scale == nil {
			cf.Scale = 2
		}
	case "reference":
		if cf.RelationshipName == "" {
			cf.RelationshipName = strings.TrimSuffix(f.Name, "__c") + "__r"
		}
		if !strings.HasSuffix(cf.RelationshipName, "__r") {
			cf.RelationshipName += "__r"
		}
		// The referenced object's name as the schema spells it.
		for _, name := range StandardObjects {
			if strings.EqualFold(name, f.ReferenceTo) {
				cf.ReferenceTo = name
			}
		}
	}
	return cf
}

// customKeyPrefix is the key prefix of an org's n-th custom object.
func customKeyPrefix(n int) string {
	const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	return "a" + string(base62[n/62%62]) + string(base62[n%62])
}

// buildCustomSchema turns an org's validated specs into its CustomSchema,
// nil when it declares nothing.
func buildCustomSchema(objects []CustomObjectSpec, fields map[string][]CustomFieldSpec) *CustomSchema {
	if len(objects) == 0 && len(fields) == 0 {
		return nil
	}
	cs := &CustomSchema{Fields: map[string][]CustomField{}}
	for i, o := range objects {
		co := CustomObject{Name: o.Name, Label: o.Label, LabelPlural: o.LabelPlural, KeyPrefix: customKeyPrefix(i)}
		if co.Label == "" {
			co.Label = label(o.Name)
		}
		if co.LabelPlural == "" {
			co.LabelPlural = co.Label + "s"
		}
		for _, f := range o.Fields {
			co.Fields = append(co.Fields, f.field())
		}
		cs.Objects = append(cs.Objects, co)
	}
	for name, list := range fields {
		for _, std := range StandardObjects {
			if strings.EqualFold(std, name) {
				name = std
			}
		}
		for _, o := range cs.Objects {
			if strings.EqualFold(o.Name, name) {
				name = o.Name
			}
		}
		for _, f := range list {
			cs.Fields[name] = append(cs.Fields[name], f.field())
		}
	}
	// A lookup to a custom object names it as declared.
	fix := func(f *CustomField) {
		for _, o := range cs.Objects {
			if f.Type == "reference" && strings.EqualFold(o.Name, f.ReferenceTo) {
				f.ReferenceTo = o.Name
			}
		}
	}
	for i := range cs.Objects {
		for j := range cs.Objects[i].Fields {
			fix(&cs.Objects[i].Fields[j])
		}
	}
	for _, list := range cs.Fields {
		for j := range list {
			fix(&list[j])
		}
	}
	return cs
}

// CustomSchema returns what the org adds to the standard objects, nil when
// nothing. The value is shared and must not be modified.
func (s *Store) CustomSchema(orgID string) *CustomSchema {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.orgLocked(sfid.To18(orgID)).custom
}

// ObjectOfID returns the object an ID of the org names by its key
// prefix: a standard object or one of the org's custom objects.
func (s *Store) ObjectOfID(orgID, id string) (string, bool) {
	if len(id) < 3 {
		return "", false
	}
	prefix := id[:3]
	if cs := s.CustomSchema(orgID); cs != nil {
		for _, o := range cs.Objects {
			if o.KeyPrefix == prefix {
				return o.Name, true
			}
		}
	}
	for _, name := range StandardObjects {
		if sfid.KeyPrefixes[name] == prefix {
			return name, true
		}
	}
	return "", false
}

// recordIDLocked returns a fresh ID for a record of the object in the
// org: custom objects the org declared get their own key prefix. s.mu
// must be held.
func (s *Store) recordIDLocked(orgID, object string) string {
	if cs := s.orgLocked(orgID).custom; cs != nil {
		for _, o := range cs.Objects {
			if o.Name == object {
				s.serial++
				return sfid.New(o.KeyPrefix, s.serial)
			}
		}
	}
	return s.nextID(object)
}
