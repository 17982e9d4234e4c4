// Package login serves Salesforce's login page, the "Verify Your Identity"
// page that follows it for an unrecognised browser, and logout.
//
// Device activation (reference §2.2): after a right password, a browser
// the user has not verified before is sent an emailed code. The
// verification page has Salesforce's "Don't ask again" checkbox (id daa),
// ticked by default as on Salesforce, where a browser stays remembered
// unless the box is unticked or the cookies are cleared. Verifying with it
// ticked sets a long-lived cookie holding a random token the store
// remembers for that user (store.RememberDevice); the next right password
// from that browser logs in without a code. A fresh browser, a browser
// that unticked the box, or one holding another user's token is asked
// again.
package login

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Salesforce's words on the login page (reference §2.1).
const (
	MsgBadCredentials = "Please check your username and password. If you still can't log in, contact your Salesforce administrator."
	// MsgLockedOut is unconfirmed wording; Salesforce locks a user after
	// too many failures (10 by default in Password Policies) for the
	// lockout effective period (15 minutes by default). An unknown
	// username gets it after as many failures, for as long.
	MsgLockedOut  = "Your account has been locked because of too many failed login attempts. Try again later, or contact your Salesforce administrator to unlock it."
	MsgMailFailed = "We can't send your verification code right now. Try again later."
	// MsgIPRestricted is shown when the right password comes from outside
	// the org's Login IP Ranges. Salesforce blocks such a login outright,
	// without offering verification (reference §2.1); its exact words are
	// unconfirmed, these are mocksf's.
	MsgIPRestricted = "Your login attempt has failed. You are not allowed to log in from this IP address. Contact your Salesforce administrator."
)

// VerifyPath is the email verification page's path on Salesforce.
const VerifyPath = "/_ui/identity/verification/method/EmailVerificationFinishUi/e"

// HomePath is where a user lands after logging in without a start URL:
// the Lightning home page (setup.LightningHomePath), from which an admin
// opens Setup through the gear menu.
const HomePath = "/lightning/page/home"

// DeviceCookiePrefix starts the name of the cookie that remembers a
// verified browser; the rest of the name is derived from the user's ID
// (DeviceCookie), so one browser can be remembered for several users.
const DeviceCookiePrefix = "mocksf_device_"

// DeviceCookieMaxAge is how long a browser keeps a remembered
// verification. Salesforce keeps it until the cookies are cleared; a year
// stands in for that.
const DeviceCookieMaxAge = 365 * 24 * time.Hour

// DeviceCookie is the name of the cookie that remembers a browser the user
// verified with "Don't ask again" ticked.
func DeviceCookie(userID string) string {
	sum := sha256.Sum256([]byte(userID))
	return DeviceCookiePrefix + hex.EncodeToString(sum[:8])
}

// knownDevice reports whether the request comes from a browser the user
// verified before.
func knownDevice(st *store.Store, r *http.Request, userID string) bool {
	c, err := r.Cookie(DeviceCookie(userID))
	return err == nil && st.DeviceKnown(userID, c.Value)
}

// Deps are what the login pages need.
type Deps struct {
	Store    *store.Store
	Pages    *web.Pages
	Verifier *identity.Verifier
	// MaxLoginFailures locks a user out after that many wrong passwords in
	// a row (0: never).
	MaxLoginFailures int
	Log              *slog.Logger
}

type loginPage struct {
	Title, Error, Username, StartURL, CSRF string
	// Display is the authorize request's display type (page, popup,
	// touch, mobile), rendered as a class.
	Display string
	// CurrentUser, when set, is offered as "Log in as <username>" above
	// the form (prompt=select_account), continuing to ContinueURL.
	CurrentUser, ContinueURL string
	// ForgotPasswordURL and CustomDomainURL are the links under the form,
	// keeping the start URL.
	ForgotPasswordURL, CustomDomainURL string
	// Locale is the page's locale parameter (web.LocaleParam), which the
	// form posts back so that an error is shown in the same language.
	Locale string
}

// withLinks sets the links under the login form.
func (p loginPage) withLinks() loginPage {
	keep := ""
	if p.StartURL != "" {
		keep = "?startURL=" + url.QueryEscape(p.StartURL)
	}
	p.ForgotPasswordURL, p.CustomDomainURL = ForgotPasswordPath+keep, CustomDomainPath+keep
	return p
}

