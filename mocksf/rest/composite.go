package rest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Versions that brought the Composite resources.
const (
	compositeVersion = 38
	batchVersion     = 34
	treeVersion      = 33
)

// compositeResult is one subrequest's entry of "compositeResponse".
type compositeResult struct {
	Body           json.RawMessage   `json:"body"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
	HTTPStatusCode int               `json:"httpStatusCode"`
	ReferenceID    string            `json:"referenceId"`
}

// haltedBody is a halted subrequest's body.
func haltedBody(e apiError) json.RawMessage {
	b, _ := marshal([]apiError{e})
	return b
}

// createPath is a subrequest that creates a record: its answer gets the
// Location header Salesforce adds.
var createPath = regexp.MustCompile(`^/services/data/(v[0-9]+\.[0-9])/sobjects/([A-Za-z0-9_]+)/?$`)

// HandleComposite answers POST /services/data/vXX.X/composite (API 38.0
// and later): up to 25 subrequests, run in order through the router as
// the same session, each able to use earlier answers with @{refId.path}
// references. It answers 200 {"compositeResponse":[...]} with each
// subrequest's body, headers and status. With allOrNone, the first
// failure undoes every write the subrequests made and the others answer
// 400 PROCESSING_HALTED; without it, only subrequests whose references
// name nothing fail so. The whole request counts as one API call.
func HandleComposite(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sinceVersion(w, r, compositeVersion) {
			return
		}
		req, ok := readRequest(w, r, parseCompositeRequest)
		if !ok {
			return
		}
		st := &subrequestState{journal: &store.Journal{}, allOrNone: req.AllOrNone}
		bodies := map[string]any{}
		out := make([]compositeResult, len(req.CompositeRequest))
		failed := -1
		for i, sub := range req.CompositeRequest {
			res := &out[i]
			res.ReferenceID, res.HTTPHeaders = sub.ReferenceID, map[string]string{}
			if failed >= 0 && req.AllOrNone {
				continue // answered as halted below
			}
			url, bad := substitute(sub.URL, bodies, false)
			var body []byte
			if bad == nil && len(sub.Body) > 0 && string(sub.Body) != "null" {
				var text string
				text, bad = substitute(string(sub.Body), bodies, true)
				body = []byte(text)
			}
			if bad != nil {
				res.Body, res.HTTPStatusCode = haltedBody(*bad), http.StatusBadRequest
				if failed < 0 {
					failed = i
				}
				continue
			}
			sr := api.serveSubrequest(r, st, sub.Method, url, body, sub.HTTPHeaders)
			res.HTTPStatusCode, res.HTTPHeaders = sr.status, subrequestHeaders(sr.header)
			res.Body = json.RawMessage("null")
			if b := bytes.TrimSpace(sr.body.Bytes()); len(b) > 0 && json.Valid(b) {
				res.Body = append(json.RawMessage(nil), b...)
			}
			if sr.status >= 400 {
				if failed < 0 {
					failed = i
				}
				continue
			}
			var decoded any
			dec := json.NewDecoder(bytes.NewReader(res.Body))
			dec.UseNumber()
			_ = dec.Decode(&decoded)
			bodies[sub.ReferenceID] = decoded
			if m := createPath.FindStringSubmatch(url); m != nil && sub.Method == http.MethodPost && sr.status == http.StatusCreated {
				if obj, ok := decoded.(map[string]any); ok {
					if id, ok := obj["id"].(string); ok {
						res.HTTPHeaders["Location"] = "/services/data/" + m[1] + "/sobjects/" + m[2] + "/" + id
					}
				}
			}
		}
		if failed >= 0 && req.AllOrNone {
			api.Store.Rollback(st.journal)
			for i := range out {
				if i != failed {
					out[i].Body, out[i].HTTPHeaders, out[i].HTTPStatusCode = haltedBody(errCompositeRolledBack), map[string]string{}, http.StatusBadRequest
				}
			}
		}
		writeJSON(w, http.StatusOK, struct {
			CompositeResponse []compositeResult `json:"compositeResponse"`
		}{out})
	})
}

// batchSubrequest is one entry of "batchRequests".
type batchSubrequest struct {
	Method         string            `json:"method"`
	URL            string            `json:"url"`
	RichInput      json.RawMessage   `json:"richInput"`
	BinaryPartName string            `json:"binaryPartName"`
	HTTPHeaders    map[string]string `json:"httpHeaders"`
}

type batchResult struct {
	StatusCode int             `json:"statusCode"`
	Result     json.RawMessage `json:"result"`
}

var errBatchHalted = apiError{Code: "BATCH_PROCESSING_HALTED", Message: "Batch processing halted per request", codeFirst: true}

// batchRequest is a Composite Batch body.
type batchRequest struct {
	HaltOnError   bool              `json:"haltOnError"`
	BatchRequests []batchSubrequest `json:"batchRequests"`
}

// HandleBatch answers POST /services/data/vXX.X/composite/batch (API 34.0
// and later): up to 25 independent subrequests with URLs relative to
// /services/data ("v67.0/sobjects/Account"), answered 200
// {"hasErrors":bool,"results":[{"statusCode","result"}]}. With
// haltOnError, those after the first failure answer 412
// BATCH_PROCESSING_HALTED. Nothing is rolled back.
func HandleBatch(api *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !sinceVersion(w, r, batchVersion) {
			return
		}
		req, ok := readRequest(w, r, strictJSON[batchRequest])
		if !ok {
			return
		}
		switch {
		case len(req.BatchRequests) == 0:
			writeError(w, http.StatusBadRequest, errMissingArgument("batchRequests"))
			return
		case len(req.BatchRequests) > maxBatchSubrequests:
			writeError(w, http.StatusBadRequest, errTooManySubrequests("batch request", maxBatchSubrequests))
			return
		}
		for _, s := range req.BatchRequests {
			if e := checkSubrequest(s.Method, s.URL, s.HTTPHeaders, false); e != nil {
				writeError(w, http.StatusBadRequest, *e)
				return
			}
		}
		st := &subrequestState{}
		out := make([]batchResult, len(req.BatchRequests))
		hasErrors, halted := false, false
		for i, s := range req.BatchRequests {
			if halted {
				out[i] = batchResult{StatusCode: http.StatusPreconditionFailed, Result: haltedBody(errBatchHalted)}
				continue
			}
			url := s.URL
			if !strings.HasPrefix(url, "/services/data/") {
				url = "/services/data/" + url
			}
			var body []byte
			if len(s.RichInput) > 0 && string(s.RichInput) != "null" {
				body = s.RichInput
			}
			sr := api.serveSubrequest(r, st, s.Method, url, body, s.HTTPHeaders)
			out[i] = batchResult{StatusCode: sr.status, Result: json.RawMessage("null")}
			if b := bytes.TrimSpace(sr.body.Bytes()); len(b) > 0 && json.Valid(b) {
				out[i].Result = append(json.RawMessage(nil), b...)
			}
			if sr.status >= 400 {
				hasErrors = true
				halted = req.HaltOnError
			}
		}
		writeJSON(w, http.StatusOK, struct {
			HasErrors bool          `json:"hasErrors"`
			Results   []batchResult `json:"results"`
		}{hasErrors, out})
	})
}
