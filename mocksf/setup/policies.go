package setup

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Permitted Users, as the Edit Policies picklist offers it (reference
// §10.5); the values are the seed's.
const (
	PermittedAll           = "all"
	PermittedAdminApproved = "admin-approved"
)

var permittedUsers = []option{
	{PermittedAll, "All users may self-authorize", ""},
	{PermittedAdminApproved, "Admin approved users are pre-authorized", ""},
}

// ipRelaxations are the IP Relaxation choices with their labels
// (reference §10.5); the values are the seed's.
var ipRelaxations = []option{
	{store.IPEnforce, "Enforce IP restrictions", ""},
	{store.IPEnforceRelaxRefresh, "Enforce IP restrictions, but relax for refresh tokens", ""},
	{store.IPRelax, "Relax IP restrictions", ""},
}

// refreshModes are the Refresh Token Policy choices with their labels.
var refreshModes = []option{
	{store.RefreshUntilRevoked, "Refresh token is valid until revoked", "refreshUntilRevoked"},
	{store.RefreshImmediately, "Immediately expire refresh token", "refreshImmediately"},
	{store.RefreshIdle, "Expire refresh token if not used for", "refreshIdle"},
	{store.RefreshAbsolute, "Expire refresh token after", "refreshAbsolute"},
}

// refreshUnits are the units of N in the Refresh Token Policy. A month is
// taken as 30 days.
var refreshUnits = []refreshUnit{
	{option{"minutes", "Minute(s)", ""}, time.Minute},
	{option{"hours", "Hour(s)", ""}, time.Hour},
	{option{"days", "Day(s)", ""}, 24 * time.Hour},
	{option{"months", "Month(s)", ""}, 30 * 24 * time.Hour},
}

// maxRefreshN bounds N in the Refresh Token Policy.
const maxRefreshN = 999

// option is a choice of a picklist or radio group; ID is its element id
// where it has its own.
type option struct{ Value, Label, ID string }

type refreshUnit struct {
	option
	Length time.Duration
}

func labelOf(opts []option, value string) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return ""
}

// splitDuration writes d as N units, in the largest unit that divides it.
func splitDuration(d time.Duration) (string, string) {
	for i := len(refreshUnits) - 1; i >= 0; i-- {
		u := refreshUnits[i]
		if d >= u.Length && d%u.Length == 0 {
			return strconv.FormatInt(int64(d/u.Length), 10), u.Value
		}
	}
	n := int64((d + time.Minute - 1) / time.Minute)
	return strconv.FormatInt(max(n, 1), 10), "minutes"
}

// refreshPolicyView is the Refresh Token Policy as the Manage page and
// the Policies tab say it: the choice's label, then for the two choices
// with a length the number and the unit's label ("Expire refresh token
// after" 90 "Day(s)"). The parts stay apart so that the page translates
// each label (the "refreshPolicy" template).
type refreshPolicyView struct{ Mode, N, Unit string }

func refreshPolicyLabel(p store.RefreshPolicy) refreshPolicyView {
	mode := p.Mode
	if mode == "" {
		mode = store.RefreshUntilRevoked
	}
	v := refreshPolicyView{Mode: labelOf(refreshModes, mode)}
	if mode == store.RefreshIdle || mode == store.RefreshAbsolute {
		n, unit := splitDuration(p.For)
		v.N, v.Unit = n, labelOf(unitOptions(), unit)
	}
	return v
}

func unitOptions() []option {
	out := make([]option, len(refreshUnits))
	for i, u := range refreshUnits {
		out[i] = u.option
	}
	return out
}

// userOption is a user of the org in the policy pages.
type userOption struct {
	ID, Username, Name string
	Active, Checked    bool
}

// managePage is the data of app_manage.html.
type managePage struct {
	chrome
	policySummary
	App           store.ConnectedApp
	BlockedNotice string
}

// HandleManageApps is Setup → Manage Connected Apps: the org's apps, each
// leading to its Manage page.
func HandleManageApps(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected Apps")
		type row struct {
			store.ConnectedApp
			PermittedUsers string
		}
		var rows []row
		for _, a := range d.Store.Apps(sess.OrgID) {
			// External Client Apps have their own manager (eca.go).
			if a.External() {
				continue
			}
			rows = append(rows, row{a, labelOf(permittedUsers, permittedValue(a.Policy))})
		}
		d.Pages.Render(w, r, http.StatusOK, "manage_apps.html", struct {
			chrome
			Apps []row
		}{c, rows})
	})
}

