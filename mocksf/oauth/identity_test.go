package oauth_test

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"strings"
	"testing"
)

// accessToken runs the code flow for username with the main app and
// returns the access token and the identity URL's path.
func (e *tkEnv) accessToken(t *testing.T, username string) (token, idPath string) {
	t.Helper()
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, username, codeOpts{scopes: []string{"api", "id"}})(t, e))))
	return m["access_token"].(string), strings.TrimPrefix(m["id"].(string), e.base)
}

func TestIdentityErrors(t *testing.T) {
	type setup func(t *testing.T, e *tkEnv) tkRequest
	withToken := func(path func(t *testing.T, e *tkEnv, idPath string) string, before func(*testing.T, *tkEnv, string)) setup {
		return func(t *testing.T, e *tkEnv) tkRequest {
			token, idPath := e.accessToken(t, tkUser)
			if before != nil {
				before(t, e, token)
			}
			return tkRequest{method: "GET", path: path(t, e, idPath), header: map[string]string{"Authorization": "Bearer " + token}}
		}
	}
	own := func(_ *testing.T, _ *tkEnv, idPath string) string { return idPath }
	cases := []struct {
		name       string
		req        setup
		wantStatus int
		wantBody   string
	}{
		{"no token", func(t *testing.T, e *tkEnv) tkRequest {
			_, idPath := e.accessToken(t, tkUser)
			return tkRequest{method: "GET", path: idPath}
		}, 403, "Bad_OAuth_Token"},
		{"unknown token", func(t *testing.T, e *tkEnv) tkRequest {
			_, idPath := e.accessToken(t, tkUser)
			return tkRequest{method: "GET", path: idPath + "?oauth_token=00Dx!AQbogus"}
		}, 403, "Bad_OAuth_Token"},
		{"revoked token", withToken(own, func(t *testing.T, e *tkEnv, token string) {
			if err := e.store.Revoke(token); err != nil {
				t.Fatal(err)
			}
		}), 403, "Bad_OAuth_Token"},
		{"inactive user", withToken(own, func(t *testing.T, e *tkEnv, _ string) { tkDeactivate(t, e, tkUser) }), 403, "Bad_OAuth_Token"},
		{"frozen org", withToken(own, func(t *testing.T, e *tkEnv, _ string) { tkFreeze(t, e, tkUser) }), 403, "Bad_OAuth_Token"},
		{"another org", withToken(func(t *testing.T, e *tkEnv, _ string) string {
			u := e.user(t, "user@frozen.test")
			return "/id/" + u.OrgID + "/" + u.ID
		}, nil), 403, "Bad_OAuth_Token"},
		{"another user, not an admin", withToken(func(t *testing.T, e *tkEnv, _ string) string {
			u := e.user(t, "other@acme.test")
			return "/id/" + u.OrgID + "/" + u.ID
		}, nil), 403, "Bad_Id"},
		{"unknown user, admin caller", func(t *testing.T, e *tkEnv) tkRequest {
			token, idPath := e.accessToken(t, "admin@acme.test")
			org := strings.Split(idPath, "/")[2]
			return tkRequest{method: "GET", path: "/id/" + org + "/005000000000000AAA", header: map[string]string{"Authorization": "Bearer " + token}}
		}, 404, "Bad_Id"},
		{"userinfo without token", func(*testing.T, *tkEnv) tkRequest {
			return tkRequest{method: "GET", path: "/services/oauth2/userinfo"}
		}, 403, "Bad_OAuth_Token"},
		{"userinfo, inactive user", func(t *testing.T, e *tkEnv) tkRequest {
			token, _ := e.accessToken(t, tkUser)
			tkDeactivate(t, e, tkUser)
			return tkRequest{method: "POST", path: "/services/oauth2/userinfo", contentType: tkFormType, body: "oauth_token=" + token}
		}, 403, "Bad_OAuth_Token"},
		{"userinfo, frozen org", func(t *testing.T, e *tkEnv) tkRequest {
			token, _ := e.accessToken(t, tkUser)
			tkFreeze(t, e, tkUser)
			return tkRequest{method: "GET", path: "/services/oauth2/userinfo", header: map[string]string{"Authorization": "Bearer " + token}}
		}, 403, "Bad_OAuth_Token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newTokenEnv(t)
			got := e.do(t, tc.req(t, e))
			if got.status != tc.wantStatus || got.body != tc.wantBody || got.header.Get("Content-Type") != "text/plain;charset=UTF-8" {
				t.Errorf("got %d %q (%s); want %d %q as text/plain;charset=UTF-8", got.status, got.body, got.header.Get("Content-Type"), tc.wantStatus, tc.wantBody)
			}
		})
	}
}

