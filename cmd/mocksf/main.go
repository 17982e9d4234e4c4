// Command mocksf serves a fake Salesforce for end-to-end tests of OAuth
// integrations. It prints "mocksf listening on http://HOST:PORT" once it
// accepts requests.
//
//	mocksf [-addr 127.0.0.1:8080] [-public-url URL] [-seed orgs.yaml] [-smtp host:port]
//	       [-control-token TOKEN] [-instance-hosts shared|per-org] [-read-header-timeout 10s] [-v]
//	       [-code-length 6] [-max-verification-codes 5] [-max-verification-failures 10]
//	       [-verification-window 1h] [-login-lockout 15m] [-app-activation-delay 0s] [-api-on-login-host]
//	       [-eca-password-flow] [-security-token-from-loopback] [-keep-tokens-on-code-replay]
//	       [-keep-tokens-on-refresh-replay] [-allow-jwt-replay] [-max-access-tokens-per-login 100]
//	       [-userinfo-only-oauth-token] [-soap-retired-login-fault INVALID_OPERATION|UNSUPPORTED_API_VERSION]
//	       [-bulk-queue-delay 0s] [-bulk-processing-delay 0s] [-bulk-max-upload BYTES]
//	       [-bulk-max-jobs N] [-bulk-max-stored BYTES] [-max-records-per-org 1000000]
//	       [-max-authorize-uri 16384] [-max-prelogin-sessions 10000] [-max-prelogin-bytes BYTES]
//	       [-prelogin-session-timeout 2h] [-max-query-cursors 10] [-query-cursor-idle 15m]
//
// mocksf -h describes each flag. The first two lines say where and how it
// serves; the next four choose which of Salesforce's documented
// behaviours it shows (emailed codes and their caps, the password
// lock-out, new connected apps, the REST API's hosts, the OAuth flows and
// SOAP login); the next two set Bulk API 2.0's delays and limits and the
// records an org may hold; the last two bound what clients can make
// mocksf keep (docs/security.md, "Bounds").
//
// On SIGINT or SIGTERM it stops accepting connections and waits up to 10
// seconds for the requests in flight to finish. Its server timeouts keep
// a slow or idle client from holding a connection: headers must arrive
// within -read-header-timeout, a request within 30s, an answer may take
// 60s (more than the 30s long-poll of /__mocksf/mail?wait=), and an idle
// keep-alive connection is closed after 120s.
//
// Its test-control API under /__mocksf/ (docs/mocksf-control.md) answers
// only loopback clients, or with -control-token only requests that carry
// that bearer token. mocksf is a test tool: never expose it to the
// internet.
//
// On -addr 0.0.0.0:PORT (or [::]:PORT) its URLs, and the listening line,
// name the machine's host name, since http://[::]:PORT reaches nothing
// from elsewhere (-public-url overrides them), and listening beyond
// loopback it warns on stderr that its pages are reachable from other
// machines, and whether the control API is.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/sfharness/sfharness/internal/httpserve"
	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/rest"
	"github.com/sfharness/sfharness/mocksf/soap"
	"github.com/sfharness/sfharness/mocksf/store"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can run it on port 0: args is the
