package setup

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// appKind is what the Setup pages of a connected app and of an External
// Client App differ in where they work alike: saving the app's form,
// showing its consumer key and secret behind Verify Your Identity,
// deleting it and saving its policies. The pages' templates and wording
// stay each kind's own (setup.go, eca.go); a store failure gets one
// answer for both (unavailable).
type appKind struct {
	// noun names the kind in log lines.
	noun string
	// external is set for External Client Apps: find loads apps of one
	// kind only.
	external bool
	// newPolicy is the policy a new app of the kind starts with.
	newPolicy func() store.AppPolicy
	// duplicateName is the error next to Name when the store refuses the
	// name or API name.
	duplicateName string
	// The consumer key and secret, shown after Verify Your Identity:
	// verifyPurpose completes "You're trying to …"; verifyPath and
	// consumerPath are the verification page and the key and secret's.
	verifyPurpose, verifyPath, consumerPath string

	// deletePath is the path of Delete.
	deletePath string
}

var (
	connectedAppKind = appKind{
		noun: "connected app", newPolicy: store.DefaultAppPolicy, duplicateName: MsgDuplicateName,
		verifyPurpose: verifyPurpose, verifyPath: VerifyPath, consumerPath: ConsumerPath, deletePath: DeletePath,
	}
	ecaKind = appKind{
		noun: "external client app", external: true, newPolicy: store.DefaultExternalClientAppPolicy,
		duplicateName: MsgDuplicateECAName,
		verifyPurpose: ecaVerifyPurpose, verifyPath: ECAVerifyPath, consumerPath: ECAConsumerPath, deletePath: ECADeletePath,
	}
)

// find loads the app of the kind named by id in the admin's org, or
// answers 404 Data Not Available itself: for an unknown ID, an app of
// another org, and an app of the other kind alike (each kind has pages
// of its own).
func (k appKind) find(d Deps, w http.ResponseWriter, r *http.Request, sess store.Session, id string) (store.ConnectedApp, bool) {
	app, err := d.Store.AppByID(sess.OrgID, id)
	if err != nil || app.External() != k.external {
		c, _, _ := page(d, r, "Data Not Available")
		message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
		return store.ConnectedApp{}, false
	}
	return app, true
}

// unavailable answers a store failure on the page titled title, where
// the app could not be done ("saved", "deleted", "shown"): Salesforce's
// page, never a bare 500.
func unavailable(d Deps, w http.ResponseWriter, r *http.Request, c chrome, title, done string) {
	message(d, w, r, c, http.StatusServiceUnavailable, title, "The app could not be "+done+". Try again later.")
}

// appSettingsForm is a New or Edit form of either kind (appForm, ecaForm).
type appSettingsForm interface {
	validate(prev *store.ConnectedApp) map[string]string
	apply(a *store.ConnectedApp)
}

// save checks a posted form and stores it: as a new app of the admin's org
// when prev is nil, else into prev. On success it redirects to next(the
// app's ID); on a store failure it answers itself. Otherwise it returns
// the errors, by field, to show the form again with; done says whether it
// has answered.
func (k appKind) save(d Deps, w http.ResponseWriter, r *http.Request, c chrome, title string, sess store.Session,
	prev *store.ConnectedApp, f appSettingsForm, next func(id string) string) (errs map[string]string, done bool) {
	errs = f.validate(prev)
	if len(errs) > 0 {
		return errs, false
	}
	var id, op string
	var err error
	if prev == nil {
		op = "create"
		app := store.ConnectedApp{OrgID: sess.OrgID, Policy: k.newPolicy()}
		f.apply(&app)
		app, err = d.Store.CreateApp(app)
		id = app.ID
	} else {
		op, id = "update", prev.ID
		_, err = d.Store.UpdateAppUnique(prev.ConsumerKey, f.apply)
	}
	switch {
	case err == nil:
		http.Redirect(w, r, next(id), http.StatusFound)
		return nil, true
	case prev != nil && errors.Is(err, store.ErrNotFound):
		message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
		return nil, true
	case !errors.Is(err, store.ErrConflict):
		d.Log.Error("mocksf: "+op+" "+k.noun, "err", err)
		unavailable(d, w, r, c, title, "saved")
		return nil, true
	}
	errs["name"] = k.duplicateName
	return errs, false
}

