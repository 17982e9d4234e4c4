package httpstatus_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sfharness/sfharness/internal/httpstatus"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    int
	}{
		{"explicit status", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }, http.StatusTeapot},
		{"body first is 200", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "hi") }, http.StatusOK},
		{"the first status wins", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			w.WriteHeader(http.StatusInternalServerError)
		}, http.StatusNotFound},
		{"nothing written", func(http.ResponseWriter, *http.Request) {}, 0},
		{"flushed", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			w.(http.Flusher).Flush()
		}, http.StatusAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := httptest.NewRecorder()
			rec := &httpstatus.Recorder{ResponseWriter: w}
			tt.handler(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Status != tt.want {
				t.Errorf("Status = %d; want %d", rec.Status, tt.want)
			}
			if tt.want != 0 && w.Code != tt.want {
				t.Errorf("the wrapped writer got %d; want %d passed on", w.Code, tt.want)
			}
		})
	}
}

// http.ResponseController reaches the writer beneath through Unwrap.
func TestRecorderUnwraps(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &httpstatus.Recorder{ResponseWriter: w}
		conn, _, err := http.NewResponseController(rec).Hijack()
		if err != nil {
			t.Errorf("Hijack through the recorder: %v", err)
			return
		}
		_ = conn.Close()
	}))
	defer srv.Close()
	if resp, err := http.Get(srv.URL); err == nil {
		resp.Body.Close()
		t.Errorf("GET = %d; want the hijacked connection closed without an answer", resp.StatusCode)
	}
}
