package mocksftest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"

	"github.com/sfharness/sfharness/mocksf/pageform"
	"golang.org/x/oauth2"
)

// Login completes the OAuth 2.0 web-server flow with PKCE for a user and
// a connected app or an External Client App (which requires PKCE by
// default), the way a person does in a browser but without one:
// authorize, the login page, the emailed verification code, Allow Access,
// then the code exchange with golang.org/x/oauth2. It returns the token
// a client would hold (Extra("instance_url"), Extra("id") and the
// refresh token when the app grants one). The app's first callback URL is
// the redirect URI; nothing needs to listen there.
func (s *Server) Login(t TB, username, password string, app OrgApp) *oauth2.Token {
	t.Helper()
	tok, err := s.login(username, password, app)
	if err != nil {
		t.Fatalf("mocksftest: login as %s with %q: %v", username, app.Name, err)
	}
	return tok
}

// Browser returns an HTTP client with a cookie jar, logged in to mocksf's
// pages as the user (password and emailed code), for tests of the Setup
// pages or of a flow step by step. Redirects to other hosts are not
// followed.
func (s *Server) Browser(t TB, username, password string) *http.Client {
	t.Helper()
	b := s.newBrowser("")
	page, err := b.get(s.URL + "/")
	if err == nil {
		_, err = b.logIn(s, page, username, password)
	}
	if err != nil {
		t.Fatalf("mocksftest: browser login as %s: %v", username, err)
	}
	return b.c
}

// Authorize does the browser's part of the web-server flow for an
// authorize URL another client built (its own state, PKCE challenge and
// redirect_uri): the login page, the emailed verification code and Allow
// Access, as a person would. It returns the callback URL mocksf
// redirected to, with the code or the error, for that client to exchange
// itself; nothing needs to listen there.
func (s *Server) Authorize(t TB, authURL, username, password string) *url.URL {
	t.Helper()
	cb, err := s.authorize(authURL, username, password)
	if err != nil {
		t.Fatalf("mocksftest: authorize as %s: %v", username, err)
	}
	return cb
}

func (s *Server) login(username, password string, app OrgApp) (*oauth2.Token, error) {
	cfg := s.OAuth2Config(app)
	if cfg.RedirectURL == "" {
		return nil, fmt.Errorf("the app has no callback URL")
	}
	verifier := oauth2.GenerateVerifier()
	state := randomState()
	cb, err := s.authorize(cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier)), username, password)
	if err != nil {
		return nil, err
	}
	q := cb.Query()
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("the callback got %s: %s", e, q.Get("error_description"))
	}
	if q.Get("state") != state {
		return nil, fmt.Errorf("the callback's state %q is not the one sent", q.Get("state"))
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, s.Client())
	tok, err := cfg.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, err
	}
	return tok, nil
}

// authorize walks a fresh browser from authURL to its redirect_uri.
func (s *Server) authorize(authURL, username, password string) (*url.URL, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("the authorize URL: %w", err)
	}
	redirectURI := u.Query().Get("redirect_uri")
	if redirectURI == "" {
		return nil, fmt.Errorf("the authorize URL has no redirect_uri")
	}
	b := s.newBrowser(redirectURI)
	page, err := b.get(authURL)
	if err != nil {
		return nil, err
	}
	if page.callback == nil {
		if page, err = b.logIn(s, page, username, password); err != nil {
			return nil, err
		}
	}
	if page.callback == nil {
		if !page.hasForm("approval") {
			return nil, fmt.Errorf("after login: want Allow Access or the callback, got %s: %s", page.url, page.problem())
		}
		if page, err = b.submit(page, "approval", url.Values{"decision": {"allow"}}); err != nil {
			return nil, err
		}
	}
	if page.callback == nil {
		return nil, fmt.Errorf("the Allow button did not lead to the callback, but to %s: %s", page.url, page.problem())
	}
	return page.callback, nil
}

func randomState() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// browser is a cookie-keeping client that stops at the callback.
type browser struct {
	c        *http.Client
	callback string // scheme://host/path of the redirect URI
}

// page is where the browser stands: a mocksf page, or the callback URL
// mocksf redirected to.
type page struct {
	url      *url.URL
	status   int
	body     string
	callback *url.URL
}

func (s *Server) newBrowser(redirectURI string) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{callback: withoutQuery(redirectURI)}
	base := s.Client()
	b.c = &http.Client{Transport: base.Transport, Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return fmt.Errorf("stopped after 10 redirects")
		}
		if b.callback != "" && withoutQuery(req.URL.String()) == b.callback {
			return http.ErrUseLastResponse
		}
		if h := req.URL.Host; h != hostOf(s.URL) && !s.Mocksf.IsInstanceHost(h) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func withoutQuery(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host + u.Path
}

func (b *browser) get(u string) (page, error) { return b.do(b.c.Get(u)) }

func (b *browser) do(resp *http.Response, err error) (page, error) {
	if err != nil {
		return page{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return page{}, err
	}
	p := page{url: resp.Request.URL, status: resp.StatusCode, body: string(body)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			return page{}, err
		}
		if b.callback != "" && withoutQuery(loc.String()) == b.callback {
			p.callback = loc
			return p, nil
		}
		return p, fmt.Errorf("redirected away to %s", loc)
	}
	return p, nil
}

// logIn fills in the login form on p, then the verification code mocksf
// emails, and returns the page after that.
func (b *browser) logIn(s *Server, p page, username, password string) (page, error) {
	if !p.hasForm("login_form") {
		return p, fmt.Errorf("want the login page, got %s (%d): %s", p.url, p.status, p.problem())
	}
	before, err := s.newestMail(username)
	if err != nil {
		return p, err
	}
	p, err = b.submit(p, "login_form", url.Values{"username": {username}, "pw": {password}})
	if err != nil {
		return p, err
	}
	if !p.hasForm("verify_form") {
		return p, fmt.Errorf("want Verify Your Identity after the password, got %s: %s", p.url, p.problem())
	}
	code, err := s.newestCode(username, before)
	if err != nil {
		return p, err
	}
	p, err = b.submit(p, "verify_form", url.Values{"emc": {code}})
	if err != nil {
		return p, err
	}
	if p.hasForm("verify_form") {
		return p, fmt.Errorf("the emailed code was refused: %s", p.problem())
	}
	return p, nil
}

// form returns the action and hidden fields of the form with the id.
func (p page) form(id string) (action string, fields url.Values, ok bool) {
	return pageform.Form(p.body, id)
}

func (p page) hasForm(id string) bool {
	_, _, ok := p.form(id)
	return ok
}

// problem says what a page shows that explains an unexpected stop.
func (p page) problem() string { return pageform.Problem(p.body, 300) }

// submit posts the form with the id, its hidden fields and the given
// ones, as a browser does.
func (b *browser) submit(p page, id string, fields url.Values) (page, error) {
	action, form, ok := p.form(id)
	if !ok {
		return p, fmt.Errorf("no form %s on %s", id, p.url)
	}
	for k, vs := range fields {
		form[k] = vs
	}
	target, err := p.url.Parse(action)
	if err != nil {
		return p, err
	}
	return b.do(b.c.PostForm(target.String(), form))
}
