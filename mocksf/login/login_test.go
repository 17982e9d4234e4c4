package login_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sfharness/sfharness/mocksf"
	mclock "github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/login"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

const seed = `
orgs:
  - name: Acme
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true}
      - {username: sync@acme.test, password: Sync-Pass-1}
`

// outbox reads the codes mocksf mailed.
type outbox struct{ mailer *mail.Mailer }

// count is how many codes were mailed to the address.
func (o outbox) count(to string) int { return len(o.mailer.Sent(to)) }

// code is the newest code mailed to the address.
func (o outbox) code(t *testing.T, to string) string {
	t.Helper()
	sent := o.mailer.Sent(to)
	if len(sent) == 0 {
		t.Fatalf("no code mailed to %s", to)
	}
	return sent[0].Code
}

type fixture struct {
	st    *store.Store
	box   outbox
	clock *mclock.Clock
	ts    *httptest.Server
}

// newFixture is mocksf serving seed on a loopback port, its routes as
// served, with its clock stopped at a fixed time; configure changes its
// settings.
func newFixture(t *testing.T, configure ...func(*mocksf.Config)) *fixture {
	t.Helper()
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	opts := []mocksftest.Option{mocksftest.WithSeed([]byte(seed)), mocksftest.WithConfig(func(c *mocksf.Config) { c.Clock = func() time.Time { return start } })}
	for _, c := range configure {
		opts = append(opts, mocksftest.WithConfig(c))
	}
	s := mocksftest.NewServer(t, opts...)
	return &fixture{st: s.Mocksf.Store(), box: outbox{s.Mocksf.Mailer()}, clock: s.Mocksf.Clock(), ts: s.HTTPServer()}
}

// sessionUser is the username the browser's session is logged in as, or
// "" when it is not.
func (f *fixture) sessionUser(t *testing.T, c *http.Client) string {
	t.Helper()
	u, _ := url.Parse(f.ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name != web.SessionCookie {
			continue
		}
		sess, err := f.st.Session(ck.Value)
		if err != nil || !web.LoggedIn(sess) {
			return ""
		}
		user, err := f.st.User(sess.UserID)
		if err != nil {
			return ""
		}
		return user.Username
	}
	return ""
}

// browser is a client with its own cookies.
func (f *fixture) browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar}
}

var csrfPattern = regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`)

// result is where a request ended.
type result struct {
	path, body string
	status     int
	resp       *http.Response
}

func (f *fixture) do(t *testing.T, c *http.Client, method, path string, form url.Values) result {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "GET" {
		resp, err = c.Get(f.ts.URL + path)
	} else {
		resp, err = c.PostForm(f.ts.URL+path, form)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return result{path: resp.Request.URL.Path, body: string(b), status: resp.StatusCode, resp: resp}
}

// logIn types the username and password on the login page and returns
// where that led and the session's CSRF token.
func (f *fixture) logIn(t *testing.T, c *http.Client, username, password string) (result, string) {
	t.Helper()
	r := f.do(t, c, "GET", "/", nil)
	m := csrfPattern.FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token on the login page: %s", r.body)
	}
	return f.do(t, c, "POST", "/", url.Values{"_CONFIRMATIONTOKEN": {m[1]}, "username": {username}, "pw": {password}}), m[1]
}

// verify types the emailed code, with "Don't ask again" ticked or not.
func (f *fixture) verify(t *testing.T, c *http.Client, token, username string, dontAsk bool) result {
	t.Helper()
	form := url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {f.box.code(t, username)}}
	if dontAsk {
		form.Set("daa", "1")
	}
	return f.do(t, c, "POST", login.VerifyPath, form)
}

// deviceCookie returns the device cookie the browser holds for the user.
func (f *fixture) deviceCookie(t *testing.T, c *http.Client, userID string) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(f.ts.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == login.DeviceCookie(userID) {
			return ck
		}
	}
	return nil
}

func TestVerifyPageOffersDontAskAgainTicked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.browser(t)
	r, _ := f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
	if r.path != login.VerifyPath {
		t.Fatalf("got %s after the password; want the verification page", r.path)
	}
	// The catalogue's words are escaped as text: an apostrophe is &#39;.
	want := `<input type="checkbox" id="daa" name="daa" value="1" checked><label class="inline" for="daa">Don&#39;t ask again</label>`
	if !strings.Contains(r.body, want) {
		t.Errorf("got verification page\n%s\nwant it to contain %s", r.body, want)
	}
}

