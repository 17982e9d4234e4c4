//go:build screenshots

// Screenshots of Beacon's admin pages in each language for
// docs/screenshots/, taken with headless Chromium (Debian's chromium
// package; Japanese needs a CJK font, make fonts) driven by chromedp.
// From the repository root:
//
//	go test -tags screenshots -run TestScreenshots ./client/
//
// For each language the test opens CRM with ?lang= (which the lang
// cookie then keeps), saves a Consumer Key and Secret on Sync with
// Salesforce, and shoots both pages. It fails when a page is not in the
// language asked for, or logs a Content-Security-Policy violation.
package client_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/internal/headless"
)

// screenshotDir is docs/screenshots/ from the package directory.
const screenshotDir = "../docs/screenshots"

func TestScreenshots(t *testing.T) {
	for _, tt := range []struct {
		lang, suffix, title, saved string
	}{
		{"en", "", "Sync with Salesforce", "Credentials saved."},
		{"nl", ".nl", "Synchroniseren met Salesforce", "Credentials opgeslagen."},
		{"ja", ".ja", "Salesforceと同期", "資格情報を保存しました。"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			base := startBeacon(t)
			ctx, logged := headless.Start(t, time.Minute, chromedp.WindowSize(1200, 900))
			shoot := func(name string) {
				t.Helper()
				png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
				if err != nil {
					t.Fatalf("screenshot %s: %v", name, err)
				}
				if err := os.WriteFile(filepath.Join(screenshotDir, name+tt.suffix+".png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			do := func(what string, actions ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				if err := chromedp.Do(ctx, actions...); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
			}
			do("open CRM", chromedp.Navigate(base+"/admin/crm?lang="+tt.lang), chromedp.WaitVisible(chromedp.ID("crm-sync-salesforce")))
			shoot("beacon-crm")
			do("open Sync with Salesforce", chromedp.Click(chromedp.ID("crm-sync-salesforce")), chromedp.WaitVisible(chromedp.ID("consumerKey")),
				chromedp.SendKeys(chromedp.ID("consumerKey"), "3MVG9lKcPoNINVBIPJjdw1J9LLM82HnFVVX19KY1uA5mu0QqEWhqKpoW3svG3XHrXDiCQjK1mdgAvhCscA9GE"),
				chromedp.SendKeys(chromedp.ID("consumerSecret"), "1955279925675241571"),
				chromedp.Click(chromedp.ID("saveCredentials")), chromedp.WaitVisible(chromedp.ID("loginWithSalesforce")))
			shoot("beacon-salesforce")
			page, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + "|" + document.querySelector("h1").textContent + "|" + document.querySelector("#message").textContent`))
			if err != nil {
				t.Fatal(err)
			}
			if want := tt.lang + "|" + tt.title + "|" + tt.saved; page != want {
				t.Errorf("the saved Sync with Salesforce page = %q; want %q", page, want)
			}
			for _, text := range logged() {
				if strings.Contains(text, "Content Security Policy") {
					t.Errorf("a page error: %s", text)
				}
			}
		})
	}
}

// startBeacon serves a Beacon with the OAuth feature, whose Salesforce
// is never called, on a loopback port.
func startBeacon(t *testing.T) string {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	srv, err := client.NewServer(client.Config{SalesforceURL: "http://127.0.0.1:1", BaseURL: base, OAuthFeature: true})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return base
}
