//go:build screenshots

// Screenshots of mocksf's main pages for docs/screenshots/, taken with
// headless Chromium (Debian's chromium package) driven by chromedp. From
// the repository root:
//
//	go test -tags screenshots -run TestScreenshots ./mocksf/
//
// The test logs in as the seeded admin (the code comes from the server's
// mailer), walks Setup to a new connected app and its consumer details,
// then opens Allow Access, saving one PNG per page. It fails when a page
// reports a Content-Security-Policy violation.
package mocksf_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sfharness/sfharness/internal/headless"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/setup"
)

// screenshotDir is docs/screenshots/ from the package directory.
const screenshotDir = "../docs/screenshots"

// browserWalk is a screenshot test's headless Chromium: it collects what
// the pages log and saves PNGs into screenshotDir.
type browserWalk struct {
	t      *testing.T
	ctx    context.Context
	logged func() []string
}

func newBrowserWalk(t *testing.T) *browserWalk {
	ctx, logged := headless.Start(t, 2*time.Minute, chromedp.WindowSize(1200, 900))
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browserWalk{t: t, ctx: ctx, logged: logged}
}

// do runs actions, failing the test with what on an error.
func (w *browserWalk) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	w.t.Helper()
	if err := chromedp.Do(w.ctx, actions...); err != nil {
		w.t.Fatalf("%s: %v", what, err)
	}
}

// eval is the string value of js in the page.
func (w *browserWalk) eval(js string) string {
	w.t.Helper()
	v, err := chromedp.Run(w.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		w.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// shoot saves the whole page as screenshotDir/name.
func (w *browserWalk) shoot(name string) {
	w.t.Helper()
	png, err := chromedp.Run(w.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		w.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name), png, 0o644); err != nil {
		w.t.Fatal(err)
	}
	w.t.Logf("%s: %d KB", name, len(png)/1024)
}

// code is the first verification code srv mailed to to.
func (w *browserWalk) code(srv *mocksf.Server, to string) string {
	w.t.Helper()
	mails := srv.Mailer().Sent(to)
	if len(mails) == 0 {
		w.t.Fatalf("no code mailed to %s", to)
	}
	return mails[0].Code
}

// pageErrors fails the test for every logged text with one of markers.
func (w *browserWalk) pageErrors(markers ...string) {
	w.t.Helper()
	for _, text := range w.logged() {
		for _, m := range markers {
			if strings.Contains(text, m) {
				w.t.Errorf("got a page error: %s", text)
				break
			}
		}
	}
}

func TestScreenshots(t *testing.T) {
	srv, ts := newServer(t)
	w := newBrowserWalk(t)
	do, shoot := w.do, w.shoot
	code := func(to string) string { return w.code(srv, to) }

	do("open the login page", chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin@acme.test"),
		chromedp.SendKeys(chromedp.ID("password"), "Admin-Pass-1"))
	shoot("login.png")

	do("log in", chromedp.Click(chromedp.ID("Login")), chromedp.WaitVisible(chromedp.ID("emc")))
	shoot("verify-your-identity.png")

	do("verify", chromedp.SendKeys(chromedp.ID("emc"), code("admin@acme.test")), chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.ID("lightningHome")))
	shoot("lightning-home.png")

	do("open the gear menu", chromedp.Click(chromedp.ID("setupGear")), chromedp.WaitVisible(chromedp.ID("setupMenuItem")))
	shoot("setup-gear-menu.png")

	do("choose Setup", chromedp.Click(chromedp.ID("setupMenuItem")), chromedp.WaitVisible(chromedp.ID("setupTree")))
	shoot("setup-home.png")

	// Quick Find filters as one types (quick-find.js), then Enter asks
	// Setup Home for the same tree.
	do("Quick Find", chromedp.SendKeys(chromedp.ID("quickFind"), "External Client App Manager"),
		chromedp.WaitNotVisible(chromedp.ID("appManager")), chromedp.WaitVisible(chromedp.ID("externalClientAppManager")),
		chromedp.SendKeys(chromedp.ID("quickFind"), "\n"), chromedp.WaitVisible(chromedp.ID("quickFindResults")))
	shoot("setup-quick-find.png")

	do("open App Manager", chromedp.Navigate(ts.URL+setup.HomePath), chromedp.WaitVisible(chromedp.ID("appManager")),
		chromedp.Click(chromedp.ID("appManager")), chromedp.WaitVisible(chromedp.ID("appList")))
	shoot("app-manager.png")

	do("click New Connected App", chromedp.Click(chromedp.ID("newConnectedApp")), chromedp.WaitVisible(chromedp.ID("chooseAppType")))
	shoot("new-app-chooser.png")

	do("choose Create a Connected App", chromedp.Click(chromedp.ID("createConnectedApp")), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("connectedAppForm")),
		chromedp.SendKeys(chromedp.ID("name"), "Beacon Sync"),
		chromedp.SendKeys(chromedp.ID("contactEmail"), "admin@acme.test"),
		chromedp.SendKeys(chromedp.ID("contactPhone"), "+1 415 555 0100"),
		chromedp.SendKeys(chromedp.ID("infoUrl"), "https://beacon.example.com/about"),
		chromedp.Click(chromedp.ID("oauthEnabled")),
		chromedp.WaitVisible(chromedp.ID("callbackUrl")),
		chromedp.SendKeys(chromedp.ID("callbackUrl"), "http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"),
		// Pick a few scopes in the Available list, then Add them.
		chromedp.Evaluate[chromedp.Void](`for (const o of document.getElementById("availableScopes").options)
			o.selected = ["api", "refresh_token", "id", "openid"].includes(o.value.split(" ")[0])`),
		chromedp.Click(chromedp.ID("addScope")),
	)
	shoot("new-connected-app.png")

	do("save", chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("propagationNotice")))
	shoot("app-saved.png")

	do("open the app and Manage Consumer Details", chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("manageConsumerDetails")), chromedp.Click(chromedp.ID("manageConsumerDetails")),
		chromedp.WaitVisible(chromedp.ID("emc")))
	do("verify for the consumer details", chromedp.SendKeys(chromedp.ID("emc"), code("admin@acme.test")),
		chromedp.Click(chromedp.ID("save")), chromedp.WaitVisible(chromedp.ID("consumerSecret")))
	shoot("consumer-details.png")

	// External Client App pages: their screenshots go here once those
	// pages are merged (External Client App Manager, New External Client
	// App, the app's Settings and Policies tabs, External Client App
	// Settings), each reached from the Setup sidebar
	// (externalClientAppManager, externalClientAppSettingsNav).

	// Allow Access for the seeded app, as the logged-in admin.
	do("authorize", chromedp.Navigate(oauthConfig(ts).AuthCodeURL("st4te")), chromedp.WaitVisible(chromedp.ID("oaapprove")))
	shoot("allow-access.png")

	do("open the Setup home once more", chromedp.Navigate(ts.URL+setup.HomePath), chromedp.WaitVisible(chromedp.ID("setupTree")))
	w.pageErrors("Content Security Policy")
}

