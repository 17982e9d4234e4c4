package web

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/locales"
)

func TestRenderSetsSecurityHeaders(t *testing.T) {
	t.Parallel()
	pages := NewPages()
	data := map[string]any{"Title": "Setup", "Heading": "Hello", "Message": "World"}
	tests := []struct {
		name    string
		handler http.Handler
		wantCSP string
	}{
		{"default policy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pages.Render(w, r, http.StatusOK, "message.html", data)
		}), ContentSecurityPolicy},
		{"forms stay on site", FormsStayOnSite(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pages.Render(w, r, http.StatusOK, "message.html", data)
		})), SetupContentSecurityPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			tt.handler.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			headers := []struct{ key, want string }{
				{"Content-Security-Policy", tt.wantCSP},
				{"X-Frame-Options", "SAMEORIGIN"},
				{"Cache-Control", "no-store"},
				{"Content-Type", "text/html;charset=UTF-8"},
			}
			for _, h := range headers {
				if got := rec.Header().Get(h.key); got != h.want {
					t.Errorf("got %s %q; want %q", h.key, got, h.want)
				}
			}
		})
	}
}

func TestContentSecurityPolicyDirectives(t *testing.T) {
	t.Parallel()
	directives := func(policy string) map[string]string {
		out := map[string]string{}
		for _, d := range strings.Split(policy, ";") {
			name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
			out[name] = value
		}
		return out
	}
	tests := []struct {
		policy, directive, want string
	}{
		{ContentSecurityPolicy, "default-src", "'self'"},
		{ContentSecurityPolicy, "script-src", "'self'"},
		{ContentSecurityPolicy, "style-src", "'self'"},
		{ContentSecurityPolicy, "frame-ancestors", "'self'"},
		{ContentSecurityPolicy, "object-src", "'none'"},
		// Chrome applies form-action to the redirect after a post too, and
		// the approval page's post ends at the app's callback URL.
		{ContentSecurityPolicy, "form-action", ""},
		{SetupContentSecurityPolicy, "form-action", "'self'"},
		{SetupContentSecurityPolicy, "script-src", "'self'"},
	}
	for _, tt := range tests {
		t.Run(tt.directive, func(t *testing.T) {
			if got := directives(tt.policy)[tt.directive]; got != tt.want {
				t.Errorf("got %s %q in %q; want %q", tt.directive, got, tt.policy, tt.want)
			}
		})
	}
}

var (
	scriptTag = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	scriptSrc = regexp.MustCompile(`(?i)\ssrc="/static/[^"]+\.js"`)
)

// No template may hold what ContentSecurityPolicy blocks: an inline
// script, an inline event handler, a javascript: URL, a style element or
// a style attribute.
func TestTemplatesNeedNoInlineCode(t *testing.T) {
	t.Parallel()
	forbidden := []struct {
		what    string
		pattern *regexp.Regexp
	}{
		{"an inline script", regexp.MustCompile(`(?i)<script\b[^>]*>\s*[^<\s]`)},
		{"an inline event handler", regexp.MustCompile(`(?i)<[^>]*\son[a-z]+\s*=`)},
		{"a javascript: URL", regexp.MustCompile(`(?i)javascript:`)},
		{"a style element", regexp.MustCompile(`(?i)<style\b`)},
		{"a style attribute", regexp.MustCompile(`(?i)<[^>]*\sstyle\s*=`)},
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("got templates %v, %v; want some", files, err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range forbidden {
			if m := f.pattern.Find(b); m != nil {
				t.Errorf("got %s in %s: %q; want none, the Content-Security-Policy blocks it", f.what, name, m)
			}
		}
		for _, tag := range scriptTag.FindAll(b, -1) {
			if !scriptSrc.Match(tag) {
				t.Errorf("got a script without src in %s: %q; want every script from a file", name, tag)
			}
		}
	}
}

// The embedded stylesheet is the subset of the version package.json pins:
// a change of the pin needs make slds.
func TestEmbeddedSLDSMatchesThePin(t *testing.T) {
	t.Parallel()
	pkg, err := os.ReadFile("slds/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(pkg, &p); err != nil {
		t.Fatal(err)
	}
	pin := p.Dependencies["@salesforce-ux/design-system"]
	css, err := fs.ReadFile(staticFS, "static/slds.css")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(css), "\n")
	if pin == "" || !strings.Contains(first, "Lightning Design System "+pin+" ") {
		t.Errorf("got slds.css starting %q for the pin %q; want the pinned version (run make slds)", first, pin)
	}
	if _, err := fs.Stat(staticFS, "static/LICENSE-slds.txt"); err != nil {
		t.Errorf("got %v; want the LICENSE beside slds.css", err)
	}
}

// NewPages parses only its first language's templates; every other
// language's parse when first asked for, each with its own words, the
// same templates as the first.
func TestPagesParseEachLanguageOnFirstUse(t *testing.T) {
	p := NewPages()
	tags := locales.Catalogue.Languages()
	first := p.byLang[tags[0]]()
	for _, tag := range tags[1:] {
		tmpl := p.byLang[tag]()
		if tmpl == first || tmpl != p.byLang[tag]() {
			t.Errorf("%s: its templates are the first language's or parsed twice; want its own, once", tag)
		}
		if len(tmpl.Templates()) != len(first.Templates()) {
			t.Errorf("%s: %d templates; want the first language's %d", tag, len(tmpl.Templates()), len(first.Templates()))
		}
	}
}
