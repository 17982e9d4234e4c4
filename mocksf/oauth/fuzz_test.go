package oauth_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// checkTokenAnswer fails unless an answer of the token or introspection
// endpoint is one mocksf may give: 200 with a token, or 400 (401 for
// introspection) with exactly a non-empty error and error_description,
// as JSON, form-encoded or XML (the token endpoint's format parameter).
func checkTokenAnswer(t *testing.T, rec *httptest.ResponseRecorder, ok func(map[string]any) bool) {
	t.Helper()
	m, err := decodeAnswer(rec.Header().Get("Content-Type"), rec.Body.Bytes())
	if err != nil {
		t.Fatalf("status %d, body %q: %v", rec.Code, rec.Body.String(), err)
	}
	switch rec.Code {
	case http.StatusOK:
		if !ok(m) {
			t.Fatalf("200 with %q", rec.Body.String())
		}
	case http.StatusBadRequest, http.StatusUnauthorized:
		code, _ := m["error"].(string)
		desc, _ := m["error_description"].(string)
		if len(m) != 2 || code == "" || desc == "" {
			t.Fatalf("error body %q; want error and error_description only", rec.Body.String())
		}
	default:
		t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
	}
}

// FuzzTokenForm sends arbitrary bodies, content types and Authorization
// headers to the token endpoint: it must never fail with a 500 or panic,
// and always answer with a token or a Salesforce-shaped error (JSON, or
// the form or XML the format parameter asks for). The
// seeds are the shapes of the table tests' requests, including ones that
// succeed.
func FuzzTokenForm(f *testing.F) {
	e := newTokenEnv(f)
	e.store.Approve(e.user(f, tkUser).ID, tkKeyJWT)
	e.store.Approve(e.user(f, tkUser).ID, tkKeyMain)
	code := func(o codeOpts) string { return e.mintCode(f, tkKeyMain, tkUser, o) }
	rt := decodeTokenTB(f, e, tkForm("grant_type", "authorization_code", "code", code(codeOpts{}), "client_id", tkKeyMain,
		"client_secret", tkSecret, "redirect_uri", tkCallback).Encode())
	assertion := signAssertion(f, assertionCert(f).key, map[string]any{"iss": tkKeyJWT, "sub": tkUser,
		"aud": "https://login.salesforce.com", "exp": time.Now().Add(time.Hour).Unix()})
	seeds := []struct{ contentType, body, authorization string }{
		{tkFormType, tkForm("grant_type", "authorization_code", "code", code(codeOpts{}), "client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback).Encode(), ""},
		{tkFormType, tkForm("grant_type", "authorization_code", "code", code(codeOpts{challenge: tkChallenge}), "client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback, "code_verifier", tkVerifier).Encode(), ""},
		{tkFormType + "; charset=UTF-8", tkForm("grant_type", "authorization_code", "code", code(codeOpts{}), "redirect_uri", tkCallback).Encode(), basicHeader(tkKeyMain, tkSecret)},
		{tkFormType, tkForm("grant_type", "refresh_token", "refresh_token", rt, "client_id", tkKeyMain, "client_secret", tkSecret).Encode(), ""},
		{tkFormType, tkForm("grant_type", "refresh_token", "refresh_token", rt).Encode(), basicHeader(tkKeyMain, tkSecret)},
		{tkFormType, tkForm("grant_type", "password", "client_id", tkKeyMain, "client_secret", tkSecret, "username", tkUser, "password", tkPassword).Encode(), ""},
		{tkFormType, tkForm("grant_type", "client_credentials", "client_id", tkKeyCreds, "client_secret", tkSecret).Encode(), ""},
		{tkFormType, tkForm("grant_type", tkJWTGrant, "assertion", assertion).Encode(), ""},
		{tkFormType, "grant_type=magic", ""},
		{tkFormType, "grant_type=magic&format=xml", ""},
		{tkFormType, tkForm("grant_type", "password", "client_id", tkKeyMain, "client_secret", tkSecret, "username", tkUser, "password", tkPassword, "format", "urlencoded").Encode(), ""},
		{tkFormType, "grant_type=password&x=%zz", ""},
		{tkFormType, "", "Basic !!!"},
		{"application/json", `{"grant_type":"authorization_code"}`, ""},
		{"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword\r\n--x--\r\n", ""},
		{"", "grant_type=password", "Bearer x"},
		{"application/x-www-form-urlencoded; charset", "grant_type=password", ""},
	}
	for _, s := range seeds {
		f.Add(s.contentType, []byte(s.body), s.authorization)
	}
	f.Fuzz(func(t *testing.T, contentType string, body []byte, authorization string) {
		req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		checkTokenAnswer(t, rec, func(m map[string]any) bool {
			at, _ := m["access_token"].(string)
			return at != "" && m["token_type"] == "Bearer"
		})
	})
}

// FuzzJWTBearerAssertion sends arbitrary assertions to the JWT bearer
// grant.
func FuzzJWTBearerAssertion(f *testing.F) {
	e := newTokenEnv(f)
	e.store.Approve(e.user(f, tkUser).ID, tkKeyJWT)
	now := time.Now()
	for _, claims := range []map[string]any{
		{"iss": tkKeyJWT, "sub": tkUser, "aud": "https://login.salesforce.com", "exp": now.Add(time.Hour).Unix()},
		{"iss": tkKeyJWT, "sub": tkUser, "aud": []string{"https://test.salesforce.com"}, "exp": "9999999999"},
		{"iss": tkKeyJWT, "sub": tkUser, "aud": "https://example.com", "exp": 1},
		{"iss": tkKeyMain, "sub": "nobody@acme.test"},
	} {
		f.Add(signAssertion(f, assertionCert(f).key, claims))
	}
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiIzTVZHOXRrLkpXVCJ9.")
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, assertion string) {
		body := tkForm("grant_type", tkJWTGrant, "assertion", assertion).Encode()
		req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(body))
		req.Header.Set("Content-Type", tkFormType)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		checkTokenAnswer(t, rec, func(m map[string]any) bool { return m["access_token"] != nil && m["refresh_token"] == nil })
	})
}

// FuzzIntrospectForm sends arbitrary forms to the introspection endpoint.
func FuzzIntrospectForm(f *testing.F) {
	e := newTokenEnv(f)
	rt := decodeTokenTB(f, e, tkForm("grant_type", "authorization_code", "code", e.mintCode(f, tkKeyMain, tkUser, codeOpts{}),
		"client_id", tkKeyMain, "client_secret", tkSecret, "redirect_uri", tkCallback).Encode())
	f.Add(tkFormType, introspectForm(tkKeyMain, tkSecret, rt, "refresh_token").Encode())
	f.Add(tkFormType, introspectForm(tkKeyAll, tkSecret, "00Dx!AQ", "access_token").Encode())
	f.Add(tkFormType, "token=x&client_id="+tkKeyMain)
	f.Add("application/json", `{"token":"x"}`)
	f.Fuzz(func(t *testing.T, contentType, body string) {
		req := httptest.NewRequest(http.MethodPost, "/services/oauth2/introspect", strings.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		checkTokenAnswer(t, rec, func(m map[string]any) bool { _, ok := m["active"].(bool); return ok })
	})
}

// decodeAnswer reads a token endpoint answer in any of its formats.
func decodeAnswer(contentType string, body []byte) (map[string]any, error) {
	m := map[string]any{}
	switch contentType {
	case "application/json;charset=UTF-8":
		err := json.Unmarshal(body, &m)
		return m, err
	case "application/x-www-form-urlencoded;charset=UTF-8":
		v, err := url.ParseQuery(string(body))
		for k := range v {
			m[k] = v.Get(k)
		}
		return m, err
	case "application/xml;charset=UTF-8":
		var doc struct {
			XMLName xml.Name `xml:"OAuth"`
			Fields  []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		}
		err := xml.Unmarshal(body, &doc)
		for _, f := range doc.Fields {
			m[f.XMLName.Local] = f.Value
		}
		return m, err
	}
	return nil, fmt.Errorf("Content-Type %q", contentType)
}

// decodeTokenTB exchanges a form body and returns the refresh token.
func decodeTokenTB(tb testing.TB, e *tkEnv, body string) string {
	tb.Helper()
	got := e.do(tb, tkRequest{path: "/services/oauth2/token", contentType: tkFormType, body: body})
	var m map[string]any
	if err := json.Unmarshal([]byte(got.body), &m); err != nil || got.status != 200 {
		tb.Fatalf("seed exchange: %d %s", got.status, got.body)
	}
	rt, _ := m["refresh_token"].(string)
	return rt
}

func basicHeader(id, secret string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(id, secret)
	return req.Header.Get("Authorization")
}
