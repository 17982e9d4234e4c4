// Package mocksf is a fake Salesforce for end-to-end tests of OAuth
// integrations: Setup pages for connected apps, login with identity
// verification by emailed code, the Allow Access page, the OAuth 2.0,
// OpenID Connect and identity endpoints, SOAP login, and the REST and Bulk
// API 2.0 resources a sync client uses, with Salesforce's wire formats
// (see shared/docs/salesforce-reference.md), and a test-control API under
// /__mocksf/ (package control).
//
// A Server is an http.Handler; cmd/mocksf serves one on a real port.
package mocksf

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sfharness/sfharness/internal/defaults"

	"github.com/sfharness/sfharness/mocksf/clock"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/instance"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/oauth"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/soap"
	"github.com/sfharness/sfharness/mocksf/store"
	"github.com/sfharness/sfharness/mocksf/web"
)

// Config's defaults: what a zero field means, in one place. cmd/mocksf's
// flags name them rather than spell them again.
const (
	// DefaultInstanceHosts is InstanceHosts' default: one instance host
	// for all orgs.
	DefaultInstanceHosts = string(instance.Shared)
	// DefaultVerificationCodeLength is VerificationCodeLength's default:
	// recent Salesforce's 6 digits (older orgs sent 5, reference §2.2).
	DefaultVerificationCodeLength = 6
	// DefaultVerificationCodeTTL is VerificationCodeTTL's default
	// (unconfirmed, §14).
	DefaultVerificationCodeTTL = 10 * time.Minute
	// DefaultMaxVerificationAttempts is MaxVerificationAttempts' default
	// (unconfirmed, §14).
	DefaultMaxVerificationAttempts = 5
	// DefaultMaxVerificationCodes is MaxVerificationCodes' default:
	// Salesforce lets a user request no more than 5 codes in an hour (SMS
	// Identity Verification; One-Time Password (OTP) Behavior gives "5 new
	// OTP requests per hour" for its email codes too).
	DefaultMaxVerificationCodes = 5
	// DefaultMaxVerificationFailures is MaxVerificationFailures' default:
	// two codes' worth of wrong tries (Salesforce's count is unconfirmed;
	// its lock-out is documented, not its threshold).
	DefaultMaxVerificationFailures = 10
	// DefaultVerificationWindow is VerificationWindow's default: the hour
	// of Salesforce's caps on codes and of its verification lock-out,
	// "automatically unlocked after approximately one hour".
	DefaultVerificationWindow = time.Hour
	// DefaultMaxLoginFailures is MaxLoginFailures' default, Salesforce's
	// default password policy.
	DefaultMaxLoginFailures = 10
	// DefaultLoginLockout is LoginLockout's default, Salesforce's default
	// "Lockout effective period" of 15 minutes (Password Policies).
	DefaultLoginLockout = store.DefaultLoginLockout
	// DefaultAuthCodeTTL is AuthCodeTTL's default, Salesforce's commonly
	// quoted 15 minutes (unconfirmed, §14).
	DefaultAuthCodeTTL = 15 * time.Minute
	// DefaultNewestAPIVersion is NewestAPIVersion's default.
	DefaultNewestAPIVersion = rest.DefaultNewestVersion
	// DefaultIDTokenTTL is IDTokenTTL's default, the 120 seconds of
	// Salesforce's ID tokens (reference §4.4).
	DefaultIDTokenTTL = oauth.DefaultIDTokenTTL
	// DefaultMaxAccessTokensPerLogin is MaxAccessTokensPerLogin's
	// default (mocksf's bound; Salesforce documents none).
	DefaultMaxAccessTokensPerLogin = store.DefaultMaxAccessPerFamily
	// DefaultJournalSize is JournalSize's default.
	DefaultJournalSize = control.DefaultJournalSize
	// DefaultMaxRecordsPerOrg is MaxRecordsPerOrg's default: five times
	// the most a seed may generate, about 1.1 GiB of mocksf's memory per
	// full org (measured: each 200,000 Leads generated through the control
	// API add about 190 MiB of RSS).
	DefaultMaxRecordsPerOrg = 1_000_000
	// DefaultSOAPRetiredLoginFault is SOAPRetiredLoginFault's default,
	// as Salesforce was seen answering at 65.0.
	DefaultSOAPRetiredLoginFault = soap.RetiredLoginInvalidOperation
	// DefaultMaxAuthorizeURI is MaxAuthorizeURI's default, in bytes.
	DefaultMaxAuthorizeURI = oauth.DefaultMaxAuthorizeURI
	// DefaultMaxPreLoginSessions, DefaultMaxPreLoginBytes and
	// DefaultPreLoginTimeout are PreLogin's defaults.
	DefaultMaxPreLoginSessions = store.DefaultMaxPreLoginSessions
	DefaultMaxPreLoginBytes    = store.DefaultMaxPreLoginBytes
	DefaultPreLoginTimeout     = store.DefaultPreLoginTimeout
	// DefaultQueryCursorsPerUser and DefaultQueryCursorIdle are
	// QueryCursors' defaults.
	DefaultQueryCursorsPerUser = rest.DefaultCursorsPerUser
	DefaultQueryCursorIdle     = rest.DefaultCursorIdle
)

