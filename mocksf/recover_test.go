package mocksf

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A handler's panic is answered as Salesforce answers a failure of its
// own, never as a dropped connection or Go's plain text.
func TestRecoverPanicsAnswersUnknownException(t *testing.T) {
	t.Parallel()
	h := recoverPanics(slog.New(slog.NewTextHandler(io.Discard, nil)))(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/services/data/v66.0/limits", nil))
	want := `[{"message":"An unexpected error occurred. Please include this ErrorId if you contact support","errorCode":"UNKNOWN_EXCEPTION"}]`
	if w.Code != http.StatusInternalServerError || w.Body.String() != want || w.Header().Get("Content-Type") != "application/json;charset=UTF-8" {
		t.Errorf("panic answered %d %q %s; want 500 %s", w.Code, w.Header().Get("Content-Type"), w.Body, want)
	}
}
