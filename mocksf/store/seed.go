package store

import (
	"bytes"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"
)

//go:embed default_seed.yaml
var defaultSeed []byte

// DefaultSeed is the embedded seed mocksf starts with when no -seed file is
// given: one Enterprise org with an admin and a sync user.
func DefaultSeed() []byte { return append([]byte(nil), defaultSeed...) }

// Seed is the document a -seed file holds.
type Seed struct {
	Orgs []OrgSpec `yaml:"orgs" json:"orgs"`
}

// OrgSpec describes one org of a seed.
type OrgSpec struct {
	Name          string     `yaml:"name" json:"name"`
	Edition       string     `yaml:"edition" json:"edition"`
	Users         []UserSpec `yaml:"users" json:"users"`
	ConnectedApps []AppSpec  `yaml:"connectedApps" json:"connectedApps"`
	// ExternalClientApps are the org's External Client Apps: the same
	// keys as a connected app, plus distributionState and flows, with a
	// new External Client App's defaults (PKCE required).
	ExternalClientApps []AppSpec   `yaml:"externalClientApps" json:"externalClientApps"`
	Records            RecordsSpec `yaml:"records" json:"records"`
	// AllowPasswordFlow is "Allow OAuth Username-Password Flows".
	AllowPasswordFlow bool `yaml:"allowPasswordFlow" json:"allowPasswordFlow"`
	// RestrictConnectedApps is the Spring '26 restriction on creating
	// connected apps (default off).
	RestrictConnectedApps bool `yaml:"restrictConnectedApps" json:"restrictConnectedApps"`
	// Status is active (default), frozen or inactive.
	Status string `yaml:"status" json:"status"`
	// LoginIPRanges are the CIDR ranges (such as 10.0.0.0/8 or
	// 192.168.1.10/32) the org's users may log in from; none means
	// anywhere (reference §2.1).
	LoginIPRanges []string `yaml:"loginIpRanges" json:"loginIpRanges"`
	// TrustedIPRanges are Network Access' trusted IP ranges (CIDR): API
	// logins from inside them need no security token after the password.
	TrustedIPRanges []string `yaml:"trustedIpRanges" json:"trustedIpRanges"`
	// CustomObjects and CustomFields extend the org's schema (schema.go):
	// custom objects, and custom fields of standard objects by object.
	CustomObjects []CustomObjectSpec           `yaml:"customObjects" json:"customObjects"`
	CustomFields  map[string][]CustomFieldSpec `yaml:"customFields" json:"customFields"`
	// APIDailyLimit is the org's daily API allocation (REST answers
	// REQUEST_LIMIT_EXCEEDED past it); 0 means the edition's default.
	APIDailyLimit int `yaml:"apiDailyLimit" json:"apiDailyLimit"`
	// NewestAPIVersion is the newest REST API version the org serves,
	// such as "66.0"; empty means the server's setting.
	NewestAPIVersion string `yaml:"newestApiVersion" json:"newestApiVersion"`
	// SessionTimeout is Session Settings' timeout, a Go duration such as
	// "15m" or "2h": access tokens unused this long die. Empty means
	// Salesforce's default, 2 hours.
	SessionTimeout string `yaml:"sessionTimeout" json:"sessionTimeout"`
}

// UserSpec describes one user of a seeded org.
type UserSpec struct {
	Username   string `yaml:"username" json:"username"`
	Password   string `yaml:"password" json:"password"`
	Email      string `yaml:"email" json:"email"`
	FirstName  string `yaml:"firstName" json:"firstName"`
	LastName   string `yaml:"lastName" json:"lastName"`
	Admin      bool   `yaml:"admin" json:"admin"`
	APIEnabled *bool  `yaml:"apiEnabled" json:"apiEnabled"` // default true
	Active     *bool  `yaml:"active" json:"active"`         // default true
	// Language is the user's LanguageLocaleKey, one of Languages, such
	// as "nl_NL" or "ja"; DefaultLanguage (en_US) when absent.
	Language string `yaml:"language" json:"language"`
	// SecurityToken is appended to the password by API logins from
	// untrusted addresses; letters and digits, generated (25 of them, as
	// Salesforce's) when absent.
	SecurityToken string `yaml:"securityToken" json:"securityToken"`
}

