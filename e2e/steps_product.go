// The steps of the catalogue's section "Product" (e2e/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package e2e

import (
	"fmt"
	"strconv"
	"strings"
)

func (w *world) opensSyncPage() error {
	win, err := w.mainWindow()
	if err != nil {
		return err
	}
	if err := win.Navigate(w.clientURL() + "/admin"); err != nil {
		return err
	}
	if err := win.Click("nav-crm"); err != nil {
		return err
	}
	if err := win.Click("crm-sync-salesforce"); err != nil {
		return err
	}
	return win.WaitFor("the Sync with Salesforce page", `document.querySelector("h1") && document.querySelector("h1").textContent.includes("Sync with Salesforce")`)
}

func (w *world) savesCredentials() error {
	win := w.current
	if w.consumerKey == "" {
		return fmt.Errorf("no Consumer Key was copied from Salesforce")
	}
	if err := win.Type("consumerKey", w.consumerKey); err != nil {
		return err
	}
	if err := win.Type("consumerSecret", w.consumerSecret); err != nil {
		return err
	}
	// Save posts and reloads the page: wait for the new page, or an old
	// notice would pass for the new one.
	if err := win.ClickAndWaitNewPage("saveCredentials"); err != nil {
		return err
	}
	return win.WaitVisible("message")
}

func (w *world) productAsksToConfirm(username string) error {
	win := w.main
	w.current = win
	if err := win.WaitVisible("confirm-dialog"); err != nil {
		return err
	}
	if err := win.WaitFor("the Salesforce username in the dialog",
		fmt.Sprintf(`document.getElementById("sf-username").textContent.trim() === %s`, strconv.Quote(w.user(username)))); err != nil {
		return err
	}
	return win.WaitVisible("confirmCredentials")
}

func (w *world) fieldSyncFinishes() error {
	win := w.current
	if err := win.WaitFor("the field sync to complete", `document.getElementById("field-sync-status") && document.getElementById("field-sync-status").textContent.includes("Field sync complete")`); err != nil {
		return err
	}
	for _, object := range []string{"Lead", "Contact", "Account"} {
		if _, err := win.Text("field-sync-" + object); err != nil {
			return err
		}
	}
	return win.WaitFor("Start Salesforce Sync to be enabled", `!document.getElementById("startSalesforceSync").disabled`)
}

func (w *world) syncIsRunning() error {
	return w.current.WaitFor("the sync to run", `document.getElementById("sync-status").textContent.includes("Sync running")`)
}

func (w *world) productShowsCounts(leads, contacts, accounts string) error {
	want := map[string]string{"Lead": leads, "Contact": contacts, "Account": accounts}
	for object, n := range want {
		n = strings.ReplaceAll(n, ",", "")
		// Salesforce must agree, or the scenario tests nothing.
		if err := w.refreshOrg(); err != nil {
			return err
		}
		if got := w.org.Records[object]; strconv.Itoa(got) != n {
			return fmt.Errorf("the org in Salesforce holds %d %s records; the scenario expects %s", got, object, n)
		}
		if err := w.current.WaitFor(fmt.Sprintf("%s %s records synced", n, object),
			fmt.Sprintf(`document.getElementById("count-%s").textContent.trim() === %s`, object, strconv.Quote(n))); err != nil {
			got, _ := w.current.Text("count-" + object)
			return fmt.Errorf("%w (the product shows %q)", err, got)
		}
	}
	return nil
}

// connectsWithClientCredentials chooses the product's integration-user
// connection, types the copied Consumer Key and Secret and the org's My
// Domain URL (its instance host: the client credentials flow is served
// only there), and clicks Connect.
func (w *world) connectsWithClientCredentials() error {
	if w.consumerKey == "" {
		return fmt.Errorf("no Consumer Key was copied from Salesforce")
	}
	if w.org == nil || w.org.InstanceURL == "" {
		return fmt.Errorf("the org has no My Domain (instance) URL in mocksf's control API")
	}
	win := w.current
	if err := win.Click("connectionClientCredentials"); err != nil {
		return err
	}
	for id, text := range map[string]string{"consumerKey": w.consumerKey, "consumerSecret": w.consumerSecret, "myDomainUrl": w.org.InstanceURL} {
		if err := win.Type(id, text); err != nil {
			return err
		}
	}
	return win.ClickAndWaitNewPage("connectClientCredentials")
}

// productConnectedAs waits until the product says whom it is connected as.
func (w *world) productConnectedAs(alias string) error {
	want := "Connected as " + w.user(alias)
	return w.current.WaitFor(fmt.Sprintf("the product to say %q", want),
		fmt.Sprintf(`(() => { const e = document.getElementById("connection"); return !!e && e.textContent.includes(%s); })()`, strconv.Quote(want)))
}

func (w *world) productSaysFeatureOff() error {
	text, err := w.main.Text("feature-disabled")
	if err != nil {
		return err
	}
	if !strings.Contains(text, "Enable OAuth for SFDC sync") {
		return fmt.Errorf("the product says %q; want it to name the feature", text)
	}
	return nil
}

func (w *world) productOffersNoLogin() error {
	n, err := Eval[int](w.main, `document.querySelectorAll("#loginWithSalesforce").length`)
	if err != nil {
		return err
	}
	if n != 0 {
		return fmt.Errorf("the product offers Login with Salesforce although the feature is off")
	}
	return nil
}

