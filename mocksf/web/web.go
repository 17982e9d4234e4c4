// Package web holds what mocksf's browser pages share: the embedded
// html/template pages and stylesheet, the session cookie, and CSRF checks.
package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/text/language"

	"github.com/sfharness/sfharness/internal/staticfiles"
	"github.com/sfharness/sfharness/mocksf/locales"
	"github.com/sfharness/sfharness/mocksf/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// SessionCookie is the cookie that carries a browser's session, named as
// Salesforce names its own.
const SessionCookie = "sid"

// MaxFormBytes bounds every form body mocksf reads.
const MaxFormBytes = 64 << 10

// ContentSecurityPolicy is sent with every page: scripts and styles come
// only from mocksf's own static files (no page has an inline script, an
// inline event handler or a style attribute), nothing else is loaded from
// elsewhere, and only mocksf may frame its pages, as X-Frame-Options
// SAMEORIGIN says for older browsers.
//
// It has no form-action: Chrome checks form-action against every
// redirect that follows a form post too, and the forms of the approval,
// login and verification pages post to mocksf, which then redirects to
// the connected app's callback URL, on any host or a custom scheme.
// Setup pages, whose forms never leave mocksf, add form-action 'self'
// (SetupContentSecurityPolicy).
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'"

// SetupContentSecurityPolicy is ContentSecurityPolicy for pages whose
// forms post to mocksf and stay there.
const SetupContentSecurityPolicy = ContentSecurityPolicy + "; form-action 'self'"

// FormsStayOnSite makes the pages next renders use
// SetupContentSecurityPolicy: for handlers whose forms never redirect
// away from mocksf.
func FormsStayOnSite(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", SetupContentSecurityPolicy)
		next.ServeHTTP(w, r)
	})
}

// Chrome is what the layout wraps a logged-in page in: the Lightning
// global header (App Launcher, search, the gear menu with Setup, the user
// menu with Log Out) and, on Setup pages, the Setup tree in a left
// sidebar. A page's data carries it by embedding Chrome; a page without
// it (login, verification, Allow Access) gets neither.
type Chrome struct {
	// Setup shows the global header: the page belongs to a logged-in
	// user. (The name is older than the Lightning home page.)
	Setup bool
	// Username and Initials are shown in the user menu.
	Username, Initials string
	// AppName is the app named in the navigation bar: "Setup" on Setup
	// pages, "Sales" (the default) elsewhere.
	AppName string
	// GlobalSearch is what the global search box holds.
	GlobalSearch string
	// Nav, when set, is the Setup sidebar.
	Nav *Nav
}

// PageChrome returns c; a page's data has it through embedding Chrome, so
// the layout finds the chrome of any page type.
func (c Chrome) PageChrome() Chrome { return c }

// Nav is the Setup tree of the sidebar, already filtered by Quick Find.
type Nav struct {
	// QuickFind is what the Quick Find box holds.
	QuickFind string
	// Nodes are the tree's top-level sections.
	Nodes []NavNode
	// NoMatch says that Quick Find matched nothing.
	NoMatch bool
}

// NavNode is one entry of the Setup tree: a link when Href is set, a plain
// entry otherwise, and a branch when it has Children.
type NavNode struct {
	Label, ID, Href string
	// Active marks the entry of the page shown.
	Active   bool
	Children []NavNode
}

