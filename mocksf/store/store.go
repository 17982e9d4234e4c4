// Package store holds everything mocksf knows: orgs, their users, connected
// apps and records, and the OAuth codes, tokens and browser sessions issued
// against them. It is in memory and safe for concurrent use. Getters
// return copies, so callers never share state with the store, except the
// few that say they share what they return (RecordSnapshot, RecordRef,
// CustomSchema): those values are never changed once handed out.
//
// IDs are normalised at the edge, once: the methods whose doc says so
// take a 15- or 18-character ID (of an org, user, record or Bulk job, as
// a request names it), and every username in any case (usernameKey);
// inside, the store keys by 18-character IDs and lower-case usernames.
// An org or user ID that comes from the store's own values, such as a
// token's OrgID, is 18 characters and taken as it is.
package store

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/sfharness/sfharness/mocksf/sfid"
)

// Errors callers branch on.
var (
	ErrNotFound     = errors.New("not found")
	ErrConflict     = errors.New("already exists")
	ErrInvalidLogin = errors.New("invalid username or password")
	ErrLockedOut    = errors.New("user is locked out")
)

// Editions without API access by default.
const EditionProfessional = "Professional"

// Org is one isolated Salesforce organization.
type Org struct {
	ID      string // 18-character ID, key prefix 00D
	Name    string
	Edition string
	// AllowPasswordFlow is the org setting "Allow OAuth Username-Password
	// Flows" (off by default in new orgs).
	AllowPasswordFlow bool
	// Status is OrgActive, OrgFrozen or OrgInactive.
	Status string
	// RestrictConnectedApps is Salesforce's Spring '26 restriction on
	// creating connected apps: New Connected App is refused, existing
	// apps keep working (off by default).
	RestrictConnectedApps bool
	// LoginIPRanges are the networks its users may log in from, as a
	// profile's Login IP Ranges restrict them (reference §2.1, §11); none
	// means no restriction. mocksf keeps one list per org.
	LoginIPRanges IPRanges
	// TrustedIPRanges are Network Access' trusted IP ranges: logins
	// through the API (SOAP login, the username-password flow) from
	// inside them need no security token (securitytoken.go).
	TrustedIPRanges IPRanges
	// SessionTimeout is Session Settings' timeout: an access token unused
	// for this long is dead. 0 means DefaultSessionTimeout.
	SessionTimeout time.Duration
}

// DefaultSessionTimeout is Salesforce's default session timeout: 2 hours
// of inactivity (reference §0).
const DefaultSessionTimeout = 2 * time.Hour

// IPRanges is a list of IP networks. It is kept as canonical CIDR text so
// that an Org stays a comparable value that shares nothing with the
// store; the zero value is no ranges.
type IPRanges struct{ cidrs string }

// NewIPRanges returns the ranges of prefixes, without their host bits
// (10.1.2.3/8 is 10.0.0.0/8); invalid prefixes are left out.
func NewIPRanges(prefixes ...netip.Prefix) IPRanges {
	parts := make([]string, 0, len(prefixes))
	for _, p := range prefixes {
		if p.IsValid() {
			parts = append(parts, p.Masked().String())
		}
	}
	return IPRanges{strings.Join(parts, " ")}
}

