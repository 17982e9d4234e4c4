package login_test

// Hostile use of the login page through mocksf's real routes: a lock-out
// that must end on mocksf's clock, and answers that must not tell real
// usernames from unknown ones (docs/security.md).

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/setup"
)

// The lock-out after MaxLoginFailures wrong passwords lasts the lock-out
// period on mocksf's clock (Salesforce's "Lockout effective period",
// 15 minutes by default), then the right password is let in again; a
// negative period is Salesforce's "Forever".
func TestSecurityLoginLockoutEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		lock   time.Duration // mocksf.Config.LoginLockout
		period time.Duration // how long the lock-out should hold; 0: forever
	}{
		{"default, 15 minutes", 0, 15 * time.Minute},
		{"set to 1 hour", time.Hour, time.Hour},
		{"set to 1 minute", time.Minute, time.Minute},
		{"forever", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(c *mocksf.Config) { c.LoginLockout = tt.lock })
			for range 10 { // mocksf.Config's default MaxLoginFailures
				f.logIn(t, f.browser(t), "sync@acme.test", "wrong")
			}
			if r, _ := f.logIn(t, f.browser(t), "sync@acme.test", "Sync-Pass-1"); errorText(r.body) != login.MsgLockedOut {
				t.Fatalf("right password at once: got %q; want %q", errorText(r.body), login.MsgLockedOut)
			}
			if tt.period == 0 {
				f.clock.Advance(48 * time.Hour)
				if r, _ := f.logIn(t, f.browser(t), "sync@acme.test", "Sync-Pass-1"); errorText(r.body) != login.MsgLockedOut {
					t.Errorf("forever, right password 48 h later: got %q at %s; want %q", errorText(r.body), r.path, login.MsgLockedOut)
				}
				return
			}
			f.clock.Advance(tt.period - time.Second)
			if r, _ := f.logIn(t, f.browser(t), "sync@acme.test", "Sync-Pass-1"); errorText(r.body) != login.MsgLockedOut {
				t.Errorf("right password 1 s before the end: got %q; want %q", errorText(r.body), login.MsgLockedOut)
			}
			f.clock.Advance(time.Second)
			if r, _ := f.logIn(t, f.browser(t), "sync@acme.test", "Sync-Pass-1"); r.path != login.VerifyPath {
				t.Fatalf("right password at the end of the lock-out: got %s (%q); want the verification page", r.path, errorText(r.body))
			}
			// The count started again: one wrong password does not lock.
			if r, _ := f.logIn(t, f.browser(t), "sync@acme.test", "wrong"); errorText(r.body) != login.MsgBadCredentials {
				t.Errorf("a wrong password after the lock-out: got %q; want %q", errorText(r.body), login.MsgBadCredentials)
			}
		})
	}
}

// answer is what a login attempt shows, with what differs between any two
// browsers and usernames (the CSRF token, the typed username) blanked.
type answer struct {
	status     int
	path, page string
}

func answerOf(r result, username, token string) answer {
	page := strings.NewReplacer(username, "USERNAME", url.QueryEscape(username), "USERNAME", token, "TOKEN").Replace(r.body)
	return answer{r.status, r.path, page}
}

