package client

import (
	"net/http"

	"github.com/sfharness/sfharness/client/store"
)

// addRoutes maps Beacon's whole HTTP surface.
func addRoutes(mux *http.ServeMux, cfg Config, st *store.Store, ss *sessions, j *jobs, pages *pages, streams *streams) {
	mux.Handle("GET /{$}", http.RedirectHandler("/admin", http.StatusFound))
	mux.Handle("GET /healthz", handleHealth())
	mux.Handle("GET /static/", handleStatic())

	// Admin → CRM → Sync with Salesforce.
	mux.Handle("GET /admin", handleAdmin(pages, ss))
	mux.Handle("GET /admin/crm", handleCRM(pages, ss))
	mux.Handle("GET /admin/crm/salesforce", handleSalesforcePage(cfg, st, ss, pages))
	mux.Handle("POST /admin/crm/salesforce", requireCSRF(ss, pages, handleSaveCredentials(cfg, st, ss, pages, j)))
	mux.Handle("POST /admin/crm/salesforce/client-credentials", requireCSRF(ss, pages, handleConnectClientCredentials(cfg, st, ss, pages, j)))

	// JSON endpoints the Salesforce page's script calls.
	mux.Handle("GET /admin/crm/salesforce/pending", handlePending(cfg, st))
	mux.Handle("POST /admin/crm/salesforce/confirm", requireCSRF(ss, pages, handleConfirm(cfg, st, j)))
	mux.Handle("POST /admin/crm/salesforce/cancel", requireCSRF(ss, pages, handleCancel(cfg, st, j)))
	mux.Handle("GET /admin/crm/salesforce/status", handleStatus(cfg, st))
	mux.Handle("GET /admin/crm/salesforce/events", handleStatusEvents(cfg, st, streams))
	mux.Handle("POST /admin/crm/salesforce/sync", requireCSRF(ss, pages, handleStartSync(cfg, st, j)))
	mux.Handle("POST /admin/crm/salesforce/disconnect", requireCSRF(ss, pages, handleDisconnect(cfg, st, ss, pages, j)))

	// The OAuth 2.0 web server flow, run in the pop-up window.
	mux.Handle("GET /salesforce/login", handleLogin(cfg, st, ss, pages))
	mux.Handle("GET "+callbackPath, handleCallback(cfg, st, ss, j, pages))
}
