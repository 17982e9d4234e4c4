// Command mocksf serves a fake Salesforce for end-to-end tests of OAuth
// integrations. It prints "mocksf listening on http://HOST:PORT" once it
// accepts requests.
//
//	mocksf [-addr 127.0.0.1:8080] [-public-url URL] [-seed orgs.yaml] [-smtp host:port]
//	       [-control-token TOKEN] [-instance-hosts shared|per-org] [-read-header-timeout 10s] [-v]
//	       [-code-length 6] [-app-activation-delay 0s] [-api-on-login-host]
//	       [-eca-password-flow] [-security-token-from-loopback] [-keep-tokens-on-code-replay]
//	       [-userinfo-only-oauth-token] [-soap-retired-login-fault INVALID_OPERATION|UNSUPPORTED_API_VERSION]
//	       [-bulk-queue-delay 0s] [-bulk-processing-delay 0s] [-bulk-max-upload BYTES]
//	       [-bulk-max-jobs N] [-bulk-max-stored BYTES]
//	       [-max-authorize-uri 16384] [-max-prelogin-sessions 10000] [-max-prelogin-bytes BYTES]
//	       [-prelogin-session-timeout 2h] [-max-query-cursors 10] [-query-cursor-idle 15m]
//
// mocksf -h describes each flag. The first two lines say where and how it
// serves; the next three choose which of Salesforce's documented
// behaviours it shows (emailed codes, new connected apps, the REST API's
// hosts, the OAuth flows and SOAP login); the next two set Bulk API 2.0's
// delays and limits; the last two bound what clients can make mocksf
// keep (docs/security.md, "Bounds").
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
	"strings"
	"syscall"

	"github.com/sfharness/sfharness/internal/httpserve"
	"github.com/sfharness/sfharness/mocksf"
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
	codeLen := fs.Int("code-length", mocksf.DefaultVerificationCodeLength, "digits in an emailed verification code")
	activation := fs.Duration("app-activation-delay", 0, "how long a new connected app answers invalid_client_id")
	verbose := fs.Bool("v", false, "log requests and errors to stderr")
	controlToken := fs.String("control-token", "", "open the /__mocksf/ control API to requests with \"Authorization: Bearer `TOKEN`\" only (default: loopback clients only)")
	instanceHosts := fs.String("instance-hosts", mocksf.DefaultInstanceHosts, "`MODE` of the orgs' instance (My Domain) hosts: shared (one, localhost:PORT, for all orgs) or per-org (a listener on a free port for each org)")
	apiOnLogin := fs.Bool("api-on-login-host", false, "serve the REST API on the login host too (default: only on instance hosts, where instance_url points)")
	ecaPasswordFlow := fs.Bool("eca-password-flow", false, "let External Client Apps use the username-password flow where the org allows it (default: refused, as vendor guides say Salesforce does)")
	tokenFromLoopback := fs.Bool("security-token-from-loopback", false, "make loopback clients untrusted, so SOAP login and the username-password flow need the security token after the password (default: loopback is trusted)")
	keepOnReplay := fs.Bool("keep-tokens-on-code-replay", false, "a replayed authorization code only fails (default: it also revokes the tokens the code issued)")
	userInfoOnlyOAuthToken := fs.Bool("userinfo-only-oauth-token", false, "refuse ?access_token= at /services/oauth2/userinfo (default: accepted with the header and oauth_token)")
	retiredLogin := fs.String("soap-retired-login-fault", mocksf.DefaultSOAPRetiredLoginFault, "`CODE` SOAP login() answers past API 64.0: INVALID_OPERATION or UNSUPPORTED_API_VERSION")
	readHeaderTimeout := fs.Duration("read-header-timeout", httpserve.DefaultReadHeaderTimeout, "how long a client may take to send a request's headers before mocksf closes the connection")
	bulkQueue := fs.Duration("bulk-queue-delay", 0, "how long a closed Bulk API 2.0 job reads UploadComplete before InProgress, on mocksf's clock")
	bulkProcessing := fs.Duration("bulk-processing-delay", 0, "how long a Bulk API 2.0 job reads InProgress before JobComplete or Failed, on mocksf's clock")
	bulkUpload := fs.Int64("bulk-max-upload", 0, "largest Bulk API 2.0 job data in `BYTES` (default 32 MiB)")
	bulkJobs := fs.Int("bulk-max-jobs", 0, "Bulk API 2.0 jobs an org may keep (default 500)")
	bulkStored := fs.Int64("bulk-max-stored", 0, "`BYTES` of data and results an org's Bulk API 2.0 jobs may keep (default 128 MiB)")
	maxAuthorizeURI := fs.Int("max-authorize-uri", mocksf.DefaultMaxAuthorizeURI, "longest authorize request URI in `BYTES`; a longer one gets 414 (Salesforce's documented URI limit)")
	preLoginSessions := fs.Int("max-prelogin-sessions", mocksf.DefaultMaxPreLoginSessions, "browser sessions not yet logged in kept at once, the oldest evicted beyond")
	preLoginBytes := fs.Int64("max-prelogin-bytes", mocksf.DefaultMaxPreLoginBytes, "`BYTES` those sessions may hold in all (1 KiB each plus their pending authorization requests), the oldest evicted beyond")
	preLoginTimeout := fs.Duration("prelogin-session-timeout", mocksf.DefaultPreLoginTimeout, "how long an unused browser session not yet logged in lives, on mocksf's clock")
	cursorsPerUser := fs.Int("max-query-cursors", mocksf.DefaultQueryCursorsPerUser, "query cursors (nextRecordsUrl) one user keeps; one more releases the user's oldest")
	cursorIdle := fs.Duration("query-cursor-idle", mocksf.DefaultQueryCursorIdle, "how long an unused query cursor lives, on mocksf's clock")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := soap.CheckRetiredLoginFault(*retiredLogin); err != nil {
		return fmt.Errorf("mocksf: -soap-retired-login-fault %w", err)
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
	base := "http://" + ln.Addr().String()
	if *publicURL != "" {
		base = *publicURL
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	srv, err := mocksf.New(mocksf.Config{
		BaseURL: base, Seed: seed, SMTPAddr: *smtpAddr,
		VerificationCodeLength: *codeLen, AppActivationDelay: *activation, ControlToken: *controlToken, InstanceHosts: *instanceHosts, APIOnLoginHost: *apiOnLogin,
		ExternalClientAppPasswordFlow: *ecaPasswordFlow, SecurityTokenFromLoopback: *tokenFromLoopback,
		KeepTokensOnCodeReplay: *keepOnReplay, UserInfoOnlyOAuthToken: *userInfoOnlyOAuthToken, SOAPRetiredLoginFault: *retiredLogin,
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
	err = httpserve.Run(ctx, hs, ln, func() { fmt.Fprintf(stdout, "mocksf listening on http://%s\n", ln.Addr()) })
	if err != nil {
		return fmt.Errorf("mocksf: %w", err)
	}
	return nil
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
