package steps

import (
	"bytes"
	"errors"
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
// example as written in a feature, and the world method it runs; and
// the same step in Dutch and Japanese, run by the same method.
type stepDef struct {
	Section string
	Pattern string
	Doc     string
	Example string
	Bind    func(w *world) any
	// Declares is set on Given steps that only describe the org to be;
	// any other step first creates it through the control API.
	Declares bool
	// NL and JA are the step in the words of the documentation's Dutch
	// and Japanese (/work/shared/docs/seed-docs): the pattern a feature
	// with "# language: nl" or "# language: ja" is matched against, with
	// the same groups in the same order as Pattern's (the same Bind runs
	// them), and an example with that language's keyword.
	NL, JA wording
}

// wording is a step's pattern and example in one language.
type wording struct{ Pattern, Example string }

// languages are the Gherkin languages the catalogue speaks, English
// first: a feature in any other has no steps.
var languages = []string{"en", "nl", "ja"}

// in is the step's wording in the language (a Gherkin language code),
// empty for one the catalogue does not speak.
func (d stepDef) in(lang string) wording {
	switch lang {
	case "en":
		return wording{d.Pattern, d.Example}
	case "nl":
		return d.NL
	case "ja":
		return d.JA
	}
	return wording{}
}

// catalog is every step the suite defines, in the documentation's words.
// Add a step here, then run `make steps`; a test fails while
// docs/steps.md is stale.
var catalog = []stepDef{
	// Prerequisites of the documentation.
	{"Prerequisites", `^Salesforce has an org "([^"]*)" with the admin "([^"]*)" and the sync user "([^"]*)" with API access$`,
		"Declares this scenario's own Salesforce org: the admin (password Admin-Pass-1), the API-enabled sync user (Sync-Pass-1), 2,501 leads, 500 contacts and 201 accounts. It is created in mocksf through the control API when a later step needs it; usernames get a per-scenario suffix behind the scenes.",
		`Given Salesforce has an org "Acme" with the admin "admin@acme.test" and the sync user "sync@acme.test" with API access`,
		func(w *world) any { return w.orgWithUsers }, true,
		wording{`^Salesforce heeft een organisatie "([^"]*)" met de beheerder "([^"]*)" en de synchronisatiegebruiker "([^"]*)" met API-toegang$`,
			`Gegeven Salesforce heeft een organisatie "Acme" met de beheerder "admin@acme.test" en de synchronisatiegebruiker "sync@acme.test" met API-toegang`},
		wording{`^Salesforceに組織"([^"]*)"があり、管理者"([^"]*)"とAPIアクセスが有効な同期ユーザー"([^"]*)"がいる$`,
			`前提 Salesforceに組織"Acme"があり、管理者"admin@acme.test"とAPIアクセスが有効な同期ユーザー"sync@acme.test"がいる`}},
	{"Prerequisites", `^the product subscription has the feature "Enable OAuth for SFDC sync" turned on$`,
		"Starts this scenario's product with the subscription feature on.",
		`And the product subscription has the feature "Enable OAuth for SFDC sync" turned on`,
		func(w *world) any { return func() error { return w.startClient(true) } }, true,
		wording{`^de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" is ingeschakeld op het abonnement van het product$`,
			`En de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" is ingeschakeld op het abonnement van het product`},
		wording{`^製品の購読で"OAuth for SFDCの同期を有効にする"機能が有効になっている$`,
			`かつ 製品の購読で"OAuth for SFDCの同期を有効にする"機能が有効になっている`}},
	{"Prerequisites", `^the product subscription has the feature "Enable OAuth for SFDC sync" turned off$`,
		"Starts this scenario's product with the subscription feature off.",
		`Given the product subscription has the feature "Enable OAuth for SFDC sync" turned off`,
		func(w *world) any { return func() error { return w.startClient(false) } }, true,
		wording{`^de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" is uitgeschakeld op het abonnement van het product$`,
			`Gegeven de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" is uitgeschakeld op het abonnement van het product`},
		wording{`^製品の購読で"OAuth for SFDCの同期を有効にする"機能が無効になっている$`,
			`前提 製品の購読で"OAuth for SFDCの同期を有効にする"機能が無効になっている`}},
	{"Prerequisites", `^the connected app "([^"]*)" exists with all OAuth scopes and the product's callback URL$`,
		"Declares a connected app with every OAuth scope and the product's callback URL, as part 1 of the documentation makes it; the admin has its Consumer Key and Secret at hand. Skips the Setup pages for scenarios about part 2.",
		`And the connected app "Beacon Sync" exists with all OAuth scopes and the product's callback URL`,
		func(w *world) any { return w.connectedAppExists }, true,
		wording{`^de verbonden app "([^"]*)" bestaat met alle OAuth-bereiken en de callback-URL van het product$`,
			`En de verbonden app "Beacon Sync" bestaat met alle OAuth-bereiken en de callback-URL van het product`},
		wording{`^接続されたアプリ"([^"]*)"が、すべてのOAuthスコープと製品のコールバックURLで作成されている$`,
			`かつ 接続されたアプリ"Beacon Sync"が、すべてのOAuthスコープと製品のコールバックURLで作成されている`}},
	{"Prerequisites", `^the connected app "([^"]*)" takes (\d+) minutes to become active$`,
		"The app was just created and answers invalid_client_id for that long, as a new Salesforce connected app does.",
		`And the connected app "Beacon Sync" takes 10 minutes to become active`,
		func(w *world) any { return w.appTakesMinutes }, true,
		wording{`^de verbonden app "([^"]*)" wordt pas na (\d+) minuten actief$`,
			`En de verbonden app "Beacon Sync" wordt pas na 10 minuten actief`},
		wording{`^接続されたアプリ"([^"]*)"が有効になるまで(\d+)分かかる$`,
			`かつ 接続されたアプリ"Beacon Sync"が有効になるまで10分かかる`}},
	{"Prerequisites", `^the connected app "([^"]*)" rotates refresh tokens$`,
		"Ticks \"Enable Refresh Token Rotation\" on the app: each refresh answers a new refresh token and the one sent dies, so the product must keep the new one.",
		`And the connected app "Beacon Sync" rotates refresh tokens`,
		func(w *world) any { return w.appRotatesRefreshTokens }, true,
		wording{`^de verbonden app "([^"]*)" roteert vernieuwingstokens$`,
			`En de verbonden app "Beacon Sync" roteert vernieuwingstokens`},
		wording{`^接続されたアプリ"([^"]*)"が更新トークンをローテーションする$`,
			`かつ 接続されたアプリ"Beacon Sync"が更新トークンをローテーションする`}},
	{"Prerequisites", `^the sync user "([^"]*)" has no API access$`,
		"Turns API Enabled off for the user (as in Professional Edition without the API add-on).",
		`And the sync user "sync@acme.test" has no API access`,
		func(w *world) any { return w.userHasNoAPIAccess }, true,
		wording{`^de synchronisatiegebruiker "([^"]*)" heeft geen API-toegang$`,
			`En de synchronisatiegebruiker "sync@acme.test" heeft geen API-toegang`},
		wording{`^同期ユーザー"([^"]*)"にAPIアクセスがない$`,
			`かつ 同期ユーザー"sync@acme.test"にAPIアクセスがない`}},
	{"Prerequisites", `^pop-ups are blocked in the admin's browser$`,
		"The product admin's browser blocks pop-ups: window.open returns nothing, as with a pop-up blocker on.",
		`And pop-ups are blocked in the admin's browser`,
		func(w *world) any { return w.popupsAreBlocked }, true,
		wording{`^pop-ups worden geblokkeerd in de browser van de beheerder$`,
			`En pop-ups worden geblokkeerd in de browser van de beheerder`},
		wording{`^管理者のブラウザでポップアップがブロックされている$`,
			`かつ 管理者のブラウザでポップアップがブロックされている`}},
	{"Prerequisites", `^Salesforce has ([\d,]+) more leads$`,
		"Adds that many generated leads to the org.",
		`Given Salesforce has 5,000 more leads`,
		func(w *world) any { return w.moreLeads }, false,
		wording{`^Salesforce heeft ([\d,]+) leads meer$`,
			`Gegeven Salesforce heeft 5,000 leads meer`},
		wording{`^Salesforceにリードがさらに([\d,]+)件ある$`,
			`前提 Salesforceにリードがさらに5,000件ある`}},

	// Part 1: the connected app, in Salesforce Setup.
	{"Salesforce: login and Setup", `^the admin logs in to Salesforce as "([^"]*)" with password "([^"]*)"$`,
		"Opens the Salesforce admin's browser on the login page and logs in; the next page is Verify Your Identity.",
		`Given the admin logs in to Salesforce as "admin@acme.test" with password "Admin-Pass-1"`,
		func(w *world) any { return w.adminLogsIn }, false,
		wording{`^de beheerder meldt zich aan bij Salesforce als "([^"]*)" met wachtwoord "([^"]*)"$`,
			`Gegeven de beheerder meldt zich aan bij Salesforce als "admin@acme.test" met wachtwoord "Admin-Pass-1"`},
		wording{`^管理者が"([^"]*)"としてパスワード"([^"]*)"でSalesforceにログインする$`,
			`前提 管理者が"admin@acme.test"としてパスワード"Admin-Pass-1"でSalesforceにログインする`}},
	{"Salesforce: login and Setup", `^(?:the admin |the sync user )?enters the verification code emailed to "([^"]*)" and clicks "Verify"$`,
		"Reads the newest verification code sent to the address (from mail, never from a back door), types it and clicks Verify.",
		`And enters the verification code emailed to "admin@acme.test" and clicks "Verify"`,
		func(w *world) any { return w.entersEmailedCode }, false,
		wording{`^(?:de beheerder |de synchronisatiegebruiker )?voert de verificatiecode in die per e-mail naar "([^"]*)" is verzonden en klikt op "Verifiëren"$`,
			`En voert de verificatiecode in die per e-mail naar "admin@acme.test" is verzonden en klikt op "Verifiëren"`},
		wording{`^(?:管理者が|同期ユーザーが)?"([^"]*)"宛ての電子メールで受け取った検証コードを入力し、"検証"をクリックする$`,
			`かつ "admin@acme.test"宛ての電子メールで受け取った検証コードを入力し、"検証"をクリックする`}},
	{"Salesforce: login and Setup", `^the admin opens Setup and goes to Platform Tools, Apps, App Manager$`,
		"Opens the gear menu and chooses Setup, then in Setup's sidebar follows Platform Tools → Apps → App Manager.",
		`When the admin opens Setup and goes to Platform Tools, Apps, App Manager`,
		func(w *world) any { return w.opensAppManager }, false,
		wording{`^de beheerder opent Opstelling en navigeert binnen de Hulpmiddelen van het Platform naar Apps, Manager van de Toepassing$`,
			`Als de beheerder opent Opstelling en navigeert binnen de Hulpmiddelen van het Platform naar Apps, Manager van de Toepassing`},
		wording{`^管理者が「設定」を開き、プラットフォームツール内の「アプリ」、「アプリマネージャー」に移動する$`,
			`もし 管理者が「設定」を開き、プラットフォームツール内の「アプリ」、「アプリマネージャー」に移動する`}},
	{"Any page", `^(?:the admin |the sync user )?clicks "([^"]*)"$`,
		"Clicks the visible button or link with exactly this label in the current window (waits until it is visible and enabled). \"Login with Salesforce\" then continues in the pop-up it opens, which may have closed at once when Salesforce still knows the login and the approval.",
		`And clicks "Save"`,
		func(w *world) any { return w.clicks }, false,
		wording{`^(?:de beheerder |de synchronisatiegebruiker )?klikt op "([^"]*)"$`,
			`En klikt op "Opslaan"`},
		wording{`^(?:管理者が|同期ユーザーが)?"([^"]*)"をクリックする$`,
			`かつ "保存"をクリックする`}},
	{"Salesforce: login and Setup", `^fills in the basic details: name "([^"]*)", API name "([^"]*)" and contact email "([^"]*)"$`,
		"Fills Connected App Name, API Name and Contact Email on New Connected App.",
		`And fills in the basic details: name "Beacon Sync", API name "Beacon_Sync" and contact email "admin@acme.test"`,
		func(w *world) any { return w.fillsBasicDetails }, false,
		wording{`^vult de details in: naam "([^"]*)", API-naam "([^"]*)" en contact-e-mail "([^"]*)"$`,
			`En vult de details in: naam "Beacon Sync", API-naam "Beacon_Sync" en contact-e-mail "admin@acme.test"`},
		wording{`^詳細を入力する: 名前"([^"]*)"、API参照名"([^"]*)"、連絡先メール"([^"]*)"$`,
			`かつ 詳細を入力する: 名前"Beacon Sync"、API参照名"Beacon_Sync"、連絡先メール"admin@acme.test"`}},
	{"Any page", `^(?:the admin |the sync user )?chooses "([^"]*)" and clicks "([^"]*)"$`,
		"Selects the radio button or checkbox with this label, then clicks the button.",
		`And chooses "Create a Connected App" and clicks "Continue"`,
		func(w *world) any { return w.chooses }, false,
		wording{`^(?:de beheerder |de synchronisatiegebruiker )?kiest "([^"]*)" en klikt op "([^"]*)"$`,
			`En kiest "Create a Connected App" en klikt op "Doorgaan"`},
		wording{`^(?:管理者が|同期ユーザーが)?"([^"]*)"を選択し、"([^"]*)"をクリックする$`,
			`かつ "Create a Connected App"を選択し、"続行"をクリックする`}},
	{"Salesforce: login and Setup", `^ticks "(Enable OAuth Settings|Enable OAuth)" and enters the callback URL "([^"]*)"$`,
		"Ticks Enable OAuth Settings (Enable OAuth on an External Client App) and types this Callback URL (a wrong one, say).",
		`And ticks "Enable OAuth Settings" and enters the callback URL "not a url"`,
		func(w *world) any { return w.entersCallbackURL }, false,
		wording{`^klikt op het selectievakje "(OAuth-instellingen inschakelen|OAuth inschakelen)" en voert de Callback URL "([^"]*)" in$`,
			`En klikt op het selectievakje "OAuth-instellingen inschakelen" en voert de Callback URL "not a url" in`},
		wording{`^"(OAuth設定を有効にする|OAuthを有効化)"チェックボックスをクリックし、コールバックURL"([^"]*)"を入力する$`,
			`かつ "OAuth設定を有効にする"チェックボックスをクリックし、コールバックURL"not a url"を入力する`}},
	{"Salesforce: login and Setup", `^the field "([^"]*)" shows the error "([^"]*)"$`,
		"The error next to the field with this label contains the text.",
		`Then the field "Contact Email" shows the error "Invalid email address"`,
		func(w *world) any { return w.fieldShowsError }, false,
		wording{`^het veld "([^"]*)" toont de fout "([^"]*)"$`,
			`Dan het veld "Contact Email" toont de fout "Invalid email address"`},
		wording{`^項目"([^"]*)"にエラー"([^"]*)"が表示される$`,
			`ならば 項目"Contact Email"にエラー"Invalid email address"が表示される`}},
	{"Any page", `^the field "([^"]*)" still holds "([^"]*)"$`,
		"The field with this label holds exactly this value.",
		`And the field "Connected App Name" still holds "Beacon Sync"`,
		func(w *world) any { return w.fieldHolds }, false,
		wording{`^het veld "([^"]*)" bevat nog steeds "([^"]*)"$`,
			`En het veld "Connected App Name" bevat nog steeds "Beacon Sync"`},
		wording{`^項目"([^"]*)"の値が"([^"]*)"のままである$`,
			`かつ 項目"Connected App Name"の値が"Beacon Sync"のままである`}},
	{"Salesforce: pop-up", `^(?:the sync user |the admin )?enters the expired verification code emailed to "([^"]*)" and clicks "Verify"$`,
		"Types the newest emailed code, which must be refused, and clicks Verify.",
		`And the sync user enters the expired verification code emailed to "sync@acme.test" and clicks "Verify"`,
		func(w *world) any { return w.entersOldCode }, false,
		wording{`^(?:de synchronisatiegebruiker |de beheerder )?voert de verlopen verificatiecode in die per e-mail naar "([^"]*)" is verzonden en klikt op "Verifiëren"$`,
			`En de synchronisatiegebruiker voert de verlopen verificatiecode in die per e-mail naar "sync@acme.test" is verzonden en klikt op "Verifiëren"`},
		wording{`^(?:同期ユーザーが|管理者が)?"([^"]*)"宛ての電子メールで受け取った期限切れの検証コードを入力し、"検証"をクリックする$`,
			`かつ 同期ユーザーが"sync@acme.test"宛ての電子メールで受け取った期限切れの検証コードを入力し、"検証"をクリックする`}},
	{"Salesforce: login and Setup", `^ticks "(Enable OAuth Settings|Enable OAuth)" and enters the product's callback URL$`,
		"Ticks Enable OAuth Settings (a connected app) or Enable OAuth (an External Client App) and types the product's own /salesforce/getSfdcOAuthTokensRedirect address as Callback URL.",
		`And ticks "Enable OAuth Settings" and enters the product's callback URL`,
		func(w *world) any { return w.enablesOAuth }, false,
		wording{`^klikt op het selectievakje "(OAuth-instellingen inschakelen|OAuth inschakelen)" en voert de Callback URL van het product in$`,
			`En klikt op het selectievakje "OAuth-instellingen inschakelen" en voert de Callback URL van het product in`},
		wording{`^"(OAuth設定を有効にする|OAuthを有効化)"チェックボックスをクリックし、製品のコールバックURLを入力する$`,
			`かつ "OAuth設定を有効にする"チェックボックスをクリックし、製品のコールバックURLを入力する`}},
	{"Salesforce: login and Setup", `^selects all available OAuth scopes and clicks "Add"$`,
		"Selects every Available OAuth Scope, clicks Add, and checks all of them moved to Selected.",
		`And selects all available OAuth scopes and clicks "Add"`,
		func(w *world) any { return w.addsAllScopes }, false,
		wording{`^selecteert alle beschikbare OAuth-bereiken en klikt op "Toevoegen"$`,
			`En selecteert alle beschikbare OAuth-bereiken en klikt op "Toevoegen"`},
		wording{`^使用可能なすべてのOAuthスコープを選択し、"追加"をクリックする$`,
			`かつ 使用可能なすべてのOAuthスコープを選択し、"追加"をクリックする`}},
	{"Any page", `^Salesforce says "([^"]*)"$`,
		"Waits until the current window's text contains the sentence.",
		`Then Salesforce says "Changes can take up to 10 minutes to take effect."`,
		func(w *world) any { return w.salesforceSays }, false,
		wording{`^Salesforce zegt "([^"]*)"$`,
			`Dan Salesforce zegt "Het kan tot 10 minuten duren voordat wijzigingen van kracht worden."`},
		wording{`^Salesforceに"([^"]*)"と表示される$`,
			`ならば Salesforceに"変更が有効になるまで最大 10 分かかることがあります。"と表示される`}},
	{"Salesforce: login and Setup", `^the Consumer Key and Consumer Secret are shown, and the admin copies them$`,
		"Reads Consumer Key (85 characters, 3MVG9…) and Consumer Secret from Consumer Details and keeps them for the product.",
		`Then the Consumer Key and Consumer Secret are shown, and the admin copies them`,
		func(w *world) any { return w.copiesConsumerDetails }, false,
		wording{`^de Consumentensleutel en het Consumentengeheim worden getoond en de beheerder kopieert ze$`,
			`Dan de Consumentensleutel en het Consumentengeheim worden getoond en de beheerder kopieert ze`},
		wording{`^Consumer keyとConsumer secretが表示され、管理者がそれらをコピーする$`,
			`ならば Consumer keyとConsumer secretが表示され、管理者がそれらをコピーする`}},

	{"Salesforce: pop-up", `^(?:the sync user )?enters the verification code "([^"]*)" and clicks "Verify"$`,
		"Types this code (a wrong one, say) on Verify Your Identity and clicks Verify.",
		`And enters the verification code "000000" and clicks "Verify"`,
		func(w *world) any { return w.entersCode }, false,
		wording{`^(?:de synchronisatiegebruiker )?voert de verificatiecode "([^"]*)" in en klikt op "Verifiëren"$`,
			`En voert de verificatiecode "000000" in en klikt op "Verifiëren"`},
		wording{`^(?:同期ユーザーが)?検証コード"([^"]*)"を入力し、"検証"をクリックする$`,
			`かつ 検証コード"000000"を入力し、"検証"をクリックする`}},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with the wrong password "([^"]*)"$`,
		"Logs in with a password that must fail; waits for the login page's error.",
		`And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1"`,
		func(w *world) any { return w.logsInWrongPassword }, false,
		wording{`^de synchronisatiegebruiker meldt zich aan als "([^"]*)" met het verkeerde wachtwoord "([^"]*)"$`,
			`En de synchronisatiegebruiker meldt zich aan als "sync@acme.test" met het verkeerde wachtwoord "Nope-1"`},
		wording{`^同期ユーザーが"([^"]*)"として誤ったパスワード"([^"]*)"でログインする$`,
			`かつ 同期ユーザーが"sync@acme.test"として誤ったパスワード"Nope-1"でログインする`}},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with the wrong password "([^"]*)" (\d+) times$`,
		"The same, that many times in a row.",
		`And the sync user logs in as "sync@acme.test" with the wrong password "Nope-1" 10 times`,
		func(w *world) any { return w.logsInWrongPasswordTimes }, false,
		wording{`^de synchronisatiegebruiker meldt zich aan als "([^"]*)" met het verkeerde wachtwoord "([^"]*)", (\d+) keer$`,
			`En de synchronisatiegebruiker meldt zich aan als "sync@acme.test" met het verkeerde wachtwoord "Nope-1", 10 keer`},
		wording{`^同期ユーザーが"([^"]*)"として誤ったパスワード"([^"]*)"でのログインを(\d+)回繰り返す$`,
			`かつ 同期ユーザーが"sync@acme.test"として誤ったパスワード"Nope-1"でのログインを10回繰り返す`}},
	{"Salesforce: pop-up", `^the pop-up shows Salesforce's error "([^"]*)"$`,
		"Salesforce showed an OAuth error page in the pop-up (for an unknown or inactive client, or a callback mismatch).",
		`Then the pop-up shows Salesforce's error "invalid_client_id"`,
		func(w *world) any { return w.popupShowsSalesforceError }, false,
		wording{`^de pop-up toont de fout van Salesforce "([^"]*)"$`,
			`Dan de pop-up toont de fout van Salesforce "invalid_client_id"`},
		wording{`^ポップアップにSalesforceのエラー"([^"]*)"が表示される$`,
			`ならば ポップアップにSalesforceのエラー"invalid_client_id"が表示される`}},
	{"Salesforce: pop-up", `^the admin closes the pop-up$`,
		"Closes the pop-up window.",
		`When the admin closes the pop-up`,
		func(w *world) any { return w.closesPopup }, false,
		wording{`^de beheerder sluit de pop-up$`,
			`Als de beheerder sluit de pop-up`},
		wording{`^管理者がポップアップを閉じる$`,
			`もし 管理者がポップアップを閉じる`}},
	{"Salesforce: state", `^(\d+) (minutes|hours) pass in Salesforce$`,
		"Moves the clock of this scenario's org forward (an access token or browser login unused for 2 hours then dies, as Salesforce's session timeout ends it). Only this org's clock moves, so the scenario runs beside the others.",
		`When 10 minutes pass in Salesforce`,
		func(w *world) any { return w.timePasses }, false,
		wording{`^(\d+) (minuten|uur) (?:verstrijken|verstrijkt) in Salesforce$`,
			`Als 10 minuten verstrijken in Salesforce`},
		wording{`^Salesforceで(\d+)(分|時間)が経過する$`,
			`もし Salesforceで10分が経過する`}},
	{"Salesforce: state", `^(\d+) leads? (?:is|are) created in Salesforce$`,
		"Adds new leads to the org now, so the product's change sync must pick them up.",
		`When 3 leads are created in Salesforce`,
		func(w *world) any { return w.leadsCreated }, false,
		wording{`^(\d+) leads? (?:wordt|worden) aangemaakt in Salesforce$`,
			`Als 3 leads worden aangemaakt in Salesforce`},
		wording{`^Salesforceでリードが(\d+)件作成される$`,
			`もし Salesforceでリードが3件作成される`}},
	{"Salesforce: state", `^Salesforce answers the product's next REST call with "([^"]*)"$`,
		"Arms a one-time fault on this org's REST API with the Salesforce error (INVALID_SESSION_ID, REQUEST_LIMIT_EXCEEDED, …).",
		`Given Salesforce answers the product's next REST call with "INVALID_SESSION_ID"`,
		func(w *world) any { return w.nextRESTCallFails }, false,
		wording{`^Salesforce beantwoordt de volgende REST-aanroep van het product met "([^"]*)"$`,
			`Gegeven Salesforce beantwoordt de volgende REST-aanroep van het product met "INVALID_SESSION_ID"`},
		wording{`^Salesforceが製品の次のREST呼び出しに"([^"]*)"で応答する$`,
			`前提 Salesforceが製品の次のREST呼び出しに"INVALID_SESSION_ID"で応答する`}},
	{"Salesforce: state", `^Salesforce answers the product's next (\d+) REST calls with (.+)$`,
		"Arms a fault on this org's REST API for that many calls: HTTP <status>, a dropped connection, or a quoted Salesforce error such as \"REQUEST_LIMIT_EXCEEDED\".",
		`Given Salesforce answers the product's next 8 REST calls with HTTP 503`,
		func(w *world) any { return w.restCallsFail }, false,
		wording{`^Salesforce beantwoordt de volgende (\d+) REST-aanroepen van het product met (.+)$`,
			`Gegeven Salesforce beantwoordt de volgende 8 REST-aanroepen van het product met HTTP 503`},
		wording{`^Salesforceが製品の次の(\d+)回のREST呼び出しに(.+)で応答する$`,
			`前提 Salesforceが製品の次の8回のREST呼び出しにHTTP 503で応答する`}},
	{"Salesforce: state", `^Salesforce's token endpoint answers the product's next (\d+) calls with (.+)$`,
		"The same for the token endpoint (refresh).",
		`Given Salesforce's token endpoint answers the product's next 8 calls with HTTP 500`,
		func(w *world) any { return w.tokenCallsFail }, false,
		wording{`^het tokeneindpunt van Salesforce beantwoordt de volgende (\d+) aanroepen van het product met (.+)$`,
			`Gegeven het tokeneindpunt van Salesforce beantwoordt de volgende 8 aanroepen van het product met HTTP 500`},
		wording{`^Salesforceのトークンエンドポイントが製品の次の(\d+)回の呼び出しに(.+)で応答する$`,
			`前提 Salesforceのトークンエンドポイントが製品の次の8回の呼び出しにHTTP 500で応答する`}},
	{"Salesforce: state", `^Salesforce answers the product's next (\d+) REST calls (\d+) seconds late$`,
		"Delays this org's next REST answers (slow, but within the product's timeout).",
		`Given Salesforce answers the product's next 5 REST calls 2 seconds late`,
		func(w *world) any { return w.restCallsSlow }, false,
		wording{`^Salesforce beantwoordt de volgende (\d+) REST-aanroepen van het product (\d+) seconden te laat$`,
			`Gegeven Salesforce beantwoordt de volgende 5 REST-aanroepen van het product 2 seconden te laat`},
		wording{`^Salesforceが製品の次の(\d+)回のREST呼び出しに(\d+)秒遅れて応答する$`,
			`前提 Salesforceが製品の次の5回のREST呼び出しに2秒遅れて応答する`}},
	{"Salesforce: state", `^the product's session expires in Salesforce$`,
		"Salesforce ends the product's sessions (its access tokens) but keeps its refresh token, as a session timeout does.",
		`Given the product's session expires in Salesforce`,
		func(w *world) any { return w.sessionExpires }, false,
		wording{`^de sessie van het product verloopt in Salesforce$`,
			`Gegeven de sessie van het product verloopt in Salesforce`},
		wording{`^Salesforceで製品のセッションが期限切れになる$`,
			`前提 Salesforceで製品のセッションが期限切れになる`}},
	{"Salesforce: state", `^Salesforce revokes the product's refresh token$`,
		"Revokes every token the sync user holds for the app, as an admin would under Connected Apps OAuth Usage.",
		`Given Salesforce revokes the product's refresh token`,
		func(w *world) any { return w.salesforceRevokesRefresh }, false,
		wording{`^Salesforce trekt het vernieuwingstoken van het product in$`,
			`Gegeven Salesforce trekt het vernieuwingstoken van het product in`},
		wording{`^Salesforceが製品の更新トークンを取り消す$`,
			`前提 Salesforceが製品の更新トークンを取り消す`}},
	{"Salesforce: state", `^the product refreshed its session with its refresh token$`,
		"mocksf's request journal holds a successful refresh_token grant from the product.",
		`And the product refreshed its session with its refresh token`,
		func(w *world) any { return w.productRefreshed }, false,
		wording{`^het product heeft zijn sessie vernieuwd met zijn vernieuwingstoken$`,
			`En het product heeft zijn sessie vernieuwd met zijn vernieuwingstoken`},
		wording{`^製品が更新トークンでセッションを更新した$`,
			`かつ 製品が更新トークンでセッションを更新した`}},
	{"Salesforce: state", `^Salesforce no longer accepts the product's refresh token$`,
		"mocksf's journal holds the product's successful revoke request.",
		`And Salesforce no longer accepts the product's refresh token`,
		func(w *world) any { return w.refreshTokenRevoked }, false,
		wording{`^Salesforce accepteert het vernieuwingstoken van het product niet meer$`,
			`En Salesforce accepteert het vernieuwingstoken van het product niet meer`},
		wording{`^Salesforceが製品の更新トークンをもう受け付けない$`,
			`かつ Salesforceが製品の更新トークンをもう受け付けない`}},

	// Part 2: the product.
	{"Product", `^the admin connects the product as "([^"]*)" with password "([^"]*)"$`,
		"All of part 2 in one step: saves the key and secret, logs in in the pop-up with the emailed code, allows access, confirms the credentials, waits for the field sync and starts the sync.",
		`When the admin connects the product as "sync@acme.test" with password "Sync-Pass-1"`,
		func(w *world) any { return w.connectsProduct }, false,
		wording{`^de beheerder verbindt het product als "([^"]*)" met wachtwoord "([^"]*)"$`,
			`Als de beheerder verbindt het product als "sync@acme.test" met wachtwoord "Sync-Pass-1"`},
		wording{`^管理者が"([^"]*)"としてパスワード"([^"]*)"で製品を接続する$`,
			`もし 管理者が"sync@acme.test"としてパスワード"Sync-Pass-1"で製品を接続する`}},
	{"Product", `^the admin logs in with Salesforce as "([^"]*)" with password "([^"]*)" and confirms the credentials$`,
		"Part 2 up to Confirm Credentials: saves the key and secret, logs in in the pop-up with the emailed code, allows access and confirms.",
		`When the admin logs in with Salesforce as "sync@acme.test" with password "Sync-Pass-1" and confirms the credentials`,
		func(w *world) any { return w.logsInAndConfirms }, false,
		wording{`^de beheerder meldt zich aan met Salesforce als "([^"]*)" met wachtwoord "([^"]*)" en bevestigt de credentials$`,
			`Als de beheerder meldt zich aan met Salesforce als "sync@acme.test" met wachtwoord "Sync-Pass-1" en bevestigt de credentials`},
		wording{`^管理者が"([^"]*)"としてパスワード"([^"]*)"でLogin with Salesforceを行い、資格情報を確認する$`,
			`もし 管理者が"sync@acme.test"としてパスワード"Sync-Pass-1"でLogin with Salesforceを行い、資格情報を確認する`}},
	{"Product", `^the product says the feature "Enable OAuth for SFDC sync" must be enabled$`,
		"The Sync with Salesforce page explains that the subscription feature is off.",
		`Then the product says the feature "Enable OAuth for SFDC sync" must be enabled`,
		func(w *world) any { return w.productSaysFeatureOff }, false,
		wording{`^het product zegt dat de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" ingeschakeld moet zijn$`,
			`Dan het product zegt dat de eigenschap "OAuth voor SFDC-synchronisatie inschakelen" ingeschakeld moet zijn`},
		wording{`^製品が"OAuth for SFDCの同期を有効にする"機能を有効にする必要があると表示する$`,
			`ならば 製品が"OAuth for SFDCの同期を有効にする"機能を有効にする必要があると表示する`}},
	{"Product", `^the product offers no "Login with Salesforce"$`,
		"There is no Login with Salesforce button.",
		`And the product offers no "Login with Salesforce"`,
		func(w *world) any { return w.productOffersNoLogin }, false,
		wording{`^het product biedt geen "Aanmelden met Salesforce"$`,
			`En het product biedt geen "Aanmelden met Salesforce"`},
		wording{`^製品に"Login with Salesforce"がない$`,
			`かつ 製品に"Login with Salesforce"がない`}},
	{"Product", `^the product tells the admin to allow pop-ups$`,
		"The page says the pop-up was blocked and how to allow it.",
		`Then the product tells the admin to allow pop-ups`,
		func(w *world) any { return w.productSaysAllowPopups }, false,
		wording{`^het product vraagt de beheerder pop-ups toe te staan$`,
			`Dan het product vraagt de beheerder pop-ups toe te staan`},
		wording{`^製品が管理者にポップアップを許可するよう求める$`,
			`ならば 製品が管理者にポップアップを許可するよう求める`}},
	{"Product", `^the product shows the error "([^"]*)"$`,
		"The product's error message contains the text.",
		`Then the product shows the error "You denied access in Salesforce. Click Login with Salesforce and choose Allow."`,
		func(w *world) any { return w.productShowsError }, false,
		wording{`^het product toont de fout "([^"]*)"$`,
			`Dan het product toont de fout "You denied access in Salesforce. Click Login with Salesforce and choose Allow."`},
		wording{`^製品にエラー"([^"]*)"が表示される$`,
			`ならば 製品にエラー"You denied access in Salesforce. Click Login with Salesforce and choose Allow."が表示される`}},
	{"Product", `^the product shows the sync error "([^"]*)"$`,
		"The sync status or its last error contains the text.",
		`Then the product shows the sync error "Connection to Salesforce lost: log in again"`,
		func(w *world) any { return w.productShowsSyncError }, false,
		wording{`^het product toont de synchronisatiefout "([^"]*)"$`,
			`Dan het product toont de synchronisatiefout "Connection to Salesforce lost: log in again"`},
		wording{`^製品に同期エラー"([^"]*)"が表示される$`,
			`ならば 製品に同期エラー"Connection to Salesforce lost: log in again"が表示される`}},
	{"Product", `^the admin saves the Consumer Key with the wrong Consumer Secret "([^"]*)"$`,
		"Opens Sync with Salesforce and saves the right Consumer Key with this secret.",
		`Given the admin saves the Consumer Key with the wrong Consumer Secret "0000000000000000000000000000000000000000000000000000000000000000"`,
		func(w *world) any { return w.savesWrongSecret }, false,
		wording{`^de beheerder slaat de Consumentensleutel op met het verkeerde Consumentengeheim "([^"]*)"$`,
			`Gegeven de beheerder slaat de Consumentensleutel op met het verkeerde Consumentengeheim "0000000000000000000000000000000000000000000000000000000000000000"`},
		wording{`^管理者がConsumer keyを誤ったConsumer secret"([^"]*)"とともに保存する$`,
			`前提 管理者がConsumer keyを誤ったConsumer secret"0000000000000000000000000000000000000000000000000000000000000000"とともに保存する`}},
	{"Product", `^the product shows no sync error$`,
		"The sync is running and its last error is empty.",
		`And the product shows no sync error`,
		func(w *world) any { return w.productShowsNoSyncError }, false,
		wording{`^het product toont geen synchronisatiefout$`,
			`En het product toont geen synchronisatiefout`},
		wording{`^製品に同期エラーが表示されない$`,
			`かつ 製品に同期エラーが表示されない`}},
	{"Product", `^the product is not connected to Salesforce$`,
		"The page shows no connection.",
		`Then the product is not connected to Salesforce`,
		func(w *world) any { return w.productNotConnected }, false,
		wording{`^het product is niet verbonden met Salesforce$`,
			`Dan het product is niet verbonden met Salesforce`},
		wording{`^製品がSalesforceに接続されていない$`,
			`ならば 製品がSalesforceに接続されていない`}},
	{"Product", `^the product restarts while the sync is running$`,
		"Stops the product once the sync has started and starts it again on the same address and database, then reloads its page.",
		`When the product restarts while the sync is running`,
		func(w *world) any { return w.productRestarts }, false,
		wording{`^het product herstart terwijl de synchronisatie loopt$`,
			`Als het product herstart terwijl de synchronisatie loopt`},
		wording{`^同期の実行中に製品が再起動する$`,
			`もし 同期の実行中に製品が再起動する`}},
	{"Product", `^the product holds every lead exactly once$`,
		"The product's lead count equals Salesforce's: none lost, none twice.",
		`And the product holds every lead exactly once`,
		func(w *world) any { return w.productHoldsLeadsOnce }, false,
		wording{`^het product bevat elke lead precies één keer$`,
			`En het product bevat elke lead precies één keer`},
		wording{`^製品がすべてのリードをちょうど1件ずつ保持している$`,
			`かつ 製品がすべてのリードをちょうど1件ずつ保持している`}},
	{"Product", `^the admin opens Admin, CRM, Sync with Salesforce in the product$`,
		"Opens the product admin's browser and follows Admin → CRM → Sync with Salesforce.",
		`When the admin opens Admin, CRM, Sync with Salesforce in the product`,
		func(w *world) any { return w.opensSyncPage }, false,
		wording{`^de beheerder klikt in de sectie Admin van het product op CRM en Synchroniseren met Salesforce$`,
			`Als de beheerder klikt in de sectie Admin van het product op CRM en Synchroniseren met Salesforce`},
		wording{`^管理者が製品の「管理者」セクションで「CRM」、「Salesforceと同期」をクリックする$`,
			`もし 管理者が製品の「管理者」セクションで「CRM」、「Salesforceと同期」をクリックする`}},
	{"Product", `^enters the Consumer Key and Consumer Secret and clicks "Save"$`,
		"Types the copied Consumer Key and Secret into the product and saves them.",
		`And enters the Consumer Key and Consumer Secret and clicks "Save"`,
		func(w *world) any { return w.savesCredentials }, false,
		wording{`^voegt de Consumentencode en het Consumentengeheim toe en klikt op "Opslaan"$`,
			`En voegt de Consumentencode en het Consumentengeheim toe en klikt op "Opslaan"`},
		wording{`^記録したConsumer keyとConsumer secretを入力し、"保存"をクリックする$`,
			`かつ 記録したConsumer keyとConsumer secretを入力し、"保存"をクリックする`}},
	{"Salesforce: pop-up", `^a pop-up shows the Salesforce login page$`,
		"Checks the pop-up opened by the product is on Salesforce's login page.",
		`Then a pop-up shows the Salesforce login page`,
		func(w *world) any { return w.popupShowsLogin }, false,
		wording{`^er wordt een pop-up weergegeven met de aanmeldingspagina van Salesforce$`,
			`Dan er wordt een pop-up weergegeven met de aanmeldingspagina van Salesforce`},
		wording{`^Salesforceログインページのポップアップが表示される$`,
			`ならば Salesforceログインページのポップアップが表示される`}},
	{"Salesforce: pop-up", `^the sync user logs in as "([^"]*)" with password "([^"]*)"$`,
		"Logs in on the login page in the current window (the pop-up).",
		`When the sync user logs in as "sync@acme.test" with password "Sync-Pass-1"`,
		func(w *world) any { return w.syncUserLogsIn }, false,
		wording{`^de synchronisatiegebruiker meldt zich aan als "([^"]*)" met wachtwoord "([^"]*)"$`,
			`Als de synchronisatiegebruiker meldt zich aan als "sync@acme.test" met wachtwoord "Sync-Pass-1"`},
		wording{`^同期ユーザーが"([^"]*)"としてパスワード"([^"]*)"でログインする$`,
			`もし 同期ユーザーが"sync@acme.test"としてパスワード"Sync-Pass-1"でログインする`}},
	{"Salesforce: pop-up", `^the sync user logs in again as "([^"]*)" with password "([^"]*)" on the browser Salesforce remembers$`,
		"Logs in on the login page in the current window; Salesforce knows the browser from an earlier verification, so no Verify Your Identity page follows (the next step says what does).",
		`When the sync user logs in again as "sync@acme.test" with password "Sync-Pass-1" on the browser Salesforce remembers`,
		func(w *world) any { return w.syncUserLogsInAgain }, false,
		wording{`^de synchronisatiegebruiker meldt zich opnieuw aan als "([^"]*)" met wachtwoord "([^"]*)" in de browser die Salesforce kent$`,
			`Als de synchronisatiegebruiker meldt zich opnieuw aan als "sync@acme.test" met wachtwoord "Sync-Pass-1" in de browser die Salesforce kent`},
		wording{`^同期ユーザーが"([^"]*)"としてパスワード"([^"]*)"で、Salesforceが記憶しているブラウザから再びログインする$`,
			`もし 同期ユーザーが"sync@acme.test"としてパスワード"Sync-Pass-1"で、Salesforceが記憶しているブラウザから再びログインする`}},
	{"Salesforce: pop-up", `^the access page asks to allow access for "([^"]*)"$`,
		"Checks Allow Access? names this user.",
		`Then the access page asks to allow access for "sync@acme.test"`,
		func(w *world) any { return w.accessPageAsks }, false,
		wording{`^de toegangspagina vraagt om toegang voor "([^"]*)"$`,
			`Dan de toegangspagina vraagt om toegang voor "sync@acme.test"`},
		wording{`^アクセスページが表示され、"([^"]*)"のアクセスを要求している$`,
			`ならば アクセスページが表示され、"sync@acme.test"のアクセスを要求している`}},
	{"Salesforce: pop-up", `^the pop-up closes$`,
		"Waits until the pop-up has closed itself; the next steps act in the product's window.",
		`Then the pop-up closes`,
		func(w *world) any { return w.popupCloses }, false,
		wording{`^de pop-up sluit$`,
			`Dan de pop-up sluit`},
		wording{`^ポップアップが閉じる$`,
			`ならば ポップアップが閉じる`}},
	{"Product", `^the product asks to confirm the credentials of "([^"]*)"$`,
		"Waits for the Confirm Credentials dialog and checks the Salesforce username it shows.",
		`And the product asks to confirm the credentials of "sync@acme.test"`,
		func(w *world) any { return w.productAsksToConfirm }, false,
		wording{`^het product vraagt de credentials van "([^"]*)" te bevestigen$`,
			`En het product vraagt de credentials van "sync@acme.test" te bevestigen`},
		wording{`^製品にポップアップが表示され、"([^"]*)"の資格情報の確認を求める$`,
			`かつ 製品にポップアップが表示され、"sync@acme.test"の資格情報の確認を求める`}},
	{"Product", `^the field sync finishes for Lead, Contact and Account$`,
		"Waits until the field sync is complete for each object and Start Salesforce Sync is enabled.",
		`Then the field sync finishes for Lead, Contact and Account`,
		func(w *world) any { return w.fieldSyncFinishes }, false,
		wording{`^de veldsynchronisatie is voltooid voor Lead, Contact en Account$`,
			`Dan de veldsynchronisatie is voltooid voor Lead, Contact en Account`},
		wording{`^リード、取引先責任者、取引先のフィールドの同期が完了する$`,
			`ならば リード、取引先責任者、取引先のフィールドの同期が完了する`}},
	{"Product", `^the sync is running$`,
		"Waits until the product says the sync is running.",
		`Then the sync is running`,
		func(w *world) any { return w.syncIsRunning }, false,
		wording{`^de synchronisatie is aan de gang$`,
			`Dan de synchronisatie is aan de gang`},
		wording{`^同期が進行中である$`,
			`ならば 同期が進行中である`}},
	{"Product", `^the product shows ([\d,]+) leads, ([\d,]+) contacts and ([\d,]+) accounts synced$`,
		"Waits until the product's counts equal these (commas allowed); first checks Salesforce holds that many, so the step tests something.",
		`And the product shows 2,501 leads, 500 contacts and 201 accounts synced`,
		func(w *world) any { return w.productShowsCounts }, false,
		wording{`^het product toont ([\d,]+) leads, ([\d,]+) contactpersonen en ([\d,]+) accounts gesynchroniseerd$`,
			`En het product toont 2,501 leads, 500 contactpersonen en 201 accounts gesynchroniseerd`},
		wording{`^製品にリード([\d,]+)件、取引先責任者([\d,]+)件、取引先([\d,]+)件の同期が表示される$`,
			`かつ 製品にリード2,501件、取引先責任者500件、取引先201件の同期が表示される`}},

	// Setup as admins meet it today: External Client Apps and the
	// Spring '26 restriction on connected apps.
	{"Prerequisites", `^creating connected apps is restricted in the org, as in orgs created after Spring '26$`,
		"Declares the org with Salesforce's Spring '26 restriction: New Connected App shows the restriction notice until an admin turns on Allow creation of connected apps in External Client App Settings (seed key restrictConnectedApps).",
		`Given creating connected apps is restricted in the org, as in orgs created after Spring '26`,
		func(w *world) any { return w.connectedAppsRestricted }, true,
		wording{`^het aanmaken van verbonden apps is beperkt in de organisatie, zoals in organisaties die na Spring \'26 zijn aangemaakt$`,
			`Gegeven het aanmaken van verbonden apps is beperkt in de organisatie, zoals in organisaties die na Spring '26 zijn aangemaakt`},
		wording{`^Spring '26以降に作成された組織と同様に、組織で接続されたアプリの作成が制限されている$`,
			`前提 Spring '26以降に作成された組織と同様に、組織で接続されたアプリの作成が制限されている`}},
	{"Prerequisites", `^the External Client App "([^"]*)" exists with all OAuth scopes and the product's callback URL$`,
		"Declares an External Client App as today's documentation makes it (Distribution State Local, every OAuth scope, the product's callback URL, PKCE and both secrets required, no optional flow enabled); the admin has its Consumer Key and Secret at hand. Skips the Setup pages for scenarios about part 2.",
		`And the External Client App "Beacon Sync" exists with all OAuth scopes and the product's callback URL`,
		func(w *world) any { return w.externalClientAppExists }, true,
		wording{`^de External Client App "([^"]*)" bestaat met alle OAuth-bereiken en de callback-URL van het product$`,
			`En de External Client App "Beacon Sync" bestaat met alle OAuth-bereiken en de callback-URL van het product`},
		wording{`^外部クライアントアプリケーション"([^"]*)"が、すべてのOAuthスコープと製品のコールバックURLで作成されている$`,
			`かつ 外部クライアントアプリケーション"Beacon Sync"が、すべてのOAuthスコープと製品のコールバックURLで作成されている`}},
	{"Prerequisites", `^the External Client App "([^"]*)" has the client credentials flow enabled, running as "([^"]*)"$`,
		"Ticks Enable Client Credentials Flow under Flow Enablement and sets the user as the flow's Run As user in the app's Policies.",
		`Given the External Client App "Beacon Sync" has the client credentials flow enabled, running as "sync@acme.test"`,
		func(w *world) any { return w.externalClientAppRunsAs }, true,
		wording{`^de External Client App "([^"]*)" heeft de client credentials flow ingeschakeld, uitgevoerd als "([^"]*)"$`,
			`Gegeven de External Client App "Beacon Sync" heeft de client credentials flow ingeschakeld, uitgevoerd als "sync@acme.test"`},
		wording{`^外部クライアントアプリケーション"([^"]*)"でクライアントログイン情報フローが有効になっており、"([^"]*)"として実行される$`,
			`前提 外部クライアントアプリケーション"Beacon Sync"でクライアントログイン情報フローが有効になっており、"sync@acme.test"として実行される`}},
	{"Product", `^(?:the admin )?connects as an integration user with the client credentials flow on the org's My Domain$`,
		"On Sync with Salesforce, chooses Integration user (client credentials flow), types the copied Consumer Key and Secret and the org's My Domain URL (its instance URL from mocksf's control API), and clicks Connect.",
		`And connects as an integration user with the client credentials flow on the org's My Domain`,
		func(w *world) any { return w.connectsWithClientCredentials }, false,
		wording{`^(?:de beheerder )?verbindt als integratiegebruiker met de client credentials flow op het My Domain van de organisatie$`,
			`En verbindt als integratiegebruiker met de client credentials flow op het My Domain van de organisatie`},
		wording{`^(?:管理者が)?組織のMy Domainでクライアントログイン情報フローを使い、インテグレーションユーザーとして接続する$`,
			`かつ 組織のMy Domainでクライアントログイン情報フローを使い、インテグレーションユーザーとして接続する`}},
	{"Product", `^the product is connected as "([^"]*)"$`,
		"The product's connection status names this Salesforce user.",
		`Then the product is connected as "sync@acme.test"`,
		func(w *world) any { return w.productConnectedAs }, false,
		wording{`^het product is verbonden als "([^"]*)"$`,
			`Dan het product is verbonden als "sync@acme.test"`},
		wording{`^製品が"([^"]*)"として接続されている$`,
			`ならば 製品が"sync@acme.test"として接続されている`}},
	{"Prerequisites", `^the product does not send PKCE$`,
		"Starts this scenario's product with PKCE left out of Login with Salesforce (client.Config.DisablePKCE, cmd/client -no-pkce), as a product on an older OAuth library.",
		`Given the product does not send PKCE`,
		func(w *world) any { return w.productSendsNoPKCE }, true,
		wording{`^het product stuurt geen PKCE$`,
			`Gegeven het product stuurt geen PKCE`},
		wording{`^製品がPKCEを送信しない$`,
			`前提 製品がPKCEを送信しない`}},
	{"Salesforce: login and Setup", `^the admin opens Setup and finds "([^"]*)" with Quick Find$`,
		"Opens Setup from the gear menu, types the name in Quick Find at the top of the Setup sidebar, and opens the entry of that name.",
		`When the admin opens Setup and finds "External Client App Settings" with Quick Find`,
		func(w *world) any { return w.findsWithQuickFind }, false,
		wording{`^de beheerder opent Opstelling en vindt "([^"]*)" met Snel zoeken$`,
			`Als de beheerder opent Opstelling en vindt "External Client App Settings" met Snel zoeken`},
		wording{`^管理者が「設定」を開き、クイック検索で"([^"]*)"を見つける$`,
			`もし 管理者が「設定」を開き、クイック検索で"External Client App Settings"を見つける`}},
	{"Salesforce: state", `^Salesforce no longer restricts creating connected apps in the org$`,
		"mocksf's control API shows restrictConnectedApps: false for the org.",
		`Then Salesforce no longer restricts creating connected apps in the org`,
		func(w *world) any { return w.connectedAppsAllowed }, false,
		wording{`^Salesforce beperkt het aanmaken van verbonden apps in de organisatie niet meer$`,
			`Dan Salesforce beperkt het aanmaken van verbonden apps in de organisatie niet meer`},
		wording{`^Salesforceが組織での接続されたアプリの作成をもう制限しない$`,
			`ならば Salesforceが組織での接続されたアプリの作成をもう制限しない`}},
	{"Any page", `^(?:the admin )?selects "([^"]*)" as the "([^"]*)"$`,
		"Picks the option with this text in the drop-down with this label.",
		`And selects "Local" as the "Distribution State"`,
		func(w *world) any { return w.selectsOption }, false,
		wording{`^(?:de beheerder )?selecteert "([^"]*)" als de "([^"]*)"$`,
			`En selecteert "Local" als de "Distribution State"`},
		wording{`^(?:管理者が)?"([^"]*)"を"([^"]*)"として選択する$`,
			`かつ "Local"を"Distribution State"として選択する`}},
	{"Any page", `^(?:the admin )?(ticks|unticks) "([^"]*)"$`,
		"Ticks (or unticks) the checkbox with exactly this label, unless it is so already.",
		`And ticks "Allow creation of connected apps"`,
		func(w *world) any { return w.ticks }, false,
		wording{`^(?:de beheerder )?(vinkt aan|vinkt uit) "([^"]*)"$`,
			`En vinkt aan "Allow creation of connected apps"`},
		wording{`^(?:管理者が)?(チェックを入れる|チェックを外す): "([^"]*)"$`,
			`かつ チェックを入れる: "Allow creation of connected apps"`}},
	{"Any page", `^(?:under [A-Z][^"]* )?"([^"]*)" is (ticked|not ticked)$`,
		"Checks the checkbox with exactly this label; \"under <section>\" is for the reader.",
		`And under Security "Require secret for Web Server Flow" is ticked`,
		func(w *world) any { return w.checkboxIs }, false,
		wording{`^(?:onder [A-Z][^"]* )?"([^"]*)" is (aangevinkt|niet aangevinkt)$`,
			`En onder Security "Require secret for Web Server Flow" is aangevinkt`},
		wording{`^(?:[^"\s]+で )?"([^"]*)"が(オン|オフ)である$`,
			`かつ Securityで "Require secret for Web Server Flow"がオンである`}},
}

