package oauth_test

import (
	"net/http"
	"net/url"
	"testing"
)

// revokeRequest is a revoke by POST form or by GET query.
func revokeRequest(method, body string) tkRequest {
	if method == http.MethodGet {
		return tkRequest{method: method, path: "/services/oauth2/revoke?" + body}
	}
	return tkRequest{method: method, path: "/services/oauth2/revoke", contentType: tkFormType, body: body}
}

// Revoke errors are HTTP 400 with a form-encoded body (reference §5).
func TestRevokeErrors(t *testing.T) {
	const (
		noToken   = "error=unsupported_token_type&error_description=this%20token%20type%20is%20not%20supported"
		badToken  = "error=invalid_token&error_description=Token%20was%20invalid"
		malformed = "error=invalid_request&error_description=malformed%20request"
	)
	e := newTokenEnv(t)
	revoked := e.refreshToken(t, tkKeyMain, tkUser)
	if got := e.do(t, revokeRequest(http.MethodPost, "token="+url.QueryEscape(revoked))); got.status != 200 {
		t.Fatalf("revoking the refresh token: %d %s", got.status, got.body)
	}
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		for _, tc := range []struct{ name, body, want string }{
			{"no token", "", noToken},
			{"empty token", "token=", noToken},
			{"unknown token", "token=00Dx0000000BV7z%21AQnope", badToken},
			{"revoked refresh token", "token=" + url.QueryEscape(revoked), badToken},
			{"bad escape", "token=%zz", malformed},
		} {
			t.Run(method+" "+tc.name, func(t *testing.T) {
				got := e.do(t, revokeRequest(method, tc.body))
				if got.status != http.StatusBadRequest || got.body != tc.want {
					t.Errorf("got %d %q; want 400 %q", got.status, got.body, tc.want)
				}
				if ct := got.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded;charset=UTF-8" {
					t.Errorf("Content-Type %q; want application/x-www-form-urlencoded;charset=UTF-8", ct)
				}
			})
		}
	}
}

// Revoking answers 200 with an empty body. A refresh token takes its
// access tokens with it; an access token goes alone.
func TestRevoke(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodGet} {
		t.Run(method, func(t *testing.T) {
			e := newTokenEnv(t)
			m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))))
			at, rt := m["access_token"].(string), m["refresh_token"].(string)

			got := e.do(t, revokeRequest(method, "token="+url.QueryEscape(at)))
			if got.status != http.StatusOK || got.body != "" {
				t.Fatalf("revoking the access token: %d %q; want 200 and no body", got.status, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != "text/plain;charset=UTF-8" {
				t.Errorf("Content-Type %q; want text/plain;charset=UTF-8, as Salesforce's empty answer", ct)
			}
			if _, err := e.store.LookupAccessToken(at); err == nil {
				t.Error("the access token still works")
			}
			if _, err := e.store.LookupRefreshToken(rt); err != nil {
				t.Errorf("revoking the access token took the refresh token too: %v", err)
			}

			again := decodeToken(t, e.token(t, refreshForm(tkKeyMain, tkSecret, rt)))["access_token"].(string)
			if got := e.do(t, revokeRequest(method, "token="+url.QueryEscape(rt))); got.status != http.StatusOK || got.body != "" {
				t.Fatalf("revoking the refresh token: %d %q", got.status, got.body)
			}
			if _, err := e.store.LookupRefreshToken(rt); err == nil {
				t.Error("the refresh token still works")
			}
			if _, err := e.store.LookupAccessToken(again); err == nil {
				t.Error("an access token issued from the revoked refresh token still works")
			}
			want := tokenErrorBody("invalid_grant", "expired access/refresh token")
			if got := e.token(t, refreshForm(tkKeyMain, tkSecret, rt)); got.status != http.StatusBadRequest || got.body != want {
				t.Errorf("refresh with the revoked token: %d %s; want 400 %s", got.status, got.body, want)
			}
		})
	}
}
