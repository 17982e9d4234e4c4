package gothapp

import "net/http"

// routes is the product's whole surface.
func routes(cfg Config, st *state, csrf *csrfTokens, p *page) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", handleHome(p))
	mux.Handle("POST /settings", requireCSRF(csrf, p, handleSaveSettings(cfg, st, p)))
	mux.Handle("POST /connect", requireCSRF(csrf, p, handleConnect(st, p)))
	mux.Handle("GET "+cfg.callbackPath(), handleCallback(cfg, st, p))
	mux.Handle("/", handleNotFound(p))

	// A cross-origin form post is refused by the browser's own headers
	// (Sec-Fetch-Site, Origin) before the token is even read.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, r, http.StatusForbidden, view{Error: msgBadCSRF, ErrorCode: "csrf"})
	}))
	return cop.Handler(mux)
}
