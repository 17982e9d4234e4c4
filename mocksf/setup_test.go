package mocksf_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/setup"
)

// loginAs logs a browser in with password and emailed code, and returns
// the session's CSRF token after the login.
func loginAs(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client, username, password string) string {
	t.Helper()
	resp, page := get(t, c, ts.URL+"/")
	if resp, _ = logIn(t, srv, ts, c, resp, page, username, password); resp.Request.URL.Path == login.VerifyPath {
		t.Fatalf("verification of %s failed", username)
	}
	// The login gave the session a new token.
	return sessionOf(t, srv, ts, c).CSRF
}

// loggedIn is a new browser logged in as username, with its CSRF token.
func loggedIn(t *testing.T, srv *mocksf.Server, ts *httptest.Server, username, password string) (*http.Client, string) {
	t.Helper()
	c := browser(t, ts)
	return c, loginAs(t, srv, ts, c, username, password)
}

func TestWrongVerificationCodeCanBeRetried(t *testing.T) {
	srv, ts := newServer(t)
	c := browser(t, ts)
	token, _, _ := typePassword(t, ts, c, "sync@acme.test", "Sync-Pass-1")
	code := srv.Mailer().Sent("sync@acme.test")[0].Code
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	resp, page := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {wrong}})
	if resp.StatusCode != 200 || !strings.Contains(page, "The verification code you entered is invalid or has expired.") {
		t.Fatalf("wrong code: %d %s", resp.StatusCode, page)
	}
	resp, _ = post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}})
	if resp.Request.URL.Path != login.HomePath {
		t.Errorf("right code after a wrong one led to %s; want %s", resp.Request.URL.Path, login.HomePath)
	}
	// The code is single-use: after logging out and in again, the old
	// code is refused.
	get(t, c, ts.URL+"/secur/logout.jsp")
	token, _, _ = typePassword(t, ts, c, "sync@acme.test", "Sync-Pass-1")
	fresh := srv.Mailer().Sent("sync@acme.test")[0].Code
	_, page = post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}})
	// A new random code may, rarely, equal the old one.
	if fresh != code && !strings.Contains(page, "The verification code you entered is invalid") {
		t.Errorf("an old code was accepted again")
	}
}

func TestTooManyWrongCodesNeedANewCode(t *testing.T) {
	srv, ts := newServer(t)
	c := browser(t, ts)
	token, _, _ := typePassword(t, ts, c, "sync@acme.test", "Sync-Pass-1")
	code := srv.Mailer().Sent("sync@acme.test")[0].Code
	for i := 0; i < 5; i++ {
		post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x" + code}})
	}
	_, page := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}})
	if !strings.Contains(html.UnescapeString(page), identity.MsgTooMany) {
		t.Fatalf("6th try with the right code: want %q, got %s", identity.MsgTooMany, page)
	}
	// Resend Code mails a fresh code that works.
	post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
	fresh := srv.Mailer().Sent("sync@acme.test")[0].Code
	resp, _ := post(t, c, ts.URL+login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {fresh}})
	if resp.Request.URL.Path == login.VerifyPath {
		t.Errorf("a resent code was refused")
	}
}

