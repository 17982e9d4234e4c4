package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/mocksf/pageform"
	"golang.org/x/oauth2"
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

// maxPageBytes bounds an HTML page sfload reads.
const maxPageBytes = 1 << 20

// target is what every flow shares: mocksf's addresses and the HTTP
// transport.
type target struct {
	base         string // the login host, http://127.0.0.1:PORT
	hosts        map[string]bool
	transport    http.RoundTripper
	timeout      time.Duration
	controlToken string
	apiVersion   string
	batchSize    int
	maxPages     int
	records      int // Leads in every org, which the query must find
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
	jar, _ := cookiejar.New(nil)
	b := &browser{c: &http.Client{Transport: w.t.transport, Jar: jar, Timeout: w.t.timeout, CheckRedirect: w.t.stayOnMocksf}}
	verifier := oauth2.GenerateVerifier()
	state := randomHex(12)
	var (
		p       page
		code    string
		tok     *oauth2.Token
		authURL = w.oauth.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("prompt", "consent"))
	)
	steps := []struct {
		s  step
		fn func() error
	}{
		{stepAuthorize, func() (err error) {
			p, err = b.get(ctx, authURL)
			return want(p, err, "login_form")
		}},
		{stepLogin, func() (err error) {
			p, err = b.submit(ctx, p, "login_form", url.Values{"username": {w.user}, "pw": {w.password}})
			return want(p, err, "verify_form")
		}},
		{stepMail, func() (err error) {
			code, err = w.verificationCode(ctx)
			return err
		}},
		{stepVerify, func() (err error) {
			p, err = b.submit(ctx, p, "verify_form", url.Values{"emc": {code}})
			return want(p, err, "approval")
		}},
		{stepAllow, func() (err error) {
			p, err = b.submit(ctx, p, "approval", url.Values{"decision": {"allow"}})
			if err != nil {
				return err
			}
			if p.redirect == nil {
				return &pageError{fmt.Sprintf("Allow answered %d at %s, not a redirect to the callback: %s", p.status, p.url, p.problem())}
			}
			q := p.redirect.Query()
			if e := q.Get("error"); e != "" {
				return &pageError{"the callback got " + e + ": " + q.Get("error_description")}
			}
			if q.Get("state") != state || q.Get("code") == "" {
				return &pageError{"the callback's state or code is wrong: " + p.redirect.String()}
			}
			code = q.Get("code")
			return nil
		}},
		{stepToken, func() (err error) {
			tok, err = w.oauth.Exchange(context.WithValue(ctx, oauth2.HTTPClient, w.t.api), code, oauth2.VerifierOption(verifier))
			if err == nil && (tok.AccessToken == "" || tok.Extra("instance_url") == nil || tok.Extra("id") == nil) {
				err = &pageError{"the token answer lacks access_token, instance_url or id"}
			}
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
func want(p page, err error, form string) error {
	if err != nil {
		return err
	}
	if p.status != http.StatusOK {
		return &statusError{p.status, p.body}
	}
	if !p.hasForm(form) {
		return &pageError{fmt.Sprintf("want the page with form %s, got %s: %s", form, p.url.Path, p.problem())}
	}
	return nil
}

// verificationCode long-polls mocksf's mail for a code newer than the
// last one this worker read; it never sleeps.
func (w *worker) verificationCode(ctx context.Context) (string, error) {
	q := url.Values{"to": {w.email}, "wait": {"5s"}}
	if w.lastMail != "" {
		q.Set("after", w.lastMail)
	}
	var msgs []struct {
		ID   string `json:"id"`
		Code string `json:"code"`
	}
	if err := w.t.control(ctx, "GET", "/__mocksf/mail?"+q.Encode(), nil, http.StatusOK, &msgs); err != nil {
		return "", err
	}
	if len(msgs) == 0 {
		return "", &pageError{"no verification code came within 5s"}
	}
	// Newest first: the code this login sent.
	w.lastMail = msgs[0].ID
	if msgs[0].Code == "" {
		return "", &pageError{"the newest mail has no verification code"}
	}
	return msgs[0].Code, nil
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

// control sends a request to mocksf's control API and decodes its answer
// when out is not nil.
func (t *target) control(ctx context.Context, method, path string, body io.Reader, wantStatus int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, t.base+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if t.controlToken != "" {
		req.Header.Set("Authorization", "Bearer "+t.controlToken)
	}
	resp, err := t.api.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != wantStatus {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return &statusError{resp.StatusCode, string(b)}
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			return fmt.Errorf("decoding %s %s: %w", method, req.URL.Path, err)
		}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return nil
}

// stayOnMocksf follows redirects between mocksf's pages and stops at any
// other host: the connected app's callback, which nothing serves.
func (t *target) stayOnMocksf(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if !t.hosts[req.URL.Host] {
		return http.ErrUseLastResponse
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// browser is one flow's cookie-keeping client.
type browser struct{ c *http.Client }

// page is where the browser stands: a page of mocksf, or a redirect to
// another host (the callback) it did not follow.
type page struct {
	url      *url.URL
	status   int
	body     string
	redirect *url.URL
}

func (b *browser) get(ctx context.Context, u string) (page, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return page{}, err
	}
	return b.do(req)
}

func (b *browser) do(req *http.Request) (page, error) {
	resp, err := b.c.Do(req)
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return page{}, err
	}
	p := page{url: resp.Request.URL, status: resp.StatusCode, body: string(body)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			return page{}, fmt.Errorf("a bad Location: %w", err)
		}
		p.redirect = loc
	}
	return p, nil
}

// submit posts the form with the id, its hidden fields and the given
// ones, as a browser does.
func (b *browser) submit(ctx context.Context, p page, id string, fields url.Values) (page, error) {
	action, form, ok := p.form(id)
	if !ok {
		return p, &pageError{fmt.Sprintf("no form %s on %s", id, p.url.Path)}
	}
	for k, vs := range fields {
		form[k] = vs
	}
	target, err := p.url.Parse(action)
	if err != nil {
		return p, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", target.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return p, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// form returns the action and hidden fields of the form with the id.
func (p page) form(id string) (action string, fields url.Values, ok bool) {
	return pageform.Form(p.body, id)
}

func (p page) hasForm(id string) bool { return strings.Contains(p.body, `id="`+id+`"`) }

// problem says what a page shows that explains an unexpected stop.
func (p page) problem() string { return pageform.Problem(p.body, 200) }
