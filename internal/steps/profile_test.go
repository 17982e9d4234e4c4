package steps

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// shopProfile is a small valid profile of a product the team runs
// itself, which the cases below break one way each. Its line numbers are
// the errors' (line 1 is "name: Shop").
const shopProfile = `name: Shop
url: http://127.0.0.1:3000
callback: /auth/salesforce/callback
login: redirect
steps:
  open:
    url: /settings/salesforce
    click: ["#menu", "#salesforce"]
    selector: h1
    text: Salesforce
  consumerKey: {selector: "#key"}
  consumerSecret: {selector: "#secret"}
  save: {selector: "#save", reloads: true}
  loginWithSalesforce: {selector: "a.connect", label: Connect Salesforce}
  count: {selector: "#count-{object}"}
  connectedAs: {selector: ".status", text: "Connected as {user}"}
messages:
  "You denied access in Salesforce. Click Login with Salesforce and choose Allow.": Access denied.
`

// edit replaces old, which must be in shopProfile, with new.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(shopProfile, old) {
		t.Fatalf("shopProfile has no %q", old)
	}
	return strings.Replace(shopProfile, old, new, 1)
}

func TestParseProfile(t *testing.T) {
	p, err := parseProfile("profiles/shop.yaml", []byte(shopProfile))
	if err != nil {
		t.Fatal(err)
	}
	if p.File != "profiles/shop.yaml" || p.URL != "http://127.0.0.1:3000" || !p.redirects() ||
		p.Steps.Save.Selector != "#save" || !p.Steps.Save.Reloads || p.Steps.LoginWithSalesforce.Label != "Connect Salesforce" ||
		len(p.Steps.Open.Click) != 2 || p.Steps.ConfirmDialog != nil {
		t.Errorf("parseProfile = %+v", p)
	}
	if got := p.callbackURL("http://127.0.0.1:3000/"); got != "http://127.0.0.1:3000/auth/salesforce/callback" {
		t.Errorf("callbackURL = %q", got)
	}
	if got := p.message("You denied access in Salesforce. Click Login with Salesforce and choose Allow."); got != "Access denied." {
		t.Errorf("a mapped message = %q", got)
	}
	if got := p.message("Connection to Salesforce lost: log in again"); got != "Connection to Salesforce lost: log in again" {
		t.Errorf("an unmapped message = %q", got)
	}
	if b, path := p.productButton("Login with Salesforce"); b != p.Steps.LoginWithSalesforce || path != "loginWithSalesforce" {
		t.Errorf("productButton(Login with Salesforce) = %v, %q", b, path)
	}
	if b, _ := p.productButton("Confirm Credentials"); b != nil {
		t.Errorf("productButton of a button the profile leaves out = %+v; want none (the label is looked for as on any page)", b)
	}
	err = p.missing("steps.confirmDialog", "the dialog asking to confirm the credentials")
	if want := `the product profile profiles/shop.yaml has no steps.confirmDialog (the dialog asking to confirm the credentials): add it to the profile (docs/writing-scenarios.md, "Testing your own product"), or leave this step out of the product's scenarios`; err.Error() != want {
		t.Errorf("missing = %q\nwant %q", err, want)
	}
}