func TestLockoutAfterRepeatedWrongPasswords(t *testing.T) {
	_, ts := newServer(t)
	c := browser(t, ts)
	_, page := get(t, c, ts.URL+"/")
	token := csrf(t, page)
	for i := 0; i < 10; i++ {
		post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"}, "pw": {"nope"}})
	}
	_, page = post(t, c, ts.URL+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"}})
	if !strings.Contains(page, "locked") {
		t.Errorf("after 10 failures the right password should meet the lock-out message; got %s", page)
	}
}

var fieldError = regexp.MustCompile(`id="([a-zA-Z]+)-error">([^<]*)<`)

func TestNewConnectedAppValidation(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	orgID := srv.Store().Orgs()[0].ID
	seeded := len(srv.Store().Apps(orgID))
	valid := url.Values{
		"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon Sync"}, "apiName": {"Beacon_Sync"},
		"contactEmail": {"admin@acme.test"}, "oauthEnabled": {"1"},
		"callbackUrl": {"http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"}, "scopes": {"api", "refresh_token offline_access"},
	}
	change := func(k, v string) url.Values { return with(valid, map[string]string{k: v}) }
	tests := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"missing name", change("name", ""), "name", setup.MsgRequired},
		{"bad API name", change("apiName", "Beacon__Sync"), "apiName", setup.MsgBadAPIName},
		{"missing contact email", change("contactEmail", ""), "contactEmail", setup.MsgRequired},
		{"bad contact email", change("contactEmail", "admin@"), "contactEmail", setup.MsgBadEmail},
		{"missing callback", change("callbackUrl", ""), "callbackUrl", setup.MsgRequired},
		{"bad callback", change("callbackUrl", "not a url"), "callbackUrl", setup.MsgBadCallback + "not a url"},
		{"long callback", change("callbackUrl", "https://example.com/"+strings.Repeat("a", 2000)), "callbackUrl", setup.MsgCallbackTooLong},
		{"no scopes", change("scopes", ""), "scopes", setup.MsgNoScopes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := post(t, c, ts.URL+setup.EditPath, tt.form)
			if resp.StatusCode != 200 || resp.Request.URL.Path != setup.EditPath {
				t.Fatalf("got %d at %s; want the form again", resp.StatusCode, resp.Request.URL.Path)
			}
			if errs := fieldErrors(page); len(errs) != 1 || !strings.Contains(errs[tt.field], tt.want) {
				t.Errorf("field errors %v; want only %s: %q", errs, tt.field, tt.want)
			}
			// Nothing typed is lost.
			if tt.field != "name" && !strings.Contains(page, `value="Beacon Sync"`) {
				t.Errorf("the name typed was lost")
			}
			if tt.field != "scopes" && !strings.Contains(page, `<select id="selectedScopes" name="scopes" multiple size="12"><option value="api">`) {
				t.Errorf("the selected scopes were lost")
			}
		})
	}
	if n := len(srv.Store().Apps(orgID)) - seeded; n != 0 {
		t.Fatalf("%d apps saved by invalid forms; want 0", n)
	}

	// A valid form saves, shows the notice, and a second app of the same
	// name is refused.
	resp, page := post(t, c, ts.URL+setup.EditPath, valid)
	if resp.Request.URL.Path != setup.SavedPath || !strings.Contains(page, "Changes can take up to 10 minutes to take effect.") {
		t.Fatalf("valid form led to %s: %s", resp.Request.URL.Path, page)
	}
	_, page = post(t, c, ts.URL+setup.EditPath, valid)
	if !strings.Contains(html.UnescapeString(page), setup.MsgDuplicateName) {
		t.Errorf("duplicate name not refused: %s", page)
	}
}

func TestScopePickerListsEveryScope(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	_, page := get(t, c, ts.URL+setup.EditPath)
	for _, s := range scope.Catalog {
		if !strings.Contains(page, ">"+s.Picker()+"</option>") {
			t.Errorf("picker lacks %q", s.Picker())
		}
	}
}

func TestConsumerDetailsNeedAnEmailedCode(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	_, _ = post(t, c, ts.URL+setup.EditPath, url.Values{
		"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon"}, "contactEmail": {"admin@acme.test"},
		"oauthEnabled": {"1"}, "callbackUrl": {"https://example.com/cb"}, "scopes": {"api"},
	})
	created := appNamed(t, srv, "Beacon")
	if created.APIName != "Beacon" {
		t.Errorf("derived API name %q; want Beacon", created.APIName)
	}
	// Without verification the details page does not show the secret.
	_, page := get(t, c, ts.URL+setup.ConsumerPath+"?applicationId="+created.ID)
	if strings.Contains(page, created.ConsumerSecret) {
		t.Fatal("consumer secret shown before verification")
	}
	before := len(srv.Mailer().Sent("admin@acme.test"))
	resp, _ := post(t, c, ts.URL+setup.ManagePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {created.ID}})
	if resp.Request.URL.Path != setup.VerifyPath {
		t.Fatalf("Manage Consumer Details led to %s; want the verification page", resp.Request.URL.Path)
	}
	mails := srv.Mailer().Sent("admin@acme.test")
	if len(mails) != before+1 {
		t.Fatalf("no verification mail sent")
	}
	resp, page = post(t, c, ts.URL+setup.VerifyPath+"?applicationId="+created.ID, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}})
	if resp.Request.URL.Path != setup.ConsumerPath || !strings.Contains(page, created.ConsumerKey) || !strings.Contains(page, created.ConsumerSecret) {
		t.Fatalf("after verification at %s: %s", resp.Request.URL.Path, page)
	}
}
