// The steps of the catalogue's section "Salesforce: login and Setup" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/scope"
)

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
	// By its code field and Verify button, whose ids stay in every
	// language the page speaks.
	return win.WaitFor("the Verify Your Identity page", fmt.Sprintf(`!!(%s) && !!(%s)`, byID(sfCode), byID(sfVerify)))
}

// typeLogin fills the login form and clicks Log In.
func (w *world) typeLogin(win *Window, username, password string) error {
	if err := win.Type(sfUsername, w.user(username)); err != nil {
		return err
	}
	if err := win.Type(sfPassword, password); err != nil {
		return err
	}
	return win.Click(sfLogin)
}

func (w *world) entersEmailedCode(address string) error {
	win := w.current
	if err := win.WaitVisible(sfCode); err != nil {
		return err
	}
	code, err := w.newestCode(w.user(address))
	if err != nil {
		return err
	}
	if err := win.Type(sfCode, code); err != nil {
		return err
	}
	if err := win.Click(sfVerify); err != nil {
		return err
	}
	if win.Closed() {
		return nil
	}
	// The page must move on; a wrong code would leave it on this page.
	return win.WaitFor("the code to be accepted", "!"+byID(sfCode))
}

// opensAppManager does what an admin does after logging in: on the
// Lightning home page, the gear menu → Setup, then in Setup's sidebar
// Platform Tools → Apps → App Manager.
func (w *world) opensAppManager() error {
	win := w.current
	if err := win.WaitVisible(sfSetupGear); err != nil {
		return err
	}
	if err := win.Click(sfSetupGear); err != nil {
		return err
	}
	if err := win.WaitVisible(sfSetupMenuItem); err != nil {
		return err
	}
	if err := win.Click(sfSetupMenuItem); err != nil {
		return err
	}
	// Setup Home by its address and its App Manager link: its heading is
	// in the admin's language.
	if err := win.WaitFor("Setup Home", `location.pathname.startsWith("/lightning/setup/SetupOneHome") && !!`+byID(sfAppManager)); err != nil {
		return err
	}
	if err := win.Click(sfAppManager); err != nil {
		return err
	}
	return win.WaitVisible(sfNewConnectedApp)
}

func (w *world) fillsBasicDetails(name, apiName, email string) error {
	win := w.current
	if err := win.Type(sfAppName, name); err != nil {
		return err
	}
	if err := win.Type(sfAPIName, apiName); err != nil {
		return err
	}
	return win.Type(sfContactEmail, email)
}

// enablesOAuth ticks the checkbox with this label (Enable OAuth Settings
// on a connected app, Enable OAuth on an External Client App) and types
// the product's callback URL.
func (w *world) enablesOAuth(label string) error {
	if err := w.ticks("ticks", label); err != nil {
		return err
	}
	return w.current.Type(sfCallbackURL, w.callbackURL())
}

func (w *world) addsAllScopes() error {
	win := w.current
	if _, err := Eval[bool](win, `(() => { for (const o of `+byID(sfAvailableScopes)+`.options) o.selected = true; return true; })()`); err != nil {
		return err
	}
	if err := win.Click(sfAddScope); err != nil {
		return err
	}
	want := len(scope.Catalog)
	return win.WaitFor(fmt.Sprintf("all %d scopes to be selected", want),
		fmt.Sprintf(`%s.options.length === %d && %s.options.length === 0`, byID(sfSelectedScopes), want, byID(sfAvailableScopes)))
}

func (w *world) copiesConsumerDetails() error {
	win := w.current
	key, err := win.Text(sfConsumerKey)
	if err != nil {
		return err
	}
	secret, err := win.Text(sfConsumerSecret)
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

// opensSetup opens Setup from the gear menu of the global header, as an
// admin does from any Lightning page.
func (w *world) opensSetup() error {
	win := w.current
	if err := win.Click(sfSetupGear); err != nil {
		return err
	}
	if err := win.ClickAndWaitNewPage(sfSetupMenuItem); err != nil {
		return err
	}
	return win.WaitVisible(sfQuickFind)
}

// findsWithQuickFind opens Setup, types the page's name in Quick Find at
// the top of the Setup sidebar, and opens the one entry of that name.
func (w *world) findsWithQuickFind(name string) error {
	if err := w.opensSetup(); err != nil {
		return err
	}
	win := w.current
	if err := win.Type(sfQuickFind, name); err != nil {
		return err
	}
	// Quick Find filters as the admin types; its form also submits on
	// Enter, for a browser without scripts.
	if _, err := Eval[bool](win, `(() => { const q = `+byID(sfQuickFind)+`; if (q.form) q.form.requestSubmit(); return true; })()`); err != nil {
		return err
	}
	return w.clicks(name)
}

// entersCallbackURL ticks the checkbox with this label and types a
// callback URL of the scenario's choosing.
func (w *world) entersCallbackURL(label, u string) error {
	if err := w.ticks("ticks", label); err != nil {
		return err
	}
	return w.current.Type(sfCallbackURL, u)
}

// fieldShowsError finds the field by its label and checks the error
// Setup shows next to it.
func (w *world) fieldShowsError(label, text string) error {
	js := fmt.Sprintf(`(() => {
		for (const l of document.querySelectorAll("label")) {
			if (l.textContent.trim() !== %s || !l.htmlFor) continue;
			const ids = [l.htmlFor + "-error"];
			if (l.htmlFor === %s) ids.push(%s);
			for (const id of ids) {
				const e = document.getElementById(id);
				if (e && e.textContent.includes(%s)) return true;
			}
		}
		return false;
	})()`, strconv.Quote(label), strconv.Quote(sfSelectedScopes), strconv.Quote(sfScopesError), strconv.Quote(text))
	return w.current.WaitFor(fmt.Sprintf("the field %q to show %q", label, text), js)
}
