package product

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

func handleSettings(s *state) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := view{}
		if r.URL.Query().Get("saved") != "" {
			v.Flash = msgSaved
		}
		s.render(w, r, http.StatusOK, v)
	})
}

// handleSave stores the key and secret; the connection made with the
// old ones is forgotten. It answers 303 to the page (post/redirect/get).
func handleSave(s *state) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimSpace(r.PostForm.Get("client_id"))
		secret := strings.TrimSpace(r.PostForm.Get("client_secret"))
		if key == "" || secret == "" {
			s.render(w, r, http.StatusBadRequest, view{Problem: &problem{"invalid_settings", msgMissingFields}})
			return
		}
		s.mu.Lock()
		s.key, s.secret, s.identity = key, secret, nil
		s.mu.Unlock()
		http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
	})
}

// stateCookie binds a login to the browser that started it: the callback
// must carry the state this browser was given, or it is refused.
const stateCookie = "ledgerly_oauth_state"

// handleConnect sends this window to Salesforce's authorize endpoint with
// a fresh state and a PKCE S256 challenge (RFC 7636), which Salesforce
// recommends for the web-server flow (help.salesforce.com,
// remoteaccess_oauth_web_server_flow). 303, so the browser GETs it.
func handleConnect(s *state) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cfg := s.oauthConfig()
		if cfg == nil {
			s.render(w, r, http.StatusBadRequest, view{Problem: &problem{"no_credentials", msgNoCredentials}})
			return
		}
		st, verifier := oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
		s.begin(st, pendingLogin{verifier: verifier, oauth: cfg, started: time.Now()})
		http.SetCookie(w, &http.Cookie{Name: stateCookie, Value: st, Path: CallbackPath, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, cfg.AuthCodeURL(st, oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
	})
}

// handleCallback checks the state, shows Salesforce's error (error and
// error_description, help.salesforce.com remoteaccess_oauth_flow_errors)
// or exchanges the code with the verifier and reads the user from the
// identity URL, then answers 303 to the page.
func handleCallback(s *state) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		c, err := r.Cookie(stateCookie)
		if err != nil || c.Value == "" || c.Value != q.Get("state") {
			s.render(w, r, http.StatusBadRequest, view{Problem: &problem{"state_mismatch", msgBadState}})
			return
		}
		login, ok := s.finish(c.Value)
		http.SetCookie(w, &http.Cookie{Name: stateCookie, Path: CallbackPath, MaxAge: -1})
		if !ok {
			s.render(w, r, http.StatusBadRequest, view{Problem: &problem{"state_mismatch", msgBadState}})
			return
		}
		if code := q.Get("error"); code != "" {
			s.render(w, r, http.StatusOK, view{Problem: salesforceProblem(code, q.Get("error_description"))})
			return
		}
		if q.Get("code") == "" {
			s.render(w, r, http.StatusBadRequest, view{Problem: &problem{"no_code", msgNoCode}})
			return
		}
		// x/oauth2 calls Salesforce with the client in the context.
		ctx := context.WithValue(r.Context(), oauth2.HTTPClient, s.cfg.HTTPClient)
		tok, err := login.oauth.Exchange(ctx, q.Get("code"), oauth2.VerifierOption(login.verifier))
		if err != nil {
			s.render(w, r, http.StatusOK, view{Problem: exchangeProblem(err)})
			return
		}
		id, p := readIdentity(ctx, s.cfg.HTTPClient, tok)
		if p != nil {
			s.render(w, r, http.StatusOK, view{Problem: p})
			return
		}
		s.mu.Lock()
		s.identity = id
		s.mu.Unlock()
		http.Redirect(w, r, "/settings", http.StatusSeeOther)
	})
}

// salesforceProblem is an OAuth error as Salesforce named it.
func salesforceProblem(code, description string) *problem {
	text := msgSalesforce + code
	if description != "" {
		text += ": " + description
	}
	return &problem{code, text}
}

// exchangeProblem explains a failed code exchange: Salesforce's answer
// (x/oauth2's *RetrieveError carries RFC 6749's fields) or the network.
func exchangeProblem(err error) *problem {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		return salesforceProblem(re.ErrorCode, re.ErrorDescription)
	}
	return &problem{"unreachable", msgUnreachable + err.Error()}
}

func handleNotFound(s *state) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.render(w, r, http.StatusNotFound, view{Problem: &problem{"not_found", msgNotFound + r.Method + " " + r.URL.Path}})
	})
}
