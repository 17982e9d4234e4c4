package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/sfharness/sfharness/client"
	"github.com/sfharness/sfharness/mocksf"
)

// Suite is what every scenario of a run shares.
type Suite struct {
	BrowserCtx context.Context
	ResultsDir string
	Log        io.Writer
	// Trace saves a screenshot of every window after every step, not
	// only after a failed one.
	Trace bool
}

// world is one scenario's state: its own mocksf, client and browser tab.
type world struct {
	suite *Suite
	name  string

	mocksf    *liveServer
	sf        *mocksf.Server
	client    *liveServer
	clientSrv *client.Server

	setup   *Window // the Salesforce admin's browser, for Setup
	main    *Window // the product admin's browser
	popup   *Window // the pop-up the product opened
	current *Window // the window steps act in

	consumerKey, consumerSecret string
	usedMail                    map[string]bool // mail IDs already used
	artefacts                   int
}

// liveServer serves a handler on a free loopback port.
type liveServer struct {
	URL string
	srv *http.Server
}

func listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return ln, "http://" + ln.Addr().String(), nil
}

func serve(ln net.Listener, url string, h http.Handler) *liveServer {
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.Serve(ln) }()
	return &liveServer{URL: url, srv: s}
}

func (l *liveServer) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = l.srv.Shutdown(ctx)
}

// startMocksf starts a fake Salesforce with the given seed (nil: default).
func (w *world) startMocksf(seed []byte) error {
	ln, base, err := listen()
	if err != nil {
		return err
	}
	sf, err := mocksf.New(mocksf.Config{BaseURL: base, Seed: seed, SMTPAddr: os.Getenv("SMTP"),
		Logger: slog.New(slog.NewTextHandler(w.suite.Log, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		ln.Close()
		return err
	}
	w.sf = sf
	w.mocksf = serve(ln, base, sf)
	return nil
}

// startClient starts the product against this scenario's mocksf.
func (w *world) startClient(oauthFeature bool) error {
	if w.mocksf == nil {
		return errors.New("start Salesforce (the org) before the product")
	}
	ln, base, err := listen()
	if err != nil {
		return err
	}
	c, err := client.NewServer(client.Config{
		SalesforceURL: w.mocksf.URL, BaseURL: base, OAuthFeature: oauthFeature,
		SyncInterval: time.Second,
		Logger:       slog.New(slog.NewTextHandler(w.suite.Log, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		ln.Close()
		return err
	}
	w.clientSrv = c
	w.client = serve(ln, base, c)
	return nil
}

// callbackURL is the client's redirect address, as the admin types it.
func (w *world) callbackURL() string {
	return w.client.URL + "/salesforce/getSfdcOAuthTokensRedirect"
}

// setupWindow is the Salesforce admin's browser. It has its own cookies,
// apart from the product admin's, as two people's browsers would: the
// sync user then logs in afresh in the product's pop-up.
func (w *world) setupWindow() (*Window, error) {
	if w.setup == nil {
		tab, err := NewTab(w.suite.BrowserCtx, "salesforce-admin")
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
		tab, err := NewTab(w.suite.BrowserCtx, "product")
		if err != nil {
			return nil, err
		}
		w.main = tab
	}
	w.current = w.main
	return w.main, nil
}

func (w *world) close() {
	if w.popup != nil {
		w.popup.Close()
	}
	if w.main != nil {
		w.main.Close()
	}
	if w.setup != nil {
		w.setup.Close()
	}
	if w.client != nil {
		w.client.Close()
		_ = w.clientSrv.Close()
	}
	if w.mocksf != nil {
		w.mocksf.Close()
		_ = w.sf.Close()
	}
}

// newestCode reads the address's mailbox and returns the code of the
// newest message not used before, waiting for it to arrive.
func (w *world) newestCode(address string) (string, error) {
	deadline := time.Now().Add(StepTimeout)
	for {
		msgs, err := w.mailbox().Messages(address)
		if err != nil {
			return "", err
		}
		if len(msgs) > 0 && !w.usedMail[msgs[0].ID] {
			m := msgs[0]
			w.usedMail[m.ID] = true
			if m.Subject != "Verify your identity in Salesforce" || m.Code == "" {
				return "", fmt.Errorf("newest mail to %s is %q with code %q; want a verification code", address, m.Subject, m.Code)
			}
			return m.Code, nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("no new verification mail to %s within %s", address, StepTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mailbox is where the steps read mail: Mailpit when MAILPIT_URL is set,
// otherwise mocksf's copies of what it sent.
func (w *world) mailbox() mailbox {
	if u := os.Getenv("MAILPIT_URL"); u != "" {
		return mailpitMailbox{u}
	}
	return mocksfMailbox{w.mocksf.URL}
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// artefact is one file saved after a step.
type artefact struct {
	Path      string
	MediaType string
	Body      []byte
}

// saveArtefacts writes a screenshot and the HTML of every open window
// under results/<scenario>/ and returns what it wrote.
func (w *world) saveArtefacts(step string) []artefact {
	dir := filepath.Join(w.suite.ResultsDir, strings.Trim(unsafeChars.ReplaceAllString(w.name, "_"), "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil
	}
	w.artefacts++
	prefix := fmt.Sprintf("%02d-%s", w.artefacts, strings.Trim(unsafeChars.ReplaceAllString(step, "_"), "_"))
	if len(prefix) > 80 {
		prefix = prefix[:80]
	}
	var out []artefact
	save := func(name, mediaType string, body []byte) {
		f := filepath.Join(dir, prefix+"-"+name)
		if os.WriteFile(f, body, 0o644) == nil {
			out = append(out, artefact{Path: f, MediaType: mediaType, Body: body})
		}
	}
	for _, win := range []*Window{w.setup, w.main, w.popup} {
		if win == nil {
			continue
		}
		// A closed pop-up's console and requests still tell what happened.
		save(win.Name+"-console.txt", "text/plain", []byte(win.rec.Console()))
		save(win.Name+"-network.txt", "text/plain", []byte(win.rec.Network()))
		if win.Closed() {
			continue
		}
		if png, err := win.Screenshot(); err == nil {
			save(win.Name+".png", "image/png", png)
		}
		if html, err := win.HTML(); err == nil {
			save(win.Name+".html", "text/html", []byte(html))
		}
	}
	return out
}
