package client

import (
	"crypto/rand"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"
)

const (
	sessionCookie = "beacon_session"
	// csrfField is the hidden form field, csrfHeader the header fetch
	// calls use; either carries the session's CSRF token.
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
	sessionTTL = 12 * time.Hour
	// maxSessions bounds memory; past it expired sessions are dropped.
	maxSessions = 10000
	// maxFormBytes bounds the body of every POST.
	maxFormBytes = 64 << 10
)

// session is one browser's server-side state: its CSRF token, the OAuth
// state and PKCE verifier of a login in progress, and a one-time notice.
type session struct {
	csrf       string
	oauthState string
	verifier   string
	flash      flash
	expires    time.Time
}

// sessions maps session cookies to sessions.
type sessions struct {
	secure bool
	now    func() time.Time

	mu   sync.Mutex
	byID map[string]*session
}

func newSessions(secure bool) *sessions {
	return &sessions{secure: secure, now: time.Now, byID: map[string]*session{}}
}

// lookup returns the live session of r's cookie; the caller holds ss.mu.
func (ss *sessions) lookup(r *http.Request) (string, *session) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return "", nil
	}
	s := ss.byID[c.Value]
	if s == nil {
		return "", nil
	}
	if ss.now().After(s.expires) {
		delete(ss.byID, c.Value)
		return "", nil
	}
	return c.Value, s
}

// ensure returns the CSRF token of r's session, starting a session (and
// setting its cookie on w) if r has none.
func (ss *sessions) ensure(w http.ResponseWriter, r *http.Request) (csrf string) {
	_, csrf = ss.ensureID(w, r)
	return csrf
}

// ensureID is ensure that also returns the session id.
func (ss *sessions) ensureID(w http.ResponseWriter, r *http.Request) (id, csrf string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if id, s := ss.lookup(r); s != nil {
		s.expires = ss.now().Add(sessionTTL)
		return id, s.csrf
	}
	if len(ss.byID) >= maxSessions {
		now := ss.now()
		for id, s := range ss.byID {
			if now.After(s.expires) {
				delete(ss.byID, id)
			}
		}
	}
	id = rand.Text() + rand.Text()
	s := &session{csrf: rand.Text() + rand.Text(), expires: ss.now().Add(sessionTTL)}
	ss.byID[id] = s
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    id,
		Path:     "/",
		HttpOnly: true,
		Secure:   ss.secure,
		// Lax, not Strict: the browser must send the cookie on the
		// top-level redirect from Salesforce back to the callback.
		SameSite: http.SameSiteLaxMode,
	})
	return id, s.csrf
}

// validCSRF reports whether token is the CSRF token of r's session.
func (ss *sessions) validCSRF(r *http.Request, token string) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, s := ss.lookup(r)
	return s != nil && token != "" && equalSecret(s.csrf, token)
}

// beginOAuth binds a login's state and PKCE verifier to the session id.
func (ss *sessions) beginOAuth(id, state, verifier string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if s := ss.byID[id]; s != nil {
		s.oauthState, s.verifier = state, verifier
	}
}

// takeOAuth returns and forgets the login in progress of r's session when
// state matches it (compared in constant time), so a state is used once;
// a callback with another state leaves the login in progress alone, so a
// forged link cannot cancel it. ok reports the match.
func (ss *sessions) takeOAuth(r *http.Request, state string) (verifier string, ok bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, s := ss.lookup(r)
	if s == nil || s.oauthState == "" || !equalSecret(s.oauthState, state) {
		return "", false
	}
	verifier = s.verifier
	s.oauthState, s.verifier = "", ""
	return verifier, true
}

// flash is a one-time message for the next page: a notice, or a
// problem when isError.
type flash struct {
	msg     message
	isError bool
}

// setFlash keeps a message to show on the next page r's session loads.
func (ss *sessions) setFlash(r *http.Request, f flash) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if _, s := ss.lookup(r); s != nil {
		s.flash = f
	}
}

// takeFlash returns and forgets the message of r's session.
func (ss *sessions) takeFlash(r *http.Request) flash {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	_, s := ss.lookup(r)
	if s == nil {
		return flash{}
	}
	f := s.flash
	s.flash = flash{}
	return f
}

// equalSecret compares two secrets in constant time.
func equalSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// requireCSRF bounds the request body and rejects requests that lack the
// CSRF token of their session, from the csrfHeader header or the csrfField
// form field, with 403.
func requireCSRF(ss *sessions, p *pages, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		token := r.Header.Get(csrfHeader)
		if token == "" {
			if err := r.ParseForm(); err != nil {
				status := http.StatusBadRequest
				if _, ok := err.(*http.MaxBytesError); ok {
					status = http.StatusRequestEntityTooLarge
				}
				p.renderError(w, r, status, msgBadForm)
				return
			}
			token = r.PostForm.Get(csrfField)
		}
		if !ss.validCSRF(r, token) {
			p.renderError(w, r, http.StatusForbidden, msgBadCSRF)
			return
		}
		next.ServeHTTP(w, r)
	})
}
