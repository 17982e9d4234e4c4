package e2e

import (
	"bytes"
	"fmt"
	"go/format"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
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
	// Declares is set on Given steps that only describe the org to be;
	// any other step first creates it through the control API.
	Declares bool
}

// catalog is every step the suite defines, in the documentation's words.
// Add a step here, then run `make steps`; a test fails while
// docs/steps.md is stale.
var catalog = []stepDef{
	// Prerequisites of the documentation.
	{"Prerequisites", `^Salesforce has an org "([^"]*)" with the admin "([^"]*)" and the sync user "([^"]*)" with API access$`,
		"Declares this scenario's own Salesforce org: the admin (password Admin-Pass-1), the API-enabled sync user (Sync-Pass-1), 2,501 leads, 500 contacts and 201 accounts. It is created in mocksf through the control API when a later step needs it; usernames get a per-scenario suffix behind the scenes.",
		`Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access`,
		func(w *world) any { return w.orgWithUsers }, true},
	{"Prerequisites", `^the product subscription has the feature "Enable OAuth for SFDC sync" turned on$`,
		"Starts this scenario's product with the subscription feature on.",
		`And the product subscription has the feature "Enable OAuth for SFDC sync" turned on`,
		func(w *world) any { return func() error { return w.startClient(true) } }, true},
	{"Prerequisites", `^the product subscription has the feature "Enable OAuth for SFDC sync" turned off$`,
		"Starts this scenario's product with the subscription feature off.",
		`Given the product subscription has the feature "Enable OAuth for SFDC sync" turned off`,
		func(w *world) any { return func() error { return w.startClient(false) } }, true},
	{"Prerequisites", `^the connected app "([^"]*)" exists with all OAuth scopes and the product's callback URL$`,
		"Declares a connected app with every OAuth scope and the product's callback URL, as part 1 of the documentation makes it; the admin has its Consumer Key and Secret at hand. Skips the Setup pages for scenarios about part 2.",
		`And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL`,
		func(w *world) any { return w.connectedAppExists }, true},
	{"Prerequisites", `^the connected app "([^"]*)" takes (\d+) minutes to become active$`,
		"The app was just created and answers invalid_client_id for that long, as a new Salesforce connected app does.",
		`And the connected app "Beacon Sync" takes 10 minutes to become active`,
		func(w *world) any { return w.appTakesMinutes }, true},
	{"Prerequisites", `^the connected app "([^"]*)" rotates refresh tokens$`,
		"Ticks \"Enable Refresh Token Rotation\" on the app: each refresh answers a new refresh token and the one sent dies, so the product must keep the new one.",
		`And the connected app "Beacon Sync" rotates refresh tokens`,
		func(w *world) any { return w.appRotatesRefreshTokens }, true},
	{"Prerequisites", `^the sync user "([^"]*)" has no API access$`,
		"Turns API Enabled off for the user (as in Professional Edition without the API add-on).",
		`And the sync user "sync@acme.test" has no API access`,
		func(w *world) any { return w.userHasNoAPIAccess }, true},
	{"Prerequisites", `^pop-ups are blocked in the admin's browser$`,
		"The product admin's browser blocks pop-ups: window.open returns nothing, as with a pop-up blocker on.",
		`And pop-ups are blocked in the admin's browser`,
		func(w *world) any { return w.popupsAreBlocked }, true},
	{"Prerequisites", `^Salesforce has ([\d,]+) more leads$`,
		"Adds that many generated leads to the org.",
		`Given Salesforce has 5,000 more leads`,
		func(w *world) any { return w.moreLeads }, false},

	// Part 1: the connected app, in Salesforce Setup.
	{"Salesforce: login and Setup", `^the admin logs in to Salesforce as "([^"]*)" with password "([^"]*)"$`,
		"Opens the Salesforce admin's browser on the login page and logs in; the next page is Verify Your Identity.",
		`Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"`,
		func(w *world) any { return w.adminLogsIn }, false},
	{"Salesforce: login and Setup", `^(?:the admin |the sync user )?enters the verification code emailed to "([^"]*)" and clicks "Verify"$`,
		"Reads the newest verification code sent to the address (from mail, never from a back door), types it and clicks Verify.",
		`And enters the verification code emailed to "admin@acme.test" and clicks "Verify"`,
		func(w *world) any { return w.entersEmailedCode }, false},
	{"Salesforce: login and Setup", `^the admin opens Setup and goes to Platform Tools, Apps, App Manager$`,
		"Opens the gear menu and chooses Setup, then in Setup's sidebar follows Platform Tools → Apps → App Manager.",
		`When the admin opens Setup and goes to Platform Tools, Apps, App Manager`,
		func(w *world) any { return w.opensAppManager }, false},
	{"Any page", `^(?:the admin |the sync user )?clicks "([^"]*)"$`,
		"Clicks the visible button or link with exactly this label in the current window (waits until it is visible and enabled). \"Login with Salesforce\" then continues in the pop-up it opens, which may have closed at once when Salesforce still knows the login and the approval.",
		`And clicks "Save"`,
		func(w *world) any { return w.clicks }, false},
	{"Salesforce: login and Setup", `^fills in the basic details: name "([^"]*)", API name "([^"]*)" and contact email "([^"]*)"$`,
		"Fills Connected App Name, API Name and Contact Email on New Connected App.",
		`And fills in the basic details: name "Beacon Sync", API name "Beacon_Sync" and contact email "admin@acme.test"`,
		func(w *world) any { return w.fillsBasicDetails }, false},
	{"Any page", `^(?:the admin |the sync user )?chooses "([^"]*)" and clicks "([^"]*)"$`,
		"Selects the radio button or checkbox with this label, then clicks the button.",
		`And chooses "Create a Connected App" and clicks "Continue"`,
		func(w *world) any { return w.chooses }, false},
	{"Salesforce: login and Setup", `^ticks "(Enable OAuth Settings|Enable OAuth)" and enters the callback URL "([^"]*)"$`,
		"Ticks Enable OAuth Settings (Enable OAuth on an External Client App) and types this Callback URL (a wrong one, say).",
		`And ticks "Enable OAuth Settings" and enters the callback URL "not a url"`,
		func(w *world) any { return w.entersCallbackURL }, false},
	{"Salesforce: login and Setup", `^the field "([^"]*)" shows the error "([^"]*)"$`,
		"The error next to the field with this label contains the text.",
		`Then the field "Contact Email" shows the error "Invalid email address"`,
		func(w *world) any { return w.fieldShowsError }, false},
	{"Any page", `^the field "([^"]*)" still holds "([^"]*)"$`,
		"The field with this label holds exactly this value.",
		`And the field "Connected App Name" still holds "Beacon Sync"`,
		func(w *world) any { return w.fieldHolds }, false},
	{"Salesforce: pop-up", `^(?:the sync user |the admin )?enters the expired verification code emailed to "([^"]*)" and clicks "Verify"$`,
		"Types the newest emailed code, which must be refused, and clicks Verify.",
		`And the sync user enters the expired verification code emailed to "sync@acme.test" and clicks "Verify"`,
		func(w *world) any { return w.entersOldCode }, false},
	{"Salesforce: login and Setup", `^ticks "(Enable OAuth Settings|Enable OAuth)" and enters the product's callback URL$`,
		"Ticks Enable OAuth Settings (a connected app) or Enable OAuth (an External Client App) and types the product's own /salesforce/getSfdcOAuthTokensRedirect address as Callback URL.",
		`And ticks "Enable OAuth Settings" and enters the product's callback URL`,
		func(w *world) any { return w.enablesOAuth }, false},
	{"Salesforce: login and Setup", `^selects all available OAuth scopes and clicks "Add"$`,
		"Selects every Available OAuth Scope, clicks Add, and checks all of them moved to Selected.",
		`And selects all available OAuth scopes and clicks "Add"`,
		func(w *world) any { return w.addsAllScopes }, false},
	{"Any page", `^Salesforce says "([^"]*)"$`,
		"Waits until the current window's text contains the sentence.",
		`Then Salesforce says "Changes can take up to 10 minutes to take effect."`,
		func(w *world) any { return w.salesforceSays }, false},
	{"Salesforce: login and Setup", `^the Consumer Key and Consumer Secret are shown, and the admin copies them$`,
		"Reads Consumer Key (85 characters, 3MVG9…) and Consumer Secret from Consumer Details and keeps them for the product.",
		`Then the Consumer Key and Consumer Secret are shown, and the admin copies them`,
		func(w *world) any { return w.copiesConsumerDetails }, false},

	{"Salesforce: pop-up", `^(?:the sync user )?enters the verification code "([^"]*)" and clicks "Verify"$`,
		"Types this code (a wrong one, say) on Verify Your Identity and clicks Verify.",
		`And enters the verification code "000000" and clicks "Verify"`,
		func(w *world) any { return w.entersCode }, false},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with the wrong password "([^"]*)"$`,
		"Logs in with a password that must fail; waits for the login page's error.",
		`And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1"`,
		func(w *world) any { return w.logsInWrongPassword }, false},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with the wrong password "([^"]*)" (\d+) times$`,
		"The same, that many times in a row.",
		`And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1" 10 times`,
		func(w *world) any { return w.logsInWrongPasswordTimes }, false},
	{"Salesforce: pop-up", `^the pop-up shows Salesforce's error "([^"]*)"$`,
		"Salesforce showed an OAuth error page in the pop-up (for an unknown or inactive client, or a callback mismatch).",
		`Then the pop-up shows Salesforce's error "invalid_client_id"`,
		func(w *world) any { return w.popupShowsSalesforceError }, false},
	{"Salesforce: pop-up", `^the admin closes the pop-up$`,
		"Closes the pop-up window.",
		`When the admin closes the pop-up`,
		func(w *world) any { return w.closesPopup }, false},
	{"Salesforce: state", `^(\d+) (minutes|hours) pass in Salesforce$`,
		"Moves the clock of this scenario's org forward (an access token or browser login unused for 2 hours then dies, as Salesforce's session timeout ends it). Only this org's clock moves, so the scenario runs beside the others.",
		`When 10 minutes pass in Salesforce`,
		func(w *world) any { return w.timePasses }, false},
	{"Salesforce: state", `^(\d+) leads? (?:is|are) created in Salesforce$`,
		"Adds new leads to the org now, so the product's change sync must pick them up.",
		`When 3 leads are created in Salesforce`,
		func(w *world) any { return w.leadsCreated }, false},
	{"Salesforce: state", `^Salesforce answers the product's next REST call with "([^"]*)"$`,
		"Arms a one-time fault on this org's REST API with the Salesforce error (INVALID_SESSION_ID, REQUEST_LIMIT_EXCEEDED, …).",
		`Given Salesforce answers the product's next REST call with "INVALID_SESSION_ID"`,
		func(w *world) any { return w.nextRESTCallFails }, false},
	{"Salesforce: state", `^Salesforce answers the product's next (\d+) REST calls with (.+)$`,
		"Arms a fault on this org's REST API for that many calls: HTTP <status>, a dropped connection, or a quoted Salesforce error such as \"REQUEST_LIMIT_EXCEEDED\".",
		`Given Salesforce answers the product's next 8 REST calls with HTTP 503`,
		func(w *world) any { return w.restCallsFail }, false},
	{"Salesforce: state", `^Salesforce's token endpoint answers the product's next (\d+) calls with (.+)$`,
		"The same for the token endpoint (refresh).",
		`Given Salesforce's token endpoint answers the product's next 8 calls with HTTP 500`,
		func(w *world) any { return w.tokenCallsFail }, false},
	{"Salesforce: state", `^Salesforce answers the product's next (\d+) REST calls (\d+) seconds late$`,
		"Delays this org's next REST answers (slow, but within the product's timeout).",
		`Given Salesforce answers the product's next 5 REST calls 2 seconds late`,
		func(w *world) any { return w.restCallsSlow }, false},
	{"Salesforce: state", `^the product's session expires in Salesforce$`,
		"Salesforce ends the product's sessions (its access tokens) but keeps its refresh token, as a session timeout does.",
		`Given the product's session expires in Salesforce`,
		func(w *world) any { return w.sessionExpires }, false},
	{"Salesforce: state", `^Salesforce revokes the product's refresh token$`,
		"Revokes every token the sync user holds for the app, as an admin would under Connected Apps OAuth Usage.",
		`Given Salesforce revokes the product's refresh token`,
		func(w *world) any { return w.salesforceRevokesRefresh }, false},
	{"Salesforce: state", `^the product refreshed its session with its refresh token$`,
		"mocksf's request journal holds a successful refresh_token grant from the product.",
		`And the product refreshed its session with its refresh token`,
		func(w *world) any { return w.productRefreshed }, false},
	{"Salesforce: state", `^Salesforce no longer accepts the product's refresh token$`,
		"mocksf's journal holds the product's successful revoke request.",
		`And Salesforce no longer accepts the product's refresh token`,
		func(w *world) any { return w.refreshTokenRevoked }, false},

	// Part 2: the product.
	{"Product", `^the admin connects the product as "([^"]*)" with password "([^"]*)"$`,
		"All of part 2 in one step: saves the key and secret, logs in in the pop-up with the emailed code, allows access, confirms the credentials, waits for the field sync and starts the sync.",
		`When the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"`,
		func(w *world) any { return w.connectsProduct }, false},
	{"Product", `^the admin logs in with Salesforce as "([^"]*)" with password "([^"]*)" and confirms the credentials$`,
		"Part 2 up to Confirm Credentials: saves the key and secret, logs in in the pop-up with the emailed code, allows access and confirms.",
		`When the admin logs in with Salesforce as "sync@acme.test" with password "Sync-Pass-1" and confirms the credentials`,
		func(w *world) any { return w.logsInAndConfirms }, false},
	{"Product", `^the product says the feature "Enable OAuth for SFDC sync" must be enabled$`,
		"The Sync with Salesforce page explains that the subscription feature is off.",
		`Then the product says the feature "Enable OAuth for SFDC sync" must be enabled`,
		func(w *world) any { return w.productSaysFeatureOff }, false},
	{"Product", `^the product offers no "Login with Salesforce"$`,
		"There is no Login with Salesforce button.",
		`And the product offers no "Login with Salesforce"`,
		func(w *world) any { return w.productOffersNoLogin }, false},
	{"Product", `^the product tells the admin to allow pop-ups$`,
		"The page says the pop-up was blocked and how to allow it.",
		`Then the product tells the admin to allow pop-ups`,
		func(w *world) any { return w.productSaysAllowPopups }, false},
	{"Product", `^the product shows the error "([^"]*)"$`,
		"The product's error message contains the text.",
		`Then the product shows the error "You denied access in Salesforce. Click Login with Salesforce and choose Allow."`,
		func(w *world) any { return w.productShowsError }, false},
	{"Product", `^the product shows the sync error "([^"]*)"$`,
		"The sync status or its last error contains the text.",
		`Then the product shows the sync error "Connection to Salesforce lost: log in again"`,
		func(w *world) any { return w.productShowsSyncError }, false},
	{"Product", `^the admin saves the Consumer Key with the wrong Consumer Secret "([^"]*)"$`,
		"Opens Sync with Salesforce and saves the right Consumer Key with this secret.",
		`Given the admin saves the Consumer Key with the wrong Consumer Secret "0000000000000000000000000000000000000000000000000000000000000000"`,
		func(w *world) any { return w.savesWrongSecret }, false},
	{"Product", `^the product shows no sync error$`,
		"The sync is running and its last error is empty.",
		`And the product shows no sync error`,
		func(w *world) any { return w.productShowsNoSyncError }, false},
	{"Product", `^the product is not connected to Salesforce$`,
		"The page shows no connection.",
		`Then the product is not connected to Salesforce`,
		func(w *world) any { return w.productNotConnected }, false},
	{"Product", `^the product restarts while the sync is running$`,
		"Stops the product once the sync has started and starts it again on the same address and database, then reloads its page.",
		`When the product restarts while the sync is running`,
		func(w *world) any { return w.productRestarts }, false},
	{"Product", `^the product holds every lead exactly once$`,
		"The product's lead count equals Salesforce's: none lost, none twice.",
		`And the product holds every lead exactly once`,
		func(w *world) any { return w.productHoldsLeadsOnce }, false},
	{"Product", `^the admin opens Admin, CRM, Sync with Salesforce in the product$`,
		"Opens the product admin's browser and follows Admin → CRM → Sync with Salesforce.",
		`When the admin opens Admin, CRM, Sync with Salesforce in the product`,
		func(w *world) any { return w.opensSyncPage }, false},
	{"Product", `^enters the Consumer Key and Consumer Secret and clicks "Save"$`,
		"Types the copied Consumer Key and Secret into the product and saves them.",
		`And enters the Consumer Key and Consumer Secret and clicks "Save"`,
		func(w *world) any { return w.savesCredentials }, false},
	{"Salesforce: pop-up", `^a pop-up shows the Salesforce login page$`,
		"Checks the pop-up opened by the product is on Salesforce's login page.",
		`Then a pop-up shows the Salesforce login page`,
		func(w *world) any { return w.popupShowsLogin }, false},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with password "([^"]*)"$`,
		"Logs in on the login page in the current window (the pop-up).",
		`When the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"`,
		func(w *world) any { return w.syncUserLogsIn }, false},
	{"Salesforce: pop-up", `^the sync user logs in again as "([^"]*)" with password "([^"]*)" on the browser Salesforce remembers$`,
		"Logs in on the login page in the current window; Salesforce knows the browser from an earlier verification, so no Verify Your Identity page follows (the next step says what does).",
		`When the sync user logs in again as "sync@acme.test" with password "Sync-Pass-1" on the browser Salesforce remembers`,
		func(w *world) any { return w.syncUserLogsInAgain }, false},
	{"Salesforce: pop-up", `^the access page asks to allow access for "([^"]*)"$`,
		"Checks Allow Access? names this user.",
		`Then the access page asks to allow access for "sync@acme.test"`,
		func(w *world) any { return w.accessPageAsks }, false},
	{"Salesforce: pop-up", `^the pop-up closes$`,
		"Waits until the pop-up has closed itself; the next steps act in the product's window.",
		`Then the pop-up closes`,
		func(w *world) any { return w.popupCloses }, false},
	{"Product", `^the product asks to confirm the credentials of "([^"]*)"$`,
		"Waits for the Confirm Credentials dialog and checks the Salesforce username it shows.",
		`And the product asks to confirm the credentials of "sync@acme.test"`,
		func(w *world) any { return w.productAsksToConfirm }, false},
	{"Product", `^the field sync finishes for Lead, Contact and Account$`,
		"Waits until the field sync is complete for each object and Start Salesforce Sync is enabled.",
		`Then the field sync finishes for Lead, Contact and Account`,
		func(w *world) any { return w.fieldSyncFinishes }, false},
	{"Product", `^the sync is running$`,
		"Waits until the product says the sync is running.",
		`Then the sync is running`,
		func(w *world) any { return w.syncIsRunning }, false},
	{"Product", `^the product shows ([\d,]+) leads, ([\d,]+) contacts and ([\d,]+) accounts synced$`,
		"Waits until the product's counts equal these (commas allowed); first checks Salesforce holds that many, so the step tests something.",
		`And the product shows 2,501 leads, 500 contacts and 201 accounts synced`,
		func(w *world) any { return w.productShowsCounts }, false},

	// Setup as admins meet it today: External Client Apps and the
	// Spring '26 restriction on connected apps.
	{"Prerequisites", `^creating connected apps is restricted in the org, as in orgs created after Spring '26$`,
		"Declares the org with Salesforce's Spring '26 restriction: New Connected App shows the restriction notice until an admin turns on Allow creation of connected apps in External Client App Settings (seed key restrictConnectedApps).",
		`Given creating connected apps is restricted in the org, as in orgs created after Spring '26`,
		func(w *world) any { return w.connectedAppsRestricted }, true},
	{"Prerequisites", `^the External Client App "([^"]*)" exists with all OAuth scopes and the product's callback URL$`,
		"Declares an External Client App as today's documentation makes it (Distribution State Local, every OAuth scope, the product's callback URL, PKCE and both secrets required, no optional flow enabled); the admin has its Consumer Key and Secret at hand. Skips the Setup pages for scenarios about part 2.",
		`And the External Client App "Beacon Sync" exists with all OAuth scopes and the product's callback URL`,
		func(w *world) any { return w.externalClientAppExists }, true},
	{"Prerequisites", `^the External Client App "([^"]*)" has the client credentials flow enabled, running as "([^"]*)"$`,
		"Ticks Enable Client Credentials Flow under Flow Enablement and sets the user as the flow's Run As user in the app's Policies.",
		`Given the External Client App "Beacon Sync" has the client credentials flow enabled, running as "sync@acme.test"`,
		func(w *world) any { return w.externalClientAppRunsAs }, true},
	{"Product", `^(?:the admin )?connects as an integration user with the client credentials flow on the org's My Domain$`,
		"On Sync with Salesforce, chooses Integration user (client credentials flow), types the copied Consumer Key and Secret and the org's My Domain URL (its instance URL from mocksf's control API), and clicks Connect.",
		`And connects as an integration user with the client credentials flow on the org's My Domain`,
		func(w *world) any { return w.connectsWithClientCredentials }, false},
	{"Product", `^the product is connected as "([^"]*)"$`,
		"The product's connection status names this Salesforce user.",
		`Then the product is connected as "sync@acme.test"`,
		func(w *world) any { return w.productConnectedAs }, false},
	{"Prerequisites", `^the product does not send PKCE$`,
		"Starts this scenario's product with PKCE left out of Login with Salesforce (client.Config.DisablePKCE, cmd/client -no-pkce), as a product on an older OAuth library.",
		`Given the product does not send PKCE`,
		func(w *world) any { return w.productSendsNoPKCE }, true},
	{"Salesforce: login and Setup", `^the admin opens Setup and finds "([^"]*)" with Quick Find$`,
		"Opens Setup from the gear menu, types the name in Quick Find at the top of the Setup sidebar, and opens the entry of that name.",
		`When the admin opens Setup and finds "External Client App Settings" with Quick Find`,
		func(w *world) any { return w.findsWithQuickFind }, false},
	{"Salesforce: state", `^Salesforce no longer restricts creating connected apps in the org$`,
		"mocksf's control API shows restrictConnectedApps: false for the org.",
		`Then Salesforce no longer restricts creating connected apps in the org`,
		func(w *world) any { return w.connectedAppsAllowed }, false},
	{"Any page", `^(?:the admin )?selects "([^"]*)" as the "([^"]*)"$`,
		"Picks the option with this text in the drop-down with this label.",
		`And selects "Local" as the "Distribution State"`,
		func(w *world) any { return w.selectsOption }, false},
	{"Any page", `^(?:the admin )?(ticks|unticks) "([^"]*)"$`,
		"Ticks (or unticks) the checkbox with exactly this label, unless it is so already.",
		`And ticks "Allow creation of connected apps"`,
		func(w *world) any { return w.ticks }, false},
	{"Any page", `^(?:under [A-Z][^"]* )?"([^"]*)" is (ticked|not ticked)$`,
		"Checks the checkbox with exactly this label; \"under <section>\" is for the reader.",
		`And under Security "Require secret for Web Server Flow" is ticked`,
		func(w *world) any { return w.checkboxIs }, false},
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