// A username nobody has is answered as a real one with a wrong password,
// attempt by attempt: the same status and page, the lock-out message from
// the same attempt on, for as long, whichever way the failures came: the
// login page, or SOAP login() (the username-password flow counts an
// unknown username's failures the same way). 13 attempts each, 2 ways.
func TestSecurityLoginUnknownUsernameLooksReal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// fail makes a failed login attempt for username some other way
		// than the login page; nil: the login page only.
		fail func(t *testing.T, f *fixture, username string)
	}{
		{"login page", nil},
		{"SOAP login()", func(t *testing.T, f *fixture, username string) {
			body := `<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Body>` +
				`<login xmlns="urn:partner.soap.sforce.com"><username>` + username + `</username><password>wrong</password></login></se:Body></se:Envelope>`
			req, _ := http.NewRequest("POST", f.ts.URL+"/services/Soap/u/60.0", strings.NewReader(body))
			req.Header.Set("Content-Type", "text/xml")
			req.Header.Set("SOAPAction", `""`)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusInternalServerError {
				t.Fatalf("SOAP login() with a wrong password = %d; want a fault", resp.StatusCode)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			// attempts answers 13 attempts for username: 10 wrong
			// passwords, then password twice, then a wrong one after the
			// lock-out period.
			attempts := func(username, password string) []answer {
				var got []answer
				try := func(pw string) {
					c := f.browser(t)
					r, token := f.logIn(t, c, username, pw)
					got = append(got, answerOf(r, username, token))
				}
				for i := range 10 {
					if tt.fail != nil && i%2 == 1 {
						tt.fail(t, f, username)
						continue
					}
					try("wrong")
				}
				try(password)
				try(password)
				f.clock.Advance(15 * time.Minute)
				try("wrong")
				return got
			}
			real := attempts("sync@acme.test", "Sync-Pass-1")
			unknown := attempts("nobody@acme.test", "Sync-Pass-1")
			if len(real) != len(unknown) {
				t.Fatalf("%d answers for the real user, %d for the unknown one", len(real), len(unknown))
			}
			for i := range real {
				if real[i] != unknown[i] {
					t.Errorf("answer %d: real username got %d at %s, unknown got %d at %s; pages differ: %v",
						i+1, real[i].status, real[i].path, unknown[i].status, unknown[i].path, real[i].page != unknown[i].page)
				}
			}
			if got := errorText(real[len(real)-2].page); got != login.MsgLockedOut {
				t.Errorf("the real user's right password after 10 failures: got %q; want %q", got, login.MsgLockedOut)
			}
		})
	}
}

// guess types a code on the verification page.
func (f *fixture) guess(t *testing.T, c *http.Client, token, code string) string {
	t.Helper()
	return errorText(f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {code}}).body)
}

// resend presses Resend Code and returns the page's message, if any.
func (f *fixture) resend(t *testing.T, c *http.Client, token string) string {
	t.Helper()
	return errorText(f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}}).body)
}

// Someone who has the password cannot brute-force the emailed code: every
// code has 5 tries, a user is mailed at most 5 codes an hour (Resend Code
// and new logins alike; "We can't send you a verification code right
// now" after), and 10 wrong codes in all lock the user's verification for
// the hour, even to the right code. Before, each Resend Code brought 5
// fresh tries and a mail, without end. 3 ways, 40 rounds each.
func TestSecurityVerificationCodesBounded(t *testing.T) {
	t.Parallel()
	const (
		maxCodes    = 5  // mocksf.Config's default MaxVerificationCodes
		maxFailures = 10 // and MaxVerificationFailures
	)
	tests := []struct {
		name string
		// round spends one round of the attack in c (a new browser when
		// nil) and returns the messages the pages showed.
		round func(t *testing.T, f *fixture, c *http.Client, token string) []string
		// fresh starts each round in a new browser, logging in again.
		fresh bool
		// locks: the attack types wrong codes, so it ends locked.
		locks bool
	}{
		{"Resend Code and 5 wrong codes, in one session", func(t *testing.T, f *fixture, c *http.Client, token string) []string {
			msgs := []string{f.resend(t, c, token)}
			for range 5 {
				msgs = append(msgs, f.guess(t, c, token, mocksftest.WrongCode(f.box.code(t, "sync@acme.test"))))
			}
			return msgs
		}, false, true},
		{"a new login and 5 wrong codes each time", func(t *testing.T, f *fixture, c *http.Client, token string) []string {
			var msgs []string
			for range 5 {
				msgs = append(msgs, f.guess(t, c, token, mocksftest.WrongCode(f.box.code(t, "sync@acme.test"))))
			}
			return msgs
		}, true, true},
		{"Resend Code only, a mail flood", func(t *testing.T, f *fixture, c *http.Client, token string) []string {
			return []string{f.resend(t, c, token)}
		}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.browser(t)
			r, token := f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
			if r.path != login.VerifyPath {
				t.Fatalf("login led to %s; want the verification page", r.path)
			}
			checked := 0 // wrong codes answered as wrong, not refused
			for range 40 {
				if tt.fresh {
					c = f.browser(t)
					r, token = f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
				}
				for _, m := range tt.round(t, f, c, token) {
					if m == identity.MsgInvalidCode {
						checked++
					}
				}
				f.clock.Advance(time.Second)
			}
			t.Logf("%d codes mailed, %d wrong codes checked in 40 rounds", f.box.count("sync@acme.test"), checked)
			if n := f.box.count("sync@acme.test"); n > maxCodes {
				t.Errorf("%d codes mailed in 40 rounds within the hour; want at most %d", n, maxCodes)
			}
			if checked > maxFailures {
				t.Errorf("%d wrong codes checked within the hour; want at most %d", checked, maxFailures)
			}
			// The newest code, typed in a new login.
			c = f.browser(t)
			r, token = f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
			want := identity.MsgCannotSend
			if tt.locks {
				want = identity.MsgLockedOut
			}
			if got := errorText(r.body); got != want {
				t.Errorf("a new login after the attack: got %q; want %q", got, want)
			}
			if tt.locks {
				if got := f.guess(t, c, token, f.box.code(t, "sync@acme.test")); got != identity.MsgLockedOut {
					t.Errorf("the right code while locked: got %q; want %q", got, identity.MsgLockedOut)
				}
				if f.sessionUser(t, c) != "" {
					t.Fatal("the right code logged in while the verification was locked")
				}
			}
			// An hour later (mocksf's clock) the user verifies again.
			f.clock.Advance(time.Hour)
			c = f.browser(t)
			if r, token = f.logIn(t, c, "sync@acme.test", "Sync-Pass-1"); r.path != login.VerifyPath || errorText(r.body) != "" {
				t.Fatalf("login an hour later: got %s %q; want the verification page", r.path, errorText(r.body))
			}
			if r := f.verify(t, c, token, "sync@acme.test", false); r.path != login.HomePath {
				t.Errorf("the code an hour later led to %s (%q); want %s", r.path, errorText(r.body), login.HomePath)
			}
		})
	}
}

