package mocksf_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"html"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

// languageSeed has an admin and a sync user for each language the tests
// read: Dutch (nl_NL) and Japanese (ja), as LanguageLocaleKey has them.
var languageSeed = `
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: beheerder@acme.test, password: Admin-Pass-1, admin: true, language: nl_NL}
      - {username: kanri@acme.test, password: Admin-Pass-1, admin: true, language: ja}
      - {username: sync@acme.test, password: Sync-Pass-1, language: en_US}
      - {username: sync-nl@acme.test, password: Sync-Pass-1, firstName: Sanne, language: nl_NL}
      - {username: sync-ja@acme.test, password: Sync-Pass-1, firstName: Sato, language: ja}
    connectedApps:
      - name: Product Sync
        consumerKey: "` + testKey + `"
        consumerSecret: "` + testSecret + `"
        callbackUrls: ["` + testCallback + `"]
        scopes: [api, refresh_token, id]
`

// pageWords is what one language's pages show: each label with the id of
// the element that carries it, which no language changes.
type pageWords struct {
	lang string // the <html lang> value
	// verify, appManager, form, saved, detail, consumer and allow are the
	// pages of the documented flow, in its order (the login page has
	// tests of its own: TestLoginPageLanguage).
	verify, appManager, form, saved, detail, consumer, allow []string
	// ecaForm and ecaManager are New External Client App and its
	// manager.
	ecaForm, ecaManager        []string
	mailSubject, mailCodeLabel string
}

var languages = []struct {
	name, admin, sync, key string
	want                   pageWords
}{
	{"English", "admin@acme.test", "sync@acme.test", "en_US", pageWords{
		lang:        "en",
		verify:      []string{"<h1>Verify Your Identity</h1>", `id="save" name="save" value="Verify"`, `<label for="emc">Verification Code</label>`},
		appManager:  []string{`id="newConnectedApp" href="` + setup.ChoosePath + `">New Connected App</a>`},
		form:        []string{`for="oauthEnabled">Enable OAuth Settings</label>`, `class="required">Callback URL</label>`, `for="selectedScopes">Selected OAuth Scopes</label>`, `id="save" name="save" value="Save"`, `title="Add">Add &#9654;`},
		saved:       []string{`id="continue" href=`, `>Continue</a>`},
		detail:      []string{`id="manageConsumerDetails">Manage Consumer Details</button>`},
		consumer:    []string{`<label for="consumerKey">Consumer Key</label>`, `<label for="consumerSecret">Consumer Secret</label>`},
		allow:       []string{"<h1>Allow Access?</h1>", `id="oaapprove" name="decision" value="allow" class="slds-button slds-button_brand">Allow</button>`},
		ecaForm:     []string{"<h1>New External Client App</h1>", `for="oauthEnabled">Enable OAuth</label>`, `id="createTop" name="create" value="Create"`},
		ecaManager:  []string{"<h1>External Client App Manager</h1>", `id="noExternalClientApps">No external client apps yet.<`},
		mailSubject: "Verify your identity in Salesforce", mailCodeLabel: "Verification Code: ",
	}},
	{"Dutch", "beheerder@acme.test", "sync-nl@acme.test", "nl_NL", pageWords{
		lang:        "nl",
		verify:      []string{"<h1>Uw identiteit verifiëren</h1>", `id="save" name="save" value="Verifiëren"`, `<label for="emc">Verificatiecode</label>`},
		appManager:  []string{`id="newConnectedApp" href="` + setup.ChoosePath + `">Nieuwe Verbonden App</a>`, `id="appManager" href="` + setup.AppManagerPath + `">Manager van de Toepassing</a>`, ">Hulpmiddelen van het Platform<"},
		form:        []string{`for="oauthEnabled">OAuth-instellingen inschakelen</label>`, `class="required">Callback URL</label>`, `for="selectedScopes">Geselecteerde OAuth-bereiken</label>`, `id="save" name="save" value="Opslaan"`, `title="Toevoegen">Toevoegen &#9654;`},
		saved:       []string{`id="continue" href=`, `>Doorgaan</a>`},
		detail:      []string{`id="manageConsumerDetails">Consumentgegevens beheren</button>`},
		consumer:    []string{`<label for="consumerKey">Consumentensleutel</label>`, `<label for="consumerSecret">Consumentengeheim</label>`},
		allow:       []string{"<h1>Toegang toestaan?</h1>", "Wilt u toegang toestaan voor <strong", "<li>Gebruikersgegevens beheren via API&#39;s</li>", `id="oaapprove" name="decision" value="allow" class="slds-button slds-button_brand">Toestaan</button>`},
		ecaForm:     []string{"<h1>Nieuwe externe client-app</h1>", `for="oauthEnabled">OAuth inschakelen</label>`, `id="createTop" name="create" value="Maken"`, `class="required">Callback URL</label>`},
		ecaManager:  []string{"<h1>Manager van externe client-apps</h1>", `id="noExternalClientApps">Nog geen externe client-apps.<`},
		mailSubject: "Uw identiteit verifiëren in Salesforce", mailCodeLabel: "Verificatiecode: ",
	}},
	{"Japanese", "kanri@acme.test", "sync-ja@acme.test", "ja", pageWords{
		lang:        "ja",
		verify:      []string{"<h1>ID を検証</h1>", `id="save" name="save" value="検証"`, `<label for="emc">検証コード</label>`},
		appManager:  []string{`id="newConnectedApp" href="` + setup.ChoosePath + `">新しく接続されたアプリ</a>`, `id="appManager" href="` + setup.AppManagerPath + `">アプリマネージャー</a>`, ">プラットフォームツール<"},
		form:        []string{`for="oauthEnabled">OAuth設定を有効にする</label>`, `>API を使用してユーザーデータを管理 (api)</option>`, `class="required">コールバックURL</label>`, `for="selectedScopes">選択したOAuthスコープ</label>`, `id="save" name="save" value="保存"`, `title="追加">追加 &#9654;`},
		saved:       []string{`id="continue" href=`, `>続行</a>`},
		detail:      []string{`id="manageConsumerDetails">コンシューマーの詳細を管理</button>`},
		consumer:    []string{`<label for="consumerKey">Consumer key</label>`, `<label for="consumerSecret">Consumer secret</label>`},
		allow:       []string{"<h1>アクセスを許可しますか?</h1>", "ユーザー <strong", "</strong> のアクセスを許可しますか?", "<li>いつでも要求を実行</li>", `id="oaapprove" name="decision" value="allow" class="slds-button slds-button_brand">許可</button>`},
		ecaForm:     []string{"<h1>新規外部クライアントアプリケーション</h1>", `for="oauthEnabled">OAuth を有効化</label>`, `id="createTop" name="create" value="作成"`, `class="required">コールバックURL</label>`},
		ecaManager:  []string{"<h1>外部クライアントアプリケーションマネージャー</h1>", `id="noExternalClientApps">外部クライアントアプリケーションはまだありません。<`},
		mailSubject: "Salesforce で ID を検証", mailCodeLabel: "検証コード: ",
	}},
}

func wantWords(t *testing.T, what string, resp *http.Response, page, lang string, words []string) {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s at %s: %d %s", what, resp.Request.URL, resp.StatusCode, page)
	}
	if !strings.Contains(page, `<html lang="`+lang+`">`) || resp.Header.Get("Content-Language") != lang {
		t.Errorf("%s: want <html lang=%q> and Content-Language %s, got header %q", what, lang, lang, resp.Header.Get("Content-Language"))
	}
	for _, w := range words {
		if !strings.Contains(page, w) {
			t.Errorf("%s at %s lacks %s", what, resp.Request.URL.Path, w)
		}
	}
}

