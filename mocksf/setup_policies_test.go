package mocksf_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"html"
	"io"
	"math/big"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/internal/xsstest"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

// testCertificate returns a fresh self-signed certificate in PEM.
func testCertificate(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "beacon-jwt"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// postMultipart posts a multipart/form-data form, as the browser posts
// the connected app form, with an optional certificate file.
func postMultipart(t *testing.T, c *http.Client, u string, form url.Values, certificate []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if certificate != nil {
		fw, _ := mw.CreateFormFile("certificate", "beacon.crt")
		fw.Write(certificate)
	} else {
		// A browser sends an empty file part when no file was chosen.
		mw.CreateFormFile("certificate", "")
	}
	mw.Close()
	req, _ := http.NewRequest("POST", u, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// adminBrowser is a browser logged in as the seeded admin, with its CSRF
// token.
func adminBrowser(t *testing.T, srv *mocksf.Server, ts *httptest.Server) (*http.Client, string) {
	t.Helper()
	return loggedIn(t, srv, ts, "admin@acme.test", "Admin-Pass-1")
}

func appNamed(t *testing.T, srv *mocksf.Server, name string) store.ConnectedApp {
	t.Helper()
	for _, a := range srv.Store().Apps(srv.Store().Orgs()[0].ID) {
		if a.Name == name {
			// Read it back by consumer key, as the OAuth endpoints do.
			app, err := srv.Store().AppByKey(a.ConsumerKey)
			if err != nil {
				t.Fatal(err)
			}
			return app
		}
	}
	t.Fatalf("no app named %q", name)
	return store.ConnectedApp{}
}

func fieldErrors(page string) map[string]string {
	errs := map[string]string{}
	for _, m := range fieldError.FindAllStringSubmatch(page, -1) {
		errs[m[1]] = html.UnescapeString(m[2])
	}
	return errs
}

// checkbox reports whether the page has the checkbox or radio button with
// the id, and whether it is checked.
func checkbox(page, id string) (present, checked bool) {
	m := regexp.MustCompile(`<input type="(?:checkbox|radio)"[^>]* id="` + regexp.QuoteMeta(id) + `"[^>]*>|<input type="(?:checkbox|radio)" id="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(page)
	return m != "", strings.Contains(m, " checked")
}

func userNamed(t *testing.T, srv *mocksf.Server, username string) store.User {
	t.Helper()
	u, err := srv.Store().UserByUsername(username)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// validAppForm is a New Connected App form that saves.
func validAppForm(token string) url.Values {
	return url.Values{
		"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon Sync"}, "apiName": {"Beacon_Sync"},
		"contactEmail": {"admin@acme.test"}, "oauthEnabled": {"1"},
		"callbackUrl":            {"http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"},
		"scopes":                 {"api", "refresh_token offline_access"},
		"requireSecretWebServer": {"1"}, "requireSecretRefresh": {"1"},
	}
}

func with(base url.Values, set map[string]string) url.Values {
	f := url.Values{}
	for k, v := range base {
		f[k] = append([]string(nil), v...)
	}
	for k, v := range set {
		if v == "" {
			delete(f, k)
		} else {
			f.Set(k, v)
		}
	}
	return f
}

func TestNewConnectedAppFormShowsOAuthOptions(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	_, page := get(t, c, ts.URL+setup.EditPath)
	if !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Errorf("the form is not multipart/form-data")
	}
	tests := []struct {
		id, label   string
		wantChecked bool
	}{
		{"oauthEnabled", "Enable OAuth Settings", false},
		{"useDigitalSignatures", "Use digital signatures", false},
		{"requirePkce", "Require Proof Key for Code Exchange (PKCE) Extension for Supported Authorization Flows", false},
		{"requireSecretWebServer", "Require Secret for Web Server Flow", true},
		{"requireSecretRefresh", "Require Secret for Refresh Token Flow", true},
		{"enableClientCredentials", "Enable Client Credentials Flow", false},
		{"acceptClientCredentials", "OK", false},
		{"introspectAllTokens", "Introspect All Tokens", false},
		{"refreshTokenRotation", "Enable Refresh Token Rotation", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			present, checked := checkbox(page, tt.id)
			if !present || checked != tt.wantChecked {
				t.Errorf("#%s present %v, checked %v; want present, checked %v", tt.id, present, checked, tt.wantChecked)
			}
			if want := `<label class="inline" for="` + tt.id + `">` + tt.label + `</label>`; !strings.Contains(page, want) {
				t.Errorf("page lacks %s", want)
			}
		})
	}
	wantContains(t, page, "page",
		`<input type="file" id="certificate" name="certificate"`,
		`<div id="certificateField" class="suboption" hidden>`,
		`id="clientCredentialsWarning" class="warning suboption" role="alert" hidden>`,
		html.EscapeString(setup.MsgClientCredentialsWarning),
	)
}

func TestNewConnectedAppSavesOAuthOptions(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	cert := testCertificate(t)
	everything := store.DefaultAppPolicy()
	everything.RequirePKCE, everything.RequireSecretWebServer, everything.RequireSecretRefresh = true, false, false
	everything.ClientCredentials, everything.IntrospectAll, everything.CertificatePEM = true, true, cert
	everything.RotateRefreshTokens = true
	tests := []struct {
		name string
		set  map[string]string
		file []byte
		want store.AppPolicy
	}{
		{"defaults", nil, nil, store.DefaultAppPolicy()},
		{"every option", map[string]string{
			"requirePkce": "1", "requireSecretWebServer": "", "requireSecretRefresh": "",
			"enableClientCredentials": "1", "acceptClientCredentials": "1",
			"useDigitalSignatures": "1", "introspectAllTokens": "1", "refreshTokenRotation": "1",
		}, []byte(cert), everything},
		{"a file without digital signatures is ignored", nil, []byte("not a certificate"), store.DefaultAppPolicy()},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "Beacon " + string(rune('A'+i))
			set := map[string]string{"name": name, "apiName": store.APIName(name)}
			for k, v := range tt.set {
				set[k] = v
			}
			resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), set), tt.file)
			if resp.Request.URL.Path != setup.SavedPath {
				t.Fatalf("got %s (errors %v); want the saved notice", resp.Request.URL.Path, fieldErrors(page))
			}
			app := appNamed(t, srv, name)
			if !reflect.DeepEqual(app.Policy, tt.want) {
				t.Errorf("got policy %+v; want %+v", app.Policy, tt.want)
			}
			if got, want := app.CallbackURLs, []string{"http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect"}; !reflect.DeepEqual(got, want) {
				t.Errorf("got callback URLs %q; want %q", got, want)
			}
		})
	}
}

func TestNewConnectedAppOAuthOptionErrors(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	seeded := len(srv.Store().Apps(srv.Store().Orgs()[0].ID))
	cert := testCertificate(t)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keyDER, _ := x509.MarshalECPrivateKey(key)
	privateKey := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	brokenCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")})
	tests := []struct {
		name         string
		set          map[string]string
		file         []byte
		field, want  string
		wantReupload bool
	}{
		{"client credentials without OK", map[string]string{"enableClientCredentials": "1"}, nil, "enableClientCredentials", setup.MsgAcceptClientCredentials, false},
		{"digital signatures without a file", map[string]string{"useDigitalSignatures": "1"}, nil, "certificate", setup.MsgCertificateRequired, false},
		{"not PEM", map[string]string{"useDigitalSignatures": "1"}, []byte("hello"), "certificate", setup.MsgBadCertificate, false},
		{"a private key", map[string]string{"useDigitalSignatures": "1"}, privateKey, "certificate", setup.MsgBadCertificate, false},
		{"a broken certificate", map[string]string{"useDigitalSignatures": "1"}, brokenCert, "certificate", setup.MsgBadCertificate, false},
		{"an empty file", map[string]string{"useDigitalSignatures": "1"}, []byte{}, "certificate", setup.MsgBadCertificate, false},
		{"a good certificate and a bad email", map[string]string{"useDigitalSignatures": "1", "contactEmail": "admin@"}, []byte(cert), "contactEmail", setup.MsgBadEmail, true},
		{"no scopes with client credentials accepted", map[string]string{"scopes": "", "enableClientCredentials": "1", "acceptClientCredentials": "1"}, nil, "scopes", setup.MsgNoScopes, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]string{"requirePkce": "1", "requireSecretRefresh": "", "introspectAllTokens": "1", "refreshTokenRotation": "1"}
			for k, v := range tt.set {
				set[k] = v
			}
			resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), set), tt.file)
			if resp.StatusCode != 200 || resp.Request.URL.Path != setup.EditPath {
				t.Fatalf("got %d at %s; want the form again", resp.StatusCode, resp.Request.URL.Path)
			}
			if got := fieldErrors(page); len(got) != 1 || got[tt.field] != tt.want {
				t.Errorf("got field errors %v; want only %s: %q", got, tt.field, tt.want)
			}
			if got := strings.Contains(page, `id="certificate-reupload">`+html.EscapeString(setup.MsgCertificateReupload)); got != tt.wantReupload {
				t.Errorf("got re-upload note %v; want %v", got, tt.wantReupload)
			}
			// Nothing typed is lost: text, scopes and every checkbox.
			if !strings.Contains(page, `value="Beacon Sync"`) || !strings.Contains(page, "getSfdcOAuthTokensRedirect</textarea>") {
				t.Errorf("the name or callback typed was lost")
			}
			if tt.field != "scopes" && !strings.Contains(page, `<select id="selectedScopes" name="scopes" multiple size="12"><option value="api">`) {
				t.Errorf("the selected scopes were lost")
			}
			for id, want := range map[string]bool{
				"oauthEnabled": true, "requirePkce": true, "requireSecretWebServer": true, "requireSecretRefresh": false,
				"introspectAllTokens": true, "refreshTokenRotation": true, "enableClientCredentials": set["enableClientCredentials"] != "",
				"acceptClientCredentials": set["acceptClientCredentials"] != "", "useDigitalSignatures": set["useDigitalSignatures"] != "",
			} {
				if _, got := checkbox(page, id); got != want {
					t.Errorf("got #%s checked %v; want %v", id, got, want)
				}
			}
			if set["enableClientCredentials"] != "" && strings.Contains(page, `id="clientCredentialsWarning" class="warning suboption" role="alert" hidden>`) {
				t.Errorf("the client credentials warning is hidden although the option is ticked")
			}
		})
	}
	if n := len(srv.Store().Apps(srv.Store().Orgs()[0].ID)) - seeded; n != 0 {
		t.Fatalf("got %d apps saved by invalid forms; want 0", n)
	}
}

func TestConnectedAppFormBodyIsBounded(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	seeded := len(srv.Store().Apps(srv.Store().Orgs()[0].ID))
	huge := bytes.Repeat([]byte("A"), setup.MaxAppFormBytes+1)
	resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), map[string]string{"useDigitalSignatures": "1"}), huge)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, html.EscapeString(setup.MsgCertificateTooLarge)) {
		t.Errorf("got %d %s; want 413 with %q", resp.StatusCode, page, setup.MsgCertificateTooLarge)
	}
	if n := len(srv.Store().Apps(srv.Store().Orgs()[0].ID)) - seeded; n != 0 {
		t.Errorf("got %d apps saved by an oversized form; want 0", n)
	}
}

func TestAppManagerListsAppsWithRowMenus(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	_, page := get(t, c, ts.URL+setup.AppManagerPath)
	if want := "<th>App Name</th><th>Developer Name</th><th>App Type</th><th>Last Modified Date</th>"; !strings.Contains(page, want) {
		t.Errorf("page lacks the columns %s", want)
	}
	if want := "<td>Product Sync</td><td>" + app.APIName + "</td><td>Connected</td>"; !strings.Contains(page, want) {
		t.Errorf("page lacks the row %s", want)
	}
	tests := []struct{ id, label, href string }{
		{"view", "View", setup.DetailPath + "?applicationId=" + app.ID},
		{"edit", "Edit", setup.EditPath + "?applicationId=" + app.ID},
		{"manage", "Manage", setup.ManageAppPath + "?applicationId=" + app.ID},
		{"delete", "Delete", setup.DeletePath + "?applicationId=" + app.ID},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			want := `id="row-` + app.APIName + `-` + tt.id + `" href="` + tt.href + `">` + tt.label + `</a>`
			if !strings.Contains(page, want) {
				t.Fatalf("page lacks %s", want)
			}
			resp, _ := get(t, c, ts.URL+tt.href)
			if resp.StatusCode != 200 {
				t.Errorf("got %d from %s; want 200", resp.StatusCode, tt.label)
			}
		})
	}
}

func TestEditConnectedApp(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	cert := testCertificate(t)
	resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), map[string]string{
		"useDigitalSignatures": "1", "enableClientCredentials": "1", "acceptClientCredentials": "1",
	}), []byte(cert))
	if resp.Request.URL.Path != setup.SavedPath {
		t.Fatalf("create: %v", fieldErrors(page))
	}
	before := appNamed(t, srv, "Beacon Sync")
	editURL := ts.URL + setup.EditPath + "?applicationId=" + before.ID

	// The form comes filled in, without the consumer details.
	_, page = get(t, c, editURL)
	wantContains(t, page, "edit form",
		"<h1>Edit Connected App</h1>", `value="Beacon Sync"`, `value="Beacon_Sync"`, `value="admin@acme.test"`,
		"getSfdcOAuthTokensRedirect</textarea>", `id="currentCertificate">Uploaded certificate: CN=beacon-jwt`,
		`<select id="selectedScopes" name="scopes" multiple size="12"><option value="api">`,
		`action="`+setup.EditPath+`?applicationId=`+before.ID+`"`,
	)
	if strings.Contains(page, before.ConsumerKey) || strings.Contains(page, before.ConsumerSecret) {
		t.Errorf("the edit form shows the consumer details")
	}
	if strings.Contains(page, `id="acceptClientCredentials"`) {
		t.Errorf("the client credentials warning is asked again for an app that has the flow")
	}
	for id, want := range map[string]bool{"oauthEnabled": true, "useDigitalSignatures": true, "enableClientCredentials": true, "requireSecretWebServer": true, "requirePkce": false} {
		if _, got := checkbox(page, id); got != want {
			t.Errorf("got #%s checked %v; want %v", id, got, want)
		}
	}

	if _, err := srv.Store().CreateApp(store.ConnectedApp{OrgID: before.OrgID, Name: "Taken", APIName: "Taken"}); err != nil {
		t.Fatal(err)
	}
	edited := with(validAppForm(token), map[string]string{
		"name": "Beacon Sync 2", "apiName": "Beacon_Sync_2", "callbackUrl": "https://beacon.example/cb",
		"useDigitalSignatures": "1", "enableClientCredentials": "1", "requirePkce": "1", "refreshTokenRotation": "1",
	})
	errorTests := []struct {
		name        string
		set         map[string]string
		field, want string
	}{
		{"name of another app", map[string]string{"name": "taken"}, "name", setup.MsgDuplicateName},
		{"API name of another app", map[string]string{"apiName": "Taken"}, "name", setup.MsgDuplicateName},
		{"bad email", map[string]string{"contactEmail": "nope"}, "contactEmail", setup.MsgBadEmail},
		{"bad callback", map[string]string{"callbackUrl": "no url"}, "callbackUrl", setup.MsgBadCallback + "no url"},
		{"missing name", map[string]string{"name": ""}, "name", setup.MsgRequired},
	}
	for _, tt := range errorTests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := postMultipart(t, c, editURL, with(edited, tt.set), nil)
			if resp.StatusCode != 200 || resp.Request.URL.Path != setup.EditPath {
				t.Fatalf("got %d at %s; want the form again", resp.StatusCode, resp.Request.URL.Path)
			}
			if got := fieldErrors(page); len(got) != 1 || got[tt.field] != tt.want {
				t.Errorf("got field errors %v; want only %s: %q", got, tt.field, tt.want)
			}
			if tt.field != "callbackUrl" && !strings.Contains(page, "https://beacon.example/cb</textarea>") {
				t.Errorf("the callback typed was lost")
			}
			if _, got := checkbox(page, "requirePkce"); !got {
				t.Errorf("requirePkce typed was lost")
			}
			if after := appNamed(t, srv, "Beacon Sync"); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused edit changed the app: %+v", after)
			}
		})
	}

	// A valid edit saves; the certificate stays without a new upload and
	// the consumer details never change.
	resp, page = postMultipart(t, c, editURL, edited, nil)
	if resp.Request.URL.Path != setup.DetailPath || !strings.Contains(page, `<dd id="detailName">Beacon Sync 2</dd>`) {
		t.Fatalf("valid edit led to %s: %v", resp.Request.URL.Path, fieldErrors(page))
	}
	if !strings.Contains(page, `<dd id="detailRefreshTokenRotation">Checked</dd>`) {
		t.Errorf("the detail page does not show Enable Refresh Token Rotation checked")
	}
	after := appNamed(t, srv, "Beacon Sync 2")
	if after.ConsumerKey != before.ConsumerKey || after.ConsumerSecret != before.ConsumerSecret || after.ID != before.ID {
		t.Errorf("the edit changed the consumer details or ID")
	}
	want := before.Policy
	want.RequirePKCE, want.RequireSecretWebServer, want.RequireSecretRefresh, want.RotateRefreshTokens = true, true, true, true
	if !reflect.DeepEqual(after.Policy, want) || after.APIName != "Beacon_Sync_2" || !reflect.DeepEqual(after.CallbackURLs, []string{"https://beacon.example/cb"}) {
		t.Errorf("got %+v; want policy %+v, API name Beacon_Sync_2 and the new callback", after, want)
	}

	// Unticking digital signatures removes the certificate.
	postMultipart(t, c, editURL, with(edited, map[string]string{"useDigitalSignatures": ""}), nil)
	if got := appNamed(t, srv, "Beacon Sync 2").Policy.CertificatePEM; got != "" {
		t.Errorf("got certificate %q after unticking Use digital signatures; want none", got)
	}
}

func TestEditPolicies(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	admin, syncUser := userNamed(t, srv, "admin@acme.test"), userNamed(t, srv, "sync@acme.test")
	policiesURL := ts.URL + setup.PoliciesPath + "?applicationId=" + app.ID

	_, page := get(t, c, policiesURL)
	wantContains(t, page, "Edit Policies",
		`<option value="all" selected>All users may self-authorize</option>`,
		`<option value="admin-approved">Admin approved users are pre-authorized</option>`,
		`<label class="inline" for="refreshUntilRevoked">Refresh token is valid until revoked</label>`,
		`<label class="inline" for="refreshImmediately">Immediately expire refresh token</label>`,
		`<label class="inline" for="refreshIdle">Expire refresh token if not used for</label>`,
		`<label class="inline" for="refreshAbsolute">Expire refresh token after</label>`,
		`<option value="minutes">Minute(s)</option><option value="hours" selected>Hour(s)</option><option value="days">Day(s)</option><option value="months">Month(s)</option>`,
		`<label class="inline" for="assignedUser-`+syncUser.ID+`">sync@acme.test (Sam)</label>`,
	)
	if _, checked := checkbox(page, "refreshUntilRevoked"); !checked {
		t.Errorf("the default refresh token policy is not checked")
	}
	if strings.Contains(page, `id="runAsUser"`) {
		t.Errorf("Run As is shown for an app without the client credentials flow")
	}

	base := url.Values{"_CONFIRMATIONTOKEN": {token}, "permittedUsers": {"all"}, "refreshPolicy": {"until_revoked"},
		"refreshIdleValue": {""}, "refreshIdleUnit": {"hours"}, "refreshAbsoluteValue": {""}, "refreshAbsoluteUnit": {"days"}}
	valid := []struct {
		name  string
		set   map[string]string
		add   url.Values
		check func(store.AppPolicy) bool
		label string
	}{
		{"admin approved with a user", map[string]string{"permittedUsers": "admin-approved"}, url.Values{"assignedUsers": {syncUser.ID}},
			func(p store.AppPolicy) bool {
				return p.AdminApproved && reflect.DeepEqual(p.AssignedUserIDs, []string{syncUser.ID})
			},
			"Admin approved users are pre-authorized"},
		{"all users, two assigned", nil, url.Values{"assignedUsers": {syncUser.ID, admin.ID}},
			func(p store.AppPolicy) bool { return !p.AdminApproved && len(p.AssignedUserIDs) == 2 },
			"Refresh token is valid until revoked"},
		{"immediately", map[string]string{"refreshPolicy": "immediately"}, nil,
			func(p store.AppPolicy) bool { return p.Refresh == store.RefreshPolicy{Mode: store.RefreshImmediately} },
			"Immediately expire refresh token"},
		{"idle 2 hours", map[string]string{"refreshPolicy": "idle", "refreshIdleValue": "2", "refreshIdleUnit": "hours"}, nil,
			func(p store.AppPolicy) bool {
				return p.Refresh == store.RefreshPolicy{Mode: store.RefreshIdle, For: 2 * time.Hour}
			}, "Expire refresh token if not used for 2 Hour(s)"},
		{"idle 45 minutes", map[string]string{"refreshPolicy": "idle", "refreshIdleValue": "45", "refreshIdleUnit": "minutes"}, nil,
			func(p store.AppPolicy) bool {
				return p.Refresh == store.RefreshPolicy{Mode: store.RefreshIdle, For: 45 * time.Minute}
			}, "Expire refresh token if not used for 45 Minute(s)"},
		{"absolute 3 months", map[string]string{"refreshPolicy": "absolute", "refreshAbsoluteValue": "3", "refreshAbsoluteUnit": "months"}, nil,
			func(p store.AppPolicy) bool {
				return p.Refresh == store.RefreshPolicy{Mode: store.RefreshAbsolute, For: 90 * 24 * time.Hour}
			}, "Expire refresh token after 3 Month(s)"},
		{"absolute 10 days", map[string]string{"refreshPolicy": "absolute", "refreshAbsoluteValue": "10", "refreshAbsoluteUnit": "days"}, nil,
			func(p store.AppPolicy) bool {
				return p.Refresh == store.RefreshPolicy{Mode: store.RefreshAbsolute, For: 240 * time.Hour}
			}, "Expire refresh token after 10 Day(s)"},
		{"valid until revoked", nil, nil,
			func(p store.AppPolicy) bool { return p.Refresh == store.RefreshPolicy{Mode: store.RefreshUntilRevoked} },
			"Refresh token is valid until revoked"},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			form := with(base, tt.set)
			for k, v := range tt.add {
				form[k] = v
			}
			resp, page := post(t, c, policiesURL, form)
			if resp.Request.URL.Path != setup.ManageAppPath {
				t.Fatalf("got %s (errors %v); want the Manage page", resp.Request.URL.Path, fieldErrors(page))
			}
			got := appNamed(t, srv, "Product Sync").Policy
			if !tt.check(got) {
				t.Errorf("got policy %+v", got)
			}
			if !strings.Contains(page, tt.label) {
				t.Errorf("the Manage page does not say %q", tt.label)
			}
			// Edit Policies shows what was saved.
			_, again := get(t, c, policiesURL)
			if m := tt.set["refreshPolicy"]; m == "idle" || m == "absolute" {
				field := map[string]string{"idle": "refreshIdle", "absolute": "refreshAbsolute"}[m]
				if want := `id="` + field + `Value" name="` + field + `Value" value="` + tt.set[field+"Value"] + `"`; !strings.Contains(again, want) {
					t.Errorf("Edit Policies lacks %s", want)
				}
			}
		})
	}

	// The OAuth settings stay as they were.
	if got := appNamed(t, srv, "Product Sync"); got.Policy.RequireSecretWebServer != app.Policy.RequireSecretWebServer || !reflect.DeepEqual(got.Scopes, app.Scopes) {
		t.Errorf("Edit Policies changed the OAuth settings: %+v", got)
	}

	if _, err := srv.Store().UpdateApp(app.ConsumerKey, func(a *store.ConnectedApp) { a.Policy.ClientCredentials = true }); err != nil {
		t.Fatal(err)
	}
	before := appNamed(t, srv, "Product Sync")
	invalid := []struct {
		name        string
		set         map[string]string
		add         url.Values
		field, want string
		kept        string
	}{
		{"run as missing", nil, nil, "runAsUser", setup.MsgRequired, ""},
		{"run as unknown", map[string]string{"runAsUser": "005000000000000AAA"}, nil, "runAsUser", setup.MsgNoSuchUser, ""},
		{"idle without N", map[string]string{"refreshPolicy": "idle", "refreshIdleValue": "", "runAsUser": admin.ID}, nil, "refreshIdleValue", setup.MsgRequired, ""},
		{"idle N not a number", map[string]string{"refreshPolicy": "idle", "refreshIdleValue": "two", "runAsUser": admin.ID}, nil, "refreshIdleValue", setup.MsgBadNumber, `value="two"`},
		{"absolute N zero", map[string]string{"refreshPolicy": "absolute", "refreshAbsoluteValue": "0", "runAsUser": admin.ID}, nil, "refreshAbsoluteValue", setup.MsgBadNumber, `value="0"`},
		{"absolute N too big", map[string]string{"refreshPolicy": "absolute", "refreshAbsoluteValue": "1000", "runAsUser": admin.ID}, nil, "refreshAbsoluteValue", setup.MsgBadNumber, `value="1000"`},
		{"absolute bad unit", map[string]string{"refreshPolicy": "absolute", "refreshAbsoluteValue": "3", "refreshAbsoluteUnit": "weeks", "runAsUser": admin.ID}, nil, "refreshAbsoluteUnit", setup.MsgBadPicklist + "weeks", `value="3"`},
		{"no refresh policy", map[string]string{"refreshPolicy": "", "runAsUser": admin.ID}, nil, "refreshPolicy", setup.MsgRequired, ""},
		{"unknown refresh policy", map[string]string{"refreshPolicy": "forever", "runAsUser": admin.ID}, nil, "refreshPolicy", setup.MsgBadPicklist + "forever", ""},
		{"unknown permitted users", map[string]string{"permittedUsers": "everyone", "runAsUser": admin.ID}, nil, "permittedUsers", setup.MsgBadPicklist + "everyone", ""},
		{"unknown assigned user", map[string]string{"runAsUser": admin.ID}, url.Values{"assignedUsers": {syncUser.ID, "005000000000000AAA"}}, "assignedUsers", setup.MsgNoSuchUser, ""},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			form := with(base, map[string]string{"permittedUsers": "admin-approved", "refreshIdleValue": "7", "refreshIdleUnit": "days"})
			form = with(form, tt.set)
			form["assignedUsers"] = []string{syncUser.ID}
			for k, v := range tt.add {
				form[k] = v
			}
			resp, page := post(t, c, policiesURL, form)
			if resp.StatusCode != 200 || resp.Request.URL.Path != setup.PoliciesPath {
				t.Fatalf("got %d at %s; want Edit Policies again", resp.StatusCode, resp.Request.URL.Path)
			}
			if got := fieldErrors(page); len(got) != 1 || got[tt.field] != tt.want {
				t.Errorf("got field errors %v; want only %s: %q", got, tt.field, tt.want)
			}
			// What was chosen is kept.
			if _, checked := checkbox(page, "assignedUser-"+syncUser.ID); !checked {
				t.Errorf("the assigned user was lost")
			}
			if tt.field != "permittedUsers" && !strings.Contains(page, `<option value="admin-approved" selected>`) {
				t.Errorf("Permitted Users was lost")
			}
			if tt.kept != "" && !strings.Contains(page, tt.kept) {
				t.Errorf("page lacks %s", tt.kept)
			}
			if m := tt.set["refreshPolicy"]; m == "idle" || m == "absolute" {
				id := map[string]string{"idle": "refreshIdle", "absolute": "refreshAbsolute"}[m]
				if _, checked := checkbox(page, id); !checked {
					t.Errorf("the refresh policy chosen was lost")
				}
			}
			if after := appNamed(t, srv, "Product Sync"); !reflect.DeepEqual(after, before) {
				t.Errorf("a refused form changed the app: %+v", after.Policy)
			}
		})
	}

	// With a Run As user the client credentials policy saves.
	form := with(base, map[string]string{"runAsUser": syncUser.ID})
	resp, page := post(t, c, policiesURL, form)
	if resp.Request.URL.Path != setup.ManageAppPath || !strings.Contains(page, `<dd id="policyRunAs">sync@acme.test</dd>`) {
		t.Fatalf("got %s: %v", resp.Request.URL.Path, fieldErrors(page))
	}
	if got := appNamed(t, srv, "Product Sync").Policy.RunAsUserID; got != syncUser.ID {
		t.Errorf("got Run As %q; want %q", got, syncUser.ID)
	}
}

func TestBlockAndUnblockApp(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	manageURL := ts.URL + setup.ManageAppPath + "?applicationId=" + app.ID
	tests := []struct {
		action      string
		wantBlocked bool
		wantButton  string
	}{
		{"block", true, `id="unblockApp" name="action" value="unblock">Unblock</button>`},
		{"unblock", false, `id="blockApp" name="action" value="block">Block</button>`},
	}
	for _, tt := range tests {
		t.Run(tt.action, func(t *testing.T) {
			resp, page := post(t, c, manageURL, url.Values{"_CONFIRMATIONTOKEN": {token}, "action": {tt.action}})
			if resp.Request.URL.Path != setup.ManageAppPath || !strings.Contains(page, tt.wantButton) {
				t.Fatalf("got %s; want the Manage page with %s", resp.Request.URL.Path, tt.wantButton)
			}
			if got := appNamed(t, srv, "Product Sync").Policy.Blocked; got != tt.wantBlocked {
				t.Errorf("got Blocked %v; want %v", got, tt.wantBlocked)
			}
		})
	}
	resp, _ := post(t, c, manageURL, url.Values{"_CONFIRMATIONTOKEN": {token}, "action": {"explode"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got %d for an unknown action; want 400", resp.StatusCode)
	}
}

func TestDeleteAppRevokesItsTokens(t *testing.T) {
	srv, ts := newServer(t)
	cfg := oauthConfig(ts)
	cb := authorize(t, srv, ts, browser(t, ts), cfg, "allow")
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	tok, err := cfg.Exchange(ctx, cb.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	userinfo := func() (int, string) {
		return hostRequest(t, srv.InstanceURL(), "/services/oauth2/userinfo", nil, tok.AccessToken)
	}
	if status, body := userinfo(); status != 200 {
		t.Fatalf("userinfo before delete: %d %s; want 200", status, body)
	}

	c, token := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	deleteURL := ts.URL + setup.DeletePath + "?applicationId=" + app.ID
	_, page := get(t, c, deleteURL)
	wantContains(t, page, "confirmation page", "Are you sure you want to delete <strong>Product Sync</strong>?", html.EscapeString(setup.MsgDeleteNotice), `id="confirmDelete"`)
	if _, err := srv.Store().AppByKey(testKey); err != nil {
		t.Fatalf("the confirmation page deleted the app")
	}
	resp, page := post(t, c, deleteURL, url.Values{"_CONFIRMATIONTOKEN": {token}})
	if resp.Request.URL.Path != setup.AppManagerPath || strings.Contains(page, "Product Sync") {
		t.Fatalf("delete led to %s; want App Manager without the app", resp.Request.URL.Path)
	}
	if _, err := srv.Store().AppByKey(testKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("got %v from AppByKey after delete; want ErrNotFound", err)
	}
	if status, body := userinfo(); status != http.StatusForbidden || body != "Bad_OAuth_Token" {
		t.Errorf("userinfo after delete: %d %q; want 403 Bad_OAuth_Token", status, body)
	}
	if _, err := srv.Store().LookupRefreshToken(tok.RefreshToken); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refresh token outlived its app: %v", err)
	}
	// The app's pages are gone too.
	if resp, _ := get(t, c, deleteURL); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d for the deleted app's page; want 404", resp.StatusCode)
	}
}

// setupPosts are every Setup form, for the CSRF and admin checks.
func setupPosts(app store.ConnectedApp) []struct{ name, path string } {
	id := "?applicationId=" + app.ID
	return []struct{ name, path string }{
		{"new connected app", setup.EditPath},
		{"edit connected app", setup.EditPath + id},
		{"manage consumer details", setup.ManagePath},
		{"verify for consumer details", setup.VerifyPath + id},
		{"edit policies", setup.PoliciesPath + id},
		{"block", setup.ManageAppPath + id},
		{"delete", setup.DeletePath + id},
	}
}

func TestSetupPostsNeedTheCSRFToken(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	form := url.Values{
		"name": {"Forged"}, "apiName": {"Forged"}, "contactEmail": {"x@example.com"}, "applicationId": {app.ID},
		"permittedUsers": {"admin-approved"}, "refreshPolicy": {"immediately"}, "action": {"block"}, "emc": {"000000"},
	}
	for _, tt := range setupPosts(app) {
		for _, token := range []string{"", "wrong-token"} {
			t.Run(tt.name+"/token "+token, func(t *testing.T) {
				f := with(form, map[string]string{"_CONFIRMATIONTOKEN": token})
				resp, _ := post(t, c, ts.URL+tt.path, f)
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("got %d; want 403", resp.StatusCode)
				}
				resp, _ = postMultipart(t, c, ts.URL+tt.path, f, nil)
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("got %d for multipart; want 403", resp.StatusCode)
				}
			})
		}
	}
	if got := appNamed(t, srv, "Product Sync"); !reflect.DeepEqual(got, app) {
		t.Errorf("forged posts changed the app: %+v", got)
	}
	if n := len(srv.Store().Apps(app.OrgID)); n != 1 {
		t.Errorf("got %d apps after forged posts; want 1", n)
	}
}

// checkAdminOnlyGET checks that a GET of the Setup page p refuses user, a
// non-admin, with 403 Insufficient Privileges, and sends anon, who is not
// logged in, to the login page with startURL p.
func checkAdminOnlyGET(t *testing.T, ts *httptest.Server, user, anon *http.Client, p string) {
	t.Helper()
	resp, page := get(t, user, ts.URL+p)
	checkInsufficientPrivileges(t, resp, page)
	resp, _ = get(t, anon, ts.URL+p)
	if resp.Request.URL.Path != "/" || resp.Request.URL.Query().Get("startURL") != p {
		t.Errorf("anonymous: got %s; want the login page with startURL %s", resp.Request.URL, p)
	}
}

// checkInsufficientPrivileges checks a non-admin's answer from Setup.
func checkInsufficientPrivileges(t *testing.T, resp *http.Response, page string) {
	t.Helper()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(page, "Insufficient Privileges") {
		t.Errorf("non-admin: got %d; want 403 Insufficient Privileges", resp.StatusCode)
	}
}

func TestSetupNeedsAnAdminOnEveryPage(t *testing.T) {
	srv, ts := newServer(t)
	app := appNamed(t, srv, "Product Sync")
	id := "?applicationId=" + app.ID
	pages := []string{
		setup.HomePath, setup.AppManagerPath, setup.EditPath, setup.EditPath + id, setup.SavedPath + id, setup.DetailPath + id,
		setup.VerifyPath + id, setup.ConsumerPath + id, setup.DeletePath + id, setup.ManageAppsPath, setup.ManageAppPath + id, setup.PoliciesPath + id,
	}
	user, token := loggedIn(t, srv, ts, "sync@acme.test", "Sync-Pass-1")
	anon := browser(t, ts)
	for _, p := range pages {
		t.Run("GET "+p, func(t *testing.T) { checkAdminOnlyGET(t, ts, user, anon, p) })
	}
	for _, tt := range setupPosts(app) {
		t.Run("POST "+tt.name, func(t *testing.T) {
			resp, page := post(t, user, ts.URL+tt.path, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {app.ID}, "action": {"block"}})
			checkInsufficientPrivileges(t, resp, page)
		})
	}
	if got := appNamed(t, srv, "Product Sync"); !reflect.DeepEqual(got, app) {
		t.Errorf("a non-admin changed the app: %+v", got)
	}
}

// evilApp puts an app into the test org with evil in every field an
// admin types; external makes it an External Client App.
func evilApp(t *testing.T, srv *mocksf.Server, evil string, external bool) store.ConnectedApp {
	t.Helper()
	a := store.ConnectedApp{
		OrgID: srv.Store().Orgs()[0].ID, Name: evil, APIName: `x"><script>alert(1)</script>`, ContactEmail: evil,
		Description: evil, OAuthEnabled: true, CallbackURLs: []string{"https://example.com/" + evil}, Scopes: []string{"api"},
		Policy: store.DefaultAppPolicy(),
	}
	if external {
		a.Kind, a.DistributionState, a.Policy = store.KindExternalClientApp, evil, store.DefaultExternalClientAppPolicy()
	}
	app, err := srv.Store().CreateApp(a)
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// checkPageEscapes checks that the page at u opens and has no payload
// raw, and, when shown, that it shows payload escaped.
func checkPageEscapes(t *testing.T, c *http.Client, u, payload string, shown bool) {
	t.Helper()
	resp, page := get(t, c, u)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d; want 200", resp.StatusCode)
	}
	xsstest.CheckEscaped(t, u, page, payload, shown)
}

// verifyForConsumer asks for the consumer key and secret of the app with
// the admin's browser c (posting consumerPath) and types the mailed code
// into verifyPath, so that the session may see them.
func verifyForConsumer(t *testing.T, srv *mocksf.Server, ts *httptest.Server, c *http.Client, token, consumerPath, verifyPath, id string) {
	t.Helper()
	post(t, c, ts.URL+consumerPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {id}})
	post(t, c, ts.URL+verifyPath+"?applicationId="+id, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {srv.Mailer().Sent("admin@acme.test")[0].Code}})
}

func TestSetupPagesEscapeWhatAdminsType(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	const evil = xsstest.Script
	app := evilApp(t, srv, evil, false)
	// The consumer details need a verified session.
	verifyForConsumer(t, srv, ts, c, token, setup.ManagePath, setup.VerifyPath, app.ID)

	id := "?applicationId=" + app.ID
	for _, p := range []string{
		setup.AppManagerPath, setup.SavedPath + id, setup.DetailPath + id, setup.EditPath + id, setup.ConsumerPath + id,
		setup.DeletePath + id, setup.ManageAppsPath, setup.ManageAppPath + id, setup.PoliciesPath + id,
		setup.HomePath + "?q=" + url.QueryEscape(evil),
	} {
		t.Run(p, func(t *testing.T) { checkPageEscapes(t, c, ts.URL+p, evil, p != setup.SavedPath+id) })
	}
	// A refused form shows what was typed, escaped.
	_, page := post(t, c, ts.URL+setup.EditPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "name": {evil}, "description": {evil}})
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, `value="&lt;script&gt;alert(1)&lt;/script&gt;"`) {
		t.Errorf("the refused form does not escape the name")
	}
}