// AppSpec describes one connected app or External Client App of a seeded
// org. DistributionState and Flows are an External Client App's only: on a
// connected app they are errors.
type AppSpec struct {
	Name           string   `yaml:"name" json:"name"`
	APIName        string   `yaml:"apiName" json:"apiName"`
	ContactEmail   string   `yaml:"contactEmail" json:"contactEmail"`
	ConsumerKey    string   `yaml:"consumerKey" json:"consumerKey"`
	ConsumerSecret string   `yaml:"consumerSecret" json:"consumerSecret"`
	CallbackURLs   []string `yaml:"callbackUrls" json:"callbackUrls"`
	Scopes         []string `yaml:"scopes" json:"scopes"`

	// Settings and policies; absent ones take a new app's defaults.
	RequireSecretForWebServerFlow    *bool              `yaml:"requireSecretForWebServerFlow" json:"requireSecretForWebServerFlow"`
	RequireSecretForRefreshTokenFlow *bool              `yaml:"requireSecretForRefreshTokenFlow" json:"requireSecretForRefreshTokenFlow"`
	RequirePKCE                      *bool              `yaml:"requirePkce" json:"requirePkce"`       // default false for a connected app, true for an External Client App
	PermittedUsers                   string             `yaml:"permittedUsers" json:"permittedUsers"` // "all" (default) or "admin-approved"
	AssignedUsers                    []string           `yaml:"assignedUsers" json:"assignedUsers"`   // usernames, for admin-approved
	RefreshTokenPolicy               *RefreshPolicySpec `yaml:"refreshTokenPolicy" json:"refreshTokenPolicy"`
	Blocked                          bool               `yaml:"blocked" json:"blocked"`
	ActivationDelay                  string             `yaml:"activationDelay" json:"activationDelay"` // Go duration, e.g. "10m"
	ClientCredentialsRunAs           string             `yaml:"clientCredentialsRunAs" json:"clientCredentialsRunAs"`
	Certificate                      string             `yaml:"certificate" json:"certificate"` // PEM, for the JWT bearer flow
	IntrospectAllTokens              bool               `yaml:"introspectAllTokens" json:"introspectAllTokens"`
	RefreshTokenRotation             bool               `yaml:"refreshTokenRotation" json:"refreshTokenRotation"`
	IPRelaxation                     string             `yaml:"ipRelaxation" json:"ipRelaxation"` // enforce (default), enforce-relax-refresh or relax

	// DistributionState is an External Client App's Distribution State,
	// Local (default) or Packaged.
	DistributionState string `yaml:"distributionState,omitempty" json:"distributionState,omitempty"`
	// Flows are an External Client App's enabled optional flows, by seed
	// name (FlowClientCredentials, ...); none by default. The web server
	// and refresh token flows come with OAuth and are not listed.
	Flows []string `yaml:"flows,omitempty" json:"flows,omitempty"`
}

// RefreshPolicySpec is a seed's refresh token policy.
type RefreshPolicySpec struct {
	Mode string `yaml:"mode" json:"mode"` // until_revoked, immediately, idle, absolute
	For  string `yaml:"for" json:"for"`   // Go duration for idle and absolute, e.g. "720h"
}

// RecordsSpec lists records by object name, plus counts of deterministic
// fake records to generate under the key "generate".
type RecordsSpec struct {
	Explicit map[string][]map[string]any
	Generate map[string]int
}