// TestPagesInTheUsersLanguage walks the documented flow as an admin and a
// sync user of each language: Setup's App Manager, New Connected App,
// Continue, Manage Consumer Details with its code, then Allow Access.
// The labels are the user's language's; the ids every step finds are
// the same in all.
func TestPagesInTheUsersLanguage(t *testing.T) {
	for _, tt := range languages {
		t.Run(tt.name, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			c := browser(t, ts)
			// The browser asks for English: the user's language wins
			// once they are known.
			c.Transport = acceptLanguage{"en-US,en;q=0.9"}

			// Login: the verification page and its mail.
			token, resp, page := typePassword(t, ts, c, tt.admin, "Admin-Pass-1")
			wantWords(t, "verification page", resp, page, tt.want.lang, tt.want.verify)
			mails := srv.Mailer().Sent(tt.admin)
			if len(mails) != 1 {
				t.Fatalf("%d mails to %s; want 1", len(mails), tt.admin)
			}
			m := mails[0]
			if m.Subject != tt.want.mailSubject || m.Code == "" || !strings.Contains(m.Text, tt.want.mailCodeLabel+m.Code) ||
				!strings.Contains(m.HTML, `<html lang="`+tt.want.lang+`">`) {
				t.Errorf("mail: subject %q, code %q, text\n%s\nwant subject %q and %q", m.Subject, m.Code, m.Text, tt.want.mailSubject, tt.want.mailCodeLabel+m.Code)
			}
			resp, _ = post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {m.Code}})
			if resp.Request.URL.Path != login.HomePath {
				t.Fatalf("the code led to %s; want %s", resp.Request.URL.Path, login.HomePath)
			}
			token = sessionOf(t, srv, ts, c).CSRF

			// Setup: App Manager, the New Connected App form, Save, Continue.
			resp, page = get(t, c, ts.URL+setup.AppManagerPath)
			wantWords(t, "App Manager", resp, page, tt.want.lang, tt.want.appManager)
			resp, page = get(t, c, ts.URL+setup.EditPath)
			wantWords(t, "New Connected App", resp, page, tt.want.lang, tt.want.form)
			resp, page = get(t, c, ts.URL+setup.ECAManagerPath)
			wantWords(t, "External Client App Manager", resp, page, tt.want.lang, tt.want.ecaManager)
			resp, page = get(t, c, ts.URL+setup.ECANewPath)
			wantWords(t, "New External Client App", resp, page, tt.want.lang, tt.want.ecaForm)
			resp, page = post(t, c, ts.URL+setup.EditPath, url.Values{
				"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon"}, "apiName": {"Beacon"}, "contactEmail": {tt.admin},
				"oauthEnabled": {"1"}, "callbackUrl": {"https://example.com/cb"}, "scopes": {"api"},
			})
			wantWords(t, "the saved notice", resp, page, tt.want.lang, tt.want.saved)
			appID := resp.Request.URL.Query().Get("applicationId")
			resp, page = get(t, c, ts.URL+setup.DetailPath+"?applicationId="+appID)
			wantWords(t, "the app's page", resp, page, tt.want.lang, tt.want.detail)

			// Manage Consumer Details: another code, then the key and secret.
			resp, page = post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {appID}})
			wantWords(t, "Setup's verification page", resp, page, tt.want.lang, tt.want.verify)
			mails = srv.Mailer().Sent(tt.admin)
			if len(mails) != 2 || mails[0].Subject != tt.want.mailSubject || mails[0].Code == "" {
				t.Fatalf("mails after Manage Consumer Details: %+v", mails)
			}
			resp, page = post(t, c, ts.URL+setup.VerifyPath+"?applicationId="+appID, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}})
			wantWords(t, "Consumer Details", resp, page, tt.want.lang, tt.want.consumer)

			// The sync user's Allow Access.
			sync := browser(t, ts)
			resp, page = get(t, sync, oauthConfig(ts).AuthCodeURL("st4te"))
			resp, page = post(t, sync, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)}, "username": {tt.sync},
				"pw": {"Sync-Pass-1"}, "startURL": {resp.Request.URL.Query().Get("startURL")}})
			wantWords(t, "the sync user's verification page", resp, page, tt.want.lang, tt.want.verify)
			token = csrf(t, page)
			code := srv.Mailer().Sent(tt.sync)[0].Code
			resp, page = post(t, sync, resp.Request.URL.String(), url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}})
			if resp.Request.URL.Path != oauth.ApprovalPath {
				t.Fatalf("the sync user's code led to %s; want Allow Access", resp.Request.URL)
			}
			wantWords(t, "Allow Access", resp, page, tt.want.lang, tt.want.allow)
			code = wantCode(t, decide(t, ts, sync, page, resp.Request.URL.Query().Get("source"), "allow"), "st4te")

			// The APIs tell the user's language as Salesforce's do: the
			// identity URL's language, the User's LanguageLocaleKey.
			wantAPILanguage(t, ts, code, tt.sync, tt.key)
		})
	}
}

// wantAPILanguage exchanges code and checks that the identity URL and a
// REST query of the User give the user's LanguageLocaleKey key.
func wantAPILanguage(t *testing.T, ts *httptest.Server, code, username, key string) {
	t.Helper()
	ctx := context.Background()
	tok, err := oauthConfig(ts).Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	hc := oauthConfig(ts).Client(ctx, tok)
	getJSON := func(u string, v any) {
		t.Helper()
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatal(err)
		}
	}
	var id struct{ Language string }
	getJSON(tok.Extra("id").(string), &id)
	var q struct {
		Records []struct{ LanguageLocaleKey string }
	}
	getJSON(tok.Extra("instance_url").(string)+"/services/data/v60.0/query?q="+
		url.QueryEscape("SELECT LanguageLocaleKey FROM User WHERE Username = '"+username+"'"), &q)
	if id.Language != key || len(q.Records) != 1 || q.Records[0].LanguageLocaleKey != key {
		t.Errorf("identity language %q, User query %+v; want %s in both", id.Language, q.Records, key)
	}
}

