package control

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Org is an org as the control API shows it: everything a test needs to
// log in to it and call it.
type Org struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	Edition           string `json:"edition"`
	Status            string `json:"status"`
	AllowPasswordFlow bool   `json:"allowPasswordFlow"`
	// RestrictConnectedApps is the org's Spring '26 restriction on
	// creating connected apps.
	RestrictConnectedApps bool `json:"restrictConnectedApps"`
	// LoginIPRanges are the CIDR ranges the org's users may log in from;
	// empty means anywhere.
	LoginIPRanges []string `json:"loginIpRanges"`
	// TrustedIPRanges are the org's trusted IP ranges: API logins from
	// inside them need no security token.
	TrustedIPRanges []string `json:"trustedIpRanges"`
	// SessionTimeout is how long an unused access token lives, as a Go
	// duration ("2h0m0s").
	SessionTimeout string `json:"sessionTimeout"`
	// InstanceURL is the org's instance host, the instance_url of its
	// tokens; LoginURL is the login host (authorize, token, login page).
	InstanceURL   string    `json:"instanceUrl"`
	LoginURL      string    `json:"loginUrl"`
	Users         []OrgUser `json:"users"`
	ConnectedApps []OrgApp  `json:"connectedApps"`
	// ExternalClientApps are the org's External Client Apps, which carry
	// distributionState and flows too.
	ExternalClientApps []OrgApp `json:"externalClientApps"`
	// Records counts the live records of each object.
	Records map[string]int `json:"records"`
}

// OrgUser is a user of an org, password included: this is a test tool.
type OrgUser struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	Password   string `json:"password"`
	Email      string `json:"email"`
	FirstName  string `json:"firstName,omitempty"`
	LastName   string `json:"lastName,omitempty"`
	Admin      bool   `json:"admin"`
	APIEnabled bool   `json:"apiEnabled"`
	Active     bool   `json:"active"`
	// SecurityToken is what an API login from an untrusted address
	// appends to the password.
	SecurityToken string `json:"securityToken"`
	// Language is the user's LanguageLocaleKey ("en_US", "nl_NL", "ja"),
	// the language of the pages and mails mocksf shows them.
	Language string `json:"language"`
}

// OrgApp is a connected app or an External Client App of an org with its
// credentials.
type OrgApp struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	APIName        string   `json:"apiName"`
	ConsumerKey    string   `json:"consumerKey"`
	ConsumerSecret string   `json:"consumerSecret"`
	CallbackURLs   []string `json:"callbackUrls"`
	Scopes         []string `json:"scopes"`
	// DistributionState is an External Client App's Local or Packaged;
	// a connected app has none, and the JSON then has neither it nor
	// Flows.
	DistributionState string `json:"distributionState,omitempty"`
	// Flows are an External Client App's enabled optional flows
	// (clientCredentials, authorizationCodeAndCredentials, deviceFlow,
	// jwtBearer, tokenExchange), in that order.
	Flows []string `json:"flows,omitempty"`
}

// MarshalJSON writes an External Client App's flows even when it has
// none ("flows": []), so a test can read the list without checking for
// it; a connected app's entry has no flows key.
func (a OrgApp) MarshalJSON() ([]byte, error) {
	type plain OrgApp // without this method
	if a.DistributionState == "" {
		return json.Marshal(plain(a))
	}
	return json.Marshal(struct {
		plain
		Flows []string `json:"flows"`
	}{plain(a), nonNil(a.Flows)})
}

// OrgSummary is one entry of GET /__mocksf/orgs.
type OrgSummary struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Edition     string `json:"edition"`
	Status      string `json:"status"`
	InstanceURL string `json:"instanceUrl"`
}

// User returns the org's user with the username, ignoring case.
func (o Org) User(username string) (OrgUser, bool) {
	for _, u := range o.Users {
		if strings.EqualFold(u.Username, username) {
			return u, true
		}
	}
	return OrgUser{}, false
}

// App returns the org's connected app with the name, ignoring case.
func (o Org) App(name string) (OrgApp, bool) { return appNamed(o.ConnectedApps, name) }

// ExternalClientApp returns the org's External Client App with the name,
// ignoring case.
func (o Org) ExternalClientApp(name string) (OrgApp, bool) {
	return appNamed(o.ExternalClientApps, name)
}

