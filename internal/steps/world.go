package steps

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/identity"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Suite is what every scenario of a run shares: the browser and the fake
// Salesforce. Each scenario gets its own org in it, its own product and
// its own browser contexts, so scenarios run in parallel without
// cross-talk.
type Suite struct {
	BrowserCtx context.Context
	ResultsDir string
	Log        io.Writer
	// MocksfURL is the fake Salesforce all scenarios share (MOCKSF_URL, or
	// one the run started).
	MocksfURL string
	// ControlToken is the bearer token of mocksf's control API
	// (MOCKSF_CONTROL_TOKEN), for a mocksf started with -control-token.
	ControlToken string
	// ClientURL, when set (CLIENT_URL, or the profile's url), is a
	// running product every scenario uses instead of starting its own.
	ClientURL string
	// Product is the product profile (PRODUCT): where the product-side
	// steps find the product's elements and what they say.
	Product *Profile
	// MailpitURL, when set (MAILPIT_URL), is the Mailpit the steps read
	// mail from instead of mocksf's copies.
	MailpitURL string
	// KeepOrgs leaves each scenario's org in mocksf at its end (KEEP_ORGS).
	KeepOrgs bool
	// RunID makes this run's usernames unique in a mocksf that outlives it.
	RunID string
	// Trace saves a screenshot of every window after every step, not
	// only after a failed one, and films every window (trace_film.go).
	Trace bool
	// Attempt is the run's attempt at its scenarios, from 1; a retry's
	// artefacts go under attempt-N/, apart from the first attempt's.
	Attempt int

	// KeyByKey types into fields one key event a character (TYPING=keys)
	// instead of inserting the text in one call, for pages that listen
	// to keys.
	KeyByKey bool

	seq      atomic.Int64
	finished atomic.Int64 // scenarios that have ended, for a run cut short
	poolOnce sync.Once
	pool     *tabPool
}

// Warm starts opening tabs ahead for the scenarios; a suite calls it
// once its browser is up. Without it the first scenario's first tab
// starts them.
func (s *Suite) Warm() {
	s.poolOnce.Do(func() { s.pool = &tabPool{browserCtx: s.BrowserCtx, warmURL: s.MocksfURL + "/static/mocksf.css"} })
	s.pool.warm()
}

// newTab is a tab for a scenario, from the tabs opened ahead.
func (s *Suite) newTab(name string) (*Window, error) {
	s.Warm()
	win, err := s.pool.take(name)
	if err == nil {
		win.keyByKey = s.KeyByKey
	}
	return win, err
}

// Close closes the tabs opened ahead for scenarios that did not come.
func (s *Suite) Close() {
	s.poolOnce.Do(func() {})
	if s.pool != nil {
		s.pool.close()
	}
}

// Finished counts the scenarios that have ended.
func (s *Suite) Finished() int { return int(s.finished.Load()) }

// world is one scenario's state.
type world struct {
	suite *Suite
	name  string
	id    string // unique suffix of this scenario's usernames
	// lang is the feature's Gherkin language ("en", "nl", "ja"): the
	// language its org's users see Salesforce in (salesforceLanguage).
	lang string

	// The org is declared by Given steps (spec) and created through the
	// control API by the first step that needs Salesforce (ensureOrg).
	spec  *store.OrgSpec
	org   *control.Org
	alias map[string]string // username in the feature → username in mocksf

	client       *liveServer
	clientSrv    *client.Server
	clientDir    string
	clientAddr   string
	clientOAuth  bool
	clientNoPKCE bool // the product leaves PKCE out (client.Config.DisablePKCE)

	setup   *Window   // the Salesforce admin's browser, for Setup
	main    *Window   // the product admin's browser
	popup   *Window   // the pop-up the product opened
	tabs    []*Window // tabs Salesforce opened (Consumer Key and Secret)
	current *Window   // the window steps act in

	popupsBlocked               bool
	savedOnce                   bool // the product has saved key and secret once
	consumerKey, consumerSecret string
	usedMail                    map[string]bool // mail IDs already used
	artefacts                   int

	progress *stepProgress // what a long step waits for, printed while it runs

	started time.Time // the scenario's start, for the trace's times
	roll    *filmRoll // with TRACE, the film strips of the scenario's windows
}

