package gothapp

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"
)

const (
	// sessionCookie is the product's own session cookie; it holds the
	// CSRF token only.
	sessionCookie = "gothdemo_session"
	// csrfField is the hidden form field that carries the token.
	csrfField = "csrf_token"
	csrfKey   = "csrf"
	// maxFormBytes bounds a form body: the settings form is far below.
	maxFormBytes = 16 << 10
)

// csrfTokens hands out and checks one CSRF token per browser, kept in a
// signed and encrypted cookie (gorilla/sessions, which goth's gothic
// uses too) rather than in server memory.
type csrfTokens struct{ store *sessions.CookieStore }

func newCSRFTokens() *csrfTokens {
	s := sessions.NewCookieStore(securecookie.GenerateRandomKey(32), securecookie.GenerateRandomKey(32))
	s.Options.HttpOnly = true
	s.Options.SameSite = http.SameSiteLaxMode
	s.Options.Path = "/"
	return &csrfTokens{store: s}
}

// token returns the browser's token, starting its session when it has
// none (a cookie that does not decode, such as one of an earlier run,
// is replaced).
func (c *csrfTokens) token(w http.ResponseWriter, r *http.Request) string {
	sess, _ := c.store.Get(r, sessionCookie)
	if t, ok := sess.Values[csrfKey].(string); ok && t != "" {
		return t
	}
	t := rand.Text()
	sess.Values[csrfKey] = t
	_ = sess.Save(r, w) // without the cookie, the next form is refused with msgBadCSRF
	return t
}

// valid reports whether the form's token is the browser's.
func (c *csrfTokens) valid(r *http.Request) bool {
	sess, err := c.store.Get(r, sessionCookie)
	if err != nil {
		return false
	}
	want, _ := sess.Values[csrfKey].(string)
	got := r.PostForm.Get(csrfField)
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// requireCSRF reads the form of a POST (at most maxFormBytes) and
// refuses it with 403 and msgBadCSRF unless it carries the browser's
// token.
func requireCSRF(c *csrfTokens, p *page, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			p.render(w, r, http.StatusBadRequest, view{Error: msgBadForm})
			return
		}
		if !c.valid(r) {
			p.render(w, r, http.StatusForbidden, view{Error: msgBadCSRF, ErrorCode: "csrf"})
			return
		}
		next.ServeHTTP(w, r)
	})
}
