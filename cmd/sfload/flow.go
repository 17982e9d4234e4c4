package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
)

// step is one timed part of a flow.
type step int

// The steps of a flow, in order.
const (
	stepAuthorize step = iota // GET authorize → the login page
	stepLogin                 // POST the password → Verify Your Identity
	stepMail                  // GET /__mocksf/mail long-poll for the code
	stepVerify                // POST the code → authorize again → Allow Access
	stepAllow                 // POST Allow → 302 to the callback with the code
	stepToken                 // code exchange with the PKCE verifier
	stepIdentity              // GET the identity URL
	stepDescribe              // GET /sobjects/Lead/describe
	stepQuery                 // GET a Lead query and its nextRecordsUrl pages
	numSteps
)

var stepNames = [numSteps]string{"authorize", "login", "mail", "verify", "allow", "token", "identity", "describe", "query"}

func (s step) String() string { return stepNames[s] }

// leadQuery is the query step's SOQL.
const leadQuery = "SELECT Id, FirstName, LastName, Email, Company, Status, LastModifiedDate FROM Lead"

// target is what every flow shares: mocksf's addresses and the HTTP
// transport.
type target struct {
	// ctl is mocksf's control API and login pages, at the login host
	// http://127.0.0.1:PORT; its Follow is hosts.
	ctl        *mocksfclient.Client
	hosts      map[string]bool // the login host and the orgs' instance hosts
	transport  http.RoundTripper
	apiVersion string
	batchSize  int
	maxPages   int
	records    int // Leads in every org, which the query must find
	// api is a client without cookies for the mail, token and REST steps.
	api *http.Client
}

// worker runs flows one after another as one user of one org.
type worker struct {
	t        *target
	user     string
	email    string
	password string
	oauth    *oauth2.Config
	lastMail string // the ID of the newest message already read
	rec      *recorder
	// token is what the last flow's exchange got, which the -soak modes
	// go on with.
	token *oauth2.Token
}

// stepError is a flow's failure at one step.
type stepError struct {
	step step
	err  error
}