// TestLoginPageLanguage: before anyone is known, the login page speaks
// the language of Salesforce's locale parameter, else the browser's
// Accept-Language; a language mocksf does not speak is English. The
// form's ids stay.
func TestLoginPageLanguage(t *testing.T) {
	_, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	tests := []struct {
		name, path, accept, lang string
		want                     []string
	}{
		{"no Accept-Language", "/", "", "en", []string{`class="usernamelabel">Username</label>`, `id="Login" name="Login" value="Log In"`}},
		{"Accept-Language nl", "/", "nl", "nl", []string{`class="usernamelabel">Gebruikersnaam</label>`, `<label for="password">Wachtwoord</label>`, `id="Login" name="Login" value="Aanmelden"`, `id="forgot_password_link"`}},
		{"Accept-Language nl-BE with English second", "/", "nl-BE,nl;q=0.9,en;q=0.8", "nl", []string{`value="Aanmelden"`}},
		{"Accept-Language ja-JP", "/", "ja-JP,ja;q=0.9", "ja", []string{`class="usernamelabel">ユーザー名</label>`, `id="Login" name="Login" value="ログイン"`, `>パスワードをお忘れですか?</a>`}},
		{"Accept-Language mocksf does not speak", "/", "de-DE,de;q=0.9,fr;q=0.5", "en", []string{`class="usernamelabel">Username</label>`}},
		{"unparsable Accept-Language", "/", "!!, ;q=x", "en", []string{`value="Log In"`}},
		{"locale=jp, Salesforce's code", "/?locale=jp", "nl", "ja", []string{`value="ログイン"`}},
		{"locale=nl over an English browser", "/?locale=nl", "en-US", "nl", []string{`value="Aanmelden"`}},
		{"locale=nl_NL, a LanguageLocaleKey", "/?locale=nl_NL", "", "nl", []string{`value="Aanmelden"`}},
		{"locale=de, not spoken", "/?locale=de", "ja", "en", []string{`value="Log In"`}},
		{"locale=us", "/?locale=us", "ja", "en", []string{`value="Log In"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := browser(t, ts)
			c.Transport = acceptLanguage{tt.accept}
			resp, page := get(t, c, ts.URL+tt.path)
			wantWords(t, "login page", resp, page, tt.lang, append(tt.want,
				`id="username" name="username"`, `id="password" name="pw"`, `id="login_form"`))
		})
	}
}

// TestLoginErrorLanguage: a wrong password is answered in the login
// page's language, the locale parameter's kept through the form's post.
func TestLoginErrorLanguage(t *testing.T) {
	_, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	tests := []struct{ name, path, accept, lang, want string }{
		{"Accept-Language nl", "/", "nl-NL", "nl", "Controleer uw gebruikersnaam en wachtwoord."},
		{"locale=jp over an English browser", "/?locale=jp", "en", "ja", "ユーザー名とパスワードを確認してください。"},
		{"English", "/", "", "en", "Please check your username and password."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := browser(t, ts)
			c.Transport = acceptLanguage{tt.accept}
			_, page := get(t, c, ts.URL+tt.path)
			action := regexp.MustCompile(`id="login_form" name="login" method="post" action="([^"]*)"`).FindStringSubmatch(page)
			if action == nil {
				t.Fatalf("no login form: %s", page)
			}
			resp, page := post(t, c, ts.URL+html.UnescapeString(action[1]), url.Values{"_CONFIRMATIONTOKEN": {csrf(t, page)},
				"username": {"sync-ja@acme.test"}, "pw": {"wrong"}})
			wantWords(t, "the refused login", resp, page, tt.lang, []string{`id="error" class="error loginError" role="alert">` + tt.want})
		})
	}
}

// TestLanguageControlAPI: PATCHing a user's language changes the pages
// from the next one on; an unknown one is refused.
func TestLanguageControlAPI(t *testing.T) {
	srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	org := srv.Store().Orgs()[0]
	patch := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPatch, ts.URL+"/__mocksf/orgs/"+org.ID+"/users/sync@acme.test", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := patch(`{"language":"ja"}`); status != 200 || !strings.Contains(body, `"language":"ja"`) {
		t.Fatalf("PATCH language ja: %d %s", status, body)
	}
	c := browser(t, ts)
	_, resp, page := typePassword(t, ts, c, "sync@acme.test", "Sync-Pass-1")
	wantWords(t, "verification page after the PATCH", resp, page, "ja", []string{"<h1>ID を検証</h1>"})
	for _, bad := range []string{`{"language":"xx_YY"}`, `{"language":"JA"}`, `{"language":""}`} {
		if status, body := patch(bad); status != 400 || !strings.Contains(body, "not a Salesforce language") {
			t.Errorf("PATCH %s: %d %s; want 400 naming the language", bad, status, body)
		}
	}
}

// acceptLanguage is a transport that sends a browser's Accept-Language.
type acceptLanguage struct{ value string }

func (a acceptLanguage) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if a.value != "" {
		r.Header.Set("Accept-Language", a.value)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// adminIn logs a browser in as an admin of languageSeed, whose language
// the Setup pages then speak whatever the browser asks for, and returns
// it with the session's CSRF token.
func adminIn(t *testing.T, srv *mocksf.Server, ts *httptest.Server, username string) (*http.Client, string) {
	t.Helper()
	c := browser(t, ts)
	c.Transport = acceptLanguage{"en-US,en;q=0.9"}
	token, _, _ := typePassword(t, ts, c, username, "Admin-Pass-1")
	mails := srv.Mailer().Sent(username)
	if len(mails) != 1 || mails[0].Code == "" {
		t.Fatalf("verification mails to %s: %+v", username, mails)
	}
	resp, _ := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}})
	if resp.Request.URL.Path != login.HomePath {
		t.Fatalf("the code of %s led to %s; want %s", username, resp.Request.URL.Path, login.HomePath)
	}
	return c, sessionOf(t, srv, ts, c).CSRF
}