// appFormPages are a kind's New and Edit forms (F is appForm or ecaForm):
// how a post is read, how the form is shown again with its errors, and
// where a saved app goes.
type appFormPages[F appSettingsForm] struct {
	kind                   appKind
	newTitle, editTitle    string
	tmpl                   string
	blank                  func() F
	read                   func(*http.Request) F
	fromApp                func(store.ConnectedApp) F
	page                   func(c chrome, prev *store.ConnectedApp, f F, errs map[string]string) any
	afterCreate, afterSave func(id string) string
	// refuse, when not nil, answers the New form or its Create itself
	// instead, with status (an org that restricts creating apps of the
	// kind), and says so.
	refuse func(d Deps, w http.ResponseWriter, r *http.Request, c chrome, sess store.Session, status int) bool
}

// handleNew shows the empty New form.
func (p appFormPages[F]) handleNew(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, p.newTitle)
		if p.refuse != nil && p.refuse(d, w, r, c, sess, http.StatusOK) {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, p.tmpl, p.page(c, nil, p.blank(), nil))
	})
}

// handleCreate is Create of the New form: a valid form is saved as a new
// app; on an error the form is shown again with everything typed and a
// message next to each bad field.
func (p appFormPages[F]) handleCreate(d Deps) http.Handler {
	return p.handlePost(d, p.newTitle, func(w http.ResponseWriter, r *http.Request, c chrome, sess store.Session) {
		if p.refuse != nil && p.refuse(d, w, r, c, sess, http.StatusForbidden) {
			return
		}
		p.submit(d, w, r, c, p.newTitle, sess, nil, p.afterCreate)
	})
}

// handleEdit shows the Edit form of an app, filled in.
func (p appFormPages[F]) handleEdit(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, p.editTitle)
		app, ok := p.kind.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, p.tmpl, p.page(c, &app, p.fromApp(app), nil))
	})
}

// handleUpdate is Save of the Edit form, validated as Create is.
func (p appFormPages[F]) handleUpdate(d Deps) http.Handler {
	return p.handlePost(d, p.editTitle, func(w http.ResponseWriter, r *http.Request, c chrome, sess store.Session) {
		if app, ok := p.kind.find(d, w, r, sess, r.URL.Query().Get("applicationId")); ok {
			p.submit(d, w, r, c, p.editTitle, sess, &app, p.afterSave)
		}
	})
}

// handlePost reads a post of the form (multipart, with its certificate
// file) on the page titled title, and hands it to then.
func (p appFormPages[F]) handlePost(d Deps, title string, then func(http.ResponseWriter, *http.Request, chrome, store.Session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, title)
		if !parseAppForm(d, c, w, r, sess) {
			return
		}
		defer cleanup(r)
		then(w, r, c, sess)
	})
}

// submit reads the posted form and saves it, or shows it again with the
// errors.
func (p appFormPages[F]) submit(d Deps, w http.ResponseWriter, r *http.Request, c chrome, title string, sess store.Session,
	prev *store.ConnectedApp, next func(id string) string) {
	f := p.read(r)
	if errs, done := p.kind.save(d, w, r, c, title, sess, prev, f, next); !done {
		d.Pages.Render(w, r, http.StatusOK, p.tmpl, p.page(c, prev, f, errs))
	}
}

// deletePage is the data of app_delete.html, the Delete confirmation of
// either kind.
type deletePage struct {
	appPage
	Heading, Notice string
	Action, Cancel  string // the form's action; where Cancel goes
}

// handleDeletePage asks the admin to confirm deleting an app of the kind,
// titled title, with notice; cancel is where Cancel goes.
func (k appKind) handleDeletePage(d Deps, title, notice string, cancel func(id string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, title)
		app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "app_delete.html", deletePage{appPage: appPage{newECAPage(c), app}, Heading: title,
			Notice: notice, Action: k.deletePath + "?applicationId=" + url.QueryEscape(app.ID), Cancel: cancel(app.ID)})
	})
}

