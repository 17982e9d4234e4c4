package steps

import (
	"fmt"
	"maps"
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

// inLanguage is the profile as a feature in lang (its Gherkin language)
// sees it: steps with the labels and texts of languages[lang], or steps
// as they are for English and for a language the profile leaves out.
func (p *Profile) inLanguage(lang string) *Profile {
	if q, ok := p.byLang[lang]; ok {
		return q
	}
	return p
}

// withWords is a copy of p with words' labels and texts in place of
// steps', and words' messages beside (and before) p's.
func (p *Profile) withWords(words ProfileLanguage) *Profile {
	q := *p
	q.Languages, q.byLang = nil, nil
	for _, w := range q.words(&words.Steps) {
		if w.word != nil && w.has {
			w.set(*w.word)
		}
	}
	if len(words.Messages) > 0 {
		q.Messages = maps.Clone(p.Messages)
		if q.Messages == nil {
			q.Messages = map[string]string{}
		}
		maps.Copy(q.Messages, words.Messages)
	}
	return &q
}

// acceptLanguage is the Accept-Language header the product admin's
// browser sends in a feature of lang: the feature's language, as the
// browser of an admin who reads the documentation in it would, so that
// a product that follows the browser's language shows that one. English
// features keep the browser's own.
func acceptLanguage(lang string) string {
	if lang == "" || lang == "en" {
		return ""
	}
	return lang
}