// registrationsFile is the generated Go file of the catalogue's steps as
// one literal Step call each, which `make steps` writes.
const registrationsFile = "catalog_steps.go"

// registerFuncs are the generated registrations, by language.
var registerFuncs = map[string]func(*catalogRegistrar, *world){
	"en": registerCatalog,
	"nl": registerCatalogNL,
	"ja": registerCatalogJA,
}

// registerFuncName is the name of the generated function that
// registers the language's steps.
func registerFuncName(lang string) string {
	if lang == "en" {
		return "registerCatalog"
	}
	return "registerCatalog" + strings.ToUpper(lang)
}

// writeRegistrations writes registrationsFile: for each language a
// function with one ctx.Step("^...$", catalog[i].Bind(w)) a catalogue
// entry, in order. The suite registers its steps through them rather
// than in a loop because the Cucumber language service (VS Code's
// Cucumber extension) finds a step only as a Step call with a string
// literal in a function's body (langservice/, make steps-check).
func writeRegistrations(out io.Writer) error {
	var b bytes.Buffer
	b.WriteString(`// Code generated by make steps from catalog in catalog.go; DO NOT EDIT.

package steps
`)
	for _, lang := range languages {
		fmt.Fprintf(&b, `
// %s registers every catalogue step in the Gherkin language %q, in
// the catalogue's order, one literal Step call each: the form the
// Cucumber language service (VS Code's Cucumber extension) reads.
// catalogRegistrar checks each pattern against the catalogue entry it
// binds.
func %[1]s(ctx *catalogRegistrar, w *world) {
`, registerFuncName(lang), lang)
		for i, d := range catalog {
			p := d.in(lang).Pattern
			lit := "`" + p + "`"
			if strings.Contains(p, "`") {
				lit = strconv.Quote(p)
			}
			fmt.Fprintf(&b, "\tctx.Step(%s, catalog[%d].Bind(w))\n", lit, i)
		}
		b.WriteString("}\n")
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return fmt.Errorf("e2e: format %s: %w", registrationsFile, err)
	}
	_, err = out.Write(src)
	return err
}

