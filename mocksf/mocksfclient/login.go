package mocksfclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/pageform"
)

// The ids of the forms of mocksf's login pages a browserless login fills
// in, and the fields it sets.
const (
	FormLogin    = "login_form"  // the login page: username, pw
	FormVerify   = "verify_form" // Verify Your Identity: emc, the emailed code
	FormApproval = "approval"    // Allow Access: decision=allow
)

// CodeWait is how long a login waits for the emailed verification code.
const CodeWait = 5 * time.Second

// maxPageBytes bounds a page a Browser reads.
const maxPageBytes = 4 << 20

// PageError is a page other than the one a login expects at that point:
// no such form, a refused code, a redirect elsewhere than the callback.
type PageError struct{ Msg string }

func (e *PageError) Error() string { return e.Msg }

func pageErrorf(format string, args ...any) error {
	return &PageError{fmt.Sprintf(format, args...)}
}

// OAuth2Config is an x/oauth2 configuration for a connected app or an
// External Client App of the mocksf: its key, secret and first callback
// URL, mocksf's authorize and token endpoints, and the scopes given
// (none: all the app's scopes).
func (c *Client) OAuth2Config(app control.OrgApp, scopes ...string) *oauth2.Config {
	cfg := &oauth2.Config{
		ClientID: app.ConsumerKey, ClientSecret: app.ConsumerSecret, Scopes: scopes,
		Endpoint: oauth2.Endpoint{AuthURL: c.URL + "/services/oauth2/authorize", TokenURL: c.URL + "/services/oauth2/token"},
	}
	if len(app.CallbackURLs) > 0 {
		cfg.RedirectURL = app.CallbackURLs[0]
	}
	return cfg
}

// Login completes the OAuth 2.0 web-server flow with PKCE for a user, the
// way a person does in a browser but without one: authorize, the login
// page, the emailed verification code, Allow Access, then the code
// exchange with golang.org/x/oauth2. cfg.RedirectURL is the redirect URI;
// nothing needs to listen there.
func (c *Client) Login(ctx context.Context, cfg *oauth2.Config, username, password string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if cfg.RedirectURL == "" {
		return nil, errors.New("the app has no callback URL")
	}
	verifier := oauth2.GenerateVerifier()
	state := RandomState()
	cb, err := c.Authorize(ctx, cfg.AuthCodeURL(state, append(opts, oauth2.S256ChallengeOption(verifier))...), username, password)
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
	return cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, c.httpClient()), q.Get("code"), oauth2.VerifierOption(verifier))
}

// Authorize does the browser's part of the web-server flow for an
// authorize URL another client built (its own state, PKCE challenge and
// redirect_uri): the login page, the emailed verification code and Allow
// Access, as a person would. It returns the callback URL mocksf
// redirected to, with the code or the error.
func (c *Client) Authorize(ctx context.Context, authURL, username, password string) (*url.URL, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return nil, fmt.Errorf("the authorize URL: %w", err)
	}
	redirectURI := u.Query().Get("redirect_uri")
	if redirectURI == "" {
		return nil, errors.New("the authorize URL has no redirect_uri")
	}
	b := c.NewBrowser(redirectURI)
	p, err := b.stay(b.Get(ctx, authURL))
	if err != nil {
		return nil, err
	}
	if p.Callback == nil {
		if p, err = b.LogIn(ctx, p, username, password); err != nil {
			return nil, err
		}
	}
	if p.Callback == nil {
		if !p.HasForm(FormApproval) {
			return nil, pageErrorf("after login: want Allow Access or the callback, got %s: %s", p.URL, p.Problem())
		}
		if p, err = b.stay(b.Submit(ctx, p, FormApproval, url.Values{"decision": {"allow"}})); err != nil {
			return nil, err
		}
	}
	if p.Callback == nil {
		return nil, pageErrorf("Allow did not lead to the callback, but to %s: %s", p.URL, p.Problem())
	}
	return p.Callback, nil
}

// LoggedIn returns an HTTP client with a cookie jar, logged in to
// mocksf's pages as the user (password and emailed code), for tests of
// the Setup pages or of a flow step by step. Redirects to other hosts
// than mocksf's are not followed.
func (c *Client) LoggedIn(ctx context.Context, username, password string) (*http.Client, error) {
	b := c.NewBrowser("")
	p, err := b.stay(b.Get(ctx, c.URL+"/"))
	if err == nil {
		_, err = b.LogIn(ctx, p, username, password)
	}
	if err != nil {
		return nil, err
	}
	return b.HTTP, nil
}

