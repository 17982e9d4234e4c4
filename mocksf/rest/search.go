package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/soql"
	"github.com/sfharness/sfharness/mocksf/sosl"
)

// Limits of a search: Salesforce returns at most 2,000 records, and a
// parameterizedSearch body is small.
const (
	maxSearchRecords = 2000
	maxSearchBody    = 1 << 20
)

// HandleSearch answers GET /services/data/vXX.X/search?q=FIND {…}:
// {"searchRecords":[…]}, each record its attributes and the fields its
// RETURNING clause names (Id when none), over the text fields of the
// org's records (docs/mocksf-rest.md says how words match).
func HandleSearch(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values, present := r.URL.Query()["q"]
		if !present || strings.TrimSpace(values[0]) == "" {
			writeError(w, http.StatusBadRequest, errNoSearch)
			return
		}
		s, err := sosl.Parse(values[0])
		if err != nil {
			writeError(w, http.StatusBadRequest, searchError(err))
			return
		}
		api.writeSearch(w, r, s)
	})
}

// parameterizedBody is the JSON body of POST …/parameterizedSearch.
type parameterizedBody struct {
	Q            string   `json:"q"`
	Fields       []string `json:"fields"`
	In           string   `json:"in"`
	OverallLimit *int     `json:"overallLimit"`
	DefaultLimit *int     `json:"defaultLimit"`
	SObjects     []struct {
		Name   string   `json:"name"`
		Fields []string `json:"fields"`
		Limit  *int     `json:"limit"`
	} `json:"sobjects"`
}

// HandleParameterizedSearch answers …/parameterizedSearch: a search
// given as parameters instead of SOSL, q the bare term. GET takes
// q, in (ALL, NAME, EMAIL, PHONE), sobject (repeated), fields, the
// per-object <Object>.fields and <Object>.limit, defaultLimit and
// overallLimit; POST the same as a JSON body with an sobjects array.
func HandleParameterizedSearch(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body parameterizedBody
		if r.Method == http.MethodPost {
			data, err := io.ReadAll(io.LimitReader(r.Body, maxSearchBody+1))
			if err != nil || len(data) > maxSearchBody {
				writeError(w, http.StatusBadRequest, errJSONParser("mocksf: the body is larger than 1 MB or could not be read"))
				return
			}
			if err := json.Unmarshal(data, &body); err != nil {
				writeError(w, http.StatusBadRequest, errJSONParser(err.Error()))
				return
			}
		} else {
			body = parameterizedFromQuery(r)
		}
		if strings.TrimSpace(body.Q) == "" {
			writeError(w, http.StatusBadRequest, errNoSearch)
			return
		}
		term, err := sosl.ParseTerm(body.Q)
		if err != nil {
			writeError(w, http.StatusBadRequest, searchError(err))
			return
		}
		s := &sosl.Search{Term: term, TermText: body.Q, Scope: sosl.AllFields, Limit: -1}
		switch strings.ToUpper(body.In) {
		case "", "ALL":
		case "NAME":
			s.Scope = sosl.NameFields
		case "EMAIL":
			s.Scope = sosl.EmailFields
		case "PHONE":
			s.Scope = sosl.PhoneFields
		default:
			writeError(w, http.StatusBadRequest, errSearchScope(body.In))
			return
		}
		if len(body.SObjects) > sosl.MaxReturning {
			writeError(w, http.StatusBadRequest, searchError(sosl.ErrTooManyObjects()))
			return
		}
		if body.OverallLimit != nil {
			s.Limit = max(*body.OverallLimit, 0)
		}
		for _, so := range body.SObjects {
			fields := so.Fields
			if len(fields) == 0 {
				fields = body.Fields
			}
			clause := strings.Join(fields, ", ")
			limit := so.Limit
			if limit == nil {
				limit = body.DefaultLimit
			}
			if limit != nil {
				if clause == "" {
					clause = "Id"
				}
				clause += " LIMIT " + strconv.Itoa(max(*limit, 0))
			}
			s.Returning = append(s.Returning, sosl.Returning{Object: so.Name, Clause: clause})
		}
		if len(s.Returning) == 0 && len(body.Fields) > 0 {
			// fields without sobjects apply to every object searched.
			api.writeSearchFields(w, r, s, strings.Join(body.Fields, ", "))
			return
		}
		api.writeSearch(w, r, s)
	})
}

