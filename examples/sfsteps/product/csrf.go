package product

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
)

// The CSRF token is a double-submit cookie: a random value in a cookie
// and in each form's hidden csrf field, which a page of another site can
// neither read nor set (OWASP's CSRF cheat sheet, "Signed Double-Submit
// Cookie" without the signature: the product has no session to bind to).
const (
	csrfCookie = "ledgerly_csrf"
	csrfField  = "csrf"
	// maxFormBytes bounds a form's body; the settings form is far below.
	maxFormBytes = 16 << 10
)

// csrfToken returns the browser's token, giving it one when it has none.
func csrfToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(csrfCookie); err == nil && c.Value != "" {
		return c.Value
	}
	t := rand.Text()
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: t, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return t
}

// requireCSRF reads a POST's form and refuses it with 403 unless its
// csrf field is the browser's cookie.
func requireCSRF(s *state, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		c, err := r.Cookie(csrfCookie)
		if err != nil || r.ParseForm() != nil || c.Value == "" ||
			subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostForm.Get(csrfField))) != 1 {
			s.render(w, r, http.StatusForbidden, view{Problem: &problem{"csrf", msgBadCSRF}})
			return
		}
		next.ServeHTTP(w, r)
	})
}
