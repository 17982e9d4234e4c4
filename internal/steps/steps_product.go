// The steps of the catalogue's section "Product" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"fmt"
	"strconv"
	"strings"
)

// product is the run's product profile (PRODUCT), with the labels and
// texts of the feature's language.
func (w *world) product() *Profile { return w.suite.Product.inLanguage(w.lang) }

func (w *world) opensSyncPage() error {
	open := w.product().Steps.Open
	win, err := w.mainWindow()
	if err != nil {
		return err
	}
	if err := win.Navigate(resolve(w.clientURL(), open.URL)); err != nil {
		return err
	}
	for _, sel := range open.Click {
		if err := win.clickCSS(sel); err != nil {
			return err
		}
	}
	return win.WaitFor(fmt.Sprintf("the page %q", orNone(open.Text)), shows(open.Selector, open.Text))
}

// shows is the JavaScript condition that the element sel (the first
// match) is there and its text includes text.
func shows(sel, text string) string {
	return fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.textContent.includes(%s); })()`, strconv.Quote(sel), strconv.Quote(text))
}

func (w *world) savesCredentials() error {
	win := w.current
	if w.consumerKey == "" {
		return fmt.Errorf("no Consumer Key was copied from Salesforce")
	}
	s := w.product().Steps
	if err := win.typeCSS(s.ConsumerKey.Selector, w.consumerKey); err != nil {
		return err
	}
	if err := win.typeCSS(s.ConsumerSecret.Selector, w.consumerSecret); err != nil {
		return err
	}
	// Save posts and reloads the page (reloads: true): wait for the new
	// page, or an old notice would pass for the new one.
	if err := w.clicksProductButton(win, s.Save, "save"); err != nil {
		return err
	}
	if s.Saved == nil {
		return nil
	}
	return win.waitVisibleCSS(s.Saved.Selector)
}

// clicksProductButton clicks the profile's button (steps.<path>) in win,
// once it says the profile's label; Login with Salesforce then continues
// in the pop-up it opens or, with login: redirect, in win itself.
func (w *world) clicksProductButton(win *Window, b *ProfileButton, path string) error {
	if b.Label != "" {
		js := fmt.Sprintf(`(() => {
			const e = document.querySelector(%s);
			return !!e && e.offsetParent !== null && (e.tagName === "INPUT" ? e.value : e.textContent).trim() === %s;
		})()`, strconv.Quote(b.Selector), strconv.Quote(b.Label))
		if err := win.WaitFor(fmt.Sprintf("a visible %q button (%s)", b.Label, b.Selector), js); err != nil {
			return err
		}
	}
	if path == "loginWithSalesforce" && w.product().redirects() {
		// The window goes to Salesforce, or, when Salesforce still
		// knows the login and the approval, straight back; a pop-up
		// blocker has nothing to stop.
		return win.clickAndWaitNewPageCSS(b.Selector)
	}
	if path == "loginWithSalesforce" && !w.popupsBlocked {
		popup, err := win.clickOpeningPopupCSS(b.Selector, "popup")
		if err != nil {
			return err
		}
		w.popup, w.current = popup, popup
		return nil
	}
	if b.Reloads {
		return win.clickAndWaitNewPageCSS(b.Selector)
	}
	return win.clickCSS(b.Selector)
}

func (w *world) productAsksToConfirm(username string) error {
	win := w.main
	w.current = win
	s := w.product().Steps
	dialog, err := w.product().element(s.ConfirmDialog, "confirmDialog", "the dialog asking to confirm the credentials")
	if err != nil {
		return err
	}
	if err := win.waitVisibleCSS(dialog.Selector); err != nil {
		return err
	}
	if s.ConfirmUsername != nil {
		if err := win.WaitFor("the Salesforce username in the dialog",
			fmt.Sprintf(`document.querySelector(%s).textContent.trim() === %s`, strconv.Quote(s.ConfirmUsername.Selector), strconv.Quote(w.user(username)))); err != nil {
			return err
		}
	}
	if s.ConfirmCredentials == nil {
		return nil
	}
	return win.waitVisibleCSS(s.ConfirmCredentials.Selector)
}

func (w *world) fieldSyncFinishes() error {
	win := w.current
	p := w.product()
	status, err := p.element(p.Steps.FieldSync, "fieldSync", "the field sync's status")
	if err != nil {
		return err
	}
	if err := win.WaitFor("the field sync to complete", shows(status.Selector, status.Text)); err != nil {
		return err
	}
	if o := p.Steps.FieldSyncObject; o != nil {
		for _, object := range []string{"Lead", "Contact", "Account"} {
			if _, err := win.textCSS(fill(o.Selector, "object", object)); err != nil {
				return err
			}
		}
	}
	if b := p.Steps.StartSalesforceSync; b != nil {
		return win.WaitFor("Start Salesforce Sync to be enabled", fmt.Sprintf(`!document.querySelector(%s).disabled`, strconv.Quote(b.Selector)))
	}
	return nil
}

func (w *world) syncIsRunning() error {
	p := w.product()
	running, err := p.element(p.Steps.SyncRunning, "syncRunning", "the sync's status while it runs")
	if err != nil {
		return err
	}
	return w.current.WaitFor("the sync to run", shows(running.Selector, running.Text))
}

func (w *world) productShowsCounts(leads, contacts, accounts string) error {
	p := w.product()
	count, err := p.element(p.Steps.Count, "count", "the count of an object's records synced")
	if err != nil {
		return err
	}
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
		sel := fill(count.Selector, "object", object)
		if err := w.current.WaitFor(fmt.Sprintf("%s %s records synced", n, object),
			fmt.Sprintf(`document.querySelector(%s).textContent.trim() === %s`, strconv.Quote(sel), strconv.Quote(n))); err != nil {
			got, _ := w.current.textCSS(sel)
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
	cc := w.product().Steps.ClientCredentials
	if cc == nil {
		return w.product().missing("steps.clientCredentials", "the integration-user connection")
	}
	win := w.current
	if err := win.clickCSS(cc.Choose); err != nil {
		return err
	}
	for _, f := range [][2]string{{cc.ConsumerKey, w.consumerKey}, {cc.ConsumerSecret, w.consumerSecret}, {cc.MyDomain, w.org.InstanceURL}} {
		if err := win.typeCSS(f[0], f[1]); err != nil {
			return err
		}
	}
	return w.clicksProductButton(win, cc.Connect, "clientCredentials.connect")
}

// productConnectedAs waits until the product says whom it is connected as.
func (w *world) productConnectedAs(alias string) error {
	p := w.product()
	c, err := p.element(p.Steps.ConnectedAs, "connectedAs", "whom the product is connected as")
	if err != nil {
		return err
	}
	want := fill(c.Text, "user", w.user(alias))
	return w.current.WaitFor(fmt.Sprintf("the product to say %q", want), shows(c.Selector, want))
}

func (w *world) productSaysFeatureOff() error {
	p := w.product()
	off, err := p.element(p.Steps.FeatureOff, "featureOff", "the notice that the subscription feature is off")
	if err != nil {
		return err
	}
	text, err := w.main.textCSS(off.Selector)
	if err != nil {
		return err
	}
	if !strings.Contains(text, off.Text) {
		return fmt.Errorf("the product says %q; want it to name the feature (%q)", text, off.Text)
	}
	return nil
}

// loginButtons is the JavaScript count of the product's Login with
// Salesforce buttons on the page.
func (w *world) loginButtons() string {
	return fmt.Sprintf(`document.querySelectorAll(%s).length`, strconv.Quote(w.product().Steps.LoginWithSalesforce.Selector))
}

func (w *world) productOffersNoLogin() error {
	n, err := Eval[int](w.main, w.loginButtons())
	if err != nil {
		return err
	}
	if n != 0 {
		return fmt.Errorf("the product offers Login with Salesforce although the feature is off")
	}
	return nil
}

func (w *world) productSaysAllowPopups() error {
	p := w.product()
	blocked, err := p.element(p.Steps.PopupBlocked, "popupBlocked", "the notice that the browser blocked the pop-up")
	if err != nil {
		return err
	}
	text, err := w.main.textCSS(blocked.Selector)
	if err != nil {
		return err
	}
	if !strings.Contains(strings.ToLower(text), strings.ToLower(blocked.Text)) {
		return fmt.Errorf("the product says %q; want it to ask to allow pop-ups (%q)", text, blocked.Text)
	}
	return nil
}

func (w *world) productShowsError(text string) error {
	p := w.product()
	box, err := p.element(p.Steps.Error, "error", "the product's error message")
	if err != nil {
		return err
	}
	text = p.message(text)
	win := w.main
	w.current = win
	return win.WaitFor(fmt.Sprintf("the product to show the error %q", text),
		fmt.Sprintf(`(() => { const e = document.querySelector(%s); return e && e.offsetParent !== null && e.textContent.includes(%s); })()`, strconv.Quote(box.Selector), strconv.Quote(text)))
}

func (w *world) productShowsSyncError(text string) error {
	p := w.product()
	boxes, err := p.element(p.Steps.SyncError, "syncError", "where the product shows a sync error")
	if err != nil {
		return err
	}
	text = p.message(text)
	win := w.main
	w.current = win
	return win.WaitFor(fmt.Sprintf("the product to show the sync error %q", text),
		fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.textContent.includes(%s))`, strconv.Quote(boxes.Selector), strconv.Quote(text)))
}