// UnmarshalYAML splits the "generate" key from the object lists.
func (r *RecordsSpec) UnmarshalYAML(node *yaml.Node) error {
	var raw map[string]yaml.Node
	if err := node.Decode(&raw); err != nil {
		return err
	}
	r.Explicit = map[string][]map[string]any{}
	for key, value := range raw {
		if key == "generate" {
			if err := value.Decode(&r.Generate); err != nil {
				return fmt.Errorf("line %d: records.generate: %w", value.Line, err)
			}
			continue
		}
		var list []map[string]any
		if err := value.Decode(&list); err != nil {
			return fmt.Errorf("line %d: records.%s: want a list of records: %w", value.Line, key, err)
		}
		r.Explicit[key] = list
	}
	return nil
}

// ParseSeed decodes a seed document; unknown keys are errors.
func ParseSeed(data []byte) (Seed, error) {
	var seed Seed
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&seed); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", explainDecodeError(err))
	}
	if err := seed.validate(); err != nil {
		return Seed{}, fmt.Errorf("seed: %w", locateSeedErrors(data, err))
	}
	return seed, nil
}

func (seed Seed) validate() error {
	var errs []error
	names := map[string]bool{}
	keys := map[string]bool{}
	for i, o := range seed.Orgs {
		if strings.TrimSpace(o.Name) == "" {
			errs = append(errs, fmt.Errorf("orgs[%d].name is required", i))
		}
		for j, u := range o.Users {
			key := usernameKey(u.Username)
			switch {
			case !strings.Contains(u.Username, "@"):
				errs = append(errs, fmt.Errorf("orgs[%d].users[%d].username %q must look like an email address", i, j, u.Username))
			case names[key]:
				errs = append(errs, fmt.Errorf("orgs[%d].users[%d].username %q is used twice; usernames are unique across orgs", i, j, u.Username))
			case u.Password == "":
				errs = append(errs, fmt.Errorf("orgs[%d].users[%d].password is required", i, j))
			case u.SecurityToken != "" && !validSecurityToken(u.SecurityToken):
				errs = append(errs, fmt.Errorf("orgs[%d].users[%d].securityToken: want up to %d letters and digits", i, j, MaxSecurityTokenLength))
			case u.Language != "" && CheckLanguage(u.Language) != nil:
				errs = append(errs, fmt.Errorf("orgs[%d].users[%d].language %w", i, j, CheckLanguage(u.Language)))
			}
			names[key] = true
		}
		// Conflicts CreateApp would report are caught here, before Apply
		// has added anything, so that a failed Apply changes nothing.
		switch o.Status {
		case "", OrgActive, OrgFrozen, OrgInactive:
		default:
			errs = append(errs, fmt.Errorf("orgs[%d].status %q: want active, frozen or inactive", i, o.Status))
		}
		_, rangeErrs := loginIPRanges(fmt.Sprintf("orgs[%d]", i), o.LoginIPRanges)
		errs = append(errs, rangeErrs...)
		_, rangeErrs = ipRanges(fmt.Sprintf("orgs[%d].trustedIpRanges", i), o.TrustedIPRanges)
		errs = append(errs, rangeErrs...)
		errs = append(errs, validateGenerate(i, o.Records.Generate)...)
		errs = append(errs, validateCustom(fmt.Sprintf("orgs[%d]", i), o.CustomObjects, o.CustomFields)...)
		errs = append(errs, validateAPISettings(fmt.Sprintf("orgs[%d]", i), o)...)
		appNames := map[string]bool{}
		userID := func(name string) (string, bool) {
			for _, u := range o.Users {
				if strings.EqualFold(u.Username, name) {
					return u.Username, true
				}
			}
			return "", false
		}
		for _, sa := range o.apps() {
			where := fmt.Sprintf("orgs[%d].%s[%d]", i, sa.list, sa.index)
			a := sa.spec
			if strings.TrimSpace(a.Name) == "" {
				errs = append(errs, fmt.Errorf("%s.name is required", where))
			}
			if _, err := a.policy(sa.external, userID); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", where, err))
			}
			errs = append(errs, a.validateKind(where, sa.external)...)
			apiName := a.APIName
			if apiName == "" {
				apiName = APIName(a.Name)
			}
			// Connected apps and External Client Apps share one name
			// space in an org, as CreateApp checks them.
			name, api := "name:"+foldKey(a.Name), "api:"+foldKey(apiName)
			if appNames[name] || appNames[api] {
				errs = append(errs, fmt.Errorf("%s %q: name or API name is used twice in the org", where, a.Name))
			}
			appNames[name], appNames[api] = true, true
			if a.ConsumerKey != "" {
				if keys[a.ConsumerKey] {
					errs = append(errs, fmt.Errorf("%s.consumerKey is used twice", where))
				}
				keys[a.ConsumerKey] = true
			}
		}
	}
	return errors.Join(errs...)
}

