package oauth_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func introspectForm(key, secret, token, hint string) url.Values {
	f := tkForm("token", token, "client_id", key, "client_secret", secret)
	if hint != "" {
		f.Set("token_type_hint", hint)
	}
	return f
}

func (e *tkEnv) introspect(t *testing.T, f url.Values) tkResponse {
	t.Helper()
	return e.do(t, tkRequest{path: "/services/oauth2/introspect", contentType: tkFormType, body: f.Encode()})
}

func TestIntrospectErrors(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	cases := []struct {
		name        string
		req         tkRequest
		wantStatus  int
		wantBody    string
		contentType string
	}{
		{"unknown client", tkRequest{body: introspectForm("3MVG9nope", tkSecret, "x", "").Encode()},
			401, tokenErrorBody("invalid_client_id", "client identifier invalid"), ""},
		{"wrong secret", tkRequest{body: introspectForm(tkKeyMain, "wrong", "x", "").Encode()},
			401, tokenErrorBody("invalid_client", "invalid client credentials"), ""},
		{"missing secret", tkRequest{body: tkForm("token", "x", "client_id", tkKeyMain).Encode()},
			401, tokenErrorBody("invalid_client", "invalid client credentials"), ""},
		{"wrong secret in Basic", tkRequest{body: "token=x", basicUser: tkKeyMain, basicPass: "wrong"},
			401, tokenErrorBody("invalid_client", "invalid client credentials"), ""},
		{"missing token", tkRequest{body: tkForm("client_id", tkKeyMain, "client_secret", tkSecret).Encode()},
			400, tokenErrorBody("invalid_request", "missing token"), ""},
		{"JSON body", tkRequest{body: `{"token":"x"}`, basicUser: tkKeyMain, basicPass: tkSecret},
			400, tokenErrorBody("invalid_request", "malformed request"), "application/json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			req.path, req.contentType = "/services/oauth2/introspect", tc.contentType
			if req.contentType == "" {
				req.contentType = tkFormType
			}
			got := e.do(t, req)
			if got.status != tc.wantStatus || got.body != tc.wantBody || got.header.Get("Content-Type") != "application/json;charset=UTF-8" {
				t.Errorf("got %d %q (%s); want %d %q", got.status, got.body, got.header.Get("Content-Type"), tc.wantStatus, tc.wantBody)
			}
		})
	}
}

func TestIntrospect(t *testing.T) {
	t.Parallel()
	e := newTokenEnv(t)
	issued := e.clock.Now()
	m := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyMain, tkSecret, tkUser, codeOpts{})(t, e))))
	at, rt, id := m["access_token"].(string), m["refresh_token"].(string), m["id"].(string)
	iat := strconv.FormatInt(issued.Unix(), 10)
	exp := strconv.FormatInt(issued.Add(2*time.Hour).Unix(), 10)
	activeAccess := `{"active":true,"scope":"api refresh_token","client_id":"` + tkKeyMain + `","username":"sync@acme.test","sub":"` + id +
		`","token_type":"access_token","exp":` + exp + `,"iat":` + iat + `,"nbf":` + iat + "}\n"
	activeRefresh := `{"active":true,"scope":"api refresh_token","client_id":"` + tkKeyMain + `","username":"sync@acme.test","sub":"` + id +
		`","token_type":"refresh_token","iat":` + iat + `,"nbf":` + iat + "}\n"
	inactive := `{"active":false}` + "\n"
	cases := []struct {
		name string
		form url.Values
		want string
	}{
		{"access token", introspectForm(tkKeyMain, tkSecret, at, ""), activeAccess},
		{"access token, hint access_token", introspectForm(tkKeyMain, tkSecret, at, "access_token"), activeAccess},
		{"access token, wrong hint", introspectForm(tkKeyMain, tkSecret, at, "refresh_token"), activeAccess},
		{"refresh token", introspectForm(tkKeyMain, tkSecret, rt, "refresh_token"), activeRefresh},
		{"refresh token, no hint", introspectForm(tkKeyMain, tkSecret, rt, ""), activeRefresh},
		{"unknown token", introspectForm(tkKeyMain, tkSecret, "00Dx!AQbogus", ""), inactive},
		{"another app's token", introspectForm(tkKeyJWT, tkSecret, at, ""), inactive},
		{"Introspect All Tokens", introspectForm(tkKeyAll, tkSecret, at, ""), activeAccess},
	}
	for _, tc := range cases {
		got := e.introspect(t, tc.form)
		if got.status != 200 || got.body != tc.want {
			t.Errorf("%s: got %d %s; want 200 %s", tc.name, got.status, got.body, tc.want)
		}
	}
	// Basic authentication works too.
	got := e.do(t, tkRequest{path: "/services/oauth2/introspect", contentType: tkFormType, body: "token=" + url.QueryEscape(at),
		basicUser: tkKeyMain, basicPass: tkSecret})
	if got.body != activeAccess {
		t.Errorf("with Basic: %s; want %s", got.body, activeAccess)
	}

	// Dead tokens are inactive: revoked, of an inactive user, expired by policy.
	idle := decodeToken(t, e.token(t, tkParse(t, codeForm(tkKeyIdle, tkSecret, "admin@acme.test", codeOpts{})(t, e))))["refresh_token"].(string)
	if got := e.introspect(t, introspectForm(tkKeyIdle, tkSecret, idle, "")); got.body == inactive {
		t.Errorf("fresh idle-policy refresh token is inactive")
	} else if want := strconv.FormatInt(e.clock.Now().Add(time.Hour).Unix(), 10); !strings.Contains(got.body, `"exp":`+want) {
		t.Errorf("idle-policy refresh token %s; want exp %s (last use + 1h)", got.body, want)
	}
	e.clock.Advance(61 * time.Minute)
	if got := e.introspect(t, introspectForm(tkKeyIdle, tkSecret, idle, "")); got.body != inactive {
		t.Errorf("idle-expired refresh token: %s; want inactive", got.body)
	}
	tkDeactivate(t, e, tkUser)
	if got := e.introspect(t, introspectForm(tkKeyMain, tkSecret, at, "")); got.body != inactive {
		t.Errorf("token of an inactive user: %s; want inactive", got.body)
	}
	if err := e.store.Revoke(rt); err != nil {
		t.Fatal(err)
	}
	if got := e.introspect(t, introspectForm(tkKeyMain, tkSecret, rt, "")); got.body != inactive {
		t.Errorf("revoked refresh token: %s; want inactive", got.body)
	}
}
