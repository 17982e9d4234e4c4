package mocksf_test

import (
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

// newECA puts an External Client App named name into the test org, as
// Create would save it.
func newECA(t *testing.T, srv *mocksf.Server, name string) store.ConnectedApp {
	t.Helper()
	app, err := srv.Store().CreateApp(store.ConnectedApp{
		OrgID: srv.Store().Orgs()[0].ID, Name: name, APIName: store.APIName(name), ContactEmail: "admin@acme.test",
		OAuthEnabled: true, CallbackURLs: []string{"https://app.example/cb"}, Scopes: []string{"api", "refresh_token"},
		Kind: store.KindExternalClientApp, DistributionState: store.DistributionLocal,
		Policy: store.DefaultExternalClientAppPolicy(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// validECAForm is a valid New External Client App form.
func validECAForm(token string) url.Values {
	return url.Values{
		"_CONFIRMATIONTOKEN": {token}, "name": {"Beacon Sync"}, "apiName": {"Beacon_Sync"},
		"contactEmail": {"admin@acme.test"}, "distributionState": {store.DistributionLocal}, "oauthEnabled": {"1"},
		"callbackUrl": {"http://127.0.0.1:9000/cb"}, "scopes": {"api", "refresh_token offline_access"},
		"requireSecretWebServer": {"1"}, "requireSecretRefresh": {"1"}, "requirePkce": {"1"},
		"enableDeviceFlow": {"1"},
	}
}

func TestNewExternalClientAppFormShowsEverySection(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	resp, page := get(t, c, ts.URL+setup.ECANewPath)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d", resp.StatusCode)
	}
	labels := map[string]string{
		"name": "External Client App Name", "apiName": "API Name", "contactEmail": "Contact Email",
		"distributionState": "Distribution State", "contactPhone": "Contact Phone", "infoUrl": "Info URL",
		"logoUrl": "Logo URL", "description": "Description", "oauthEnabled": "Enable OAuth", "callbackUrl": "Callback URL",
		"availableScopes": "Available OAuth Scopes", "selectedScopes": "Selected OAuth Scopes",
		"introspectAllTokens":                "Introspect All Tokens",
		"enableClientCredentials":            "Enable Client Credentials Flow",
		"enableAuthorizationCodeCredentials": "Enable Authorization Code and Credentials Flow",
		"enableDeviceFlow":                   "Enable Device Flow",
		"enableJwtBearer":                    "Enable JWT Bearer Flow",
		"certificate":                        "Certificate",
		"enableTokenExchange":                "Enable Token Exchange Flow",
		"requireSecretWebServer":             "Require secret for Web Server Flow",
		"requireSecretRefresh":               "Require secret for Refresh Token Flow",
		"requirePkce":                        "Require Proof Key for Code Exchange (PKCE) extension for Supported Authorization Flows",
		"refreshTokenRotation":               "Enable Refresh Token Rotation",
		"jwtAccessTokens":                    "Issue JSON Web Token (JWT)-based access tokens for named users",
	}
	for id, label := range labels {
		if !regexp.MustCompile(`<label [^>]*for="` + id + `"[^>]*>` + regexp.QuoteMeta(label) + `</label>`).MatchString(page) {
			t.Errorf("no label %q for #%s", label, id)
		}
		if !strings.Contains(page, `id="`+id+`"`) {
			t.Errorf("no element #%s", id)
		}
	}
	wantContains(t, page, "the form's headings", "<h2>Basic Information</h2>", "<h2>API (Enable OAuth Settings)</h2>", "<h3>App Settings</h3>", "<h3>Flow Enablement</h3>", "<h3>Security</h3>", "<h1>New External Client App</h1>")
	// The three Security settings start ticked; nothing else does.
	for _, id := range []string{"requireSecretWebServer", "requireSecretRefresh", "requirePkce"} {
		if present, checked := checkbox(page, id); !present || !checked {
			t.Errorf("#%s: present %v, checked %v; want ticked", id, present, checked)
		}
	}
	for _, id := range []string{"oauthEnabled", "introspectAllTokens", "enableClientCredentials", "enableAuthorizationCodeCredentials",
		"enableDeviceFlow", "enableJwtBearer", "enableTokenExchange", "refreshTokenRotation", "jwtAccessTokens"} {
		if present, checked := checkbox(page, id); !present || checked {
			t.Errorf("#%s: present %v, checked %v; want unticked", id, present, checked)
		}
	}
	wantContains(t, page, "form",
		`<form id="externalClientAppForm" method="post" action="`+setup.ECANewPath+`" enctype="multipart/form-data">`,
		`<select id="distributionState" name="distributionState"><option value="" selected>--None--</option><option value="Local">Local</option><option value="Packaged">Packaged</option></select>`,
		`<input type="submit" id="create" name="create" value="Create">`,
		`<input type="submit" id="createTop" name="create" value="Create">`,
		`<a class="button neutral" id="cancel" href="`+setup.ECAManagerPath+`">Cancel</a>`,
		`<a class="button neutral" id="cancelTop" href="`+setup.ECAManagerPath+`">Cancel</a>`,
		`<button type="button" class="neutral" id="addScope"`, `<button type="button" class="neutral" id="removeScope"`,
		`<select id="selectedScopes" name="scopes" multiple size="12"></select>`,
		`<script src="/static/eca-form.js"></script>`,
		`id="enableDeviceFlow-note">`+setup.NoteUnsimulatedFlow,
		`id="enableTokenExchange-note">`+setup.NoteUnsimulatedFlow,
		`id="enableAuthorizationCodeCredentials-note">`+setup.NoteUnsimulatedFlow,
		`id="jwtAccessTokens-note">`+setup.NoteUnsimulated,
	)
}

func TestNewExternalClientAppValidation(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	orgID := srv.Store().Orgs()[0].ID
	valid := validECAForm(token)
	set := func(k, v string) url.Values { return with(valid, map[string]string{k: v}) }
	tests := []struct {
		name        string
		form        url.Values
		certificate []byte
		field, want string
	}{
		{"missing name", set("name", ""), nil, "name", setup.MsgRequired},
		{"API name with a double underscore", set("apiName", "Beacon__Sync"), nil, "apiName", setup.MsgBadAPIName},
		{"API name with a trailing underscore", set("apiName", "Beacon_"), nil, "apiName", setup.MsgBadAPIName},
		{"API name starting with a digit", set("apiName", "9Beacon"), nil, "apiName", setup.MsgBadAPIName},
		{"API name with a space", set("apiName", "Beacon Sync"), nil, "apiName", setup.MsgBadAPIName},
		{"missing contact email", set("contactEmail", ""), nil, "contactEmail", setup.MsgRequired},
		{"bad contact email", set("contactEmail", "admin@"), nil, "contactEmail", setup.MsgBadEmail},
		{"missing distribution state", set("distributionState", ""), nil, "distributionState", setup.MsgRequired},
		{"unknown distribution state", set("distributionState", "Global"), nil, "distributionState", setup.MsgBadPicklist + "Global"},
		{"phone too long", set("contactPhone", strings.Repeat("9", 41)), nil, "contactPhone", setup.MsgPhoneTooLong},
		{"bad info URL", set("infoUrl", "example.com"), nil, "infoUrl", setup.MsgBadURL},
		{"bad logo URL", set("logoUrl", "ftp://example.com/logo.png"), nil, "logoUrl", setup.MsgBadURL},
		{"missing callback", set("callbackUrl", ""), nil, "callbackUrl", setup.MsgRequired},
		{"bad callback", set("callbackUrl", "not a url"), nil, "callbackUrl", setup.MsgBadCallback + "not a url"},
		{"long callback", set("callbackUrl", "https://example.com/"+strings.Repeat("a", 2000)), nil, "callbackUrl", setup.MsgCallbackTooLong},
		{"no scopes", set("scopes", ""), nil, "scopes", setup.MsgNoScopes},
		{"JWT bearer without a certificate", set("enableJwtBearer", "1"), nil, "certificate", setup.MsgCertificateRequired},
		{"JWT bearer with a bad certificate", set("enableJwtBearer", "1"), []byte("not a certificate"), "certificate", setup.MsgBadCertificate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := postMultipart(t, c, ts.URL+setup.ECANewPath, tt.form, tt.certificate)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != setup.ECANewPath {
				t.Fatalf("got %d at %s; want the form again", resp.StatusCode, resp.Request.URL.Path)
			}
			errs := fieldErrors(page)
			if len(errs) != 1 || !strings.Contains(errs[tt.field], tt.want) {
				t.Errorf("field errors %v; want only %s: %q", errs, tt.field, tt.want)
			}
			if !strings.Contains(page, `id="error" class="error" role="alert">`+setup.MsgInvalidData) {
				t.Errorf("no Invalid Data banner")
			}
			// Nothing typed is lost.
			if tt.field != "name" && !strings.Contains(page, `value="Beacon Sync"`) {
				t.Errorf("the name typed was lost")
			}
			if tt.field != "scopes" && !strings.Contains(page, `<select id="selectedScopes" name="scopes" multiple size="12"><option value="api">`) {
				t.Errorf("the selected scopes were lost")
			}
			if tt.field != "distributionState" && !strings.Contains(page, `<option value="Local" selected>Local</option>`) {
				t.Errorf("the Distribution State chosen was lost")
			}
			if _, checked := checkbox(page, "enableDeviceFlow"); !checked {
				t.Errorf("Enable Device Flow was unticked")
			}
		})
	}
	for _, a := range srv.Store().Apps(orgID) {
		if a.External() {
			t.Fatalf("an invalid form saved %q", a.Name)
		}
	}
}

func TestCreateExternalClientApp(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	form := with(validECAForm(token), map[string]string{"distributionState": store.DistributionPackaged,
		"apiName": "", "enableClientCredentials": "1", "enableAuthorizationCodeCredentials": "1", "enableTokenExchange": "1",
		"enableJwtBearer": "1", "jwtAccessTokens": "1", "introspectAllTokens": "1", "refreshTokenRotation": "1", "requirePkce": ""})
	resp, page := postMultipart(t, c, ts.URL+setup.ECANewPath, form, []byte(testCertificate(t)))
	app := appNamed(t, srv, "Beacon Sync")
	if resp.Request.URL.Path != setup.ECADetailPath || resp.Request.URL.Query().Get("applicationId") != app.ID || resp.Request.URL.Query().Get("tab") != "settings" {
		t.Fatalf("Create led to %s; want the app's Settings tab", resp.Request.URL)
	}
	if !app.External() || app.DistributionState != store.DistributionPackaged || app.APIName != "Beacon_Sync" {
		t.Errorf("saved kind %q, distribution state %q, API name %q", app.Kind, app.DistributionState, app.APIName)
	}
	want := store.AppFlows{AuthorizationCodeAndCredentials: true, Device: true, JWTBearer: true, TokenExchange: true}
	if app.Policy.Flows != want {
		t.Errorf("saved flows %+v; want %+v", app.Policy.Flows, want)
	}
	p := app.Policy
	if !p.ClientCredentials || !p.IntrospectAll || !p.RotateRefreshTokens || p.RequirePKCE || !p.RequireSecretWebServer || !p.RequireSecretRefresh || p.CertificatePEM == "" {
		t.Errorf("saved policy %+v", p)
	}
	if app.Unsimulated["jwtAccessTokens"] != "true" {
		t.Errorf("saved unsimulated settings %v; want jwtAccessTokens", app.Unsimulated)
	}
	wantContains(t, page, "Settings tab",
		`<h1 id="appTitle">Beacon Sync</h1>`,
		`<a id="settingsTab" href="`+setup.ECADetailPath+`?applicationId=`+app.ID+`&amp;tab=settings" aria-current="page">Settings</a>`,
		`<a id="policiesTab" href="`+setup.ECADetailPath+`?applicationId=`+app.ID+`&amp;tab=policies">Policies</a>`,
		`<form method="post" action="`+setup.ECAConsumerPath+`" target="_blank">`,
		`<button type="submit" id="consumerKeyAndSecret">Consumer Key and Secret</button>`,
		`<a class="button neutral" id="editSettings" href="`+setup.ECAEditSettingsPath+`?applicationId=`+app.ID+`">Edit</a>`,
		`<dd id="detailDistributionState">Packaged`, `<dd id="detailDeviceFlow">Checked`, `<dd id="detailRequirePkce">Not Checked`,
		`<dd id="detailJwtAccessTokens">Checked`, "<h2>OAuth Settings</h2>",
	)
	if strings.Contains(page, app.ConsumerSecret) {
		t.Errorf("the Settings tab shows the consumer secret")
	}
	// A second app of the same name is refused, with nothing saved.
	_, page = postMultipart(t, c, ts.URL+setup.ECANewPath, validECAForm(token), nil)
	if errs := fieldErrors(page); errs["name"] != setup.MsgDuplicateECAName {
		t.Errorf("duplicate: field errors %v; want name: %q", errs, setup.MsgDuplicateECAName)
	}
	// The URL-encoded form (no certificate) works too.
	resp, _ = post(t, c, ts.URL+setup.ECANewPath, with(validECAForm(token), map[string]string{"name": "Plain", "apiName": "Plain"}))
	if resp.Request.URL.Path != setup.ECADetailPath {
		t.Errorf("a URL-encoded Create led to %s", resp.Request.URL.Path)
	}
}

func TestExternalClientAppConsumerKeyAndSecret(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := newECA(t, srv, "Beacon")
	consumer := ts.URL + setup.ECAConsumerPath + "?applicationId=" + app.ID
	// Opened without verifying, the page goes back to the Settings tab.
	resp, page := get(t, c, consumer)
	if resp.Request.URL.Path != setup.ECADetailPath || strings.Contains(page, app.ConsumerSecret) {
		t.Fatalf("unverified consumer page led to %s", resp.Request.URL)
	}
	before := len(srv.Mailer().Sent("admin@acme.test"))
	resp, page = post(t, c, ts.URL+setup.ECAConsumerPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {app.ID}})
	if resp.Request.URL.Path != setup.ECAVerifyPath || !strings.Contains(page, `id="emc"`) || !strings.Contains(page, `id="save"`) {
		t.Fatalf("Consumer Key and Secret led to %s: %s", resp.Request.URL.Path, page)
	}
	if strings.Contains(page, app.ConsumerSecret) {
		t.Fatal("secret shown before verification")
	}
	if want := "You're trying to view the consumer key and secret of an external client app."; !strings.Contains(html.UnescapeString(page), want) {
		t.Errorf("verification page lacks %q", want)
	}
	if want := `action="` + setup.ECAVerifyPath + `?applicationId=` + app.ID + `"`; !strings.Contains(page, want) {
		t.Errorf("verification page lacks %s", want)
	}
	mails := srv.Mailer().Sent("admin@acme.test")
	if len(mails) != before+1 {
		t.Fatalf("got %d mails; want %d", len(mails), before+1)
	}
	verify := ts.URL + setup.ECAVerifyPath + "?applicationId=" + app.ID
	wrong := "000000"
	if mails[0].Code == wrong {
		wrong = "111111"
	}
	_, page = post(t, c, verify, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {wrong}})
	if !strings.Contains(page, `id="error"`) || strings.Contains(page, app.ConsumerSecret) {
		t.Errorf("a wrong code: want the error and no secret")
	}
	resp, page = post(t, c, verify, url.Values{"_CONFIRMATIONTOKEN": {token}, "emc": {mails[0].Code}})
	if resp.Request.URL.Path != setup.ECAConsumerPath {
		t.Fatalf("the right code led to %s", resp.Request.URL.Path)
	}
	wantContains(t, page, "consumer page",
		`<div class="secret" id="consumerKey">`+app.ConsumerKey+`</div>`,
		`<div class="secret" id="consumerSecret">`+app.ConsumerSecret+`</div>`,
		`id="copyConsumerKey" data-copy="consumerKey">Copy</button>`, `id="copyConsumerSecret" data-copy="consumerSecret">Copy</button>`,
		`<script src="/static/copy.js"></script>`, `<h1>Consumer Key and Secret</h1>`,
	)
	// A verified session goes straight to them, with no new mail.
	sent := len(srv.Mailer().Sent("admin@acme.test"))
	resp, page = post(t, c, ts.URL+setup.ECAConsumerPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {app.ID}})
	if resp.Request.URL.Path != setup.ECAConsumerPath || !strings.Contains(page, app.ConsumerSecret) || len(srv.Mailer().Sent("admin@acme.test")) != sent {
		t.Errorf("verified session: at %s, %d mails", resp.Request.URL.Path, len(srv.Mailer().Sent("admin@acme.test"))-sent)
	}
	// Resend Code mails a new code.
	other := newECA(t, srv, "Other")
	post(t, c, ts.URL+setup.ECAConsumerPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {other.ID}})
	sent = len(srv.Mailer().Sent("admin@acme.test"))
	resp, _ = post(t, c, ts.URL+setup.ECAVerifyPath+"?applicationId="+other.ID, url.Values{"_CONFIRMATIONTOKEN": {token}, "resend": {"1"}})
	if resp.Request.URL.Path != setup.ECAVerifyPath || len(srv.Mailer().Sent("admin@acme.test")) != sent+1 {
		t.Errorf("Resend Code: at %s, %d new mails", resp.Request.URL.Path, len(srv.Mailer().Sent("admin@acme.test"))-sent)
	}
}