// registrationsFile is the generated Go file of the catalogue's steps as
// one literal Step call each, which `make steps` writes.
const registrationsFile = "catalog_steps.go"

// writeRegistrations writes registrationsFile: registerCatalog with one
// ctx.Step("^...$", catalog[i].Bind(w)) a catalogue entry, in order. The
// suite registers its steps through it rather than in a loop because the
// Cucumber language service (VS Code's Cucumber extension) finds a step
// only as a Step call with a string literal in a function's body
// (e2e/langservice, make steps-check).
func writeRegistrations(out io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`// Code generated by make steps from catalog in catalog.go; DO NOT EDIT.

package e2e

// registerCatalog registers every catalogue step, in the catalogue's
// order, one literal Step call each: the form the Cucumber language
// service (VS Code's Cucumber extension) reads. catalogRegistrar checks
// each pattern against the catalogue entry it binds.
func registerCatalog(ctx *catalogRegistrar, w *world) {
`)
	for i, d := range catalog {
		lit := "`" + d.Pattern + "`"
		if strings.Contains(d.Pattern, "`") {
			lit = strconv.Quote(d.Pattern)
		}
		fmt.Fprintf(&b, "\tctx.Step(%s, catalog[%d].Bind(w))\n", lit, i)
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("e2e: format %s: %w", registrationsFile, err)
	}
	_, err = out.Write(src)
	return err
}