// Config configures a Server. Zero values take the defaults above.
type Config struct {
	// BaseURL is where the server is reachable, e.g. "http://127.0.0.1:8080".
	// It is the login host and the identity URL's host. Required.
	BaseURL string
	// InstanceURL is the orgs' shared instance (My Domain) host, returned
	// as instance_url when InstanceHosts is "shared"; the identity URL
	// stays on BaseURL, as Salesforce's stays on login.salesforce.com.
	// Flows Salesforce serves only on My Domain (client credentials)
	// answer only on instance hosts. Default: BaseURL with 127.0.0.1
	// replaced by localhost (the same listener under another name), else
	// BaseURL itself.
	InstanceURL string
	// InstanceHosts is how orgs get instance hosts: "shared" (default),
	// one for all, InstanceURL; or "per-org", a loopback listener of its
	// own for each org on a free port, on BaseURL's host name, named with
	// InstanceURL's (see package instance). Salesforce gives each org its
	// own My Domain; "per-org" lets tests tell them apart.
	InstanceHosts string
	// APIOnLoginHost serves the REST API on the login host too. By
	// default it answers only on instance hosts, and a bearer token on
	// the login host gets 401 INVALID_SESSION_ID, so that a client that
	// calls the login URL instead of instance_url fails here as it does
	// against Salesforce. (When InstanceURL is BaseURL, one host is both.)
	APIOnLoginHost bool
	// Seed is a seed document (YAML, see README); nil loads the embedded
	// default org with an admin and a sync user.
	Seed []byte
	// SMTPAddr is the SMTP server (host:port) mail is relayed to. Empty
	// starts an embedded SMTP receiver on a free loopback port.
	SMTPAddr string
	// Clock is the base time source; default time.Now. mocksf reads the
	// time from its own clock (Server.Clock), which follows this one
	// until a test moves it through POST /__mocksf/clock.
	Clock func() time.Time
	// VerificationCodeLength is the digits in an emailed code, 4 to 10
	// (identity.CheckCodeLength).
	VerificationCodeLength int
	// VerificationCodeTTL is how long an emailed code is valid.
	VerificationCodeTTL time.Duration
	// MaxVerificationAttempts is how many wrong codes are allowed before a
	// new one must be requested.
	MaxVerificationAttempts int
	// MaxVerificationCodes caps the codes mailed to a user within
	// VerificationWindow, Resend Code and new logins included; past it
	// the page says so and no mail is sent. Negative: no cap.
	MaxVerificationCodes int
	// MaxVerificationFailures locks a user's verification for
	// VerificationWindow after that many wrong codes in all within it,
	// across codes and sessions: every code, even the right one, and
	// Resend Code are refused. Negative: never.
	MaxVerificationFailures int
	// VerificationWindow is how long those two count, from the last code
	// sent or wrong code typed, and how long the lock lasts, on mocksf's
	// clock.
	VerificationWindow time.Duration
	// MaxLoginFailures locks a user out after that many wrong passwords.
	MaxLoginFailures int
	// LoginLockout is how long such a lock-out lasts on mocksf's clock;
	// negative: until an admin unlocks the user (Salesforce's "Forever").
	// Unknown usernames are locked out alike, so that the login page does
	// not tell them from real ones.
	LoginLockout time.Duration
	// AuthCodeTTL is an authorization code's lifetime.
	AuthCodeTTL time.Duration
	// AppActivationDelay is how long a new connected app answers
	// invalid_client_id; default 0 (Salesforce: "up to 10 minutes").
	AppActivationDelay time.Duration
	// NewestAPIVersion is the newest REST API version served.
	NewestAPIVersion string
	// IDTokenTTL is an OpenID Connect ID token's lifetime.
	IDTokenTTL time.Duration
	// Logger receives mocksf's logs; default discards them.
	Logger *slog.Logger
	// ControlToken, when set, opens the test-control API under
	// /__mocksf/ to requests with "Authorization: Bearer <token>" from
	// anywhere, and to no others; when empty, only loopback clients may
	// use it. /__mocksf/health is always open.
	ControlToken string
	// JournalSize is how many requests GET /__mocksf/requests keeps.
	JournalSize int
	// ExternalClientAppPasswordFlow lets External Client Apps use the
	// username-password flow in orgs that allow it. Off by default,
	// since vendor guides say they do not support it (unconfirmed by
	// Salesforce's own pages): the flow then fails as in an org that
	// disallows it (docs/mocksf-oauth.md).
	ExternalClientAppPasswordFlow bool
	// SecurityTokenFromLoopback makes loopback clients untrusted: SOAP
	// login() and the username-password flow from them need the user's
	// security token after the password, as from any address outside the
	// org's trustedIpRanges. Off by default, so tests on loopback log in
	// with the password alone, as from a trusted office network.
	SecurityTokenFromLoopback bool
	// KeepTokensOnCodeReplay makes a replayed authorization code only
	// fail; by default it also revokes the tokens the code issued (RFC
	// 6749 §4.1.2's SHOULD; Salesforce's behaviour unconfirmed).
	KeepTokensOnCodeReplay bool
	// KeepTokensOnRefreshReplay makes a refresh token that rotation
	// retired only fail; by default it also revokes the token that took
	// its place and the login's access tokens (RFC 9700 §4.14.2;
	// Salesforce's behaviour unconfirmed).
	KeepTokensOnRefreshReplay bool
	// AllowJWTReplay accepts a JWT bearer assertion more than once
	// before its exp; by default a second use is refused (RFC 7523 §3;
	// Salesforce documents neither).
	AllowJWTReplay bool
	// MaxAccessTokensPerLogin is how many access tokens one login (a
	// refresh token and those rotation put in its place) keeps; a refresh
	// past it revokes the login's oldest (docs/security.md, "Bounds").
	MaxAccessTokensPerLogin int
	// UserInfoOnlyOAuthToken makes /services/oauth2/userinfo refuse
	// ?access_token= (RFC 6750's query form); by default it is accepted
	// with the documented header and oauth_token (unconfirmed either way).
	UserInfoOnlyOAuthToken bool
	// SOAPRetiredLoginFault is what SOAP login() past 64.0 answers:
	// "INVALID_OPERATION" (default, as Salesforce was seen answering at
	// 65.0) or "UNSUPPORTED_API_VERSION".
	SOAPRetiredLoginFault string
	// MaxRecordsPerOrg caps the records an org may hold, all objects
	// and deleted ones included: past it, REST and Bulk API creates fail
	// with STORAGE_LIMIT_EXCEEDED, as in a Salesforce org whose data
	// storage is full, and POST /__mocksf/orgs/{id}/records with 409. A
	// seed is never cut short. Zero means DefaultMaxRecordsPerOrg;
	// negative, no cap.
	MaxRecordsPerOrg int
	// Bulk configures Bulk API 2.0: how long closed jobs take to show
	// InProgress and JobComplete on mocksf's clock (default 0 each), and
	// the caps on uploads and on what an org's jobs keep
	// (docs/mocksf-rest.md, "Bulk API 2.0").
	Bulk rest.BulkSettings
	// MaxAuthorizeURI is the longest authorize request URI served, in
	// bytes; a longer one gets 414 and is kept nowhere (docs/security.md,
	// "Bounds").
	MaxAuthorizeURI int
	// PreLogin bounds the browser sessions nobody has logged in to yet,
	// which any request without a cookie makes: how many, how many bytes
	// of pending requests they hold, and their timeout; the oldest are
	// evicted first (docs/security.md, "Bounds").
	PreLogin store.PreLoginLimits
	// QueryCursors bounds the query cursors nextRecordsUrl pages
	// through: how many per user (the oldest released beyond) and how
	// long an unused one lives (docs/mocksf-rest.md).
	QueryCursors rest.CursorLimits
}

