package product_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"example.com/ownproduct/product"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

const (
	syncUser = "sync@ledgerly.test"
	syncPass = "Sync-Pass-1"
)

// world is mocksf with one org whose connected app calls back to a
// Ledgerly started beside it.
type world struct {
	sf      *mocksftest.Server
	org     mocksftest.Org
	product string // Ledgerly's base URL
}

func newWorld(t *testing.T) *world {
	t.Helper()
	sf := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []")))
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	h = product.New(product.Config{SalesforceURL: sf.URL, BaseURL: ts.URL})
	org := sf.NewOrg(t, mocksftest.OrgSpec{
		Name:  "Ledgerly Test",
		Users: []mocksftest.UserSpec{{Username: syncUser, Password: syncPass}},
		ConnectedApps: []mocksftest.AppSpec{{Name: "Ledgerly", CallbackURLs: []string{ts.URL + product.CallbackPath},
			Scopes: []string{"api", "id", "refresh_token"}}},
	})
	return &world{sf: sf, org: org, product: ts.URL}
}

// browser is the admin's browser on Ledgerly: cookies kept, redirects not
// followed, so each test sees where the product sends it.
type browser struct {
	t    *testing.T
	http *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t, &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is an answer: its status, body and Location.
type page struct {
	status   int
	body     string
	location string
}

func (b *browser) get(u string) page {
	b.t.Helper()
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatalf("GET %s: %v", u, err)
	}
	return read(b.t, resp)
}

// submit posts the form with the id on the page at pageURL with its hidden
// fields (the CSRF token) and the given ones.
func (b *browser) submit(pageURL, id string, fields url.Values) page {
	b.t.Helper()
	p := b.get(pageURL)
	action, form, ok := mocksfclient.Page{Body: p.body}.Form(id)
	if !ok {
		b.t.Fatalf("no form %s on %s: %s", id, pageURL, p.body)
	}
	for k, v := range fields {
		form[k] = v
	}
	base, _ := url.Parse(pageURL)
	target, _ := base.Parse(action)
	resp, err := b.http.PostForm(target.String(), form)
	if err != nil {
		b.t.Fatalf("POST %s: %v", target, err)
	}
	return read(b.t, resp)
}

func read(t *testing.T, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{resp.StatusCode, string(body), resp.Header.Get("Location")}
}

// connect saves the app's key and secret and clicks Connect to
// Salesforce, returning the authorize URL the window is sent to.
func (w *world) connect(t *testing.T, b *browser, secret string) string {
	t.Helper()
	settings := w.product + "/settings"
	app := w.org.ConnectedApps[0]
	if p := b.submit(settings, "sf-settings", url.Values{"client_id": {app.ConsumerKey}, "client_secret": {secret}}); p.status != http.StatusSeeOther {
		t.Fatalf("Save: %d; want 303: %s", p.status, p.body)
	}
	p := b.submit(settings, "sf-connect-form", nil)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, w.sf.URL+"/services/oauth2/authorize?") {
		t.Fatalf("Connect: %d to %q; want 303 to mocksf's authorize endpoint: %s", p.status, p.location, p.body)
	}
	return p.location
}

func TestConnectShowsTheSalesforceUser(t *testing.T) {
	w := newWorld(t)
	b := newBrowser(t)
	authURL := w.connect(t, b, w.org.ConnectedApps[0].ConsumerSecret)
	q, _ := url.Parse(authURL)
	if got := q.Query().Get("code_challenge_method"); got != "S256" || q.Query().Get("code_challenge") == "" || q.Query().Get("state") == "" {
		t.Errorf("authorize URL %s: want a state and an S256 code challenge", authURL)
	}
	cb := w.sf.Authorize(t, authURL, syncUser, syncPass)
	if p := b.get(cb.String()); p.status != http.StatusSeeOther || p.location != "/settings" {
		t.Fatalf("callback: %d to %q; want 303 to /settings: %s", p.status, p.location, p.body)
	}
	p := b.get(w.product + "/settings")
	for _, want := range []string{`id="sf-link-status">Connected as ` + syncUser + "<", `id="sf-identity-org">` + w.org.ID + "<"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("settings page lacks %q:\n%s", want, p.body)
		}
	}
	// The code was exchanged with the verifier of the challenge sent:
	// mocksf refuses a token request whose code_verifier does not match.
	if n := len(w.sf.Requests(mocksftest.RequestFilter{Path: "/services/oauth2/token"})); n != 1 {
		t.Errorf("token requests: %d; want 1", n)
	}
}

