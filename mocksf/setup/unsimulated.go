package setup

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// The connected-app settings mocksf stores and shows but does not
// simulate (store.ConnectedApp.Unsimulated): a test can fill in the whole
// New Connected App form as on Salesforce, and no flow changes because of
// them. Labels as in Salesforce's form (reference §10.2, which lists them
// without all their details; the defaults and limits marked below are
// unconfirmed).

// MsgUnsimulated is the note on the form and the app's page.
const MsgUnsimulated = "mocksf stores and shows the settings in this section but does not simulate them: no flow, token or page changes because of them."

// Messages of the unsimulated fields (mocksf's words, unconfirmed).
const (
	MsgBadMinutes   = "Error: Enter a whole number of minutes from 1 to 720."
	MsgBadApexClass = "Error: Enter the name of an Apex class: letters, digits and underscores, starting with a letter."
)

// Kinds of unsimulated field.
const (
	fieldCheckbox = "checkbox"
	fieldText     = "text"
	fieldURL      = "url"
	fieldMinutes  = "minutes"
	fieldApex     = "apex"
	fieldSelect   = "select"
)

// unsimField is one field of an unsimulated section. Its Name is the form
// field's name, its element id and its key in Unsimulated.
type unsimField struct {
	Name, Label, Kind, Default, Help string
	Options                          []option
	// Under names the checkbox this field belongs to: the field is
	// indented under it, and required when it is ticked.
	Under string
}

// unsimSection is a section of the form, or a part of the OAuth section
// (OAuth is set: shown only with Enable OAuth Settings, and kept as it was
// while OAuth is off, as the simulated OAuth settings are).
type unsimSection struct {
	ID, Title string
	OAuth     bool
	Fields    []unsimField
}

var unsimSections = []unsimSection{
	{ID: "deviceFlowSection", Title: "Device Flow", OAuth: true, Fields: []unsimField{
		{Name: "enableDeviceFlow", Label: "Enable for Device Flow", Kind: fieldCheckbox,
			Help: "Lets input-limited devices, such as smart TVs, get tokens with a code the user types on another device."},
	}},
	{ID: "idTokenSection", Title: "Configure ID Token", OAuth: true, Fields: []unsimField{
		{Name: "configureIdToken", Label: "Configure ID Token", Kind: fieldCheckbox},
		{Name: "idTokenValidMinutes", Label: "Token Valid for", Kind: fieldMinutes, Default: "720", Under: "configureIdToken",
			Help: "Minutes the ID token is valid after it is issued, from 1 to 720."},
		{Name: "idTokenStandardClaims", Label: "Include Standard Claims", Kind: fieldCheckbox, Under: "configureIdToken"},
		{Name: "idTokenCustomAttributes", Label: "Include Custom Attributes", Kind: fieldCheckbox, Under: "configureIdToken"},
		{Name: "idTokenCustomPermissions", Label: "Include Custom Permissions", Kind: fieldCheckbox, Under: "configureIdToken"},
	}},
	{ID: "singleLogoutSection", Title: "Single Logout", OAuth: true, Fields: []unsimField{
		{Name: "enableSingleLogout", Label: "Enable Single Logout", Kind: fieldCheckbox},
		{Name: "singleLogoutUrl", Label: "Single Logout URL", Kind: fieldURL, Under: "enableSingleLogout",
			Help: "Where Salesforce sends a logout request when the user logs out of Salesforce."},
	}},
	{ID: "webAppSection", Title: "Web App Settings", Fields: []unsimField{
		{Name: "webAppStartUrl", Label: "Start URL", Kind: fieldURL,
			Help: "Where users go when they open the app from the App Launcher."},
		{Name: "enableSaml", Label: "Enable SAML", Kind: fieldCheckbox},
	}},
	{ID: "customHandlerSection", Title: "Custom Connected App Handler", Fields: []unsimField{
		{Name: "apexPluginClass", Label: "Apex Plugin Class", Kind: fieldApex,
			Help: "An Apex class that extends Auth.ConnectedAppPlugin."},
		{Name: "pluginRunAs", Label: "Run As", Kind: fieldText, Help: "The user the plugin runs as."},
	}},
	{ID: "mobileAppSection", Title: "Mobile App Settings", Fields: []unsimField{
		{Name: "pinProtect", Label: "PIN Protect", Kind: fieldCheckbox},
		{Name: "appPlatform", Label: "App Platform", Kind: fieldSelect, Options: []option{
			{Value: "", Label: "--None--"}, {Value: "ios", Label: "iOS"}, {Value: "android", Label: "Android"}}},
	}},
	{ID: "canvasSection", Title: "Canvas App Settings", Fields: []unsimField{
		{Name: "canvas", Label: "Canvas", Kind: fieldCheckbox},
		{Name: "canvasUrl", Label: "Canvas App URL", Kind: fieldURL, Under: "canvas"},
		{Name: "canvasAccessMethod", Label: "Access Method", Kind: fieldSelect, Under: "canvas", Default: "get",
			Options: []option{{Value: "get", Label: "OAuth Webflow (GET)"}, {Value: "post", Label: "Signed Request (POST)"}}},
	}},
}

