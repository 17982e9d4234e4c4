package rest_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestVersions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, path := range []string{"/services/data", "/services/data/"} {
		rec := f.get(t, path, "") // no session needed
		wantStatus(t, rec, 200)
		type version struct{ Label, URL, Version string }
		list := decode[[]version](t, rec)
		if len(list) != 48 {
			t.Fatalf("%s lists %d versions; want 48 (20.0 to 67.0)", path, len(list))
		}
		checks := map[int]version{
			0:  {"Winter '11", "/services/data/v20.0", "20.0"},
			1:  {"Spring '11", "/services/data/v21.0", "21.0"},
			22: {"Spring ’18", "/services/data/v42.0", "42.0"},
			45: {"Winter '26", "/services/data/v65.0", "65.0"},
			46: {"Spring '26", "/services/data/v66.0", "66.0"},
			47: {"Summer '26", "/services/data/v67.0", "67.0"},
		}
		for i, want := range checks {
			if list[i] != want {
				t.Errorf("%s [%d] = %+v; want %+v", path, i, list[i], want)
			}
		}
	}
	rec := f.get(t, "/services/data", "")
	if !strings.HasPrefix(rec.Body.String(), `[{"label":"Winter '11","url":"/services/data/v20.0","version":"20.0"},`) {
		t.Errorf("body starts %.80s; want label, url, version in that order", rec.Body.String())
	}
}

func TestResources(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.get(t, "/services/data/v66.0/", f.token(t, "Acme", 0))
	got := decodeStatus[map[string]string](t, rec, 200)
	org, user := f.orgs["Acme"].Org.ID, f.orgs["Acme"].Users[0].ID
	want := map[string]string{
		"sobjects":            "/services/data/v66.0/sobjects",
		"query":               "/services/data/v66.0/query",
		"queryAll":            "/services/data/v66.0/queryAll",
		"limits":              "/services/data/v66.0/limits",
		"search":              "/services/data/v66.0/search",
		"parameterizedSearch": "/services/data/v66.0/parameterizedSearch",
		"composite":           "/services/data/v66.0/composite",
		"jobs":                "/services/data/v66.0/jobs",
		"tooling":             "/services/data/v66.0/tooling",
		"recent":              "/services/data/v66.0/recent",
		"identity":            "http://127.0.0.1:8080/id/" + org + "/" + user,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resources = %v; want %v", got, want)
	}
}

// globalKeys are the attributes of a global describe entry (docs §12.3).
var globalKeys = strings.Fields(`activateable createable custom customSetting deepCloneable deletable
	deprecatedAndHidden feedEnabled hasSubtypes idEnabled isInterface isSubtype keyPrefix label labelPlural
	layoutable mergeable mruEnabled name queryable replicateable retrieveable searchable triggerable
	undeletable updateable urls`)

// fieldKeys are the attributes of a describe fields[] entry (docs §12.4).
var fieldKeys = strings.Fields(`aggregatable aiPredictionField autoNumber byteLength calculated
	calculatedFormula cascadeDelete caseSensitive compoundFieldName controllerName createable custom
	defaultValue defaultValueFormula defaultedOnCreate dependentPicklist deprecatedAndHidden digits
	displayLocationInDecimal encrypted externalId extraTypeInfo filterable filteredLookupInfo
	formulaTreatNullNumberAsZero groupable highScaleNumber htmlFormatted idLookup inlineHelpText label
	length mask maskType name nameField namePointing nillable permissionable picklistValues
	polymorphicForeignKey precision queryByDistance referenceTargetField referenceTo relationshipName
	relationshipOrder restrictedDelete restrictedPicklist scale soapType sortable type unique updateable
	writeRequiresMasterRead`)

// describeKeys are the top-level attributes of a full describe (docs §12.4).
var describeKeys = append(strings.Fields(`actionOverrides childRelationships compactLayoutable fields
	listviewable lookupLayoutable namedLayoutInfos networkScopeFieldName recordTypeInfos searchLayoutable
	supportedScopes`), globalKeys...)

