package rest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Limits of the Composite resources (Salesforce's REST API Developer
// Guide, "Composite" and "Batch").
const (
	maxCompositeSubrequests = 25
	// maxCompositeQueries is how many query and SObject Collections
	// subrequests one Composite request may have.
	maxCompositeQueries = 5
	maxBatchSubrequests = 25
	maxTreeRecords      = 200
	maxTreeDepth        = 5
)

// compositeSubrequest is one entry of "compositeRequest".
type compositeSubrequest struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	ReferenceID string            `json:"referenceId"`
	Body        json.RawMessage   `json:"body"`
	HTTPHeaders map[string]string `json:"httpHeaders"`
}

// compositeRequest is the body of POST /composite.
type compositeRequest struct {
	AllOrNone          bool                  `json:"allOrNone"`
	CollateSubrequests bool                  `json:"collateSubrequests"`
	CompositeRequest   []compositeSubrequest `json:"compositeRequest"`
}

// referenceIDPattern is what Salesforce allows as a referenceId (API 54.0
// and later enforce it).
var referenceIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_]*$`)

// subrequestMethods are the methods a subrequest may use, case sensitive.
var subrequestMethods = map[string]bool{"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true}

// inheritedHeaders are what subrequests take from the Composite request
// and may not set themselves.
var inheritedHeaders = []string{"Accept", "Authorization", "Content-Type"}

// parseCompositeRequest reads and checks a Composite body.
func parseCompositeRequest(data []byte) (compositeRequest, *apiError) {
	var req compositeRequest
	if e := decodeStrict(data, &req); e != nil {
		return req, e
	}
	subs := req.CompositeRequest
	if len(subs) == 0 {
		e := errMissingArgument("compositeRequest")
		return req, &e
	}
	if len(subs) > maxCompositeSubrequests {
		e := errTooManySubrequests("composite request", maxCompositeSubrequests)
		return req, &e
	}
	seen := map[string]bool{}
	queries := 0
	for _, s := range subs {
		if e := checkSubrequest(s.Method, s.URL, s.HTTPHeaders, true); e != nil {
			return req, e
		}
		if !referenceIDPattern.MatchString(s.ReferenceID) {
			e := errInvalidInput(fmt.Sprintf("Provided referenceId ('%s') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').", s.ReferenceID))
			return req, &e
		}
		if seen[s.ReferenceID] {
			e := errInvalidInput(fmt.Sprintf("Duplicate referenceId provided in the request: %s", s.ReferenceID))
			return req, &e
		}
		seen[s.ReferenceID] = true
		if p := resourcePath(s.URL); strings.HasPrefix(p, "/query") || strings.HasPrefix(p, "/composite/sobjects") {
			queries++
		}
	}
	if queries > maxCompositeQueries {
		e := errTooManySubrequests("composite request's query and collection", maxCompositeQueries)
		return req, &e
	}
	return req, nil
}

// checkSubrequest checks a subrequest's method, URL and headers.
// absolute URLs start /services/data/vXX.X/; batch ones vXX.X/.
func checkSubrequest(method, url string, headers map[string]string, absolute bool) *apiError {
	if !subrequestMethods[method] {
		e := errInvalidInput(fmt.Sprintf("Invalid HTTP method '%s'. Possible values are POST, PUT, PATCH, GET and DELETE.", method))
		return &e
	}
	if !versionedURL.MatchString(url) || absolute && !strings.HasPrefix(url, "/services/data/") {
		e := errSubrequestURL(url)
		return &e
	}
	if p := resourcePath(url); p == "/composite" || strings.HasPrefix(p, "/composite/batch") || strings.HasPrefix(p, "/composite/tree") {
		e := errNestedComposite(url)
		return &e
	}
	for k := range headers {
		for _, h := range inheritedHeaders {
			if strings.EqualFold(k, h) {
				e := errInvalidInput(fmt.Sprintf("The %s header cannot be set on a subrequest; it is inherited from the composite request.", h))
				return &e
			}
		}
	}
	return nil
}

// versionedURL is a subrequest URL: /services/data/vXX.X/... or vXX.X/...
var versionedURL = regexp.MustCompile(`^(/services/data/)?v[0-9]+\.[0-9](/|$)`)

// resourcePath is the part of a subrequest URL after its version, without
// its query: "/sobjects/Account".
func resourcePath(url string) string {
	url = strings.TrimPrefix(url, "/services/data/")
	_, rest, _ := strings.Cut(url, "/")
	rest, _, _ = strings.Cut("/"+rest, "?")
	return strings.TrimRight(rest, "/")
}

// referencePattern is a Composite reference: @{refId.field[0].sub}.
var referencePattern = regexp.MustCompile(`@\{([^{}]*)\}`)

// resolveReference evaluates a reference expression such as
// "refAccount.id" or "refQuery.records[0].Id" against the earlier
// subresponses' bodies. It returns the reference ID it starts with, and
// the value as text; ok is false when it names nothing.
func resolveReference(expr string, bodies map[string]any) (ref, value string, ok bool) {
	i := strings.IndexAny(expr, ".[")
	ref = expr
	if i >= 0 {
		ref = expr[:i]
	}
	cur, found := bodies[ref]
	if !found {
		return ref, "", false
	}
	rest := expr[len(ref):]
	for rest != "" {
		switch rest[0] {
		case '.':
			rest = rest[1:]
			j := strings.IndexAny(rest, ".[")
			if j < 0 {
				j = len(rest)
			}
			name := rest[:j]
			rest = rest[j:]
			m, isMap := cur.(map[string]any)
			if !isMap || name == "" {
				return ref, "", false
			}
			if cur, found = m[name]; !found {
				return ref, "", false
			}
		case '[':
			j := strings.IndexByte(rest, ']')
			if j < 0 {
				return ref, "", false
			}
			n, err := strconv.Atoi(rest[1:j])
			rest = rest[j+1:]
			a, isArray := cur.([]any)
			if err != nil || !isArray || n < 0 || n >= len(a) {
				return ref, "", false
			}
			cur = a[n]
		default:
			return ref, "", false
		}
	}
	switch v := cur.(type) {
	case string:
		return ref, v, true
	case json.Number:
		return ref, v.String(), true
	case bool:
		return ref, strconv.FormatBool(v), true
	}
	return ref, "", false
}

// substitute replaces the references in s; inJSON escapes values for a
// JSON string. It returns the first reference that names nothing.
func substitute(s string, bodies map[string]any, inJSON bool) (string, *apiError) {
	var bad *apiError
	out := referencePattern.ReplaceAllStringFunc(s, func(m string) string {
		if bad != nil {
			return m
		}
		expr := m[2 : len(m)-1]
		ref, v, ok := resolveReference(expr, bodies)
		if !ok {
			e := errBadReference(expr, ref)
			bad = &e
			return m
		}
		if inJSON {
			enc, _ := marshal(v)
			return string(enc[1 : len(enc)-1])
		}
		return v
	})
	return out, bad
}