// setupPages are the Setup pages of External Client Apps, Manage
// Connected Apps and Edit Policies, and the field errors of Setup's forms,
// each with what it shows in each language (by <html lang>): a label
// together with the id of the element that carries it, which no language
// changes. A field error that names a value keeps the value as typed.
var setupPages = []struct {
	name   string
	method string
	// path is the page's path and query, given the seeded connected
	// app's ID and an External Client App's.
	path func(appID, ecaID string) string
	form url.Values // posted with the session's token when method is POST
	want map[string][]string
}{
	{"External Client App, Settings tab", http.MethodGet,
		func(_, eca string) string { return setup.ECADetailPath + "?applicationId=" + eca }, nil,
		map[string][]string{
			"en": {`aria-current="page">Settings</a>`, `<dt>External Client App Name</dt><dd id="detailName">`, `<dt>Enable Device Flow</dt><dd id="detailDeviceFlow">Not Checked`, `id="consumerKeyAndSecret">Consumer Key and Secret</button>`, `id="detailDistributionState">Local `},
			"nl": {`aria-current="page">Instellingen</a>`, `<dt>Naam externe client-app</dt><dd id="detailName">`, `<dt>Device Flow inschakelen</dt><dd id="detailDeviceFlow">Niet aangevinkt`, `id="consumerKeyAndSecret">Consumentensleutel en Consumentengeheim</button>`, `id="detailDistributionState">Lokaal `},
			"ja": {`aria-current="page">設定</a>`, `<dt>外部クライアントアプリケーション名</dt><dd id="detailName">`, `<dt>デバイスフローを有効化</dt><dd id="detailDeviceFlow">オフ`, `id="consumerKeyAndSecret">Consumer keyとConsumer secret</button>`, `id="detailDistributionState">ローカル `},
		}},
	{"External Client App, Policies tab", http.MethodGet,
		func(_, eca string) string { return setup.ECADetailPath + "?applicationId=" + eca + "&tab=policies" }, nil,
		map[string][]string{
			"en": {`aria-current="page">Policies</a>`, `<h2>OAuth Policies</h2>`, `<dt>Permitted Users</dt><dd id="detailPermittedUsers">All users may self-authorize</dd>`, `<dt>IP Relaxation</dt><dd id="detailIpRelaxation">Enforce IP restrictions</dd>`, `<dt>Refresh Token Policy</dt><dd id="detailRefreshPolicy">Refresh token is valid until revoked</dd>`, `<dt>Timeout Value</dt><dd id="detailSessionTimeout">--None-- `},
			"nl": {`aria-current="page">Beleid</a>`, `<h2>OAuth-beleid</h2>`, `<dt>Toegestane gebruikers</dt><dd id="detailPermittedUsers">Alle gebruikers mogen zichzelf autoriseren</dd>`, `<dt>IP-versoepeling</dt><dd id="detailIpRelaxation">IP-beperkingen afdwingen</dd>`, `<dt>Beleid voor vernieuwingstokens</dt><dd id="detailRefreshPolicy">Vernieuwingstoken is geldig tot het wordt ingetrokken</dd>`, `<dt>Time-outwaarde</dt><dd id="detailSessionTimeout">--Geen-- `},
			"ja": {`aria-current="page">ポリシー</a>`, `<h2>OAuth ポリシー</h2>`, `<dt>許可されているユーザー</dt><dd id="detailPermittedUsers">すべてのユーザーは自己承認可能</dd>`, `<dt>IP 制限の緩和</dt><dd id="detailIpRelaxation">IP 制限を適用</dd>`, `<dt>更新トークンポリシー</dt><dd id="detailRefreshPolicy">更新トークンは取り消されるまで有効</dd>`, `<dt>タイムアウト値</dt><dd id="detailSessionTimeout">--なし-- `},
		}},
	{"External Client App, Edit Policies", http.MethodGet,
		func(_, eca string) string { return setup.ECAPoliciesPath + "?applicationId=" + eca }, nil,
		map[string][]string{
			"en": {"<h1>Edit Policies: Beacon</h1>", `id="saveTop" name="save" value="Save"`, `<label for="permittedUsers">Permitted Users</label>`, `<option value="admin-approved">Admin approved users are pre-authorized</option>`, `for="refreshIdle">Expire refresh token if not used for</label>`, `<option value="hours" selected>Hour(s)</option>`, `<label for="sessionTimeout">Timeout Value</label>`, `<option value="60">1 hour</option>`},
			"nl": {"<h1>Beleid bewerken: Beacon</h1>", `id="saveTop" name="save" value="Opslaan"`, `<label for="permittedUsers">Toegestane gebruikers</label>`, `<option value="admin-approved">Door de beheerder goedgekeurde gebruikers zijn vooraf geautoriseerd</option>`, `for="refreshIdle">Vernieuwingstoken laten verlopen als het niet is gebruikt gedurende</label>`, `<option value="hours" selected>Uur/uren</option>`, `<label for="sessionTimeout">Time-outwaarde</label>`, `<option value="60">1 uur</option>`},
			"ja": {"<h1>ポリシーを編集: Beacon</h1>", `id="saveTop" name="save" value="保存"`, `<label for="permittedUsers">許可されているユーザー</label>`, `<option value="admin-approved">管理者が承認したユーザーは事前承認済み</option>`, `for="refreshIdle">次の期間使用されなかった場合に更新トークンを期限切れにする</label>`, `<option value="hours" selected>時間</option>`, `<label for="sessionTimeout">タイムアウト値</label>`, `<option value="60">1 時間</option>`},
		}},
	{"External Client App, Edit Policies with a bad timeout", http.MethodPost,
		func(_, eca string) string { return setup.ECAPoliciesPath + "?applicationId=" + eca },
		url.Values{"permittedUsers": {setup.PermittedAll}, "refreshPolicy": {store.RefreshUntilRevoked}, "sessionTimeout": {"7"}},
		map[string][]string{
			"en": {`<div id="error" class="error" role="alert">Error: Invalid Data.`, `id="sessionTimeout-error">Error: bad value for restricted picklist field: 7</div>`},
			"nl": {`<div id="error" class="error" role="alert">Fout: ongeldige gegevens.`, `id="sessionTimeout-error">Fout: ongeldige waarde voor beperkt keuzelijstveld: 7</div>`},
			"ja": {`<div id="error" class="error" role="alert">エラー: 無効なデータです。`, `id="sessionTimeout-error">エラー: 制限つき選択リスト項目の値が不適切: 7</div>`},
		}},
	{"Manage Connected Apps", http.MethodGet,
		func(string, string) string { return setup.ManageAppsPath }, nil,
		map[string][]string{
			"en": {"<h1>Connected Apps</h1>", "<th>Master Label</th>", `id="manage-Product_Sync"`, "<td>All users may self-authorize</td><td>Active</td>"},
			"nl": {"<h1>Verbonden apps</h1>", "<th>Hoofdlabel</th>", `id="manage-Product_Sync"`, "<td>Alle gebruikers mogen zichzelf autoriseren</td><td>Actief</td>"},
			"ja": {"<h1>接続されたアプリ</h1>", "<th>表示ラベル</th>", `id="manage-Product_Sync"`, "<td>すべてのユーザーは自己承認可能</td><td>有効</td>"},
		}},
	{"a connected app's Manage page", http.MethodGet,
		func(app, _ string) string { return setup.ManageAppPath + "?applicationId=" + app }, nil,
		map[string][]string{
			"en": {`">Edit Policies</a>`, `id="blockApp" name="action" value="block">Block</button>`, `<dt>Status</dt><dd id="policyStatus">Active</dd>`, `<dd id="policyRefresh">Refresh token is valid until revoked</dd>`, "<li>No users assigned.</li>"},
			"nl": {`">Beleid bewerken</a>`, `id="blockApp" name="action" value="block">Blokkeren</button>`, `<dt>Status</dt><dd id="policyStatus">Actief</dd>`, `<dd id="policyRefresh">Vernieuwingstoken is geldig tot het wordt ingetrokken</dd>`, "<li>Geen gebruikers toegewezen.</li>"},
			"ja": {`">ポリシーを編集</a>`, `id="blockApp" name="action" value="block">ブロック</button>`, `<dt>状況</dt><dd id="policyStatus">有効</dd>`, `<dd id="policyRefresh">更新トークンは取り消されるまで有効</dd>`, "<li>割り当てられたユーザーはいません。</li>"},
		}},
	{"a connected app's Edit Policies with no idle length", http.MethodPost,
		func(app, _ string) string { return setup.PoliciesPath + "?applicationId=" + app },
		url.Values{"permittedUsers": {setup.PermittedAll}, "refreshPolicy": {store.RefreshIdle}, "refreshIdleUnit": {"hours"}},
		map[string][]string{
			"en": {"<h1>Connected App Edit: Product Sync</h1>", `id="save" name="save" value="Save"`, `id="refreshIdleValue-error">Error: You must enter a value</div>`, `aria-label="Expire refresh token if not used for: number"`},
			"nl": {"<h1>Verbonden app bewerken: Product Sync</h1>", `id="save" name="save" value="Opslaan"`, `id="refreshIdleValue-error">Fout: u moet een waarde invoeren</div>`, `aria-label="Vernieuwingstoken laten verlopen als het niet is gebruikt gedurende: aantal"`},
			"ja": {"<h1>接続アプリケーションの編集: Product Sync</h1>", `id="save" name="save" value="保存"`, `id="refreshIdleValue-error">エラー: 値を入力してください</div>`, `aria-label="次の期間使用されなかった場合に更新トークンを期限切れにする: 数"`},
		}},
	{"New Connected App with bad fields", http.MethodPost,
		func(string, string) string { return setup.EditPath },
		url.Values{"contactEmail": {"not-an-address"}, "oauthEnabled": {"1"}, "callbackUrl": {"no scheme"}, "logoUrl": {"ftp://x"}},
		map[string][]string{
			"en": {`id="name-error">Error: You must enter a value</div>`, `id="contactEmail-error">Error: Invalid email address</div>`, `id="callbackUrl-error">Error: Invalid callback URL: no scheme</div>`, `id="logoUrl-error">Error: Enter a complete URL`, `id="scopes-error">Error: Select at least one OAuth scope.</div>`, `<div class="field-help suboption">After saving, choose the Run As user under Manage &gt; Edit Policies &gt; Client Credentials Flow.</div>`, `<p>Warning: The client credentials flow lets`},
			"nl": {`id="name-error">Fout: u moet een waarde invoeren</div>`, `id="contactEmail-error">Fout: ongeldig e-mailadres</div>`, `id="callbackUrl-error">Fout: ongeldige Callback URL: no scheme</div>`, `id="logoUrl-error">Fout: voer een volledige URL`, `id="scopes-error">Fout: selecteer ten minste één OAuth-bereik.</div>`, `<div class="field-help suboption">Kies na het opslaan de gebruiker voor Uitvoeren als onder Beheren &gt; Beleid bewerken &gt; Client Credentials Flow.</div>`, `<p>Waarschuwing: met de Client Credentials Flow`},
			"ja": {`id="name-error">エラー: 値を入力してください</div>`, `id="contactEmail-error">エラー: メールアドレスが無効です</div>`, `id="callbackUrl-error">エラー: コールバックURLが無効です: no scheme</div>`, `id="logoUrl-error">エラー: http:// または https:// で始まる`, `id="scopes-error">エラー: OAuthスコープを 1 つ以上選択してください。</div>`, `<div class="field-help suboption">保存後、[管理] &gt; [ポリシーを編集] &gt; [クライアントログイン情報フロー] で実行ユーザーを選択します。</div>`, `<p>警告: クライアントログイン情報フローでは`},
		}},
	{"New External Client App with a bad Distribution State", http.MethodPost,
		func(string, string) string { return setup.ECANewPath },
		url.Values{"name": {"Beacon Two"}, "contactEmail": {"admin@acme.test"}, "distributionState": {"Nope"}},
		map[string][]string{
			"en": {`id="distributionState-error">Error: bad value for restricted picklist field: Nope</div>`, `<option value="Local">Local</option>`, `for="enableDeviceFlow">Enable Device Flow</label>`},
			"nl": {`id="distributionState-error">Fout: ongeldige waarde voor beperkt keuzelijstveld: Nope</div>`, `<option value="Local">Lokaal</option>`, `for="enableDeviceFlow">Device Flow inschakelen</label>`},
			"ja": {`id="distributionState-error">エラー: 制限つき選択リスト項目の値が不適切: Nope</div>`, `<option value="Local">ローカル</option>`, `for="enableDeviceFlow">デバイスフローを有効化</label>`},
		}},
	{"Delete External Client App", http.MethodGet,
		func(_, eca string) string { return setup.ECADeletePath + "?applicationId=" + eca }, nil,
		map[string][]string{
			"en": {"<h1>Delete External Client App</h1>", `id="deleteQuestion">Are you sure you want to delete <strong>Beacon</strong>?</p>`, `id="deleteNotice">Deleting this external client app`, `id="confirmDelete" name="delete" value="Delete"`},
			"nl": {"<h1>Externe client-app verwijderen</h1>", `id="deleteQuestion">Weet u zeker dat u <strong>Beacon</strong> wilt verwijderen?</p>`, `id="deleteNotice">Als u deze externe client-app verwijdert`, `id="confirmDelete" name="delete" value="Verwijderen"`},
			"ja": {"<h1>外部クライアントアプリケーションを削除</h1>", `id="deleteQuestion">アプリケーション <strong>Beacon</strong> を削除してもよろしいですか?</p>`, `id="deleteNotice">この外部クライアントアプリケーションを削除すると`, `id="confirmDelete" name="delete" value="削除"`},
		}},
	{"New Connected App's unsimulated sections", http.MethodGet,
		func(string, string) string { return setup.EditPath }, nil,
		map[string][]string{
			"en": {`for="enableDeviceFlow">Enable for Device Flow</label>`, `<h2 id="canvasSection">Canvas App Settings</h2>`, `<option value="post">Signed Request (POST)</option>`, ` <span>minutes</span>`, `id="unsimulatedNote">Web App, Custom Connected App Handler, Mobile App and Canvas App Settings: mocksf stores`},
			"nl": {`for="enableDeviceFlow">Inschakelen voor Device Flow</label>`, `<h2 id="canvasSection">Instellingen canvas-app</h2>`, `<option value="post">Ondertekend verzoek (POST)</option>`, ` <span>minuten</span>`, `id="unsimulatedNote">Instellingen voor web-app, aangepaste handler voor verbonden apps, mobiele app en canvas-app: mocksf bewaart`},
			"ja": {`for="enableDeviceFlow">デバイスフローで有効化</label>`, `<h2 id="canvasSection">キャンバスアプリケーション設定</h2>`, `<option value="post">署名付き要求 (POST)</option>`, ` <span>分</span>`, `id="unsimulatedNote">Web アプリケーション、カスタム接続アプリケーションハンドラー、モバイルアプリケーション、キャンバスアプリケーションの設定: mocksf はこのセクション`},
		}},
	{"the connected app's page", http.MethodGet,
		func(app, _ string) string { return setup.DetailPath + "?applicationId=" + app }, nil,
		map[string][]string{
			"en": {`<dd id="detailDigitalSignatures">Not Checked</dd>`, `<dd id="detailRequireSecretWebServer">Checked</dd>`, `<dt>Enable for Device Flow</dt><dd id="detail-enableDeviceFlow">Not Checked</dd>`, `<dt>Token Valid for</dt><dd id="detail-idTokenValidMinutes">720</dd>`, `<dt>Access Method</dt><dd id="detail-canvasAccessMethod">OAuth Webflow (GET)</dd>`},
			"nl": {`<dd id="detailDigitalSignatures">Niet aangevinkt</dd>`, `<dd id="detailRequireSecretWebServer">Aangevinkt</dd>`, `<dt>Inschakelen voor Device Flow</dt><dd id="detail-enableDeviceFlow">Niet aangevinkt</dd>`, `<dt>Token geldig gedurende</dt><dd id="detail-idTokenValidMinutes">720</dd>`, `<dt>Toegangsmethode</dt><dd id="detail-canvasAccessMethod">OAuth-webflow (GET)</dd>`},
			"ja": {`<dd id="detailDigitalSignatures">オフ</dd>`, `<dd id="detailRequireSecretWebServer">オン</dd>`, `<dt>デバイスフローで有効化</dt><dd id="detail-enableDeviceFlow">オフ</dd>`, `<dt>トークンの有効期間</dt><dd id="detail-idTokenValidMinutes">720</dd>`, `<dt>アクセス方法</dt><dd id="detail-canvasAccessMethod">OAuth Web フロー (GET)</dd>`},
		}},
	{"App Manager's rows", http.MethodGet,
		func(string, string) string { return setup.AppManagerPath }, nil,
		map[string][]string{
			"en": {"<td>Product Sync</td><td>Product_Sync</td><td>Connected</td>", "<td>Beacon</td><td>Beacon</td><td>External Client App</td>", `id="row-Beacon-menu" title="Show actions">&#9662;<span class="assistive">Show actions for Beacon</span>`},
			"nl": {"<td>Product Sync</td><td>Product_Sync</td><td>Verbonden</td>", "<td>Beacon</td><td>Beacon</td><td>Externe client-app</td>", `id="row-Beacon-menu" title="Acties weergeven">&#9662;<span class="assistive">Acties weergeven voor Beacon</span>`},
			"ja": {"<td>Product Sync</td><td>Product_Sync</td><td>接続</td>", "<td>Beacon</td><td>Beacon</td><td>外部クライアントアプリケーション</td>", `id="row-Beacon-menu" title="アクションを表示">&#9662;<span class="assistive">Beacon のアクションを表示</span>`},
		}},
	{"External Client App Manager's rows", http.MethodGet,
		func(string, string) string { return setup.ECAManagerPath }, nil,
		map[string][]string{
			"en": {"<td>Beacon</td><td>Beacon</td><td>Local</td>", `id="distributionStateNote">Distribution State: mocksf stores this setting`},
			"nl": {"<td>Beacon</td><td>Beacon</td><td>Lokaal</td>", `id="distributionStateNote">Distributiestatus: mocksf bewaart en toont deze instelling`},
			"ja": {"<td>Beacon</td><td>Beacon</td><td>ローカル</td>", `id="distributionStateNote">配布状態: mocksf はこの設定を保存して表示します`},
		}},
	{"Lightning home with a global search", http.MethodGet,
		func(string, string) string { return setup.LightningHomePath + "?str=%3Cb%3EAcme" }, nil,
		map[string][]string{
			"en": {`id="lightningHome"`, `<p class="slds-page-header__name-meta">Sales</p>`, `<h1 class="slds-page-header__title">Home</h1>`, `id="searchResults" role="status"><p>No results for &#34;&lt;b&gt;Acme&#34;: mocksf&#39;s global search finds nothing.</p>`, `<h2 class="slds-card__header-title">Welcome, admin@acme.test</h2>`, `<p>To create or manage connected apps, open the gear menu at the top right and choose <strong>Setup</strong>.</p>`, `id="homeSetupLink" href="` + setup.HomePath + `">Go to Setup</a>`, `id="homeRecentRecords">`, `>Recent Records</h2>`, `<p>No recent records.</p>`},
			"nl": {`id="lightningHome"`, `<p class="slds-page-header__name-meta">Verkoop</p>`, `<h1 class="slds-page-header__title">Startpagina</h1>`, `id="searchResults" role="status"><p>Geen resultaten voor &#34;&lt;b&gt;Acme&#34;: de globale zoekfunctie van mocksf vindt niets.</p>`, `<h2 class="slds-card__header-title">Welkom, beheerder@acme.test</h2>`, `<p>Als u verbonden apps wilt maken of beheren, opent u het tandwielmenu rechtsboven en kiest u <strong>Opstelling</strong>.</p>`, `id="homeSetupLink" href="` + setup.HomePath + `">Naar Opstelling</a>`, `id="homeRecentRecords">`, `>Recente records</h2>`, `<p>Geen recente records.</p>`},
			"ja": {`id="lightningHome"`, `<p class="slds-page-header__name-meta">セールス</p>`, `<h1 class="slds-page-header__title">ホーム</h1>`, `id="searchResults" role="status"><p>「&lt;b&gt;Acme」の結果はありません: mocksf のグローバル検索は何も検索しません。</p>`, `<h2 class="slds-card__header-title">ようこそ、kanri@acme.test さん</h2>`, `<p>接続アプリケーションを作成または管理するには、右上の歯車アイコンのメニューを開き、<strong>設定</strong> を選択します。</p>`, `id="homeSetupLink" href="` + setup.HomePath + `">設定に移動</a>`, `id="homeRecentRecords">`, `>最近のレコード</h2>`, `<p>最近のレコードはありません。</p>`},
		}},
	{"Setup Home", http.MethodGet,
		func(string, string) string { return setup.HomePath }, nil,
		map[string][]string{
			"en": {`id="setupHome"`, `<h1 class="slds-page-header__title">Setup Home</h1>`, `id="setupHomeAbout">`, `>About this org</h2>`, `<p>This is mocksf, a fake Salesforce for tests.`},
			"nl": {`id="setupHome"`, `<h1 class="slds-page-header__title">`, `id="setupHomeAbout">`, `>Over deze organisatie</h2>`, `<p>Dit is mocksf, een nep-Salesforce voor tests.`},
			"ja": {`id="setupHome"`, `<h1 class="slds-page-header__title">`, `id="setupHomeAbout">`, `>この組織について</h2>`, `<p>これはテスト用の偽の Salesforce、mocksf です。`},
		}},
	{"Setup Home, Quick Find that matches nothing", http.MethodGet,
		func(string, string) string { return setup.HomePath + "?q=zzq%22" }, nil,
		map[string][]string{
			"en": {`id="quickFindResults">`, `>Quick Find: zzq&#34;</h2>`, `<p>No results found for &#34;zzq&#34;&#34;.</p>`},
			"nl": {`id="quickFindResults">`, `>Snel zoeken: zzq&#34;</h2>`, `<p>Geen resultaten gevonden voor &#34;zzq&#34;&#34;.</p>`},
			"ja": {`id="quickFindResults">`, `>クイック検索: zzq&#34;</h2>`, `<p>「zzq&#34;」の結果は見つかりませんでした。</p>`},
		}},
	{"Setup Home, Quick Find that matches", http.MethodGet,
		func(string, string) string { return setup.HomePath + "?q=App" }, nil,
		map[string][]string{
			"en": {`id="quickFindResults">`, `>Quick Find: App</h2>`, `<p>The Setup tree on the left shows the entries that match.</p>`},
			"nl": {`id="quickFindResults">`, `>Snel zoeken: App</h2>`, `<p>De structuur van Opstelling links toont de items die overeenkomen.</p>`},
			// Quick Find matches the labels shown: in Japanese, "App" matches
			// nothing (the next row finds them by their Japanese).
			"ja": {`id="quickFindResults">`, `>クイック検索: App</h2>`, `<p>「App」の結果は見つかりませんでした。</p>`},
		}},
	{"Setup Home, Quick Find that matches the page's words", http.MethodGet,
		func(string, string) string { return setup.HomePath + "?q=" + url.QueryEscape("アプリ") }, nil,
		map[string][]string{
			"en": {`>Quick Find: アプリ</h2>`, `<p>No results found for &#34;アプリ&#34;.</p>`},
			"nl": {`>Snel zoeken: アプリ</h2>`, `<p>Geen resultaten gevonden voor &#34;アプリ&#34;.</p>`},
			"ja": {`>クイック検索: アプリ</h2>`, `<p>左側の設定ツリーに一致する項目が表示されます。</p>`, `id="appManager"`, `id="externalClientAppManager"`},
		}},
	{"External Client App Settings", http.MethodGet,
		func(string, string) string { return setup.ECASettingsPath + "?saved=1" }, nil,
		map[string][]string{
			"en": {"<h1>External Client App Settings</h1>", `id="saved" role="status">Your settings were saved.</div>`, `for="allowConnectedAppCreation">Allow creation of connected apps</label>`},
			"nl": {"<h1>Instellingen externe client-apps</h1>", `id="saved" role="status">Uw instellingen zijn opgeslagen.</div>`, `for="allowConnectedAppCreation">Het maken van verbonden apps toestaan</label>`},
			"ja": {"<h1>外部クライアントアプリケーションの設定</h1>", `id="saved" role="status">設定が保存されました。</div>`, `for="allowConnectedAppCreation">接続アプリケーションの作成を許可</label>`},
		}},
}