// RandomState returns a fresh OAuth state value.
func RandomState() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Browser is one person's browser on mocksf's pages: it keeps cookies,
// follows redirects between mocksf's hosts (the Client's URL and Follow)
// and stops at any other, the callback in particular.
type Browser struct {
	// HTTP is the browser's client, with its cookie jar.
	HTTP     *http.Client
	c        *Client
	callback string // scheme://host/path of the redirect URI
}

// Page is where a Browser stands: a page of mocksf, or a redirect it did
// not follow.
type Page struct {
	URL    *url.URL // the page's address, after the redirects followed
	Status int
	Body   string
	// Redirect is the Location of a redirect not followed; Callback is
	// the same URL when it is the browser's redirect URI.
	Redirect, Callback *url.URL
}

// NewBrowser returns a browser with no cookies that stops at the
// redirect URI (none when empty).
func (c *Client) NewBrowser(redirectURI string) *Browser {
	jar, _ := cookiejar.New(nil)
	base := c.httpClient()
	b := &Browser{c: c, callback: withoutQuery(redirectURI)}
	loginHost := hostOf(c.URL)
	b.HTTP = &http.Client{Transport: base.Transport, Timeout: base.Timeout, Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if b.callback != "" && withoutQuery(req.URL.String()) == b.callback {
			return http.ErrUseLastResponse
		}
		if h := req.URL.Host; h != loginHost && (c.Follow == nil || !c.Follow(h)) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

// Get opens the URL.
func (b *Browser) Get(ctx context.Context, u string) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return Page{}, err
	}
	return b.do(req)
}

// Submit posts the form with the id on p, with its hidden fields (the
// CSRF token among them) and the given ones, as a browser does.
func (b *Browser) Submit(ctx context.Context, p Page, id string, fields url.Values) (Page, error) {
	action, form, ok := p.Form(id)
	if !ok {
		return p, pageErrorf("no form %s on %s", id, p.URL)
	}
	for k, vs := range fields {
		form[k] = vs
	}
	target, err := p.URL.Parse(action)
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

func (b *Browser) do(req *http.Request) (Page, error) {
	resp, err := b.HTTP.Do(req)
	if err != nil {
		return Page{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes))
	if err != nil {
		return Page{}, err
	}
	p := Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: string(body)}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			return Page{}, fmt.Errorf("a bad Location: %w", err)
		}
		p.Redirect = loc
		if b.callback != "" && withoutQuery(loc.String()) == b.callback {
			p.Callback = loc
		}
	}
	return p, nil
}

// stay turns a redirect to another host than the callback into an error:
// a login that leaves mocksf went wrong.
func (b *Browser) stay(p Page, err error) (Page, error) {
	if err == nil && p.Redirect != nil && p.Callback == nil {
		return p, pageErrorf("redirected away to %s", p.Redirect)
	}
	return p, err
}

// LogIn fills in the login form on p, then the verification code mocksf
// emails, and returns the page after that.
func (b *Browser) LogIn(ctx context.Context, p Page, username, password string) (Page, error) {
	if !p.HasForm(FormLogin) {
		return p, pageErrorf("want the login page, got %s (%d): %s", p.URL, p.Status, p.Problem())
	}
	var before string
	msgs, err := b.c.Mail(ctx, mail.Filter{Username: username}, 0)
	if err != nil {
		return p, err
	}
	if len(msgs) > 0 {
		before = msgs[0].ID
	}
	p, err = b.stay(b.Submit(ctx, p, FormLogin, url.Values{"username": {username}, "pw": {password}}))
	if err != nil {
		return p, err
	}
	if !p.HasForm(FormVerify) {
		return p, pageErrorf("want Verify Your Identity after the password, got %s: %s", p.URL, p.Problem())
	}
	code, _, err := b.c.WaitForCode(ctx, mail.Filter{Username: username, After: before}, CodeWait)
	if err != nil {
		return p, fmt.Errorf("the code for %s: %w", username, err)
	}
	p, err = b.stay(b.Submit(ctx, p, FormVerify, url.Values{"emc": {code}}))
	if err != nil {
		return p, err
	}
	if p.HasForm(FormVerify) {
		return p, pageErrorf("the emailed code was refused: %s", p.Problem())
	}
	return p, nil
}

// Form returns the action and hidden fields of the form with the id.
func (p Page) Form(id string) (action string, fields url.Values, ok bool) {
	return pageform.Form(p.Body, id)
}

// HasForm says whether the page has the form with the id.
func (p Page) HasForm(id string) bool {
	_, _, ok := p.Form(id)
	return ok
}

// Problem says what a page shows that explains an unexpected stop: its
// error message, else its start.
func (p Page) Problem() string { return pageform.Problem(p.Body, 300) }

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