// TestScreenshotsInLanguages saves the login page (?locale=), Verify Your
// Identity and Allow Access in Dutch and Japanese, as the users of
// languageSeed see them: login.nl.png, verify-your-identity.ja.png, ….
// Japanese needs a CJK font next to Chromium (Debian's fonts-noto-cjk).
func TestScreenshotsInLanguages(t *testing.T) {
	for _, tt := range []struct{ lang, locale, admin string }{
		{"nl", "nl", "beheerder@acme.test"},
		{"ja", "jp", "kanri@acme.test"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			w := newBrowserWalk(t)
			do, shoot := w.do, func(page string) { w.shoot(page + "." + tt.lang + ".png") }
			do("open the login page", chromedp.Navigate(ts.URL+"/?locale="+tt.locale), chromedp.WaitVisible(chromedp.ID("username")),
				chromedp.SendKeys(chromedp.ID("username"), tt.admin),
				chromedp.SendKeys(chromedp.ID("password"), "Admin-Pass-1"))
			shoot("login")
			do("log in", chromedp.Click(chromedp.ID("Login")), chromedp.WaitVisible(chromedp.ID("emc")))
			shoot("verify-your-identity")
			do("verify", chromedp.SendKeys(chromedp.ID("emc"), w.code(srv, tt.admin)), chromedp.Click(chromedp.ID("save")),
				chromedp.WaitVisible(chromedp.ID("lightningHome")))
			do("authorize", chromedp.Navigate(oauthConfig(ts).AuthCodeURL("st4te")), chromedp.WaitVisible(chromedp.ID("oaapprove")))
			shoot("allow-access")
			if lang := w.eval(`document.documentElement.lang`); lang != tt.lang {
				t.Errorf("Allow Access has lang %q; want %q", lang, tt.lang)
			}
			w.pageErrors("Content Security Policy")
		})
	}
}
