package staticfiles_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/sfharness/sfharness/internal/staticfiles"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{"a.css": {Data: []byte("body{}")}, "b.js": {Data: []byte("1")}}
	notFound := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("the server's own 404"))
	})
	h, err := staticfiles.Handler(fsys, "/static/", "no-cache", notFound)
	if err != nil {
		t.Fatal(err)
	}
	get := func(path, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	a := get("/static/a.css", "")
	tag := a.Header().Get("ETag")
	if a.Code != http.StatusOK || a.Body.String() != "body{}" || len(tag) < 10 || a.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET a.css = %d %q, ETag %q, Cache-Control %q; want 200, the file, an ETag and no-cache", a.Code, a.Body, tag, a.Header().Get("Cache-Control"))
	}
	if b := get("/static/b.js", ""); b.Header().Get("ETag") == tag || b.Header().Get("ETag") == "" {
		t.Errorf("b.js's ETag %q; want one of its own, not a.css's %q", b.Header().Get("ETag"), tag)
	}
	if again := get("/static/a.css", tag); again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("GET a.css with its ETag = %d, %d bytes; want 304 and no body", again.Code, again.Body.Len())
	}
	if stale := get("/static/a.css", `"other"`); stale.Code != http.StatusOK {
		t.Errorf("GET a.css with another ETag = %d; want 200", stale.Code)
	}
	for _, path := range []string{"/static/nope.css", "/static/", "/static/a.css/x"} {
		if missing := get(path, ""); missing.Code != http.StatusNotFound || missing.Header().Get("ETag") != "" || missing.Body.String() != "the server's own 404" {
			t.Errorf("GET %s = %d %q, ETag %q; want the server's own 404 without an ETag", path, missing.Code, missing.Body, missing.Header().Get("ETag"))
		}
	}
}
