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

	"golang.org/x/text/language"

	"github.com/sfharness/sfharness/internal/staticfiles"
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

// pages holds the parsed templates, one set per page and language.
type pages struct {
	// byLang holds every page once per language of the catalogue, each
	// parsed with that language's "t", "tx" and "lang"
	// (i18n.Localizer.Funcs), so a template names its words by key:
	// {{t "sf.save"}}. Element ids are the same in every language.
	byLang map[language.Tag]map[string]*template.Template
}

func parsePages() (*pages, error) {
	p := &pages{byLang: map[language.Tag]map[string]*template.Template{}}
	for _, tag := range catalogue.Languages() {
		funcs := catalogue.In(tag).Funcs()
		funcs["languages"] = languageChoices
		byName := map[string]*template.Template{}
		for _, set := range []struct {
			layout string
			names  []string
		}{{"layout.html", adminPages}, {"popup.html", popupPages}} {
			for _, name := range set.names {
				t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/"+set.layout, "templates/"+name)
				if err != nil {
					return nil, fmt.Errorf("parse %s: %w", name, err)
				}
				byName[name] = t
			}
		}
		p.byLang[tag] = byName
	}
	return p, nil
}

// pageBase is what the layout needs from every page.
type pageBase struct {
	// Title is the page title in the page's language, after which
	// " · Beacon" follows.
	Title string
	// Nav is the left-nav entry to mark current.
	Nav string
	// CSRFToken goes in the csrf-token meta tag and in forms.
	CSRFToken string
}

// render writes the page name with data and status, in r's language
// (pageLanguage). It renders into a buffer first so that a template
// error (a key the catalogue lacks among them) becomes a clean 500.
func (p *pages) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	lang := pageLanguage(r)
	t := p.byLang[lang][name]
	if t == nil {
		http.Error(w, "page not found: "+name, http.StatusInternalServerError)
		return
	}
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		http.Error(w, "cannot render page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang.String())
	// The page's words follow Accept-Language and the lang cookie.
	w.Header().Add("Vary", "Accept-Language, Cookie")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// errorPage is the data of error.html.
type errorPage struct {
	pageBase
	Status  int
	Message string
}

// renderError answers with m, in r's language, and status: as JSON
// {"error": m} to the page's script, as an HTML page otherwise.
func (p *pages) renderError(w http.ResponseWriter, r *http.Request, status int, m message) {
	loc := localizer(r)
	if wantsJSON(r) {
		writeJSON(w, status, errorJSON{Error: m.in(loc)})
		return
	}
	p.render(w, r, status, "error.html", errorPage{
		pageBase: pageBase{Title: loc.Text(http.StatusText(status))},
		Status:   status,
		Message:  m.in(loc),
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
	// no-cache with an ETag: the browser asks on every page and gets a
	// 304 while the file is the same.
	h, err := staticfiles.Handler(sub, "/static/", "no-cache", http.NotFoundHandler())
	if err != nil {
		panic(err) // the files are embedded: reading them cannot fail
	}
	return h
}

// handleHealth answers 200 once the server is up, for readiness polling.
func handleHealth() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
}

// writeJSONError answers the page's script with m in r's language.
func writeJSONError(w http.ResponseWriter, r *http.Request, status int, m message) {
	writeJSON(w, status, errorJSON{Error: m.in(localizer(r))})
}