// Initials returns the initials the user menu shows for a name.
func Initials(name string) string {
	var out []rune
	for _, f := range strings.Fields(name) {
		for _, r := range f {
			out = append(out, []rune(strings.ToUpper(string(r)))...)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}

type chromer interface{ PageChrome() Chrome }

// pageChrome finds the chrome in a page's data, its embedded Chrome; a
// page without one (login, verification, Allow Access, built from a map)
// gets none.
func pageChrome(data any) Chrome {
	c, ok := data.(chromer)
	if !ok {
		return Chrome{}
	}
	out := c.PageChrome()
	if out.Initials == "" && out.Username != "" {
		out.Initials = Initials(out.Username)
	}
	return out
}

// Pages renders mocksf's HTML pages, in each language of
// locales.Catalogue.
type Pages struct {
	// byLang parses the templates once per language, each with that
	// language's "t", "tx" and "lang" (i18n.Localizer.Funcs), "txv"
	// (valueText) and "date" (dateIn), so a template names its words by
	// key: {{t "verify.title"}}. A language's are parsed on its first
	// page: a mocksf that only ever speaks English parses them once, not
	// three times (start-up and idle memory, issue 17).
	byLang map[language.Tag]func() *template.Template
}

// NewPages prepares the embedded templates for each language and parses
// the first language's now, so that a template that does not parse stops
// mocksf as it starts; the others are the same files with other words.
func NewPages() *Pages {
	p := &Pages{byLang: map[language.Tag]func() *template.Template{}}
	tags := locales.Catalogue.Languages()
	for _, tag := range tags {
		p.byLang[tag] = sync.OnceValue(func() *template.Template { return parsePages(tag) })
	}
	p.byLang[tags[0]]()
	return p
}

// parsePages parses the embedded templates with tag's words.
func parsePages(tag language.Tag) *template.Template {
	funcs := pageFuncs()
	loc := locales.Catalogue.In(tag)
	for name, f := range loc.Funcs() {
		funcs[name] = f
	}
	funcs["txv"] = valueText(loc)
	funcs["date"] = dateIn(loc)
	return template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
}

// pageFuncs are the template functions every language shares.
func pageFuncs() template.FuncMap {
	return template.FuncMap{
		"chrome": pageChrome,
		"join":   strings.Join,
		"contains": func(list []string, s string) bool {
			for _, v := range list {
				if v == s {
					return true
				}
			}
			return false
		},
	}
}

// Render writes the named page with status, in the request's Language,
// with ContentSecurityPolicy unless the handler set a policy of its own
// (FormsStayOnSite). It renders into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (p *Pages) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	lang := Language(r)
	var buf bytes.Buffer
	if err := p.byLang[lang]().ExecuteTemplate(&buf, name, data); err != nil {
		slog.Error("mocksf: render page", "page", name, "err", err)
		http.Error(w, "An internal server error has occurred", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.Header().Set("Content-Language", lang.String())
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	if w.Header().Get("Content-Security-Policy") == "" {
		w.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
	}
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// Static serves the embedded style sheets and scripts under /static/,
// each with its ETag (staticfiles), and no-cache: a browser asks again on
// every page and gets a 304, so a mocksf rebuilt with other files is never
// answered from an old copy. A file it does not have is notFound's.
func Static(notFound http.Handler) http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err)
	}
	h, err := staticfiles.Handler(sub, "/static/", "no-cache", notFound)
	if err != nil {
		panic(err) // the files are embedded: reading them cannot fail
	}
	return h
}

// MsgURLNoLongerExists and its heading are the page of a URL that names
// nothing. The words are Salesforce Classic's page for one as its users
// quote it; no Salesforce source was found, so they are marked chosen in
// docs/mocksf-pages.md.
const (
	HeadingURLNoLongerExists = "URL No Longer Exists"
	MsgURLNoLongerExists     = "You have attempted to reach a URL that no longer exists on salesforce.com."
)

// HandleNotFound answers a path that names no page with a 404 page, as
// Salesforce does, rather than a bare text.
func HandleNotFound(pages *Pages) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages.Render(w, r, http.StatusNotFound, "message.html", map[string]any{
			"Title": HeadingURLNoLongerExists, "Heading": HeadingURLNoLongerExists, "Message": MsgURLNoLongerExists,
		})
	})
}

type sessionKey struct{}

// storeKey carries the store WithSession used, so that Language can find
// the session's user.
type storeKey struct{}

// WithSession makes sure every request has a browser session: it loads the
// one named by the cookie or starts a new one, and puts its ID in the
// request context.
func WithSession(st *store.Store) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var id string
			if c, err := r.Cookie(SessionCookie); err == nil {
				if st.TouchSession(c.Value) {
					id = c.Value
				}
			}
			if id == "" {
				sess := st.NewSession()
				id = sess.ID
				http.SetCookie(w, &http.Cookie{
					Name: SessionCookie, Value: id, Path: "/",
					HttpOnly: true, SameSite: http.SameSiteLaxMode,
				})
			}
			ctx := context.WithValue(r.Context(), sessionKey{}, id)
			ctx = context.WithValue(ctx, storeKey{}, st)
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// SessionID returns the session ID WithSession put in the context.
func SessionID(ctx context.Context) string {
	id, _ := ctx.Value(sessionKey{}).(string)
	return id
}

// Session returns the request's current session from the store.
func Session(st *store.Store, r *http.Request) (store.Session, error) {
	id := SessionID(r.Context())
	if id == "" {
		return store.Session{}, errors.New("web: no session in context")
	}
	return st.Session(id)
}

// ParseForm reads a bounded form body and checks its CSRF token against
// the session. It reports false after answering the request itself.
func ParseForm(w http.ResponseWriter, r *http.Request, sess store.Session) bool {
	if err := ParseBoundedForm(w, r, MaxFormBytes); err != nil {
		http.Error(w, "The request was too large or malformed.", http.StatusBadRequest)
		return false
	}
	token := r.PostFormValue("_CONFIRMATIONTOKEN")
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
		http.Error(w, "Your session has expired or the form was submitted twice. Reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
}

// LoggedIn reports whether the session has passed login and verification.
func LoggedIn(sess store.Session) bool { return sess.UserID != "" && sess.Verified }
