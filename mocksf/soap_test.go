package mocksf_test

// The SOAP partner API through the real router: login, getUserInfo and
// logout, and every fault. Requests go straight to the handler, so the
// test picks each request's address (RemoteAddr) and host.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
)

const soapSeed = `
orgs:
  - name: Acme
    trustedIpRanges: [198.51.100.0/24]
    users:
      - {username: admin@acme.test, password: Admin-Pass-1, admin: true, firstName: Avery, lastName: Admin, securityToken: TokTokTok1234567890abcdE}
      - {username: noapi@acme.test, password: NoAPI-Pass-1, apiEnabled: false}
      - {username: gone@acme.test, password: Gone-Pass-1, active: false}
  - name: Pro Co
    edition: Professional
    users:
      - {username: user@pro.test, password: Pro-Pass-1}
  - name: Frozen Co
    status: frozen
    users:
      - {username: user@frozen.test, password: Frozen-Pass-1}
  - name: Walled Co
    loginIpRanges: [10.0.0.0/8]
    users:
      - {username: user@walled.test, password: Walled-Pass-1}
`

const (
	soapLogin    = "http://127.0.0.1:1"
	soapInstance = "localhost:1"
	soapToken    = "TokTokTok1234567890abcdE"
)

func newSOAPServer(t *testing.T, configure func(*mocksf.Config)) *mocksf.Server {
	t.Helper()
	cfg := mocksf.Config{BaseURL: soapLogin, Seed: []byte(soapSeed)}
	if configure != nil {
		configure(&cfg)
	}
	srv, err := mocksf.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// soapCall posts body to path from remote (host: the login host unless
// host is set) and returns the status and body.
func soapCall(t *testing.T, srv *mocksf.Server, method, host, path, remote, body string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, soapLogin+path, strings.NewReader(body))
	if host != "" {
		r.Host = host
	}
	r.RemoteAddr = remote
	r.Header.Set("Content-Type", "text/xml")
	r.Header.Set("SOAPAction", `""`)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	if w.Code != http.StatusOK && w.Header().Get("Content-Type") != "text/xml;charset=UTF-8" {
		t.Errorf("%s %s: Content-Type %q; want text/xml;charset=UTF-8", method, path, w.Header().Get("Content-Type"))
	}
	return w.Code, string(b)
}

// loginEnvelope is what jsforce's loginBySoap sends.
func loginEnvelope(username, password string) string {
	return `<se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/"><se:Header/><se:Body>` +
		`<login xmlns="urn:partner.soap.sforce.com"><username>` + username + `</username><password>` + password +
		`</password></login></se:Body></se:Envelope>`
}

// sessionEnvelope is an operation of the partner API with a SessionHeader.
func sessionEnvelope(op, session string) string {
	return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">` +
		`<soapenv:Header><urn:SessionHeader><urn:sessionId>` + session + `</urn:sessionId></urn:SessionHeader></soapenv:Header>` +
		`<soapenv:Body><urn:` + op + `/></soapenv:Body></soapenv:Envelope>`
}

// apiFault is how the fault Salesforce sends for code begins.
func apiFault(code string) string {
	return `<faultcode>sf:` + code + `</faultcode><faultstring>` + code + `: `
}

var sessionIDPattern = regexp.MustCompile(`<sessionId>([^<]+)</sessionId>`)