func (c *Config) setDefaults() {
	c.BaseURL = strings.TrimSuffix(c.BaseURL, "/")
	if c.InstanceURL == "" {
		c.InstanceURL = defaultInstanceURL(c.BaseURL)
	}
	c.InstanceURL = strings.TrimSuffix(c.InstanceURL, "/")
	if c.Clock == nil {
		c.Clock = time.Now
	}
	defaults.Zero(&c.VerificationCodeLength, DefaultVerificationCodeLength)
	defaults.Zero(&c.VerificationCodeTTL, DefaultVerificationCodeTTL)
	defaults.Zero(&c.MaxVerificationAttempts, DefaultMaxVerificationAttempts)
	defaults.Zero(&c.MaxVerificationCodes, DefaultMaxVerificationCodes)
	defaults.Zero(&c.MaxVerificationFailures, DefaultMaxVerificationFailures)
	defaults.Positive(&c.VerificationWindow, DefaultVerificationWindow)
	defaults.Zero(&c.MaxLoginFailures, DefaultMaxLoginFailures)
	defaults.Zero(&c.LoginLockout, DefaultLoginLockout)
	defaults.Zero(&c.AuthCodeTTL, DefaultAuthCodeTTL)
	defaults.Zero(&c.NewestAPIVersion, DefaultNewestAPIVersion)
	defaults.Positive(&c.IDTokenTTL, DefaultIDTokenTTL)
	defaults.Positive(&c.MaxAccessTokensPerLogin, DefaultMaxAccessTokensPerLogin)
	defaults.Positive(&c.JournalSize, DefaultJournalSize)
	defaults.Zero(&c.MaxRecordsPerOrg, DefaultMaxRecordsPerOrg)
	defaults.Positive(&c.MaxAuthorizeURI, DefaultMaxAuthorizeURI)
	defaults.Positive(&c.PreLogin.MaxSessions, DefaultMaxPreLoginSessions)
	defaults.Positive(&c.PreLogin.MaxBytes, DefaultMaxPreLoginBytes)
	defaults.Positive(&c.PreLogin.Timeout, DefaultPreLoginTimeout)
	defaults.Positive(&c.QueryCursors.PerUser, DefaultQueryCursorsPerUser)
	defaults.Positive(&c.QueryCursors.Idle, DefaultQueryCursorIdle)
	defaults.Zero(&c.SOAPRetiredLoginFault, DefaultSOAPRetiredLoginFault)
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Server is a running fake Salesforce.
type Server struct {
	cfg      Config
	store    *store.Store
	mailer   *mail.Mailer
	receiver *mail.Receiver // nil when mail is relayed to SMTPAddr
	handler  http.Handler
	// clock is the time every part of mocksf reads; tests move it.
	clock *clock.Clock
	// seed is what POST /__mocksf/reset goes back to, with the consumer
	// keys and secrets first generated for it.
	seed store.Seed
	// hosts are the orgs' instance hosts, with their listeners in
	// per-org mode.
	hosts *instance.Hosts
}

// New builds a server from cfg: it loads the seed and, unless SMTPAddr is
// set, starts the embedded SMTP receiver. Close releases both.
func New(cfg Config) (*Server, error) {
	cfg.setDefaults()
	if err := soap.CheckRetiredLoginFault(cfg.SOAPRetiredLoginFault); err != nil {
		return nil, fmt.Errorf("mocksf: SOAPRetiredLoginFault %w", err)
	}
	if err := identity.CheckCodeLength(cfg.VerificationCodeLength); err != nil {
		return nil, fmt.Errorf("mocksf: VerificationCodeLength %w", err)
	}
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("mocksf: BaseURL is required")
	}
	seedDoc := cfg.Seed
	if seedDoc == nil {
		seedDoc = store.DefaultSeed()
	}
	seed, err := store.ParseSeed(seedDoc)
	if err != nil {
		return nil, fmt.Errorf("mocksf: %w", err)
	}
	clk := clock.New(cfg.Clock)
	st := store.New(clk.Now)
	st.SetMaxAccessPerFamily(cfg.MaxAccessTokensPerLogin)
	st.SetMaxRecords(cfg.MaxRecordsPerOrg)
	st.SetLoginLockout(cfg.LoginLockout)
	st.SetPreLoginLimits(cfg.PreLogin)
	seeded, err := st.Apply(seed)
	if err != nil {
		return nil, fmt.Errorf("mocksf: %w", err)
	}
	mode, err := instance.ParseMode(cfg.InstanceHosts)
	if err != nil {
		return nil, fmt.Errorf("mocksf: %w", err)
	}
	hosts, err := instance.New(mode, cfg.BaseURL, cfg.InstanceURL, cfg.Logger)
	if err != nil {
		return nil, fmt.Errorf("mocksf: %w", err)
	}
	s := &Server{cfg: cfg, store: st, clock: clk, seed: seed.WithKeys(seeded), hosts: hosts}
	smtpAddr := cfg.SMTPAddr
	if smtpAddr == "" {
		s.receiver, err = mail.StartReceiver("127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("mocksf: %w", err)
		}
		smtpAddr = s.receiver.Addr()
	}
	s.mailer = mail.NewMailer(smtpAddr, clk.Now)
	verifier := &identity.Verifier{
		Store: st, Mailer: s.mailer, CodeLength: cfg.VerificationCodeLength,
		CodeTTL: cfg.VerificationCodeTTL, MaxAttempts: cfg.MaxVerificationAttempts,
		MaxCodes: max(cfg.MaxVerificationCodes, 0), MaxFailures: max(cfg.MaxVerificationFailures, 0),
		Window: cfg.VerificationWindow,
	}
	s.handler = s.routes(web.NewPages(), verifier)
	hosts.Serve(s.handler)
	return s, nil
}

