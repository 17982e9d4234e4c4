package client

import "net/http"

// handleAdmin shows the Admin section's start page.
func handleAdmin(p *pages, ss *sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		title := localizer(r).MustT("admin.title")
		p.render(w, r, http.StatusOK, "admin.html", pageBase{Title: title, CSRFToken: ss.ensure(w, r)})
	})
}

// handleCRM shows the CRM page, which leads to Sync with Salesforce.
func handleCRM(p *pages, ss *sessions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		title := localizer(r).MustT("crm.title")
		p.render(w, r, http.StatusOK, "crm.html", pageBase{Title: title, Nav: "crm", CSRFToken: ss.ensure(w, r)})
	})
}
