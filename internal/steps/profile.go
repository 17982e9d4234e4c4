package steps

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Profile is a product profile (PRODUCT, default profiles/beacon.yaml):
// where the product's pages are and what they say, so the product-side
// steps of the catalogue drive any product, not only Beacon. The schema
// is documented in docs/writing-scenarios.md ("Testing your own
// product") and, commented, in profiles/beacon.yaml.
type Profile struct {
	// File is the profile's path, as PRODUCT named it.
	File string `yaml:"-"`
	// Name is the product's name, for the report.
	Name string `yaml:"name"`
	// Start "beacon" starts Beacon (client/) in-process, one per
	// scenario; the only product the suite can start itself.
	Start string `yaml:"start"`
	// URL is a product the team started, which every scenario shares
	// (as with CLIENT_URL, which overrides it).
	URL string `yaml:"url"`
	// Callback is the product's OAuth callback (redirect) URL, which the
	// connected app's Callback URL must be: a path on the product, or a
	// whole URL.
	Callback string `yaml:"callback"`
	// Login is how Login with Salesforce reaches Salesforce: loginPopup
	// or loginRedirect.
	Login string       `yaml:"login"`
	Steps ProfileSteps `yaml:"steps"`
	// Messages maps a message as the features write it (Beacon's words)
	// to this product's own words for it; an unmapped one is looked for
	// as written.
	Messages map[string]string `yaml:"messages"`
	// Languages are the words the product shows in a feature's language
	// other than English ("nl", "ja"): the labels and texts that differ
	// from steps', by the same paths. A feature in a language the profile
	// leaves out expects steps' words.
	Languages map[string]ProfileLanguage `yaml:"languages"`

	// byLang is the profile as a feature of each of Languages sees it
	// (inLanguage), made once it is checked.
	byLang map[string]*Profile
}

// ProfileLanguage is what a product shows in one language: the labels
// of its buttons and the texts of its elements, and its words for the
// features' messages. Selectors stay those of steps: a product's ids do
// not change with the language.
type ProfileLanguage struct {
	Steps    ProfileWords      `yaml:"steps"`
	Messages map[string]string `yaml:"messages"`
}

// ProfileWords are the labels (of buttons) and texts (of elements) of
// ProfileSteps in one language, by the same keys.
type ProfileWords struct {
	Open                *ProfileText                   `yaml:"open"`
	Save                *ProfileLabel                  `yaml:"save"`
	LoginWithSalesforce *ProfileLabel                  `yaml:"loginWithSalesforce"`
	ConfirmCredentials  *ProfileLabel                  `yaml:"confirmCredentials"`
	FieldSync           *ProfileText                   `yaml:"fieldSync"`
	StartSalesforceSync *ProfileLabel                  `yaml:"startSalesforceSync"`
	StartSync           *ProfileLabel                  `yaml:"startSync"`
	SyncRunning         *ProfileText                   `yaml:"syncRunning"`
	SyncNotStarted      *ProfileText                   `yaml:"syncNotStarted"`
	ConnectedAs         *ProfileText                   `yaml:"connectedAs"`
	NotConnected        *ProfileText                   `yaml:"notConnected"`
	FeatureOff          *ProfileText                   `yaml:"featureOff"`
	PopupBlocked        *ProfileText                   `yaml:"popupBlocked"`
	LastError           *ProfileText                   `yaml:"lastError"`
	ClientCredentials   *ProfileClientCredentialsWords `yaml:"clientCredentials"`
}

// ProfileText is an element's text in one language.
type ProfileText struct {
	Text string `yaml:"text"`
}

// ProfileLabel is a button's label in one language.
type ProfileLabel struct {
	Label string `yaml:"label"`
}

// ProfileClientCredentialsWords is the Connect button's label of the
// integration-user connection in one language.
type ProfileClientCredentialsWords struct {
	Connect *ProfileLabel `yaml:"connect"`
}

