package e2e

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

// stepDef is one step of the library: its pattern, the section and text
// of the catalogue QA reads (docs/steps.md, made by `make steps`), an
// example as written in a feature, and the world method it runs.
type stepDef struct {
	Section string
	Pattern string
	Doc     string
	Example string
	Bind    func(w *world) any
}

// catalog is every step the suite defines, in the documentation's words.
// Add a step here, then run `make steps`; a test fails while
// docs/steps.md is stale.
var catalog = []stepDef{
	// Prerequisites of the documentation.
	{"Prerequisites", `^Salesforce has an org "([^"]*)" with the admin "([^"]*)" and the sync user "([^"]*)" with API access$`,
		"Starts this scenario's Salesforce org with an admin and an API-enabled sync user (passwords as in the default seed).",
		`Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access`,
		func(w *world) any { return w.orgWithUsers }},
	{"Prerequisites", `^the product subscription has the feature "Enable OAuth for SFDC sync" turned on$`,
		"Starts this scenario's product with the subscription feature on.",
		`And the product subscription has the feature "Enable OAuth for SFDC sync" turned on`,
		func(w *world) any { return func() error { return w.startClient(true) } }},

	// Part 1: the connected app, in Salesforce Setup.
	{"Salesforce: login and Setup", `^the admin logs in to Salesforce as "([^"]*)" with password "([^"]*)"$`,
		"Opens the Salesforce admin's browser on the login page and logs in; the next page is Verify Your Identity.",
		`Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"`,
		func(w *world) any { return w.adminLogsIn }},
	{"Salesforce: login and Setup", `^(?:the admin |the sync user )?enters the verification code emailed to "([^"]*)" and clicks "Verify"$`,
		"Reads the newest verification code sent to the address (from mail, never from a back door), types it and clicks Verify.",
		`And enters the verification code emailed to "admin@acme.test" and clicks "Verify"`,
		func(w *world) any { return w.entersEmailedCode }},
	{"Salesforce: login and Setup", `^the admin opens Setup and goes to Platform Tools, Apps, App Manager$`,
		"From Setup Home, follows Platform Tools → Apps → App Manager.",
		`When the admin opens Setup and goes to Platform Tools, Apps, App Manager`,
		func(w *world) any { return w.opensAppManager }},
	{"Any page", `^(?:the admin |the sync user )?clicks "([^"]*)"$`,
		"Clicks the visible button or link with exactly this label in the current window (waits until it is visible and enabled). \"Login with Salesforce\" then continues in the pop-up it opens.",
		`And clicks "Save"`,
		func(w *world) any { return w.clicks }},
	{"Salesforce: login and Setup", `^fills in the basic details: name "([^"]*)", API name "([^"]*)" and contact email "([^"]*)"$`,
		"Fills Connected App Name, API Name and Contact Email on New Connected App.",
		`And fills in the basic details: name "Beacon Sync", API name "Beacon_Sync" and contact email "admin@acme.test"`,
		func(w *world) any { return w.fillsBasicDetails }},
	{"Salesforce: login and Setup", `^ticks "Enable OAuth Settings" and enters the product's callback URL$`,
		"Ticks Enable OAuth Settings and types the product's own /salesforce/getSfdcOAuthTokensRedirect address as Callback URL.",
		`And ticks "Enable OAuth Settings" and enters the product's callback URL`,
		func(w *world) any { return w.enablesOAuth }},
	{"Salesforce: login and Setup", `^selects all available OAuth scopes and clicks "Add"$`,
		"Selects every Available OAuth Scope, clicks Add, and checks all of them moved to Selected.",
		`And selects all available OAuth scopes and clicks "Add"`,
		func(w *world) any { return w.addsAllScopes }},
	{"Any page", `^Salesforce says "([^"]*)"$`,
		"Waits until the current window's text contains the sentence.",
		`Then Salesforce says "Changes can take up to 10 minutes to take effect."`,
		func(w *world) any { return w.salesforceSays }},
	{"Salesforce: login and Setup", `^the Consumer Key and Consumer Secret are shown, and the admin copies them$`,
		"Reads Consumer Key (85 characters, 3MVG9…) and Consumer Secret from Consumer Details and keeps them for the product.",
		`Then the Consumer Key and Consumer Secret are shown, and the admin copies them`,
		func(w *world) any { return w.copiesConsumerDetails }},

	// Part 2: the product.
	{"Product", `^the admin opens Admin, CRM, Sync with Salesforce in the product$`,
		"Opens the product admin's browser and follows Admin → CRM → Sync with Salesforce.",
		`When the admin opens Admin, CRM, Sync with Salesforce in the product`,
		func(w *world) any { return w.opensSyncPage }},
	{"Product", `^enters the Consumer Key and Consumer Secret and clicks "Save"$`,
		"Types the copied Consumer Key and Secret into the product and saves them.",
		`And enters the Consumer Key and Consumer Secret and clicks "Save"`,
		func(w *world) any { return w.savesCredentials }},
	{"Salesforce: pop-up", `^a pop-up shows the Salesforce login page$`,
		"Checks the pop-up opened by the product is on Salesforce's login page.",
		`Then a pop-up shows the Salesforce login page`,
		func(w *world) any { return w.popupShowsLogin }},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with password "([^"]*)"$`,
		"Logs in on the login page in the current window (the pop-up).",
		`When the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"`,
		func(w *world) any { return w.syncUserLogsIn }},
	{"Salesforce: pop-up", `^the access page asks to allow access for "([^"]*)"$`,
		"Checks Allow Access? names this user.",
		`Then the access page asks to allow access for "sync@acme.test"`,
		func(w *world) any { return w.accessPageAsks }},
	{"Salesforce: pop-up", `^the pop-up closes$`,
		"Waits until the pop-up has closed itself; the next steps act in the product's window.",
		`Then the pop-up closes`,
		func(w *world) any { return w.popupCloses }},
	{"Product", `^the product asks to confirm the credentials of "([^"]*)"$`,
		"Waits for the Confirm Credentials dialog and checks the Salesforce username it shows.",
		`And the product asks to confirm the credentials of "sync@acme.test"`,
		func(w *world) any { return w.productAsksToConfirm }},
	{"Product", `^the field sync finishes for Lead, Contact and Account$`,
		"Waits until the field sync is complete for each object and Start Salesforce Sync is enabled.",
		`Then the field sync finishes for Lead, Contact and Account`,
		func(w *world) any { return w.fieldSyncFinishes }},
	{"Product", `^the sync is running$`,
		"Waits until the product says the sync is running.",
		`Then the sync is running`,
		func(w *world) any { return w.syncIsRunning }},
	{"Product", `^the product shows ([\d,]+) leads, ([\d,]+) contacts and ([\d,]+) accounts synced$`,
		"Waits until the product's counts equal these (commas allowed); first checks Salesforce holds that many, so the step tests something.",
		`And the product shows 2,501 leads, 500 contacts and 201 accounts synced`,
		func(w *world) any { return w.productShowsCounts }},
}

