// Package staticfiles serves a server's embedded static files (style
// sheets, scripts) with an ETag of each file's content, so that a browser
// asks again with If-None-Match and gets a 304 instead of the whole file
// on every page: an embedded file has no modification time for
// Last-Modified, and without either validator each page load fetched and
// parsed every style sheet anew (mocksf's is 250 KiB).
package staticfiles

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
)

// Handler serves fsys under prefix ("/static/"), each answer with the
// file's ETag and cacheControl as its Cache-Control. net/http's file
// server answers If-None-Match with 304 once the ETag is set. A path that
// names no file (a folder included) goes to notFound, so that the server
// answers it as it answers any unknown path, not with net/http's text.
func Handler(fsys fs.FS, prefix, cacheControl string, notFound http.Handler) (http.Handler, error) {
	tags := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		tags[path] = `"` + hex.EncodeToString(sum[:12]) + `"`
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("staticfiles: %w", err)
	}
	files := http.StripPrefix(prefix, http.FileServerFS(fsys))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tag, ok := tags[strings.TrimPrefix(r.URL.Path, prefix)]
		if !ok {
			notFound.ServeHTTP(w, r)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", cacheControl)
		files.ServeHTTP(w, r)
	}), nil
}