// catalogRegistrar passes the generated registrations on to step
// (godog's ScenarioContext.Step), refusing any that no longer binds the
// catalogue entry of its pattern (a stale catalog_steps.go: run make
// steps).
type catalogRegistrar struct {
	step func(expr string, fn any)
	n    int
}

// Step registers the next catalogue entry, whose pattern must be expr.
func (r *catalogRegistrar) Step(expr string, fn any) {
	if r.n >= len(catalog) || catalog[r.n].Pattern != expr {
		panic(fmt.Sprintf("e2e: %s is stale (its step %d, %q, is not the catalogue's): run make steps", registrationsFile, r.n, expr))
	}
	r.step(expr, fn)
	r.n++
}

// done panics unless every catalogue entry was registered.
func (r *catalogRegistrar) done() {
	if r.n != len(catalog) {
		panic(fmt.Sprintf("e2e: %s is stale (%d steps of the catalogue's %d): run make steps", registrationsFile, r.n, len(catalog)))
	}
}

// checkCatalog verifies every example matches its own pattern and no
// other, so the catalogue cannot drift from what the suite runs.
func checkCatalog() error {
	for i, d := range catalog {
		text := stepKeyword.ReplaceAllString(d.Example, "")
		for j, other := range catalog {
			matched := patterns[j].MatchString(text)
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

// declaresOrg reports whether the step text belongs to a step that only
// declares the org (so it must not create it yet): the Declares of the
// first definition whose pattern matches, as godog picks it. godog
// matches a step only after the before-step hooks, and a wrapper around
// the step function would hide its name from godog's reports, so the
// answer is worked out once per step text of the run and remembered.
func declaresOrg(text string) bool {
	if d, ok := declares.Load(text); ok {
		return d.(bool)
	}
	d := false
	for i, def := range catalog {
		if patterns[i].MatchString(text) {
			d = def.Declares
			break
		}
	}
	declares.Store(text, d)
	return d
}

// declares remembers declaresOrg's answer by step text.
var declares sync.Map // step text → bool

// patterns are the catalogue's patterns, compiled once, by index.
var patterns = func() []*regexp.Regexp {
	res := make([]*regexp.Regexp, len(catalog))
	for i, d := range catalog {
		res[i] = regexp.MustCompile(d.Pattern)
	}
	return res
}()
