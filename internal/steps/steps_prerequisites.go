// The steps of the catalogue's section "Prerequisites" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
)

func (w *world) orgWithUsers(org, admin, syncUser string) error {
	lang := w.salesforceLanguage()
	w.declareOrg(org,
		store.UserSpec{Username: admin, Password: "Admin-Pass-1", FirstName: "Avery", LastName: "Admin", Admin: true, Language: lang},
		store.UserSpec{Username: syncUser, Password: "Sync-Pass-1", FirstName: "Sam", LastName: "Sync", Language: lang},
	)
	return nil
}

// salesforceLanguages are the Salesforce users' languages (their
// LanguageLocaleKey) of a feature written in Dutch or Japanese: the
// admin and the sync user of its org see Salesforce's pages and mails in
// the feature's language, as the admins who follow the documentation in
// that language do. English features keep Salesforce's default.
var salesforceLanguages = map[string]string{"nl": "nl_NL", "ja": "ja"}

func (w *world) salesforceLanguage() string { return salesforceLanguages[w.lang] }

// connectedAppsRestricted declares the org with Salesforce's Spring '26
// restriction on creating connected apps (restrictConnectedApps).
func (w *world) connectedAppsRestricted() error {
	if w.spec == nil {
		return fmt.Errorf("declare the Salesforce org before its settings")
	}
	w.spec.RestrictConnectedApps = true
	return nil
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
	return w.changeApp(name, control.AppChange{ActivationDelay: &delay}, func(a *store.AppSpec) { a.ActivationDelay = delay })
}

func (w *world) appRotatesRefreshTokens(name string) error {
	rotate := true
	return w.changeApp(name, control.AppChange{RefreshTokenRotation: &rotate}, func(a *store.AppSpec) { a.RefreshTokenRotation = true })
}

// changeApp changes the connected app called name: through the control
// API (change) once the org exists, in the declared org (spec) before.
func (w *world) changeApp(name string, change control.AppChange, spec func(*store.AppSpec)) error {
	if w.org != nil {
		app, ok := w.org.App(name)
		if !ok {
			return fmt.Errorf("the org has no connected app %q", name)
		}
		_, err := w.mocksf().UpdateApp(context.Background(), w.org.ID, app.ConsumerKey, change)
		return err
	}
	app, err := w.specApp(name)
	if err != nil {
		return err
	}
	spec(app)
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

func (w *world) moreLeads(count string) error {
	n, err := strconv.Atoi(strings.ReplaceAll(count, ",", ""))
	if err != nil {
		return err
	}
	_, err = w.mocksf().InsertRecords(context.Background(), w.org.ID, "Lead", control.RecordsInsert{Generate: n})
	return err
}
