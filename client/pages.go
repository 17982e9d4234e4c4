package client

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// adminPages use the admin layout (top bar and left nav); popupPages run in
// the login pop-up and use a bare one.
var (
	adminPages = []string{"admin.html", "crm.html", "salesforce.html", "error.html"}
	popupPages = []string{"callback.html"}
)

// pages holds the parsed templates, one set per page.
type pages struct {
	byName map[string]*template.Template
}

func parsePages() (*pages, error) {
	p := &pages{byName: map[string]*template.Template{}}
	for _, set := range []struct {
		layout string
		names  []string
	}{{"layout.html", adminPages}, {"popup.html", popupPages}} {
		for _, name := range set.names {
			t, err := template.New(name).ParseFS(templateFS, "templates/"+set.layout, "templates/"+name)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", name, err)
			}
			p.byName[name] = t
		}
	}
	return p, nil
}

// pageBase is what the layout needs from every page.
type pageBase struct {
	// Title is the page title, after which " · Beacon" follows.
	Title string
	// Nav is the left-nav entry to mark current.
	Nav string
	// CSRFToken goes in the csrf-token meta tag and in forms.
	CSRFToken string
}

// render writes the page name with data and status. It renders into a
// buffer first so that a template error becomes a clean 500.
func (p *pages) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	t := p.byName[name]
	if t == nil {
		http.Error(w, "page not found: "+name, http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, "cannot render page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errorPage is the data of error.html.
type errorPage struct {
	pageBase
	Status  int
	Message string
}

// renderError answers with msg and status: as JSON {"error": msg} to the
// page's script, as an HTML page otherwise.
func (p *pages) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if wantsJSON(r) {
		writeJSON(w, status, errorJSON{Error: msg})
		return
	}
	p.render(w, status, "error.html", errorPage{
		pageBase: pageBase{Title: http.StatusText(status)},
		Status:   status,
		Message:  msg,
	})
}

// wantsJSON reports whether r comes from the page's script rather than
// from a form or a link.
func wantsJSON(r *http.Request) bool {
	return r.Header.Get(csrfHeader) != "" || strings.Contains(r.Header.Get("Accept"), "application/json")
}

// errorJSON is the body of every JSON error answer.
type errorJSON struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":"cannot encode answer"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}

// handleStatic serves the embedded stylesheet and scripts.
func handleStatic() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// handleHealth answers 200 once the server is up, for readiness polling.
func handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}