// displayTypes are the display values the login page knows; others render
// as "page" (reference §1.1).
var displayTypes = map[string]bool{"page": true, "popup": true, "touch": true, "mobile": true}

func displayOf(v string) string {
	if displayTypes[v] {
		return v
	}
	return "page"
}

// selectAccount reports whether a prompt asks for the account chooser.
func selectAccount(prompt string) bool {
	for _, p := range strings.Fields(prompt) {
		if p == "select_account" {
			return true
		}
	}
	return false
}

// HandleLoginPage shows the login page, or sends a logged-in browser on.
func HandleLoginPage(st *store.Store, pages *web.Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(st, r)
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		q := r.URL.Query()
		startURL := SafeStartURL(q.Get("startURL"))
		page := loginPage{
			Title: "Login | Salesforce", CSRF: sess.CSRF, StartURL: startURL,
			Username: q.Get("login_hint"), Display: displayOf(q.Get("display")), Locale: q.Get(web.LocaleParam),
		}
		if web.LoggedIn(sess) {
			user, err := st.User(sess.UserID)
			if err != nil || !selectAccount(q.Get("prompt")) {
				http.Redirect(w, r, landing(startURL), http.StatusFound)
				return
			}
			// prompt=select_account: continue as the current user, or log
			// in as another one with the form.
			page.CurrentUser, page.ContinueURL = user.Username, landing(startURL)
		}
		pages.Render(w, r, http.StatusOK, "login.html", page.withLinks())
	})
}

// HandleLogin checks the username and password. A browser the user
// verified before logs in at once; any other is emailed a verification
// code and sent to the verification page.
func HandleLogin(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := web.Session(d.Store, r)
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if !web.ParseForm(w, r, sess) {
			return
		}
		username := strings.TrimSpace(r.PostFormValue("username"))
		startURL := SafeStartURL(r.PostFormValue("startURL"))
		page := loginPage{Title: "Login | Salesforce", CSRF: sess.CSRF, StartURL: startURL, Username: username,
			Display: displayOf(r.PostFormValue("display")), Locale: r.URL.Query().Get(web.LocaleParam)}
		user, err := d.Store.Authenticate(username, r.PostFormValue("pw"), d.MaxLoginFailures)
		var org store.Org
		if err == nil {
			// Users of a frozen or closed org cannot log in; Salesforce's
			// exact words for it are unconfirmed, so they get the usual ones.
			var oerr error
			if org, oerr = d.Store.Org(user.OrgID); oerr != nil || !org.Active() {
				err = store.ErrInvalidLogin
			}
		}
		if err != nil {
			page.Error = MsgBadCredentials
			if errors.Is(err, store.ErrLockedOut) {
				page.Error = MsgLockedOut
			}
			d.Pages.Render(w, r, http.StatusOK, "login.html", page.withLinks())
			return
		}
		// Login IP Ranges come before the browser check and block
		// outright: no code is sent (reference §2.1). The address is the
		// connection's; a client-supplied X-Forwarded-For is not trusted.
		if !org.LoginIPAllowed(r.RemoteAddr) && !pendingAppRelaxesIP(d, sess, startURL) {
			page.Error = MsgIPRestricted
			d.Pages.Render(w, r, http.StatusOK, "login.html", page.withLinks())
			return
		}
		known := knownDevice(d.Store, r, user.ID)
		if _, err := d.Store.UpdateSession(sess.ID, func(s *store.Session) {
			s.UserID, s.OrgID, s.Verified, s.StartURL = user.ID, user.OrgID, known, startURL
		}); err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if known {
			if !renewSession(d, w, sess.ID) {
				return
			}
			http.Redirect(w, r, landing(startURL), http.StatusFound)
			return
		}
		if err := d.Verifier.Send(r.Context(), sess.ID, user, "login", "log in to Salesforce"); err != nil {
			if identity.Limited(err) {
				// Salesforce shows the refusal where the code would be typed.
				d.Pages.Render(w, r, http.StatusOK, "verify.html", verifyPageFor(sess, user, identity.Message(err), true))
				return
			}
			d.Log.Error("mocksf: login verification mail", "err", err)
			page.Error = MsgMailFailed
			d.Pages.Render(w, r, http.StatusServiceUnavailable, "login.html", page.withLinks())
			return
		}
		http.Redirect(w, r, VerifyPath, http.StatusFound)
	})
}

