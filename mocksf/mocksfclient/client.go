// Package mocksfclient is the Go client of mocksf's test-control API
// (docs/mocksf-control.md) and of its login pages without a browser. It
// talks to a mocksf at a URL: one mocksftest started in the test, or one
// started on its own (cmd/mocksf, e2e's MOCKSF_URL, cmd/sfload).
//
//	c := &mocksfclient.Client{URL: "http://127.0.0.1:8080"}
//	org, err := c.CreateOrg(ctx, store.OrgSpec{Name: "Acme", Users: ..., ConnectedApps: ...})
//	code, _, err := c.WaitForCode(ctx, mail.Filter{Username: "sync@acme.test"}, 5*time.Second)
//	tok, err := c.Login(ctx, c.OAuth2Config(org.ConnectedApps[0]), "sync@acme.test", "pw")
//
// Every method sends one request (Login a few) and returns a *Error when
// mocksf answers with another status than the route's.
package mocksfclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/sfharness/sfharness/mocksf/control"
	"github.com/sfharness/sfharness/mocksf/mail"
	"github.com/sfharness/sfharness/mocksf/store"
)

// Client is a client of one mocksf's control API and login pages. Its
// zero value is not usable: URL is required.
type Client struct {
	// URL is mocksf's login host, http://127.0.0.1:PORT, without a
	// trailing slash.
	URL string
	// Token is the control token mocksf was started with
	// (-control-token), if any.
	Token string
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
	// Follow says which hosts' redirects a login follows, besides URL's:
	// mocksf's instance hosts. Nil follows only URL's host. A redirect to
	// the callback URL is never followed.
	Follow func(host string) bool
}

// Error is an answer of the control API other than the one wanted: its
// status and, when mocksf sent one, the control API's error code
// (control.CodeNotFound, ...) and message.
type Error struct {
	Method, Path string
	Status       int
	Code         string // empty when the body was not a control error
	Message      string // the error's message, or the start of the body
}

func (e *Error) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.Path, e.Status, http.StatusText(e.Status), e.Message)
}

func (c *Client) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return http.DefaultClient
}