// logsInAndConfirms is part 2 up to Confirm Credentials, for scenarios
// about what comes after it: save the key and secret, log in in the
// pop-up (or the product's own window) with the emailed code, Allow,
// Confirm Credentials.
func (w *world) logsInAndConfirms(username, password string) error {
	if w.consumerKey == "" {
		return fmt.Errorf("no connected app: add a Given step that creates one")
	}
	steps := []func() error{
		w.opensSyncPage,
		func() error {
			// Saved already (a second login)? Then keep what is there.
			if n, _ := Eval[int](w.main, w.loginButtons()); n > 0 && w.savedOnce {
				return nil
			}
			w.savedOnce = true
			return w.savesCredentials()
		},
		func() error { return w.clicks("Login with Salesforce") },
		func() error { return w.logsInInPopup(username, password) },
		w.popupCloses,
	}
	if w.product().Steps.ConfirmDialog != nil {
		steps = append(steps, func() error { return w.productAsksToConfirm(username) })
	}
	if w.product().Steps.ConfirmCredentials != nil {
		steps = append(steps, func() error { return w.clicks("Confirm Credentials") })
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
	steps := []func() error{w.fieldSyncFinishes}
	for _, label := range []string{"Start Salesforce Sync", "Start Sync"} {
		if b, _ := w.product().productButton(label); b != nil {
			steps = append(steps, func() error { return w.clicks(label) })
		}
	}
	steps = append(steps, w.syncIsRunning)
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
	p := w.product()
	c, err := p.element(p.Steps.NotConnected, "notConnected", "the notice that the product is not connected")
	if err != nil {
		return err
	}
	return w.main.WaitFor("the product to say it is not connected", fmt.Sprintf(`(() => {
		const c = document.querySelector(%s);
		return !c || c.offsetParent === null || c.textContent.includes(%s);
	})()`, strconv.Quote(c.Selector), strconv.Quote(c.Text)))
}

func (w *world) productRestarts() error {
	p := w.product()
	idle, err := p.element(p.Steps.SyncNotStarted, "syncNotStarted", "the sync's status before it starts")
	if err != nil {
		return err
	}
	// Wait until the sync is really under way, then stop mid-flight.
	if err := w.main.WaitFor("the sync to start pulling", fmt.Sprintf(`document.querySelector(%s).textContent.trim() !== %s`, strconv.Quote(idle.Selector), strconv.Quote(idle.Text))); err != nil {
		return err
	}
	if w.suite.ClientURL != "" {
		return fmt.Errorf("this scenario restarts the product, which it cannot do to the running one at %s (CLIENT_URL, or the url of the profile %s): run it with a product the suite starts", w.suite.ClientURL, p.File)
	}
	page, err := w.main.URL()
	if err != nil {
		return err
	}
	w.stopClient()
	if err := w.startClient(w.clientOAuth); err != nil {
		return err
	}
	// The same page again, from the restarted product.
	return w.main.Navigate(page)
}

func (w *world) productHoldsLeadsOnce() error {
	p := w.product()
	count, err := p.element(p.Steps.Count, "count", "the count of an object's records synced")
	if err != nil {
		return err
	}
	if err := w.refreshOrg(); err != nil {
		return err
	}
	want := strconv.Itoa(w.org.Records["Lead"])
	got, err := w.main.textCSS(fill(count.Selector, "object", "Lead"))
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("the product holds %s leads; Salesforce has %s: every lead must arrive exactly once", got, want)
	}
	return nil
}