// pendingAppRelaxesIP reports whether the login continues an
// authorization request of an app whose IP Relaxation is "Relax IP
// restrictions": startURL names one of the session's pending requests by
// its source (the Allow Access page's URL).
func pendingAppRelaxesIP(d Deps, sess store.Session, startURL string) bool {
	u, err := url.Parse(startURL)
	if err != nil {
		return false
	}
	raw, ok := sess.Pending[u.Query().Get("source")]
	if !ok {
		return false
	}
	q, _ := url.ParseQuery(raw)
	app, err := d.Store.AppByKey(q.Get("client_id"))
	return err == nil && app.Policy.RelaxesIP(false)
}

type verifyPage struct {
	Title, Purpose, MaskedEmail, Error, Action, CSRF string
	// ShowDontAsk shows the "Don't ask again" checkbox, ticked when
	// DontAsk is set.
	ShowDontAsk, DontAsk bool
}

// HandleVerifyPage shows "Verify Your Identity" after a right password.
func HandleVerifyPage(st *store.Store, pages *web.Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, user, ok := pendingUser(st, w, r)
		if !ok {
			return
		}
		pages.Render(w, r, http.StatusOK, "verify.html", verifyPageFor(sess, user, "", true))
	})
}

func verifyPageFor(sess store.Session, user store.User, msg string, dontAsk bool) verifyPage {
	return verifyPage{
		Title: "Verify Your Identity | Salesforce", Purpose: "log in to Salesforce",
		MaskedEmail: identity.MaskEmail(user.Email), Error: msg, Action: VerifyPath, CSRF: sess.CSRF,
		ShowDontAsk: true, DontAsk: dontAsk,
	}
}

// HandleVerify checks the typed code (or sends a new one on Resend) and,
// when it is right, completes the login. With "Don't ask again" ticked it
// also remembers the browser for the user.
func HandleVerify(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, user, ok := pendingUser(d.Store, w, r)
		if !ok || !web.ParseForm(w, r, sess) {
			return
		}
		if r.PostFormValue("resend") != "" {
			if err := d.Verifier.Send(r.Context(), sess.ID, user, "login", "log in to Salesforce"); err != nil {
				if identity.Limited(err) {
					d.Pages.Render(w, r, http.StatusOK, "verify.html", verifyPageFor(sess, user, identity.Message(err), true))
					return
				}
				d.Log.Error("mocksf: resend verification mail", "err", err)
				d.Pages.Render(w, r, http.StatusServiceUnavailable, "verify.html", verifyPageFor(sess, user, MsgMailFailed, true))
				return
			}
			http.Redirect(w, r, VerifyPath, http.StatusFound)
			return
		}
		dontAsk := r.PostFormValue("daa") != ""
		if err := d.Verifier.Check(sess.ID, "login", r.PostFormValue("emc")); err != nil {
			d.Pages.Render(w, r, http.StatusOK, "verify.html", verifyPageFor(sess, user, identity.Message(err), dontAsk))
			return
		}
		sess, err := d.Store.UpdateSession(sess.ID, func(s *store.Session) { s.Verified = true })
		if err != nil {
			http.Error(w, "session unavailable", http.StatusInternalServerError)
			return
		}
		if !renewSession(d, w, sess.ID) {
			return
		}
		if dontAsk {
			http.SetCookie(w, &http.Cookie{
				Name: DeviceCookie(user.ID), Value: d.Store.RememberDevice(user.ID), Path: "/",
				MaxAge: int(DeviceCookieMaxAge / time.Second), HttpOnly: true, SameSite: http.SameSiteLaxMode,
			})
		}
		http.Redirect(w, r, landing(sess.StartURL), http.StatusFound)
	})
}