func appNamed(apps []OrgApp, name string) (OrgApp, bool) {
	for _, a := range apps {
		if strings.EqualFold(a.Name, name) {
			return a, true
		}
	}
	return OrgApp{}, false
}

func (c *API) org(o store.Org, users []store.User, apps []store.ConnectedApp) Org {
	out := Org{
		ID: o.ID, Name: o.Name, Edition: o.Edition, Status: o.Status, AllowPasswordFlow: o.AllowPasswordFlow,
		RestrictConnectedApps: o.RestrictConnectedApps, InstanceURL: c.d.Hosts.URL(o.ID), LoginURL: c.d.BaseURL,
		Users: make([]OrgUser, 0, len(users)), ConnectedApps: []OrgApp{}, ExternalClientApps: []OrgApp{},
		Records: c.d.Store.RecordCounts(o.ID), LoginIPRanges: o.LoginIPRanges.Strings(), TrustedIPRanges: o.TrustedIPRanges.Strings(),
		SessionTimeout: sessionTimeoutOf(o).String(),
	}
	if out.Status == "" {
		out.Status = store.OrgActive
	}
	for _, u := range users {
		out.Users = append(out.Users, orgUser(u))
	}
	for _, a := range apps {
		if a.External() {
			out.ExternalClientApps = append(out.ExternalClientApps, orgApp(a))
		} else {
			out.ConnectedApps = append(out.ConnectedApps, orgApp(a))
		}
	}
	return out
}

func orgUser(u store.User) OrgUser {
	return OrgUser{
		ID: u.ID, Username: u.Username, Password: u.Password, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		Admin: u.Admin, APIEnabled: u.APIEnabled, Active: u.Active, SecurityToken: u.SecurityToken,
		Language: u.Language,
	}
}

func orgApp(a store.ConnectedApp) OrgApp {
	out := OrgApp{
		ID: a.ID, Name: a.Name, APIName: a.APIName, ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret,
		CallbackURLs: nonNil(a.CallbackURLs), Scopes: nonNil(a.Scopes),
	}
	if a.External() {
		out.DistributionState, out.Flows = a.DistributionState, a.Policy.EnabledFlows()
		if out.DistributionState == "" {
			// An app made in code without one is Local, as the form's
			// default.
			out.DistributionState = store.DistributionLocal
		}
	}
	return out
}

// lookupOrg returns the org of the route's {id}, or a 404.
func (c *API) lookupOrg(r *http.Request) (store.Org, error) {
	id := mux.Vars(r)["id"]
	o, err := c.d.Store.Org(id)
	if err != nil {
		return store.Org{}, errorf(CodeNotFound, "no org %s", id)
	}
	return o, nil
}

// handleOrg is a handler under /__mocksf/orgs/{id}: h runs with the org,
// and an org that is unknown is 404 before it.
func (c *API) handleOrg(h func(w http.ResponseWriter, r *http.Request, o store.Org)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, err := c.lookupOrg(r)
		if err != nil {
			writeError(w, err)
			return
		}
		h(w, r, o)
	})
}

// lookupUser returns the user of an org with the username (ignoring
// case), or a 404: a user of another org is not found either.
func (c *API) lookupUser(o store.Org, username string) (store.User, error) {
	u, err := c.d.Store.UserByUsername(username)
	if err != nil || u.OrgID != o.ID {
		return store.User{}, errorf(CodeNotFound, "no user %s in org %s", username, o.ID)
	}
	return u, nil
}

// lookupApp returns the app, of either kind, of an org with the consumer
// key, or a 404: an app of another org is not found either.
func (c *API) lookupApp(o store.Org, consumerKey string) (store.ConnectedApp, error) {
	a, err := c.d.Store.AppByKey(consumerKey)
	if err != nil || a.OrgID != o.ID {
		return store.ConnectedApp{}, errorf(CodeNotFound, "no connected app with consumer key %s in org %s", consumerKey, o.ID)
	}
	return a, nil
}