// Do sends a control API request with in as its JSON body (none when nil)
// and decodes the JSON answer into out (when not nil). An answer with
// another status than want is an *Error. The typed methods are built on
// it; it is exported for a route they do not cover, or to keep an answer
// as it came (out a *json.RawMessage).
func (c *Client) Do(ctx context.Context, method, path string, in any, want int, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != want {
		e := &Error{Method: method, Path: path, Status: resp.StatusCode}
		var ce control.Error
		if json.Unmarshal(b, &ce) == nil && ce.Code != "" {
			e.Code, e.Message = ce.Code, ce.Message
		} else {
			e.Message = fmt.Sprintf("%.200s", bytes.TrimSpace(b))
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return nil
}

// call is Do for a route whose answer is a T.
func call[T any](ctx context.Context, c *Client, method, path string, in any, want int) (T, error) {
	var out T
	err := c.Do(ctx, method, path, in, want, &out)
	return out, err
}

// Health checks that mocksf serves requests (GET /__mocksf/health).
func (c *Client) Health(ctx context.Context) error {
	return c.Do(ctx, "GET", "/__mocksf/health", nil, http.StatusOK, nil)
}

// CreateOrg creates an isolated org from spec (POST /__mocksf/orgs) and
// returns it with its IDs, passwords, consumer keys and secrets.
func (c *Client) CreateOrg(ctx context.Context, spec store.OrgSpec) (control.Org, error) {
	return call[control.Org](ctx, c, "POST", "/__mocksf/orgs", spec, http.StatusCreated)
}

// Org returns the org with the ID (GET /__mocksf/orgs/{id}).
func (c *Client) Org(ctx context.Context, id string) (control.Org, error) {
	return call[control.Org](ctx, c, "GET", "/__mocksf/orgs/"+url.PathEscape(id), nil, http.StatusOK)
}

// Orgs lists the orgs, or those with the name (ignoring case) when it is
// not empty (GET /__mocksf/orgs).
func (c *Client) Orgs(ctx context.Context, name string) ([]control.OrgSummary, error) {
	path := "/__mocksf/orgs"
	if name != "" {
		path += "?name=" + url.QueryEscape(name)
	}
	return call[[]control.OrgSummary](ctx, c, "GET", path, nil, http.StatusOK)
}

// DeleteOrg removes an org and everything in it (DELETE
// /__mocksf/orgs/{id}).
func (c *Client) DeleteOrg(ctx context.Context, id string) error {
	return c.Do(ctx, "DELETE", "/__mocksf/orgs/"+url.PathEscape(id), nil, http.StatusNoContent, nil)
}

// InsertRecords adds records of the object to an org, explicit or
// generated (POST /__mocksf/orgs/{id}/records/{object}).
func (c *Client) InsertRecords(ctx context.Context, orgID, object string, in control.RecordsInsert) (control.RecordsCreated, error) {
	return call[control.RecordsCreated](ctx, c, "POST", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/records/"+url.PathEscape(object), in, http.StatusCreated)
}

// Revoke revokes a user's tokens for an app, or only their sessions
// (POST /__mocksf/orgs/{id}/revoke), and says how many went.
func (c *Client) Revoke(ctx context.Context, orgID string, in control.RevokeRequest) (int, error) {
	out, err := call[control.Revoked](ctx, c, "POST", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/revoke", in, http.StatusOK)
	return out.Revoked, err
}

// UpdateUser changes a user (PATCH /__mocksf/orgs/{id}/users/{username}).
func (c *Client) UpdateUser(ctx context.Context, orgID, username string, change control.UserChange) (control.OrgUser, error) {
	return call[control.OrgUser](ctx, c, "PATCH", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/users/"+url.PathEscape(username), change, http.StatusOK)
}

// UpdateApp changes a connected app (PATCH
// /__mocksf/orgs/{id}/connectedApps/{consumerKey}).
func (c *Client) UpdateApp(ctx context.Context, orgID, consumerKey string, change control.AppChange) (control.OrgApp, error) {
	return c.updateApp(ctx, orgID, "connectedApps", consumerKey, change)
}

// UpdateExternalClientApp changes an External Client App (PATCH
// /__mocksf/orgs/{id}/externalClientApps/{consumerKey}).
func (c *Client) UpdateExternalClientApp(ctx context.Context, orgID, consumerKey string, change control.AppChange) (control.OrgApp, error) {
	return c.updateApp(ctx, orgID, "externalClientApps", consumerKey, change)
}

func (c *Client) updateApp(ctx context.Context, orgID, kind, consumerKey string, change control.AppChange) (control.OrgApp, error) {
	return call[control.OrgApp](ctx, c, "PATCH", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/"+kind+"/"+url.PathEscape(consumerKey), change, http.StatusOK)
}

// Reset returns mocksf to its seed state (POST /__mocksf/reset).
func (c *Client) Reset(ctx context.Context) error {
	return c.Do(ctx, "POST", "/__mocksf/reset", nil, http.StatusOK, nil)
}

// AddFault adds a fault rule (POST /__mocksf/faults) and returns it with
// its ID.
func (c *Client) AddFault(ctx context.Context, rule control.Rule) (control.Fault, error) {
	return call[control.Fault](ctx, c, "POST", "/__mocksf/faults", rule, http.StatusCreated)
}

// Fault returns a fault's current state, with the requests it took (GET
// /__mocksf/faults/{id}).
func (c *Client) Fault(ctx context.Context, id string) (control.Fault, error) {
	return call[control.Fault](ctx, c, "GET", "/__mocksf/faults/"+url.PathEscape(id), nil, http.StatusOK)
}

// Faults lists the fault rules in force (GET /__mocksf/faults).
func (c *Client) Faults(ctx context.Context) ([]control.Fault, error) {
	return call[[]control.Fault](ctx, c, "GET", "/__mocksf/faults", nil, http.StatusOK)
}

// DeleteFault removes a fault rule (DELETE /__mocksf/faults/{id}).
func (c *Client) DeleteFault(ctx context.Context, id string) error {
	return c.Do(ctx, "DELETE", "/__mocksf/faults/"+url.PathEscape(id), nil, http.StatusNoContent, nil)
}

// ClearFaults removes every fault rule (DELETE /__mocksf/faults).
func (c *Client) ClearFaults(ctx context.Context) error {
	return c.Do(ctx, "DELETE", "/__mocksf/faults", nil, http.StatusNoContent, nil)
}

// Clock returns mocksf's clock (GET /__mocksf/clock).
func (c *Client) Clock(ctx context.Context) (control.ClockState, error) {
	return call[control.ClockState](ctx, c, "GET", "/__mocksf/clock", nil, http.StatusOK)
}

// SetClock changes mocksf's clock (POST /__mocksf/clock) and returns it.
func (c *Client) SetClock(ctx context.Context, change control.ClockChange) (control.ClockState, error) {
	return call[control.ClockState](ctx, c, "POST", "/__mocksf/clock", change, http.StatusOK)
}

// Advance moves mocksf's clock by d and returns its new time.
func (c *Client) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	st, err := c.SetClock(ctx, control.ClockChange{Advance: d.String()})
	return st.Now, err
}

// OrgClock returns an org's own clock (GET /__mocksf/orgs/{id}/clock):
// mocksf's clock plus the org's offset.
func (c *Client) OrgClock(ctx context.Context, orgID string) (control.ClockState, error) {
	return call[control.ClockState](ctx, c, "GET", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/clock", nil, http.StatusOK)
}

// SetOrgClock moves one org's clock (POST /__mocksf/orgs/{id}/clock) and
// returns it; other orgs keep theirs.
func (c *Client) SetOrgClock(ctx context.Context, orgID string, change control.ClockChange) (control.ClockState, error) {
	return call[control.ClockState](ctx, c, "POST", "/__mocksf/orgs/"+url.PathEscape(orgID)+"/clock", change, http.StatusOK)
}

// AdvanceOrg moves one org's clock by d and returns the new time in it.
func (c *Client) AdvanceOrg(ctx context.Context, orgID string, d time.Duration) (time.Time, error) {
	st, err := c.SetOrgClock(ctx, orgID, control.ClockChange{Advance: d.String()})
	return st.Now, err
}

// Requests returns the journal's entries that match the filter, newest
// first (GET /__mocksf/requests).
func (c *Client) Requests(ctx context.Context, filter control.RequestFilter) ([]control.Entry, error) {
	got, err := call[control.Requests](ctx, c, "GET", "/__mocksf/requests"+query(filter.Query()), nil, http.StatusOK)
	return got.Requests, err
}

// ClearRequests empties the journal (DELETE /__mocksf/requests).
func (c *Client) ClearRequests(ctx context.Context) error {
	return c.Do(ctx, "DELETE", "/__mocksf/requests", nil, http.StatusNoContent, nil)
}

// Mail returns the mail mocksf sent that matches the filter, newest
// first (GET /__mocksf/mail). With wait above zero, mocksf waits up to
// that long (at most control.MaxMailWait) for a match while there is
// none; the answer may still be empty.
func (c *Client) Mail(ctx context.Context, filter mail.Filter, wait time.Duration) ([]mail.Message, error) {
	q := url.Values{}
	for k, v := range map[string]string{"to": filter.To, "org": filter.Org, "username": filter.Username, "after": filter.After} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if wait > 0 {
		q.Set("wait", wait.String())
	}
	return call[[]mail.Message](ctx, c, "GET", "/__mocksf/mail"+query(q.Encode()), nil, http.StatusOK)
}

// ClearMail forgets every message (DELETE /__mocksf/mail).
func (c *Client) ClearMail(ctx context.Context) error {
	return c.Do(ctx, "DELETE", "/__mocksf/mail", nil, http.StatusNoContent, nil)
}

// ErrNoCode is WaitForCode's error when no verification code came.
var ErrNoCode = errors.New("no verification code was emailed")

// WaitForCode waits up to wait for mail that matches the filter and
// returns the newest verification code in it, and the ID of the newest
// message (for the next call's filter.After). It is ErrNoCode (wrapped)
// when no message with a code came.
func (c *Client) WaitForCode(ctx context.Context, filter mail.Filter, wait time.Duration) (code, newest string, err error) {
	msgs, err := c.Mail(ctx, filter, wait)
	if err != nil {
		return "", "", err
	}
	for _, m := range msgs {
		if m.Code != "" {
			return m.Code, msgs[0].ID, nil
		}
	}
	if len(msgs) == 0 {
		return "", "", fmt.Errorf("%w within %s", ErrNoCode, wait)
	}
	return "", msgs[0].ID, fmt.Errorf("%w: the newest mail, %q, has none", ErrNoCode, msgs[0].Subject)
}

func query(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}