// logsInInPopup does what the pop-up (or, with login: redirect, the
// product's own window) asks: Salesforce remembers a browser that logged
// in before and a user who allowed the app before, so a second login may
// skip the login page, the code or Allow Access.
func (w *world) logsInInPopup(username, password string) error {
	win, err := w.loginWindow()
	if err != nil {
		return err
	}
	onPage := byID(sfUsername) + " || " + byID(sfCode) + " || " + byID(sfAllow)
	if w.product().redirects() {
		onPage += " || " + w.backOnProduct()
	}
	for {
		var page string
		err := win.WaitFor("the Salesforce login to show a page to act on", onPage)
		if win.Closed() {
			return nil
		}
		if err != nil {
			return err
		}
		page, _ = Eval[string](win, byID(sfUsername)+` ? "login" : `+byID(sfCode)+` ? "verify" : `+byID(sfAllow)+` ? "approve" : "product"`)
		switch page {
		case "login":
			err = w.syncUserLogsIn(username, password)
		case "verify":
			err = w.entersEmailedCode(username)
		case "approve":
			err = w.clicks("Allow")
			if err == nil {
				return nil
			}
		default:
			// Back on the product (login: redirect): Salesforce knew it all.
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (w *world) productShowsNoSyncError() error {
	p := w.product()
	running, err := p.element(p.Steps.SyncRunning, "syncRunning", "the sync's status while it runs")
	if err != nil {
		return err
	}
	last := ""
	none := ""
	if e := p.Steps.LastError; e != nil {
		last, none = e.Selector, e.Text
	}
	return w.main.WaitFor("the sync to run without an error", fmt.Sprintf(`(() => {
		const s = document.querySelector(%s), l = %s, e = l && document.querySelector(l), none = %s;
		return s && s.textContent.includes(%s) && (!e || e.textContent.trim() === "" || (none !== "" && e.textContent.trim() === none));
	})()`, strconv.Quote(running.Selector), strconv.Quote(last), strconv.Quote(none), strconv.Quote(running.Text)))
}