// writeCatalog renders docs/steps.md from the catalogue.
func writeCatalog(out io.Writer) error {
	var b strings.Builder
	b.WriteString("# Step catalogue\n\n")
	b.WriteString("Generated from `e2e/catalog.go` by `make steps`; do not edit by hand.\n")
	b.WriteString("Every step below can start with Given, When, Then, And or But. Quoted values are yours to choose.\n")
	b.WriteString("See `docs/writing-scenarios.md` for how to write and run a scenario.\n")
	section := ""
	for _, d := range catalog {
		if d.Section != section {
			section = d.Section
			fmt.Fprintf(&b, "\n## %s\n", section)
		}
		fmt.Fprintf(&b, "\n```gherkin\n%s\n```\n%s\n\nPattern: `%s`\n", d.Example, d.Doc, d.Pattern)
	}
	_, err := io.WriteString(out, b.String())
	return err
}

// checkCatalog verifies every example matches its own pattern and no
// other, so the catalogue cannot drift from what the suite runs.
func checkCatalog() error {
	keyword := regexp.MustCompile(`^(Given|When|Then|And|But) `)
	for i, d := range catalog {
		text := keyword.ReplaceAllString(d.Example, "")
		for j, other := range catalog {
			matched := regexp.MustCompile(other.Pattern).MatchString(text)
			if i == j && !matched {
				return fmt.Errorf("step %q: its example %q does not match it", d.Pattern, d.Example)
			}
			if i != j && matched && j < i {
				return fmt.Errorf("example %q of %q is taken by the earlier step %q", d.Example, d.Pattern, other.Pattern)
			}
		}
	}
	return nil
}