// ServeHTTP serves every route of mocksf.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Store is the server's state, for tests in Go.
func (s *Server) Store() *store.Store { return s.store }

// Clock is the server's clock, which tests move instead of sleeping.
func (s *Server) Clock() *clock.Clock { return s.clock }

// Mailer is the server's outgoing mail, with copies of what it sent.
func (s *Server) Mailer() *mail.Mailer { return s.mailer }

// SMTPAddr is where the server delivers mail.
func (s *Server) SMTPAddr() string {
	if s.receiver != nil {
		return s.receiver.Addr()
	}
	return s.cfg.SMTPAddr
}

// Close stops the orgs' own instance listeners, hangs up the mailer's
// kept SMTP connections and stops the embedded SMTP receiver, if any.
func (s *Server) Close() error {
	err := errors.Join(s.hosts.Close(), s.mailer.Close())
	if s.receiver != nil {
		err = errors.Join(err, s.receiver.Close())
	}
	return err
}

// collapseSlashes turns "//services/data" into "/services/data": some
// clients join an instance URL that ends in "/" with a path that starts
// with one, and Salesforce serves them.
func collapseSlashes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "//") {
			p := r.URL.Path
			for strings.Contains(p, "//") {
				p = strings.ReplaceAll(p, "//", "/")
			}
			r.URL.Path = p
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}