// TestSetupPagesInTheUsersLanguage fetches each of setupPages as the
// admin of each language (the browser asking for English) and finds the
// user's language's labels with the ids every language shares.
func TestSetupPagesInTheUsersLanguage(t *testing.T) {
	for _, tt := range languages {
		t.Run(tt.name, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			c, token := adminIn(t, srv, ts, tt.admin)
			appID, ecaID := appNamed(t, srv, "Product Sync").ID, newECA(t, srv, "Beacon").ID
			for _, p := range setupPages {
				u := ts.URL + p.path(appID, ecaID)
				var resp *http.Response
				var page string
				if p.method == http.MethodPost {
					form := url.Values{"_CONFIRMATIONTOKEN": {token}}
					for k, v := range p.form {
						form[k] = v
					}
					resp, page = post(t, c, u, form)
				} else {
					resp, page = get(t, c, u)
				}
				wantWords(t, p.name, resp, page, tt.want.lang, p.want[tt.want.lang])
			}
		})
	}
}

// TestLoginPagesLanguage: Forgot Your Password, its Check Your Email and
// its field error, and Use Custom Domain with its field error, before
// anyone is known, speak the browser's Accept-Language or the locale
// parameter's language, with the same ids in all.
func TestLoginPagesLanguage(t *testing.T) {
	_, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	pages := []struct {
		name, path string
		want       map[string][]string
	}{
		{"Forgot Your Password", login.ForgotPasswordPath, map[string][]string{
			"en": {`<h1 id="header">Forgot Your Password</h1>`, `<label for="un">Username</label>`, `id="continue" value="Continue"`, `id="cancel" href="/">Cancel</a>`},
			"nl": {`<h1 id="header">Wachtwoord vergeten</h1>`, `<label for="un">Gebruikersnaam</label>`, `id="continue" value="Doorgaan"`, `id="cancel" href="/">Annuleren</a>`},
			"ja": {`<h1 id="header">パスワードをお忘れの場合</h1>`, `<label for="un">ユーザー名</label>`, `id="continue" value="続行"`, `id="cancel" href="/">キャンセル</a>`},
		}},
		{"Forgot Your Password without a username", login.ForgotPasswordPath + "?un=", map[string][]string{
			"en": {`id="un-error">Error: Enter your username.</div>`},
			"nl": {`id="un-error">Fout: voer uw gebruikersnaam in.</div>`},
			"ja": {`id="un-error">エラー: ユーザー名を入力してください。</div>`},
		}},
		{"Check Your Email", login.ForgotPasswordPath + "?un=sync%40acme.test", map[string][]string{
			"en": {`<h1 id="header">Check Your Email</h1>`, `id="forgotPasswordSent">On a real org, Salesforce now emails a link to reset the password to the address of sync@acme.test,`, `id="backToLogin" href="/">Return to Login</a>`, `id="noResetMail">mocksf sends no reset mail`},
			"nl": {`<h1 id="header">Controleer uw e-mail</h1>`, `id="forgotPasswordSent">In een echte organisatie mailt Salesforce nu een koppeling om het wachtwoord opnieuw in te stellen naar het adres van sync@acme.test,`, `id="backToLogin" href="/">Terug naar aanmelden</a>`, `id="noResetMail">mocksf verstuurt geen herstelmail`},
			"ja": {`<h1 id="header">メールを確認してください</h1>`, `id="forgotPasswordSent">実際の組織では、Salesforce はユーザー sync@acme.test が存在する場合`, `id="backToLogin" href="/">ログインに戻る</a>`, `id="noResetMail">mocksf はリセットメールを送信せず`},
		}},
		{"Use Custom Domain with a bad name", login.CustomDomainPath + "?domain=a_b", map[string][]string{
			"en": {`<h1 id="header">Use Custom Domain</h1>`, `<label for="mydomain">Custom Domain</label>`, `id="mydomain-error">Error: Enter a domain name`, `id="mydomainContinue" value="Continue"`},
			"nl": {`<h1 id="header">Aangepast domein gebruiken</h1>`, `<label for="mydomain">Aangepast domein</label>`, `id="mydomain-error">Fout: voer een domeinnaam in`, `id="mydomainContinue" value="Doorgaan"`},
			"ja": {`<h1 id="header">カスタムドメインを使用</h1>`, `<label for="mydomain">カスタムドメイン</label>`, `id="mydomain-error">エラー: acme や acme--dev.sandbox のように`, `id="mydomainContinue" value="続行"`},
		}},
	}
	// How the language is asked for before login: the browser's
	// Accept-Language, or Salesforce's locale parameter over it.
	askers := []struct{ name, accept, query, lang string }{
		{"English browser", "en-US", "", "en"},
		{"Accept-Language nl-BE", "nl-BE,nl;q=0.9", "", "nl"},
		{"Accept-Language ja-JP", "ja-JP", "", "ja"},
		{"locale=jp over a Dutch browser", "nl", "locale=jp", "ja"},
		{"Accept-Language mocksf does not speak", "de-DE", "", "en"},
	}
	for _, a := range askers {
		for _, p := range pages {
			t.Run(a.name+"/"+p.name, func(t *testing.T) {
				c := browser(t, ts)
				c.Transport = acceptLanguage{a.accept}
				u := ts.URL + p.path
				if a.query != "" {
					if strings.Contains(u, "?") {
						u += "&" + a.query
					} else {
						u += "?" + a.query
					}
				}
				resp, page := get(t, c, u)
				wantWords(t, p.name, resp, page, a.lang, p.want[a.lang])
			})
		}
	}
}