func TestCallbackRefused(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name string
		// callback turns the real callback URL into the one the product gets.
		callback func(cb *url.URL) string
		browser  func(b *browser) *browser
	}{
		{"a wrong state", func(cb *url.URL) string {
			q := cb.Query()
			q.Set("state", "not-the-state-sent")
			cb.RawQuery = q.Encode()
			return cb.String()
		}, func(b *browser) *browser { return b }},
		{"another browser", func(cb *url.URL) string { return cb.String() }, func(b *browser) *browser { return newBrowser(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			cb := w.sf.Authorize(t, w.connect(t, b, w.org.ConnectedApps[0].ConsumerSecret), syncUser, syncPass)
			p := tc.browser(b).get(tc.callback(cb))
			if p.status != http.StatusBadRequest || !strings.Contains(p.body, `data-code="state_mismatch"`) || !strings.Contains(p.body, "does not belong to a connection started in this browser") {
				t.Errorf("callback with %s: %d; want 400 with the state message:\n%s", tc.name, p.status, p.body)
			}
			if p := b.get(w.product + "/settings"); !strings.Contains(p.body, ">Not connected<") {
				t.Errorf("after a refused callback the page says:\n%s", p.body)
			}
		})
	}
}

func TestSalesforceErrorIsShown(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name, secret string
		deny         bool
		fault        *mocksftest.Rule // in force from the callback on
		want         string
	}{
		{"Deny on Allow Access", w.org.ConnectedApps[0].ConsumerSecret, true, nil, "Salesforce refused the connection: access_denied: end-user denied authorization"},
		{"a wrong Consumer Secret", strings.Repeat("0", 64), false, nil, "Salesforce refused the connection: invalid_client: invalid client credentials"},
		// Salesforce's identity services answer a bad token with 403
		// and the text Bad_OAuth_Token (salesforce-reference.md, §7).
		{"the identity URL refuses the token", w.org.ConnectedApps[0].ConsumerSecret, false,
			&mocksftest.Rule{Path: "/id/**", Status: http.StatusForbidden, Body: "Bad_OAuth_Token", Times: 1},
			"Salesforce refused the connection: identity: 403 Forbidden Bad_OAuth_Token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t)
			authURL := w.connect(t, b, tc.secret)
			var cb *url.URL
			if tc.deny {
				cb = deny(t, w.sf, authURL)
			} else {
				cb = w.sf.Authorize(t, authURL, syncUser, syncPass)
			}
			if tc.fault != nil {
				w.sf.Fault(t, *tc.fault)
			}
			p := b.get(cb.String())
			if p.status != http.StatusOK || !strings.Contains(p.body, `id="problem"`) || !strings.Contains(p.body, tc.want) {
				t.Errorf("callback: %d; want 200 showing %q:\n%s", p.status, tc.want, p.body)
			}
		})
	}
}

// deny logs in on mocksf's pages and clicks Deny on Allow Access,
// returning the callback URL Salesforce sends the browser to.
func deny(t *testing.T, sf *mocksftest.Server, authURL string) *url.URL {
	t.Helper()
	ctx := context.Background()
	u, _ := url.Parse(authURL)
	b := sf.Control.NewBrowser(u.Query().Get("redirect_uri"))
	p, err := b.Get(ctx, authURL)
	if err == nil {
		p, err = b.LogIn(ctx, p, syncUser, syncPass)
	}
	if err == nil {
		p, err = b.Submit(ctx, p, mocksfclient.FormApproval, url.Values{"decision": {"deny"}})
	}
	if err != nil || p.Callback == nil {
		t.Fatalf("Deny: %v, at %v", err, p.URL)
	}
	return p.Callback
}

func TestBadInputGetsAPage(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		status             int
		code               string
	}{
		{"a form without the CSRF token", "POST", "/settings", url.Values{"client_id": {"k"}, "client_secret": {"s"}}, http.StatusForbidden, "csrf"},
		{"Connect without the CSRF token", "POST", "/connect", nil, http.StatusForbidden, "csrf"},
		{"an unknown path", "GET", "/nope", nil, http.StatusNotFound, "not_found"},
		{"a callback with no login", "GET", product.CallbackPath + "?code=x&state=y", nil, http.StatusBadRequest, "state_mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, w.product+tc.path, strings.NewReader(tc.form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			p := read(t, resp)
			if p.status != tc.status || !strings.Contains(p.body, `data-code="`+tc.code+`"`) {
				t.Errorf("%s %s: %d; want %d with the %s message:\n%s", tc.method, tc.path, p.status, tc.status, tc.code, p.body)
			}
		})
	}
	t.Run("Connect before saving", func(t *testing.T) {
		p := newBrowser(t).submit(w.product+"/settings", "sf-connect-form", nil)
		if p.status != http.StatusBadRequest || !strings.Contains(p.body, "Save the Consumer Key and Consumer Secret before connecting.") {
			t.Errorf("Connect before Save: %d:\n%s", p.status, p.body)
		}
	})
}