func TestSOAPLogin(t *testing.T) {
	t.Parallel()
	srv := newSOAPServer(t, nil)
	status, body := soapCall(t, srv, "POST", "", "/services/Soap/u/64.0", "127.0.0.1:5000", loginEnvelope("admin@acme.test", "Admin-Pass-1"))
	if status != http.StatusOK {
		t.Fatalf("login = %d %s; want 200", status, body)
	}
	org := srv.Store().Orgs()[0]
	for _, want := range []string{
		`<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>`,
		`<serverUrl>http://localhost:1/services/Soap/u/64.0/` + org.ID[:15] + `</serverUrl>`,
		`<passwordExpired>false</passwordExpired><sandbox>false</sandbox>`,
		`<userInfo><accessibilityMode>false</accessibilityMode><currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>`,
		`<organizationId>` + org.ID + `</organizationId>`, `<organizationName>Acme</organizationName>`,
		`<roleId xsi:nil="true"/><sessionSecondsValid>7200</sessionSecondsValid>`,
		`<userFullName>Avery Admin</userFullName>`, `<userName>admin@acme.test</userName>`, `<userUiSkin>Theme3</userUiSkin></userInfo></result></loginResponse>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("login response lacks %s\n%s", want, body)
		}
	}
	m := sessionIDPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no sessionId")
	}
	session := m[1]

	// The session is a REST bearer token on the instance host.
	r := httptest.NewRequest("GET", "http://"+soapInstance+"/services/data/v64.0/limits", nil)
	r.Header.Set("Authorization", "Bearer "+session)
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Errorf("REST with the SOAP session = %d %s; want 200", w.Code, w.Body)
	}
	// userInfo's profileId is the user's Profile over REST.
	r = httptest.NewRequest("GET", "http://"+soapInstance+"/services/data/v64.0/query?q="+url.QueryEscape("SELECT ProfileId, Profile.Name FROM User WHERE Username = 'admin@acme.test'"), nil)
	r.Header.Set("Authorization", "Bearer "+session)
	w = httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	var q struct {
		Records []struct {
			ProfileID string `json:"ProfileId"`
			Profile   struct{ Name string }
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &q); err != nil || len(q.Records) != 1 {
		t.Fatalf("REST user query = %d %s (%v)", w.Code, w.Body, err)
	}
	if rec := q.Records[0]; rec.Profile.Name != "System Administrator" || !strings.Contains(body, "<profileId>"+rec.ProfileID+"</profileId>") {
		t.Errorf("REST says profile %s (%s); login response says\n%s", rec.ProfileID, rec.Profile.Name, body)
	}

	// getUserInfo at the serverUrl, then logout, after which the session is dead.
	serverPath := "/services/Soap/u/64.0/" + org.ID[:15]
	if status, body := soapCall(t, srv, "POST", soapInstance, serverPath, "127.0.0.1:1", sessionEnvelope("getUserInfo", session)); status != 200 ||
		!strings.Contains(body, `<getUserInfoResponse><result><accessibilityMode>false</accessibilityMode>`) || !strings.Contains(body, `<userName>admin@acme.test</userName>`) {
		t.Errorf("getUserInfo = %d %s", status, body)
	}
	if status, body := soapCall(t, srv, "POST", soapInstance, "/services/Soap/u/64.0", "127.0.0.1:1", sessionEnvelope("logout", session)); status != 200 ||
		!strings.Contains(body, `<soapenv:Body><logoutResponse/></soapenv:Body>`) {
		t.Errorf("logout = %d %s", status, body)
	}
	if status, body := soapCall(t, srv, "POST", soapInstance, serverPath, "127.0.0.1:1", sessionEnvelope("getUserInfo", session)); status != 500 ||
		!strings.Contains(body, apiFault("INVALID_SESSION_ID")) {
		t.Errorf("getUserInfo after logout = %d %s; want INVALID_SESSION_ID", status, body)
	}
}

func TestSOAPFaults(t *testing.T) {
	t.Parallel()
	const v = "/services/Soap/u/60.0"
	cases := []struct {
		name, method, path, remote, body string
		configure                        func(*mocksf.Config)
		wantStatus                       int
		want                             []string
	}{
		{name: "wrong password", body: loginEnvelope("admin@acme.test", "nope"), want: []string{
			`xmlns:sf="urn:fault.partner.soap.sforce.com"`,
			`<soapenv:Fault><faultcode>sf:INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault>`}},
		{name: "unknown user", body: loginEnvelope("who@acme.test", "x"), want: []string{apiFault("INVALID_LOGIN")}},
		{name: "untrusted address, no token", remote: "192.0.2.7:40000", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"),
			want: []string{`<faultcode>sf:LOGIN_MUST_USE_SECURITY_TOKEN</faultcode><faultstring>LOGIN_MUST_USE_SECURITY_TOKEN: Invalid username, password, security token; or user locked out. Are you at a new location?`, `<sf:LoginFault xsi:type="sf:LoginFault">`}},
		{name: "untrusted address, token", remote: "192.0.2.7:40000", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"+soapToken),
			wantStatus: 200, want: []string{"<loginResponse>"}},
		{name: "trusted range, no token", remote: "198.51.100.9:40000", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"),
			wantStatus: 200, want: []string{"<loginResponse>"}},
		{name: "loopback untrusted by setting", configure: func(c *mocksf.Config) { c.SecurityTokenFromLoopback = true },
			body: loginEnvelope("admin@acme.test", "Admin-Pass-1"), want: []string{apiFault("LOGIN_MUST_USE_SECURITY_TOKEN")}},
		{name: "Professional edition", body: loginEnvelope("user@pro.test", "Pro-Pass-1"),
			want: []string{`<faultcode>sf:API_DISABLED_FOR_ORG</faultcode><faultstring>API_DISABLED_FOR_ORG: API is not enabled for this Organization or Partner</faultstring>`}},
		{name: "user without API Enabled", body: loginEnvelope("noapi@acme.test", "NoAPI-Pass-1"),
			want: []string{`<faultstring>API_CURRENTLY_DISABLED: API is disabled for this User</faultstring>`}},
		{name: "inactive user", body: loginEnvelope("gone@acme.test", "Gone-Pass-1"), want: []string{apiFault("INVALID_LOGIN")}},
		{name: "frozen org", body: loginEnvelope("user@frozen.test", "Frozen-Pass-1"), want: []string{apiFault("INVALID_LOGIN")}},
		{name: "outside Login IP Ranges", body: loginEnvelope("user@walled.test", "Walled-Pass-1"), want: []string{apiFault("INVALID_LOGIN")}},
		{name: "login at 65.0", path: "/services/Soap/u/65.0", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"),
			want: []string{`<faultcode>sf:INVALID_OPERATION</faultcode><faultstring>INVALID_OPERATION: The SOAP Login operation is not available in the API version specified (65.0). Refer to the documentation for supported versions.</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">`}},
		{name: "login at 65.0, UNSUPPORTED_API_VERSION set", path: "/services/Soap/u/65.0", configure: func(c *mocksf.Config) { c.SOAPRetiredLoginFault = "UNSUPPORTED_API_VERSION" },
			body: loginEnvelope("admin@acme.test", "Admin-Pass-1"), want: []string{`<faultstring>UNSUPPORTED_API_VERSION: Invalid Api version specified on URL</faultstring>`}},
		{name: "version past the newest", path: "/services/Soap/u/68.0", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"),
			want: []string{`<faultcode>sf:UNSUPPORTED_API_VERSION</faultcode>`}},
		{name: "version with a v", path: "/services/Soap/u/v60.0", body: loginEnvelope("admin@acme.test", "Admin-Pass-1"),
			want: []string{`<faultcode>sf:UNSUPPORTED_API_VERSION</faultcode>`}},
		{name: "getUserInfo, bad session", body: sessionEnvelope("getUserInfo", "00Dx!AQbogus"),
			want: []string{`<faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session</faultstring><detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">`}},
		{name: "logout, no session header", body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><logout xmlns="urn:partner.soap.sforce.com"/></soapenv:Body></soapenv:Envelope>`,
			want: []string{apiFault("INVALID_SESSION_ID")}},
		{name: "empty body", body: "", want: []string{`<soapenv:Fault><faultcode>soapenv:Client</faultcode><faultstring>Premature end of file.</faultstring></soapenv:Fault>`}},
		{name: "not XML", body: "username=a", want: []string{`<faultstring>Content is not allowed in prolog.</faultstring>`}},
		{name: "unclosed XML", body: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>`, want: []string{`<faultcode>soapenv:Client</faultcode>`}},
		{name: "not an envelope", body: `<login xmlns="urn:partner.soap.sforce.com"/>`, want: []string{`<faultcode>soapenv:Client</faultcode>`}},
		{name: "unknown operation", body: sessionEnvelope("frobnicate", "x"),
			want: []string{`<faultstring>No operation available for request {urn:partner.soap.sforce.com}frobnicate, please check the WSDL for the service.</faultstring>`}},
		{name: "enterprise namespace", body: strings.ReplaceAll(loginEnvelope("a@b.c", "x"), "urn:partner", "urn:enterprise"),
			want: []string{`No operation available for request {urn:enterprise.soap.sforce.com}login`}},
		{name: "GET", method: "GET", wantStatus: 405, want: []string{`<faultcode>soapenv:Client</faultcode>`}},
		{name: "too large", body: "<" + strings.Repeat("a", 70<<10), wantStatus: 413, want: []string{`<faultcode>soapenv:Client</faultcode>`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newSOAPServer(t, tc.configure)
			method, path, remote, wantStatus := tc.method, tc.path, tc.remote, tc.wantStatus
			if method == "" {
				method = "POST"
			}
			if path == "" {
				path = v
			}
			if remote == "" {
				remote = "127.0.0.1:40000"
			}
			if wantStatus == 0 {
				wantStatus = http.StatusInternalServerError
			}
			status, body := soapCall(t, srv, method, "", path, remote, tc.body)
			if status != wantStatus {
				t.Errorf("status = %d; want %d\n%s", status, wantStatus, body)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %s\n%s", want, body)
				}
			}
		})
	}
}