func TestEditExternalClientAppSettings(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := newECA(t, srv, "Beacon")
	edit := ts.URL + setup.ECAEditSettingsPath + "?applicationId=" + app.ID
	_, page := get(t, c, edit)
	wantContains(t, page, "Edit Settings",
		`<h1>Edit Settings: Beacon</h1>`, `value="Beacon"`, `<option value="Local" selected>Local</option>`,
		`<input type="submit" id="save" name="save" value="Save">`, `<input type="submit" id="saveTop" name="save" value="Save">`,
		`<a class="button neutral" id="cancel" href="`+setup.ECADetailPath+`?applicationId=`+app.ID+`&amp;tab=settings">Cancel</a>`,
		`<select id="selectedScopes" name="scopes" multiple size="12"><option value="api">`,
	)
	if _, checked := checkbox(page, "requirePkce"); !checked {
		t.Errorf("Require PKCE not ticked on Edit Settings")
	}
	form := with(validECAForm(token), map[string]string{"name": "Beacon 2", "apiName": "Beacon_2", "enableTokenExchange": "1", "enableDeviceFlow": ""})
	_, page = post(t, c, edit, with(form, map[string]string{"contactEmail": "nope"}))
	if errs := fieldErrors(page); errs["contactEmail"] != setup.MsgBadEmail {
		t.Errorf("field errors %v; want contactEmail", errs)
	}
	resp, page := post(t, c, edit, form)
	if resp.Request.URL.Path != setup.ECADetailPath || !strings.Contains(page, `<h1 id="appTitle">Beacon 2</h1>`) {
		t.Fatalf("Save led to %s", resp.Request.URL)
	}
	got, _ := srv.Store().AppByKey(app.ConsumerKey)
	if got.Name != "Beacon 2" || !got.Policy.Flows.TokenExchange || got.Policy.Flows.Device || !got.External() || got.ConsumerSecret != app.ConsumerSecret {
		t.Errorf("saved %+v", got)
	}
}