func (e *stepError) Error() string { return e.step.String() + ": " + e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// statusError is an HTTP answer other than the one the step wants.
type statusError struct {
	code int
	body string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("HTTP %d: %.200s", e.code, strings.TrimSpace(e.body))
}

// pageError is a page other than the one the flow expects at that point.
type pageError struct{ msg string }

func (e *pageError) Error() string { return e.msg }

// flow runs one whole flow in a fresh browser, recording each step.
func (w *worker) flow(ctx context.Context) error {
	start := time.Now()
	b := w.t.ctl.NewBrowser(w.oauth.RedirectURL)
	verifier := oauth2.GenerateVerifier()
	state := mocksfclient.RandomState()
	var (
		p       mocksfclient.Page
		code    string
		tok     *oauth2.Token
		authURL = w.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent"))
	)
	steps := []struct {
		s  step
		fn func() error
	}{
		{stepAuthorize, func() (err error) {
			p, err = b.Get(ctx, authURL)
			return want(p, err, mocksfclient.FormLogin)
		}},
		{stepLogin, func() (err error) {
			p, err = b.Submit(ctx, p, mocksfclient.FormLogin, url.Values{"username": {w.user}, "pw": {w.password}})
			return want(p, err, mocksfclient.FormVerify)
		}},
		{stepMail, func() (err error) {
			code, err = w.verificationCode(ctx)
			return err
		}},
		{stepVerify, func() (err error) {
			p, err = b.Submit(ctx, p, mocksfclient.FormVerify, url.Values{"emc": {code}})
			return want(p, err, mocksfclient.FormApproval)
		}},
		{stepAllow, func() (err error) {
			p, err = b.Submit(ctx, p, mocksfclient.FormApproval, url.Values{"decision": {"allow"}})
			if err != nil {
				return err
			}
			if p.Redirect == nil {
				return &pageError{fmt.Sprintf("Allow answered %d at %s, not a redirect to the callback: %s", p.Status, p.URL, p.Problem())}
			}
			q := p.Redirect.Query()
			if e := q.Get("error"); e != "" {
				return &pageError{"the callback got " + e + ": " + q.Get("error_description")}
			}
			if q.Get("state") != state || q.Get("code") == "" {
				return &pageError{"the callback's state or code is wrong: " + p.Redirect.String()}
			}
			code = q.Get("code")
			return nil
		}},
		{stepToken, func() (err error) {
			tok, err = w.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, w.t.api), code, oauth2.VerifierOption(verifier))
			if err == nil && (tok.AccessToken == "" || tok.Extra("instance_url") == nil || tok.Extra("id") == nil) {
				err = &pageError{"the token answer lacks access_token, instance_url or id"}
			}
			w.token = tok
			return err
		}},
		{stepIdentity, func() error {
			id, _ := tok.Extra("id").(string)
			var doc struct {
				UserID   string `json:"user_id"`
				Username string `json:"username"`
			}
			if err := w.t.getJSON(ctx, id, tok.AccessToken, &doc); err != nil {
				return err
			}
			if !strings.EqualFold(doc.Username, w.user) {
				return &pageError{fmt.Sprintf("the identity URL names %q, not %q", doc.Username, w.user)}
			}
			return nil
		}},
		{stepDescribe, func() error {
			instance, _ := tok.Extra("instance_url").(string)
			req, err := apiRequest(ctx, instance+"/services/data/"+w.t.apiVersion+"/sobjects/Lead/describe", tok.AccessToken)
			if err != nil {
				return err
			}
			// A look at the answer rather than a decode, as for query
			// pages: sfload's CPU is mocksf's CPU on one machine.
			return w.t.read(req, func(body []byte) error {
				if !bytes.HasPrefix(body, []byte("{")) || !bytes.Contains(body, []byte(`"name":"Lead"`)) || !bytes.Contains(body, []byte(`"fields":[{`)) {
					return &pageError{fmt.Sprintf("not the Lead describe: %.200s", body)}
				}
				return nil
			})
		}},
		{stepQuery, func() error {
			instance, _ := tok.Extra("instance_url").(string)
			return w.t.query(ctx, instance, tok.AccessToken)
		}},
	}
	for _, s := range steps {
		t0 := time.Now()
		if err := s.fn(); err != nil {
			return &stepError{s.s, err}
		}
		w.rec.took(s.s, time.Since(t0))
	}
	w.rec.flowTook(time.Since(start))
	return nil
}

// want checks that a step ended on the page with the form id.
func want(p mocksfclient.Page, err error, form string) error {
	if err != nil {
		return err
	}
	if p.Status != http.StatusOK {
		return &statusError{p.Status, p.Body}
	}
	if !p.HasForm(form) {
		return &pageError{fmt.Sprintf("want the page with form %s, got %s: %s", form, p.URL.Path, p.Problem())}
	}
	return nil
}

// verificationCode long-polls mocksf's mail for a code newer than the
// last one this worker read; it never sleeps.
func (w *worker) verificationCode(ctx context.Context) (string, error) {
	code, newest, err := w.t.ctl.WaitForCode(ctx, mail.Filter{To: w.email, After: w.lastMail}, mocksfclient.CodeWait)
	if newest != "" {
		w.lastMail = newest
	}
	return code, err
}