// recoverPanics turns a handler panic into a Salesforce-shaped 500 instead
// of a dropped connection, and logs it.
func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("mocksf: panic", "path", r.URL.Path, "panic", v)
					rest.WriteUnexpected(w)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// secureResponses sets what every answer of mocksf carries for the
// browser's safety, fault-rule answers and the control API's included:
// X-Content-Type-Options: nosniff, as Salesforce's answers do, so that a
// browser never runs a JSON or CSV body as script or style; and, when
// mocksf is reached over https (an https -public-url behind a proxy),
// the Secure attribute on every cookie it sets, as Salesforce's session
// cookies have, so that no http hop can read the session.
func secureResponses(secureCookies bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Content-Type-Options", "nosniff")
			if !secureCookies {
				next.ServeHTTP(w, r)
				return
			}
			sw := &secureCookieWriter{ResponseWriter: w}
			next.ServeHTTP(sw, r)
			// A handler that wrote nothing leaves its headers for
			// net/http to send after this returns.
			sw.markSecure()
		})
	}
}

// secureCookieWriter adds Secure to the cookies of an answer just before
// its headers go out, whichever handler set them.
type secureCookieWriter struct {
	http.ResponseWriter
	sent bool
}

func (w *secureCookieWriter) markSecure() {
	if w.sent {
		return
	}
	w.sent = true
	cookies := w.Header()["Set-Cookie"]
	for i, c := range cookies {
		if !hasSecure(c) {
			cookies[i] = c + "; Secure"
		}
	}
}

