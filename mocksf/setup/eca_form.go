package setup

import (
	"net/http"
	"net/url"

	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
)

// ecaForm is what the admin typed into New External Client App or its
// Edit Settings. The fields it shares with New Connected App are read,
// checked and saved by appForm's own code; DigitalSignatures stands for
// Enable JWT Bearer Flow, whose certificate is checked as Use digital
// signatures' is.
type ecaForm struct {
	appForm
	DistributionState               string
	AuthorizationCodeAndCredentials bool
	DeviceFlow, TokenExchange       bool
	JWTAccessTokens                 bool
}

// distributionStates are the Distribution State picklist's options
// (salesforce-today.md §1). Neither is preselected: the sources mark the
// field required and name Local as the choice for an org's own app, but
// none says the form starts with it.
var distributionStates = []option{
	{store.DistributionLocal, "Local", ""},
	{store.DistributionPackaged, "Packaged", ""},
}

// newECAForm is the empty form, with the three Security settings ticked
// as a new External Client App has them.
func newECAForm() ecaForm {
	p := store.DefaultExternalClientAppPolicy()
	return ecaForm{appForm: appForm{RequireSecretWebServer: p.RequireSecretWebServer,
		RequireSecretRefresh: p.RequireSecretRefresh, RequirePKCE: p.RequirePKCE}}
}

// ecaFormFromApp is Edit Settings of an existing app.
func ecaFormFromApp(a store.ConnectedApp) ecaForm {
	f := ecaForm{appForm: formFromApp(a), DistributionState: a.DistributionState,
		AuthorizationCodeAndCredentials: a.Policy.Flows.AuthorizationCodeAndCredentials,
		DeviceFlow:                      a.Policy.Flows.Device, TokenExchange: a.Policy.Flows.TokenExchange,
		JWTAccessTokens: a.Unsimulated[unsimJWTAccessTokens] == "true"}
	f.DigitalSignatures = a.Policy.Flows.JWTBearer
	return f
}

// readECAForm collects the posted form. The security warning that New
// Connected App shows with the client credentials flow is not known for
// External Client Apps (their Run As user is set under Policies), so the
// flow needs no OK here.
func readECAForm(r *http.Request) ecaForm {
	on := func(name string) bool { return r.PostFormValue(name) != "" }
	f := ecaForm{appForm: readAppForm(r), DistributionState: r.PostFormValue("distributionState"),
		AuthorizationCodeAndCredentials: on("enableAuthorizationCodeCredentials"),
		DeviceFlow:                      on("enableDeviceFlow"), TokenExchange: on("enableTokenExchange"),
		JWTAccessTokens: on("jwtAccessTokens")}
	f.DigitalSignatures = on("enableJwtBearer")
	f.AcceptClientCredentials = true
	return f
}

// validate checks the form as New Connected App does, plus Distribution
// State. prev is the app being edited, nil for a new one.
func (f ecaForm) validate(prev *store.ConnectedApp) map[string]string {
	errs := f.appForm.validate(prev)
	switch f.DistributionState {
	case store.DistributionLocal, store.DistributionPackaged:
	case "":
		errs["distributionState"] = MsgRequired
	default:
		errs["distributionState"] = MsgBadPicklist + f.DistributionState
	}
	return errs
}

// apply writes a valid form into an app. With Enable OAuth off the app's
// OAuth settings and flows are left as they were, as New Connected App
// leaves them.
func (f ecaForm) apply(a *store.ConnectedApp) {
	f.appForm.apply(a)
	a.Kind, a.DistributionState = store.KindExternalClientApp, f.DistributionState
	if !f.OAuthEnabled {
		return
	}
	a.Policy.Flows = store.AppFlows{AuthorizationCodeAndCredentials: f.AuthorizationCodeAndCredentials,
		Device: f.DeviceFlow, JWTBearer: f.DigitalSignatures, TokenExchange: f.TokenExchange}
	if a.Unsimulated == nil {
		a.Unsimulated = map[string]string{}
	}
	if f.JWTAccessTokens {
		a.Unsimulated[unsimJWTAccessTokens] = "true"
	} else {
		delete(a.Unsimulated, unsimJWTAccessTokens)
	}
}

// ecaFormPage is the data of eca_form.html.
type ecaFormPage struct {
	ecaPage
	Heading, Action, Submit, SubmitLabel, Cancel string
	Form                                         ecaForm
	Errors                                       map[string]string
	Available, Selected                          []scope.Scope
	DistributionStates                           []option
	Certificate                                  *certificate
	Reupload                                     bool
	MaxCertificateBytes                          int
	Messages                                     editMessages
	// IconButtons draws Add and Remove of the scope picker as arrows.
	IconButtons bool
}

func newECAFormPage(c chrome, prev *store.ConnectedApp, f ecaForm, errs map[string]string) ecaFormPage {
	// The connected-app form's page data gives the scope lists and the
	// certificate state; only the wording around them differs.
	e := newEditPage(c, prev, f.appForm, errs)
	p := ecaFormPage{ecaPage: newECAPage(c), Heading: "New External Client App", Action: ECANewPath,
		Submit: "create", SubmitLabel: "Create", Cancel: ECAManagerPath,
		Form: f, Errors: e.Errors, Available: e.Available, Selected: e.Selected, DistributionStates: distributionStates,
		Certificate: e.Certificate, Reupload: e.Reupload, MaxCertificateBytes: e.MaxCertificateBytes, Messages: e.Messages,
		IconButtons: true}
	if prev != nil {
		p.Heading, p.Action = "Edit Settings: "+prev.Name, ECAEditSettingsPath+"?applicationId="+url.QueryEscape(prev.ID)
		p.Submit, p.SubmitLabel, p.Cancel = "save", "Save", ecaDetailURL(prev.ID, "settings")
	}
	return p
}

// ecaFormPages is New External Client App and Edit Settings; a saved app
// opens its Settings tab.
var ecaFormPages = appFormPages[ecaForm]{
	kind: ecaKind, newTitle: "New External Client App", editTitle: "Edit External Client App", tmpl: "eca_form.html",
	blank: newECAForm, read: readECAForm, fromApp: ecaFormFromApp,
	page: func(c chrome, prev *store.ConnectedApp, f ecaForm, errs map[string]string) any {
		return newECAFormPage(c, prev, f, errs)
	},
	afterCreate: ecaSettingsURL, afterSave: ecaSettingsURL,
}

// HandleNewECA shows the empty New External Client App form.
func HandleNewECA(d Deps) http.Handler { return ecaFormPages.handleNew(d) }

// HandleCreateECA is Create: it saves a valid form as an External Client
// App and opens its Settings tab; on an error the form is shown again with
// everything typed and a message next to each bad field.
func HandleCreateECA(d Deps) http.Handler { return ecaFormPages.handleCreate(d) }

// HandleEditECA shows the Settings tab's Edit: the form, filled in.
func HandleEditECA(d Deps) http.Handler { return ecaFormPages.handleEdit(d) }

// HandleUpdateECA saves Edit Settings, validated as Create is, and
// goes back to the Settings tab.
func HandleUpdateECA(d Deps) http.Handler { return ecaFormPages.handleUpdate(d) }

// ecaSettingsURL is where a saved External Client App goes: its Settings
// tab.
func ecaSettingsURL(id string) string { return ecaDetailURL(id, "settings") }
