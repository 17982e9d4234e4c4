package client_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// TestPKCESetting runs Login with Salesforce with PKCE on and off
// (Config.DisablePKCE) against apps that do and do not require it.
func TestPKCESetting(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		requirePKCE bool
		disablePKCE bool
		// wantError is the callback's error code and wantText the words
		// the page shows; "" when the login succeeds.
		wantError, wantText string
	}{
		{name: "PKCE off, app requires it", requirePKCE: true, disablePKCE: true, wantError: "invalid_request",
			wantText: "Salesforce login failed: invalid_request: missing required code challenge. The connected app requires PKCE"},
		{name: "PKCE on, app requires it", requirePKCE: true},
		{name: "PKCE off, app does not require it", disablePKCE: true},
		{name: "PKCE on, app does not require it"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newOrgWorld(t, mocksftest.AppSpec{RequirePKCE: &tc.requirePKCE},
				func(c *client.Config) { c.DisablePKCE = tc.disablePKCE })
			w.saveCredentials(sfKey, sfSecret)
			if tc.wantError != "" {
				// Salesforce refuses the authorize request at once and
				// sends the pop-up back to the callback with the error.
				r := w.get("/salesforce/login")
				page := r.body
				if !strings.HasPrefix(r.url.String(), w.clientURL+"/salesforce/getSfdcOAuthTokensRedirect?") {
					t.Fatalf("the login ended at %s; want Beacon's callback", r.url)
				}
				if !strings.Contains(page, `data-ok="false"`) || !strings.Contains(page, `data-error="`+tc.wantError+`"`) ||
					!strings.Contains(page, `<p id="error" class="notice notice-error" role="alert">`+html.EscapeString(tc.wantText)) {
					t.Errorf("callback page lacks %s / %q:\n%s", tc.wantError, tc.wantText, page)
				}
				if r := w.get("/admin/crm/salesforce/pending"); r.status != http.StatusNotFound {
					t.Errorf("pending = %d; want 404: nothing to confirm", r.status)
				}
				return
			}
			if page := w.login("allow", nil).body; !strings.Contains(page, `data-ok="true"`) {
				t.Fatalf("callback page:\n%s", page)
			}
			if r := w.action("/admin/crm/salesforce/confirm"); r.status != http.StatusOK {
				t.Fatalf("confirm = %d %s", r.status, r.body)
			}
			s := w.waitStatus("field sync", fieldSyncComplete)
			if s.Connection != "Connected as "+syncUser {
				t.Errorf("connection = %q; want Connected as %s", s.Connection, syncUser)
			}
			// What went over the wire: a challenge and a verifier with
			// PKCE on, neither with it off.
			authorize := w.srv.Requests(mocksftest.RequestFilter{Method: "GET", Path: "/services/oauth2/authorize", Org: w.org.ID})
			exchange := w.srv.Requests(mocksftest.RequestFilter{Method: "POST", Path: "/services/oauth2/token", Org: w.org.ID})
			if len(authorize) == 0 || len(exchange) == 0 {
				t.Fatalf("journal: %d authorize and %d token requests; want both", len(authorize), len(exchange))
			}
			_, challenge := authorize[len(authorize)-1].Query["code_challenge"]
			_, verifier := exchange[len(exchange)-1].Form["code_verifier"]
			if want := !tc.disablePKCE; challenge != want || verifier != want {
				t.Errorf("code_challenge sent: %v, code_verifier sent: %v; want %v", challenge, verifier, want)
			}
		})
	}
}
