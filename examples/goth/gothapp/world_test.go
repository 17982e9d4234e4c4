package gothapp_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/examples/goth/gothapp"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

const (
	syncUser = "sync@acme.test"
	syncPass = "Sync-Pass-1"
)

// leads are the org's Leads, in the order the query returns them.
var leads = []map[string]any{
	{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Analytical Engines"},
	{"FirstName": "Grace", "LastName": "Hopper", "Company": "Navy"},
	{"FirstName": "Alan", "LastName": "Turing", "Company": "Bletchley"},
}

// world is one mocksf with one org, the product started against it, and
// one person's browser on both.
type world struct {
	t   *testing.T
	srv *mocksftest.Server
	app *gothapp.Server
	org mocksftest.Org
	b   *mocksfclient.Browser
}

func newWorld(t *testing.T, opts ...mocksftest.Option) *world {
	t.Helper()
	srv := mocksftest.NewServer(t, append([]mocksftest.Option{mocksftest.WithSeed([]byte("orgs: []"))}, opts...)...)
	app, err := gothapp.Start("", gothapp.Config{LoginURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := app.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	org := srv.NewOrg(t, mocksftest.OrgSpec{
		Name: "Acme",
		Users: []mocksftest.UserSpec{
			{Username: "admin@acme.test", Password: "Admin-Pass-1", Admin: true},
			{Username: syncUser, Password: syncPass, FirstName: "Sam", LastName: "Sync"},
		},
		ConnectedApps: []mocksftest.AppSpec{{
			Name: "Goth Demo", CallbackURLs: []string{app.CallbackURL}, Scopes: []string{"api", "id", "refresh_token"},
		}},
		Records: mocksftest.RecordsSpec{Explicit: map[string][]map[string]any{"Lead": leads}},
	})
	return &world{t: t, srv: srv, app: app, org: org, b: srv.Control.NewBrowser(app.CallbackURL)}
}

// perOrgHosts gives each org its own instance host, as Salesforce's My
// Domains and the e2e suite's mocksf (INSTANCE_HOSTS=per-org) do.
func perOrgHosts(c *mocksf.Config) { c.InstanceHosts = "per-org" }

// key and secret are the org's connected app's.
func (w *world) key() string    { return w.org.ConnectedApps[0].ConsumerKey }
func (w *world) secret() string { return w.org.ConnectedApps[0].ConsumerSecret }

// open opens the product's page.
func (w *world) open() mocksfclient.Page {
	w.t.Helper()
	p, err := w.b.Get(context.Background(), w.app.URL+"/")
	if err != nil {
		w.t.Fatalf("open the page: %v", err)
	}
	return p
}

// submit posts a form of the product's page and follows the product's
// redirect (the browser follows only mocksf's by itself).
func (w *world) submit(p mocksfclient.Page, form string, fields url.Values) mocksfclient.Page {
	w.t.Helper()
	p, err := w.b.Submit(context.Background(), p, form, fields)
	if err != nil {
		w.t.Fatalf("submit %s: %v", form, err)
	}
	if p.Redirect != nil && p.Callback == nil && strings.HasPrefix(p.Redirect.String(), w.app.URL) {
		if p, err = w.b.Get(context.Background(), p.Redirect.String()); err != nil {
			w.t.Fatalf("after %s: %v", form, err)
		}
	}
	return p
}

// save fills in and saves the settings.
func (w *world) save(key, secret string) mocksfclient.Page {
	w.t.Helper()
	return w.submit(w.open(), "settings_form", url.Values{"consumer_key": {key}, "consumer_secret": {secret}, "login_url": {w.srv.URL}})
}

// connect clicks Connect to Salesforce and walks mocksf's pages as a
// person does: the login page, the emailed verification code, then the
// decision on Allow Access. It returns the product's callback page.
func (w *world) connect(decision string) mocksfclient.Page {
	w.t.Helper()
	ctx := context.Background()
	p := w.submit(w.open(), "connect_form", nil)
	if !strings.HasPrefix(p.URL.String(), w.srv.URL) || !p.HasForm(mocksfclient.FormLogin) {
		w.t.Fatalf("Connect to Salesforce ended at %s (%d); want mocksf's login page: %s", p.URL, p.Status, p.Problem())
	}
	p, err := w.b.LogIn(ctx, p, syncUser, syncPass)
	if err != nil {
		w.t.Fatalf("log in as %s: %v", syncUser, err)
	}
	if p, err = w.b.Submit(ctx, p, mocksfclient.FormApproval, url.Values{"decision": {decision}}); err != nil {
		w.t.Fatalf("%s: %v", decision, err)
	}
	if p.Callback == nil {
		w.t.Fatalf("%s ended at %s (redirect %v); want the product's callback", decision, p.URL, p.Redirect)
	}
	if p, err = w.b.Get(ctx, p.Callback.String()); err != nil {
		w.t.Fatalf("callback: %v", err)
	}
	return p
}

// post sends a form to the product with the browser's cookies and the
// given fields only.
func (w *world) post(path string, fields url.Values, header http.Header) mocksfclient.Page {
	w.t.Helper()
	req, err := http.NewRequest(http.MethodPost, w.app.URL+path, strings.NewReader(fields.Encode()))
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := w.b.HTTP.Do(req)
	if err != nil {
		w.t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		w.t.Fatalf("POST %s: %v", path, err)
	}
	return mocksfclient.Page{URL: resp.Request.URL, Status: resp.StatusCode, Body: string(body)}
}

// text returns the text of the element with the id on the page, "" when
// there is none.
func text(p mocksfclient.Page, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(p.Body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// errorCode returns #error's data-error.
func errorCode(p mocksfclient.Page) string {
	m := regexp.MustCompile(`id="error"[^>]*data-error="([^"]*)"`).FindStringSubmatch(p.Body)
	if m == nil {
		return ""
	}
	return m[1]
}

// records returns the names listed under #records.
func records(p mocksfclient.Page) []string {
	var names []string
	for _, m := range regexp.MustCompile(`<li class="record">([^<]*)</li>`).FindAllStringSubmatch(p.Body, -1) {
		names = append(names, html.UnescapeString(m[1]))
	}
	return names
}