func (w *world) productSaysAllowPopups() error {
	text, err := w.main.Text("popup-blocked")
	if err != nil {
		return err
	}
	if !strings.Contains(strings.ToLower(text), "pop-up") {
		return fmt.Errorf("the product says %q; want it to ask to allow pop-ups", text)
	}
	return nil
}

func (w *world) productShowsError(text string) error {
	win := w.main
	w.current = win
	return win.WaitFor(fmt.Sprintf("the product to show the error %q", text),
		fmt.Sprintf(`(() => { const e = document.getElementById("error"); return e && e.offsetParent !== null && e.textContent.includes(%s); })()`, strconv.Quote(text)))
}

func (w *world) productShowsSyncError(text string) error {
	win := w.main
	w.current = win
	return win.WaitFor(fmt.Sprintf("the product to show the sync error %q", text),
		fmt.Sprintf(`["last-error", "sync-status", "field-sync-status", "error"].some(id => { const e = document.getElementById(id); return e && e.textContent.includes(%s); })`, strconv.Quote(text)))
}

// logsInAndConfirms is part 2 up to Confirm Credentials, for scenarios
// about what comes after it: save the key and secret, log in in the
// pop-up with the emailed code, Allow, Confirm Credentials.
func (w *world) logsInAndConfirms(username, password string) error {
	if w.consumerKey == "" {
		return fmt.Errorf("no connected app: add a Given step that creates one")
	}
	steps := []func() error{
		w.opensSyncPage,
		func() error {
			// Saved already (a second login)? Then keep what is there.
			if n, _ := Eval[int](w.main, `document.querySelectorAll("#loginWithSalesforce").length`); n > 0 && w.savedOnce {
				return nil
			}
			w.savedOnce = true
			return w.savesCredentials()
		},
		func() error { return w.clicks("Login with Salesforce") },
		func() error { return w.logsInInPopup(username, password) },
		w.popupCloses,
		func() error { return w.productAsksToConfirm(username) },
		func() error { return w.clicks("Confirm Credentials") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// connectsProduct is the whole of part 2: logsInAndConfirms, then waits for
// the field sync and starts the sync.
func (w *world) connectsProduct(username, password string) error {
	if err := w.logsInAndConfirms(username, password); err != nil {
		return err
	}
	steps := []func() error{
		w.fieldSyncFinishes,
		func() error { return w.clicks("Start Salesforce Sync") },
		func() error { return w.clicks("Start Sync") },
		w.syncIsRunning,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) savesWrongSecret(secret string) error {
	w.consumerSecret = secret
	if w.main == nil {
		if err := w.opensSyncPage(); err != nil {
			return err
		}
	}
	return w.savesCredentials()
}

func (w *world) productNotConnected() error {
	return w.main.WaitFor("the product to say it is not connected", `(() => {
		const c = document.getElementById("connection");
		return !c || c.offsetParent === null || c.textContent.includes("Not connected");
	})()`)
}

func (w *world) productRestarts() error {
	// Wait until the sync is really under way, then stop mid-flight.
	if err := w.main.WaitFor("the sync to start pulling", `document.getElementById("sync-status").textContent.trim() !== "Not started"`); err != nil {
		return err
	}
	if w.suite.ClientURL != "" {
		return fmt.Errorf("this scenario restarts the product, which it cannot do to the one at CLIENT_URL (run it without CLIENT_URL)")
	}
	w.stopClient()
	if err := w.startClient(w.clientOAuth); err != nil {
		return err
	}
	return w.main.Navigate(w.clientURL() + "/admin/crm/salesforce")
}

func (w *world) productHoldsLeadsOnce() error {
	if err := w.refreshOrg(); err != nil {
		return err
	}
	want := strconv.Itoa(w.org.Records["Lead"])
	got, err := w.main.Text("count-Lead")
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("the product holds %s leads; Salesforce has %s: every lead must arrive exactly once", got, want)
	}
	return nil
}

// logsInInPopup does what the pop-up asks: Salesforce remembers a browser
// that logged in before and a user who allowed the app before, so a second
// login may skip the login page, the code or Allow Access.
func (w *world) logsInInPopup(username, password string) error {
	win := w.popup
	if win == nil {
		return fmt.Errorf("no pop-up is open")
	}
	for {
		var page string
		err := win.WaitFor("the pop-up to show a page to act on", byID(sfUsername)+" || "+byID(sfCode)+" || "+byID(sfAllow))
		if win.Closed() {
			return nil
		}
		if err != nil {
			return err
		}
		page, _ = Eval[string](win, byID(sfUsername)+` ? "login" : `+byID(sfCode)+` ? "verify" : "approve"`)
		switch page {
		case "login":
			err = w.syncUserLogsIn(username, password)
		case "verify":
			err = w.entersEmailedCode(username)
		default:
			err = w.clicks("Allow")
			if err == nil {
				return nil
			}
		}
		if err != nil {
			return err
		}
	}
}

func (w *world) productShowsNoSyncError() error {
	return w.main.WaitFor("the sync to run without an error", `(() => {
		const s = document.getElementById("sync-status"), e = document.getElementById("last-error");
		return s && s.textContent.includes("Sync running") && (!e || e.textContent.trim() === "" || e.textContent.trim() === "none");
	})()`)
}