func TestExternalClientAppPolicies(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := newECA(t, srv, "Beacon")
	sync := userNamed(t, srv, "sync@acme.test")
	policies := ts.URL + setup.ECAPoliciesPath + "?applicationId=" + app.ID
	_, page := get(t, c, policies)
	wantContains(t, page, "Edit Policies",
		`<h1>Edit Policies: Beacon</h1>`, `<select id="permittedUsers" name="permittedUsers">`,
		`<option value="admin-approved">Admin approved users are pre-authorized</option>`,
		`<select id="ipRelaxation" name="ipRelaxation">`, `<legend>Refresh Token Policy</legend>`,
		`<label for="sessionTimeout">Timeout Value</label>`, `id="assignedUser-`+sync.ID+`"`,
		`<input type="submit" id="save" name="save" value="Save">`, `<input type="submit" id="saveTop" name="save" value="Save">`,
		`id="cancelTop"`, `id="cancel"`, html.EscapeString(setup.MsgAssignedUsersNote),
	)
	if strings.Contains(page, `id="runAsUser"`) {
		t.Errorf("Run As shown without the client credentials flow")
	}
	base := url.Values{"_CONFIRMATIONTOKEN": {token}, "permittedUsers": {setup.PermittedAll}, "refreshPolicy": {store.RefreshUntilRevoked},
		"ipRelaxation": {store.IPEnforce}, "sessionTimeout": {""}}
	tests := []struct {
		name        string
		form        url.Values
		field, want string
	}{
		{"unknown Permitted Users", with(base, map[string]string{"permittedUsers": "everyone"}), "permittedUsers", setup.MsgBadPicklist + "everyone"},
		{"unknown user", with(base, map[string]string{"assignedUsers": "005000000000000AAA"}), "assignedUsers", setup.MsgNoSuchUser},
		{"unknown IP Relaxation", with(base, map[string]string{"ipRelaxation": "open"}), "ipRelaxation", setup.MsgBadPicklist + "open"},
		{"idle refresh without N", with(base, map[string]string{"refreshPolicy": store.RefreshIdle, "refreshIdleUnit": "hours"}), "refreshIdleValue", setup.MsgRequired},
		{"absolute refresh of 0", with(base, map[string]string{"refreshPolicy": store.RefreshAbsolute, "refreshAbsoluteValue": "0", "refreshAbsoluteUnit": "days"}), "refreshAbsoluteValue", setup.MsgBadNumber},
		{"unknown Timeout Value", with(base, map[string]string{"sessionTimeout": "7"}), "sessionTimeout", setup.MsgBadPicklist + "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, page := post(t, c, policies, tt.form)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != setup.ECAPoliciesPath {
				t.Fatalf("got %d at %s; want the form again", resp.StatusCode, resp.Request.URL.Path)
			}
			if errs := fieldErrors(page); len(errs) != 1 || errs[tt.field] != tt.want {
				t.Errorf("field errors %v; want only %s: %q", errs, tt.field, tt.want)
			}
		})
	}
	if got, _ := srv.Store().AppByKey(app.ConsumerKey); got.Policy.AdminApproved || got.Unsimulated["sessionTimeout"] != "" {
		t.Fatalf("an invalid form saved: %+v", got)
	}
	resp, page := post(t, c, policies, with(base, map[string]string{"permittedUsers": setup.PermittedAdminApproved,
		"assignedUsers": sync.ID, "ipRelaxation": store.IPRelax, "sessionTimeout": "15", "refreshPolicy": store.RefreshImmediately}))
	if resp.Request.URL.Path != setup.ECADetailPath || resp.Request.URL.Query().Get("tab") != "policies" {
		t.Fatalf("Save led to %s; want the Policies tab", resp.Request.URL)
	}
	wantContains(t, page, "Policies tab",
		`<dd id="detailPermittedUsers">Admin approved users are pre-authorized</dd>`, `<dd id="detailAssignedUsers">sync@acme.test<br>`,
		`<dd id="detailIpRelaxation">Relax IP restrictions</dd>`, `<dd id="detailRefreshPolicy">Immediately expire refresh token</dd>`,
		`<dd id="detailSessionTimeout">15 minutes`, `aria-current="page">Policies</a>`,
		`<a class="button neutral" id="editPolicies" href="`+setup.ECAPoliciesPath+`?applicationId=`+app.ID+`">Edit</a>`,
	)
	got, _ := srv.Store().AppByKey(app.ConsumerKey)
	if !got.Policy.AdminApproved || len(got.Policy.AssignedUserIDs) != 1 || got.Policy.IPRelaxation != store.IPRelax || got.Unsimulated["sessionTimeout"] != "15" {
		t.Errorf("saved %+v %v", got.Policy, got.Unsimulated)
	}

	// With the client credentials flow, Run As is asked for.
	if _, err := srv.Store().UpdateApp(app.ConsumerKey, func(a *store.ConnectedApp) { a.Policy.ClientCredentials = true }); err != nil {
		t.Fatal(err)
	}
	_, page = post(t, c, policies, base)
	if errs := fieldErrors(page); errs["runAsUser"] != setup.MsgRequired {
		t.Errorf("field errors %v; want runAsUser: %q", errs, setup.MsgRequired)
	}
	_, page = post(t, c, policies, with(base, map[string]string{"runAsUser": sync.ID}))
	if !strings.Contains(page, `<dd id="detailRunAs">sync@acme.test</dd>`) {
		t.Errorf("the Policies tab does not show the Run As user")
	}
}

