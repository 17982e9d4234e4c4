package rest

import (
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/store"
)

// rowEnv is what the record views of one request share: the org, its
// schema and the parent records looked up so far. It is used by one
// goroutine.
type rowEnv struct {
	st        *store.Store
	orgID     string
	schema    *orgSchema
	photoBase string // the instance URL, for users' photo URLs
	orgName   string
	derived   orgRecords             // the org objects' records, built when first read
	parents   map[string]*recordView // by ID, "|n" appended for the Name entity; nil: no such parent
}

func (api *API) newEnv(orgID string, schema *orgSchema, photoBase string) *rowEnv {
	env := &rowEnv{st: api.Store, orgID: orgID, schema: schema, photoBase: photoBase, parents: map[string]*recordView{}}
	if org, err := api.Store.Org(orgID); err == nil {
		env.orgName = org.Name
	}
	return env
}

// recordView is one record (or user) as queries and renderers read it:
// values by field path, each as its field's type reads it, with what
// Salesforce would have filled in for empty fields. It implements
// soql.Record.
type recordView struct {
	env  *rowEnv
	obj  *sobject
	rec  *store.Record // nil for a user
	user *store.User
	// asName is set for a parent reached through a polymorphic
	// relationship (Owner, Who, What), which SOQL reads as the Name
	// entity: its Type is the object's name.
	asName bool
}

// id is the record's 18-character ID.
func (v *recordView) id() string {
	if v.user != nil {
		return v.user.ID
	}
	return v.rec.ID
}

// Value returns the value of a resolved field path such as "Email" or
// "Account.Owner.Name"; nil is a null, as is any step without a parent.
func (v *recordView) Value(path string) any {
	head, rest, dotted := strings.Cut(path, ".")
	if !dotted {
		return v.get(head)
	}
	p := v.parent(head)
	if p == nil {
		return nil
	}
	return p.Value(rest)
}

// get returns a field of this record by name.
func (v *recordView) get(name string) any {
	if v.asName && name == "Type" {
		return v.obj.name
	}
	f := v.obj.fieldPtr(name)
	if f == nil {
		return nil
	}
	return v.value(f)
}

// value returns a field's value as its type reads it.
func (v *recordView) value(f *fieldDef) any {
	if f.compute != nil {
		return f.compute(v.get)
	}
	var x any
	if v.user != nil {
		x = soql.Coerce(f.queryType(), v.userValue(f.name))
	} else {
		x = v.recordValue(f)
	}
	if x == nil {
		x = v.defaultValue(f)
	}
	if s, ok := x.(string); ok && (f.typ == "reference" || f.typ == "id") {
		// A seed may hold anything; what is not an ID reads as null.
		id, valid := soql.CanonicalID(s)
		if !valid {
			return nil
		}
		x = id
	}
	return x
}

func (v *recordView) recordValue(f *fieldDef) any {
	r := v.rec
	switch f.name {
	case "Id":
		return r.ID
	case "IsDeleted":
		return r.IsDeleted
	case "CreatedDate":
		return nonZeroTime(r.CreatedDate)
	case "LastModifiedDate":
		return nonZeroTime(r.LastModifiedDate)
	case "SystemModstamp":
		if r.SystemModstamp.IsZero() {
			return nonZeroTime(r.LastModifiedDate)
		}
		return r.SystemModstamp.UTC()
	case "CreatedById":
		return nonEmpty(r.CreatedByID)
	case "LastModifiedById":
		if r.LastModifiedByID != "" {
			return r.LastModifiedByID
		}
		return nonEmpty(r.CreatedByID)
	}
	return soql.Coerce(f.queryType(), storedValue(r.Fields, f.name))
}

// defaultValue is what Salesforce would have stored in an empty field on
// create: the picklist default, a boolean's default, the creator as
// owner, a custom object's ID as its name.
func (v *recordView) defaultValue(f *fieldDef) any {
	switch {
	case f.defaultPick != "":
		return f.defaultPick
	case f.typ == "boolean":
		return f.defaultTrue
	case f.name == "OwnerId" && v.rec != nil:
		return nonEmpty(v.rec.CreatedByID)
	case f.name == "Name" && v.obj.custom && v.rec != nil:
		return v.rec.ID
	}
	return nil
}