// registerLanguage registers the catalogue's steps in the language of a
// feature (its "# language:", "en" without one) through step (godog's
// ScenarioContext.Step). Only that language's are registered, so that a
// step written in another language is undefined in it, as a typo is.
func registerLanguage(step func(expr string, fn any), w *world, lang string) error {
	register, ok := registerFuncs[lang]
	if !ok {
		return fmt.Errorf("e2e: a feature in the language %q has no steps: the catalogue speaks %s (internal/steps/catalog.go)", lang, strings.Join(languages, ", "))
	}
	r := &catalogRegistrar{step: step, lang: lang}
	register(r, w)
	r.done()
	return nil
}

// catalogRegistrar passes the generated registrations of one language
// on to step (godog's ScenarioContext.Step), refusing any that no longer
// binds the catalogue entry of its pattern (a stale catalog_steps.go:
// run make steps).
type catalogRegistrar struct {
	step func(expr string, fn any)
	lang string // "en" when empty
	n    int
}

// language is the registrar's language.
func (r *catalogRegistrar) language() string {
	if r.lang == "" {
		return "en"
	}
	return r.lang
}

// Step registers the next catalogue entry, whose pattern must be expr.
func (r *catalogRegistrar) Step(expr string, fn any) {
	if r.n >= len(catalog) || catalog[r.n].in(r.language()).Pattern != expr {
		panic(fmt.Sprintf("e2e: %s is stale (its %s step %d, %q, is not the catalogue's): run make steps", registrationsFile, r.language(), r.n, expr))
	}
	r.step(expr, fn)
	r.n++
}

