package steps

import (
	"fmt"
	"strings"
)

// What the product-side steps ask of the profile.

// missing is the error of a step whose element the profile leaves out.
func (p *Profile) missing(path, what string) error {
	return fmt.Errorf("the product profile %s has no %s (%s): add it to the profile (docs/writing-scenarios.md, \"Testing your own product\"), or leave this step out of the product's scenarios", p.File, path, what)
}

// element returns the element, or the error that the profile has none.
func (p *Profile) element(e *ProfileElement, path, what string) (*ProfileElement, error) {
	if e == nil {
		return nil, p.missing("steps."+path, what)
	}
	return e, nil
}

// resolve turns a path on the product into a URL at base; a whole URL
// stays as it is.
func resolve(base, u string) string {
	if strings.HasPrefix(u, "/") {
		return strings.TrimSuffix(base, "/") + u
	}
	return u
}

// callbackURL is the product's OAuth callback URL when it runs at base,
// or "" when the profile gives none.
func (p *Profile) callbackURL(base string) string {
	if p.Callback == "" {
		return ""
	}
	return resolve(base, p.Callback)
}

// message is the product's words for a message the features write in
// Beacon's.
func (p *Profile) message(text string) string {
	if m, ok := p.Messages[text]; ok {
		return m
	}
	return text
}

// fill replaces the placeholders ({object}, {user}) in s.
func fill(s string, name, value string) string {
	return strings.ReplaceAll(s, "{"+name+"}", value)
}

// productButton is the profile's button for a label as the features
// write it ("Login with Salesforce"), with its path in the profile, or
// nil when the profile has none: then the label is looked for as on any
// page.
func (p *Profile) productButton(label string) (*ProfileButton, string) {
	s := &p.Steps
	for _, b := range []struct {
		label, path string
		button      *ProfileButton
	}{
		{"Save", "save", s.Save},
		{"Login with Salesforce", "loginWithSalesforce", s.LoginWithSalesforce},
		{"Confirm Credentials", "confirmCredentials", s.ConfirmCredentials},
		{"Start Salesforce Sync", "startSalesforceSync", s.StartSalesforceSync},
		{"Start Sync", "startSync", s.StartSync},
	} {
		if b.label == label && b.button != nil {
			return b.button, b.path
		}
	}
	return nil, ""
}

// redirects says the product logs in by sending its own window to
// Salesforce (login: redirect) rather than through a pop-up.
func (p *Profile) redirects() bool { return p.Login == loginRedirect }