// query runs the Lead query and follows nextRecordsUrl up to maxPages
// pages, checking the counts.
func (t *target) query(ctx context.Context, instance, token string) error {
	next := "/services/data/" + t.apiVersion + "/query?q=" + url.QueryEscape(leadQuery)
	got, want := 0, min(t.records, t.batchSize*t.maxPages)
	for page := 0; next != "" && page < t.maxPages; page++ {
		req, err := apiRequest(ctx, instance+next, token)
		if err != nil {
			return err
		}
		if t.batchSize != 2000 {
			req.Header.Set("Sforce-Query-Options", "batchSize="+strconv.Itoa(t.batchSize))
		}
		resp, err := t.do(req)
		if err != nil {
			return err
		}
		res, err := readQueryPage(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if res.TotalSize != t.records {
			return &pageError{fmt.Sprintf("the query's totalSize is %d; want %d", res.TotalSize, t.records)}
		}
		got += res.records
		next = res.NextRecordsURL
		if res.Done != (next == "") {
			return &pageError{"done and nextRecordsUrl disagree"}
		}
	}
	if got != want {
		return &pageError{fmt.Sprintf("the query's pages held %d records; want %d", got, want)}
	}
	return nil
}

// queryPage is a query answer's head and how many records it holds.
type queryPage struct {
	TotalSize      int    `json:"totalSize"`
	Done           bool   `json:"done"`
	NextRecordsURL string `json:"nextRecordsUrl"`
	records        int
}

// readQueryPage decodes the head of a query answer (totalSize, done,
// nextRecordsUrl, which come before the records) and counts its records
// as they stream past, without decoding or keeping them: sfload shares
// the machine, and in -start the heap, with mocksf, and decoding 2,000
// records a page costs about as much CPU as mocksf spends writing them.
func readQueryPage(r io.Reader) (queryPage, error) {
	var p queryPage
	br := bufio.NewReaderSize(r, 16<<10)
	marker := []byte(`"records":[`)
	var head []byte
	for !bytes.HasSuffix(head, marker) {
		chunk, err := br.ReadSlice('[')
		head = append(head, chunk...)
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return p, &pageError{fmt.Sprintf("a query answer without records (%v): %.200s", err, head)}
		}
		if len(head) > 64<<10 {
			return p, &pageError{fmt.Sprintf("a query answer's head is too long: %.200s", head)}
		}
	}
	if err := json.Unmarshal(append(head[:len(head)-1], `[]}`...), &p); err != nil {
		return p, &pageError{fmt.Sprintf("a query answer's head: %v: %.200s", err, head)}
	}
	// Count {"attributes": over a window that carries the end of the
	// previous read, so a record split between two reads counts once.
	record := []byte(`{"attributes":`)
	window := make([]byte, 0, len(record)-1+16<<10)
	chunk := make([]byte, 16<<10)
	for {
		n, err := br.Read(chunk)
		window = append(window, chunk[:n]...)
		p.records += bytes.Count(window, record)
		if err == io.EOF {
			break
		}
		if err != nil {
			return p, err
		}
		keep := min(len(window), len(record)-1)
		window = append(window[:0], window[len(window)-keep:]...)
	}
	if !bytes.HasSuffix(bytes.TrimSpace(window), []byte("]}")) {
		return p, &pageError{"a query answer cut short"}
	}
	return p, nil
}

// getJSON GETs a REST or identity URL with a bearer token and decodes
// its 200 answer.
func (t *target) getJSON(ctx context.Context, u, token string, out any) error {
	req, err := apiRequest(ctx, u, token)
	if err != nil {
		return err
	}
	return t.read(req, func(body []byte) error {
		if err := json.Unmarshal(body, out); err != nil {
			return &pageError{fmt.Sprintf("decoding %s: %v", req.URL.Path, err)}
		}
		return nil
	})
}

// apiRequest is a GET of a REST or identity URL with a bearer token.
func apiRequest(ctx context.Context, u, token string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// answers are buffers for answers read whole, shared by the workers so
// that only the answers being read take memory.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// read sends req and hands its 200 answer to check, in a buffer that is
// reused once check returns.
func (t *target) read(req *http.Request, check func(body []byte) error) error {
	resp, err := t.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	return check(buf.Bytes())
}

// do sends req and returns its answer when it is a 200.
func (t *target) do(req *http.Request) (*http.Response, error) {
	resp, err := t.api.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		return nil, &statusError{resp.StatusCode, string(b)}
	}
	return resp, nil
}