// done panics unless every catalogue entry was registered.
func (r *catalogRegistrar) done() {
	if r.n != len(catalog) {
		panic(fmt.Sprintf("e2e: %s is stale (%d %s steps of the catalogue's %d): run make steps", registrationsFile, r.n, r.language(), len(catalog)))
	}
}

// checkCatalog verifies the catalogue (checkSteps).
func checkCatalog() error { return checkSteps(catalog) }

// checkSteps verifies every step has a wording in each language, with as
// many groups as its English pattern (their Bind is the same), and that
// in each language every example matches its own pattern and no other
// (godog would pick an earlier one instead; a later one makes the two
// hard to tell apart), so the catalogue cannot drift from what the suite
// runs and no two patterns of a language collide.
func checkSteps(defs []stepDef) error {
	var problems []string
	for _, lang := range languages {
		compiled := make([]*regexp.Regexp, len(defs))
		for i, d := range defs {
			own := d.in(lang)
			if own.Pattern == "" || own.Example == "" {
				problems = append(problems, fmt.Sprintf("step %q has no %s wording (pattern and example)", d.Pattern, lang))
				continue
			}
			re, err := regexp.Compile(own.Pattern)
			if err != nil {
				problems = append(problems, fmt.Sprintf("the %s pattern of %q: %v", lang, d.Pattern, err))
				continue
			}
			if !strings.HasPrefix(own.Pattern, "^") || !strings.HasSuffix(own.Pattern, "$") {
				problems = append(problems, fmt.Sprintf("the %s pattern %q of %q is not anchored with ^ and $", lang, own.Pattern, d.Pattern))
			}
			if en, err := regexp.Compile(d.Pattern); err == nil && re.NumSubexp() != en.NumSubexp() {
				problems = append(problems, fmt.Sprintf("the %s pattern %q has %d groups; %q, whose Bind it shares, has %d", lang, own.Pattern, re.NumSubexp(), d.Pattern, en.NumSubexp()))
			}
			compiled[i] = re
		}
		for i, d := range defs {
			own := d.in(lang)
			if compiled[i] == nil {
				continue
			}
			text, ok := StripKeyword(lang, own.Example)
			if !ok {
				problems = append(problems, fmt.Sprintf("the %s example %q of %q does not start with a keyword of %s", lang, own.Example, d.Pattern, lang))
				continue
			}
			if !compiled[i].MatchString(text) {
				problems = append(problems, fmt.Sprintf("step %q: its %s example %q does not match its pattern %q", d.Pattern, lang, own.Example, own.Pattern))
			}
			for j, re := range compiled {
				if j != i && re != nil && re.MatchString(text) {
					problems = append(problems, fmt.Sprintf("the %s example %q of %q is matched by the step %q too", lang, own.Example, d.Pattern, defs[j].in(lang).Pattern))
				}
			}
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// catalogIndex is the catalogue entry of a step's text (no keyword), in
// any language: the first whose pattern matches, as godog picks it.
func catalogIndex(text string) (int, bool) {
	for _, lang := range languages {
		for i, re := range PatternsIn[lang] {
			if re != nil && re.MatchString(text) {
				return i, true
			}
		}
	}
	return 0, false
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
	if i, ok := catalogIndex(text); ok {
		d = catalog[i].Declares
	}
	declares.Store(text, d)
	return d
}

// declares remembers declaresOrg's answer by step text.
var declares sync.Map // step text → bool

// PatternsIn are the catalogue's patterns, compiled once, by language
// and index; nil where a wording is missing (checkCatalog says so).
var PatternsIn = func() map[string][]*regexp.Regexp {
	res := map[string][]*regexp.Regexp{}
	for _, lang := range languages {
		res[lang] = make([]*regexp.Regexp, len(catalog))
		for i, d := range catalog {
			if p := d.in(lang).Pattern; p != "" {
				res[lang][i] = regexp.MustCompile(p)
			}
		}
	}
	return res
}()