// TestLoginRefusalLanguage: the login page's refusal of a right password
// from outside the org's Login IP Ranges is in the language the page was
// asked in, in the same error element.
func TestLoginRefusalLanguage(t *testing.T) {
	srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	restrictOrg(t, srv, "10.0.0.0/8")
	tests := []struct{ accept, lang, want string }{
		{"en", "en", "Your login attempt has failed. You are not allowed to log in from this IP address."},
		{"nl-NL", "nl", "Uw aanmeldpoging is mislukt. U mag zich niet aanmelden vanaf dit IP-adres."},
		{"ja", "ja", "ログインに失敗しました。この IP アドレスからのログインは許可されていません。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			c := browser(t, ts)
			c.Transport = acceptLanguage{tt.accept}
			_, resp, page := typePassword(t, ts, c, "sync-ja@acme.test", "Sync-Pass-1")
			wantWords(t, "the refused login", resp, page, tt.lang, []string{`id="error" class="error loginError" role="alert">` + tt.want})
		})
	}
}

// TestVerificationRefusalLanguage: once too many wrong codes were typed,
// the verification page says so in the user's language, in the same
// error element.
func TestVerificationRefusalLanguage(t *testing.T) {
	tests := []struct{ user, lang, want string }{
		{"sync@acme.test", "en", "You&#39;ve made too many attempts to verify your identity."},
		{"sync-nl@acme.test", "nl", "U hebt te vaak geprobeerd uw identiteit te verifiëren."},
		{"sync-ja@acme.test", "ja", "ID の検証を試行した回数が多すぎます。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			c := browser(t, ts)
			token, _, _ := typePassword(t, ts, c, tt.user, "Sync-Pass-1")
			wrong := "000000"
			if srv.Mailer().Sent(tt.user)[0].Code == wrong {
				wrong = "111111"
			}
			var resp *http.Response
			var page string
			for range 20 {
				resp, page = post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {wrong}})
				if strings.Contains(page, tt.want) {
					break
				}
			}
			wantWords(t, "the verification page", resp, page, tt.lang, []string{`<div id="error" class="error" role="alert">` + tt.want})
		})
	}
}

