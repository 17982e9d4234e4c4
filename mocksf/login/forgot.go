package login

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/sfharness/sfharness/mocksf/web"
)

// ForgotPasswordPath is the login page's Forgot Your Password? link, at
// Salesforce's path.
const ForgotPasswordPath = "/secur/forgotpassword.jsp"

// CustomDomainPath is the login page's Use Custom Domain link. On
// login.salesforce.com the link opens a domain field on the page itself
// (with a script); mocksf gives it a small page of its own at this path.
const CustomDomainPath = "/secur/customdomain.jsp"

// Messages of the two pages (mocksf's words; Salesforce's are unconfirmed).
const (
	MsgEnterUsername = "Error: Enter your username."
	MsgBadDomain     = "Error: Enter a domain name of letters, digits and hyphens, such as acme or acme--dev.sandbox."
)

// myDomain is what a My Domain name looks like: letters, digits and
// hyphens, with dots for the sandbox and develop forms (reference §0).
var myDomain = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*$`)

// loginURL is the login page with a start URL kept.
func loginURL(startURL string) string {
	if startURL == "" {
		return "/"
	}
	return "/?startURL=" + url.QueryEscape(startURL)
}

type forgotPage struct {
	Title, Username, Error, Action, LoginURL, StartURL string
	Sent                                               bool
}

// HandleForgotPassword is Forgot Your Password: a username, then the
// page that says what a real org does next. mocksf sends no reset mail
// and changes nothing, so the form is a GET.
func HandleForgotPassword(pages *web.Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start := SafeStartURL(q.Get("startURL"))
		p := forgotPage{Title: "Forgot Your Password | Salesforce", Action: ForgotPasswordPath,
			LoginURL: loginURL(start), StartURL: start, Username: strings.TrimSpace(q.Get("un"))}
		if _, asked := q["un"]; asked {
			if p.Username == "" {
				p.Error = MsgEnterUsername
			} else {
				p.Sent = true
				p.Title = "Check Your Email | Salesforce"
			}
		}
		pages.Render(w, r, http.StatusOK, "forgot_password.html", p)
	})
}

type customDomainPage struct {
	Title, Domain, Error, Action, LoginURL, StartURL string
}

// HandleCustomDomain is Use Custom Domain: a domain name, then the login
// page. On Salesforce, Continue goes to https://<domain>.my.salesforce.com;
// mocksf serves one login page for all, so it goes back to it (keeping
// the start URL).
func HandleCustomDomain(pages *web.Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		start := SafeStartURL(q.Get("startURL"))
		p := customDomainPage{Title: "Use Custom Domain | Salesforce", Action: CustomDomainPath,
			LoginURL: loginURL(start), StartURL: start, Domain: strings.TrimSpace(q.Get("domain"))}
		if _, asked := q["domain"]; asked {
			if myDomain.MatchString(p.Domain) && len(p.Domain) <= 100 {
				http.Redirect(w, r, loginURL(start), http.StatusFound)
				return
			}
			p.Error = MsgBadDomain
		}
		pages.Render(w, r, http.StatusOK, "custom_domain.html", p)
	})
}
