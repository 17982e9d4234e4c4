package setup

import (
	"net/http"

	"github.com/sfharness/sfharness/mocksf/store"
)

// ecaPoliciesPage is the data of eca_policies.html: Edit Policies of a
// connected app (policiesPage), plus the session timeout an External
// Client App's Policies tab has.
type ecaPoliciesPage struct {
	policiesPage
	ECA             ecaPagePaths
	Notes           ecaNotes
	SessionTimeout  string
	SessionTimeouts []option
}

func newECAPoliciesPage(c chrome, app store.ConnectedApp, users []store.User, f policyForm, timeout string, errs map[string]string) ecaPoliciesPage {
	p := ecaPoliciesPage{policiesPage: newPoliciesPage(c, app, users, f, errs), ECA: ecaPaths, Notes: notes,
		SessionTimeout: timeout, SessionTimeouts: sessionTimeouts}
	p.AssignedUsersNote = notes.AssignedUsers
	return p
}

// HandleECAPoliciesPage shows the Policies tab's Edit for an app.
func HandleECAPoliciesPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Edit External Client App Policies")
		app, ok := ecaKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "eca_policies.html", newECAPoliciesPage(c, app, d.Store.Users(sess.OrgID),
			policyFormFromApp(app.Policy), app.Unsimulated[unsimSessionTimeout], nil))
	})
}

// HandleSaveECAPolicies saves the Policies tab's Edit, checked as a
// connected app's Edit Policies is, and goes back to the Policies tab; on
// an error the form is shown again as it was posted.
func HandleSaveECAPolicies(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := ecaKind.readPolicies(d, w, r, "Edit External Client App Policies")
		if !ok {
			return
		}
		timeout := r.PostFormValue("sessionTimeout")
		if labelOf(sessionTimeouts, timeout) == "" {
			p.errs["sessionTimeout"] = MsgBadPicklist + timeout
		}
		if len(p.errs) > 0 {
			d.Pages.Render(w, r, http.StatusOK, "eca_policies.html", newECAPoliciesPage(p.c, p.app, p.users, p.form, timeout, p.errs))
			return
		}
		p.save(d, w, r, func(a *store.ConnectedApp) {
			if a.Unsimulated == nil {
				a.Unsimulated = map[string]string{}
			}
			if timeout == "" {
				delete(a.Unsimulated, unsimSessionTimeout)
			} else {
				a.Unsimulated[unsimSessionTimeout] = timeout
			}
		}, ecaDetailURL(p.app.ID, "policies"))
	})
}
