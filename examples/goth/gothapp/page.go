package gothapp

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
)

//go:embed templates/page.html
var templates embed.FS

// view is what one rendering of the page says beyond the saved state.
type view struct {
	Notice    string // a success message (#notice)
	Error     string // an error message (#error)
	ErrorCode string // the error's code, as #error's data-error
}

// pageData is the template's input.
type pageData struct {
	view
	Title, ConnectButton, Status string
	CSRF                         string
	Settings                     credentials
	HasSecret                    bool
	Connection                   *connection
	CallbackURL                  string
}

// page renders the product's one page, the settings and the connection.
type page struct {
	tmpl *template.Template
	st   *state
	csrf *csrfTokens
	cfg  Config
}

func newPage(st *state, csrf *csrfTokens, cfg Config) (*page, error) {
	t, err := template.ParseFS(templates, "templates/page.html")
	if err != nil {
		return nil, fmt.Errorf("gothapp: page template: %w", err)
	}
	return &page{tmpl: t, st: st, csrf: csrf, cfg: cfg}, nil
}

// render writes the page with status; it is rendered into a buffer
// first, so that a template error becomes a plain 500, not half a page.
func (p *page) render(w http.ResponseWriter, r *http.Request, status int, v view) {
	creds := p.st.credentials()
	d := pageData{
		view: v, Title: textTitle, ConnectButton: textConnectButton, Status: textNotConnected,
		CSRF: p.csrf.token(w, r), Settings: creds, HasSecret: creds.ConsumerSecret != "",
		Connection: p.st.connection(), CallbackURL: p.cfg.CallbackURL,
	}
	d.Settings.ConsumerSecret = "" // never sent back to the browser
	if d.Settings.LoginURL == "" {
		d.Settings.LoginURL = p.cfg.LoginURL
	}
	if d.Connection != nil {
		d.Status = fmt.Sprintf(textConnectedAs, d.Connection.Username)
	}
	var buf bytes.Buffer
	if err := p.tmpl.Execute(&buf, d); err != nil {
		slog.Error("gothapp: render", "err", err)
		http.Error(w, "The page could not be rendered.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
