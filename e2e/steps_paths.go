package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
)

// The steps of the prerequisites and failure paths. They arrange
// Salesforce through mocksf's control API only, so they work against a
// mocksf in another process (MOCKSF_URL) as well as the run's own.

func allScopeTokens() []string {
	var out []string
	for _, s := range scope.Catalog {
		out = append(out, s.Tokens...)
	}
	return out
}

func (w *world) connectedAppExists(name string) error {
	if w.spec == nil {
		return fmt.Errorf("declare the Salesforce org before its connected app")
	}
	w.spec.ConnectedApps = append(w.spec.ConnectedApps, store.AppSpec{
		Name: name, ContactEmail: w.spec.Users[0].Username, Scopes: allScopeTokens(),
		// The product's callback URL is filled in when the org is created,
		// once the product has its address.
		CallbackURLs: []string{"http://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	})
	return nil
}

func (w *world) appTakesMinutes(name string, minutes int) error {
	delay := (time.Duration(minutes) * time.Minute).String()
	if w.org != nil {
		app, ok := w.org.App(name)
		if !ok {
			return fmt.Errorf("the org has no connected app %q", name)
		}
		_, err := w.mocksf().UpdateApp(context.Background(), w.org.ID, app.ConsumerKey, control.AppChange{ActivationDelay: &delay})
		return err
	}
	app, err := w.specApp(name)
	if err != nil {
		return err
	}
	app.ActivationDelay = delay
	return nil
}

func (w *world) appRotatesRefreshTokens(name string) error {
	if w.org != nil {
		app, ok := w.org.App(name)
		if !ok {
			return fmt.Errorf("the org has no connected app %q", name)
		}
		rotate := true
		_, err := w.mocksf().UpdateApp(context.Background(), w.org.ID, app.ConsumerKey, control.AppChange{RefreshTokenRotation: &rotate})
		return err
	}
	app, err := w.specApp(name)
	if err != nil {
		return err
	}
	app.RefreshTokenRotation = true
	return nil
}

func (w *world) userHasNoAPIAccess(alias string) error {
	if w.org != nil {
		off := false
		_, err := w.mocksf().UpdateUser(context.Background(), w.org.ID, w.user(alias), control.UserChange{APIEnabled: &off})
		return err
	}
	u, err := w.specUser(alias)
	if err != nil {
		return err
	}
	off := false
	u.APIEnabled = &off
	return nil
}

func (w *world) popupsAreBlocked() error {
	w.popupsBlocked = true
	if w.main != nil {
		return w.main.BlockPopups()
	}
	return nil
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

func (w *world) popupShowsSalesforceError(code string) error {
	if w.popup == nil {
		return fmt.Errorf("no pop-up is open")
	}
	return w.popup.WaitFor("Salesforce's error "+code, fmt.Sprintf(`(() => { const e = document.getElementById("oauthError"); return e && e.textContent.includes(%s); })()`, strconv.Quote("error="+code)))
}

func (w *world) closesPopup() error {
	if w.popup == nil {
		return fmt.Errorf("no pop-up is open")
	}
	if _, err := Eval[bool](w.popup, `window.close(), true`); err != nil && !w.popup.Closed() {
		return err
	}
	if err := w.popup.WaitClosed(StepTimeout); err != nil {
		return err
	}
	w.popup, w.current = nil, w.main
	return nil
}

// timePasses moves mocksf's clock, which every org shares: scenarios
// that use this step must be tagged @serial, so that they run alone.
func (w *world) timePasses(n int, unit string) error {
	d := time.Duration(n) * time.Minute
	if unit == "hours" {
		d = time.Duration(n) * time.Hour
	}
	_, err := w.mocksf().Advance(context.Background(), d)
	return err
}

func (w *world) entersCode(code string) error {
	win := w.current
	if err := win.Type("emc", code); err != nil {
		return err
	}
	return win.Click("save")
}

func (w *world) logsInWrongPassword(username, password string) error {
	win := w.current
	if err := win.Type("username", w.user(username)); err != nil {
		return err
	}
	if err := win.Type("password", password); err != nil {
		return err
	}
	if err := win.ClickAndWaitNewPage("Login"); err != nil {
		return err
	}
	return win.WaitVisible("error")
}

func (w *world) logsInWrongPasswordTimes(username, password string, times int) error {
	for i := 0; i < times; i++ {
		if err := w.logsInWrongPassword(username, password); err != nil {
			return fmt.Errorf("attempt %d: %w", i+1, err)
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

func (w *world) leadsCreated(n int) error {
	recs := make([]control.Fields, n)
	for i := range recs {
		recs[i] = control.Fields{"FirstName": "New", "LastName": fmt.Sprintf("Lead %d", i+1), "Company": "Fresh Co", "Email": fmt.Sprintf("new%d@example.com", i+1)}
	}
	_, err := w.mocksf().InsertRecords(context.Background(), w.org.ID, "Lead", control.RecordsInsert{Records: recs})
	return err
}

func (w *world) moreLeads(count string) error {
	n, err := strconv.Atoi(strings.ReplaceAll(count, ",", ""))
	if err != nil {
		return err
	}
	_, err = w.mocksf().InsertRecords(context.Background(), w.org.ID, "Lead", control.RecordsInsert{Generate: n})
	return err
}

// nextRESTCallFails makes Salesforce answer this org's next REST call
// with a Salesforce error, once, as a session expiring mid-sync would.
func (w *world) nextRESTCallFails(errorCode string) error {
	_, err := w.mocksf().AddFault(context.Background(), control.Rule{Path: "/services/data/**", OrgID: w.org.ID, Times: 1, SalesforceError: errorCode})
	return err
}

// journal returns this org's requests to a path, newest first.
func (w *world) journal(path string) ([]map[string]any, error) {
	var j struct {
		Requests []map[string]any `json:"requests"`
	}
	err := w.mocksf().Do(context.Background(), "GET", "/__mocksf/requests?"+control.RequestFilter{Org: w.org.ID, Path: path}.Query(), nil, http.StatusOK, &j)
	return j.Requests, err
}

func (w *world) productRefreshed() error {
	reqs, err := w.journal("/services/oauth2/token")
	if err != nil {
		return err
	}
	for _, r := range reqs {
		form, _ := json.Marshal(r["form"])
		if strings.Contains(string(form), `"grant_type":["refresh_token"]`) && fmt.Sprint(r["status"]) == "200" {
			return nil
		}
	}
	return fmt.Errorf("mocksf saw no successful refresh_token grant from the product (%d token requests)", len(reqs))
}

func (w *world) salesforceRevokesRefresh() error {
	_, err := w.mocksf().Revoke(context.Background(), w.org.ID, control.RevokeRequest{Username: w.user("sync@acme.test"), ClientID: w.consumerKey})
	return err
}

func (w *world) productNotConnected() error {
	return w.main.WaitFor("the product to say it is not connected", `(() => {
		const c = document.getElementById("connection");
		return !c || c.offsetParent === null || c.textContent.includes("Not connected");
	})()`)
}

func (w *world) refreshTokenRevoked() error {
	reqs, err := w.journal("/services/oauth2/revoke")
	if err != nil {
		return err
	}
	for _, r := range reqs {
		if fmt.Sprint(r["status"]) == "200" {
			return nil
		}
	}
	return fmt.Errorf("the product did not revoke its token at Salesforce (%d revoke requests)", len(reqs))
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
		err := win.WaitFor("the pop-up to show a page to act on", `document.getElementById("username") || document.getElementById("emc") || document.getElementById("oaapprove")`)
		if win.Closed() {
			return nil
		}
		if err != nil {
			return err
		}
		page, _ = Eval[string](win, `document.getElementById("username") ? "login" : document.getElementById("emc") ? "verify" : "approve"`)
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

// chooses selects the radio button or checkbox with this label, then
// clicks the button.
func (w *world) chooses(option, button string) error {
	id, err := w.fieldID(option)
	if err != nil {
		return err
	}
	if err := w.current.Click(id); err != nil {
		return err
	}
	return w.clicks(button)
}

// entersCallbackURL ticks the checkbox with this label and types a
// callback URL of the scenario's choosing.
func (w *world) entersCallbackURL(label, u string) error {
	if err := w.ticks("ticks", label); err != nil {
		return err
	}
	return w.current.Type("callbackUrl", u)
}

// fieldShowsError finds the field by its label and checks the error
// Setup shows next to it.
func (w *world) fieldShowsError(label, text string) error {
	js := fmt.Sprintf(`(() => {
		for (const l of document.querySelectorAll("label")) {
			if (l.textContent.trim() !== %s || !l.htmlFor) continue;
			const ids = [l.htmlFor + "-error"];
			if (l.htmlFor === "selectedScopes") ids.push("scopes-error");
			for (const id of ids) {
				const e = document.getElementById(id);
				if (e && e.textContent.includes(%s)) return true;
			}
		}
		return false;
	})()`, strconv.Quote(label), strconv.Quote(text))
	return w.current.WaitFor(fmt.Sprintf("the field %q to show %q", label, text), js)
}

// fieldHolds checks what a field (found by its label) still holds.
func (w *world) fieldHolds(label, value string) error {
	id, err := w.fieldID(label)
	if err != nil {
		return err
	}
	got, err := Eval[string](w.current, fmt.Sprintf(`document.getElementById(%s).value`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if got != value {
		return fmt.Errorf("the field %q holds %q; want %q (nothing typed may be lost)", label, got, value)
	}
	return nil
}

// entersOldCode types the newest emailed code, which the scenario expects
// Salesforce to refuse (it expired), and clicks Verify.
func (w *world) entersOldCode(address string) error {
	win := w.current
	msgs, err := w.mailbox().Messages(w.user(address))
	if err != nil {
		return err
	}
	if len(msgs) == 0 || msgs[0].Code == "" {
		return fmt.Errorf("no verification mail to %s", address)
	}
	w.usedMail[msgs[0].ID] = true
	if err := win.Type("emc", msgs[0].Code); err != nil {
		return err
	}
	return win.ClickAndWaitNewPage("save")
}

var failureKinds = regexp.MustCompile(`^(?:HTTP (\d{3})|a dropped connection|"([A-Z_]+)")$`)

// restCallsFail arms a fault on this org's REST API for the next n calls.
func (w *world) restCallsFail(n int, failure string) error {
	return w.armFault("/services/data/**", n, failure)
}

// tokenCallsFail arms a fault on the token endpoint for this org.
func (w *world) tokenCallsFail(n int, failure string) error {
	return w.armFault("/services/oauth2/token", n, failure)
}

func (w *world) armFault(path string, n int, failure string) error {
	m := failureKinds.FindStringSubmatch(failure)
	if m == nil {
		return fmt.Errorf(`failure %q: want HTTP <status>, a dropped connection or "<SALESFORCE_ERROR>"`, failure)
	}
	rule := control.Rule{Path: path, OrgID: w.org.ID, Times: n}
	switch {
	case m[1] != "":
		rule.Status, _ = strconv.Atoi(m[1])
	case m[2] != "":
		rule.SalesforceError = m[2]
	default:
		rule.Drop = true
	}
	_, err := w.mocksf().AddFault(context.Background(), rule)
	return err
}

// restCallsSlow delays this org's next n REST answers.
func (w *world) restCallsSlow(n, seconds int) error {
	_, err := w.mocksf().AddFault(context.Background(), control.Rule{Path: "/services/data/**", OrgID: w.org.ID, Times: n, Delay: time.Duration(seconds) * time.Second})
	return err
}

func (w *world) productShowsNoSyncError() error {
	return w.main.WaitFor("the sync to run without an error", `(() => {
		const s = document.getElementById("sync-status"), e = document.getElementById("last-error");
		return s && s.textContent.includes("Sync running") && (!e || e.textContent.trim() === "" || e.textContent.trim() === "none");
	})()`)
}

// sessionExpires revokes the product's access tokens only, as a session
// timeout does; its refresh token keeps working.
func (w *world) sessionExpires() error {
	_, err := w.mocksf().Revoke(context.Background(), w.org.ID, control.RevokeRequest{Username: w.user("sync@acme.test"), ClientID: w.consumerKey, SessionsOnly: true})
	return err
}
