package setup

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sfharness/sfharness/mocksf/scope"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// MaxAppFormBytes bounds the New and Edit Connected App form, which is
// multipart/form-data because it may carry a certificate file.
const MaxAppFormBytes = 256 << 10

// appForm is what the admin typed into New or Edit Connected App.
type appForm struct {
	Name, APIName, ContactEmail, ContactPhone, Description, CallbackURL string
	LogoURL, InfoURL                                                    string
	OAuthEnabled                                                        bool
	Scopes                                                              []string // tokens

	RequirePKCE, RequireSecretWebServer, RequireSecretRefresh bool
	ClientCredentials, AcceptClientCredentials                bool
	DigitalSignatures, IntrospectAll, RotateRefreshTokens     bool
	// Unsimulated holds the fields mocksf stores but does not simulate
	// (unsimulated.go), as typed, by form field name.
	Unsimulated map[string]string

	certUploaded bool   // a certificate file came with this post
	certPEM      string // the uploaded certificate, when it is valid
	certErr      string // why the uploaded certificate is not
}

// newAppForm is the empty New Connected App form, with a new app's
// defaults ticked.
func newAppForm() appForm {
	p := store.DefaultAppPolicy()
	return appForm{RequireSecretWebServer: p.RequireSecretWebServer, RequireSecretRefresh: p.RequireSecretRefresh, RequirePKCE: p.RequirePKCE,
		Unsimulated: unsimFromApp(nil)}
}

// formFromApp is the Edit form of an existing app.
func formFromApp(a store.ConnectedApp) appForm {
	return appForm{
		Name: a.Name, APIName: a.APIName, ContactEmail: a.ContactEmail, Description: a.Description,
		ContactPhone: a.ContactPhone, LogoURL: a.LogoURL, InfoURL: a.InfoURL,
		CallbackURL: strings.Join(a.CallbackURLs, "\n"), OAuthEnabled: a.OAuthEnabled, Scopes: a.Scopes,
		RequirePKCE: a.Policy.RequirePKCE, RequireSecretWebServer: a.Policy.RequireSecretWebServer,
		RequireSecretRefresh: a.Policy.RequireSecretRefresh, ClientCredentials: a.Policy.ClientCredentials,
		DigitalSignatures: a.Policy.CertificatePEM != "", IntrospectAll: a.Policy.IntrospectAll,
		RotateRefreshTokens: a.Policy.RotateRefreshTokens, Unsimulated: unsimFromApp(a.Unsimulated),
	}
}

// parseAppForm reads the bounded form body, multipart or URL-encoded, and
// checks its CSRF token. It reports false after answering the request.
// The caller removes the multipart form's temporary files.
func parseAppForm(d Deps, c chrome, w http.ResponseWriter, r *http.Request, sess store.Session) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxAppFormBytes)
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(MaxAppFormBytes); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				message(d, w, r, c, http.StatusRequestEntityTooLarge, "Request Too Large", MsgCertificateTooLarge)
				return false
			}
			http.Error(w, "The request was too large or malformed.", http.StatusBadRequest)
			return false
		}
	}
	// The body is parsed by now; ParseForm only checks the CSRF token.
	return web.ParseForm(w, r, sess)
}

// cleanup removes what ParseMultipartForm kept on disk, if anything.
func cleanup(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
	}
}

// readAppForm collects the posted form, including an uploaded certificate.
func readAppForm(r *http.Request) appForm {
	on := func(name string) bool { return r.PostFormValue(name) != "" }
	f := appForm{
		Name:                    strings.TrimSpace(r.PostFormValue("name")),
		APIName:                 strings.TrimSpace(r.PostFormValue("apiName")),
		ContactEmail:            strings.TrimSpace(r.PostFormValue("contactEmail")),
		ContactPhone:            strings.TrimSpace(r.PostFormValue("contactPhone")),
		LogoURL:                 strings.TrimSpace(r.PostFormValue("logoUrl")),
		InfoURL:                 strings.TrimSpace(r.PostFormValue("infoUrl")),
		Description:             r.PostFormValue("description"),
		CallbackURL:             r.PostFormValue("callbackUrl"),
		OAuthEnabled:            on("oauthEnabled"),
		RequirePKCE:             on("requirePkce"),
		RequireSecretWebServer:  on("requireSecretWebServer"),
		RequireSecretRefresh:    on("requireSecretRefresh"),
		ClientCredentials:       on("enableClientCredentials"),
		AcceptClientCredentials: on("acceptClientCredentials"),
		DigitalSignatures:       on("useDigitalSignatures"),
		IntrospectAll:           on("introspectAllTokens"),
		RotateRefreshTokens:     on("refreshTokenRotation"),
		Unsimulated:             readUnsimulated(r),
	}
	if f.APIName == "" && f.Name != "" {
		f.APIName = store.APIName(f.Name)
	}
	for _, v := range r.PostForm["scopes"] {
		for _, t := range strings.Fields(v) {
			if scope.Known(t) {
				f.Scopes = append(f.Scopes, t)
			}
		}
	}
	if r.MultipartForm != nil {
		if files := r.MultipartForm.File["certificate"]; len(files) > 0 && (files[0].Filename != "" || files[0].Size > 0) {
			f.certUploaded = true
			f.certErr = MsgBadCertificate
			if file, err := files[0].Open(); err == nil {
				data, err := io.ReadAll(io.LimitReader(file, MaxAppFormBytes))
				file.Close()
				if err == nil {
					if text, err := parseCertificate(data); err == nil {
						f.certPEM, f.certErr = text, ""
					}
				}
			}
		}
	}
	return f
}

