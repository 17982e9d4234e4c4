package rest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Router holds the router the REST handlers are mounted on once it is
// built: the handlers are made before it exists.
type Router struct{ h atomic.Pointer[http.Handler] }

// Set gives the router subrequests go through.
func (rt *Router) Set(h http.Handler) { rt.h.Store(&h) }

func (rt *Router) handler() http.Handler {
	if rt == nil {
		return nil
	}
	if h := rt.h.Load(); h != nil {
		return *h
	}
	return nil
}

// subrequestState is what a Composite request shares with its
// subrequests, through their contexts.
type subrequestState struct {
	// journal notes the subrequests' record writes, for an allOrNone
	// Composite request to undo.
	journal *store.Journal
	// allOrNone is the Composite request's allOrNone, which overrides
	// false in its SObject Collections subrequests (Salesforce's "allOrNone
	// Parameters in Composite and Collections Requests").
	allOrNone bool
}

type subrequestKey struct{}

func subrequestFrom(ctx context.Context) *subrequestState {
	s, _ := ctx.Value(subrequestKey{}).(*subrequestState)
	return s
}

// inSubrequest reports whether a request is a Composite subrequest.
func inSubrequest(ctx context.Context) bool { return subrequestFrom(ctx) != nil }

// journalFrom is the journal a request's record writes go in: its
// Composite request's, or none.
func journalFrom(ctx context.Context) *store.Journal {
	if s := subrequestFrom(ctx); s != nil {
		return s.journal
	}
	return nil
}

// updateRecords is Store.UpdateRecords with the writes noted in the
// request's journal, when it is a subrequest of an allOrNone Composite.
func (api *API) updateRecords(ctx context.Context, orgID, object string, fn func(tx *store.RecordTx) error) error {
	return api.Store.UpdateRecordsIn(journalFrom(ctx), orgID, object, fn)
}

// maxSubresponse bounds the body of one subrequest's answer that a
// Composite request holds (a query page of 2,000 wide records fits).
const maxSubresponse = 16 << 20

// subresponse is a subrequest's answer.
type subresponse struct {
	status int
	header http.Header
	body   bytes.Buffer
	over   bool
}

func (s *subresponse) Header() http.Header { return s.header }

func (s *subresponse) WriteHeader(status int) {
	if s.status == 0 {
		s.status = status
	}
}

func (s *subresponse) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	if s.body.Len()+len(p) > maxSubresponse {
		s.over = true
		return 0, errSubresponseTooLarge
	}
	return s.body.Write(p)
}

var errSubresponseTooLarge = errors.New("rest: subrequest answer too large")

// serveSubrequest sends one subrequest through the router, as the
// parent's session on the parent's host, and returns its answer. path is
// absolute ("/services/data/v67.0/sobjects/Account") and may carry a
// query.
func (api *API) serveSubrequest(parent *http.Request, st *subrequestState, method, path string, body []byte, headers map[string]string) *subresponse {
	res := &subresponse{header: http.Header{}}
	h := api.Router.handler()
	if h == nil {
		writeError(res, http.StatusNotFound, errNotFound)
		return res
	}
	ctx := context.WithValue(parent.Context(), subrequestKey{}, st)
	req, err := http.NewRequestWithContext(ctx, method, path, bytes.NewReader(body))
	if err != nil {
		writeError(res, http.StatusBadRequest, errSubrequestURL(path))
		return res
	}
	req.Host, req.RemoteAddr, req.TLS = parent.Host, parent.RemoteAddr, parent.TLS
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Authorization", parent.Header.Get("Authorization"))
	if len(body) > 0 {
		req.Header.Set("Content-Type", "application/json")
	}
	// The router reads route variables afresh; the parent's must not leak.
	req = mux.SetURLVars(req, nil)
	h.ServeHTTP(res, req)
	if res.over {
		res.body.Reset()
		res.status = 0
		writeError(res, http.StatusInternalServerError, errInternal("the subrequest's answer is larger than 16 MiB"))
	}
	if res.status == 0 {
		res.status = http.StatusOK
	}
	return res
}

// subrequestHeaders are a subresponse's headers as a Composite answer
// lists them: Salesforce keeps Location and the like, never
// Content-Length or Content-Type.
func subrequestHeaders(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		switch strings.ToLower(k) {
		case "content-type", "content-length", "sforce-limit-info":
			continue
		}
		if len(v) > 0 {
			out[k] = v[0]
		}
	}
	return out
}