// TestRemoteAccessErrorLanguage: the authorize endpoint's error page for
// a request it will not redirect (an unknown client_id, a redirect_uri
// the app lacks), and its page for a stale Allow Access request, speak the
// language of the browser's Accept-Language before login and the user's
// after it. Only the page's own words change: the error and
// error_description stay Salesforce's English, as in a URL or the API,
// and the ids stay.
func TestRemoteAccessErrorLanguage(t *testing.T) {
	authorize := func(clientID, redirectURI string) string {
		return "/services/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {clientID},
			"redirect_uri": {redirectURI}, "state": {"st4te"}}.Encode()
	}
	unknownClient := []string{`<pre id="oauthError">error=invalid_client_id&amp;error_description=client%20identifier%20invalid</pre>`,
		`<p id="errorDescription">client identifier invalid</p>`}
	mismatch := []string{mismatchPre, `<p id="errorDescription">redirect_uri must match configuration</p>`}
	heading := map[string][]string{
		"en": {"<title>Remote Access Error</title>", "<h1>Remote Access Error</h1>"},
		"nl": {"<title>Fout bij externe toegang</title>", "<h1>Fout bij externe toegang</h1>"},
		"ja": {"<title>リモートアクセスエラー</title>", "<h1>リモートアクセスエラー</h1>"},
	}
	tests := []struct {
		name, accept, lang string
		admin              string // logged in first when set
		path               string
		want               []string // Salesforce's words, English in every language
	}{
		{"unknown client_id, no Accept-Language", "", "en", "", authorize("3MVG9Unknown", testCallback), unknownClient},
		{"unknown client_id, Accept-Language nl-BE", "nl-BE,nl;q=0.9", "nl", "", authorize("3MVG9Unknown", testCallback), unknownClient},
		{"unknown client_id, Accept-Language ja-JP", "ja-JP", "ja", "", authorize("3MVG9Unknown", testCallback), unknownClient},
		{"redirect_uri mismatch, Accept-Language nl", "nl", "nl", "", authorize(testKey, "https://evil.example/cb"), mismatch},
		{"redirect_uri mismatch, Accept-Language ja", "ja", "ja", "", authorize(testKey, "https://evil.example/cb"), mismatch},
		{"redirect_uri mismatch, a language mocksf does not speak", "de-DE", "en", "", authorize(testKey, "https://evil.example/cb"), mismatch},
		{"redirect_uri mismatch, a Japanese user on an English browser", "en-US", "ja", "kanri@acme.test", authorize(testKey, "https://evil.example/cb"), mismatch},
		{"a stale Allow Access request, a Dutch user", "en-US", "nl", "beheerder@acme.test", oauth.ApprovalPath + "?source=gone",
			[]string{`id="messagePage"`, `<p id="message">Dit autorisatieverzoek is niet meer geldig. Ga terug naar de toepassing en begin opnieuw.</p>`}},
		{"a stale Allow Access request, a Japanese user", "en-US", "ja", "kanri@acme.test", oauth.ApprovalPath + "?source=gone",
			[]string{`id="messagePage"`, `<p id="message">この認証要求は無効になりました。アプリケーションに戻ってやり直してください。</p>`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			c := browser(t, ts)
			if tt.admin != "" {
				c, _ = adminIn(t, srv, ts, tt.admin)
			}
			c.Transport = acceptLanguage{tt.accept}
			resp, page := get(t, c, ts.URL+tt.path)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("got %d at %s; want 400: %s", resp.StatusCode, resp.Request.URL, page)
			}
			resp.StatusCode = http.StatusOK // wantWords checks a page's words, not its status
			wantWords(t, "the error page", resp, page, tt.lang, append(tt.want, heading[tt.lang]...))
		})
	}
}

