package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cucumber/godog"

	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
)

// InitializeScenario registers the steps of the documented flow, in the
// documentation's words, on a fresh world for each scenario.
func (s *Suite) InitializeScenario(sc *godog.ScenarioContext) {
	w := newWorld(s)

	sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
		w.name = p.Name
		return ctx, nil
	})
	sc.StepContext().Before(func(ctx context.Context, st *godog.Step) (context.Context, error) {
		// Given steps that declare the org only change its spec; every
		// other step needs it to exist.
		if !declaresOrg(st.Text) {
			if err := w.ensureOrg(); err != nil {
				return ctx, err
			}
		}
		return ctx, nil
	})
	sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
		if status == godog.StepFailed || (s.Trace && status == godog.StepPassed) {
			for _, a := range w.saveArtefacts(st.Text, status == godog.StepFailed) {
				if status == godog.StepFailed {
					fmt.Fprintf(s.Log, "    artefact: %s\n", a.Path)
				}
				if a.MediaType == "image/png" {
					// Screenshots go into the Cucumber JSON and HTML reports.
					ctx = godog.Attach(ctx, godog.Attachment{Body: a.Body, FileName: filepath.Base(a.Path), MediaType: a.MediaType})
				}
			}
		}
		return ctx, nil
	})
	sc.After(func(ctx context.Context, _ *godog.Scenario, err error) (context.Context, error) {
		w.close()
		return ctx, nil
	})

	for _, d := range catalog {
		sc.Step(d.Pattern, d.Bind(w))
	}
}

func (w *world) orgWithUsers(org, admin, syncUser string) error {
	w.declareOrg(org,
		store.UserSpec{Username: admin, Password: "Admin-Pass-1", FirstName: "Avery", LastName: "Admin", Admin: true},
		store.UserSpec{Username: syncUser, Password: "Sync-Pass-1", FirstName: "Sam", LastName: "Sync"},
	)
	return nil
}

func (w *world) adminLogsIn(username, password string) error {
	win, err := w.setupWindow()
	if err != nil {
		return err
	}
	if err := win.Navigate(w.suite.MocksfURL + "/"); err != nil {
		return err
	}
	return w.logIn(win, username, password)
}

func (w *world) logIn(win *Window, username, password string) error {
	if err := w.typeLogin(win, username, password); err != nil {
		return err
	}
	return win.WaitFor("the Verify Your Identity page", `document.title.startsWith("Verify Your Identity")`)
}

// typeLogin fills the login form and clicks Log In.
func (w *world) typeLogin(win *Window, username, password string) error {
	if err := win.Type("username", w.user(username)); err != nil {
		return err
	}
	if err := win.Type("password", password); err != nil {
		return err
	}
	return win.Click("Login")
}

func (w *world) entersEmailedCode(address string) error {
	win := w.current
	if err := win.WaitVisible("emc"); err != nil {
		return err
	}
	code, err := w.newestCode(w.user(address))
	if err != nil {
		return err
	}
	if err := win.Type("emc", code); err != nil {
		return err
	}
	if err := win.Click("save"); err != nil {
		return err
	}
	if win.Closed() {
		return nil
	}
	// The page must move on; a wrong code would leave it on this page.
	return win.WaitFor("the code to be accepted", `!document.getElementById("emc")`)
}

// opensAppManager does what an admin does after logging in: on the
// Lightning home page, the gear menu → Setup, then in Setup's sidebar
// Platform Tools → Apps → App Manager.
func (w *world) opensAppManager() error {
	win := w.current
	if err := win.WaitVisible("setupGear"); err != nil {
		return err
	}
	if err := win.Click("setupGear"); err != nil {
		return err
	}
	if err := win.WaitVisible("setupMenuItem"); err != nil {
		return err
	}
	if err := win.Click("setupMenuItem"); err != nil {
		return err
	}
	if err := win.WaitFor("Setup Home", `document.querySelector("h1") && document.querySelector("h1").textContent === "Setup Home"`); err != nil {
		return err
	}
	if err := win.Click("appManager"); err != nil {
		return err
	}
	return win.WaitVisible("newConnectedApp")
}

