package setup_test

import (
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// record runs one request through the session and admin middleware and
// returns the whole response.
func record(t *testing.T, d setup.Deps, h http.Handler, sess store.Session, method, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: sess.ID})
	rec := httptest.NewRecorder()
	web.WithSession(d.Store)(setup.RequireAdmin(d.Store, d.Pages)(h)).ServeHTTP(rec, req)
	return rec
}

func quietDeps(st *store.Store) setup.Deps {
	return setup.Deps{Store: st, Pages: web.NewPages(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func TestAppManagerLeadsToTheChooser(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := quietDeps(st)
	rec := record(t, d, setup.HandleAppManager(d), sessions["Acme"], "GET", setup.AppManagerPath, nil)
	want := `<a class="button" id="newConnectedApp" href="` + setup.ChoosePath + `">New Connected App</a>`
	if !strings.Contains(rec.Body.String(), want) {
		t.Errorf("got App Manager without %s", want)
	}
}

func TestChooserPage(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := quietDeps(st)
	page := record(t, d, setup.HandleChooseAppType(d), sessions["Acme"], "GET", setup.ChoosePath, nil).Body.String()
	tests := []struct{ what, want string }{
		{"External Client App radio", `<input type="radio" id="createExternalClientApp" name="appType" value="externalClientApp">`},
		{"its label", `<label class="inline" for="createExternalClientApp">Create an External Client App</label>`},
		{"Connected App radio", `<input type="radio" id="createConnectedApp" name="appType" value="connectedApp">`},
		{"its label", `<label class="inline" for="createConnectedApp">Create a Connected App</label>`},
		{"Continue", `<button type="submit" id="continue">Continue</button>`},
		{"Cancel", `<a class="button neutral" id="cancel" href="` + setup.AppManagerPath + `">Cancel</a>`},
		{"form", `<form id="chooseAppType" method="post" action="` + setup.ChoosePath + `">`},
	}
	for _, tt := range tests {
		if !strings.Contains(page, tt.want) {
			t.Errorf("got the chooser without the %s %s", tt.what, tt.want)
		}
	}
	if strings.Contains(page, " checked") {
		t.Errorf("got a kind of app chosen at first; want none")
	}
	if strings.Index(page, "createExternalClientApp") > strings.Index(page, "createConnectedApp") {
		t.Errorf("got Create a Connected App first; want Create an External Client App first, as Salesforce lists them")
	}
}

func TestChooserContinue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, org, appType string
		restrict           bool
		wantStatus         int
		wantLocation       string
		wantText           string // shown on the page, unescaped
		wantID             string
	}{
		{name: "Connected App", org: "Acme", appType: setup.AppTypeConnected,
			wantStatus: http.StatusFound, wantLocation: setup.EditPath},
		{name: "External Client App", org: "Acme", appType: setup.AppTypeExternalClient,
			wantStatus: http.StatusFound, wantLocation: setup.ECANewPath},
		{name: "nothing chosen", org: "Acme", appType: "",
			wantStatus: http.StatusOK, wantText: setup.MsgChooseAppType, wantID: `id="chooseAppType"`},
		{name: "an unknown kind", org: "Acme", appType: "lightningApp",
			wantStatus: http.StatusOK, wantText: setup.MsgChooseAppType, wantID: `id="chooseAppType"`},
		{name: "Connected App in a restricted org", org: "Acme", appType: setup.AppTypeConnected, restrict: true,
			wantStatus: http.StatusOK, wantText: setup.MsgCreationRestricted, wantID: `id="externalClientAppSettings" href="` + setup.ECASettingsPath + `"`},
		{name: "the restriction's way out", org: "Acme", appType: setup.AppTypeConnected, restrict: true,
			wantStatus: http.StatusOK, wantText: setup.MsgAllowConnectedApps},
		{name: "External Client App in a restricted org", org: "Acme", appType: setup.AppTypeExternalClient, restrict: true,
			wantStatus: http.StatusFound, wantLocation: setup.ECANewPath},
		{name: "Connected App in another org than the restricted one", org: "Globex", appType: setup.AppTypeConnected, restrict: true,
			wantStatus: http.StatusFound, wantLocation: setup.EditPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, sessions := restrictedOrg(t)
			d := quietDeps(st)
			if tt.restrict {
				d.RestrictConnectedApps = func(orgID string) bool { o, err := st.Org(orgID); return err == nil && o.Name == "Acme" }
			}
			sess := sessions[tt.org]
			form := url.Values{"_CONFIRMATIONTOKEN": {sess.CSRF}}
			if tt.appType != "" {
				form.Set("appType", tt.appType)
			}
			rec := record(t, d, setup.HandleChosenAppType(d), sess, "POST", setup.ChoosePath, form)
			if rec.Code != tt.wantStatus {
				t.Errorf("got status %d; want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Header().Get("Location"); got != tt.wantLocation {
				t.Errorf("got Location %q; want %q", got, tt.wantLocation)
			}
			body := html.UnescapeString(rec.Body.String())
			if tt.wantText != "" && !strings.Contains(body, tt.wantText) {
				t.Errorf("got page without %q:\n%s", tt.wantText, body)
			}
			if tt.wantID != "" && !strings.Contains(rec.Body.String(), tt.wantID) {
				t.Errorf("got page without %s", tt.wantID)
			}
		})
	}
}

func TestChooserNeedsCSRFToken(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := quietDeps(st)
	rec := record(t, d, setup.HandleChosenAppType(d), sessions["Acme"], "POST", setup.ChoosePath, url.Values{"appType": {setup.AppTypeConnected}})
	if rec.Code != http.StatusForbidden {
		t.Errorf("got status %d without a CSRF token; want 403", rec.Code)
	}
}

// Setup pages allow form posts to mocksf alone: none of their forms leaves
// it.
func TestSetupPagesKeepFormsOnSite(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := quietDeps(st)
	app := st.Apps(sessions["Acme"].OrgID)[0]
	tests := []struct {
		name, path string
		h          http.Handler
	}{
		{"Setup home", setup.HomePath, setup.HandleHome(d)},
		{"App Manager", setup.AppManagerPath, setup.HandleAppManager(d)},
		{"chooser", setup.ChoosePath, setup.HandleChooseAppType(d)},
		{"New Connected App", setup.EditPath, setup.HandleNewApp(d)},
		{"app page", setup.DetailPath + "?applicationId=" + app.ID, setup.HandleDetail(d)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := record(t, d, tt.h, sessions["Acme"], "GET", tt.path, nil)
			if got := rec.Header().Get("Content-Security-Policy"); got != web.SetupContentSecurityPolicy {
				t.Errorf("got Content-Security-Policy %q; want %q", got, web.SetupContentSecurityPolicy)
			}
			if got := rec.Header().Get("X-Frame-Options"); got != "SAMEORIGIN" {
				t.Errorf("got X-Frame-Options %q; want SAMEORIGIN", got)
			}
		})
	}
}