// Every broken profile fails with the file, the line and the field.
func TestParseProfileErrors(t *testing.T) {
	stepKeys := "clientCredentials, confirmCredentials, confirmDialog, confirmUsername, connectedAs, consumerKey, consumerSecret, count, error, featureOff, fieldSync, fieldSyncObject, lastError, loginWithSalesforce, notConnected, open, popupBlocked, save, saved, startSalesforceSync, startSync, syncError, syncNotStarted, syncRunning"
	tests := []profileError{
		{"unknown key", edit(t, "login: redirect\n", "login: redirect\ncolour: blue\n"),
			"x.yaml:5: colour: unknown key; known keys here: callback, languages, login, messages, name, start, steps, url"},
		{"unknown step", edit(t, `  save: {`, `  sav: {`),
			"x.yaml:13: steps.sav: unknown key; known keys here: " + stepKeys},
		{"unknown key of an element", edit(t, `{selector: "#key"}`, `{selector: "#key", colour: red}`),
			"x.yaml:11: steps.consumerKey.colour: unknown key; known keys here: selector, text"},
		{"a missing selector", edit(t, `save: {selector: "#save", reloads: true}`, `save: {reloads: true}`),
			"x.yaml:13: steps.save.selector: missing"},
		{"an empty selector", edit(t, `{selector: "#secret"}`, `{selector: ""}`),
			"x.yaml:12: steps.consumerSecret.selector: missing"},
		{"a missing required step", edit(t, "  consumerKey: {selector: \"#key\"}\n", ""),
			"x.yaml:5: steps.consumerKey: missing"},
		{"a missing open.url", edit(t, "    url: /settings/salesforce\n", ""),
			"x.yaml:6: steps.open.url: missing"},
		{"an empty menu selector", edit(t, `["#menu", "#salesforce"]`, `["#menu", ""]`),
			"x.yaml:8: steps.open.click[1]: missing selector"},
		{"a malformed url", edit(t, "url: http://127.0.0.1:3000", "url: 127.0.0.1:3000"),
			`x.yaml:2: url: "127.0.0.1:3000" is not an absolute http(s) URL`},
		{"a url without a host", edit(t, "url: http://127.0.0.1:3000", "url: http:///shop"),
			`x.yaml:2: url: "http:///shop" is not an absolute http(s) URL`},
		{"a malformed callback", edit(t, "callback: /auth/salesforce/callback", "callback: auth/salesforce/callback"),
			`x.yaml:3: callback: "auth/salesforce/callback" is not an absolute http(s) URL or a path starting with /`},
		{"a malformed open.url", edit(t, "url: /settings/salesforce", "url: ftp://shop/settings"),
			`x.yaml:7: steps.open.url: "ftp://shop/settings" is not an absolute http(s) URL or a path starting with /`},
		{"start and url", edit(t, "url: http://127.0.0.1:3000\n", "url: http://127.0.0.1:3000\nstart: beacon\n"),
			"x.yaml:2: url: give start or url, not both"},
		{"neither start nor url", edit(t, "url: http://127.0.0.1:3000\n", ""),
			"x.yaml:1: start: missing: say start: beacon, or give the url of your running product"},
		{"a product the suite cannot start", edit(t, "url: http://127.0.0.1:3000", "start: shop"),
			`x.yaml:2: start: "shop": the suite starts only beacon itself; give the url of your running product instead`},
		{"an unknown login", edit(t, "login: redirect", "login: tab"),
			`x.yaml:4: login: "tab": want popup or redirect`},
		{"no login", edit(t, "login: redirect\n", ""),
			"x.yaml:1: login: missing: popup or redirect"},
		{"a count without {object}", edit(t, `"#count-{object}"`, `"#count"`),
			`x.yaml:15: steps.count.selector: "#count" has no {object}: the step fills in Lead, Contact and Account`},
		{"an unknown placeholder", edit(t, `"Connected as {user}"`, `"Connected as {name}"`),
			"x.yaml:16: steps.connectedAs.text: unknown placeholder {name}: this field takes {user}"},
		{"a placeholder where none goes", edit(t, "text: Salesforce", "text: Salesforce {object}"),
			"x.yaml:10: steps.open.text: unknown placeholder {object}: this field takes none"},
		{"a text a step needs", edit(t, "messages:", "  notConnected: {selector: \".status\"}\nmessages:"),
			"x.yaml:17: steps.notConnected.text: missing"},
		{"a list where a text goes", edit(t, "selector: h1", "selector: [h1]"),
			"x.yaml:9: steps.open.selector: want a text, not a list"},
		{"a text where a list goes", edit(t, `["#menu", "#salesforce"]`, `"#menu"`),
			"x.yaml:8: steps.open.click: want a list"},
		{"a text where an element goes", edit(t, `{selector: "#key"}`, `"#key"`),
			"x.yaml:11: steps.consumerKey: want a mapping of selector, text"},
		{"not a boolean", edit(t, "reloads: true", "reloads: maybe"),
			`x.yaml:13: steps.save.reloads: "maybe": want true or false`},
		{"a message without the product's words", edit(t, ": Access denied.", `: ""`),
			"x.yaml:18: messages.You denied access in Salesforce. Click Login with Salesforce and choose Allow.: missing: the product's words for this message"},
		{"several errors at once", edit(t, "login: redirect\nsteps:", "login: tab\nsteps:\n  saved: {text: Saved}"),
			"x.yaml:4: login: \"tab\": want popup or redirect\nx.yaml:6: steps.saved.selector: missing"},
		{"incomplete client credentials", edit(t, "messages:", "  clientCredentials: {choose: \"#cc\", connect: {label: Connect}}\nmessages:"),
			"x.yaml:17: steps.clientCredentials.consumerKey: missing\nx.yaml:17: steps.clientCredentials.consumerSecret: missing\nx.yaml:17: steps.clientCredentials.myDomain: missing\nx.yaml:17: steps.clientCredentials.connect.selector: missing"},
		{"not YAML", "name: Shop\nsteps: [\n", "x.yaml:2: did not find expected node content"},
		{"empty", "", "x.yaml: the profile is empty"},
		{"not a mapping", "- Shop\n", "x.yaml:1: : want a mapping of callback, languages, login, messages, name, start, steps, url"},
	}
	checkProfileErrors(t, tests)
}

