package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/mocksf"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// seedOrg is the name of conformance/seed.yaml's org; seedUser is its
// admin, whom every client logs in as.
const (
	seedOrg  = "Conformance Co"
	seedUser = "admin@conformance.test"
)

// harness is mocksf running for the suite, the seed's org and its user.
type harness struct {
	srv  *mocksftest.Server
	tb   *programTB
	org  mocksftest.Org
	user mocksftest.OrgUser
	app  mocksftest.OrgApp
}

// programTB lets a program use mocksftest, which wants a test: cleanups
// run at close, and a Fatalf panics with a fatal that try turns back
// into an error.
type programTB struct{ cleanups []func() }

type fatal struct{ msg string }

func (*programTB) Helper()                   {}
func (t *programTB) Cleanup(f func())        { t.cleanups = append(t.cleanups, f) }
func (*programTB) Fatalf(f string, a ...any) { panic(fatal{fmt.Sprintf(f, a...)}) }

// try runs f, turning a mocksftest Fatalf into an error.
func try(f func()) (err error) {
	defer func() {
		if v := recover(); v != nil {
			ft, ok := v.(fatal)
			if !ok {
				panic(v)
			}
			err = fmt.Errorf("%s", ft.msg)
		}
	}()
	f()
	return nil
}

// startHarness starts mocksf with the seed and finds the seed's org,
// user and connected app.
func startHarness(seed []byte) (*harness, error) {
	h := &harness{tb: &programTB{}}
	// Loopback is an untrusted network here, as a developer's laptop is
	// to a real org: SOAP login() needs the security token, as there.
	untrusted := mocksftest.WithConfig(func(c *mocksf.Config) { c.SecurityTokenFromLoopback = true })
	if err := try(func() { h.srv = mocksftest.NewServer(h.tb, mocksftest.WithSeed(seed), untrusted) }); err != nil {
		return nil, fmt.Errorf("sfconform: start mocksf: %w", err)
	}
	if err := h.findOrg(); err != nil {
		h.close()
		return nil, fmt.Errorf("sfconform: the seed's org: %w", err)
	}
	return h, nil
}

func (h *harness) findOrg() error {
	ctx := context.Background()
	orgs, err := h.srv.Control.Orgs(ctx, seedOrg)
	if err != nil {
		return err
	}
	if len(orgs) != 1 {
		return fmt.Errorf("want one org named %q in seed.yaml, found %d", seedOrg, len(orgs))
	}
	if h.org, err = h.srv.Control.Org(ctx, orgs[0].ID); err != nil {
		return err
	}
	for _, u := range h.org.Users {
		if strings.EqualFold(u.Username, seedUser) {
			h.user = u
		}
	}
	if h.user.Username == "" || len(h.org.ConnectedApps) == 0 {
		return fmt.Errorf("org %s needs the user %s and a connected app", seedOrg, seedUser)
	}
	h.app = h.org.ConnectedApps[0]
	return nil
}

func (h *harness) close() {
	for i := len(h.tb.cleanups) - 1; i >= 0; i-- {
		h.tb.cleanups[i]()
	}
	h.tb.cleanups = nil
}

// login runs the web-server flow through mocksf's pages for the seed's
// user and app, as mocksftest.Login does for Go tests.
func (h *harness) login() (*oauth2.Token, error) {
	tok, err := h.srv.Control.Login(context.Background(), h.srv.OAuth2Config(h.app), h.user.Username, h.user.Password)
	if err != nil {
		return nil, fmt.Errorf("login as %s with %q: %w", h.user.Username, h.app.Name, err)
	}
	return tok, nil
}

// authorize does the browser's part for an authorize URL a client built
// and returns the callback URL with the code.
func (h *harness) authorize(authURL string) (*url.URL, error) {
	cb, err := h.srv.Control.Authorize(context.Background(), authURL, h.user.Username, h.user.Password)
	if err != nil {
		return nil, fmt.Errorf("authorize as %s: %w", h.user.Username, err)
	}
	return cb, nil
}

// newestRequest is the ID of the newest request in mocksf's journal, the
// start of what a check's failure shows.
func (h *harness) newestRequest() int64 {
	if reqs, err := h.srv.Control.Requests(context.Background(), mocksftest.RequestFilter{Limit: 1}); err == nil && len(reqs) > 0 {
		return reqs[0].ID
	}
	return 0
}

// journalTail returns the last few requests mocksf saw after the request
// with ID after, oldest first, one line each.
func (h *harness) journalTail(after int64, n int) []string {
	reqs, err := h.srv.Control.Requests(context.Background(), mocksftest.RequestFilter{After: after, Limit: n})
	if err != nil {
		return []string{"(the journal: " + err.Error() + ")"}
	}
	lines := make([]string, 0, len(reqs))
	for i := len(reqs) - 1; i >= 0; i-- {
		e := reqs[i]
		target := e.Path
		if len(e.Query) > 0 {
			target += "?" + url.Values(e.Query).Encode()
		}
		lines = append(lines, fmt.Sprintf("#%d %s %s -> %d", e.ID, e.Method, truncate(target, 160), e.Status))
	}
	return lines
}

// rest sends a REST API request with the token, as a check's own look at
// what a client did, and decodes a JSON answer into out when not nil. It
// returns the status.
func (h *harness) rest(token, method, path string, out any) (int, error) {
	req, err := http.NewRequest(method, h.org.InstanceURL+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.srv.Client().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w: %s", method, path, err, truncate(string(b), 200))
		}
	}
	return resp.StatusCode, nil
}

// queryOne runs a SOQL query over REST with the token and checks that
// it finds one record with the fields given.
func (h *harness) queryOne(token, soql string, want map[string]any) error {
	var res struct {
		TotalSize int              `json:"totalSize"`
		Records   []map[string]any `json:"records"`
	}
	path := "/services/data/" + restVersion + "/query?q=" + url.QueryEscape(soql)
	status, err := h.rest(token, "GET", path, &res)
	if err != nil {
		return err
	}
	if status != http.StatusOK || res.TotalSize != 1 || len(res.Records) != 1 {
		return fmt.Errorf("%s: %d, %d records; want 200 and one record", soql, status, res.TotalSize)
	}
	for k, v := range want {
		if res.Records[0][k] != v {
			return fmt.Errorf("%s: %s is %v; want %v", soql, k, res.Records[0][k], v)
		}
	}
	return nil
}

func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
