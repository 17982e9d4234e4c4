package mocksf_test

import (
	"bytes"
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/internal/xsstest"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// ecaPages are the External Client App pages a GET opens, for the app
// given.
func ecaPages(app store.ConnectedApp) []string {
	id := "?applicationId=" + app.ID
	return []string{
		setup.ECAManagerPath, setup.ECANewPath, setup.ECADetailPath + id, setup.ECADetailPath + id + "&tab=policies",
		setup.ECAEditSettingsPath + id, setup.ECAPoliciesPath + id, setup.ECAVerifyPath + id, setup.ECADeletePath + id,
		setup.ECASettingsPath, setup.LightningAppPath + "?app=LightningSales",
	}
}

func TestExternalClientAppPagesNeedAnAdmin(t *testing.T) {
	srv, ts := newServer(t)
	app := newECA(t, srv, "Beacon")
	user, token := loggedIn(t, srv, ts, "sync@acme.test", "Sync-Pass-1")
	anon := browser(t, ts)
	for _, p := range append(ecaPages(app), setup.ECAConsumerPath+"?applicationId="+app.ID) {
		t.Run("GET "+p, func(t *testing.T) { checkAdminOnlyGET(t, ts, user, anon, p) })
	}
	id := "?applicationId=" + app.ID
	for _, p := range []string{setup.ECANewPath, setup.ECAEditSettingsPath + id, setup.ECAPoliciesPath + id, setup.ECAConsumerPath,
		setup.ECAVerifyPath + id, setup.ECADeletePath + id, setup.ECASettingsPath} {
		t.Run("POST "+p, func(t *testing.T) {
			form := with(validECAForm(token), map[string]string{"applicationId": app.ID, "allowConnectedAppCreation": "1"})
			resp, page := post(t, user, ts.URL+p, form)
			checkInsufficientPrivileges(t, resp, page)
		})
	}
	if _, err := srv.Store().AppByKey(app.ConsumerKey); err != nil {
		t.Errorf("a non-admin deleted the app")
	}
}

func TestExternalClientAppPagesSendSecurityHeaders(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	app := newECA(t, srv, "Beacon")
	for _, p := range ecaPages(app) {
		t.Run(p, func(t *testing.T) {
			resp, _ := get(t, c, ts.URL+p)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got %d", resp.StatusCode)
			}
			checkSecurityHeaders(t, resp, web.SetupContentSecurityPolicy)
		})
	}
}

func TestExternalClientAppPagesEscapeWhatAdminsType(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	const evil = xsstest.Script
	app := evilApp(t, srv, evil, true)
	verifyForConsumer(t, srv, ts, c, token, setup.ECAConsumerPath, setup.ECAVerifyPath, app.ID)
	for _, p := range append(ecaPages(app), setup.AppManagerPath, setup.ECAConsumerPath+"?applicationId="+app.ID) {
		t.Run(p, func(t *testing.T) { checkPageEscapes(t, c, ts.URL+p, evil, false) })
	}
	// What is typed into the form comes back escaped on an error.
	_, page := post(t, c, ts.URL+setup.ECANewPath, with(validECAForm(token), map[string]string{"name": evil, "contactEmail": evil}))
	xsstest.CheckEscaped(t, "the refused form", page, evil, true)
}

// A certificate larger than the form's bound meets the connected-app
// form's message with 413, never a 500.
func TestNewExternalClientAppRefusesALargeCertificate(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	big := bytes.Repeat([]byte("A"), setup.MaxAppFormBytes+1)
	resp, page := postMultipart(t, c, ts.URL+setup.ECANewPath, with(validECAForm(token), map[string]string{"enableJwtBearer": "1"}), big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(html.UnescapeString(page), setup.MsgCertificateTooLarge) {
		t.Errorf("got %d; want 413 %q", resp.StatusCode, setup.MsgCertificateTooLarge)
	}
	for _, a := range srv.Store().Apps(srv.Store().Orgs()[0].ID) {
		if a.External() {
			t.Errorf("a refused form saved %q", a.Name)
		}
	}
}

// With Enable OAuth off the app is saved without OAuth settings, and its
// Settings tab says so instead of offering the consumer key.
func TestNewExternalClientAppWithoutOAuth(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	form := with(validECAForm(token), map[string]string{"oauthEnabled": "", "callbackUrl": "", "scopes": ""})
	resp, page := post(t, c, ts.URL+setup.ECANewPath, form)
	if resp.Request.URL.Path != setup.ECADetailPath {
		t.Fatalf("Create led to %s: %s", resp.Request.URL.Path, page)
	}
	if !strings.Contains(page, `id="oauthDisabled"`) || strings.Contains(page, `id="consumerKeyAndSecret"`) {
		t.Errorf("Settings tab of an app without OAuth")
	}
	if app := appNamed(t, srv, "Beacon Sync"); app.OAuthEnabled || len(app.CallbackURLs) != 0 || app.Policy.Flows.Device {
		t.Errorf("saved %+v", app)
	}
}