// TestTokenErrorsStayEnglish: the token endpoint's JSON errors are
// Salesforce's English whatever language the caller asks for, with no
// Content-Language: only HTML pages are translated.
func TestTokenErrorsStayEnglish(t *testing.T) {
	_, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
	const want = `{"error":"invalid_grant","error_description":"invalid authorization code"}`
	for _, accept := range []string{"", "ja", "ja-JP,ja;q=0.9", "nl-NL"} {
		t.Run("Accept-Language "+accept, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, ts.URL+"/services/oauth2/token", strings.NewReader(url.Values{
				"grant_type": {"authorization_code"}, "code": {"not-a-code"}, "client_id": {testKey},
				"client_secret": {testSecret}, "redirect_uri": {testCallback}}.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if accept != "" {
				req.Header.Set("Accept-Language", accept)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || strings.TrimSpace(string(body)) != want {
				t.Errorf("got %d %s; want 400 %s", resp.StatusCode, body, want)
			}
			if cl := resp.Header.Get("Content-Language"); cl != "" {
				t.Errorf("got Content-Language %q on a JSON error; want none", cl)
			}
		})
	}
}

// certificateExpiring returns a self-signed certificate for CN=beacon-jwt
// that expires at notAfter, in PEM.
func certificateExpiring(t *testing.T, notAfter time.Time) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "beacon-jwt"},
		NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// TestCertificateDateInTheUsersLanguage: a connected app's and an
// External Client App's pages show their certificate's expiry in the
// user's language, with its date in that language's order (month first
// in English, day first in Dutch, year first in Japanese); the subject
// is X.509's in every language, and the ids stay.
func TestCertificateDateInTheUsersLanguage(t *testing.T) {
	// The 9th of March: day and month differ, and the day has one digit,
	// so every order and padding shows.
	cert := certificateExpiring(t, time.Date(2027, time.March, 9, 12, 0, 0, 0, time.UTC))
	want := map[string]struct{ detail, edit, eca string }{
		"en": {`<dd id="detailDigitalSignatures">CN=beacon-jwt (expires 3/9/2027)</dd>`,
			`id="currentCertificate">Uploaded certificate: CN=beacon-jwt (expires 3/9/2027). Choose a file only to replace it.</p>`,
			`<dd id="detailJwtBearer">Checked (CN=beacon-jwt (expires 3/9/2027))</dd>`},
		"nl": {`<dd id="detailDigitalSignatures">CN=beacon-jwt (verloopt op 09-03-2027)</dd>`,
			`id="currentCertificate">Geüpload certificaat: CN=beacon-jwt (verloopt op 09-03-2027). Kies alleen een bestand om het te vervangen.</p>`,
			`<dd id="detailJwtBearer">Aangevinkt (CN=beacon-jwt (verloopt op 09-03-2027))</dd>`},
		"ja": {`<dd id="detailDigitalSignatures">CN=beacon-jwt (有効期限: 2027/03/09)</dd>`,
			`id="currentCertificate">アップロード済みの証明書: CN=beacon-jwt (有効期限: 2027/03/09)。置き換える場合にのみファイルを選択してください。</p>`,
			`<dd id="detailJwtBearer">オン (CN=beacon-jwt (有効期限: 2027/03/09))</dd>`},
	}
	for _, tt := range languages {
		t.Run(tt.name, func(t *testing.T) {
			srv, ts := newServerWith(t, func(c *mocksf.Config) { c.Seed = []byte(languageSeed) })
			c, _ := adminIn(t, srv, ts, tt.admin)
			org := srv.Store().Orgs()[0].ID
			policy := store.DefaultAppPolicy()
			policy.CertificatePEM = cert
			app, err := srv.Store().CreateApp(store.ConnectedApp{OrgID: org, Name: "Signed", APIName: "Signed",
				ContactEmail: "admin@acme.test", OAuthEnabled: true, CallbackURLs: []string{"https://app.example/cb"},
				Scopes: []string{"api"}, Policy: policy})
			if err != nil {
				t.Fatal(err)
			}
			ecaPolicy := store.DefaultExternalClientAppPolicy()
			ecaPolicy.CertificatePEM, ecaPolicy.Flows.JWTBearer = cert, true
			eca, err := srv.Store().CreateApp(store.ConnectedApp{OrgID: org, Name: "Signed ECA", APIName: "Signed_ECA",
				ContactEmail: "admin@acme.test", OAuthEnabled: true, CallbackURLs: []string{"https://app.example/cb"},
				Scopes: []string{"api"}, Kind: store.KindExternalClientApp, DistributionState: store.DistributionLocal, Policy: ecaPolicy})
			if err != nil {
				t.Fatal(err)
			}
			w := want[tt.want.lang]
			for _, p := range []struct{ name, path, want string }{
				{"the connected app's page", setup.DetailPath + "?applicationId=" + app.ID, w.detail},
				{"Edit Connected App", setup.EditPath + "?applicationId=" + app.ID, w.edit},
				{"the External Client App's page", setup.ECADetailPath + "?applicationId=" + eca.ID, w.eca},
				{"the External Client App's Edit Settings", setup.ECAEditSettingsPath + "?applicationId=" + eca.ID, w.edit},
			} {
				resp, page := get(t, c, ts.URL+p.path)
				wantWords(t, p.name, resp, page, tt.want.lang, []string{p.want})
			}
		})
	}
}
