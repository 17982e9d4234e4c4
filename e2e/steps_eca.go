package e2e

import (
	"fmt"
	"strconv"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
)

// The steps of Setup as admins meet it today: External Client Apps, the
// Spring '26 restriction on connected apps, and the form controls the
// New External Client App form has that the connected-app form lacks.

// labelledField is the JavaScript expression that finds the id of the
// form control labelled exactly text, or "".
func labelledField(text string) string {
	return fmt.Sprintf(`(() => {
		for (const l of document.querySelectorAll("label")) {
			if (l.textContent.trim() === %s && l.htmlFor && document.getElementById(l.htmlFor)) return l.htmlFor;
		}
		return "";
	})()`, strconv.Quote(text))
}

// fieldID waits for the control labelled text and returns its id.
func (w *world) fieldID(text string) (string, error) {
	js := labelledField(text)
	if err := w.current.WaitFor(fmt.Sprintf("a field labelled %q", text), js); err != nil {
		return "", err
	}
	return Eval[string](w.current, js)
}

// selectsOption picks the option with this text in the select labelled
// field, as a person would in the drop-down.
func (w *world) selectsOption(option, field string) error {
	id, err := w.fieldID(field)
	if err != nil {
		return err
	}
	js := fmt.Sprintf(`(() => {
		const s = document.getElementById(%s);
		if (!s || s.tagName !== "SELECT") return "not a drop-down";
		for (const o of s.options) {
			if (o.textContent.trim() === %s) {
				s.value = o.value;
				s.dispatchEvent(new Event("input", {bubbles: true}));
				s.dispatchEvent(new Event("change", {bubbles: true}));
				return "";
			}
		}
		return "no option " + %s + " among: " + [...s.options].map(o => o.textContent.trim()).join(", ");
	})()`, strconv.Quote(id), strconv.Quote(option), strconv.Quote(strconv.Quote(option)))
	problem, err := Eval[string](w.current, js)
	if err != nil {
		return err
	}
	if problem != "" {
		return fmt.Errorf("the field %q: %s", field, problem)
	}
	return nil
}

// ticks sets the checkbox labelled text to on (tick) or off (untick), by
// clicking it when it is not so already.
func (w *world) ticks(action, text string) error {
	id, err := w.fieldID(text)
	if err != nil {
		return err
	}
	want := action == "ticks"
	on, err := Eval[bool](w.current, fmt.Sprintf(`document.getElementById(%s).checked === true`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if on == want {
		return nil
	}
	if err := w.current.Click(id); err != nil {
		return err
	}
	return w.current.WaitFor(fmt.Sprintf("%q to be %s", text, map[bool]string{true: "ticked", false: "unticked"}[want]),
		fmt.Sprintf(`document.getElementById(%s).checked === %t`, strconv.Quote(id), want))
}

// checkboxIs checks the state of the checkbox labelled text.
func (w *world) checkboxIs(text, state string) error {
	id, err := w.fieldID(text)
	if err != nil {
		return err
	}
	on, err := Eval[bool](w.current, fmt.Sprintf(`document.getElementById(%s).checked === true`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if want := state == "ticked"; on != want {
		return fmt.Errorf("%q is %s; want %s", text, map[bool]string{true: "ticked", false: "not ticked"}[on], state)
	}
	return nil
}

// connectedAppsRestricted declares the org with Salesforce's Spring '26
// restriction on creating connected apps (restrictConnectedApps).
func (w *world) connectedAppsRestricted() error {
	if w.spec == nil {
		return fmt.Errorf("declare the Salesforce org before its settings")
	}
	w.spec.RestrictConnectedApps = true
	return nil
}

// connectedAppsAllowed reads from the control API that the org no longer
// restricts creating connected apps, as External Client App Settings'
// Allow creation of connected apps makes it.
// The Save before it may still be on its way, so it asks until the
// step's deadline.
func (w *world) connectedAppsAllowed() error {
	deadline := time.Now().Add(StepTimeout)
	for {
		if err := w.refreshOrg(); err != nil {
			return err
		}
		if !w.org.RestrictConnectedApps {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mocksf's control API still shows restrictConnectedApps: true for the org after %s", StepTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// opensSetup opens Setup from the gear menu of the global header, as an
// admin does from any Lightning page.
func (w *world) opensSetup() error {
	win := w.current
	if err := win.Click("setupGear"); err != nil {
		return err
	}
	if err := win.ClickAndWaitNewPage("setupMenuItem"); err != nil {
		return err
	}
	return win.WaitVisible("quickFind")
}

// findsWithQuickFind opens Setup, types the page's name in Quick Find at
// the top of the Setup sidebar, and opens the one entry of that name.
func (w *world) findsWithQuickFind(name string) error {
	if err := w.opensSetup(); err != nil {
		return err
	}
	win := w.current
	if err := win.Type("quickFind", name); err != nil {
		return err
	}
	// Quick Find filters as the admin types; its form also submits on
	// Enter, for a browser without scripts.
	if _, err := Eval[bool](win, `(() => { const q = document.getElementById("quickFind"); if (q.form) q.form.requestSubmit(); return true; })()`); err != nil {
		return err
	}
	return w.clicks(name)
}

// productSendsNoPKCE restarts this scenario's product with PKCE left out
// of its login, as a product built on an older OAuth library would.
func (w *world) productSendsNoPKCE() error {
	if w.suite.ClientURL != "" {
		return fmt.Errorf("this scenario needs a product started without PKCE; the product at CLIENT_URL is as it was started (run it without CLIENT_URL, or start it with -no-pkce)")
	}
	w.clientNoPKCE = true
	if w.client == nil {
		return nil
	}
	w.stopClient()
	return w.startClient(w.clientOAuth)
}

// externalClientAppExists declares an External Client App as today's
// documented procedure makes it: every OAuth scope, the product's
// callback URL, a new app's defaults (PKCE and both secrets required, no
// optional flow enabled).
func (w *world) externalClientAppExists(name string) error {
	if w.spec == nil {
		return fmt.Errorf("declare the Salesforce org before its External Client App")
	}
	w.spec.ExternalClientApps = append(w.spec.ExternalClientApps, store.AppSpec{
		Name: name, ContactEmail: w.spec.Users[0].Username, Scopes: allScopeTokens(),
		DistributionState: store.DistributionLocal,
		// Filled in with the product's address when the org is created.
		CallbackURLs: []string{"http://127.0.0.1:9/salesforce/getSfdcOAuthTokensRedirect"},
	})
	return nil
}

// externalClientAppRunsAs enables the client credentials flow on the
// declared External Client App, with the user as its Run As user.
func (w *world) externalClientAppRunsAs(name, alias string) error {
	if w.spec == nil {
		return fmt.Errorf("declare the Salesforce org before its External Client App")
	}
	for i := range w.spec.ExternalClientApps {
		if a := &w.spec.ExternalClientApps[i]; a.Name == name {
			a.Flows = append(a.Flows, "clientCredentials")
			a.ClientCredentialsRunAs = w.user(alias)
			return nil
		}
	}
	return fmt.Errorf("no External Client App %q was declared", name)
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