func permittedValue(p store.AppPolicy) string {
	if p.AdminApproved {
		return PermittedAdminApproved
	}
	return PermittedAll
}

// HandleManageApp is an app's Manage page: its OAuth policies, Edit
// Policies, and Block or Unblock.
func HandleManageApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected App Detail")
		app, ok := connectedAppKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		p := managePage{chrome: c, policySummary: summarizePolicy(d, sess.OrgID, app.Policy), App: app,
			BlockedNotice: MsgBlockedNotice}
		d.Pages.Render(w, r, http.StatusOK, "app_manage.html", p)
	})
}

// HandleBlockApp blocks (action=block) or unblocks (action=unblock) an app:
// while blocked every flow of the app fails with OAUTH_APP_BLOCKED
// (reference §11). Tokens already issued are left to the OAuth endpoints.
func HandleBlockApp(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected App Detail")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := connectedAppKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		var blocked bool
		switch action := r.PostFormValue("action"); action {
		case "block":
			blocked = true
		case "unblock":
		default:
			message(d, w, r, c, http.StatusBadRequest, "Connected App Detail", MsgBadPicklist+action)
			return
		}
		if _, err := d.Store.UpdateApp(app.ConsumerKey, func(a *store.ConnectedApp) { a.Policy.Blocked = blocked }); err != nil {
			message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
			return
		}
		http.Redirect(w, r, ManageAppPath+"?applicationId="+url.QueryEscape(app.ID), http.StatusFound)
	})
}

// policyForm is what the admin chose in Edit Policies.
type policyForm struct {
	PermittedUsers                                   string
	Assigned                                         []string // user IDs
	RefreshMode                                      string
	IdleValue, IdleUnit, AbsoluteValue, AbsoluteUnit string
	RunAsUserID                                      string
	// IPRelaxation is the IP Relaxation chosen; ipRelaxationSent is false
	// when the post had no such field (a form posted by a script), which
	// keeps the app's.
	IPRelaxation     string
	ipRelaxationSent bool
}

func policyFormFromApp(p store.AppPolicy) policyForm {
	f := policyForm{PermittedUsers: permittedValue(p), Assigned: p.AssignedUserIDs, RefreshMode: p.Refresh.Mode,
		IdleUnit: "hours", AbsoluteUnit: "days", RunAsUserID: p.RunAsUserID, IPRelaxation: p.IPRelaxationMode()}
	if f.RefreshMode == "" {
		f.RefreshMode = store.RefreshUntilRevoked
	}
	switch f.RefreshMode {
	case store.RefreshIdle:
		f.IdleValue, f.IdleUnit = splitDuration(p.Refresh.For)
	case store.RefreshAbsolute:
		f.AbsoluteValue, f.AbsoluteUnit = splitDuration(p.Refresh.For)
	}
	return f
}

func readPolicyForm(r *http.Request) policyForm {
	f := policyForm{
		PermittedUsers: r.PostFormValue("permittedUsers"),
		Assigned:       r.PostForm["assignedUsers"],
		RefreshMode:    r.PostFormValue("refreshPolicy"),
		IdleValue:      strings.TrimSpace(r.PostFormValue("refreshIdleValue")),
		IdleUnit:       r.PostFormValue("refreshIdleUnit"),
		AbsoluteValue:  strings.TrimSpace(r.PostFormValue("refreshAbsoluteValue")),
		AbsoluteUnit:   r.PostFormValue("refreshAbsoluteUnit"),
		RunAsUserID:    r.PostFormValue("runAsUser"),
	}
	if v, ok := r.PostForm["ipRelaxation"]; ok && len(v) > 0 {
		f.IPRelaxation, f.ipRelaxationSent = v[0], true
	}
	return f
}