// seedApp is one app of an OrgSpec, of either kind, with where it is in
// the seed.
type seedApp struct {
	list     string // connectedApps or externalClientApps
	index    int
	external bool
	spec     AppSpec
}

// apps lists the org's connected apps, then its External Client Apps.
func (o OrgSpec) apps() []seedApp {
	out := make([]seedApp, 0, len(o.ConnectedApps)+len(o.ExternalClientApps))
	for j, a := range o.ConnectedApps {
		out = append(out, seedApp{list: "connectedApps", index: j, spec: a})
	}
	for j, a := range o.ExternalClientApps {
		out = append(out, seedApp{list: "externalClientApps", index: j, external: true, spec: a})
	}
	return out
}

// validateKind checks the keys that only one kind of app has; where
// names the app in the errors, such as orgs[0].externalClientApps[1].
func (a AppSpec) validateKind(where string, external bool) []error {
	var errs []error
	if !external {
		if a.DistributionState != "" {
			errs = append(errs, fmt.Errorf("%s.distributionState: only an External Client App has one; list the app under externalClientApps", where))
		}
		if a.Flows != nil {
			errs = append(errs, fmt.Errorf("%s.flows: only an External Client App has flows; list the app under externalClientApps", where))
		}
		return errs
	}
	if a.DistributionState != "" {
		if err := CheckDistributionState(a.DistributionState); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", where, err))
		}
	}
	for _, err := range FlowErrors(a.Flows) {
		errs = append(errs, fmt.Errorf("%s.%w", where, err))
	}
	// Salesforce runs the client credentials flow only when Enable
	// Client Credentials Flow is ticked; a run-as user alone would leave
	// the seed saying two things.
	if a.ClientCredentialsRunAs != "" && !slices.Contains(a.Flows, FlowClientCredentials) {
		errs = append(errs, fmt.Errorf("%s.clientCredentialsRunAs: needs %s in flows, as an External Client App runs the flow only when it is enabled", where, FlowClientCredentials))
	}
	return errs
}

// loginIPRanges parses an org's Login IP Ranges; where names the org in
// the errors, such as orgs[0].
func loginIPRanges(where string, ranges []string) (IPRanges, []error) {
	return ipRanges(where+".loginIpRanges", ranges)
}

// ipRanges parses a list of CIDR ranges; where names the list in the
// errors, such as orgs[0].trustedIpRanges.
func ipRanges(where string, ranges []string) (IPRanges, []error) {
	var out []netip.Prefix
	var errs []error
	for i, r := range ranges {
		p, err := netip.ParsePrefix(strings.TrimSpace(r))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s[%d] %q: want a CIDR range such as 10.0.0.0/8 or 192.168.1.10/32", where, i, r))
			continue
		}
		out = append(out, p)
	}
	return NewIPRanges(out...), errs
}

// MaxGenerated bounds the records one org of a seed (or of POST
// /__mocksf/orgs) may generate, all objects together: Apply creates them
// while it holds the store's lock, and an unbounded count would stop
// mocksf answering, or run it out of memory.
const MaxGenerated = 200000

