package login_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/login"
)

// handlerBase is newHandler's login host.
const handlerBase = "http://mocksf.test"

// newHandler is mocksf with its default seed, served in process.
func newHandler(t *testing.T) http.Handler {
	t.Helper()
	srv, err := mocksf.New(mocksf.Config{BaseURL: handlerBase})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func TestForgotPasswordSaysWhatARealOrgDoes(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{`<h1 id="header">Forgot Your Password</h1>`, `id="un"`, `id="continue"`}},
		{"?un=", []string{`id="un-error"`, login.MsgEnterUsername}},
		{"?un=admin%40acme.test&startURL=%2Fsetup", []string{`id="forgotPasswordSent"`, "admin@acme.test", "mocksf sends no reset mail", `href="/?startURL=%2Fsetup"`}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", handlerBase+login.ForgotPasswordPath+tt.query, nil))
			for _, want := range tt.want {
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("got a page without %q", want)
				}
			}
		})
	}
}

func TestCustomDomainGoesToTheLoginPage(t *testing.T) {
	t.Parallel()
	h := newHandler(t)
	tests := []struct {
		query        string
		wantStatus   int
		wantLocation string
		wantBody     string
	}{
		{"", http.StatusOK, "", `id="mydomain"`},
		{"?domain=acme", http.StatusFound, "/", ""},
		{"?domain=acme--dev.sandbox&startURL=%2Fservices%2Foauth2%2Fauthorize", http.StatusFound, "/?startURL=%2Fservices%2Foauth2%2Fauthorize", ""},
		{"?domain=https%3A%2F%2Fevil.example", http.StatusOK, "", login.MsgBadDomain},
		{"?domain=", http.StatusOK, "", login.MsgBadDomain},
		{"?domain=acme&startURL=https%3A%2F%2Fevil.example", http.StatusFound, "/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", handlerBase+login.CustomDomainPath+tt.query, nil))
			if rec.Code != tt.wantStatus || rec.Header().Get("Location") != tt.wantLocation {
				t.Fatalf("got %d to %q; want %d to %q", rec.Code, rec.Header().Get("Location"), tt.wantStatus, tt.wantLocation)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("got a page without %q", tt.wantBody)
			}
		})
	}
}