func keysOf(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func TestGlobalDescribe(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.get(t, "/services/data/v67.0/sobjects", f.token(t, "Acme", 0))
	wantStatus(t, rec, 200)
	var got struct {
		Encoding     string                       `json:"encoding"`
		MaxBatchSize int                          `json:"maxBatchSize"`
		SObjects     []map[string]json.RawMessage `json:"sobjects"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Encoding != "UTF-8" || got.MaxBatchSize != 200 {
		t.Errorf("encoding, maxBatchSize = %q, %d; want UTF-8, 200", got.Encoding, got.MaxBatchSize)
	}
	prefixes := map[string]string{}
	for _, o := range got.SObjects {
		if keys := keysOf(o); !reflect.DeepEqual(keys, sorted(globalKeys)) {
			t.Errorf("entry %s has keys %v; want %v", o["name"], keys, sorted(globalKeys))
		}
		var name, prefix string
		_ = json.Unmarshal(o["name"], &name)
		_ = json.Unmarshal(o["keyPrefix"], &prefix)
		prefixes[name] = prefix
	}
	want := map[string]string{"Account": "001", "Campaign": "701", "CampaignMember": "00v", "Contact": "003",
		"Lead": "00Q", "Opportunity": "006", "Task": "00T", "User": "005",
		"Group": "00G", "Organization": "00D", "PermissionSet": "0PS", "Profile": "00e", "RecordType": "012", "UserRole": "00E"}
	if !reflect.DeepEqual(prefixes, want) {
		t.Errorf("objects and key prefixes = %v; want %v", prefixes, want)
	}
	lead := got.SObjects[5] // Account, Campaign, CampaignMember, Contact, Group, Lead
	var urls map[string]string
	_ = json.Unmarshal(lead["urls"], &urls)
	wantURLs := map[string]string{
		"sobject":     "/services/data/v67.0/sobjects/Lead",
		"describe":    "/services/data/v67.0/sobjects/Lead/describe",
		"rowTemplate": "/services/data/v67.0/sobjects/Lead/{ID}",
	}
	if !reflect.DeepEqual(urls, wantURLs) {
		t.Errorf("Lead urls = %v; want %v", urls, wantURLs)
	}
	for k, want := range map[string]string{"label": `"Lead"`, "labelPlural": `"Leads"`, "queryable": "true", "custom": "false"} {
		if string(lead[k]) != want {
			t.Errorf("Lead %s = %s; want %s", k, lead[k], want)
		}
	}
}

// describedField is a describe fields[] entry, for checks.
type describedField struct {
	Name              string   `json:"name"`
	Type              string   `json:"type"`
	Length            int      `json:"length"`
	ByteLength        int      `json:"byteLength"`
	Nillable          bool     `json:"nillable"`
	Createable        bool     `json:"createable"`
	Updateable        bool     `json:"updateable"`
	Filterable        bool     `json:"filterable"`
	Sortable          bool     `json:"sortable"`
	SoapType          string   `json:"soapType"`
	Precision         int      `json:"precision"`
	Scale             int      `json:"scale"`
	Digits            int      `json:"digits"`
	CompoundFieldName *string  `json:"compoundFieldName"`
	ExtraTypeInfo     *string  `json:"extraTypeInfo"`
	DefaultValue      any      `json:"defaultValue"`
	DefaultedOnCreate bool     `json:"defaultedOnCreate"`
	NameField         bool     `json:"nameField"`
	ReferenceTo       []string `json:"referenceTo"`
	RelationshipName  *string  `json:"relationshipName"`
	PicklistValues    []struct {
		Active       bool    `json:"active"`
		DefaultValue bool    `json:"defaultValue"`
		Label        string  `json:"label"`
		ValidFor     *string `json:"validFor"`
		Value        string  `json:"value"`
	} `json:"picklistValues"`
}

func TestDescribeLead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	rec := f.get(t, "/services/data/v67.0/sobjects/Lead/describe", token)
	wantStatus(t, rec, 200)
	checkGolden(t, "describe_lead.json", rec.Body.Bytes())

	var top map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	if keys := keysOf(top); !reflect.DeepEqual(keys, sorted(describeKeys)) {
		t.Errorf("describe keys = %v; want %v", keys, sorted(describeKeys))
	}
	var raw []map[string]json.RawMessage
	_ = json.Unmarshal(top["fields"], &raw)
	for _, fld := range raw {
		if keys := keysOf(fld); !reflect.DeepEqual(keys, sorted(fieldKeys)) {
			t.Errorf("field %s has keys %v; want %v", fld["name"], keys, sorted(fieldKeys))
		}
	}
	var fields []describedField
	_ = json.Unmarshal(top["fields"], &fields)
	byName := map[string]describedField{}
	for _, fld := range fields {
		byName[fld.Name] = fld
	}
	for _, name := range strings.Fields(`Id IsDeleted FirstName LastName Salutation Company Email Phone Status
		Industry City State PostalCode Country Street Description AnnualRevenue IsConverted DoNotCall
		CreatedDate CreatedById LastModifiedDate LastModifiedById SystemModstamp`) {
		if _, ok := byName[name]; !ok {
			t.Errorf("Lead describe lacks %s", name)
		}
	}
	type want struct {
		typ                                          string
		length, byteLength                           int
		nillable, createable, updateable, filterable bool
		soapType                                     string
	}
	checks := map[string]want{
		"Id":                 {"id", 18, 18, false, false, false, true, "tns:ID"},
		"IsDeleted":          {"boolean", 0, 0, false, false, false, true, "xsd:boolean"},
		"LastName":           {"string", 80, 240, false, true, true, true, "xsd:string"},
		"FirstName":          {"string", 40, 120, true, true, true, true, "xsd:string"},
		"Salutation":         {"picklist", 40, 120, true, true, true, true, "xsd:string"},
		"Company":            {"string", 255, 765, false, true, true, true, "xsd:string"},
		"Email":              {"email", 80, 240, true, true, true, true, "xsd:string"},
		"Phone":              {"phone", 40, 120, true, true, true, true, "xsd:string"},
		"Street":             {"textarea", 255, 765, true, true, true, true, "xsd:string"},
		"City":               {"string", 40, 120, true, true, true, true, "xsd:string"},
		"State":              {"string", 80, 240, true, true, true, true, "xsd:string"},
		"PostalCode":         {"string", 20, 60, true, true, true, true, "xsd:string"},
		"Country":            {"string", 80, 240, true, true, true, true, "xsd:string"},
		"Description":        {"textarea", 32000, 96000, true, true, true, false, "xsd:string"},
		"AnnualRevenue":      {"currency", 0, 0, true, true, true, true, "xsd:double"},
		"NumberOfEmployees":  {"int", 0, 0, true, true, true, true, "xsd:int"},
		"IsConverted":        {"boolean", 0, 0, false, true, false, true, "xsd:boolean"},
		"ConvertedDate":      {"date", 0, 0, true, false, false, true, "xsd:date"},
		"ConvertedAccountId": {"reference", 18, 18, true, false, false, true, "tns:ID"},
		"DoNotCall":          {"boolean", 0, 0, false, true, true, true, "xsd:boolean"},
		"Status":             {"picklist", 40, 120, false, true, true, true, "xsd:string"},
		"Industry":           {"picklist", 40, 120, true, true, true, true, "xsd:string"},
		"Name":               {"string", 121, 363, false, false, false, true, "xsd:string"},
		"OwnerId":            {"reference", 18, 18, true, true, true, true, "tns:ID"},
		"CreatedDate":        {"datetime", 0, 0, false, false, false, true, "xsd:dateTime"},
		"CreatedById":        {"reference", 18, 18, false, false, false, true, "tns:ID"},
		"SystemModstamp":     {"datetime", 0, 0, false, false, false, true, "xsd:dateTime"},
	}
	for name, w := range checks {
		g := byName[name]
		got := want{g.Type, g.Length, g.ByteLength, g.Nillable, g.Createable, g.Updateable, g.Filterable, g.SoapType}
		if got != w {
			t.Errorf("%s = %+v; want %+v", name, got, w)
		}
	}
	sal := byName["Salutation"]
	if sal.CompoundFieldName == nil || *sal.CompoundFieldName != "Name" || sal.ExtraTypeInfo == nil || *sal.ExtraTypeInfo != "personname" {
		t.Errorf("Salutation compoundFieldName, extraTypeInfo = %v, %v; want Name, personname", sal.CompoundFieldName, sal.ExtraTypeInfo)
	}
	if len(sal.PicklistValues) == 0 || sal.PicklistValues[0].Value != "Mr." || !sal.PicklistValues[0].Active ||
		sal.PicklistValues[0].Label != "Mr." || sal.PicklistValues[0].ValidFor != nil {
		t.Errorf("Salutation picklist = %+v; want Mr. first, active, validFor null", sal.PicklistValues)
	}
	var defaults []string
	for _, p := range byName["Status"].PicklistValues {
		if p.DefaultValue {
			defaults = append(defaults, p.Value)
		}
	}
	if !reflect.DeepEqual(defaults, []string{"Open - Not Contacted"}) || !byName["Status"].DefaultedOnCreate {
		t.Errorf("Status defaults = %q, defaultedOnCreate %v; want [Open - Not Contacted], true", defaults, byName["Status"].DefaultedOnCreate)
	}
	if rev := byName["AnnualRevenue"]; rev.Precision != 18 || rev.Scale != 0 {
		t.Errorf("AnnualRevenue precision, scale = %d, %d; want 18, 0", rev.Precision, rev.Scale)
	}
	if emp := byName["NumberOfEmployees"]; emp.Digits != 8 {
		t.Errorf("NumberOfEmployees digits = %d; want 8", emp.Digits)
	}
	if dnc := byName["DoNotCall"]; dnc.DefaultValue != false || !dnc.DefaultedOnCreate {
		t.Errorf("DoNotCall defaultValue, defaultedOnCreate = %v, %v; want false, true", dnc.DefaultValue, dnc.DefaultedOnCreate)
	}
	if email := byName["Email"]; email.DefaultValue != nil || email.PicklistValues == nil || len(email.PicklistValues) != 0 {
		t.Errorf("Email defaultValue, picklistValues = %v, %v; want null, []", email.DefaultValue, email.PicklistValues)
	}
	if !byName["Name"].NameField {
		t.Error("Name is not the name field")
	}
}

func TestDescribeAccountRelationships(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.get(t, "/services/data/v67.0/sobjects/account/describe", f.token(t, "Acme", 0))
	wantStatus(t, rec, 200)
	var got struct {
		Name               string `json:"name"`
		ChildRelationships []struct {
			ChildSObject     string `json:"childSObject"`
			Field            string `json:"field"`
			RelationshipName string `json:"relationshipName"`
		} `json:"childRelationships"`
		Fields []describedField `json:"fields"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Name != "Account" {
		t.Errorf("name = %q; want Account (the schema's spelling)", got.Name)
	}
	var rels []string
	for _, c := range got.ChildRelationships {
		rels = append(rels, c.ChildSObject+"."+c.Field+" "+c.RelationshipName)
	}
	if want := []string{"Account.ParentId ChildAccounts", "Contact.AccountId Contacts", "Opportunity.AccountId Opportunities"}; !reflect.DeepEqual(rels, want) {
		t.Errorf("child relationships = %q; want %q", rels, want)
	}

	rec = f.get(t, "/services/data/v67.0/sobjects/Contact/describe", f.token(t, "Acme", 0))
	wantStatus(t, rec, 200)
	var contact struct {
		Fields []describedField `json:"fields"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &contact)
	for _, fld := range contact.Fields {
		if fld.Name == "AccountId" {
			if fld.Type != "reference" || fld.RelationshipName == nil || *fld.RelationshipName != "Account" ||
				!reflect.DeepEqual(fld.ReferenceTo, []string{"Account"}) {
				t.Errorf("Contact.AccountId = %+v; want a reference to Account named Account", fld)
			}
			return
		}
	}
	t.Error("Contact describe lacks AccountId")
}

func TestDescribeUnknownObject(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	for _, path := range []string{"/services/data/v67.0/sobjects/Foo/describe", "/services/data/v67.0/sobjects/Foo", "/services/data/v67.0/sobjects/Foo/00Q5g0000000001EAA"} {
		wantBody(t, f.get(t, path, token), 404, bodyNotFound)
	}
}

func TestSObjectBasic(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	rec := f.get(t, "/services/data/v67.0/sobjects/Contact", f.token(t, "Acme", 0))
	wantStatus(t, rec, 200)
	var got struct {
		ObjectDescribe map[string]json.RawMessage `json:"objectDescribe"`
		RecentItems    []any                      `json:"recentItems"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if keys := keysOf(got.ObjectDescribe); !reflect.DeepEqual(keys, sorted(globalKeys)) {
		t.Errorf("objectDescribe keys = %v; want %v", keys, sorted(globalKeys))
	}
	if string(got.ObjectDescribe["keyPrefix"]) != `"003"` || got.RecentItems == nil {
		t.Errorf("keyPrefix, recentItems = %s, %v; want \"003\", []", got.ObjectDescribe["keyPrefix"], got.RecentItems)
	}
}

// checkGolden compares a body with testdata/<name>, indented; -update
// rewrites the file.
func checkGolden(t *testing.T, name string, body []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, body, "", "  "); err != nil {
		t.Fatalf("indenting %s: %v", name, err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s differs from %s; run go test -update and review the diff", name, path)
	}
}
