package control

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Guard lets a request through to the control API only when it may use
// it. With an empty token that is a request from a loopback address, to
// a loopback host name, that is not a browser's cross-site request (so a
// web page cannot reset or break a developer's mocksf). The host name is
// the Host header's, port ignored: localhost, a name under .localhost,
// 127.x.x.x, [::1], or the host of one of urls (mocksf passes its base
// and instance URLs, so -public-url's host and the per-org instance
// hosts, which share the instance URL's name, pass). Checking it stops
// DNS rebinding: a page of attacker.test whose name is re-pointed at
// 127.0.0.1 reaches mocksf from a loopback address, but its requests
// still say Host: attacker.test. With a token, it is a request with
// "Authorization: Bearer <token>", from anywhere and to any Host: for
// mocksf in a container, where test clients are not on its loopback; the
// token is the authentication, and a rebinding page cannot know it.
// Everything else is 403 {"error":"forbidden"}.
func Guard(token string, urls ...string) func(http.Handler) http.Handler {
	hosts := map[string]bool{}
	for _, s := range urls {
		if u, err := url.Parse(s); err == nil && u.Hostname() != "" {
			hosts[strings.ToLower(u.Hostname())] = true
		}
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := allowed(r, token, hosts); err != nil {
				writeError(w, err)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func allowed(r *http.Request, token string, hosts map[string]bool) error {
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
	if !knownHost(hostname(r.Host), hosts) {
		return errorf(CodeForbidden, "the control API answers only to loopback host names, not Host %q; start mocksf with -public-url or -control-token to use another", r.Host)
	}
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return errorf(CodeForbidden, "the control API refuses cross-site browser requests")
	}
	if origin := r.Header.Get("Origin"); origin != "" {
		u, err := url.Parse(origin)
		if err != nil || !knownHost(u.Hostname(), hosts) {
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

// hostname is a Host header's name, without its port or an IPv6
// address's brackets.
func hostname(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// knownHost reports whether host names loopback (localhost, a name under
// .localhost, a loopback address) or is one of hosts.
func knownHost(host string, hosts map[string]bool) bool {
	host = strings.ToLower(host)
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || hosts[host] {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
