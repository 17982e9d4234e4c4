package oauth_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/oauth"
)

// fuzzUsers are the browsers a fuzzed request may come from: none, a
// user who can approve, an unassigned admin, an inactive user, and a user
// of a frozen org.
var fuzzUsers = []string{"", "sync@acme.test", "admin@acme.test", "gone@acme.test", "ice@frozen.test"}

// FuzzAuthorizeParams sends arbitrary query strings to the authorize
// endpoint, and follows it to the approval page, then POSTs them as a
// form: whatever the query,
// mocksf answers with a page or a redirect, never a 500 or a panic, and
// redirects only to itself or to a registered callback URL.
func FuzzAuthorizeParams(f *testing.F) {
	for _, tt := range authorizeErrorCases {
		user := 0
		for i, u := range fuzzUsers {
			if u == tt.user {
				user = i
			}
		}
		f.Add(tt.query, user)
	}
	f.Add(query("response_type", "code", "client_id", keyMain, "redirect_uri", callback, "scope", "api id", "state", "s",
		"prompt", "login consent select_account", "display", "popup", "login_hint", "sync@acme.test", "nonce", "n",
		"code_challenge", challenge, "code_challenge_method", "S256"), 1)
	f.Add(query("response_type", "token", "client_id", keyMain, "redirect_uri", "myapp://oauth/done", "immediate", "true"), 1)
	f.Add(query("response_type", "code", "client_id", keyPartner, "redirect_uri", callback), 1)
	f.Add(query("response_type", "token id_token", "client_id", keyPartner, "redirect_uri", callback, "nonce", "n"), 1)
	f.Add(query("response_type", "id_token", "client_id", keyMain, "redirect_uri", "myapp://oauth/done", "state", "s"), 0)
	f.Add("client_id=%zz&redirect_uri=%&response_type=code&&&=&state=%00\xff", 0)

	s := newAuthorizeServer(f)
	f.Fuzz(func(t *testing.T, rawQuery string, user int) {
		if user < 0 {
			user = -user
		}
		cookie := s.session(t, fuzzUsers[user%len(fuzzUsers)])
		w := s.authorize(rawQuery, cookie)
		checkAnswer(t, w)
		if loc := w.Header().Get("Location"); strings.HasPrefix(loc, oauth.ApprovalPath+"?") && cookie != nil {
			r := httptest.NewRequest("GET", baseURL+loc, nil)
			r.AddCookie(cookie)
			page := httptest.NewRecorder()
			s.handler.ServeHTTP(page, r)
			checkAnswer(t, page)
		}
		// The same parameters POSTed as a form.
		checkAnswer(t, s.post("", rawQuery, cookie))
	})
}

func checkAnswer(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	switch w.Code {
	case http.StatusOK, http.StatusBadRequest:
		if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%d with Content-Type %q; want a page", w.Code, ct)
		}
	case http.StatusFound:
		loc := w.Header().Get("Location")
		local := strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !strings.HasPrefix(loc, "/\\")
		if !local && !toCallback(loc, callback) && !toCallback(loc, "myapp://oauth/done") {
			t.Fatalf("redirect to %q; want mocksf itself or a registered callback", loc)
		}
	default:
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
}

// toCallback reports whether loc is cb with a query or fragment added.
func toCallback(loc, cb string) bool {
	return strings.HasPrefix(loc, cb+"?") || strings.HasPrefix(loc, cb+"#")
}