// NewRunID tells this run's usernames from another run's in a shared
// mocksf (Suite.RunID).
func NewRunID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("r%x.", b)
}

func newWorld(s *Suite) *world {
	return &world{
		suite: s, id: fmt.Sprintf("%s%d", s.RunID, s.seq.Add(1)),
		alias: map[string]string{}, usedMail: map[string]bool{},
		progress: newStepProgress(s.Log),
	}
}

// liveServer serves a handler on a loopback port.
type liveServer struct {
	URL string
	srv *http.Server
	ln  net.Listener
}

func serve(ln net.Listener, h http.Handler) *liveServer {
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.Serve(ln) }()
	return &liveServer{URL: "http://" + ln.Addr().String(), srv: s, ln: ln}
}

// Close shuts the server down and frees its address before it returns:
// a Serve that had not yet started when Shutdown came closes the
// listener later, in its own goroutine, and a product restarted at once
// on the same address would find it still in use.
func (l *liveServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = l.srv.Shutdown(ctx)
	_ = l.ln.Close()
}

// user maps a username written in the feature to this scenario's own one:
// usernames are unique across orgs in Salesforce, and every scenario has
// its own org in the shared mocksf.
func (w *world) user(alias string) string {
	if real, ok := w.alias[strings.ToLower(alias)]; ok {
		return real
	}
	return alias
}

// declareOrg starts the spec of this scenario's org.
func (w *world) declareOrg(name string, users ...store.UserSpec) {
	for i, u := range users {
		real := u.Username + "." + w.id
		w.alias[strings.ToLower(u.Username)] = real
		users[i].Username, users[i].Email = real, real
	}
	w.spec = &store.OrgSpec{Name: name, Edition: "Enterprise", Users: users, Records: store.RecordsSpec{
		Explicit: map[string][]map[string]any{
			"Lead":    {{"FirstName": "Ada", "LastName": "Lovelace", "Company": "Analytical Engines", "Email": "ada@example.com"}},
			"Account": {{"Name": "Analytical Engines", "Industry": "Technology"}},
		},
		Generate: map[string]int{"Lead": 2500, "Contact": 500, "Account": 200},
	}}
}

// specUser returns the declared user with the feature's username.
func (w *world) specUser(alias string) (*store.UserSpec, error) {
	if w.spec == nil {
		return nil, errors.New("declare the Salesforce org first")
	}
	for i := range w.spec.Users {
		if w.spec.Users[i].Username == w.user(alias) {
			return &w.spec.Users[i], nil
		}
	}
	return nil, fmt.Errorf("the org has no user %q", alias)
}

// specApp returns the declared connected app with the name.
func (w *world) specApp(name string) (*store.AppSpec, error) {
	if w.spec == nil {
		return nil, errors.New("declare the Salesforce org first")
	}
	for i := range w.spec.ConnectedApps {
		if w.spec.ConnectedApps[i].Name == name {
			return &w.spec.ConnectedApps[i], nil
		}
	}
	return nil, fmt.Errorf("no connected app %q was declared", name)
}

