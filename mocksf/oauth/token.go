package oauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/sfharness/sfharness/mocksf/store"
)

// maxTokenBody bounds a token request; real ones are well under 4 KiB.
const maxTokenBody = 16 << 10

// tokenResponse is Salesforce's token reply; it has no expires_in.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Signature    string `json:"signature"`
	Scope        string `json:"scope"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at"`
}

// Signature is base64(HMAC-SHA256(key = consumer secret, id + issued_at)),
// which clients check to trust the reply (reference §4.3).
func Signature(consumerSecret, id, issuedAt string) string {
	mac := hmac.New(sha256.New, []byte(consumerSecret))
	mac.Write([]byte(id + issuedAt))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func writeTokenError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// clientCredentials reads the client id and secret from HTTP Basic (as
// golang.org/x/oauth2 sends them first, query-escaped) or from the body.
func clientCredentials(r *http.Request) (id, secret string, basic bool) {
	if u, p, ok := r.BasicAuth(); ok {
		if uu, err := url.QueryUnescape(u); err == nil {
			u = uu
		}
		if pp, err := url.QueryUnescape(p); err == nil {
			p = pp
		}
		return u, p, true
	}
	return r.PostFormValue("client_id"), r.PostFormValue("client_secret"), false
}

// secretOK compares secrets in constant time.
func secretOK(app store.ConnectedApp, secret string) bool {
	return subtle.ConstantTimeCompare([]byte(app.ConsumerSecret), []byte(secret)) == 1
}

// A PKCE verifier as Salesforce accepts it: base64url characters only, so
// RFC 7636's "~" is refused (reference §4.5).
var verifierPattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{43,128}$`)

// HandleToken is POST /services/oauth2/token.
func HandleToken(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/x-www-form-urlencoded" {
			writeTokenError(w, errUnsupportedGrant, descUnsupportedGrant)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeTokenError(w, errInvalidRequest, "request too large")
				return
			}
			writeTokenError(w, errInvalidRequest, "malformed request")
			return
		}
		switch r.PostFormValue("grant_type") {
		case "authorization_code":
			exchangeCode(d, w, r)
		case "refresh_token":
			refresh(d, w, r)
		default:
			writeTokenError(w, errUnsupportedGrant, descUnsupportedGrant)
		}
	})
}

// authenticateClient finds the app and checks its secret when one is
// required or given. It answers the request itself on failure.
func authenticateClient(d Deps, w http.ResponseWriter, r *http.Request, requireSecret bool) (store.ConnectedApp, bool) {
	id, secret, _ := clientCredentials(r)
	app, err := d.Store.AppByKey(id)
	if err != nil || !d.appActive(app) {
		writeTokenError(w, errInvalidClientID, descInvalidClientID)
		return store.ConnectedApp{}, false
	}
	if (requireSecret || secret != "") && !secretOK(app, secret) {
		writeTokenError(w, errInvalidClient, descInvalidClient)
		return store.ConnectedApp{}, false
	}
	return app, true
}

func exchangeCode(d Deps, w http.ResponseWriter, r *http.Request) {
	app, ok := authenticateClient(d, w, r, true)
	if !ok {
		return
	}
	code, err := d.Store.RedeemCode(r.PostFormValue("code"))
	if err != nil || code.ConsumerKey != app.ConsumerKey {
		writeTokenError(w, errInvalidGrant, descInvalidCode)
		return
	}
	if d.Store.Now().After(code.ExpiresAt) {
		writeTokenError(w, errInvalidGrant, descExpiredCode)
		return
	}
	if r.PostFormValue("redirect_uri") != code.RedirectURI {
		writeTokenError(w, errRedirectMismatch, descRedirectMismatch)
		return
	}
	if code.CodeChallenge != "" {
		v := r.PostFormValue("code_verifier")
		sum := sha256.Sum256([]byte(v))
		if !verifierPattern.MatchString(v) || subtle.ConstantTimeCompare(
			[]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(code.CodeChallenge)) != 1 {
			writeTokenError(w, errInvalidGrant, descBadVerifier)
			return
		}
	}
	withRefresh := false
	for _, s := range code.Scopes {
		if s == "refresh_token" || s == "offline_access" {
			withRefresh = true
		}
	}
	at, rt, err := d.Store.IssueTokens(code.Code, app.ConsumerKey, code.UserID, code.Scopes, withRefresh)
	if err != nil {
		writeTokenError(w, errInvalidGrant, "inactive user")
		return
	}
	resp := d.tokenReply(app, at)
	if rt != nil {
		resp.RefreshToken = rt.Token
	}
	writeJSON(w, http.StatusOK, resp)
}

func refresh(d Deps, w http.ResponseWriter, r *http.Request) {
	// "Require Secret for Refresh Token Flow" is on for new apps; a sent
	// secret is checked either way.
	app, ok := authenticateClient(d, w, r, true)
	if !ok {
		return
	}
	at, rt, err := d.Store.Refresh(r.PostFormValue("refresh_token"))
	if err != nil || rt.ConsumerKey != app.ConsumerKey {
		writeTokenError(w, errInvalidGrant, descExpiredToken)
		return
	}
	writeJSON(w, http.StatusOK, d.tokenReply(app, at))
}

func (d Deps) tokenReply(app store.ConnectedApp, at store.AccessToken) tokenResponse {
	id := d.identityURL(at.OrgID, at.UserID)
	issuedAt := strconv.FormatInt(at.IssuedAt.UnixMilli(), 10)
	return tokenResponse{
		AccessToken: at.Token,
		Signature:   Signature(app.ConsumerSecret, id, issuedAt),
		Scope:       strings.Join(at.Scopes, " "),
		InstanceURL: d.InstanceURL,
		ID:          id,
		TokenType:   "Bearer",
		IssuedAt:    issuedAt,
	}
}

// HandleRevoke is /services/oauth2/revoke (POST form or GET query):
// 200 with an empty body, or 400 with a form-encoded error (reference §5).
func HandleRevoke(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxTokenBody)
		if err := r.ParseForm(); err != nil {
			revokeError(w, "invalid_request", "malformed request")
			return
		}
		token := r.Form.Get("token")
		if token == "" {
			revokeError(w, "unsupported_token_type", "this token type is not supported")
			return
		}
		if err := d.Store.Revoke(token); err != nil {
			revokeError(w, "invalid_token", "Token was invalid")
			return
		}
		w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
		w.WriteHeader(http.StatusOK)
	})
}

func revokeError(w http.ResponseWriter, code, desc string) {
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write([]byte("error=" + url.QueryEscape(code) + "&error_description=" + url.PathEscape(desc)))
}