// TestIdentityFormats covers how the token arrives and the format,
// version, Accept and X-PrettyPrint handling of the identity URL.
func TestIdentityFormats(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	token, idPath := e.accessToken(t, tkUser)
	bearer := map[string]string{"Authorization": "Bearer " + token}
	cases := []struct {
		name, wantType, wantPrefix, wantContains string
		req                                      tkRequest
	}{
		{"GET with Bearer", "application/json;charset=UTF-8", `{"id":"` + e.base + idPath + `","asserted_user":true,`, `"rest":"` + e.instance + `/services/data/v{version}/"`,
			tkRequest{method: "GET", path: idPath, header: bearer}},
		{"OAuth scheme", "application/json;charset=UTF-8", `{"id":`, `"username":"sync@acme.test"`,
			tkRequest{method: "GET", path: idPath, header: map[string]string{"Authorization": "OAuth " + token}}},
		{"oauth_token in the query, format=json", "application/json;charset=UTF-8", `{"id":`, `"username":"sync@acme.test"`,
			tkRequest{method: "GET", path: idPath + "?format=json&oauth_token=" + token}},
		{"POST form, as omniauth does", "application/json;charset=UTF-8", `{"id":`, `"thumbnail":"` + e.instance + `/profilephoto/005/T"`,
			tkRequest{method: "POST", path: idPath, contentType: tkFormType, body: "oauth_token=" + token}},
		{"on the instance host", "application/json;charset=UTF-8", `{"id":"` + e.base + idPath, `"display_name":"Sam Sync"`,
			tkRequest{method: "GET", host: "instance", path: idPath, header: bearer}},
		{"version=latest", "application/json;charset=UTF-8", `{"id":`, `"rest":"` + e.instance + `/services/data/v67.0/"`,
			tkRequest{method: "GET", path: idPath + "?version=latest", header: bearer}},
		{"version=45", "application/json;charset=UTF-8", `{"id":`, `"query":"` + e.instance + `/services/data/v45.0/query/"`,
			tkRequest{method: "GET", path: idPath + "?version=45", header: bearer}},
		{"format=xml", "application/xml;charset=UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<user xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><id>`, `<addr_street xsi:nil="true"></addr_street>`,
			tkRequest{method: "GET", path: idPath + "?format=xml", header: bearer}},
		{"Accept: application/xml", "application/xml;charset=UTF-8", `<?xml`, `<username>sync@acme.test</username>`,
			tkRequest{method: "GET", path: idPath, header: map[string]string{"Authorization": "Bearer " + token, "Accept": "application/xml"}}},
		{"format wins over Accept", "application/json;charset=UTF-8", `{"id":`, `"user_type":"STANDARD"`,
			tkRequest{method: "GET", path: idPath + "?format=json", header: map[string]string{"Authorization": "Bearer " + token, "Accept": "application/xml"}}},
		{"Accept: */*", "application/json;charset=UTF-8", `{"id":`, `"user_type":"STANDARD"`,
			tkRequest{method: "GET", path: idPath, header: map[string]string{"Authorization": "Bearer " + token, "Accept": "*/*"}}},
		{"jsonp", "application/javascript;charset=UTF-8", `handle.identity({"id":`, `"is_app_installed":true});`,
			tkRequest{method: "GET", path: idPath + "?format=jsonp&callback=handle.identity", header: bearer}},
		{"jsonp with a script for a callback", "application/json;charset=UTF-8", `{"id":`, `"active":true`,
			tkRequest{method: "GET", path: idPath + "?format=jsonp&callback=alert(1)//", header: bearer}},
		{"X-PrettyPrint", "application/json;charset=UTF-8", "{\n  \"id\": ", "\n  \"asserted_user\": true,\n",
			tkRequest{method: "GET", path: idPath, header: map[string]string{"Authorization": "Bearer " + token, "X-PrettyPrint": "1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := e.do(t, tc.req)
			if got.status != 200 || got.header.Get("Content-Type") != tc.wantType {
				t.Fatalf("got %d %s %q; want 200 %s", got.status, got.header.Get("Content-Type"), got.body, tc.wantType)
			}
			if !strings.HasPrefix(got.body, tc.wantPrefix) || !strings.Contains(got.body, tc.wantContains) {
				t.Errorf("body %s\nwant it to start with %q and contain %q", got.body, tc.wantPrefix, tc.wantContains)
			}
		})
	}
}

// TestIdentityDocument pins the whole JSON and XML documents, with the
// hosts written {base} and {instance}.
func TestIdentityDocument(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	token, idPath := e.accessToken(t, tkUser)
	norm := func(s string) string {
		return strings.ReplaceAll(strings.ReplaceAll(s, e.base, "{base}"), e.instance, "{instance}")
	}
	got := e.do(t, tkRequest{method: "GET", path: idPath, header: map[string]string{"Authorization": "Bearer " + token, "X-PrettyPrint": "1"}})
	tkGolden(t, "identity.golden.json", norm(got.body))
	var doc map[string]any
	if err := json.Unmarshal([]byte(got.body), &doc); err != nil {
		t.Fatal(err)
	}
	if photos, _ := doc["photos"].(map[string]any); photos["thumbnail"] == "" || doc["first_name"] != "Sam" || doc["addr_city"] != nil {
		t.Errorf("photos %v, first_name %v, addr_city %v", doc["photos"], doc["first_name"], doc["addr_city"])
	}
	got = e.do(t, tkRequest{method: "GET", path: idPath + "?format=xml", header: map[string]string{"Authorization": "Bearer " + token, "X-PrettyPrint": "1"}})
	tkGolden(t, "identity.golden.xml", norm(got.body))
	var user struct {
		XMLName  xml.Name `xml:"user"`
		Username string   `xml:"username"`
		URLs     struct {
			Rest string `xml:"rest"`
		} `xml:"urls"`
	}
	if err := xml.Unmarshal([]byte(got.body), &user); err != nil || user.Username != tkUser || user.URLs.Rest == "" {
		t.Errorf("XML %+v (%v); want <user> with username and urls", user, err)
	}
}

func TestUserInfo(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	token, idPath := e.accessToken(t, tkUser)
	for _, req := range []tkRequest{
		{method: "GET", path: "/services/oauth2/userinfo", header: map[string]string{"Authorization": "Bearer " + token}},
		{method: "GET", host: "instance", path: "/services/oauth2/userinfo?oauth_token=" + token},
		{method: "POST", path: "/services/oauth2/userinfo", contentType: tkFormType, body: "oauth_token=" + token},
	} {
		got := e.do(t, req)
		if got.status != http.StatusOK || got.header.Get("Content-Type") != "application/json;charset=UTF-8" {
			t.Fatalf("%s %s: %d %s", req.method, req.path, got.status, got.body)
		}
		if want := `{"sub":"` + e.base + idPath + `","user_id":`; !strings.HasPrefix(got.body, want) ||
			!strings.Contains(got.body, `"preferred_username":"sync@acme.test"`) {
			t.Errorf("%s %s: %s; want it to start %s", req.method, req.path, got.body, want)
		}
	}
}