// readUnsimulated collects the unsimulated fields of a post, as typed. A
// field the post lacks altogether (a client that posts only some fields)
// is its default; an unticked checkbox is never posted, so it is off.
func readUnsimulated(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, s := range unsimSections {
		for _, f := range s.Fields {
			v := strings.TrimSpace(r.PostFormValue(f.Name))
			if _, posted := r.PostForm[f.Name]; !posted && f.Kind != fieldCheckbox {
				v = f.Default
			}
			if f.Kind == fieldCheckbox && v != "" {
				v = "1"
			}
			out[f.Name] = v
		}
	}
	return out
}

// unsimFromApp is the form's view of stored settings: the defaults, with
// what the app stores over them.
func unsimFromApp(stored map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range unsimSections {
		for _, f := range s.Fields {
			out[f.Name] = f.Default
			if v, ok := stored[f.Name]; ok {
				out[f.Name] = v
			}
		}
	}
	return out
}

var apexClassName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$`)

// validateUnsimulated checks what has a format, into errs by field name.
// A field under an unticked checkbox is not checked, as it is not used.
func validateUnsimulated(values map[string]string, oauth bool, errs map[string]string) {
	for _, s := range unsimSections {
		if s.OAuth && !oauth {
			continue
		}
		for _, f := range s.Fields {
			v := values[f.Name]
			if f.Under != "" && values[f.Under] == "" {
				continue
			}
			if v == "" {
				if f.Under != "" && (f.Kind == fieldURL || f.Kind == fieldMinutes) {
					errs[f.Name] = MsgRequired
				}
				continue
			}
			switch f.Kind {
			case fieldURL:
				if !webURL(v) {
					errs[f.Name] = MsgBadURL
				}
			case fieldMinutes:
				if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 720 {
					errs[f.Name] = MsgBadMinutes
				}
			case fieldApex:
				if len(v) > 255 || !apexClassName.MatchString(v) {
					errs[f.Name] = MsgBadApexClass
				}
			case fieldSelect:
				if !hasOption(f.Options, v) {
					errs[f.Name] = MsgBadPicklist + v
				}
			}
		}
	}
}

func hasOption(opts []option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// applyUnsimulated stores the values that differ from the defaults (an
// absent key is the default). OAuth sections keep what was stored while
// OAuth is off.
func applyUnsimulated(stored, values map[string]string, oauth bool) map[string]string {
	out := map[string]string{}
	for _, s := range unsimSections {
		for _, f := range s.Fields {
			v, ok := values[f.Name], true
			if s.OAuth && !oauth {
				v, ok = stored[f.Name]
			}
			if ok && v != f.Default {
				out[f.Name] = v
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// unsimView is a section as app_edit.html and app_detail.html show it.
type unsimView struct {
	ID, Title string
	OAuth     bool
	Fields    []unsimFieldView
}

// unsimFieldView is a field with its value, error and shown value.
type unsimFieldView struct {
	unsimField
	Value, Error string
	// Shown is the value on the app's page: Checked / Not Checked, an
	// option's label, or the text.
	Shown string
}

func (v unsimFieldView) Checked() bool { return v.Value != "" }

// unsimViews lays the sections out with values and errors.
func unsimViews(values, errs map[string]string) []unsimView {
	var out []unsimView
	for _, s := range unsimSections {
		sv := unsimView{ID: s.ID, Title: s.Title, OAuth: s.OAuth}
		for _, f := range s.Fields {
			fv := unsimFieldView{unsimField: f, Value: values[f.Name], Error: errs[f.Name]}
			switch f.Kind {
			case fieldCheckbox:
				fv.Shown = "Not Checked"
				if fv.Value != "" {
					fv.Shown = "Checked"
				}
			case fieldSelect:
				for _, o := range f.Options {
					if o.Value == fv.Value {
						fv.Shown = o.Label
					}
				}
			default:
				fv.Shown = fv.Value
			}
			sv.Fields = append(sv.Fields, fv)
		}
		out = append(out, sv)
	}
	return out
}