// The ways a product's Login with Salesforce reaches Salesforce.
const (
	// loginPopup: a pop-up opens on Salesforce and closes itself after
	// Allow, handing the result to the product's window (Beacon).
	loginPopup = "popup"
	// loginRedirect: the product's own window goes to Salesforce and,
	// after Allow, comes back to the product through its callback.
	loginRedirect = "redirect"
)

// ProfileSteps are the product's elements, by the step that uses them.
// open, consumerKey, consumerSecret, save and loginWithSalesforce are
// required; a step whose element the profile leaves out fails, saying so.
type ProfileSteps struct {
	Open                *ProfilePage              `yaml:"open"`
	ConsumerKey         *ProfileElement           `yaml:"consumerKey"`
	ConsumerSecret      *ProfileElement           `yaml:"consumerSecret"`
	Save                *ProfileButton            `yaml:"save"`
	Saved               *ProfileElement           `yaml:"saved"`
	LoginWithSalesforce *ProfileButton            `yaml:"loginWithSalesforce"`
	ConfirmDialog       *ProfileElement           `yaml:"confirmDialog"`
	ConfirmUsername     *ProfileElement           `yaml:"confirmUsername"`
	ConfirmCredentials  *ProfileButton            `yaml:"confirmCredentials"`
	FieldSync           *ProfileElement           `yaml:"fieldSync"`
	FieldSyncObject     *ProfileElement           `yaml:"fieldSyncObject"`
	StartSalesforceSync *ProfileButton            `yaml:"startSalesforceSync"`
	StartSync           *ProfileButton            `yaml:"startSync"`
	SyncRunning         *ProfileElement           `yaml:"syncRunning"`
	SyncNotStarted      *ProfileElement           `yaml:"syncNotStarted"`
	Count               *ProfileElement           `yaml:"count"`
	ConnectedAs         *ProfileElement           `yaml:"connectedAs"`
	NotConnected        *ProfileElement           `yaml:"notConnected"`
	FeatureOff          *ProfileElement           `yaml:"featureOff"`
	PopupBlocked        *ProfileElement           `yaml:"popupBlocked"`
	Error               *ProfileElement           `yaml:"error"`
	SyncError           *ProfileElement           `yaml:"syncError"`
	LastError           *ProfileElement           `yaml:"lastError"`
	ClientCredentials   *ProfileClientCredentials `yaml:"clientCredentials"`
}

// ProfilePage is how the admin reaches the product's Salesforce page.
type ProfilePage struct {
	// URL is loaded first: a path on the product, or a whole URL.
	URL string `yaml:"url"`
	// Click are the selectors clicked then, in order (the menu).
	Click []string `yaml:"click"`
	// Selector and Text say the page is there: the element shows Text.
	Selector string `yaml:"selector"`
	Text     string `yaml:"text"`
}

// ProfileElement is an element of the product's page (a CSS selector)
// and, for a step that reads it, the text it shows.
type ProfileElement struct {
	Selector string `yaml:"selector"`
	Text     string `yaml:"text"`
}

// ProfileButton is a button or link; Label, when given, is what it must
// say; Reloads says clicking it loads a new page (a form's submit).
type ProfileButton struct {
	Selector string `yaml:"selector"`
	Label    string `yaml:"label"`
	Reloads  bool   `yaml:"reloads"`
}

// ProfileClientCredentials is the product's integration-user connection (the
// client credentials flow).
type ProfileClientCredentials struct {
	Choose         string         `yaml:"choose"`
	ConsumerKey    string         `yaml:"consumerKey"`
	ConsumerSecret string         `yaml:"consumerSecret"`
	MyDomain       string         `yaml:"myDomain"`
	Connect        *ProfileButton `yaml:"connect"`
}

// LoadProfile reads and checks the profile at path.
func LoadProfile(path string) (*Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("PRODUCT=%s: %w", path, err)
	}
	return parseProfile(path, data)
}