// handleDelete deletes an app of the kind with every code and token issued
// to it, and goes to next.
func (k appKind) handleDelete(d Deps, title, next string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, title)
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		if err := d.Store.DeleteApp(app.ConsumerKey); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				message(d, w, r, c, http.StatusNotFound, "Data Not Available", MsgNotFound)
				return
			}
			d.Log.Error("mocksf: delete "+k.noun, "err", err)
			unavailable(d, w, r, c, title, "deleted")
			return
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
}

// policySummary is an app's OAuth policies as its Manage page or its
// Policies tab shows them.
type policySummary struct {
	PermittedUsers, RunAs string
	IPRelaxation          string
	RefreshPolicy         refreshPolicyView
	Assigned              []string // usernames
}

func summarizePolicy(d Deps, orgID string, p store.AppPolicy) policySummary {
	s := policySummary{PermittedUsers: labelOf(permittedUsers, permittedValue(p)),
		RefreshPolicy: refreshPolicyLabel(p.Refresh), IPRelaxation: labelOf(ipRelaxations, p.IPRelaxationMode())}
	byID := map[string]store.User{}
	for _, u := range d.Store.Users(orgID) {
		byID[u.ID] = u
	}
	for _, id := range p.AssignedUserIDs {
		if u, ok := byID[id]; ok {
			s.Assigned = append(s.Assigned, u.Username)
		}
	}
	if u, ok := byID[p.RunAsUserID]; ok {
		s.RunAs = u.Username
	}
	return s
}

// policiesPost is a posted Edit Policies form of either kind, read and
// checked.
type policiesPost struct {
	c      chrome
	app    store.ConnectedApp
	users  []store.User
	form   policyForm
	policy store.AppPolicy
	errs   map[string]string
}

// readPolicies reads and checks the posted Edit Policies of an app of the
// kind; ok is false when it has answered itself.
func (k appKind) readPolicies(d Deps, w http.ResponseWriter, r *http.Request, title string) (policiesPost, bool) {
	c, sess, _ := page(d, r, title)
	if !web.ParseForm(w, r, sess) {
		return policiesPost{}, false
	}
	app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
	if !ok {
		return policiesPost{}, false
	}
	p := policiesPost{c: c, app: app, users: d.Store.Users(sess.OrgID), form: readPolicyForm(r)}
	p.policy, p.errs = p.form.validate(app, p.users)
	return p, true
}

// save stores a valid post and goes to next. Only what Edit Policies
// shows changes, the OAuth settings may have been edited meanwhile; more,
// when not nil, changes what the kind's page adds.
func (p policiesPost) save(d Deps, w http.ResponseWriter, r *http.Request, more func(*store.ConnectedApp), next string) {
	_, err := d.Store.UpdateApp(p.app.ConsumerKey, func(a *store.ConnectedApp) {
		a.Policy.AdminApproved, a.Policy.AssignedUserIDs = p.policy.AdminApproved, p.policy.AssignedUserIDs
		a.Policy.Refresh, a.Policy.RunAsUserID = p.policy.Refresh, p.policy.RunAsUserID
		a.Policy.IPRelaxation = p.policy.IPRelaxation
		if more != nil {
			more(a)
		}
	})
	if err != nil {
		message(d, w, r, p.c, http.StatusNotFound, "Data Not Available", MsgNotFound)
		return
	}
	http.Redirect(w, r, next, http.StatusFound)
}

// handleConsumer is Consumer Key and Secret (a post): it emails the admin
// a verification code and goes to the verification page, unless this
// session already verified for the app.
func (k appKind) handleConsumer(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, sess, user := page(d, r, "Verify Your Identity")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := k.find(d, w, r, sess, r.PostFormValue("applicationId"))
		if !ok {
			return
		}
		if sess.Revealed[app.ID] {
			http.Redirect(w, r, k.consumerPath+"?applicationId="+app.ID, http.StatusFound)
			return
		}
		if !k.sendCode(d, w, r, sess, user, app.ID, "") {
			return
		}
		http.Redirect(w, r, k.verifyPath+"?applicationId="+app.ID, http.StatusFound)
	})
}