func TestSOAPLoginLockout(t *testing.T) {
	t.Parallel()
	srv := newSOAPServer(t, func(c *mocksf.Config) { c.MaxLoginFailures = 3 })
	for i := 0; i < 3; i++ {
		soapCall(t, srv, "POST", "", "/services/Soap/u/60.0", "127.0.0.1:1", loginEnvelope("admin@acme.test", "wrong"))
	}
	if status, body := soapCall(t, srv, "POST", "", "/services/Soap/u/60.0", "127.0.0.1:1", loginEnvelope("admin@acme.test", "Admin-Pass-1")); status != 500 ||
		!strings.Contains(body, apiFault("INVALID_LOGIN")) {
		t.Errorf("right password after 3 failures = %d %s; want INVALID_LOGIN (locked out)", status, body)
	}
}

func TestNewRefusesAnUnknownRetiredLoginFault(t *testing.T) {
	t.Parallel()
	_, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:1", SOAPRetiredLoginFault: "INVALID_LOGIN"})
	if err == nil || !strings.Contains(err.Error(), `SOAPRetiredLoginFault "INVALID_LOGIN": want INVALID_OPERATION or UNSUPPORTED_API_VERSION`) {
		t.Errorf("New with SOAPRetiredLoginFault INVALID_LOGIN: %v; want the two codes named", err)
	}
}
