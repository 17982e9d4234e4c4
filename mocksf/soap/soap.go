// Package soap serves the parts of Salesforce's SOAP partner API that
// clients log in with: login(), getUserInfo() and logout() at
// /services/Soap/u/{version} (SOAP API Developer Guide; salesforce-today.md
// §2). login() issues a session that is an access token of the store, so
// the REST API takes it as a bearer token, as Salesforce's does. Every
// failure is a SOAP fault with Salesforce's codes and strings
// (strings.go), HTTP 500 as Salesforce sends them.
package soap

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/instance"
	"github.com/sfharness/sfharness/mocksf/store"
)

// LastLoginVersion is the newest API version whose login() works: from
// 65.0 Salesforce answers INVALID_OPERATION (forcedotcom/wsc#363), and it
// retires the call in the older versions in Summer '27.
const LastLoginVersion = 64

// oldestVersion is the oldest version served, as for the REST API.
const oldestVersion = 20

// maxBody bounds a request: a login envelope is well under 1 KiB.
const maxBody = 64 << 10

// Deps are what the SOAP endpoint needs.
type Deps struct {
	Store *store.Store
	// Hosts are the orgs' instance hosts, where serverUrl points; a
	// session is refused on another org's host.
	Hosts *instance.Hosts
	// NewestVersion is the newest API version served, e.g. "67.0"; later
	// ones are UNSUPPORTED_API_VERSION.
	NewestVersion string
	// MaxLoginFailures is the login page's lock-out (0: never), which
	// login() shares.
	MaxLoginFailures int
	// SecurityTokenFromLoopback makes loopback addresses untrusted, so
	// login() from them needs the security token after the password.
	SecurityTokenFromLoopback bool
	// RetiredLoginFault is what login() past LastLoginVersion answers:
	// "INVALID_OPERATION" (empty means it, as Salesforce was seen to) or
	// "UNSUPPORTED_API_VERSION".
	RetiredLoginFault string
	Log               *slog.Logger
}

// HandleSOAP is POST /services/Soap/u/{version}[/{orgId}]: login,
// getUserInfo and logout of the partner API.
func HandleSOAP(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeClientFault(w, http.StatusMethodNotAllowed, clientMethod)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
				writeClientFault(w, http.StatusRequestEntityTooLarge, clientTooLarge)
				return
			}
			writeClientFault(w, http.StatusInternalServerError, clientEmpty)
			return
		}
		c, err := parseEnvelope(body)
		if err != nil {
			writeClientFault(w, http.StatusInternalServerError, string(err.(errClient)))
			return
		}
		version := mux.Vars(r)["version"]
		major, ok := d.served(version)
		if !ok {
			writeFault(w, faultBadVersion)
			return
		}
		if c.Op.Space != nsPartner {
			writeClientFault(w, http.StatusInternalServerError, clientNoOperation(c.Op.Space, c.Op.Local))
			return
		}
		switch c.Op.Local {
		case "login":
			if major > LastLoginVersion {
				if d.RetiredLoginFault == faultBadVersion.Code {
					writeFault(w, faultBadVersion)
				} else {
					writeFault(w, faultLoginRetired(version))
				}
				return
			}
			d.login(w, r, c, version)
		case "getUserInfo":
			d.getUserInfo(w, r, c)
		case "logout":
			d.logout(w, r, c)
		default:
			writeClientFault(w, http.StatusInternalServerError, clientNoOperation(c.Op.Space, c.Op.Local))
		}
	})
}

// served parses a URL's version ("64.0") and reports whether it is one
// this server has: 20.0 to NewestVersion, minor 0.
func (d Deps) served(v string) (int, bool) {
	majorText, minor, ok := strings.Cut(v, ".")
	if !ok || minor != "0" {
		return 0, false
	}
	major, err := strconv.Atoi(majorText)
	if err != nil || strconv.Itoa(major) != majorText {
		return 0, false
	}
	newest := 67
	if n, _, ok := strings.Cut(d.NewestVersion, "."); ok {
		if m, err := strconv.Atoi(n); err == nil {
			newest = m
		}
	}
	return major, major >= oldestVersion && major <= newest
}