// sendCode emails the verification code for the app's key and secret;
// it answers 503 itself when the mail cannot be sent, and the
// verification page with the refusal past the user's caps.
func (k appKind) sendCode(d Deps, w http.ResponseWriter, r *http.Request, sess store.Session, user store.User, appID, again string) bool {
	if err := d.Verifier.Send(r.Context(), sess.ID, user, "consumer:"+appID, k.verifyPurpose); err != nil {
		if identity.Limited(err) {
			c, _, _ := page(d, r, "Verify Your Identity")
			d.Pages.Render(w, r, http.StatusOK, "verify.html", k.verifyPage(c, sess, user, appID, identity.Message(err)))
			return false
		}
		d.Log.Error("mocksf: "+again+k.noun+" consumer verification mail", "err", err)
		http.Error(w, "We can't send your verification code right now. Try again later.", http.StatusServiceUnavailable)
		return false
	}
	return true
}

// verifyPageData is the data of verify.html inside the Setup layout.
// Setup never offers the login page's "Don't ask again" (ShowDontAsk,
// DontAsk stay false).
type verifyPageData struct {
	chrome
	Purpose, MaskedEmail, Error, Action string
	ShowDontAsk, DontAsk                bool
}

// verifyPage is the data of verify.html for the app's key and secret.
func (k appKind) verifyPage(c chrome, sess store.Session, user store.User, appID, msg string) any {
	c.Title, c.CSRF = "Verify Your Identity | Salesforce", sess.CSRF
	return verifyPageData{chrome: c, Purpose: k.verifyPurpose, MaskedEmail: identity.MaskEmail(user.Email), Error: msg,
		Action: k.verifyPath + "?applicationId=" + appID}
}

// handleVerifyPage shows the verification page for the key and secret.
func (k appKind) handleVerifyPage(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, user := page(d, r, "Verify Your Identity")
		app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		d.Pages.Render(w, r, http.StatusOK, "verify.html", k.verifyPage(c, sess, user, app.ID, ""))
	})
}

// handleVerify checks the code (or resends it) and shows the key and
// secret.
func (k appKind) handleVerify(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, user := page(d, r, "Verify Your Identity")
		if !web.ParseForm(w, r, sess) {
			return
		}
		app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		if r.PostFormValue("resend") != "" {
			if k.sendCode(d, w, r, sess, user, app.ID, "resend ") {
				http.Redirect(w, r, k.verifyPath+"?applicationId="+app.ID, http.StatusFound)
			}
			return
		}
		if err := d.Verifier.Check(sess.ID, "consumer:"+app.ID, r.PostFormValue("emc")); err != nil {
			d.Pages.Render(w, r, http.StatusOK, "verify.html", k.verifyPage(c, sess, user, app.ID, identity.Message(err)))
			return
		}
		if _, err := d.Store.UpdateSession(sess.ID, func(s *store.Session) { s.Revealed[app.ID] = true }); err != nil {
			unavailable(d, w, r, c, "Verify Your Identity", "shown")
			return
		}
		http.Redirect(w, r, k.consumerPath+"?applicationId="+app.ID, http.StatusFound)
	})
}

// appPage is the data of a page about one app of either kind. A connected
// app's page has no use for the External Client App paths, and they do it
// no harm.
type appPage struct {
	ecaPage
	App store.ConnectedApp
}

// handleConsumerDetails shows the consumer key and secret, on the page
// tmpl titled title, to a session that verified for the app; any other
// goes back to the app's page, back.
func (k appKind) handleConsumerDetails(d Deps, title, tmpl string, back func(id string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, sess, _ := page(d, r, title)
		app, ok := k.find(d, w, r, sess, r.URL.Query().Get("applicationId"))
		if !ok {
			return
		}
		if !sess.Revealed[app.ID] {
			http.Redirect(w, r, back(app.ID), http.StatusFound)
			return
		}
		d.Pages.Render(w, r, http.StatusOK, tmpl, appPage{newECAPage(c), app})
	})
}