// lookupAppOfKind is lookupApp for a route of one kind of app (external:
// External Client Apps): an app of the other kind is not found, as the
// two are separate lists in Setup.
func (c *API) lookupAppOfKind(o store.Org, consumerKey string, external bool) (store.ConnectedApp, error) {
	a, err := c.d.Store.AppByKey(consumerKey)
	if err != nil || a.OrgID != o.ID || a.External() != external {
		return store.ConnectedApp{}, errorf(CodeNotFound, "no %s with consumer key %s in org %s", kindName(external), consumerKey, o.ID)
	}
	return a, nil
}

// kindName is how the control API's messages name a kind of app.
func kindName(external bool) string {
	if external {
		return "External Client App"
	}
	return "connected app"
}

// sessionTimeoutOf is the org's session timeout, its default filled in.
func sessionTimeoutOf(o store.Org) time.Duration {
	if o.SessionTimeout > 0 {
		return o.SessionTimeout
	}
	return store.DefaultSessionTimeout
}

func (c *API) summary(o store.Org) OrgSummary {
	status := o.Status
	if status == "" {
		status = store.OrgActive
	}
	return OrgSummary{ID: o.ID, Name: o.Name, Edition: o.Edition, Status: status, InstanceURL: c.d.Hosts.URL(o.ID)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// HandleCreateOrg is POST /__mocksf/orgs: the body is one org in the
// seed file's schema (store.OrgSpec as JSON); the answer, 201, is the Org
// with its IDs, passwords, consumer keys and secrets. Unknown fields and
// invalid values are 400; a username or consumer key another org has is
// 409. Nothing is created on an error.
func HandleCreateOrg(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var spec store.OrgSpec
		if err := decodeJSON(w, r, &spec, false); err != nil {
			writeError(w, err)
			return
		}
		res, err := c.d.Store.CreateOrg(spec)
		switch {
		case errors.Is(err, store.ErrConflict):
			writeError(w, errorf(CodeConflict, "%s in another org; usernames and consumer keys are unique across all orgs, as in Salesforce", specMessage(err)))
			return
		case err != nil:
			writeError(w, errorf(CodeBadRequest, "%s", specMessage(err)))
			return
		}
		c.d.Log.Debug("mocksf control: org created", "org", res.Org.ID, "name", res.Org.Name)
		writeJSON(w, http.StatusCreated, c.org(res.Org, res.Users, append(res.Apps, res.ExternalClientApps...)))
	})
}

// specMessage words a seed error for one org: "users[1].password is
// required" rather than "seed: orgs[0].users[1]...".
func specMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "seed: ")
	msg = strings.ReplaceAll(msg, "orgs[0].", "")
	msg = strings.ReplaceAll(msg, "orgs[0]", "org")
	return strings.ReplaceAll(msg, "\n", "; ")
}

// HandleListOrgs is GET /__mocksf/orgs[?name=NAME]: every org (or those
// with the name, ignoring case) as OrgSummary, ordered by ID.
func HandleListOrgs(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		out := []OrgSummary{}
		for _, o := range c.d.Store.Orgs() {
			if name == "" || strings.EqualFold(o.Name, name) {
				out = append(out, c.summary(o))
			}
		}
		writeJSON(w, http.StatusOK, out)
	})
}

// HandleGetOrg is GET /__mocksf/orgs/{id}: the Org (15- or 18-character
// ID), or 404.
func HandleGetOrg(c *API) http.Handler {
	return c.handleOrg(func(w http.ResponseWriter, r *http.Request, o store.Org) {
		writeJSON(w, http.StatusOK, c.org(o, c.d.Store.Users(o.ID), c.d.Store.Apps(o.ID)))
	})
}

// HandleDeleteOrg is DELETE /__mocksf/orgs/{id}: removes the org and
// everything in it (users, apps, records, codes, tokens, sessions,
// approvals and the mail sent to its users); 204, or 404.
func HandleDeleteOrg(c *API) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, err := c.d.Store.Org(mux.Vars(r)["id"])
		if err == nil {
			err = c.d.Store.DeleteOrg(o.ID)
		}
		if err != nil {
			writeError(w, errorf(CodeNotFound, "no org %s", mux.Vars(r)["id"]))
			return
		}
		c.d.Mailer.DeleteOrg(o.ID)
		c.d.Hosts.Forget(o.ID)
		w.WriteHeader(http.StatusNoContent)
	})
}