// renewSession gives a session that just logged in a new ID and CSRF
// token and the browser its cookie, as Salesforce issues a new sid at
// login: an ID planted before the login (session fixation) stays logged
// out, and a token read before it no longer passes a form. It reports
// false after answering the request itself.
func renewSession(d Deps, w http.ResponseWriter, id string) bool {
	sess, err := d.Store.RenewSession(id)
	if err != nil {
		http.Error(w, "session unavailable", http.StatusInternalServerError)
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: sess.ID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return true
}

// pendingUser returns the session and the user who typed a right password
// but has not verified yet; otherwise it sends the browser to the login page.
func pendingUser(st *store.Store, w http.ResponseWriter, r *http.Request) (store.Session, store.User, bool) {
	sess, err := web.Session(st, r)
	if err == nil && sess.UserID != "" && !sess.Verified {
		if user, err := st.User(sess.UserID); err == nil {
			return sess, user, true
		}
	}
	if err == nil && web.LoggedIn(sess) {
		http.Redirect(w, r, landing(sess.StartURL), http.StatusFound)
		return sess, store.User{}, false
	}
	http.Redirect(w, r, "/", http.StatusFound)
	return sess, store.User{}, false
}

// HandleLogout ends the session and shows the login page again, keeping a
// safe startURL (the approval page's "Not you?" link uses it).
func HandleLogout(st *store.Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		old, _ := web.Session(st, r)
		st.DeleteSession(old.ID)
		start := SafeStartURL(r.URL.Query().Get("startURL"))
		if start == "" || len(old.Pending) == 0 {
			http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
			target := "/"
			if start != "" {
				target = "/?ec=302&startURL=" + url.QueryEscape(start)
			}
			http.Redirect(w, r, target, http.StatusFound)
			return
		}
		// "Not you?" on the approval page: a new, logged-out session keeps
		// the pending authorization requests, so the other user can log in
		// and answer the same request.
		fresh := st.NewSession()
		_, _ = st.UpdateSession(fresh.ID, func(s *store.Session) {
			for k, v := range old.Pending {
				s.Pending[k] = v
			}
		})
		http.SetCookie(w, &http.Cookie{Name: web.SessionCookie, Value: fresh.ID, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/?ec=302&startURL="+url.QueryEscape(start), http.StatusFound)
	})
}

// SafeStartURL keeps only same-site relative paths, so the login page,
// the verification page and logout are no open redirect. It returns the
// path as http.Redirect will send it (cleaned up to the first "?") and
// judges that form: "/./\host" is cleaned to "/\host", which browsers
// follow to "//host". Refused are anything not starting with "/", control
// characters, any backslash, a scheme or host, and a path that, once
// percent-decoded or cleaned, starts with "//" or holds a backslash
// ("/%5Chost", "/%2F%2Fhost"). A refused startURL is "", the default
// landing page.
func SafeStartURL(s string) string {
	if !strings.HasPrefix(s, "/") || strings.ContainsFunc(s, unsafeInPath) {
		return ""
	}
	p, query, hasQuery := strings.Cut(s, "?")
	if !localPath(p) {
		return ""
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && !strings.HasSuffix(clean, "/") {
		clean += "/"
	}
	// Encoded slashes and backslashes, decoded as often as a chain of
	// proxies or a lenient router might.
	for d := clean; ; {
		next, err := url.PathUnescape(d)
		if err != nil || strings.ContainsFunc(next, unsafeInPath) || !localPath(next) {
			return ""
		}
		if next == d {
			break
		}
		d = next
	}
	if hasQuery {
		clean += "?" + query
	}
	if u, err := url.Parse(clean); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" {
		return ""
	}
	return clean
}

// unsafeInPath is a control character or a backslash, which browsers
// drop from a URL or read as "/".
func unsafeInPath(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }

// localPath reports whether p starts with a single "/", as it is, cleaned
// as http.Redirect does, and with its dot segments removed as a browser
// does ("/.//host" is the path "//host" to a browser).
func localPath(p string) bool {
	var segs []string
	for _, seg := range strings.Split(p, "/")[1:] {
		switch seg {
		case ".":
		case "..":
			if len(segs) > 0 {
				segs = segs[:len(segs)-1]
			}
		default:
			segs = append(segs, seg)
		}
	}
	local := func(p string) bool { return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") }
	return local(p) && local(path.Clean(p)) && local("/"+strings.Join(segs, "/"))
}

func landing(startURL string) string {
	if startURL != "" {
		return startURL
	}
	return HomePath
}