// command line with the program's name first, getenv the environment
// (mocksf reads none today). It serves until ctx is done or a SIGINT or
// SIGTERM arrives.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) > 0 {
		args = args[1:]
	}
	fs := flag.NewFlagSet("mocksf", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "`HOST:PORT` to listen on (port 0 picks a free one)")
	seedFile := fs.String("seed", "", "YAML `FILE` with orgs, users, connected apps and records (default: one org, an admin and a sync user)")
	smtpAddr := fs.String("smtp", "", "relay mail to the SMTP server at `HOST:PORT` instead of the embedded receiver")
	publicURL := fs.String("public-url", "", "`URL` clients reach mocksf at, if not http://ADDR")
	codeLen := fs.Int("code-length", mocksf.DefaultVerificationCodeLength, "digits in an emailed verification code, 4 to 10")
	activation := fs.Duration("app-activation-delay", 0, "how long a new connected app answers invalid_client_id")
	maxCodes := fs.Int("max-verification-codes", mocksf.DefaultMaxVerificationCodes, "verification codes mailed to a user within -verification-window, Resend Code included; then \"We can't send you a verification code right now\" (negative: no cap)")
	maxCodeFailures := fs.Int("max-verification-failures", mocksf.DefaultMaxVerificationFailures, "wrong verification codes a user may type within -verification-window, across codes and sessions, before verification is locked for that long (negative: never)")
	verificationWindow := fs.Duration("verification-window", mocksf.DefaultVerificationWindow, "how long -max-verification-codes and -max-verification-failures count, from the last code or wrong code, and how long the lock lasts, on mocksf's clock")
	loginLockout := fs.Duration("login-lockout", mocksf.DefaultLoginLockout, "how long a user (or an unknown username) stays locked out after 10 wrong passwords in a row, on mocksf's clock; negative: until unlocked through the control API")
	verbose := fs.Bool("v", false, "log requests and errors to stderr")
	controlToken := fs.String("control-token", "", "open the /__mocksf/ control API to requests with \"Authorization: Bearer `TOKEN`\" only (default: loopback clients only)")
	instanceHosts := fs.String("instance-hosts", mocksf.DefaultInstanceHosts, "`MODE` of the orgs' instance (My Domain) hosts: shared (one, localhost:PORT, for all orgs) or per-org (a listener on a free port for each org)")
	apiOnLogin := fs.Bool("api-on-login-host", false, "serve the REST API on the login host too (default: only on instance hosts, where instance_url points)")
	ecaPasswordFlow := fs.Bool("eca-password-flow", false, "let External Client Apps use the username-password flow where the org allows it (default: refused, as vendor guides say Salesforce does)")
	tokenFromLoopback := fs.Bool("security-token-from-loopback", false, "make loopback clients untrusted, so SOAP login and the username-password flow need the security token after the password (default: loopback is trusted)")
	keepOnReplay := fs.Bool("keep-tokens-on-code-replay", false, "a replayed authorization code only fails (default: it also revokes the tokens the code issued)")
	keepOnRefreshReplay := fs.Bool("keep-tokens-on-refresh-replay", false, "a refresh token that rotation retired only fails (default: it also revokes the refresh token that replaced it and the login's access tokens)")
	allowJWTReplay := fs.Bool("allow-jwt-replay", false, "accept a JWT bearer assertion more than once before its exp (default: a second use is refused)")
	maxAccessPerLogin := fs.Int("max-access-tokens-per-login", mocksf.DefaultMaxAccessTokensPerLogin, "access tokens one login (a refresh token and its rotations) keeps; a refresh past it revokes the oldest")
	userInfoOnlyOAuthToken := fs.Bool("userinfo-only-oauth-token", false, "refuse ?access_token= at /services/oauth2/userinfo (default: accepted with the header and oauth_token)")
	retiredLogin := fs.String("soap-retired-login-fault", mocksf.DefaultSOAPRetiredLoginFault, "`CODE` SOAP login() answers past API 64.0: INVALID_OPERATION or UNSUPPORTED_API_VERSION")
	readHeaderTimeout := fs.Duration("read-header-timeout", httpserve.DefaultReadHeaderTimeout, "how long a client may take to send a request's headers before mocksf closes the connection")
	bulkQueue := fs.Duration("bulk-queue-delay", 0, "how long a closed Bulk API 2.0 job reads UploadComplete before InProgress, on mocksf's clock")
	bulkProcessing := fs.Duration("bulk-processing-delay", 0, "how long a Bulk API 2.0 job reads InProgress before JobComplete or Failed, on mocksf's clock")
	bulkUpload := fs.Int64("bulk-max-upload", 0, "largest Bulk API 2.0 job data in `BYTES` (default 32 MiB)")
	bulkJobs := fs.Int("bulk-max-jobs", 0, "Bulk API 2.0 jobs an org may keep (default 500)")
	maxRecords := fs.Int("max-records-per-org", mocksf.DefaultMaxRecordsPerOrg, "records an org may hold, deleted ones included, before creates fail with STORAGE_LIMIT_EXCEEDED (-1: no cap)")
	bulkStored := fs.Int64("bulk-max-stored", 0, "`BYTES` of data and results an org's Bulk API 2.0 jobs may keep (default 128 MiB)")
	maxAuthorizeURI := fs.Int("max-authorize-uri", mocksf.DefaultMaxAuthorizeURI, "longest authorize request URI in `BYTES`; a longer one gets 414 (Salesforce's documented URI limit)")
	preLoginSessions := fs.Int("max-prelogin-sessions", mocksf.DefaultMaxPreLoginSessions, "browser sessions not yet logged in kept at once, the oldest evicted beyond")
	preLoginBytes := fs.Int64("max-prelogin-bytes", mocksf.DefaultMaxPreLoginBytes, "`BYTES` those sessions may hold in all (1 KiB each plus their pending authorization requests), the oldest evicted beyond")
	preLoginTimeout := fs.Duration("prelogin-session-timeout", mocksf.DefaultPreLoginTimeout, "how long an unused browser session not yet logged in lives, on mocksf's clock")
	cursorsPerUser := fs.Int("max-query-cursors", mocksf.DefaultQueryCursorsPerUser, "query cursors (nextRecordsUrl) one user keeps; one more releases the user's oldest")
	cursorIdle := fs.Duration("query-cursor-idle", mocksf.DefaultQueryCursorIdle, "how long an unused query cursor lives, on mocksf's clock")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h or -help: the usage is printed, which is all that was asked
		}
		return err
	}
	if err := soap.CheckRetiredLoginFault(*retiredLogin); err != nil {
		return fmt.Errorf("mocksf: -soap-retired-login-fault %w", err)
	}
	if err := identity.CheckCodeLength(*codeLen); err != nil {
		return fmt.Errorf("mocksf: -code-length %w", err)
	}
	var seed []byte
	if *seedFile != "" {
		b, err := os.ReadFile(*seedFile)
		if err != nil {
			return fmt.Errorf("mocksf: -seed: %w", err)
		}
		seed = b
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("mocksf: listen: %w", err)
	}
	listenURL, err := reachableURL(ln.Addr().(*net.TCPAddr), hostname)
	if err != nil {
		ln.Close()
		return fmt.Errorf("mocksf: %w", err)
	}
	base := listenURL
	if *publicURL != "" {
		base = *publicURL
	}
	if w := exposureWarning(ln.Addr().(*net.TCPAddr), base, *controlToken != ""); w != "" {
		fmt.Fprintln(stderr, w)
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	srv, err := mocksf.New(mocksf.Config{
		BaseURL: base, Seed: seed, SMTPAddr: *smtpAddr,
		VerificationCodeLength: *codeLen, AppActivationDelay: *activation, LoginLockout: *loginLockout,
		MaxVerificationCodes: *maxCodes, MaxVerificationFailures: *maxCodeFailures, VerificationWindow: *verificationWindow, ControlToken: *controlToken, InstanceHosts: *instanceHosts, APIOnLoginHost: *apiOnLogin,
		ExternalClientAppPasswordFlow: *ecaPasswordFlow, SecurityTokenFromLoopback: *tokenFromLoopback,
		KeepTokensOnCodeReplay: *keepOnReplay, KeepTokensOnRefreshReplay: *keepOnRefreshReplay, AllowJWTReplay: *allowJWTReplay,
		MaxAccessTokensPerLogin: *maxAccessPerLogin, MaxRecordsPerOrg: *maxRecords,
		UserInfoOnlyOAuthToken: *userInfoOnlyOAuthToken, SOAPRetiredLoginFault: *retiredLogin,
		Bulk: rest.BulkSettings{QueueDelay: *bulkQueue, ProcessingDelay: *bulkProcessing,
			MaxUploadBytes: *bulkUpload, MaxJobs: *bulkJobs, MaxStoredBytes: *bulkStored},
		MaxAuthorizeURI: *maxAuthorizeURI,
		PreLogin:        store.PreLoginLimits{MaxSessions: *preLoginSessions, MaxBytes: *preLoginBytes, Timeout: *preLoginTimeout},
		QueryCursors:    rest.CursorLimits{PerUser: *cursorsPerUser, Idle: *cursorIdle},
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		ln.Close()
		if *seedFile != "" {
			return seedError(*seedFile, err)
		}
		return err
	}
	defer srv.Close()
	hs := httpserve.New(srv, *readHeaderTimeout)
	err = httpserve.Run(ctx, hs, ln, func() { fmt.Fprintf(stdout, "mocksf listening on %s\n", listenURL) })
	if err != nil {
		return fmt.Errorf("mocksf: %w", err)
	}
	return nil
}

// hostname names this machine in URLs when mocksf listens on every
// interface; tests replace it.
var hostname = os.Hostname

// reachableURL is the http URL of a listener: its address, or, when it
// listens on every interface (0.0.0.0, [::]), this machine's host name,
// since http://[::]:PORT reaches nothing from another machine and is no
// usable redirect or identity URL.
func reachableURL(a *net.TCPAddr, hostname func() (string, error)) (string, error) {
	if !a.IP.IsUnspecified() {
		return "http://" + a.String(), nil
	}
	name, err := hostname()
	if err != nil || name == "" {
		return "", fmt.Errorf("listening on %s, but this machine's host name is unknown (%v): give -public-url", a, err)
	}
	return "http://" + net.JoinHostPort(name, strconv.Itoa(a.Port)), nil
}

// exposureWarning is what mocksf says on stderr when it listens beyond
// loopback: its pages, OAuth and API endpoints (and the passwords of the
// seed) are then open to the network. The test-control API stays closed
// to other machines unless -control-token is given (control.Guard): the
// warning says which. It is empty on loopback.
func exposureWarning(a *net.TCPAddr, base string, controlToken bool) string {
	if a.IP.IsLoopback() {
		return ""
	}
	control := "the test-control API under /__mocksf/ still answers only loopback clients (give -control-token TOKEN to open it to requests with that bearer token)"
	if controlToken {
		control = "the test-control API under /__mocksf/ answers any client that sends the -control-token as a bearer token"
	}
	return fmt.Sprintf("mocksf: warning: listening on %s, beyond loopback: the login, Setup and OAuth pages and the APIs are reachable from other machines as %s; %s. mocksf is a test tool: never expose it to the internet.", a, base, control)
}

var seedLine = regexp.MustCompile(`^(?:mocksf: )?(?:seed: )?(?:yaml: )?\s*line (\d+): (.*)$`)

// seedError words a seed file's errors as compilers do, one per line:
// "orgs.yaml:7: orgs[0].users[1].password is required", so editors can
// jump to them.
func seedError(file string, err error) error {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		if m := seedLine.FindStringSubmatch(l); m != nil {
			lines[i] = file + ":" + m[1] + ": " + m[2]
		} else {
			lines[i] = file + ": " + l
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