func TestDeleteExternalClientAppStopsItsTokens(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	app := newECA(t, srv, "Beacon")
	sync := userNamed(t, srv, "sync@acme.test")
	at, rt, err := srv.Store().IssueTokens("", app.ConsumerKey, sync.ID, app.Scopes, true)
	if err != nil {
		t.Fatal(err)
	}
	deleteURL := ts.URL + setup.ECADeletePath + "?applicationId=" + app.ID
	_, page := get(t, c, deleteURL)
	wantContains(t, page, "confirmation page", "<h1>Delete External Client App</h1>", "Are you sure you want to delete <strong>Beacon</strong>?", html.EscapeString(setup.MsgECADeleteNotice), `id="confirmDelete"`)
	if _, err := srv.Store().AppByKey(app.ConsumerKey); err != nil {
		t.Fatal("the confirmation page deleted the app")
	}
	resp, _ := post(t, c, deleteURL, url.Values{"_CONFIRMATIONTOKEN": {token}})
	if resp.Request.URL.Path != setup.ECAManagerPath {
		t.Fatalf("delete led to %s; want the External Client App Manager", resp.Request.URL.Path)
	}
	if _, err := srv.Store().AppByKey(app.ConsumerKey); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the app outlived Delete: %v", err)
	}
	if _, err := srv.Store().LookupAccessToken(at.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the access token outlived its app: %v", err)
	}
	if _, err := srv.Store().LookupRefreshToken(rt.Token); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the refresh token outlived its app: %v", err)
	}
	if resp, _ := get(t, c, deleteURL); resp.StatusCode != http.StatusNotFound {
		t.Errorf("got %d for the deleted app's page; want 404", resp.StatusCode)
	}
}