// parseCertificate returns the first PEM CERTIFICATE block of data,
// re-encoded, when it holds an X.509 certificate.
func parseCertificate(data []byte) (string, error) {
	for rest := data; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return "", errors.New("setup: no PEM CERTIFICATE block")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			return "", err
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: block.Bytes})), nil
	}
}

// certificate is what the app pages show of a stored certificate: its
// subject as X.509 writes it, the same in every language, and the day it
// expires, which the page writes in its language's date format
// ("app.certificateSummary", the template function "date").
type certificate struct {
	Subject string
	Expires time.Time
}

// certificateSummary describes a stored certificate for the pages, or
// returns nil when there is none.
func certificateSummary(text string) *certificate {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return &certificate{Subject: cert.Subject.String(), Expires: cert.NotAfter}
}

var apiNamePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*$`)

// validate checks the form as Setup does and returns errors by field.
// prev is the app being edited, nil for a new one.
func (f appForm) validate(prev *store.ConnectedApp) map[string]string {
	errs := map[string]string{}
	if f.Name == "" {
		errs["name"] = MsgRequired
	}
	switch {
	case f.APIName == "":
		errs["apiName"] = MsgRequired
	case len(f.APIName) > 80 || !apiNamePattern.MatchString(f.APIName):
		errs["apiName"] = MsgBadAPIName
	}
	if f.ContactEmail == "" {
		errs["contactEmail"] = MsgRequired
	} else if a, err := mail.ParseAddress(f.ContactEmail); err != nil || a.Address != f.ContactEmail || !strings.Contains(a.Address[strings.IndexByte(a.Address, '@'):], ".") {
		errs["contactEmail"] = MsgBadEmail
	}
	if utf8.RuneCountInString(f.ContactPhone) > maxPhoneRunes {
		errs["contactPhone"] = MsgPhoneTooLong
	}
	if f.LogoURL != "" && !webURL(f.LogoURL) {
		errs["logoUrl"] = MsgBadURL
	}
	if f.InfoURL != "" && !webURL(f.InfoURL) {
		errs["infoUrl"] = MsgBadURL
	}
	validateUnsimulated(f.Unsimulated, f.OAuthEnabled, errs)
	if !f.OAuthEnabled {
		return errs
	}
	switch urls := f.callbackURLs(); {
	case len(urls) == 0:
		errs["callbackUrl"] = MsgRequired
	case len(f.CallbackURL) > 2000:
		errs["callbackUrl"] = MsgCallbackTooLong
	default:
		for _, raw := range urls {
			u, err := url.Parse(raw)
			if err != nil || u.Scheme == "" || (u.Host == "" && (u.Scheme == "http" || u.Scheme == "https")) || strings.ContainsAny(raw, " \t") {
				errs["callbackUrl"] = MsgBadCallback + raw
				break
			}
		}
	}
	if f.DigitalSignatures {
		switch {
		case f.certErr != "":
			errs["certificate"] = f.certErr
		case f.certPEM == "" && (prev == nil || prev.Policy.CertificatePEM == ""):
			errs["certificate"] = MsgCertificateRequired
		}
	}
	if len(f.Scopes) == 0 {
		errs["scopes"] = MsgNoScopes
	}
	if f.ClientCredentials && !f.AcceptClientCredentials && (prev == nil || !prev.Policy.ClientCredentials) {
		errs["enableClientCredentials"] = MsgAcceptClientCredentials
	}
	return errs
}

// maxPhoneRunes is the length of Contact Phone, a free-text field.
const maxPhoneRunes = 40

// webURL reports whether s is an absolute http or https URL with a host,
// as Logo Image URL and Info URL must be.
func webURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || strings.ContainsAny(s, " \t\r\n") {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme == "http" || scheme == "https"
}

func (f appForm) callbackURLs() []string {
	var out []string
	for _, line := range strings.Split(f.CallbackURL, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// apply writes a valid form into an app. With OAuth settings off, the
// app's OAuth settings are left as they were (none for a new app).
func (f appForm) apply(a *store.ConnectedApp) {
	a.Name, a.APIName, a.ContactEmail, a.Description, a.OAuthEnabled = f.Name, f.APIName, f.ContactEmail, f.Description, f.OAuthEnabled
	a.ContactPhone, a.LogoURL, a.InfoURL = f.ContactPhone, f.LogoURL, f.InfoURL
	a.Unsimulated = applyUnsimulated(a.Unsimulated, f.Unsimulated, f.OAuthEnabled)
	if !f.OAuthEnabled {
		return
	}
	a.CallbackURLs, a.Scopes = f.callbackURLs(), append([]string(nil), f.Scopes...)
	p := &a.Policy
	p.RequirePKCE, p.RequireSecretWebServer, p.RequireSecretRefresh = f.RequirePKCE, f.RequireSecretWebServer, f.RequireSecretRefresh
	p.ClientCredentials, p.IntrospectAll, p.RotateRefreshTokens = f.ClientCredentials, f.IntrospectAll, f.RotateRefreshTokens
	switch {
	case !f.DigitalSignatures:
		p.CertificatePEM = ""
	case f.certPEM != "":
		p.CertificatePEM = f.certPEM
	}
}

// editPage is the data of app_edit.html.
type editPage struct {
	chrome
	Heading, Action     string
	Form                appForm
	Errors              map[string]string
	Available, Selected []scope.Scope
	// Certificate describes the edited app's stored certificate.
	Certificate *certificate
	// Reupload asks for the certificate file again after a failed save.
	Reupload bool
	// ClientCredentialsAccepted is set when the app already has the client
	// credentials flow, so its warning was accepted before.
	ClientCredentialsAccepted bool
	MaxCertificateBytes       int
	Messages                  editMessages
	// Unsimulated are the sections mocksf stores but does not simulate.
	Unsimulated []unsimView
	// IconButtons draws Add and Remove of the scope picker as arrows, as
	// the External Client App form does; this form has them in words.
	IconButtons bool
}

// editMessages are the strings app_edit.html shows besides field errors.
type editMessages struct {
	InvalidData, ClientCredentialsWarning, Reupload, TooLarge, Unsimulated string
}

func newEditPage(c chrome, prev *store.ConnectedApp, f appForm, errs map[string]string) editPage {
	chosen := map[string]bool{}
	for _, t := range f.Scopes {
		chosen[t] = true
	}
	p := editPage{
		chrome: c, Heading: "New Connected App", Action: EditPath, Form: f, Errors: errs,
		Reupload:            len(errs) > 0 && f.DigitalSignatures && f.certUploaded && errs["certificate"] == "",
		MaxCertificateBytes: MaxAppFormBytes,
		Messages:            editMessages{MsgInvalidData, MsgClientCredentialsWarning, MsgCertificateReupload, MsgCertificateTooLarge, MsgUnsimulated},
		Unsimulated:         unsimViews(f.Unsimulated, errs),
	}
	if prev != nil {
		p.Heading, p.Action = "Edit Connected App", EditPath+"?applicationId="+url.QueryEscape(prev.ID)
		p.Certificate = certificateSummary(prev.Policy.CertificatePEM)
		p.ClientCredentialsAccepted = prev.Policy.ClientCredentials
	}
	for _, s := range scope.Catalog {
		if chosen[s.Tokens[0]] {
			p.Selected = append(p.Selected, s)
		} else {
			p.Available = append(p.Available, s)
		}
	}
	if p.Errors == nil {
		p.Errors = map[string]string{}
	}
	return p
}

// connectedAppForm is New Connected App and Edit. The form and Create
// refuse in an org that restricts creating connected apps, with the
// notice that links to External Client App Settings; a new app goes to
// the notice that changes take a while, an edited one back to its page.
var connectedAppForm = appFormPages[appForm]{
	kind: connectedAppKind, newTitle: "New Connected App", editTitle: "Edit Connected App", tmpl: "app_edit.html",
	blank: newAppForm, read: readAppForm, fromApp: formFromApp,
	page: func(c chrome, prev *store.ConnectedApp, f appForm, errs map[string]string) any {
		return newEditPage(c, prev, f, errs)
	},
	afterCreate: func(id string) string { return SavedPath + "?applicationId=" + id },
	afterSave:   func(id string) string { return DetailPath + "?applicationId=" + id },
	refuse: func(d Deps, w http.ResponseWriter, r *http.Request, c chrome, sess store.Session, status int) bool {
		if !d.restricted(sess.OrgID) {
			return false
		}
		restrictedNotice(d, w, r, c, status)
		return true
	},
}

// HandleNewApp shows the empty New Connected App form, or Salesforce's
// notice when the org restricts creating connected apps.
func HandleNewApp(d Deps) http.Handler { return connectedAppForm.handleNew(d) }

// HandleCreateApp saves a New Connected App form. On an error the form is
// shown again with everything typed and a message next to each bad field.
func HandleCreateApp(d Deps) http.Handler { return connectedAppForm.handleCreate(d) }

// HandleEditApp shows the Edit form of an app, filled in. The consumer key
// and secret are not part of it.
func HandleEditApp(d Deps) http.Handler { return connectedAppForm.handleEdit(d) }

// HandleUpdateApp saves the Edit form, validated as New Connected App is,
// and goes back to the app's page.
func HandleUpdateApp(d Deps) http.Handler { return connectedAppForm.handleUpdate(d) }
