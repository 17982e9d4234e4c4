//go:build browsersmoke

package client_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestBrowserSmoke(t *testing.T) {
	h := newHarness(t)
	h.fake.SetPageSize(2000)
	h.fake.AddRecords("Lead", 2500)
	h.fake.AddRecords("Contact", 3)
	h.fake.AddRecords("Account", 2)
	dir, _ := os.MkdirTemp("", "chr")
	defer os.RemoveAll(dir)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.NoSandbox, chromedp.UserDataDir(dir),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-sync", true), chromedp.Flag("disable-component-update", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	ctx, cancel3 := context.WithTimeout(ctx, 60*time.Second)
	defer cancel3()
	step := func(name string, err error) {
		t.Helper()
		if err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v\n%s", name, err, html)
		}
		t.Logf("ok: %s", name)
	}
	text := func(id string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(id)))
		step("text "+id, err)
		return strings.TrimSpace(s)
	}
	step("nav", chromedp.Do(ctx, chromedp.Navigate(h.url+"/")))
	step("crm", chromedp.Do(ctx, chromedp.Click(chromedp.ID("nav-crm")), chromedp.WaitVisible(chromedp.ID("crm-sync-salesforce"))))
	step("sf", chromedp.Do(ctx, chromedp.Click(chromedp.ID("crm-sync-salesforce")), chromedp.WaitVisible(chromedp.ID("consumerKey"))))
	step("bad save", chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("consumerKey"), "short"), chromedp.Click(chromedp.ID("saveCredentials")), chromedp.WaitVisible(chromedp.ID("error"))))
	t.Logf("error: %s", text("error"))
	_, err0 := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('consumerKey').value = ''; true`))
	step("clear", err0)
	step("save", chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("consumerKey"), "3MVG9fakeConsumerKey.For_Beacon_Tests0123456789"),
		chromedp.SendKeys(chromedp.ID("consumerSecret"), "1955279925675241571"),
		chromedp.Click(chromedp.ID("saveCredentials")),
		chromedp.WaitVisible(chromedp.ID("message"))))
	t.Logf("message: %s", text("message"))
	step("login", chromedp.Do(ctx, chromedp.Click(chromedp.ID("loginWithSalesforce")), chromedp.WaitVisible(chromedp.ID("confirm-dialog"))))
	t.Logf("user %s org %s", text("sf-username"), text("sf-org"))
	step("confirm", chromedp.Do(ctx, chromedp.Click(chromedp.ID("confirmCredentials")), chromedp.WaitVisible(chromedp.ID("connection"))))
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('field-sync-status').textContent === 'Field sync complete'`))
	step("field sync", err)
	t.Logf("connection %q; %s / %s / %s", text("connection"), text("field-sync-Lead"), text("field-sync-Contact"), text("field-sync-Account"))
	step("start sf sync", chromedp.Do(ctx, chromedp.Click(chromedp.ID("startSalesforceSync")), chromedp.WaitVisible(chromedp.ID("sync-panel"))))
	step("start sync", chromedp.Do(ctx, chromedp.Click(chromedp.ID("startSync"))))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('sync-status').textContent === 'Sync running'`))
	step("sync running", err)
	t.Logf("counts %s %s %s; last error %q", text("count-Lead"), text("count-Contact"), text("count-Account"), text("last-error"))
	h.fake.AddRecords("Lead", 1)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('count-Lead').textContent === '2501'`))
	step("incremental in page", err)

	// Error path: denied.
	h.fake.SetAuthorizeError("access_denied")
	step("reload", chromedp.Do(ctx, chromedp.Navigate(h.url+"/admin/crm/salesforce"), chromedp.WaitVisible(chromedp.ID("loginWithSalesforce"))))
	step("denied", chromedp.Do(ctx, chromedp.Click(chromedp.ID("loginWithSalesforce")), chromedp.WaitVisible(chromedp.ID("error"))))
	t.Logf("error: %s", text("error"))

	// Pop-up blocked.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.open = function(){ return null; }; true`))
	step("stub open", err)
	step("blocked", chromedp.Do(ctx, chromedp.Click(chromedp.ID("loginWithSalesforce")), chromedp.WaitVisible(chromedp.ID("popup-blocked"))))
	t.Logf("blocked: %s", text("popup-blocked"))
	_ = http.StatusOK
}