// duration checks N and its unit of a Refresh Token Policy choice; field
// is the id prefix the errors go under.
func duration(value, unit, field string, errs map[string]string) time.Duration {
	var length time.Duration
	for _, u := range refreshUnits {
		if u.Value == unit {
			length = u.Length
		}
	}
	if length == 0 {
		errs[field+"Unit"] = MsgBadPicklist + unit
	}
	if value == "" {
		errs[field+"Value"] = MsgRequired
		return 0
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > maxRefreshN {
		errs[field+"Value"] = MsgBadNumber
		return 0
	}
	return time.Duration(n) * length
}

// validate checks the form against the org's users and returns the policy
// to save and the errors by field.
func (f policyForm) validate(app store.ConnectedApp, users []store.User) (store.AppPolicy, map[string]string) {
	errs := map[string]string{}
	p := app.Policy
	known := map[string]store.User{}
	for _, u := range users {
		known[u.ID] = u
	}
	switch f.PermittedUsers {
	case PermittedAll, PermittedAdminApproved:
		p.AdminApproved = f.PermittedUsers == PermittedAdminApproved
	default:
		errs["permittedUsers"] = MsgBadPicklist + f.PermittedUsers
	}
	chosen := map[string]bool{}
	for _, id := range f.Assigned {
		if _, ok := known[id]; !ok {
			errs["assignedUsers"] = MsgNoSuchUser
		}
		chosen[id] = true
	}
	p.AssignedUserIDs = nil
	for _, u := range users {
		if chosen[u.ID] {
			p.AssignedUserIDs = append(p.AssignedUserIDs, u.ID)
		}
	}
	switch f.RefreshMode {
	case store.RefreshUntilRevoked, store.RefreshImmediately:
		p.Refresh = store.RefreshPolicy{Mode: f.RefreshMode}
	case store.RefreshIdle:
		p.Refresh = store.RefreshPolicy{Mode: f.RefreshMode, For: duration(f.IdleValue, f.IdleUnit, "refreshIdle", errs)}
	case store.RefreshAbsolute:
		p.Refresh = store.RefreshPolicy{Mode: f.RefreshMode, For: duration(f.AbsoluteValue, f.AbsoluteUnit, "refreshAbsolute", errs)}
	case "":
		errs["refreshPolicy"] = MsgRequired
	default:
		errs["refreshPolicy"] = MsgBadPicklist + f.RefreshMode
	}
	switch {
	case !f.ipRelaxationSent:
	case f.IPRelaxation == store.IPEnforce, f.IPRelaxation == store.IPEnforceRelaxRefresh, f.IPRelaxation == store.IPRelax:
		p.IPRelaxation = f.IPRelaxation
	default:
		errs["ipRelaxation"] = MsgBadPicklist + f.IPRelaxation
	}
	if app.Policy.ClientCredentials {
		if f.RunAsUserID == "" {
			errs["runAsUser"] = MsgRequired
		} else if _, ok := known[f.RunAsUserID]; !ok {
			errs["runAsUser"] = MsgNoSuchUser
		} else {
			p.RunAsUserID = f.RunAsUserID
		}
	}
	return p, errs
}

// policiesPage is the data of app_policies.html.
type policiesPage struct {
	chrome
	App                          store.ConnectedApp
	Form                         policyForm
	Errors                       map[string]string
	Users                        []userOption
	PermittedUsers, Modes, Units []option
	IPRelaxations                []option
	InvalidData                  string
	AssignedUsersNote            string
}

func newPoliciesPage(c chrome, app store.ConnectedApp, users []store.User, f policyForm, errs map[string]string) policiesPage {
	chosen := map[string]bool{}
	for _, id := range f.Assigned {
		chosen[id] = true
	}
	p := policiesPage{chrome: c, App: app, Form: f, Errors: errs, PermittedUsers: permittedUsers, Modes: refreshModes,
		Units: unitOptions(), IPRelaxations: ipRelaxations, InvalidData: MsgInvalidData,
		AssignedUsersNote: MsgAssignedUsersHelp}
	if !f.ipRelaxationSent && f.IPRelaxation == "" {
		p.Form.IPRelaxation = app.Policy.IPRelaxationMode()
	}
	for _, u := range users {
		p.Users = append(p.Users, userOption{ID: u.ID, Username: u.Username, Name: u.DisplayName(), Active: u.Active, Checked: chosen[u.ID]})
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	return p
}

// HandlePoliciesPage shows Edit Policies for an app.
func HandlePoliciesPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, "Connected App Edit")
		app, ok := connectedAppKind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "app_policies.html",
			newPoliciesPage(c, app, d.Store.Users(sess.OrgID), policyFormFromApp(app.Policy), nil))
	})
}

// HandleSavePolicies saves Edit Policies and goes back to the Manage page;
// on an error the form is shown again as it was posted.
func HandleSavePolicies(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := connectedAppKind.readPolicies(d, w, r, "Connected App Edit")
		if !ok {
			return
		}
		if len(p.errs) > 0 {
			d.Pages.Render(w, r, http.StatusOK, "app_policies.html", newPoliciesPage(p.c, p.app, p.users, p.form, p.errs))
			return
		}
		p.save(d, w, r, nil, ManageAppPath+"?applicationId="+url.QueryEscape(p.app.ID))
	})
}