func TestManageConnectedAppsFromSetup(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	tests := []struct{ query, want string }{
		{"", `id="manageConnectedApps"`},
		{"connected", `id="manageConnectedApps"`},
		{"app manager", `id="appManager"`},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			_, page := get(t, c, ts.URL+setup.HomePath+"?q="+url.QueryEscape(tt.query))
			if !strings.Contains(page, tt.want) {
				t.Errorf("Setup home for %q lacks %s", tt.query, tt.want)
			}
		})
	}
	_, page := get(t, c, ts.URL+setup.ManageAppsPath)
	want := `<a id="manage-` + app.APIName + `" href="` + setup.ManageAppPath + `?applicationId=` + app.ID + `">Product Sync</a>`
	if !strings.Contains(page, want) {
		t.Errorf("Manage Connected Apps lacks %s", want)
	}
	_, page = get(t, c, ts.URL+setup.ManageAppPath+"?applicationId="+app.ID)
	wantContains(t, page, "the Manage page",
		`<dd id="policyPermittedUsers">All users may self-authorize</dd>`,
		`<dd id="policyRefresh">Refresh token is valid until revoked</dd>`,
		`id="editPolicies" href="`+setup.PoliciesPath+`?applicationId=`+app.ID+`"`,
	)
	for _, p := range []string{setup.EditPath, setup.DetailPath, setup.SavedPath, setup.ManageAppPath, setup.PoliciesPath, setup.DeletePath, setup.ConsumerPath} {
		for _, bad := range []string{"", "0H4000000000000AAA"} {
			if resp, page := get(t, c, ts.URL+p+"?applicationId="+bad); resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "Data Not Available") {
				t.Errorf("got %d from %s for applicationId %q; want 404 Data Not Available", resp.StatusCode, p, bad)
			}
		}
	}
}
