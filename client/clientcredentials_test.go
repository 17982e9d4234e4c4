package client_test

import (
	"html"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// Texts of the client credentials connection, as the page shows them.
const (
	textCCConnected = "Connected with the client credentials flow. The field sync has started."
	textCCRefused   = "Salesforce refused the client credentials flow: "
)

// connectClientCredentials clicks Connect with the Integration user
// (client credentials flow) connection type chosen and the fields typed,
// and returns the page it ends on.
func (w *orgWorld) connectClientCredentials(key, secret, myDomain string) response {
	w.t.Helper()
	return w.submitClientCredentials("/admin/crm/salesforce/client-credentials", key, secret, myDomain)
}

// submitClientCredentials posts the page's form, with the client
// credentials connection type chosen, to path.
func (w *orgWorld) submitClientCredentials(path, key, secret, myDomain string) response {
	w.t.Helper()
	return w.postForm(path, url.Values{
		"csrf_token": {w.csrf()}, "connectionType": {"clientCredentials"},
		"consumerKey": {key}, "consumerSecret": {secret}, "myDomainUrl": {myDomain},
	})
}

// errorBox is the page's #error element with the message in it.
func errorBox(msg string) string {
	return `<div id="error" class="notice notice-error" role="alert"><p>` + html.EscapeString(msg)
}

func TestClientCredentialsConnect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// runAs is the app's Run As user; "" leaves the flow disabled.
		runAs string
		// loginHost sends the flow to the login host instead of My Domain.
		loginHost bool
		secret    string // typed instead of the app's, if set
		// enter submits the form as the Enter key does, through its first
		// button, Save, instead of Connect.
		enter bool
		// wantStatus and wantError are the answer's status and the
		// message in #error; "" for a connection.
		wantStatus int
		wantError  string
	}{
		{name: "connected", runAs: syncUser},
		{name: "connected with the Enter key", runAs: syncUser, enter: true},
		{name: "flow not enabled", wantStatus: http.StatusBadGateway,
			wantError: textCCRefused + "unsupported_grant_type: grant type not supported. Enable the client credentials flow in the connected app (Enable Client Credentials Flow) and check that the My Domain URL is your org's, then click Connect again."},
		{name: "login host instead of My Domain", runAs: syncUser, loginHost: true, wantStatus: http.StatusBadGateway,
			wantError: textCCRefused + "invalid_grant: request not supported on this domain. The client credentials flow is served only on your org's My Domain: enter its My Domain URL (such as https://yourcompany.my.salesforce.com), not the login URL, then click Connect again."},
		{name: "wrong secret", runAs: syncUser, secret: strings.Repeat("F", 64), wantStatus: http.StatusBadGateway,
			wantError: textCCRefused + "invalid_client: invalid client credentials. Check the Consumer Key and Consumer Secret, then click Connect again."},
		{name: "no My Domain URL", runAs: syncUser, wantStatus: http.StatusUnprocessableEntity,
			wantError: "Enter your org's My Domain URL, such as https://yourcompany.my.salesforce.com: the client credentials flow is served only there."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newOrgWorld(t, mocksftest.AppSpec{ClientCredentialsRunAs: tc.runAs}, nil)
			myDomain, secret := w.org.InstanceURL, sfSecret
			if tc.loginHost {
				myDomain = w.srv.URL
			}
			if tc.secret != "" {
				secret = tc.secret
			}
			if tc.name == "no My Domain URL" {
				myDomain = ""
			}
			path := "/admin/crm/salesforce/client-credentials"
			if tc.enter {
				path = "/admin/crm/salesforce"
			}
			r := w.submitClientCredentials(path, sfKey, secret, myDomain)
			page := r.body
			if strings.Contains(page, secret) {
				t.Error("the page echoes the Consumer Secret")
			}
			if tc.wantError != "" {
				if r.status != tc.wantStatus || !strings.Contains(page, errorBox(tc.wantError)) {
					t.Errorf("Connect = %d; want %d and #error %q:\n%s", r.status, tc.wantStatus, tc.wantError, page)
				}
				// The form keeps the choice and what was typed but the secret.
				for _, want := range []string{`id="connectionClientCredentials" name="connectionType" type="radio" value="clientCredentials" checked`,
					`id="myDomainUrl" name="myDomainUrl" type="url" value="` + html.EscapeString(myDomain) + `"`, `value="` + sfKey + `"`} {
					if !strings.Contains(page, want) {
						t.Errorf("the page after the failure lacks %s", want)
					}
				}
				if s := w.status(); s.Connected {
					t.Errorf("connected after a refused Connect: %+v", s)
				}
				if strings.Contains(page, `id="savedSecret"`) {
					t.Error("the refused credentials were saved")
				}
				return
			}
			if r.status != http.StatusOK || !strings.Contains(page, textCCConnected) {
				t.Fatalf("Connect = %d:\n%s", r.status, page)
			}
			if !strings.Contains(page, `<p id="connection">Connected as `+syncUser+`</p>`) {
				t.Errorf("the page does not show Connected as %s:\n%s", syncUser, page)
			}
			// The page remembers the connection type and the My Domain URL.
			if !strings.Contains(page, `value="clientCredentials" checked`) || !strings.Contains(page, `value="`+myDomain+`"`) {
				t.Errorf("the page after Connect does not show the client credentials choice:\n%s", page)
			}
			tokens := w.srv.Requests(mocksftest.RequestFilter{Method: "POST", Path: "/services/oauth2/token", Org: w.org.ID})
			if len(tokens) != 1 || tokens[0].Form["grant_type"][0] != "client_credentials" || tokens[0].Authorization != "" ||
				tokens[0].Form["client_id"][0] != sfKey || !strings.HasPrefix(w.org.InstanceURL, "http://"+tokens[0].Host) {
				t.Errorf("token requests = %+v; want one client_credentials grant with the key in the body, on the My Domain", tokens)
			}

			// The field sync and the sync work as after a user login.
			w.waitStatus("field sync", fieldSyncComplete)
			if r := w.action("/admin/crm/salesforce/sync"); r.status != http.StatusAccepted {
				t.Fatalf("start sync = %d %s", r.status, r.body)
			}
			s := w.waitStatus("the first full pull", func(s status) bool { return s.Sync.State == "running" })
			if s.Sync.Counts["Lead"] != 20 || s.Sync.Counts["Contact"] != 5 || s.Sync.Counts["Account"] != 3 {
				t.Errorf("counts = %v; want 20 leads, 5 contacts, 3 accounts", s.Sync.Counts)
			}

			// Disconnect revokes the access token at the My Domain that
			// issued it.
			page = w.postForm("/admin/crm/salesforce/disconnect", url.Values{"csrf_token": {w.csrf()}}).body
			if !strings.Contains(page, "Disconnected from Salesforce: Beacon revoked its access and stopped the sync.") {
				t.Errorf("disconnect page:\n%s", page)
			}
			revokes := w.srv.Requests(mocksftest.RequestFilter{Path: "/services/oauth2/revoke"})
			if len(revokes) != 1 || revokes[0].Status != http.StatusOK || !strings.HasPrefix(w.org.InstanceURL, "http://"+revokes[0].Host) {
				t.Errorf("revocations = %+v; want one, on the My Domain", revokes)
			}
		})
	}
}

