package client

import "net/http"

// handleAdmin shows the Admin section's start page.
func handleAdmin(p *pages, ss *sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, http.StatusOK, "admin.html", pageBase{Title: "Admin", CSRFToken: ss.ensure(w, r)})
	})
}

// handleCRM shows the CRM page, which leads to Sync with Salesforce.
func handleCRM(p *pages, ss *sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.render(w, http.StatusOK, "crm.html", pageBase{Title: "CRM", Nav: "crm", CSRFToken: ss.ensure(w, r)})
	})
}
