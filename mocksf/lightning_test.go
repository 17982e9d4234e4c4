package mocksf_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/setup"
)

// The layout hard-codes the paths of the gear menu's Setup and the logo
// (a template cannot import setup's constants); these must stay in step.
func TestLayoutLinksMatchThePaths(t *testing.T) {
	if login.HomePath != setup.LightningHomePath {
		t.Errorf("got login.HomePath %q; want setup.LightningHomePath %q", login.HomePath, setup.LightningHomePath)
	}
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	resp, page := get(t, c, ts.URL+setup.LightningHomePath)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d from the Lightning home page; want 200", resp.StatusCode)
	}
	wantContains(t, page, "the Lightning home page",
		`id="appLauncher"`, `id="globalSearch"`, `id="setupGear"`, `id="logout"`,
		`<a role="menuitem" id="setupMenuItem" href="`+setup.HomePath+`">Setup</a>`,
		`href="`+setup.LightningHomePath+`"`,
	)
	if strings.Contains(page, `id="setupTree"`) {
		t.Errorf("the Lightning home page has the Setup sidebar; want it on Setup pages only")
	}
}

// Every Setup page has the sidebar with Quick Find and the tree's links.
func TestSetupPagesHaveTheSidebar(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	for _, p := range []string{setup.HomePath, setup.AppManagerPath, setup.ManageAppsPath, setup.EditPath} {
		t.Run(p, func(t *testing.T) {
			_, page := get(t, c, ts.URL+p)
			wantContains(t, page, p,
				`id="setupTree"`, `id="quickFind"`, `id="setupGear"`,
				`id="appManager" href="`+setup.AppManagerPath+`"`,
				`id="manageConnectedApps" href="`+setup.ManageAppsPath+`"`,
				`id="externalClientAppManager" href="`+setup.ECAManagerPath+`"`,
				`id="externalClientAppSettingsNav" href="`+setup.ECASettingsPath+`"`,
			)
		})
	}
	_, page := get(t, c, ts.URL+setup.HomePath+"?q=External+Client+App+Manager")
	if !strings.Contains(page, `id="externalClientAppManager"`) || strings.Contains(page, `id="appManager"`) {
		t.Errorf("Quick Find %q: want only External Client App Manager in the tree", "External Client App Manager")
	}
}

// A user who is not an admin lands on the Lightning home page too.
func TestLightningHomeNeedsALogin(t *testing.T) {
	_, ts := newServer(t)
	c := browser(t, ts)
	resp, _ := get(t, c, ts.URL+setup.LightningHomePath)
	if resp.Request.URL.Path != "/" || resp.Request.URL.Query().Get("startURL") != setup.LightningHomePath {
		t.Errorf("got %s logged out; want the login page with startURL %s", resp.Request.URL, setup.LightningHomePath)
	}
}

// Public page objects for login.salesforce.com select on this structure.
func TestLoginPageHasSalesforcesStructure(t *testing.T) {
	_, ts := newServer(t)
	_, page := get(t, browser(t, ts), ts.URL+"/?startURL=%2Fsetup")
	wantContains(t, page, "the login page",
		`<form id="login_form" name="login"`,
		`<div id="usernamegroup" class="inputgroup">`,
		`<input type="password" class="input password" id="password" name="pw"`,
		`id="Login" name="Login" value="Log In"`, `id="rememberUn"`,
		`<a id="forgot_password_link" href="`+login.ForgotPasswordPath+`?startURL=%2Fsetup">Forgot Your Password?</a>`,
		`<a id="mydomainLink" href="`+login.CustomDomainPath+`?startURL=%2Fsetup">Use Custom Domain</a>`,
	)
}