// clicks clicks the visible button or link with exactly this label.
func (w *world) clicks(label string) error {
	win := w.current
	js := fmt.Sprintf(`(() => {
		const want = %s;
		for (const el of document.querySelectorAll("button, a, input[type=submit], input[type=button]")) {
			const text = (el.tagName === "INPUT" ? el.value : el.textContent).trim();
			if (text === want && el.id && el.offsetParent !== null) return el.id;
		}
		return "";
	})()`, strconv.Quote(label))
	// Find the id and use it in one go; a page that reloads in between
	// (a form that just posted) is looked at again.
	var id string
	deadline := time.Now().Add(StepTimeout)
	for {
		if err := win.WaitFor(fmt.Sprintf("a visible %q button", label), js); err != nil {
			return err
		}
		found, err := Eval[string](win, js)
		if err == nil && found != "" {
			id = found
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no visible %q button in window %q", label, win.Name)
		}
	}
	if popupOpeners[id] && !w.popupsBlocked {
		popup, err := win.ClickOpeningPopup(id, "popup")
		if err != nil {
			return err
		}
		w.popup, w.current = popup, popup
		return nil
	}
	if name, ok := tabOpeners[id]; ok {
		tab, err := win.ClickOpeningPopup(id, name)
		if err != nil {
			return err
		}
		w.tabs, w.current = append(w.tabs, tab), tab
		return nil
	}
	return win.Click(id)
}

// popupOpeners are the ids of buttons that open a pop-up, which the next
// steps act in.
var popupOpeners = map[string]bool{"loginWithSalesforce": true}

// tabOpeners are the ids of buttons that open a new tab, which the next
// steps act in, with the name the tab's artefacts are saved under: an
// External Client App's Consumer Key and Secret opens in a new tab, as
// on Salesforce.
var tabOpeners = map[string]string{"consumerKeyAndSecret": "consumer-details"}

func (w *world) fillsBasicDetails(name, apiName, email string) error {
	win := w.current
	if err := win.Type("name", name); err != nil {
		return err
	}
	if err := win.Type("apiName", apiName); err != nil {
		return err
	}
	return win.Type("contactEmail", email)
}

// enablesOAuth ticks the checkbox with this label (Enable OAuth Settings
// on a connected app, Enable OAuth on an External Client App) and types
// the product's callback URL.
func (w *world) enablesOAuth(label string) error {
	if err := w.ticks("ticks", label); err != nil {
		return err
	}
	return w.current.Type("callbackUrl", w.callbackURL())
}

func (w *world) addsAllScopes() error {
	win := w.current
	if _, err := Eval[bool](win, `(() => { for (const o of document.getElementById("availableScopes").options) o.selected = true; return true; })()`); err != nil {
		return err
	}
	if err := win.Click("addScope"); err != nil {
		return err
	}
	want := len(scope.Catalog)
	return win.WaitFor(fmt.Sprintf("all %d scopes to be selected", want),
		fmt.Sprintf(`document.getElementById("selectedScopes").options.length === %d && document.getElementById("availableScopes").options.length === 0`, want))
}

func (w *world) salesforceSays(text string) error {
	return w.current.WaitFor(fmt.Sprintf("the page to say %q", text),
		fmt.Sprintf(`document.body.innerText.includes(%s)`, strconv.Quote(text)))
}

func (w *world) copiesConsumerDetails() error {
	win := w.current
	key, err := win.Text("consumerKey")
	if err != nil {
		return err
	}
	secret, err := win.Text("consumerSecret")
	if err != nil {
		return err
	}
	if len(key) != 85 || !strings.HasPrefix(key, "3MVG9") {
		return fmt.Errorf("the Consumer Key is %q; want 85 characters starting 3MVG9", key)
	}
	if secret == "" {
		return fmt.Errorf("the Consumer Secret is empty")
	}
	w.consumerKey, w.consumerSecret = key, secret
	return nil
}

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

func (w *world) popupShowsLogin() error {
	win := w.popup
	if win == nil {
		return fmt.Errorf("no pop-up is open")
	}
	if err := win.WaitVisible("username"); err != nil {
		return err
	}
	u, err := win.URL()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(u, w.suite.MocksfURL+"/") || !strings.Contains(u, "startURL=") {
		return fmt.Errorf("pop-up is at %s; want Salesforce's login page with a startURL", u)
	}
	return nil
}

func (w *world) syncUserLogsIn(username, password string) error {
	return w.logIn(w.current, username, password)
}

// syncUserLogsInAgain logs in on a browser that verified its identity
// before: Salesforce asks for no code, so there is no page to wait for.
func (w *world) syncUserLogsInAgain(username, password string) error {
	return w.typeLogin(w.current, username, password)
}

func (w *world) accessPageAsks(username string) error {
	win := w.current
	if err := win.WaitVisible("oaapprove"); err != nil {
		return err
	}
	got, err := win.Text("approvalUsername")
	if err != nil {
		return err
	}
	if got != w.user(username) {
		return fmt.Errorf("the Allow Access page asks for %q; want %q", got, w.user(username))
	}
	return nil
}

func (w *world) popupCloses() error {
	if w.popup == nil {
		return fmt.Errorf("no pop-up is open")
	}
	if err := w.popup.WaitClosed(StepTimeout); err != nil {
		return err
	}
	w.popup = nil
	w.current = w.main
	return nil
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