// validateGenerate checks an org's generate counts: none negative, and at
// most MaxGenerated in all.
func validateGenerate(i int, counts map[string]int) []error {
	var errs []error
	objects := make([]string, 0, len(counts))
	for object := range counts {
		objects = append(objects, object)
	}
	sort.Strings(objects)
	total := 0
	for _, object := range objects {
		n := counts[object]
		if n < 0 || n > MaxGenerated {
			errs = append(errs, fmt.Errorf("orgs[%d].records.generate.%s %d: want a count from 0 to %d", i, object, n, MaxGenerated))
			continue
		}
		total += n
	}
	if total > MaxGenerated {
		errs = append(errs, fmt.Errorf("orgs[%d].records.generate: %d records in all; at most %d", i, total, MaxGenerated))
	}
	return errs
}

// foldKey is s with every character replaced by the smallest one of its
// Unicode case-folding orbit, so that foldKey(a) == foldKey(b) exactly when
// strings.EqualFold(a, b), which CreateApp compares app names with.
// strings.ToLower is not enough: "ſ" (long s) folds to "s" but does not
// lower-case to it, and a seed with both names failed halfway through Apply.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		b.WriteRune(least)
	}
	return b.String()
}

// OrgResult names what Apply created for one org: Apps are its connected
// apps and ExternalClientApps its External Client Apps, each in the
// seed's order.
type OrgResult struct {
	Org                Org
	Users              []User
	Apps               []ConnectedApp
	ExternalClientApps []ConnectedApp
}

