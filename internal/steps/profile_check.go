package steps

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// check validates what decoding cannot: the fields a profile must have,
// the URLs, the login mode and the placeholders.
func (p *Profile) check(c *profileCheck) {
	switch {
	case p.Start == "" && p.URL == "":
		c.fail("start", "missing: say start: beacon, or give the url of your running product")
	case p.Start != "" && p.URL != "":
		c.fail("url", "give start or url, not both")
	case p.Start != "" && p.Start != "beacon":
		c.fail("start", "%q: the suite starts only beacon itself; give the url of your running product instead", p.Start)
	case p.URL != "":
		if err := checkURL(p.URL, false); err != nil {
			c.fail("url", "%v", err)
		}
	}
	if p.Callback != "" {
		if err := checkURL(p.Callback, true); err != nil {
			c.fail("callback", "%v", err)
		}
	}
	switch p.Login {
	case "":
		c.fail("login", "missing: popup or redirect")
	case loginPopup, loginRedirect:
	default:
		c.fail("login", "%q: want popup or redirect", p.Login)
	}
	s := &p.Steps
	if o := s.Open; o == nil {
		c.fail("steps.open", "missing")
	} else {
		if o.URL == "" {
			c.fail("steps.open.url", "missing")
		} else if err := checkURL(o.URL, true); err != nil {
			c.fail("steps.open.url", "%v", err)
		}
		for i, sel := range o.Click {
			if strings.TrimSpace(sel) == "" {
				c.fail(fmt.Sprintf("steps.open.click[%d]", i), "missing selector")
			}
		}
		if o.Selector == "" {
			c.fail("steps.open.selector", "missing")
		}
		c.placeholders("steps.open.text", o.Text)
	}
	for _, e := range p.elements() {
		switch {
		case e.el == nil && e.required:
			c.fail(e.path, "missing")
		case e.el == nil:
		case e.el.Selector == "":
			c.fail(e.path+".selector", "missing")
		default:
			c.placeholders(e.path+".selector", e.el.Selector, e.selectorTakes...)
			if e.needsText && e.el.Text == "" {
				c.fail(e.path+".text", "missing")
			}
			c.placeholders(e.path+".text", e.el.Text, e.textTakes...)
			if e.takesLabel {
				c.placeholders(e.path+".label", e.label)
			}
		}
	}
	if cc := s.ClientCredentials; cc != nil {
		for _, f := range []struct{ key, sel string }{{"choose", cc.Choose}, {"consumerKey", cc.ConsumerKey}, {"consumerSecret", cc.ConsumerSecret}, {"myDomain", cc.MyDomain}} {
			if f.sel == "" {
				c.fail("steps.clientCredentials."+f.key, "missing")
			}
		}
		if cc.Connect == nil {
			c.fail("steps.clientCredentials.connect", "missing")
		} else if cc.Connect.Selector == "" {
			c.fail("steps.clientCredentials.connect.selector", "missing")
		}
	}
	for feature, product := range p.Messages {
		if product == "" {
			c.fail("messages."+feature, "missing: the product's words for this message")
		}
	}
	p.checkLanguages(c)
}

// checkLanguages checks languages: each is a language of the features
// other than English (catalog.go's languages), and gives its words only
// to steps the profile has, none empty, with the placeholders steps'
// take.
func (p *Profile) checkLanguages(c *profileCheck) {
	others := slices.DeleteFunc(slices.Clone(languages), func(l string) bool { return l == "en" })
	for _, lang := range slices.Sorted(maps.Keys(p.Languages)) {
		path := "languages." + lang
		switch {
		case lang == "en":
			c.fail(path, "English is the words of steps: give its labels and texts there")
			continue
		case !slices.Contains(languages, lang):
			c.fail(path, "unknown language; the features' languages besides English: %s", strings.Join(others, ", "))
			continue
		}
		l := p.Languages[lang]
		for _, w := range p.words(&l.Steps) {
			wpath := path + ".steps." + w.key
			switch {
			case w.word == nil:
			case !w.has:
				c.fail(wpath, "steps has no %s to give the words of", w.key)
			case *w.word == "":
				c.fail(wpath+"."+w.field, "missing")
			default:
				c.placeholders(wpath+"."+w.field, *w.word, w.takes...)
			}
		}
		for feature, product := range l.Messages {
			if product == "" {
				c.fail(path+".messages."+feature, "missing: the product's words for this message")
			}
		}
	}
}

// profileWord is one label or text of ProfileWords, as check and
// withWords see it.
type profileWord struct {
	key   string  // the step's key ("save", "clientCredentials.connect")
	field string  // label or text
	word  *string // nil when the language leaves it out
	has   bool    // steps has the element or button
	takes []string
	// set puts a word in place of the element's text or the button's
	// label, in a copy of it: the profile of every other language shares
	// the original.
	set func(word string)
}

