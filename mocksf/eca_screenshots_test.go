//go:build screenshots

package mocksf_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sfharness/sfharness/mocksf/setup"
)

// TestExternalClientAppScreenshots walks New External Client App in
// headless Chromium: the API name derived as the name is typed, the scope
// picker, Create, the Settings and Policies tabs, Consumer Key and Secret
// behind the emailed code, and External Client App Settings; one PNG per
// page in docs/screenshots/eca-*.png. It fails on a Content-Security-Policy
// violation.
func TestExternalClientAppScreenshots(t *testing.T) {
	srv, ts := newServer(t)
	w := newBrowserWalk(t)
	do, eval, shoot := w.do, w.eval, w.shoot
	code := func() string { return w.code(srv, "admin@acme.test") }

	do("log in", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin@acme.test"), chromedp.SendKeys(chromedp.ID("password"), "Admin-Pass-1"),
		chromedp.Click(chromedp.ID("Login")), chromedp.WaitVisible(chromedp.ID("emc")))
	do("verify", chromedp.SendKeys(chromedp.ID("emc"), code()), chromedp.Click(chromedp.ID("save")), chromedp.WaitReady("body"))

	do("open App Manager", chromedp.Navigate(ts.URL+setup.AppManagerPath), chromedp.WaitVisible(chromedp.ID("appList")))
	shoot("eca-app-manager.png")
	do("New External Client App", chromedp.Click(chromedp.ID("newExternalClientApp")), chromedp.WaitVisible(chromedp.ID("externalClientAppForm")),
		chromedp.SendKeys(chromedp.ID("name"), "Beacon  Sync 2!"))
	if got := eval(`document.getElementById("apiName").value`); got != "Beacon_Sync_2" {
		t.Errorf("derived API name %q; want Beacon_Sync_2", got)
	}
	do("fill in the form",
		chromedp.SendKeys(chromedp.ID("contactEmail"), "admin@acme.test"),
		chromedp.Evaluate[chromedp.Void](`document.getElementById("distributionState").value = "Local"`),
		chromedp.Click(chromedp.ID("oauthEnabled")), chromedp.WaitVisible(chromedp.ID("callbackUrl")),
		chromedp.SendKeys(chromedp.ID("callbackUrl"), "http://127.0.0.1:9000/cb"),
		chromedp.Evaluate[chromedp.Void](`for (const o of document.getElementById("availableScopes").options)
			o.selected = ["api", "refresh_token"].includes(o.value.split(" ")[0])`),
		chromedp.Click(chromedp.ID("addScope")),
		chromedp.Click(chromedp.ID("enableJwtBearer")), chromedp.WaitVisible(chromedp.ID("certificate")),
		chromedp.Click(chromedp.ID("enableJwtBearer")))
	shoot("eca-new.png")
	do("Create", chromedp.Click(chromedp.ID("create")), chromedp.WaitVisible(chromedp.ID("settingsTab")))
	shoot("eca-settings-tab.png")
	if got := eval(`document.getElementById("detailScopes").textContent`); !strings.Contains(got, "(api)") || !strings.Contains(got, "refresh_token") {
		t.Errorf("saved scopes %q", got)
	}
	if got := eval(`document.getElementById("consumerKeyAndSecret").form.target`); got != "_blank" {
		t.Errorf("Consumer Key and Secret opens in %q; want _blank", got)
	}
	// The new tab is this tab here: the post is the same.
	do("Consumer Key and Secret", chromedp.Evaluate[chromedp.Void](`document.getElementById("consumerKeyAndSecret").form.target = "_self"`),
		chromedp.Click(chromedp.ID("consumerKeyAndSecret")), chromedp.WaitVisible(chromedp.ID("emc")))
	do("verify for the key", chromedp.SendKeys(chromedp.ID("emc"), code()), chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("consumerSecret")), chromedp.Click(chromedp.ID("copyConsumerKey")))
	shoot("eca-consumer.png")
	do("Policies", chromedp.Click(chromedp.ID("backToApp")), chromedp.WaitVisible(chromedp.ID("policiesTab")),
		chromedp.Click(chromedp.ID("policiesTab")), chromedp.WaitVisible(chromedp.ID("editPolicies")))
	shoot("eca-policies-tab.png")
	do("Edit Policies", chromedp.Click(chromedp.ID("editPolicies")), chromedp.WaitVisible(chromedp.ID("sessionTimeout")))
	shoot("eca-edit-policies.png")
	do("External Client App Manager", chromedp.Navigate(ts.URL+setup.ECAManagerPath), chromedp.WaitVisible(chromedp.ID("externalClientAppList")))
	shoot("eca-manager.png")
	do("External Client App Settings", chromedp.Click(chromedp.ID("externalClientAppSettings")), chromedp.WaitVisible(chromedp.ID("allowConnectedAppCreation")),
		chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("saved")))
	shoot("eca-settings.png")
	w.pageErrors("Content Security Policy", "Uncaught")
}