// profileError is a broken profile, named, and the whole error
// parseProfile must give for it (file x.yaml).
type profileError struct{ name, yaml, want string }

func checkProfileErrors(t *testing.T, tests []profileError) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := parseProfile("x.yaml", []byte(tc.yaml))
			if err == nil {
				t.Fatalf("parseProfile = %+v; want the error %q", p, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// shopInDutch is shopProfile with Dutch words for two of its steps and
// one message. Its languages start at line 19.
const shopInDutch = shopProfile + `languages:
  nl:
    steps:
      open: {text: Salesforce-instellingen}
      loginWithSalesforce: {label: Salesforce verbinden}
      connectedAs: {text: "Verbonden als {user}"}
    messages:
      "Sync running": Synchronisatie loopt
`

func TestProfileInLanguage(t *testing.T) {
	p, err := parseProfile("profiles/shop.yaml", []byte(shopInDutch))
	if err != nil {
		t.Fatal(err)
	}
	nl := p.inLanguage("nl")
	if nl.Steps.Open.Text != "Salesforce-instellingen" || nl.Steps.LoginWithSalesforce.Label != "Salesforce verbinden" || nl.Steps.ConnectedAs.Text != "Verbonden als {user}" {
		t.Errorf("inLanguage(nl) steps = open %+v, login %+v, connectedAs %+v; want the Dutch words", nl.Steps.Open, nl.Steps.LoginWithSalesforce, nl.Steps.ConnectedAs)
	}
	if nl.Steps.LoginWithSalesforce.Selector != "a.connect" || nl.Steps.Open.Selector != "h1" || nl.Steps.Save != p.Steps.Save {
		t.Errorf("inLanguage(nl) changed selectors or steps without words: login %+v, open %+v", nl.Steps.LoginWithSalesforce, nl.Steps.Open)
	}
	if got := nl.message("Sync running"); got != "Synchronisatie loopt" {
		t.Errorf("inLanguage(nl).message = %q; want the Dutch words", got)
	}
	if got := nl.message("You denied access in Salesforce. Click Login with Salesforce and choose Allow."); got != "Access denied." {
		t.Errorf("inLanguage(nl) lost steps' messages: %q", got)
	}
	if b, _ := nl.productButton("Login with Salesforce"); b == nil || b.Label != "Salesforce verbinden" {
		t.Errorf("inLanguage(nl).productButton(Login with Salesforce) = %+v; want the Dutch label", b)
	}
	// English, and a language the profile leaves out, are steps' words;
	// the Dutch copy left them alone.
	for _, lang := range []string{"en", "ja", ""} {
		if q := p.inLanguage(lang); q != p {
			t.Errorf("inLanguage(%q) = a copy; want the profile itself", lang)
		}
	}
	if p.Steps.Open.Text != "Salesforce" || p.Steps.LoginWithSalesforce.Label != "Connect Salesforce" || p.message("Sync running") != "Sync running" {
		t.Errorf("making the Dutch profile changed the English one: open %+v, login %+v", p.Steps.Open, p.Steps.LoginWithSalesforce)
	}
}

// Every label and text ProfileWords has reaches the step of the same
// name in a language's profile, and nothing else changes, in that profile
// or in steps: a word added to ProfileWords but not to words fails here.
func TestProfileWordsReachTheirSteps(t *testing.T) {
	t.Parallel()
	p := &Profile{}
	var words ProfileWords
	leaves(reflect.ValueOf(&p.Steps).Elem(), "en.", true, map[string]string{})
	leaves(reflect.ValueOf(&words).Elem(), "nl.", true, map[string]string{})
	q := p.withWords(ProfileLanguage{Steps: words})
	given, got, before := map[string]string{}, map[string]string{}, map[string]string{}
	leaves(reflect.ValueOf(words), "", false, given)
	leaves(reflect.ValueOf(q.Steps), "", false, got)
	leaves(reflect.ValueOf(p.Steps), "", false, before)
	for path := range given {
		if _, ok := got[path]; !ok {
			t.Errorf("words give %s, which steps do not have", path)
		}
	}
	for path, v := range got {
		want := "en." + path
		if _, ok := given[path]; ok {
			want = "nl." + path
		}
		if v != want {
			t.Errorf("the language's steps.%s = %q; want %q", path, v, want)
		}
		if before[path] != "en."+path {
			t.Errorf("steps.%s = %q after withWords; want it left %q", path, before[path], "en."+path)
		}
	}
}

// leaves records every string under v by its path, after prefix; with
// fill it first gives every pointer to a struct a value and every string
// its path.
func leaves(v reflect.Value, prefix string, fill bool, out map[string]string) {
	for i := range v.NumField() {
		f, path := v.Field(i), prefix+v.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.Pointer && f.Type().Elem().Kind() == reflect.Struct:
			if fill {
				f.Set(reflect.New(f.Type().Elem()))
			}
			if !f.IsNil() {
				leaves(f.Elem(), path+".", fill, out)
			}
		case f.Kind() == reflect.String:
			if fill {
				f.SetString(path)
			}
			out[path] = f.String()
		}
	}
}

// Every broken languages section fails with the file, the line and the
// field.
func TestProfileLanguageErrors(t *testing.T) {
	dutch := func(old, new string) string {
		if !strings.Contains(shopInDutch, old) {
			t.Fatalf("shopInDutch has no %q", old)
		}
		return strings.Replace(shopInDutch, old, new, 1)
	}
	tests := []profileError{
		{"an unknown language", dutch("  nl:\n", "  de:\n"),
			"x.yaml:20: languages.de: unknown language; the features' languages besides English: nl, ja"},
		{"English", dutch("  nl:\n", "  en:\n"),
			"x.yaml:20: languages.en: English is the words of steps: give its labels and texts there"},
		{"a selector", dutch("{label: Salesforce verbinden}", "{label: Salesforce verbinden, selector: a.verbinden}"),
			"x.yaml:23: languages.nl.steps.loginWithSalesforce.selector: unknown key; known keys here: label"},
		{"a text for a button", dutch("{label: Salesforce verbinden}", "{text: Salesforce verbinden}"),
			"x.yaml:23: languages.nl.steps.loginWithSalesforce.text: unknown key; known keys here: label"},
		{"a label for an element", dutch("open: {text: Salesforce-instellingen}", "open: {label: Salesforce-instellingen}"),
			"x.yaml:22: languages.nl.steps.open.label: unknown key; known keys here: text"},
		{"an unknown step", dutch("      open:", "      opne:"),
			"x.yaml:22: languages.nl.steps.opne: unknown key; known keys here: clientCredentials, confirmCredentials, connectedAs, featureOff, fieldSync, lastError, loginWithSalesforce, notConnected, open, popupBlocked, save, startSalesforceSync, startSync, syncNotStarted, syncRunning"},
		{"words for a step the profile has not", dutch("      open:", "      startSync: {label: Sync starten}\n      open:"),
			"x.yaml:22: languages.nl.steps.startSync: steps has no startSync to give the words of"},
		{"an empty label", dutch("{label: Salesforce verbinden}", `{label: ""}`),
			"x.yaml:23: languages.nl.steps.loginWithSalesforce.label: missing"},
		{"an unknown placeholder", dutch(`"Verbonden als {user}"`, `"Verbonden als {naam}"`),
			"x.yaml:24: languages.nl.steps.connectedAs.text: unknown placeholder {naam}: this field takes {user}"},
		{"a message without the product's words", dutch(": Synchronisatie loopt", `: ""`),
			"x.yaml:26: languages.nl.messages.Sync running: missing: the product's words for this message"},
		{"a language that is no mapping", dutch("  nl:\n    steps:", "  nl: Nederlands\n  ja:\n    steps:"),
			"x.yaml:20: languages.nl: want a mapping of messages, steps"},
	}
	checkProfileErrors(t, tests)
}

func TestAcceptLanguage(t *testing.T) {
	for lang, want := range map[string]string{"": "", "en": "", "nl": "nl", "ja": "ja"} {
		if got := acceptLanguage(lang); got != want {
			t.Errorf("acceptLanguage(%q) = %q; want %q", lang, got, want)
		}
	}
}

// The profiles in profiles/ load, and Beacon's is what the steps drove
// before there were profiles.
func TestShippedProfilesLoad(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "profiles", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no profiles in profiles/: %v", err)
	}
	for _, f := range files {
		if _, err := LoadProfile(f); err != nil {
			t.Error(err)
		}
	}
	p, err := LoadProfile(filepath.Join("..", "..", "profiles", "beacon.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Start != "beacon" || p.URL != "" || p.redirects() || p.callbackURL("http://127.0.0.1:9000") != "http://127.0.0.1:9000/salesforce/getSfdcOAuthTokensRedirect" {
		t.Errorf("profiles/beacon.yaml starts %q at %q, login %q, callback %q; want Beacon in-process with its pop-up and callback", p.Start, p.URL, p.Login, p.Callback)
	}
	for _, e := range p.elements() {
		if e.el == nil {
			t.Errorf("profiles/beacon.yaml has no %s: Beacon's profile describes every step", e.path)
		}
	}
	if p.Steps.ClientCredentials == nil {
		t.Error("profiles/beacon.yaml has no steps.clientCredentials")
	}
	// Beacon speaks Dutch and Japanese: every label and text it has in
	// English, it has in both (client/locales).
	for _, lang := range []string{"nl", "ja"} {
		l, ok := p.Languages[lang]
		if !ok {
			t.Errorf("profiles/beacon.yaml has no languages.%s", lang)
			continue
		}
		for _, w := range p.words(&l.Steps) {
			if w.word == nil && w.key != "lastError" {
				t.Errorf("profiles/beacon.yaml has no languages.%s.steps.%s", lang, w.key)
			}
		}
	}
	if nl := p.inLanguage("nl"); nl.Steps.Save.Label != "Opslaan" || nl.Steps.Open.Text != "Synchroniseren met Salesforce" {
		t.Errorf("profiles/beacon.yaml in Dutch: save %+v, open %+v; want the Dutch documentation's words", nl.Steps.Save, nl.Steps.Open)
	}
	goth, err := LoadProfile(filepath.Join("..", "..", "profiles", "goth.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if goth.inLanguage("ja") != goth {
		t.Error("profiles/goth.yaml, which has no languages, is another profile in Japanese; want its own words")
	}
	if _, err := LoadProfile("profiles/none.yaml"); err == nil || err.Error() != "PRODUCT=profiles/none.yaml: open profiles/none.yaml: no such file or directory" {
		t.Errorf("LoadProfile of a missing file: %v", err)
	}
}

// The blank profile docs/writing-scenarios.md starts a QA engineer from
// loads as it is written there.
func TestDocumentedProfileLoads(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "writing-scenarios.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Testing your own product\n")
	if !ok {
		t.Fatal(`docs/writing-scenarios.md has no section "Testing your own product"`)
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	block, _, closed := strings.Cut(block, "```")
	if !ok || !closed {
		t.Fatal(`"Testing your own product" shows no profile in a yaml block`)
	}
	p, err := parseProfile("docs/writing-scenarios.md", []byte(block))
	if err != nil {
		t.Fatalf("the documented profile does not load: %v", err)
	}
	if !p.redirects() || p.URL == "" || p.Steps.ConnectedAs == nil {
		t.Errorf("the documented profile = %+v; want a running product's, logging in by redirect, with connectedAs", p)
	}
}

// The Salesforce-side steps act in the pop-up, or with login: redirect
// in the product's own window, and say which one is missing.
func TestLoginWindow(t *testing.T) {
	tests := []struct {
		login   string
		main    bool
		popup   bool
		want    string // the window's name, or the error
		wantErr bool
	}{
		{"popup", true, true, "popup", false},
		{"popup", true, false, "no pop-up is open", true},
		{"redirect", true, false, "product", false},
		{"redirect", true, true, "product", false},
		{"redirect", false, false, "the product's window is not open", true},
	}
	for _, tc := range tests {
		w := newWorld(&Suite{Log: io.Discard, Product: &Profile{File: "x.yaml", Login: tc.login}})
		if tc.main {
			w.main = &Window{Name: "product"}
		}
		if tc.popup {
			w.popup = &Window{Name: "popup"}
		}
		win, err := w.loginWindow()
		switch {
		case tc.wantErr && (err == nil || err.Error() != tc.want):
			t.Errorf("login %s, main %v, pop-up %v: loginWindow = %v, %v; want the error %q", tc.login, tc.main, tc.popup, win, err, tc.want)
		case !tc.wantErr && (err != nil || win.Name != tc.want):
			t.Errorf("login %s, main %v, pop-up %v: loginWindow = %v, %v; want window %q", tc.login, tc.main, tc.popup, win, err, tc.want)
		}
	}
}