// words lists w's labels and texts with what each needs, and where each
// goes in p's steps: the one list of the words a language may give.
func (p *Profile) words(w *ProfileWords) []profileWord {
	s := &p.Steps
	text := func(key string, t *ProfileText, e **ProfileElement, takes ...string) profileWord {
		pw := profileWord{key: key, field: "text", has: *e != nil, takes: takes,
			set: func(word string) { replace(e, func(c *ProfileElement) { c.Text = word }) }}
		if t != nil {
			pw.word = &t.Text
		}
		return pw
	}
	label := func(key string, l *ProfileLabel, b **ProfileButton) profileWord {
		pw := profileWord{key: key, field: "label", has: *b != nil,
			set: func(word string) { replace(b, func(c *ProfileButton) { c.Label = word }) }}
		if l != nil {
			pw.word = &l.Label
		}
		return pw
	}
	open := profileWord{key: "open", field: "text", has: s.Open != nil,
		set: func(word string) { replace(&s.Open, func(c *ProfilePage) { c.Text = word }) }}
	if w.Open != nil {
		open.word = &w.Open.Text
	}
	// The Connect button is inside clientCredentials: both are copied.
	connect := profileWord{key: "clientCredentials.connect", field: "label",
		has: s.ClientCredentials != nil && s.ClientCredentials.Connect != nil,
		set: func(word string) {
			replace(&s.ClientCredentials, func(cc *ProfileClientCredentials) {
				replace(&cc.Connect, func(c *ProfileButton) { c.Label = word })
			})
		}}
	if w.ClientCredentials != nil && w.ClientCredentials.Connect != nil {
		connect.word = &w.ClientCredentials.Connect.Label
	}
	return []profileWord{
		open,
		label("save", w.Save, &s.Save),
		label("loginWithSalesforce", w.LoginWithSalesforce, &s.LoginWithSalesforce),
		label("confirmCredentials", w.ConfirmCredentials, &s.ConfirmCredentials),
		text("fieldSync", w.FieldSync, &s.FieldSync),
		label("startSalesforceSync", w.StartSalesforceSync, &s.StartSalesforceSync),
		label("startSync", w.StartSync, &s.StartSync),
		text("syncRunning", w.SyncRunning, &s.SyncRunning),
		text("syncNotStarted", w.SyncNotStarted, &s.SyncNotStarted),
		text("connectedAs", w.ConnectedAs, &s.ConnectedAs, "user"),
		text("notConnected", w.NotConnected, &s.NotConnected),
		text("featureOff", w.FeatureOff, &s.FeatureOff),
		text("popupBlocked", w.PopupBlocked, &s.PopupBlocked),
		text("lastError", w.LastError, &s.LastError),
		connect,
	}
}

// replace points *p at a changed copy of what it points at.
func replace[T any](p **T, change func(*T)) {
	c := **p
	change(&c)
	*p = &c
}

// profileEntry is one element of ProfileSteps, as check and the steps
// see it: buttons and elements alike.
type profileEntry struct {
	path       string
	el         *ProfileElement
	label      string
	reloads    bool
	takesLabel bool
	required   bool
	needsText  bool
	// The placeholders the selector and the text take.
	selectorTakes, textTakes []string
}

// elements lists the profile's elements with what each needs.
func (p *Profile) elements() []profileEntry {
	s := &p.Steps
	el := func(path string, e *ProfileElement, needsText bool) profileEntry {
		return profileEntry{path: "steps." + path, el: e, needsText: needsText}
	}
	button := func(path string, b *ProfileButton, required bool) profileEntry {
		e := profileEntry{path: "steps." + path, takesLabel: true, required: required}
		if b != nil {
			e.el, e.label, e.reloads = &ProfileElement{Selector: b.Selector}, b.Label, b.Reloads
		}
		return e
	}
	required := func(e profileEntry) profileEntry { e.required = true; return e }
	takes := func(e profileEntry, sel, text []string) profileEntry {
		e.selectorTakes, e.textTakes = sel, text
		return e
	}
	object := []string{"object"}
	return []profileEntry{
		required(el("consumerKey", s.ConsumerKey, false)),
		required(el("consumerSecret", s.ConsumerSecret, false)),
		button("save", s.Save, true),
		el("saved", s.Saved, false),
		button("loginWithSalesforce", s.LoginWithSalesforce, true),
		el("confirmDialog", s.ConfirmDialog, false),
		el("confirmUsername", s.ConfirmUsername, false),
		button("confirmCredentials", s.ConfirmCredentials, false),
		el("fieldSync", s.FieldSync, true),
		takes(el("fieldSyncObject", s.FieldSyncObject, false), object, nil),
		button("startSalesforceSync", s.StartSalesforceSync, false),
		button("startSync", s.StartSync, false),
		el("syncRunning", s.SyncRunning, true),
		el("syncNotStarted", s.SyncNotStarted, true),
		takes(el("count", s.Count, false), object, nil),
		takes(el("connectedAs", s.ConnectedAs, true), nil, []string{"user"}),
		el("notConnected", s.NotConnected, true),
		el("featureOff", s.FeatureOff, true),
		el("popupBlocked", s.PopupBlocked, true),
		el("error", s.Error, false),
		el("syncError", s.SyncError, false),
		el("lastError", s.LastError, false),
	}
}

// placeholder is a {name} in a selector or text, which the step fills.
var placeholder = regexp.MustCompile(`\{([A-Za-z]+)\}`)

// placeholders fails a {name} the field does not take, and a selector
// that must name the object ({object}) but does not.
func (c *profileCheck) placeholders(path, value string, takes ...string) {
	for _, m := range placeholder.FindAllStringSubmatch(value, -1) {
		if !slices.Contains(takes, m[1]) {
			if len(takes) == 0 {
				c.fail(path, "unknown placeholder {%s}: this field takes none", m[1])
			} else {
				c.fail(path, "unknown placeholder {%s}: this field takes {%s}", m[1], strings.Join(takes, "}, {"))
			}
		}
	}
	if value != "" && slices.Contains(takes, "object") && !strings.Contains(value, "{object}") {
		c.fail(path, "%q has no {object}: the step fills in Lead, Contact and Account", value)
	}
}

// checkURL accepts an absolute http(s) URL and, when pathOK, a path on
// the product ("/admin").
func checkURL(s string, pathOK bool) error {
	if pathOK && strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		if _, err := url.Parse(s); err != nil {
			return fmt.Errorf("%q is not a path: %v", s, err)
		}
		return nil
	}
	u, err := url.Parse(s)
	want := "an absolute http(s) URL"
	if pathOK {
		want += " or a path starting with /"
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not %s", s, want)
	}
	return nil
}