// A session planted in the browser before the login (cookies are shared
// across ports on one host) leaves its holder neither the session nor its
// CSRF token: the login renews both, so the forged "New Connected App"
// form posted after the admin logged in, with the planted session's token,
// is refused and creates nothing. Before, the token survived the login
// and the app was created. 2 ways to log in.
func TestSecurityCSRFTokenRotatedAtLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// remembered logs the admin in once with Don't ask again first,
		// so the login after the plant needs no code.
		remembered bool
	}{
		{"with the emailed code", false},
		{"a remembered browser, without a code", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			victim := f.browser(t)
			if tt.remembered {
				_, token := f.logIn(t, victim, "admin@acme.test", "Admin-Pass-1")
				f.verify(t, victim, token, "admin@acme.test", true)
				f.do(t, victim, "GET", "/secur/logout.jsp", nil)
			}
			// The attacker opens the login page and plants that session.
			attacker := f.browser(t)
			page := f.do(t, attacker, "GET", "/", nil)
			planted := csrfPattern.FindStringSubmatch(page.body)[1]
			u, _ := url.Parse(f.ts.URL)
			victim.Jar.SetCookies(u, attacker.Jar.Cookies(u))

			r := f.do(t, victim, "POST", "/", url.Values{"_CONFIRMATIONTOKEN": {planted}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
			if !tt.remembered {
				r = f.verify(t, victim, planted, "admin@acme.test", false)
			}
			if f.sessionUser(t, victim) != "admin@acme.test" {
				t.Fatalf("the admin did not log in: at %s %q", r.path, errorText(r.body))
			}
			form := url.Values{"_CONFIRMATIONTOKEN": {planted}, "name": {"Forged App"}, "contactEmail": {"admin@acme.test"},
				"oauthEnabled": {"1"}, "callbackUrl": {"https://attacker.example/cb"}, "scopes": {"api"}}
			if r := f.do(t, victim, "POST", setup.EditPath, form); r.status != http.StatusForbidden || !strings.Contains(r.body, "Your session has expired") {
				t.Errorf("forged form with the planted token = %d at %s; want 403 \"Your session has expired\"", r.status, r.path)
			}
			for _, o := range f.st.Orgs() {
				for _, a := range f.st.Apps(o.ID) {
					if a.Name == "Forged App" {
						t.Fatal("the forged form created a connected app")
					}
				}
			}
			// The admin's own pages carry the new token, which works.
			page = f.do(t, victim, "GET", setup.EditPath, nil)
			m := csrfPattern.FindStringSubmatch(page.body)
			if m == nil || m[1] == planted {
				t.Fatalf("the New Connected App page has token %v; want a new one", m)
			}
			form.Set("_CONFIRMATIONTOKEN", m[1])
			form.Set("name", "Own App")
			if r := f.do(t, victim, "POST", setup.EditPath, form); r.path != setup.SavedPath {
				t.Errorf("the admin's own form led to %s; want %s", r.path, setup.SavedPath)
			}
		})
	}
}