// parseProfile decodes and checks a profile; every error names the
// file, the line and the field, and all of them are reported at once.
func parseProfile(file string, data []byte) (*Profile, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if profileLine.MatchString(msg) {
			return nil, errors.New(profileLine.ReplaceAllString(msg, file+":$1:"))
		}
		return nil, fmt.Errorf("%s: %s", file, msg)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: the profile is empty", file)
	}
	c := &profileCheck{file: file, lines: map[string]int{}}
	c.walk(root.Content[0], reflect.TypeFor[Profile](), "")
	if err := c.err(); err != nil {
		return nil, err
	}
	p := &Profile{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(p); err != nil {
		// The walk above finds what KnownFields would; this is a value
		// of the wrong type (a list where a word goes, say).
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, e := range te.Errors {
				c.errs = append(c.errs, profileLine.ReplaceAllString(e, file+":$1:"))
			}
			return nil, c.err()
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p.File = file
	p.check(c)
	if err := c.err(); err != nil {
		return nil, err
	}
	p.byLang = map[string]*Profile{}
	for lang, words := range p.Languages {
		p.byLang[lang] = p.withWords(words)
	}
	return p, nil
}

// profileLine is yaml.v3's "line N:" at the start of a type error.
var profileLine = regexp.MustCompile(`^line (\d+):`)

// profileCheck gathers a profile's errors and where each field is.
type profileCheck struct {
	file  string
	lines map[string]int // field path ("steps.save") → its key's line
	errs  []string
}

// fail records an error about the field at path, at its line or, for a
// field that is not there, at the line of the nearest one that is.
func (c *profileCheck) fail(path, format string, args ...any) {
	p := path
	line, ok := c.lines[p]
	for !ok && p != "" {
		i := strings.LastIndex(p, ".")
		if i < 0 {
			p = ""
		} else {
			p = p[:i]
		}
		line, ok = c.lines[p]
	}
	c.errs = append(c.errs, fmt.Sprintf("%s:%d: %s: %s", c.file, line, path, fmt.Sprintf(format, args...)))
}

func (c *profileCheck) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return errors.New(strings.Join(c.errs, "\n"))
}

// walk records the line of every key under n and fails each key the
// type t has no field for, naming the keys it has.
func (c *profileCheck) walk(n *yaml.Node, t reflect.Type, path string) {
	if path == "" {
		c.lines[""] = n.Line
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	join := func(key string) string {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			c.failAt(n.Line, path, "want a mapping of %s", strings.Join(yamlKeys(t), ", "))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			c.lines[join(k.Value)] = k.Line
			f, ok := yamlField(t, k.Value)
			if !ok {
				c.failAt(k.Line, join(k.Value), "unknown key; known keys here: %s", strings.Join(yamlKeys(t), ", "))
				continue
			}
			c.walk(v, f.Type, join(k.Value))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			c.failAt(n.Line, path, "want a mapping")
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.lines[join(n.Content[i].Value)] = n.Content[i].Line
			c.walk(n.Content[i+1], t.Elem(), join(n.Content[i].Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			c.failAt(n.Line, path, "want a list")
			return
		}
		for i, e := range n.Content {
			c.lines[fmt.Sprintf("%s[%d]", path, i)] = e.Line
			c.walk(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			c.failAt(n.Line, path, "want a text, not a %s", kindName(n.Kind))
		}
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
			c.failAt(n.Line, path, "%q: want true or false", n.Value)
		}
	}
}

// kindName is how the errors name a YAML node's kind.
func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

func (c *profileCheck) failAt(line int, path, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf("%s:%d: %s: %s", c.file, line, path, fmt.Sprintf(format, args...)))
}

// yamlField is t's field with the yaml name.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		if f := t.Field(i); yamlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKeys are t's yaml names, sorted.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if n := yamlName(t.Field(i)); n != "" && n != "-" {
			keys = append(keys, n)
		}
	}
	sort.Strings(keys)
	return keys
}

func yamlName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return name
}