// Every External Client App page answers 404 Data Not Available for an
// unknown ID, a connected app and another org's app; a connected-app page
// does the same for an External Client App.
func TestExternalClientAppPagesNotFound(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	eca := newECA(t, srv, "Beacon")
	connected := appNamed(t, srv, "Product Sync")
	org, err := srv.Store().CreateOrg(store.OrgSpec{Name: "Globex"})
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := srv.Store().CreateApp(store.ConnectedApp{OrgID: org.Org.ID, Name: "Foreign", APIName: "Foreign", Kind: store.KindExternalClientApp})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"unknown": "0H4000000000000AAA", "connected app": connected.ID, "another org's": foreign.ID, "none": ""}
	for what, id := range ids {
		q := "?applicationId=" + id
		for _, p := range []string{setup.ECADetailPath + q, setup.ECADetailPath + q + "&tab=policies", setup.ECAEditSettingsPath + q,
			setup.ECAPoliciesPath + q, setup.ECAConsumerPath + q, setup.ECAVerifyPath + q, setup.ECADeletePath + q} {
			t.Run(what+" GET "+p, func(t *testing.T) {
				resp, page := get(t, c, ts.URL+p)
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "Data Not Available") {
					t.Errorf("got %d; want 404 Data Not Available", resp.StatusCode)
				}
			})
		}
		posts := []string{setup.ECAEditSettingsPath + q, setup.ECAPoliciesPath + q, setup.ECAVerifyPath + q, setup.ECADeletePath + q, setup.ECAConsumerPath}
		for _, p := range posts {
			t.Run(what+" POST "+p, func(t *testing.T) {
				resp, page := post(t, c, ts.URL+p, url.Values{"_CONFIRMATIONTOKEN": {token}, "applicationId": {id}})
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(page, "Data Not Available") {
					t.Errorf("got %d; want 404 Data Not Available", resp.StatusCode)
				}
			})
		}
	}
	for _, p := range []string{setup.DetailPath, setup.EditPath, setup.ManageAppPath, setup.PoliciesPath, setup.DeletePath, setup.ConsumerPath} {
		t.Run("connected-app page "+p, func(t *testing.T) {
			resp, _ := get(t, c, ts.URL+p+"?applicationId="+eca.ID)
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("got %d for an External Client App; want 404", resp.StatusCode)
			}
		})
	}
	if _, err := srv.Store().AppByKey(eca.ConsumerKey); err != nil {
		t.Errorf("the External Client App is gone: %v", err)
	}
	if _, err := srv.Store().AppByKey(connected.ConsumerKey); err != nil {
		t.Errorf("the connected app is gone: %v", err)
	}
}