// ensureOrg creates the declared org through the control API, once.
func (w *world) ensureOrg() error {
	if w.org != nil || w.spec == nil {
		return nil
	}
	// A profile without a callback leaves the app's as declared: the
	// product then needs none (the client credentials flow).
	if cb := w.callbackURL(); cb != "" && (w.client != nil || w.suite.ClientURL != "") {
		for _, apps := range [][]store.AppSpec{w.spec.ConnectedApps, w.spec.ExternalClientApps} {
			for i := range apps {
				apps[i].CallbackURLs = []string{cb}
			}
		}
	}
	org, err := w.mocksf().CreateOrg(context.Background(), *w.spec)
	if err != nil {
		return fmt.Errorf("create the Salesforce org: %w", err)
	}
	w.org = &org
	// The admin has the key and secret of the app the Given steps
	// created, as if copied from Manage Consumer Details (or an External
	// Client App's Consumer Key and Secret).
	if apps := append(org.ConnectedApps, org.ExternalClientApps...); len(apps) > 0 {
		w.consumerKey, w.consumerSecret = apps[0].ConsumerKey, apps[0].ConsumerSecret
	}
	return nil
}

// mocksf is the client of the shared mocksf's control API.
func (w *world) mocksf() *mocksfclient.Client {
	return &mocksfclient.Client{URL: w.suite.MocksfURL, Token: w.suite.ControlToken, HTTPClient: mailClient}
}

// refreshOrg reads the org again (record counts, users).
func (w *world) refreshOrg() error {
	if err := w.ensureOrg(); err != nil {
		return err
	}
	if w.org == nil {
		return errors.New("this scenario declared no Salesforce org")
	}
	org, err := w.mocksf().Org(context.Background(), w.org.ID)
	if err != nil {
		return err
	}
	w.org = &org
	return nil
}

