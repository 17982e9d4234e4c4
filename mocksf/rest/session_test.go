package rest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/rest"
)

const (
	bodySessionInvalid = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	bodyAuthHeader     = `[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`
	bodyNotForAPI      = `[{"message":"This session is not valid for use with the REST API","errorCode":"INVALID_SESSION_ID"}]`
	bodyAPIDisabled    = `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`
	bodyNotFound       = `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`
)

func TestRequireSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.token(t, "Acme", 0)
	revoked := f.token(t, "Acme", 0)
	if err := f.store.Revoke(revoked); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		path   string
		auth   string
		status int
		body   string // empty: any body
	}{
		{"no header", "/services/data/v67.0/", "", 401, bodySessionInvalid},
		{"bearer", "/services/data/v67.0/", "Bearer " + good, 200, ""},
		{"bearer lower case", "/services/data/v67.0/", "bearer " + good, 200, ""},
		{"oauth", "/services/data/v67.0/", "OAuth " + good, 200, ""},
		{"basic", "/services/data/v67.0/", "Basic dXNlcjpwYXNz", 401, bodyAuthHeader},
		{"bare token", "/services/data/v67.0/", good, 401, bodyAuthHeader},
		{"scheme only", "/services/data/v67.0/", "Bearer", 401, bodySessionInvalid},
		{"unknown token", "/services/data/v67.0/", "Bearer 00Dxx!nope", 401, bodySessionInvalid},
		{"revoked token", "/services/data/v67.0/", "Bearer " + revoked, 401, bodySessionInvalid},
		{"refresh_token scope only", "/services/data/v67.0/", "Bearer " + f.token(t, "Acme", 0, "refresh_token", "openid"), 401, bodyNotForAPI},
		{"full scope", "/services/data/v67.0/", "Bearer " + f.token(t, "Acme", 0, "full"), 200, ""},
		{"api scope among others", "/services/data/v67.0/sobjects", "Bearer " + f.token(t, "Acme", 0, "refresh_token", "api"), 200, ""},
		{"user without API", "/services/data/v67.0/", "Bearer " + f.token(t, "Acme", 1), 403, bodyAPIDisabled},
		{"professional edition", "/services/data/v67.0/query?q=SELECT+Id+FROM+Lead", "Bearer " + f.token(t, "SmallCo", 0), 403, bodyAPIDisabled},
		{"newest version", "/services/data/v67.0/sobjects", "Bearer " + good, 200, ""},
		{"oldest version", "/services/data/v20.0/sobjects", "Bearer " + good, 200, ""},
		{"version too new", "/services/data/v68.0/sobjects", "Bearer " + good, 404, bodyNotFound},
		{"version too old", "/services/data/v19.0/sobjects", "Bearer " + good, 404, bodyNotFound},
		{"minor version", "/services/data/v66.1/sobjects", "Bearer " + good, 404, bodyNotFound},
		{"bad version, no session", "/services/data/v99.0/sobjects", "", 401, bodySessionInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := f.get(t, tt.path, "", "Authorization", tt.auth)
			if tt.body == "" {
				wantStatus(t, rec, tt.status)
				return
			}
			wantBody(t, rec, tt.status, tt.body)
		})
	}
}

func TestTokenFromContext(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	token := f.token(t, "Acme", 0)
	api := rest.New(rest.Deps{Store: f.store, NewestVersion: "67.0"})
	var got string
	var found bool
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, ok := rest.TokenFrom(r.Context())
		got, found = at.Token, ok
	})
	r := mux.NewRouter()
	r.Handle("/services/data/{version:v[0-9]+\\.[0-9]}/probe", rest.RequireSession(api)(inner))
	req := httptest.NewRequest(http.MethodGet, "/services/data/v60.0/probe", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	r.ServeHTTP(httptest.NewRecorder(), req)
	if !found || got != token {
		t.Errorf("TokenFrom = %q, %v; want %q, true", got, found, token)
	}
	if _, ok := rest.TokenFrom(req.Context()); ok {
		t.Error("TokenFrom found a token in a context RequireSession did not see")
	}
}

func TestLimitInfoCountsPerOrg(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	acme, globex := f.token(t, "Acme", 0), f.token(t, "Globex", 0)
	steps := []struct {
		token string
		want  string
	}{
		// Enterprise Edition: 100,000 plus 1,000 per user (Acme has two,
		// Globex one).
		{acme, "api-usage=1/102000"},
		{acme, "api-usage=2/102000"},
		{globex, "api-usage=1/101000"},
		{f.token(t, "Acme", 0), "api-usage=3/102000"},
	}
	for i, s := range steps {
		rec := f.get(t, "/services/data/v67.0/sobjects", s.token)
		wantStatus(t, rec, 200)
		if got := rec.Header().Get("Sforce-Limit-Info"); got != s.want {
			t.Errorf("request %d: Sforce-Limit-Info = %q; want %q", i, got, s.want)
		}
	}
	// Refused requests are not counted and carry no usage.
	rec := f.get(t, "/services/data/v67.0/sobjects", "nope")
	if got := rec.Header().Get("Sforce-Limit-Info"); got != "" {
		t.Errorf("refused request: Sforce-Limit-Info = %q; want none", got)
	}
	// The counts are the store's, not the router's: the store holds the
	// three, and the next request, through the router, is the fourth.
	if u, err := f.store.APIUsageOf(f.orgs["Acme"].Org.ID); err != nil || u.Used != 3 {
		t.Errorf("store: APIUsageOf = %+v, %v; want 3 used", u, err)
	}
	rec = f.get(t, "/services/data/v67.0/sobjects", acme)
	if got := rec.Header().Get("Sforce-Limit-Info"); got != "api-usage=4/102000" {
		t.Errorf("fourth request: Sforce-Limit-Info = %q; want api-usage=4/102000", got)
	}
}
