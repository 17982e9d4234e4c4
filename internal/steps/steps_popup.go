// The steps of the catalogue's section "Salesforce: pop-up" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"fmt"
	"strconv"
	"strings"
)

// loginWindow is the window the Salesforce login runs in: the pop-up
// the product opened, or, with the profile's login: redirect, the
// product's own window.
func (w *world) loginWindow() (*Window, error) {
	if w.product().redirects() {
		if w.main == nil {
			return nil, fmt.Errorf("the product's window is not open")
		}
		return w.main, nil
	}
	if w.popup == nil {
		return nil, fmt.Errorf("no pop-up is open")
	}
	return w.popup, nil
}

// backOnProduct is the JavaScript condition that the window shows the
// product again (login: redirect, after Salesforce's callback).
func (w *world) backOnProduct() string {
	return fmt.Sprintf(`location.href.startsWith(%s)`, strconv.Quote(strings.TrimSuffix(w.clientURL(), "/")+"/"))
}

func (w *world) popupShowsLogin() error {
	win, err := w.loginWindow()
	if err != nil {
		return err
	}
	if err := win.WaitVisible(sfUsername); err != nil {
		return err
	}
	u, err := win.URL()
	if err != nil {
		return err
	}
	if !strings.HasPrefix(u, w.suite.MocksfURL+"/") || !strings.Contains(u, "startURL=") {
		return fmt.Errorf("window %q is at %s; want Salesforce's login page with a startURL", win.Name, u)
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
	if err := win.WaitVisible(sfAllow); err != nil {
		return err
	}
	got, err := win.Text(sfApprovalUsername)
	if err != nil {
		return err
	}
	if got != w.user(username) {
		return fmt.Errorf("the Allow Access page asks for %q; want %q", got, w.user(username))
	}
	return nil
}

// popupCloses waits until the pop-up has closed itself or, with login:
// redirect, until Salesforce has sent the product's window back to it.
func (w *world) popupCloses() error {
	if w.product().redirects() {
		win, err := w.loginWindow()
		if err != nil {
			return err
		}
		if err := win.WaitFor("the product's window to be back on the product", w.backOnProduct()+` && document.readyState === "complete"`); err != nil {
			return err
		}
		w.current = win
		return nil
	}
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

func (w *world) popupShowsSalesforceError(code string) error {
	win, err := w.loginWindow()
	if err != nil {
		return err
	}
	return win.WaitFor("Salesforce's error "+code, fmt.Sprintf(`(() => { const e = %s; return e && e.textContent.includes(%s); })()`, byID(sfOAuthError), strconv.Quote("error="+code)))
}

func (w *world) closesPopup() error {
	if w.product().redirects() {
		return fmt.Errorf("the product %s logs in by redirecting its own window (login: redirect in %s): there is no pop-up to close", w.product().Name, w.product().File)
	}
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

func (w *world) entersCode(code string) error {
	win := w.current
	if err := win.Type(sfCode, code); err != nil {
		return err
	}
	return win.Click(sfVerify)
}

func (w *world) logsInWrongPassword(username, password string) error {
	win := w.current
	if err := win.Type(sfUsername, w.user(username)); err != nil {
		return err
	}
	if err := win.Type(sfPassword, password); err != nil {
		return err
	}
	if err := win.ClickAndWaitNewPage(sfLogin); err != nil {
		return err
	}
	return win.WaitVisible(sfLoginErr)
}

func (w *world) logsInWrongPasswordTimes(username, password string, times int) error {
	for i := 0; i < times; i++ {
		if err := w.logsInWrongPassword(username, password); err != nil {
			return fmt.Errorf("attempt %d: %w", i+1, err)
		}
	}
	return nil
}

// entersOldCode types the newest emailed code, which the scenario expects
// Salesforce to refuse (it expired), and clicks Verify.
func (w *world) entersOldCode(address string) error {
	win := w.current
	msgs, err := w.mailbox().Messages(w.user(address), "", 0)
	if err != nil {
		return err
	}
	if len(msgs) == 0 || msgs[0].Code == "" {
		return fmt.Errorf("no verification mail to %s", address)
	}
	w.usedMail[msgs[0].ID] = true
	if err := win.Type(sfCode, msgs[0].Code); err != nil {
		return err
	}
	return win.ClickAndWaitNewPage(sfVerify)
}
