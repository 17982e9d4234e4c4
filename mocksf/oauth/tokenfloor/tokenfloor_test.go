package tokenfloor_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/oauth/tokenfloor"
)

func TestHandler(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name        string
		size        int
		contentType string
		body        string
		wantStatus  int
		wantLen     int
	}{
		{"a refresh", 1234, form, "grant_type=refresh_token&refresh_token=5Aep861x&client_id=k", http.StatusOK, 1234},
		{"a charset parameter", 300, form + "; charset=UTF-8", "grant_type=refresh_token&refresh_token=r", http.StatusOK, 300},
		{"smaller than the frame", 3, form, "grant_type=refresh_token&refresh_token=r", http.StatusOK, len(`{"access_token":""}` + "\n")},
		{"JSON", 300, "application/json", `{"grant_type":"refresh_token"}`, http.StatusBadRequest, -1},
		{"another grant", 300, form, "grant_type=password&refresh_token=r", http.StatusBadRequest, -1},
		{"no refresh token", 300, form, "grant_type=refresh_token", http.StatusBadRequest, -1},
		{"a bad escape", 300, form, "grant_type=refresh_token&refresh_token=%zz", http.StatusBadRequest, -1},
		{"over the bound", 300, form, "grant_type=refresh_token&refresh_token=" + strings.Repeat("r", tokenfloor.MaxBody), http.StatusBadRequest, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/services/oauth2/token", strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.contentType)
			rec := httptest.NewRecorder()
			tokenfloor.Handler(tt.size).ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Fatalf("status %d; want %d (%s)", rec.Code, tt.wantStatus, rec.Body)
			}
			if tt.wantLen < 0 {
				return
			}
			body, _ := io.ReadAll(rec.Body)
			if len(body) != tt.wantLen {
				t.Errorf("reply of %d bytes; want %d", len(body), tt.wantLen)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json;charset=UTF-8" {
				t.Errorf("Content-Type %q; want the token endpoint's", got)
			}
			if got := rec.Header().Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control %q; want no-store", got)
			}
		})
	}
}