// parameterizedFromQuery reads parameterizedSearch's GET parameters.
func parameterizedFromQuery(r *http.Request) parameterizedBody {
	q := r.URL.Query()
	b := parameterizedBody{Q: q.Get("q"), In: q.Get("in")}
	if f := q.Get("fields"); f != "" {
		b.Fields = strings.Split(f, ",")
	}
	num := func(key string) *int {
		if n, err := strconv.Atoi(q.Get(key)); err == nil {
			return &n
		}
		return nil
	}
	b.OverallLimit, b.DefaultLimit = num("overallLimit"), num("defaultLimit")
	for _, list := range q["sobject"] {
		for _, name := range strings.Split(list, ",") {
			name = strings.TrimSpace(name)
			if name == "" {
				continue
			}
			so := struct {
				Name   string   `json:"name"`
				Fields []string `json:"fields"`
				Limit  *int     `json:"limit"`
			}{Name: name, Limit: num(name + ".limit")}
			if f := q.Get(name + ".fields"); f != "" {
				so.Fields = strings.Split(f, ",")
			}
			b.SObjects = append(b.SObjects, so)
		}
	}
	return b
}

// searchError maps a SOSL or SOQL error to the REST error entry; SOQL's
// MALFORMED_QUERY inside a RETURNING clause is a MALFORMED_SEARCH.
func searchError(err error) apiError {
	var se *sosl.Error
	if errors.As(err, &se) {
		return apiError{Code: se.Code, Message: se.Message}
	}
	e := queryError(err)
	if e.Code == soql.CodeMalformedQuery {
		e.Code = sosl.CodeMalformedSearch
	}
	return e
}

// writeSearch runs a search and writes its records.
func (api *API) writeSearch(w http.ResponseWriter, r *http.Request, s *sosl.Search) {
	api.writeSearchFields(w, r, s, "")
}

// writeSearchFields runs a search; fields, when set, are what each object
// searched without a RETURNING clause returns.
func (api *API) writeSearchFields(w http.ResponseWriter, r *http.Request, s *sosl.Search, fields string) {
	at, _ := TokenFrom(r.Context())
	schema := api.schemaOf(at.OrgID)
	returning := s.Returning
	if len(returning) == 0 {
		for _, o := range schema.sorted {
			if !o.derived {
				returning = append(returning, sosl.Returning{Object: o.name, Clause: fields})
			}
		}
	}
	limit := maxSearchRecords
	if s.Limit >= 0 {
		limit = min(s.Limit, maxSearchRecords)
	}
	env := api.newEnv(at.OrgID, schema, api.instanceURL(r, at.OrgID))
	base := versionBase(r)
	var b bytes.Buffer
	b.WriteString(`{"searchRecords":[`)
	n := 0
	for _, ret := range returning {
		q, err := soql.Compile(ret.SOQL(), querySchema{schema})
		if err != nil {
			e := searchError(err)
			writeError(w, http.StatusBadRequest, searchError(s.ErrorAt(ret, e.Code, e.Message)))
			return
		}
		o, _ := schema.object(q.Object)
		if o.derived {
			// Org objects are not searchable: nothing to return.
			continue
		}
		fields := searchedFields(o, s.Scope)
		views := env.views(o, false)
		match := q.Matcher(api.Store.NowIn(at.OrgID))
		rows := make([]*recordView, 0)
		for i := range views {
			if match(&views[i]) && sosl.Match(s.Term, recordWords(&views[i], fields)) {
				rows = append(rows, &views[i])
			}
		}
		soql.Sort(q, rows)
		rows = soql.Page(q, rows)
		plan := newPlan(schema, o, q.Fields)
		for _, v := range rows {
			if n == limit {
				break
			}
			if n > 0 {
				b.WriteByte(',')
			}
			appendRecord(&b, base, v, plan)
			n++
		}
	}
	b.WriteString("]}")
	writeRaw(w, http.StatusOK, b.Bytes())
}

// searchedFields are the fields of o a search scope looks in.
func searchedFields(o *sobject, scope sosl.Scope) []*fieldDef {
	var out []*fieldDef
	for i := range o.fields {
		f := &o.fields[i]
		var in bool
		switch scope {
		case sosl.NameFields:
			in = f.nameField || f.compoundFieldName == "Name"
		case sosl.EmailFields:
			in = f.typ == "email"
		case sosl.PhoneFields:
			in = f.typ == "phone"
		default:
			in = f.isText()
		}
		if in {
			out = append(out, f)
		}
	}
	return out
}

// recordWords are the words of a record's searched fields; an empty word
// between fields keeps a phrase from spanning two of them.
func recordWords(v *recordView, fields []*fieldDef) []string {
	var words []string
	for _, f := range fields {
		s, ok := v.get(f.name).(string)
		if !ok || s == "" {
			continue
		}
		words = append(append(words, sosl.Tokens(s)...), "")
	}
	return words
}