// TestClientCredentialsRenewal checks that a client credentials connection
// answers 401 INVALID_SESSION_ID with a new token from the client
// credentials flow, since it has no refresh token, and that a refusal then
// stops the sync with Salesforce's words.
func TestClientCredentialsRenewal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// refuse makes the token endpoint refuse the renewal.
		refuse   bool
		wantText string
	}{
		{name: "new token"},
		{name: "refused", refuse: true, wantText: "Sync failed: Connection to Salesforce lost: Beacon could not get a new access token with the client credentials flow. " +
			textCCRefused + "invalid_grant: no client credentials user enabled. Choose the Run As user of the client credentials flow in the connected app's policies (Manage, Edit Policies), then click Connect again."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbPath := filepath.Join(t.TempDir(), "beacon.db")
			w := newOrgWorld(t, mocksftest.AppSpec{ClientCredentialsRunAs: syncUser}, func(c *client.Config) { c.DBPath = dbPath })
			if page := w.connectClientCredentials(sfKey, sfSecret, w.org.InstanceURL).body; !strings.Contains(page, textCCConnected) {
				t.Fatalf("Connect:\n%s", page)
			}
			w.waitStatus("field sync", fieldSyncComplete)
			w.action("/admin/crm/salesforce/sync")
			w.waitStatus("sync running", func(s status) bool { return s.Sync.State == "running" })
			// After a restart the connection still knows its flow.
			w.restart()
			w.waitStatus("the resumed sync", func(s status) bool { return s.Sync.State == "running" })

			if tc.refuse {
				w.srv.Fault(t, mocksftest.Rule{Path: "/services/oauth2/token", OAuthError: "invalid_grant", Message: "no client credentials user enabled", Times: 1})
			}
			// Salesforce ends the session: the next call gets 401.
			w.srv.Fault(t, mocksftest.Rule{Path: "/services/data/**", OrgID: w.org.ID, SalesforceError: "INVALID_SESSION_ID", Times: 1})
			if tc.refuse {
				s := w.waitStatus("the failed sync", func(s status) bool { return s.Sync.State == "failed" })
				if s.Sync.Text != tc.wantText {
					t.Errorf("sync = %q; want %q", s.Sync.Text, tc.wantText)
				}
				return
			}
			w.srv.InsertRecord(t, w.org.ID, "Contact", map[string]any{"LastName": "After Renewal"})
			s := w.waitStatus("the new contact", func(s status) bool { return s.Sync.Counts["Contact"] == 6 })
			if s.Sync.State != "running" {
				t.Errorf("sync = %+v; want running", s.Sync)
			}
			var grants []string
			for _, e := range w.srv.Requests(mocksftest.RequestFilter{Method: "POST", Path: "/services/oauth2/token"}) {
				grants = append(grants, e.Form["grant_type"]...)
			}
			if len(grants) != 2 || grants[0] != "client_credentials" || grants[1] != "client_credentials" {
				t.Errorf("token grants = %v; want Connect's and the renewal's client_credentials", grants)
			}
		})
	}
}