// Prefixes returns the ranges in order.
func (r IPRanges) Prefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Fields(r.cidrs) {
		// NewIPRanges wrote them, so they parse.
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// Strings returns the ranges in CIDR notation, never nil.
func (r IPRanges) Strings() []string {
	out := strings.Fields(r.cidrs)
	if out == nil {
		out = []string{}
	}
	return out
}

// Empty reports whether there are no ranges.
func (r IPRanges) Empty() bool { return r.cidrs == "" }

// LoginIPAllowed reports whether the org's Login IP Ranges let a user log
// in from remoteAddr, an http.Request's RemoteAddr ("host:port", or a
// bare address). An org without ranges allows every address; with
// ranges, an address that cannot be read is refused.
func (o Org) LoginIPAllowed(remoteAddr string) bool {
	if o.LoginIPRanges.Empty() {
		return true
	}
	addr, ok := remoteIP(remoteAddr)
	return ok && o.LoginIPRanges.Contains(addr)
}

// remoteIP reads an http.Request's RemoteAddr ("host:port", or a bare
// address).
func remoteIP(remoteAddr string) (netip.Addr, bool) {
	var addr netip.Addr
	if ap, err := netip.ParseAddrPort(remoteAddr); err == nil {
		addr = ap.Addr()
	} else if a, err := netip.ParseAddr(remoteAddr); err == nil {
		addr = a
	} else {
		return netip.Addr{}, false
	}
	// An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d,
	// and a zone would make every prefix refuse it.
	return addr.WithZone("").Unmap(), true
}

// Contains reports whether one of the ranges holds addr.
func (r IPRanges) Contains(addr netip.Addr) bool {
	for _, p := range r.Prefixes() {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// Org statuses.
const (
	OrgActive   = "active"
	OrgFrozen   = "frozen"   // locked or suspended
	OrgInactive = "inactive" // closed
)

// Active reports whether users of the org can log in and use tokens.
func (o Org) Active() bool { return o.Status == "" || o.Status == OrgActive }

// APIEnabled reports whether the org's edition has REST API access.
func (o Org) APIEnabled() bool { return !strings.EqualFold(o.Edition, EditionProfessional) }

// User is a Salesforce user of one org.
type User struct {
	ID         string // 18-character ID, key prefix 005
	OrgID      string
	Username   string
	Password   string
	Email      string
	FirstName  string
	LastName   string
	Admin      bool
	APIEnabled bool
	Active     bool
	// Language is the user's LanguageLocaleKey (one of Languages, such
	// as "en_US", "nl_NL", "ja"): the language of the pages and mails
	// Salesforce shows them.
	Language string
	// SecurityToken is what an API login from outside the org's trusted
	// IP ranges appends to the password (securitytoken.go).
	SecurityToken string
	// FailedLogins counts consecutive wrong passwords; a success clears it.
	FailedLogins int
	// LockedAt is when the wrong password that locked the user out came;
	// the lock-out ends its lock-out period later (lockout.go).
	LockedAt time.Time
	// Verification counts the codes lately mailed to the user and the
	// wrong ones typed, which package identity bounds.
	Verification VerificationCount
}

// DisplayName is the user's full name, or the username when it has none.
func (u User) DisplayName() string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		return u.Username
	}
	return name
}

// SalesforceLastName is the user's LastName as every API gives it:
// Salesforce requires one, and a seed may give none, so it is then the
// part of the username before "@".
func (u User) SalesforceLastName() string {
	if u.LastName != "" {
		return u.LastName
	}
	local, _, _ := strings.Cut(u.Username, "@")
	if local == "" {
		return u.Username
	}
	return local
}

// ConnectedApp is an OAuth client registered in an org's Setup.
type ConnectedApp struct {
	ID             string // key prefix 0H4
	OrgID          string
	Name           string
	APIName        string
	ContactEmail   string
	Description    string
	OAuthEnabled   bool
	CallbackURLs   []string
	Scopes         []string // tokens, e.g. "api", "refresh_token"
	ConsumerKey    string
	ConsumerSecret string
	CreatedAt      time.Time
	Policy         AppPolicy

	// ContactPhone, LogoURL and InfoURL are the optional Basic
	// Information fields.
	ContactPhone, LogoURL, InfoURL string

	// Kind is KindConnectedApp (the zero value) or KindExternalClientApp.
	// Both kinds share one consumer-key space and the same OAuth
	// endpoints; an External Client App differs where Salesforce
	// documents it (optional flows off until enabled, PKCE required by
	// default, no username-password flow unless the server allows it).
	Kind string
	// DistributionState is an External Client App's Distribution State:
	// DistributionLocal (its default) or DistributionPackaged. mocksf
	// stores it and shows it; it changes no flow.
	DistributionState string
	// Unsimulated holds the settings mocksf stores and shows but does not
	// simulate (a connected app's Device Flow, ID Token, Single Logout,
	// Web App, Custom Handler, Mobile and Canvas sections; an External
	// Client App's JWT-based access tokens), keyed by the Setup form's
	// field name. Absent keys are the form's defaults.
	Unsimulated map[string]string
}

// App kinds (ConnectedApp.Kind).
const (
	KindConnectedApp      = ""
	KindExternalClientApp = "ExternalClientApp"
)

// External Client App Distribution States.
const (
	DistributionLocal    = "Local"
	DistributionPackaged = "Packaged"
)

// External reports whether the app is an External Client App.
func (a ConnectedApp) External() bool { return a.Kind == KindExternalClientApp }

// AppFlows are an External Client App's optional flows (its Flow
// Enablement section). The web server and refresh token flows come with
// Enable OAuth and are not listed; the client credentials flow is
// AppPolicy.ClientCredentials for both kinds. A connected app has no such
// switches: its JWT bearer flow works whenever it has a certificate.
type AppFlows struct {
	// AuthorizationCodeAndCredentials is "Enable Authorization Code and
	// Credentials Flow" (stored; mocksf does not serve that flow).
	AuthorizationCodeAndCredentials bool
	// Device is "Enable Device Flow" (stored; mocksf does not serve it).
	Device bool
	// JWTBearer is "Enable JWT Bearer Flow": without it an External
	// Client App's JWT bearer assertions are refused.
	JWTBearer bool
	// TokenExchange is "Enable Token Exchange Flow" (stored; mocksf does
	// not serve it).
	TokenExchange bool
}

// The seed and control API's names of an External Client App's optional
// flows, in the order of its Flow Enablement section.
const (
	FlowClientCredentials               = "clientCredentials"
	FlowAuthorizationCodeAndCredentials = "authorizationCodeAndCredentials"
	FlowDevice                          = "deviceFlow"
	FlowJWTBearer                       = "jwtBearer"
	FlowTokenExchange                   = "tokenExchange"
)

// FlowNames lists the optional flows' names in the form's order, which
// is also the order EnabledFlows answers in.
var FlowNames = []string{FlowClientCredentials, FlowAuthorizationCodeAndCredentials, FlowDevice, FlowJWTBearer, FlowTokenExchange}

// FlowErrors reports each entry of flows that names no optional flow
// (FlowNames), as flows[i]: unknown flow "x" (want ...); the seed loader
// and the control API word them alike.
func FlowErrors(flows []string) []error {
	var errs []error
	for i, f := range flows {
		if !slices.Contains(FlowNames, f) {
			errs = append(errs, fmt.Errorf("flows[%d]: unknown flow %q (want %s)", i, f, strings.Join(FlowNames, ", ")))
		}
	}
	return errs
}

// CheckDistributionState reports a Distribution State that is neither
// DistributionLocal nor DistributionPackaged.
func CheckDistributionState(ds string) error {
	if ds != DistributionLocal && ds != DistributionPackaged {
		return fmt.Errorf("distributionState %q: want %s or %s", ds, DistributionLocal, DistributionPackaged)
	}
	return nil
}

// flowSwitch returns the setting of p that the named flow turns on, or
// nil for an unknown name. Client credentials is one setting for both
// kinds of app (ClientCredentials), the others are Flows'.
func (p *AppPolicy) flowSwitch(name string) *bool {
	switch name {
	case FlowClientCredentials:
		return &p.ClientCredentials
	case FlowAuthorizationCodeAndCredentials:
		return &p.Flows.AuthorizationCodeAndCredentials
	case FlowDevice:
		return &p.Flows.Device
	case FlowJWTBearer:
		return &p.Flows.JWTBearer
	case FlowTokenExchange:
		return &p.Flows.TokenExchange
	}
	return nil
}

// SetFlows enables exactly the named optional flows (FlowNames) and
// disables the others; the run-as user is kept. It reports the first
// unknown name, and sets the known ones all the same.
func (p *AppPolicy) SetFlows(names []string) error {
	for _, f := range FlowNames {
		*p.flowSwitch(f) = false
	}
	var err error
	for _, name := range names {
		on := p.flowSwitch(name)
		if on == nil {
			if err == nil {
				err = fmt.Errorf("store: unknown flow %q (want %s)", name, strings.Join(FlowNames, ", "))
			}
			continue
		}
		*on = true
	}
	return err
}

// EnabledFlows returns the names of the optional flows p enables, in
// FlowNames' order, never nil.
func (p AppPolicy) EnabledFlows() []string {
	out := []string{}
	for _, f := range FlowNames {
		if *p.flowSwitch(f) {
			out = append(out, f)
		}
	}
	return out
}

// DefaultExternalClientAppPolicy is what a new External Client App starts
// with: both require-secret settings and Require PKCE ticked, as the New
// External Client App form has them (salesforce-today.md §1).
func DefaultExternalClientAppPolicy() AppPolicy {
	p := DefaultAppPolicy()
	p.RequirePKCE = true
	return p
}

// AppPolicy holds a connected app's OAuth settings and policies that
// change how its flows behave (reference §10.2, §10.5).
type AppPolicy struct {
	// RequireSecretWebServer is "Require Secret for Web Server Flow"
	// (on for new apps).
	RequireSecretWebServer bool
	// RequireSecretRefresh is "Require Secret for Refresh Token Flow"
	// (on for new apps); a secret that is sent is checked either way.
	RequireSecretRefresh bool
	// RequirePKCE is "Require Proof Key for Code Exchange (PKCE)".
	RequirePKCE bool
	// AdminApproved is Permitted Users = "Admin approved users are
	// pre-authorized"; only AssignedUserIDs may use the app, and they see
	// no approval page. Otherwise "All users may self-authorize".
	AdminApproved   bool
	AssignedUserIDs []string
	// Refresh is the Refresh Token Policy.
	Refresh RefreshPolicy
	// Blocked is set when an admin blocked the app in Connected Apps OAuth
	// Usage: every flow fails with OAUTH_APP_BLOCKED.
	Blocked bool
	// ActivationDelay overrides the server's propagation delay for this
	// app when not nil.
	ActivationDelay *time.Duration
	// ClientCredentials is "Enable Client Credentials Flow"; RunAsUserID
	// is the run-as user set under Manage.
	ClientCredentials bool
	RunAsUserID       string
	// CertificatePEM is the certificate uploaded with "Use digital
	// signatures", which verifies JWT bearer assertions.
	CertificatePEM string
	// IntrospectAll is "Introspect All Tokens".
	IntrospectAll bool
	// RotateRefreshTokens is "Enable Refresh Token Rotation": each
	// refresh gives a new refresh token and the old one dies.
	RotateRefreshTokens bool
	// IPRelaxation is the IP Relaxation policy: IPEnforce ("" too),
	// IPEnforceRelaxRefresh or IPRelax (reference §10.5).
	IPRelaxation string
	// Flows are an External Client App's optional flows; unused for a
	// connected app.
	Flows AppFlows
}

// IP Relaxation policies (Manage → Edit Policies, reference §10.5); the
// values are the seed's.
const (
	IPEnforce             = "enforce"               // "Enforce IP restrictions" (default)
	IPEnforceRelaxRefresh = "enforce-relax-refresh" // "Enforce IP restrictions, but relax for refresh tokens"
	IPRelax               = "relax"                 // "Relax IP restrictions"
)

// IPRelaxationMode is the app's IP Relaxation, IPEnforce when unset.
func (p AppPolicy) IPRelaxationMode() string {
	if p.IPRelaxation == "" {
		return IPEnforce
	}
	return p.IPRelaxation
}

// RelaxesIP reports whether the app's IP Relaxation lifts the org's Login
// IP Ranges for a flow: every flow under IPRelax, only the refresh token
// grant under IPEnforceRelaxRefresh.
func (p AppPolicy) RelaxesIP(refreshGrant bool) bool {
	switch p.IPRelaxation {
	case IPRelax:
		return true
	case IPEnforceRelaxRefresh:
		return refreshGrant
	}
	return false
}

// Refresh token policies (Manage → Edit Policies).
const (
	RefreshUntilRevoked = "until_revoked" // "Refresh token is valid until revoked" (default)
	RefreshImmediately  = "immediately"   // "Immediately expire refresh token"
	RefreshIdle         = "idle"          // "Expire refresh token if not used for N"
	RefreshAbsolute     = "absolute"      // "Expire refresh token after N"
)

// RefreshPolicy is a connected app's Refresh Token Policy.
type RefreshPolicy struct {
	Mode string        // one of the Refresh* constants; "" means until revoked
	For  time.Duration // N for the idle and absolute modes
}

// DefaultAppPolicy is what a connected app created in Setup starts with.
func DefaultAppPolicy() AppPolicy {
	return AppPolicy{RequireSecretWebServer: true, RequireSecretRefresh: true, Refresh: RefreshPolicy{Mode: RefreshUntilRevoked}}
}

// Record is one sObject record. Fields holds the custom and standard fields
// other than the system fields kept as struct fields.
type Record struct {
	ID               string
	Object           string
	Fields           map[string]any
	CreatedDate      time.Time
	LastModifiedDate time.Time
	CreatedByID      string
	IsDeleted        bool
	// SystemModstamp is when the record last changed in any way, its
	// deletion included; DeletedDate is when it was deleted (zero while
	// it is not); LastModifiedByID is who last changed it (empty: its
	// creator).
	SystemModstamp   time.Time
	DeletedDate      time.Time
	LastModifiedByID string
	// memo belongs to the version the store keeps (memo.go); it is set
	// when the version is made and nil in copies.
	memo *Memo
}

// Store is mocksf's state. The zero value is not usable; call New.
type Store struct {
	now func() time.Time

	mu     sync.RWMutex
	serial uint64
	orgs   map[string]*orgState // by 18-character ID
	// orgClocks are the offsets of the orgs whose clock moved
	// (orgclock.go), read without mu.
	orgClocks sync.Map
	users     map[string]*User         // by ID
	byName    map[string]string        // lower-case username → user ID
	apps      map[string]*ConnectedApp // by consumer key
	codes     map[string]*AuthCode
	access    map[string]*AccessToken
	refresh   map[string]*RefreshToken
	sessions  map[string]*Session
	approvals map[approvalKey]time.Time

	// heldRefresh lists the refresh tokens of each user and app in issue
	// order, and families each login's live refresh token and the access
	// tokens issued in it, so issuing, rotating and revoking tokens never
	// scans them all (tokens.go). Entries may outlive their tokens;
	// readers check refresh and access.
	heldRefresh map[approvalKey][]string
	families    map[uint64]*tokenFamily
	// familyKey masks the family a refresh token carries (familyOf).
	familyKey []byte
	// maxAccessPerFamily is how many access tokens a login keeps
	// (SetMaxAccessPerFamily).
	maxAccessPerFamily int
	// assertions are the JWT bearer assertions already used, until they
	// expire (SeenAssertion).
	assertions assertionLog

	devices map[string][]string // user ID → remembered browsers (devices.go)

	// loginLockout is how long a lock-out lasts; unknownLogins counts the
	// failures of usernames nobody has (lockout.go).
	loginLockout  time.Duration
	unknownLogins map[string]*unknownLogin

	grown int // sessions, codes and access tokens made since the last sweep (sweep.go)

	maxRecords int              // records an org may hold, 0 for no cap (records.go)
	preLogin   preLoginSessions // the bounds and account of pre-login sessions (sessions.go)
}

// New returns an empty store that reads the time from now (time.Now when nil).
func New(now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	s := &Store{now: now, familyKey: make([]byte, 32), maxAccessPerFamily: DefaultMaxAccessPerFamily, loginLockout: DefaultLoginLockout}
	if _, err := rand.Read(s.familyKey); err != nil {
		panic("store: crypto/rand failed: " + err.Error())
	}
	s.preLogin.limits = PreLoginLimits{}.withDefaults()
	s.clear()
	return s
}

func (s *Store) clear() {
	s.orgs = map[string]*orgState{}
	s.orgClocks.Clear()
	s.users = map[string]*User{}
	s.byName = map[string]string{}
	s.apps = map[string]*ConnectedApp{}
	s.codes = map[string]*AuthCode{}
	s.access = map[string]*AccessToken{}
	s.refresh = map[string]*RefreshToken{}
	s.sessions = map[string]*Session{}
	s.approvals = map[approvalKey]time.Time{}
	s.heldRefresh = map[approvalKey][]string{}
	s.families = map[uint64]*tokenFamily{}
	s.assertions = assertionLog{}
	s.devices = map[string][]string{}
	s.unknownLogins = map[string]*unknownLogin{}
	s.preLogin = preLoginSessions{limits: s.preLogin.limits}
}

// Now is the store's clock.
func (s *Store) Now() time.Time { return s.now() }

// nextID returns a fresh ID for the object; s.mu must be held.
func (s *Store) nextID(object string) string {
	s.serial++
	prefix, ok := sfid.KeyPrefixes[object]
	if !ok {
		prefix = "a00"
	}
	return sfid.New(prefix, s.serial)
}

// Org returns the org with the given 15- or 18-character ID.
func (s *Store) Org(id string) (Org, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.orgs[sfid.To18(id)]
	if !ok {
		return Org{}, fmt.Errorf("store: org %s: %w", id, ErrNotFound)
	}
	return o.Org, nil
}

// Orgs returns every org, ordered by ID.
func (s *Store) Orgs() []Org {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Org, 0, len(s.orgs))
	for _, o := range s.orgs {
		out = append(out, o.Org)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// User returns the user with the given ID.
func (s *Store) User(id string) (User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, ok := s.users[sfid.To18(id)]
	if !ok {
		return User{}, fmt.Errorf("store: user %s: %w", id, ErrNotFound)
	}
	return *u, nil
}

// UserByUsername returns the user with the given username, ignoring case as
// Salesforce does.
func (s *Store) UserByUsername(username string) (User, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byName[usernameKey(username)]
	if !ok {
		return User{}, fmt.Errorf("store: user %q: %w", username, ErrNotFound)
	}
	return *s.users[id], nil
}

// Users returns the users of an org, ordered by ID.
func (s *Store) Users(orgID string) []User {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []User
	for _, u := range s.users {
		if u.OrgID == orgID {
			out = append(out, *u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Authenticate checks a username and password. After maxFailures
// consecutive failures (0 means never) the user is locked out for the
// store's lock-out period (SetLoginLockout) or until an admin unlocks it,
// and even the right password fails with ErrLockedOut. An unknown username
// is locked out after as many failures, for as long, so the answers do not
// tell which usernames exist.
func (s *Store) Authenticate(username, password string, maxFailures int) (User, error) {
	return s.authenticate(username, password, maxFailures, func(u *User) error {
		if subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) != 1 || !u.Active {
			return ErrInvalidLogin
		}
		return nil
	})
}

// authenticate is Authenticate and AuthenticateAPI: it finds the user,
// refuses one locked out, and counts check's refusals of the secret
// towards the lock-out (a success resets the count). An unknown username
// has its failures counted too (lockout.go).
func (s *Store) authenticate(username, secret string, maxFailures int, check func(u *User) error) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.lockoutLocked(maxFailures)
	id, ok := s.byName[usernameKey(username)]
	if !ok {
		// Compare anyway so an unknown user costs the same as a known one.
		subtle.ConstantTimeCompare([]byte(secret), []byte(secret))
		return User{}, s.unknownLoginFailedLocked(usernameKey(username), l)
	}
	u := s.users[id]
	l.now = s.nowIn(u.OrgID)
	if l.locked(&u.FailedLogins, &u.LockedAt) {
		return User{}, ErrLockedOut
	}
	if err := check(u); err != nil {
		if l.fail(&u.FailedLogins, &u.LockedAt) {
			return User{}, ErrLockedOut
		}
		return User{}, err
	}
	u.FailedLogins, u.LockedAt = 0, time.Time{}
	return *u, nil
}

// usernameKey is the form a username is kept and found by: Salesforce
// ignores its case, and the store the spaces around it.
func usernameKey(username string) string { return strings.ToLower(strings.TrimSpace(username)) }

// randomString returns n characters drawn uniformly from alphabet (of at
// most 256). It reads crypto/rand once for the whole string and drops the
// bytes at or above the largest multiple of len(alphabet) below 256, so
// every character is as likely as another.
func randomString(n int, alphabet string) string { return prefixedRandom("", n, alphabet) }

// prefixedRandom is prefix followed by randomString(n, alphabet), made in
// one allocation of the string (and one of the random bytes): the store
// makes one for every token it issues.
func prefixedRandom(prefix string, n int, alphabet string) string {
	k := len(alphabet)
	limit := 256 - 256%k
	var out strings.Builder
	out.Grow(len(prefix) + n)
	out.WriteString(prefix)
	// A little more than n bytes: few are dropped (at most 6 in 256 for
	// 62 characters), and a short read is topped up below.
	buf := make([]byte, n+n/8+8)
	for left := n; left > 0; {
		if _, err := rand.Read(buf); err != nil {
			panic("store: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit {
				out.WriteByte(alphabet[int(b)%k])
				if left--; left == 0 {
					break
				}
			}
		}
	}
	return out.String()
}

const (
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	tokenChars = alnum + "._"
	digits     = "0123456789"
	upperHex   = "0123456789ABCDEF"
)

// UpdateUser changes a user through fn, atomically; ID, org and username
// cannot change. Deactivating a user keeps its tokens, which then fail.
func (s *Store) UpdateUser(id string, fn func(*User)) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[sfid.To18(id)]
	if !ok {
		return User{}, fmt.Errorf("store: user %s: %w", id, ErrNotFound)
	}
	c := *u
	fn(&c)
	c.ID, c.OrgID, c.Username = u.ID, u.OrgID, u.Username
	*u = c
	return c, nil
}

// Unlock clears a user's failed-login count, as an admin's Unlock does.
func (s *Store) Unlock(username string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.byName[usernameKey(username)]
	if !ok {
		return fmt.Errorf("store: user %q: %w", username, ErrNotFound)
	}
	s.users[id].FailedLogins, s.users[id].LockedAt = 0, time.Time{}
	return nil
}