// startClient starts this scenario's product, or checks the shared one.
func (w *world) startClient(oauthFeature bool) error {
	w.clientOAuth = oauthFeature
	if w.suite.ClientURL != "" {
		// A running product has the feature as it was started with.
		if !oauthFeature {
			return fmt.Errorf("this scenario needs the product with the feature off; the running product at %s (CLIENT_URL, or the url of the profile %s) has it as it was started: run it with a product the suite starts", w.suite.ClientURL, w.suite.Product.File)
		}
		return nil
	}
	if w.clientDir == "" {
		dir, err := os.MkdirTemp("", "e2e-client-")
		if err != nil {
			return err
		}
		w.clientDir = dir
	}
	addr := w.clientAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("start the product on %s: %w", addr, err)
	}
	w.clientAddr = ln.Addr().String()
	c, err := client.NewServer(client.Config{
		SalesforceURL: w.suite.MocksfURL, BaseURL: "http://" + w.clientAddr, OAuthFeature: oauthFeature,
		DBPath: filepath.Join(w.clientDir, "beacon.db"), DisablePKCE: w.clientNoPKCE,
		// A quarter of a second: the sync scenarios wait for pulls. (For
		// 10s after the newest change the sync reads that second again,
		// all 2,501 leads of a fresh org in two pages, so a "3 hours pass
		// in Salesforce" can fall between the two and expire the query
		// locator; the sync goes on from the last page stored.)
		SyncInterval: 250 * time.Millisecond,
		// Short waits so failure scenarios recover in seconds, and a
		// timeout that slow-but-working answers stay under.
		RetryBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
		// The page hears the status as it changes (server-sent events);
		// the poll is its fallback and how often it checks the login
		// pop-up, and the grace is the wait before "The Salesforce login
		// window closed before the login finished": the result the
		// pop-up posts as it closes arrives within milliseconds.
		StatusPoll: 25 * time.Millisecond, PopupGrace: 200 * time.Millisecond,
		HTTPClient:    &http.Client{Timeout: 5 * time.Second},
		EncryptionKey: bytes.Repeat([]byte{7}, 32),
		Logger:        slog.New(slog.NewTextHandler(w.suite.Log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		ln.Close()
		return err
	}
	w.clientSrv = c
	w.client = serve(ln, c)
	// The page's status stream would hold stopClient's Shutdown for its
	// whole time limit: a restart would take 5s.
	w.client.srv.RegisterOnShutdown(c.CloseStreams)
	return nil
}

// stopClient shuts this scenario's product down; its database stays.
func (w *world) stopClient() {
	if w.client != nil {
		w.client.Close()
		_ = w.clientSrv.Close()
		w.client, w.clientSrv = nil, nil
	}
}

// clientURL is the product's base URL.
func (w *world) clientURL() string {
	if w.suite.ClientURL != "" {
		return strings.TrimSuffix(w.suite.ClientURL, "/")
	}
	if w.clientAddr == "" {
		return ""
	}
	return "http://" + w.clientAddr
}

// callbackURL is the product's redirect address (the profile's
// callback), as the admin types it.
func (w *world) callbackURL() string {
	return w.suite.Product.callbackURL(w.clientURL())
}

// newTab is a tab of the scenario's: the suite's tab, reporting to the
// scenario's progress and filmed when the scenario is.
func (w *world) newTab(name string) (*Window, error) {
	tab, err := w.suite.newTab(name)
	if err != nil {
		return nil, err
	}
	tab.progress = w.progress
	w.roll.film(tab)
	return tab, nil
}

// setupWindow is the Salesforce admin's browser. It has its own cookies,
// apart from the product admin's, as two people's browsers would: the
// sync user then logs in afresh in the product's pop-up.
func (w *world) setupWindow() (*Window, error) {
	if w.setup == nil {
		tab, err := w.newTab("salesforce-admin")
		if err != nil {
			return nil, err
		}
		w.setup = tab
	}
	w.current = w.setup
	return w.setup, nil
}

// mainWindow is the product admin's browser.
func (w *world) mainWindow() (*Window, error) {
	if w.main == nil {
		tab, err := w.newTab("product")
		if err != nil {
			return nil, err
		}
		if lang := acceptLanguage(w.lang); lang != "" {
			if err := tab.AcceptLanguage(lang); err != nil {
				return nil, err
			}
		}
		if w.popupsBlocked {
			if err := tab.BlockPopups(); err != nil {
				return nil, err
			}
		}
		w.main = tab
	}
	w.current = w.main
	return w.main, nil
}

func (w *world) close() {
	for _, win := range append([]*Window{w.popup, w.main, w.setup}, w.tabs...) {
		if win != nil {
			win.Close()
		}
	}
	w.stopClient()
	if w.clientDir != "" {
		os.RemoveAll(w.clientDir)
	}
	if w.org != nil && !w.suite.KeepOrgs {
		// Leave the shared mocksf as we found it.
		_ = w.mocksf().DeleteOrg(context.Background(), w.org.ID)
	}
}

// newestCode reads the address's mailbox and returns the code of the
// newest message not used before, waiting for it to arrive.
func (w *world) newestCode(address string) (string, error) {
	defer w.progress.waitingFor("a new verification mail to " + address)()
	deadline := time.Now().Add(StepTimeout)
	mb, after := w.mailbox(), ""
	for {
		// The mailbox waits for the mail: no sleep here.
		msgs, err := mb.Messages(address, after, time.Until(deadline))
		if err != nil {
			return "", err
		}
		if len(msgs) > 0 && !w.usedMail[msgs[0].ID] {
			m := msgs[0]
			w.usedMail[m.ID] = true
			if !slices.Contains(identity.EmailSubjects(), m.Subject) || m.Code == "" {
				return "", fmt.Errorf("newest mail to %s is %q with code %q; want a verification code", address, m.Subject, m.Code)
			}
			return m.Code, nil
		}
		if len(msgs) > 0 {
			after = msgs[0].ID
		}
		if !time.Now().Before(deadline) {
			return "", fmt.Errorf("no new verification mail to %s within %s", address, StepTimeout)
		}
	}
}

// mailbox is where the steps read mail: Mailpit when MAILPIT_URL is set,
// otherwise mocksf's copies of what it sent.
func (w *world) mailbox() mailbox {
	if u := w.suite.MailpitURL; u != "" {
		return mailpitMailbox{u}
	}
	return mocksfMailbox{w.mocksf()}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// artefact is one file saved after a step.
type artefact struct {
	Path      string
	MediaType string
	Body      []byte
}

// artefactDir is the scenario's folder under the results folder:
// results/<scenario>/, with attempt-N/ in it for a retry.
func (w *world) artefactDir() string {
	dir := filepath.Join(w.suite.ResultsDir, strings.Trim(unsafeChars.ReplaceAllString(w.name, "_"), "_"))
	if w.suite.Attempt > 1 {
		dir = filepath.Join(dir, fmt.Sprintf("attempt-%d", w.suite.Attempt))
	}
	return dir
}

// windows are the scenario's windows, open or closed, in the artefacts'
// order.
func (w *world) windows() []*Window {
	var out []*Window
	for _, win := range append([]*Window{w.setup, w.main, w.popup}, w.tabs...) {
		if win != nil {
			out = append(out, win)
		}
	}
	return out
}

// saveArtefacts writes, under artefactDir, a screenshot, the HTML,
// the console and the network requests of every window, and on a failure
// the scenario's slice of mocksf's request journal and its mail. Each
// window's screenshot has a deadline (trace_shot.go); shots lists every
// window with its screenshot or why it has none.
func (w *world) saveArtefacts(step string, failed bool) (out []artefact, shots StepShots) {
	shots.At = time.Since(w.started).Seconds()
	dir := w.artefactDir()
	wins := w.windows()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		for _, win := range wins {
			shots.Windows = append(shots.Windows, WindowShot{Window: win.Name, Reason: "no screenshot: " + err.Error()})
		}
		return nil, shots
	}
	if len(wins) == 0 {
		shots.Note = "no window was open yet"
	}
	w.artefacts++
	prefix := fmt.Sprintf("%02d-%s", w.artefacts, strings.Trim(unsafeChars.ReplaceAllString(step, "_"), "_"))
	if len(prefix) > 80 {
		prefix = prefix[:80]
	}
	save := func(name, mediaType string, body []byte) (string, error) {
		f := filepath.Join(dir, prefix+"-"+name)
		if err := os.WriteFile(f, body, 0o644); err != nil {
			return "", err
		}
		out = append(out, artefact{Path: f, MediaType: mediaType, Body: body})
		return f, nil
	}
	t0 := time.Now()
	caps := captureAll(wins, failed)
	shots.Took = time.Since(t0).Seconds()
	for i, c := range caps {
		win := wins[i]
		// A closed pop-up's console and requests still tell what happened.
		_, _ = save(win.Name+"-console.txt", "text/plain", []byte(win.rec.Console()))
		_, _ = save(win.Name+"-network.txt", "text/plain", []byte(win.rec.Network()))
		shot := WindowShot{Window: win.Name, Reason: c.reason}
		if c.png != nil {
			f, err := save(win.Name+".png", "image/png", c.png)
			if err != nil {
				shot.Reason = "screenshot not saved: " + err.Error()
			} else if rel, err := filepath.Rel(w.suite.ResultsDir, f); err == nil {
				shot.Screenshot = filepath.ToSlash(rel)
			}
		}
		if c.html != "" {
			_, _ = save(win.Name+".html", "text/html", []byte(c.html))
		}
		shots.Windows = append(shots.Windows, shot)
	}
	if failed && w.org != nil {
		// As mocksf answered, so that a field no type here knows is kept.
		ctx, ctl := context.Background(), w.mocksf()
		var journal json.RawMessage
		if ctl.Do(ctx, "GET", "/__mocksf/requests?limit=500&org="+w.org.ID, nil, http.StatusOK, &journal) == nil {
			save("mocksf-requests.json", "application/json", journal)
		}
		var mail json.RawMessage
		if ctl.Do(ctx, "GET", "/__mocksf/mail?org="+w.org.ID, nil, http.StatusOK, &mail) == nil {
			save("mocksf-mail.json", "application/json", mail)
		}
	}
	return out, shots
}