// userValue reads a User field from the store's user. The store keeps no
// audit dates or settings for users: those are null or the defaults of a
// new US user.
func (v *recordView) userValue(name string) any {
	u := v.user
	switch name {
	case "Id":
		return u.ID
	case "Username":
		return u.Username
	case "Email":
		return u.Email
	case "FirstName":
		return nonEmpty(u.FirstName)
	case "LastName":
		return u.SalesforceLastName()
	case "IsActive":
		return u.Active
	case "ProfileId":
		return u.ProfileID()
	case "Alias":
		return userAlias(*u)
	case "CompanyName":
		return nonEmpty(v.env.orgName)
	case "UserType":
		return "Standard"
	case "TimeZoneSidKey":
		return "America/Los_Angeles"
	case "LocaleSidKey":
		return "en_US"
	case "LanguageLocaleKey":
		return u.LanguageKey()
	case "EmailEncodingKey":
		return "UTF-8"
	case "FullPhotoUrl":
		return v.env.photoBase + "/profilephoto/005/F"
	case "SmallPhotoUrl":
		return v.env.photoBase + "/profilephoto/005/T"
	}
	return nil
}

// userAlias is the alias Setup suggests: the first letter of the first
// name and the first four of the last, lower case.
func userAlias(u store.User) string {
	last := u.SalesforceLastName()
	alias := ""
	if u.FirstName != "" {
		alias = u.FirstName[:1]
	}
	if len(last) > 4 {
		last = last[:4]
	}
	return strings.ToLower(alias + last)
}

// parent returns the record a relationship of this one leads to, nil when
// the lookup is empty or its record is gone.
func (v *recordView) parent(rel string) *recordView {
	f, ok := v.obj.relationship(rel)
	if !ok {
		return nil
	}
	id, _ := v.value(f).(string)
	if id == "" {
		return nil
	}
	return v.env.lookup(f, id)
}

// lookup finds the record a reference field's value names.
func (env *rowEnv) lookup(f *fieldDef, id string) *recordView {
	key := id
	if f.polymorphic {
		key += "|n"
	}
	if p, ok := env.parents[key]; ok {
		return p
	}
	var obj *sobject
	if f.polymorphic || len(f.referenceTo) != 1 {
		obj = env.schema.byPrefix[id[:3]]
	} else {
		obj = env.schema.objects[strings.ToLower(f.referenceTo[0])]
	}
	var p *recordView
	switch {
	case obj == nil:
	case obj.name == "User":
		if u, err := env.st.User(id); err == nil && u.OrgID == env.orgID {
			p = &recordView{env: env, obj: obj, user: &u, asName: f.polymorphic}
		}
	case obj.derived:
		if rec := env.findDerived(obj, id); rec != nil {
			p = &recordView{env: env, obj: obj, rec: rec, asName: f.polymorphic}
		}
	default:
		if rec, ok := env.st.RecordRef(env.orgID, obj.name, id); ok && !rec.IsDeleted {
			p = &recordView{env: env, obj: obj, rec: rec, asName: f.polymorphic}
		}
	}
	env.parents[key] = p
	return p
}

// storedValue reads a field from a record's Fields, ignoring the case of
// the stored key.
func storedValue(fields map[string]any, name string) any {
	if v, ok := fields[name]; ok {
		return v
	}
	for k, v := range fields {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return nil
}

func nonZeroTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func nonEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// views returns the org's records of an object as views, deleted ones
// only when withDeleted is set, in ID order.
func (env *rowEnv) views(o *sobject, withDeleted bool) []recordView {
	if o.name == "User" {
		users := env.st.Users(env.orgID)
		out := make([]recordView, len(users))
		for i := range users {
			out[i] = recordView{env: env, obj: o, user: &users[i]}
		}
		return out
	}
	if o.derived {
		recs := env.orgRecords(o)
		out := make([]recordView, len(recs))
		for i, r := range recs {
			out[i] = recordView{env: env, obj: o, rec: r}
		}
		return out
	}
	recs := env.st.RecordSnapshot(env.orgID, o.name)
	out := make([]recordView, 0, len(recs))
	for _, r := range recs {
		if r.IsDeleted && !withDeleted {
			continue
		}
		out = append(out, recordView{env: env, obj: o, rec: r})
	}
	return out
}

// find returns one live record of the org by its canonical ID; deleted
// reports a record that exists but was deleted.
func (env *rowEnv) find(o *sobject, id string) (v *recordView, deleted bool) {
	if o.name == "User" {
		u, err := env.st.User(id)
		if err != nil || u.OrgID != env.orgID {
			return nil, false
		}
		return &recordView{env: env, obj: o, user: &u}, false
	}
	if o.derived {
		if rec := env.findDerived(o, id); rec != nil {
			return &recordView{env: env, obj: o, rec: rec}, false
		}
		return nil, false
	}
	rec, ok := env.st.RecordRef(env.orgID, o.name, id)
	switch {
	case !ok:
		return nil, false
	case rec.IsDeleted:
		return nil, true
	}
	return &recordView{env: env, obj: o, rec: rec}, false
}
