package oauth_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The token endpoint answers in the format the format parameter names,
// else the one Accept names, else JSON (reference §4.1).
func TestTokenErrorFormats(t *testing.T) {
	const (
		jsonBody = `{"error":"unsupported_grant_type","error_description":"grant type not supported"}` + "\n"
		formBody = "error=unsupported_grant_type&error_description=grant+type+not+supported"
		xmlBody  = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<OAuth><error>unsupported_grant_type</error><error_description>grant type not supported</error_description></OAuth>`
		jsonType = "application/json;charset=UTF-8"
		formType = "application/x-www-form-urlencoded;charset=UTF-8"
		xmlType  = "application/xml;charset=UTF-8"
	)
	cases := []struct {
		name, format, query, accept string
		wantType, wantBody          string
	}{
		{name: "default", wantType: jsonType, wantBody: jsonBody},
		{name: "format json", format: "json", wantType: jsonType, wantBody: jsonBody},
		{name: "format urlencoded", format: "urlencoded", wantType: formType, wantBody: formBody},
		{name: "format xml", format: "xml", wantType: xmlType, wantBody: xmlBody},
		{name: "format is case-blind", format: "XML", wantType: xmlType, wantBody: xmlBody},
		{name: "format in the query", query: "xml", wantType: xmlType, wantBody: xmlBody},
		{name: "unknown format is JSON", format: "yaml", wantType: jsonType, wantBody: jsonBody},
		{name: "Accept xml", accept: "application/xml", wantType: xmlType, wantBody: xmlBody},
		{name: "Accept text/xml", accept: "text/xml", wantType: xmlType, wantBody: xmlBody},
		{name: "Accept form", accept: "application/x-www-form-urlencoded", wantType: formType, wantBody: formBody},
		{name: "Accept json", accept: "application/json", wantType: jsonType, wantBody: jsonBody},
		{name: "Accept any", accept: "*/*", wantType: jsonType, wantBody: jsonBody},
		{name: "the highest q wins", accept: "text/html, application/xml;q=0.9, application/json", wantType: jsonType, wantBody: jsonBody},
		{name: "the first of equal q wins", accept: "application/xml, application/json", wantType: xmlType, wantBody: xmlBody},
		{name: "a browser's Accept gets XML, q 0.9 over */* 0.8", accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", wantType: xmlType, wantBody: xmlBody},
		{name: "q=0 refuses a type", accept: "application/xml;q=0, */*;q=0.1", wantType: jsonType, wantBody: jsonBody},
		{name: "format beats Accept", format: "urlencoded", accept: "application/xml", wantType: formType, wantBody: formBody},
	}
	e := newTokenEnv(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form := tkForm("grant_type", "device_code")
			if tc.format != "" {
				form.Set("format", tc.format)
			}
			path := "/services/oauth2/token"
			if tc.query != "" {
				path += "?format=" + tc.query
			}
			req := tkRequest{path: path, contentType: tkFormType, body: form.Encode()}
			if tc.accept != "" {
				req.header = map[string]string{"Accept": tc.accept}
			}
			got := e.do(t, req)
			if got.status != http.StatusBadRequest || got.body != tc.wantBody {
				t.Errorf("got %d %q; want 400 %q", got.status, got.body, tc.wantBody)
			}
			if ct := got.header.Get("Content-Type"); ct != tc.wantType {
				t.Errorf("Content-Type = %q; want %q", ct, tc.wantType)
			}
			if cc := got.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store", cc)
			}
		})
	}
}

// A body mocksf refuses before reading it (not a form) still gets the
// error in the format the query or Accept asks for.
func TestTokenErrorFormatOfAJSONBody(t *testing.T) {
	e := newTokenEnv(t)
	got := e.do(t, tkRequest{path: "/services/oauth2/token?format=urlencoded", contentType: "application/json", body: `{"grant_type":"password"}`})
	if want := "error=unsupported_grant_type&error_description=grant+type+not+supported"; got.status != 400 || got.body != want {
		t.Errorf("got %d %q; want 400 %q", got.status, got.body, want)
	}
}

// A token in each format carries the same fields, in JSON's order, with
// a signature that checks.
func TestTokenReplyFormats(t *testing.T) {
	e := newTokenEnv(t)
	wantNames := "access_token refresh_token signature scope instance_url id token_type issued_at"
	read := map[string]func(t *testing.T, body string) (names []string, values map[string]string){
		"urlencoded": func(t *testing.T, body string) ([]string, map[string]string) {
			var names []string
			values := map[string]string{}
			for pair := range strings.SplitSeq(body, "&") {
				k, v, _ := strings.Cut(pair, "=")
				uk, err1 := url.QueryUnescape(k)
				uv, err2 := url.QueryUnescape(v)
				if err1 != nil || err2 != nil {
					t.Fatalf("pair %q is not form-encoded", pair)
				}
				names = append(names, uk)
				values[uk] = uv
			}
			return names, values
		},
		"xml": func(t *testing.T, body string) ([]string, map[string]string) {
			var doc struct {
				XMLName xml.Name
				Fields  []struct {
					XMLName xml.Name
					Value   string `xml:",chardata"`
				} `xml:",any"`
			}
			if !strings.HasPrefix(body, xml.Header) {
				t.Errorf("body does not start with the XML declaration: %q", body)
			}
			if err := xml.Unmarshal([]byte(body), &doc); err != nil {
				t.Fatalf("body is not XML: %v\n%s", err, body)
			}
			if doc.XMLName.Local != "OAuth" {
				t.Errorf("root element <%s>; want <OAuth>", doc.XMLName.Local)
			}
			var names []string
			values := map[string]string{}
			for _, f := range doc.Fields {
				names = append(names, f.XMLName.Local)
				values[f.XMLName.Local] = f.Value
			}
			return names, values
		},
	}
	for format, parse := range read {
		t.Run(format, func(t *testing.T) {
			form := tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))
			form.Set("format", format)
			got := e.token(t, form)
			if got.status != http.StatusOK {
				t.Fatalf("status %d: %s", got.status, got.body)
			}
			names, values := parse(t, got.body)
			if strings.Join(names, " ") != wantNames {
				t.Errorf("fields %s; want %s", strings.Join(names, " "), wantNames)
			}
			if values["instance_url"] != e.instance || values["token_type"] != "Bearer" || values["scope"] != "api refresh_token" {
				t.Errorf("instance_url %q, token_type %q, scope %q", values["instance_url"], values["token_type"], values["scope"])
			}
			m := map[string]any{}
			for k, v := range values {
				m[k] = v
			}
			checkSignature(t, m, tkSecret)
		})
	}
}