func TestDeviceRecognition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// first is the user who verifies first in the browser, ticking
		// "Don't ask again" when dontAsk is set.
		first   string
		dontAsk bool
		// tamper changes the browser's cookies before the next login.
		tamper func(t *testing.T, f *fixture, c *http.Client, first, next store.User)
		// next logs in after the first user logged out.
		next, nextPassword string
		wantVerify         bool
		wantPath           string
	}{
		{name: "same user, Don't ask again ticked", first: "sync@acme.test", dontAsk: true,
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantPath: login.HomePath},
		{name: "same user, Don't ask again unticked", first: "sync@acme.test", dontAsk: false,
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantVerify: true, wantPath: login.VerifyPath},
		{name: "same user, wrong password", first: "sync@acme.test", dontAsk: true,
			next: "sync@acme.test", nextPassword: "Nope-1", wantPath: "/"},
		{name: "another user in the same browser", first: "admin@acme.test", dontAsk: true,
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantVerify: true, wantPath: login.VerifyPath},
		{name: "another user's token under this user's cookie", first: "admin@acme.test", dontAsk: true,
			tamper: func(t *testing.T, f *fixture, c *http.Client, first, next store.User) {
				ck := f.deviceCookie(t, c, first.ID)
				u, _ := url.Parse(f.ts.URL)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: login.DeviceCookie(next.ID), Value: ck.Value, Path: "/"}})
			},
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantVerify: true, wantPath: login.VerifyPath},
		{name: "a made-up token", first: "sync@acme.test", dontAsk: true,
			tamper: func(t *testing.T, f *fixture, c *http.Client, first, next store.User) {
				u, _ := url.Parse(f.ts.URL)
				c.Jar.SetCookies(u, []*http.Cookie{{Name: login.DeviceCookie(next.ID), Value: strings.Repeat("A", 40), Path: "/"}})
			},
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantVerify: true, wantPath: login.VerifyPath},
		{name: "cookies cleared", first: "sync@acme.test", dontAsk: true,
			tamper: func(t *testing.T, f *fixture, c *http.Client, first, next store.User) {
				jar, _ := cookiejar.New(nil)
				c.Jar = jar
			},
			next: "sync@acme.test", nextPassword: "Sync-Pass-1", wantVerify: true, wantPath: login.VerifyPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.browser(t)
			first, _ := f.st.UserByUsername(tt.first)
			next, _ := f.st.UserByUsername(tt.next)
			_, token := f.logIn(t, c, tt.first, map[string]string{"sync@acme.test": "Sync-Pass-1", "admin@acme.test": "Admin-Pass-1"}[tt.first])
			if r := f.verify(t, c, token, tt.first, tt.dontAsk); r.path != login.HomePath {
				t.Fatalf("got %s after the first verification; want %s", r.path, login.HomePath)
			}
			if ck := f.deviceCookie(t, c, first.ID); (ck != nil) != tt.dontAsk {
				t.Fatalf("got device cookie %v; want one only with Don't ask again ticked", ck)
			}
			f.do(t, c, "GET", "/secur/logout.jsp", nil)
			if tt.tamper != nil {
				tt.tamper(t, f, c, first, next)
			}
			mailed := f.box.count(tt.next)
			r, _ := f.logIn(t, c, tt.next, tt.nextPassword)
			if r.path != tt.wantPath {
				t.Errorf("got %s after the second login; want %s", r.path, tt.wantPath)
			}
			if got := f.box.count(tt.next) > mailed; got != tt.wantVerify {
				t.Errorf("got a code mailed %v; want %v", got, tt.wantVerify)
			}
			if got := f.sessionUser(t, c); tt.wantPath == login.HomePath && got != tt.next {
				t.Errorf("got the home of %q; want the home of %s", got, tt.next)
			}
		})
	}
}

func TestDeviceCookieAttributes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.browser(t)
	_, token := f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r := f.verify(t, c, token, "sync@acme.test", true)
	sync, _ := f.st.UserByUsername("sync@acme.test")
	var got *http.Cookie
	for _, ck := range r.resp.Cookies() {
		if ck.Name == login.DeviceCookie(sync.ID) {
			got = ck
		}
	}
	if got == nil {
		t.Fatalf("got cookies %v; want %s", r.resp.Cookies(), login.DeviceCookie(sync.ID))
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"HttpOnly", got.HttpOnly, true},
		{"SameSite", got.SameSite, http.SameSiteLaxMode},
		{"Path", got.Path, "/"},
		{"Max-Age", got.MaxAge, int(login.DeviceCookieMaxAge / time.Second)},
		{"known to the store", f.st.DeviceKnown(sync.ID, got.Value), true},
		{"name prefix", strings.HasPrefix(got.Name, login.DeviceCookiePrefix), true},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("got %s %v; want %v", ch.what, ch.got, ch.want)
		}
	}
	if login.DeviceCookie("005A") == login.DeviceCookie("005B") {
		t.Errorf("got one cookie name for two users; want one each")
	}
}

// Wrong, expired and used-up codes each get their own message, and Resend
// Code mails a code that works after each.
func TestVerificationMessages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail func(t *testing.T, f *fixture, c *http.Client, token string) result
		want string
	}{
		{"wrong code", func(t *testing.T, f *fixture, c *http.Client, token string) result {
			return f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x"}})
		}, identity.MsgInvalidCode},
		{"expired code", func(t *testing.T, f *fixture, c *http.Client, token string) result {
			f.clock.Advance(11 * time.Minute)
			return f.verify(t, c, token, "sync@acme.test", true)
		}, identity.MsgExpiredCode},
		{"too many wrong codes", func(t *testing.T, f *fixture, c *http.Client, token string) result {
			for range 4 {
				f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x"}})
			}
			return f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {"x"}})
		}, identity.MsgTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c := f.browser(t)
			_, token := f.logIn(t, c, "sync@acme.test", "Sync-Pass-1")
			r := tt.fail(t, f, c, token)
			if r.path != login.VerifyPath || r.status != http.StatusOK {
				t.Fatalf("got %d at %s; want 200 on the verification page", r.status, r.path)
			}
			if got := errorText(r.body); got != tt.want {
				t.Errorf("got message %q; want %q", got, tt.want)
			}
			mailed := f.box.count("sync@acme.test")
			r = f.do(t, c, "POST", login.VerifyPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
			if r.path != login.VerifyPath || f.box.count("sync@acme.test") != mailed+1 {
				t.Fatalf("got Resend Code at %s with %d new mails; want the verification page and 1", r.path, f.box.count("sync@acme.test")-mailed)
			}
			if r = f.verify(t, c, token, "sync@acme.test", false); r.path != login.HomePath {
				t.Errorf("got %s after the resent code; want %s", r.path, login.HomePath)
			}
		})
	}
}

var errorDiv = regexp.MustCompile(`<div id="error" class="error(?: loginError)?" role="alert">([^<]*)</div>`)

func errorText(page string) string {
	m := errorDiv.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.NewReplacer("&#39;", "'", "&#34;", `"`, "&amp;", "&").Replace(m[1])
}