// Apply adds the seed's orgs to the store. Usernames and consumer keys
// already in the store are a conflict, checked before anything is added, so
// a failed Apply changes nothing.
func (s *Store) Apply(seed Seed) ([]OrgResult, error) {
	if err := seed.validate(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	s.mu.Lock()
	for _, o := range seed.Orgs {
		for _, u := range o.Users {
			if _, ok := s.byName[usernameKey(u.Username)]; ok {
				s.mu.Unlock()
				return nil, fmt.Errorf("seed: username %q: %w", u.Username, ErrConflict)
			}
		}
		for _, sa := range o.apps() {
			if _, ok := s.apps[sa.spec.ConsumerKey]; ok && sa.spec.ConsumerKey != "" {
				s.mu.Unlock()
				return nil, fmt.Errorf("seed: app %q: consumer key: %w", sa.spec.Name, ErrConflict)
			}
		}
	}
	var results []OrgResult
	for _, spec := range seed.Orgs {
		results = append(results, s.applyOrgLocked(spec))
	}
	s.mu.Unlock()
	// Apps are added after the lock is released because CreateApp takes
	// it; validate and the check above have ruled out its conflicts.
	for i, spec := range seed.Orgs {
		for _, sa := range spec.apps() {
			a := sa.spec
			apiName := a.APIName
			if apiName == "" {
				apiName = APIName(a.Name)
			}
			// Validation checked these names, so policy cannot fail here.
			policy, _ := a.policy(sa.external, func(username string) (string, bool) {
				for _, u := range results[i].Users {
					if strings.EqualFold(u.Username, username) {
						return u.ID, true
					}
				}
				return "", false
			})
			// Seeded apps exist since long before the run, so they are
			// active; one the seed gives a delay was just created, so the
			// delay applies from now.
			created := s.now().Add(-24 * time.Hour)
			if policy.ActivationDelay != nil {
				created = s.now()
			}
			app := ConnectedApp{
				OrgID: results[i].Org.ID, Name: a.Name, APIName: apiName, ContactEmail: a.ContactEmail,
				OAuthEnabled: true, CallbackURLs: a.CallbackURLs, Scopes: a.Scopes,
				ConsumerKey: a.ConsumerKey, ConsumerSecret: a.ConsumerSecret,
				CreatedAt: created,
				Policy:    policy,
			}
			if sa.external {
				app.Kind, app.DistributionState = KindExternalClientApp, a.DistributionState
				if app.DistributionState == "" {
					app.DistributionState = DistributionLocal
				}
			}
			app, err := s.CreateApp(app)
			if err != nil {
				return results, fmt.Errorf("seed: org %q: %w", spec.Name, err)
			}
			if sa.external {
				results[i].ExternalClientApps = append(results[i].ExternalClientApps, app)
			} else {
				results[i].Apps = append(results[i].Apps, app)
			}
		}
	}
	return results, nil
}

func (s *Store) applyOrgLocked(spec OrgSpec) OrgResult {
	edition := spec.Edition
	if edition == "" {
		edition = "Enterprise"
	}
	status := spec.Status
	if status == "" {
		status = OrgActive
	}
	// Validation parsed the ranges, so they cannot fail here.
	ranges, _ := loginIPRanges("org", spec.LoginIPRanges)
	trusted, _ := ipRanges("org", spec.TrustedIPRanges)
	// Validation parsed the timeout too.
	timeout, _ := sessionTimeout("org", spec.SessionTimeout)
	org := newOrgState(Org{ID: s.nextID("Organization"), Name: spec.Name, Edition: edition, AllowPasswordFlow: spec.AllowPasswordFlow, Status: status,
		RestrictConnectedApps: spec.RestrictConnectedApps, LoginIPRanges: ranges, TrustedIPRanges: trusted, SessionTimeout: timeout})
	org.custom = buildCustomSchema(spec.CustomObjects, spec.CustomFields)
	org.dailyLimit, org.newestVersion = spec.APIDailyLimit, spec.NewestAPIVersion
	s.orgs[org.ID] = org
	res := OrgResult{Org: org.Org}
	var firstUser string
	for _, us := range spec.Users {
		api, active := true, true
		if us.APIEnabled != nil {
			api = *us.APIEnabled
		}
		if us.Active != nil {
			active = *us.Active
		}
		email := us.Email
		if email == "" {
			email = us.Username
		}
		lang := us.Language
		if lang == "" {
			lang = DefaultLanguage
		}
		token := us.SecurityToken
		if token == "" {
			token = NewSecurityToken()
		}
		u := &User{
			ID: s.nextID("User"), OrgID: org.ID, Username: us.Username, Password: us.Password,
			Email: email, FirstName: us.FirstName, LastName: us.LastName,
			Admin: us.Admin, APIEnabled: api, Active: active, SecurityToken: token, Language: lang,
		}
		s.users[u.ID] = u
		s.byName[usernameKey(u.Username)] = u.ID
		res.Users = append(res.Users, *u)
		if firstUser == "" {
			firstUser = u.ID
		}
	}
	objects := make([]string, 0, len(spec.Records.Explicit))
	for object := range spec.Records.Explicit {
		objects = append(objects, object)
	}
	sort.Strings(objects)
	for _, object := range objects {
		for _, fields := range spec.Records.Explicit[object] {
			s.addRecordLocked(org.ID, object, firstUser, fields)
		}
	}
	gen := make([]string, 0, len(spec.Records.Generate))
	for object := range spec.Records.Generate {
		gen = append(gen, object)
	}
	sort.Strings(gen)
	for _, object := range gen {
		for n := 0; n < spec.Records.Generate[object]; n++ {
			s.addRecordLocked(org.ID, object, firstUser, GeneratedFields(object, n))
		}
	}
	return res
}

// APIName derives a connected app's API name from its label as Setup does:
// letters, digits and single underscores, starting with a letter.
func APIName(label string) string {
	var b strings.Builder
	underscore := false
	for _, r := range strings.TrimSpace(label) {
		switch {
		case r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'):
			if b.Len() == 0 && r >= '0' && r <= '9' {
				b.WriteString("X")
			}
			b.WriteRune(r)
			underscore = false
		default:
			if b.Len() > 0 && !underscore {
				b.WriteByte('_')
				underscore = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// Reset empties the store.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
}

// policy turns a seed app's settings into an AppPolicy, from the defaults
// of a new app of its kind (external: an External Client App). userID
// resolves a username of the app's org (assigned and run-as users) to its
// ID.
func (a AppSpec) policy(external bool, userID func(string) (string, bool)) (AppPolicy, error) {
	p := DefaultAppPolicy()
	if external {
		p = DefaultExternalClientAppPolicy()
		// validateKind reports unknown names; here they are left out.
		_ = p.SetFlows(a.Flows)
	}
	if a.RequireSecretForWebServerFlow != nil {
		p.RequireSecretWebServer = *a.RequireSecretForWebServerFlow
	}
	if a.RequireSecretForRefreshTokenFlow != nil {
		p.RequireSecretRefresh = *a.RequireSecretForRefreshTokenFlow
	}
	if a.RequirePKCE != nil {
		p.RequirePKCE = *a.RequirePKCE
	}
	p.Blocked, p.IntrospectAll = a.Blocked, a.IntrospectAllTokens
	p.RotateRefreshTokens = a.RefreshTokenRotation
	switch a.PermittedUsers {
	case "", "all":
	case "admin-approved":
		p.AdminApproved = true
	default:
		return p, fmt.Errorf("permittedUsers %q: want all or admin-approved", a.PermittedUsers)
	}
	switch a.IPRelaxation {
	case "", IPEnforce, IPEnforceRelaxRefresh, IPRelax:
		p.IPRelaxation = a.IPRelaxation
	default:
		return p, fmt.Errorf("ipRelaxation %q: want enforce, enforce-relax-refresh or relax", a.IPRelaxation)
	}
	if rp := a.RefreshTokenPolicy; rp != nil {
		switch rp.Mode {
		case "", RefreshUntilRevoked, RefreshImmediately:
		case RefreshIdle, RefreshAbsolute:
			d, err := time.ParseDuration(rp.For)
			if err != nil || d <= 0 {
				return p, fmt.Errorf("refreshTokenPolicy.for %q: want a positive duration like 720h", rp.For)
			}
			p.Refresh.For = d
		default:
			return p, fmt.Errorf("refreshTokenPolicy.mode %q: want until_revoked, immediately, idle or absolute", rp.Mode)
		}
		if rp.Mode != "" {
			p.Refresh.Mode = rp.Mode
		}
	}
	if a.ActivationDelay != "" {
		d, err := time.ParseDuration(a.ActivationDelay)
		if err != nil || d < 0 {
			return p, fmt.Errorf("activationDelay %q: want a duration like 10m", a.ActivationDelay)
		}
		p.ActivationDelay = &d
	}
	if a.Certificate != "" {
		if block, _ := pem.Decode([]byte(a.Certificate)); block == nil || block.Type != "CERTIFICATE" {
			return p, fmt.Errorf("certificate: want a PEM CERTIFICATE block")
		}
		p.CertificatePEM = a.Certificate
	}
	for _, name := range a.AssignedUsers {
		id, ok := userID(name)
		if !ok {
			return p, fmt.Errorf("assignedUsers: %q is not a user of this org", name)
		}
		p.AssignedUserIDs = append(p.AssignedUserIDs, id)
	}
	if a.ClientCredentialsRunAs != "" {
		id, ok := userID(a.ClientCredentialsRunAs)
		if !ok {
			return p, fmt.Errorf("clientCredentialsRunAs: %q is not a user of this org", a.ClientCredentialsRunAs)
		}
		// A connected app's run-as user enables the flow, as the seed has
		// always had it; an External Client App's needs it in flows
		// (validateKind).
		p.RunAsUserID = id
		if !external {
			p.ClientCredentials = true
		}
	}
	return p, nil
}