func TestExternalClientAppSettingsLiftTheRestriction(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	org := srv.Store().Orgs()[0]
	if err := srv.Store().SetRestrictConnectedApps(org.ID, true); err != nil {
		t.Fatal(err)
	}
	link := `<a id="externalClientAppSettings" href="` + setup.ECASettingsPath + `">External Client App Settings</a>`
	checkRestricted := func(resp *http.Response, page string, status int) {
		t.Helper()
		if resp.StatusCode != status || !strings.Contains(html.UnescapeString(page), setup.MsgCreationRestricted) ||
			!strings.Contains(page, setup.MsgAllowConnectedApps) || !strings.Contains(page, link) {
			t.Errorf("got %d without the notice and its link: %s", resp.StatusCode, page)
		}
	}
	resp, page := get(t, c, ts.URL+setup.EditPath)
	checkRestricted(resp, page, http.StatusOK)
	resp, page = post(t, c, ts.URL+setup.EditPath, with(newAppForm("Forged"), map[string]string{"_CONFIRMATIONTOKEN": token}))
	checkRestricted(resp, page, http.StatusForbidden)
	resp, page = post(t, c, ts.URL+setup.ChoosePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "appType": {setup.AppTypeConnected}})
	checkRestricted(resp, page, http.StatusOK)
	// The chooser's External Client App goes on to its form all the same.
	resp, _ = post(t, c, ts.URL+setup.ChoosePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "appType": {setup.AppTypeExternalClient}})
	if resp.Request.URL.Path != setup.ECANewPath {
		t.Errorf("Create an External Client App led to %s", resp.Request.URL.Path)
	}

	_, page = get(t, c, ts.URL+setup.ECASettingsPath)
	if present, checked := checkbox(page, "allowConnectedAppCreation"); !present || checked {
		t.Errorf("restricted org: Allow creation of connected apps present %v, ticked %v; want unticked", present, checked)
	}
	wantContains(t, page, "settings page", "<h1>External Client App Settings</h1>", `<label class="inline" for="allowConnectedAppCreation">Allow creation of connected apps</label>`,
		`<input type="submit" id="save" name="save" value="Save">`)
	resp, page = post(t, c, ts.URL+setup.ECASettingsPath, url.Values{"_CONFIRMATIONTOKEN": {token}, "allowConnectedAppCreation": {"1"}})
	if resp.Request.URL.Path != setup.ECASettingsPath || !strings.Contains(page, setup.MsgSettingsSaved) {
		t.Errorf("Save led to %s", resp.Request.URL.Path)
	}
	if _, checked := checkbox(page, "allowConnectedAppCreation"); !checked {
		t.Errorf("after Save ticked, the box is unticked")
	}
	if o, _ := srv.Store().Org(org.ID); o.RestrictConnectedApps {
		t.Fatalf("the org is still restricted")
	}
	resp, page = get(t, c, ts.URL+setup.EditPath)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="connectedAppForm"`) {
		t.Errorf("New Connected App after lifting: %d without the form", resp.StatusCode)
	}
	resp, _ = post(t, c, ts.URL+setup.ChoosePath, url.Values{"_CONFIRMATIONTOKEN": {token}, "appType": {setup.AppTypeConnected}})
	if resp.Request.URL.Path != setup.EditPath {
		t.Errorf("the chooser led to %s; want the form", resp.Request.URL.Path)
	}
	// Saving it unticked restricts the org again.
	post(t, c, ts.URL+setup.ECASettingsPath, url.Values{"_CONFIRMATIONTOKEN": {token}})
	if o, _ := srv.Store().Org(org.ID); !o.RestrictConnectedApps {
		t.Errorf("saving unticked did not restrict the org")
	}
}

func TestAppManagerListsEveryKindOfApp(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	eca := newECA(t, srv, "Beacon")
	connected := appNamed(t, srv, "Product Sync")
	_, page := get(t, c, ts.URL+setup.AppManagerPath)
	wantContains(t, page, "App Manager",
		`<a class="button" id="newConnectedApp" href="`+setup.ChoosePath+`">New Connected App</a>`,
		`<a class="button" id="newExternalClientApp" href="`+setup.ECANewPath+`">New External Client App</a>`,
		"<td>Product Sync</td><td>"+connected.APIName+"</td><td>Connected</td>",
		"<td>Beacon</td><td>Beacon</td><td>External Client App</td>",
		`id="row-Beacon-view" href="`+setup.ECADetailPath+`?applicationId=`+eca.ID+`&amp;tab=settings">View</a>`,
		`id="row-Beacon-editSettings" href="`+setup.ECAEditSettingsPath+`?applicationId=`+eca.ID+`">Edit Settings</a>`,
		`id="row-Beacon-editPolicies" href="`+setup.ECAPoliciesPath+`?applicationId=`+eca.ID+`">Edit Policies</a>`,
		`id="row-Beacon-delete" href="`+setup.ECADeletePath+`?applicationId=`+eca.ID+`">Delete</a>`,
		`id="row-`+connected.APIName+`-manage" href="`+setup.ManageAppPath+`?applicationId=`+connected.ID+`">Manage</a>`,
	)
	lightning := map[string]string{"Sales": "LightningSales", "Service": "Service", "Marketing": "Marketing", "Platform": "Platform",
		"Sales Console": "LightningSalesConsole", "Service Console": "LightningService"}
	for name, dev := range lightning {
		if want := "<td>" + name + "</td><td>" + dev + "</td><td>Lightning</td>"; !strings.Contains(page, want) {
			t.Errorf("App Manager lacks %s", want)
		}
		for _, action := range []string{"view", "edit"} {
			if !strings.Contains(page, `id="row-`+dev+`-`+action+`" href="`+setup.LightningAppPath+`?app=`+dev+`"`) {
				t.Errorf("App Manager lacks the %s of %s", action, name)
			}
		}
	}
	resp, page := get(t, c, ts.URL+setup.LightningAppPath+"?app=LightningSales")
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "<h1>Sales</h1>") || !strings.Contains(html.UnescapeString(page), setup.MsgLightningApp) {
		t.Errorf("Lightning app page: %d %s", resp.StatusCode, page)
	}
	if resp, _ := get(t, c, ts.URL+setup.LightningAppPath+"?app=Nope"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown Lightning app: %d; want 404", resp.StatusCode)
	}
	// Ordered by name, as App Manager orders them.
	if strings.Index(page, "<td>Beacon</td>") > strings.Index(page, "<td>Marketing</td>") {
		t.Errorf("Beacon listed after Marketing")
	}
}

func TestExternalClientAppManager(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	_, page := get(t, c, ts.URL+setup.ECAManagerPath)
	if !strings.Contains(page, `id="noExternalClientApps"`) {
		t.Errorf("an org without External Client Apps: no empty row")
	}
	eca := newECA(t, srv, "Beacon")
	_, page = get(t, c, ts.URL+setup.ECAManagerPath)
	wantContains(t, page, "External Client App Manager",
		"<h1>External Client App Manager</h1>",
		`<a class="button" id="newExternalClientApp" href="`+setup.ECANewPath+`">New External Client App</a>`,
		"<th>External Client App Name</th><th>API Name</th><th>Distribution State</th><th>Last Modified Date</th>",
		"<td>Beacon</td><td>Beacon</td><td>Local</td>",
		`id="row-Beacon-view" href="`+setup.ECADetailPath+`?applicationId=`+eca.ID+`&amp;tab=settings">View</a>`,
		`id="row-Beacon-editSettings"`, `id="row-Beacon-editPolicies"`, `id="row-Beacon-delete"`,
	)
	if strings.Contains(page, "Product Sync") {
		t.Errorf("the External Client App Manager lists a connected app")
	}
	// Manage Connected Apps, whose links lead to connected-app pages,
	// lists connected apps only.
	_, page = get(t, c, ts.URL+setup.ManageAppsPath)
	if !strings.Contains(page, "Product Sync") || strings.Contains(page, "Beacon") {
		t.Errorf("Manage Connected Apps does not list the connected app alone")
	}
}

// ecaAdmin is a browser of the seeded admin, with an External Client App
// to act on, for the CSRF table.
func ecaAdmin(t *testing.T, srv *mocksf.Server, ts *httptest.Server) (*http.Client, string, store.ConnectedApp) {
	t.Helper()
	c, token := adminBrowser(t, srv, ts)
	return c, token, newECA(t, srv, "Beacon")
}

// Edit Settings keeps the uploaded certificate when no new file is chosen,
// and unticking Enable JWT Bearer Flow drops it.
func TestEditExternalClientAppKeepsTheCertificate(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	form := with(validECAForm(token), map[string]string{"enableJwtBearer": "1"})
	postMultipart(t, c, ts.URL+setup.ECANewPath, form, []byte(testCertificate(t)))
	app := appNamed(t, srv, "Beacon Sync")
	if app.Policy.CertificatePEM == "" || !app.Policy.Flows.JWTBearer {
		t.Fatalf("Create saved no certificate")
	}
	edit := ts.URL + setup.ECAEditSettingsPath + "?applicationId=" + app.ID
	_, page := get(t, c, edit)
	if !strings.Contains(page, `id="currentCertificate">Uploaded certificate: CN=beacon-jwt`) {
		t.Errorf("Edit Settings does not show the uploaded certificate")
	}
	resp, page := postMultipart(t, c, edit, form, nil)
	if resp.Request.URL.Path != setup.ECADetailPath || !strings.Contains(page, `<dd id="detailJwtBearer">Checked (CN=beacon-jwt`) {
		t.Fatalf("Save without a new file led to %s", resp.Request.URL.Path)
	}
	if got := appNamed(t, srv, "Beacon Sync"); got.Policy.CertificatePEM != app.Policy.CertificatePEM {
		t.Errorf("the certificate changed")
	}
	postMultipart(t, c, edit, with(form, map[string]string{"enableJwtBearer": ""}), nil)
	if got := appNamed(t, srv, "Beacon Sync"); got.Policy.CertificatePEM != "" || got.Policy.Flows.JWTBearer {
		t.Errorf("unticked JWT bearer kept %+v", got.Policy.Flows)
	}
}
