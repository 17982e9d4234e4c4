package control

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Guard lets a request through to the control API only when it may use
// it. With an empty token that is a request from a loopback address that
// is not a browser's cross-site request (so a web page cannot reset or
// break a developer's mocksf). With a token, it is a request with
// "Authorization: Bearer <token>", from anywhere: for mocksf in a
// container, where test clients are not on its loopback. Everything else
// is 403 {"error":"forbidden"}.
func Guard(token string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := allowed(r, token); err != nil {
				writeError(w, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func allowed(r *http.Request, token string) error {
	if token != "" {
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
			return errorf(CodeForbidden, "the control API needs the -control-token as Authorization: Bearer <token>")
		}
		return nil
	}
	if !isLoopback(r.RemoteAddr) {
		return errorf(CodeForbidden, "the control API answers only on loopback; start mocksf with -control-token to use it from elsewhere")
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return errorf(CodeForbidden, "the control API refuses cross-site browser requests")
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !isLoopbackHost(u.Hostname()) {
			return errorf(CodeForbidden, "the control API refuses requests from web pages of %s", origin)
		}
	}
	return nil
}

func isLoopback(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