// hasSecure reports whether a Set-Cookie value has the Secure attribute.
func hasSecure(setCookie string) bool {
	for _, attr := range strings.Split(setCookie, ";")[1:] {
		if strings.EqualFold(strings.TrimSpace(attr), "Secure") {
			return true
		}
	}
	return false
}

func (w *secureCookieWriter) WriteHeader(code int) {
	w.markSecure()
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureCookieWriter) Write(b []byte) (int, error) {
	w.markSecure()
	return w.ResponseWriter.Write(b)
}

// Flush passes a flush on, for handlers that stream.
func (w *secureCookieWriter) Flush() {
	w.markSecure()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection beneath.
func (w *secureCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// defaultInstanceURL names the login listener differently for the instance
// host when it is 127.0.0.1: localhost reaches the same listener, but
// mocksf can tell the two hosts apart by the Host header.
func defaultInstanceURL(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return base
	}
	port := u.Port()
	u.Host = "localhost"
	if port != "" {
		u.Host += ":" + port
	}
	return u.String()
}

// InstanceURL is the shared instance host: every org's instance_url in
// "shared" mode. In "per-org" mode use InstanceURLOf.
func (s *Server) InstanceURL() string { return s.cfg.InstanceURL }

// InstanceURLOf is an org's instance URL, the instance_url of its tokens;
// in "per-org" mode its listener opens now if it has not yet.
func (s *Server) InstanceURLOf(orgID string) string { return s.hosts.URL(orgID) }

// IsInstanceHost reports whether a Host header names an instance host
// of this server: the shared one in "shared" mode, an org's own in
// "per-org" mode.
func (s *Server) IsInstanceHost(host string) bool {
	_, ok := s.hosts.At(host)
	return ok
}
