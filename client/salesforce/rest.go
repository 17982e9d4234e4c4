package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// APIVersion is the REST API version Beacon calls (Summer '26).
const APIVersion = "v67.0"

// maxBody bounds how much of one REST answer is read; a page of 2,000
// records with a few fields is far below it.
const maxBody = 32 << 20

// Config configures a REST API Client.
type Config struct {
	// HTTPClient makes the calls; nil means http.DefaultClient.
	HTTPClient *http.Client
	// OAuth is the connected app's configuration, used to refresh the
	// access token. Without it an expired token is final.
	OAuth *oauth2.Config
	// ClientCredentials, when set, renews a rejected access token with the
	// client credentials flow instead of a refresh token (which that flow
	// does not issue); OAuth is then unused.
	ClientCredentials *clientcredentials.Config
	// InstanceURL is the org's base URL from the token response.
	InstanceURL string
	// Token holds the access and refresh tokens.
	Token *oauth2.Token
	// OnRefresh, if set, is called after each refresh with the token that
	// was replaced and the new one, so that the new one can be stored. It
	// must not call back into the Client.
	OnRefresh func(prev, next *oauth2.Token)
	// MaxRetries is how many times a call that failed on the network (or
	// with 502, 503 or 504) is retried; zero means 3, negative means none.
	MaxRetries int
	// RetryBackoff is the wait before the first retry, doubled after each
	// one; zero means 500ms.
	RetryBackoff time.Duration
}

// Client calls the Salesforce REST API of one org with one connection's
// tokens. It is safe for concurrent use.
type Client struct {
	hc         *http.Client
	oauth      *oauth2.Config            // guarded by mu
	cc         *clientcredentials.Config // guarded by mu
	onRefresh  func(prev, next *oauth2.Token)
	maxRetries int
	backoff    time.Duration

	mu          sync.Mutex // guards token and instanceURL, and serializes refreshes
	token       *oauth2.Token
	instanceURL string
}

// NewClient returns a Client for cfg.
func NewClient(cfg Config) *Client {
	c := &Client{
		hc:          cfg.HTTPClient,
		oauth:       cfg.OAuth,
		cc:          cfg.ClientCredentials,
		onRefresh:   cfg.OnRefresh,
		maxRetries:  cfg.MaxRetries,
		backoff:     cfg.RetryBackoff,
		token:       cfg.Token,
		instanceURL: strings.TrimRight(cfg.InstanceURL, "/"),
	}
	if c.hc == nil {
		c.hc = http.DefaultClient
	}
	if c.maxRetries == 0 {
		c.maxRetries = 3
	} else if c.maxRetries < 0 {
		c.maxRetries = 0
	}
	if c.backoff <= 0 {
		c.backoff = 500 * time.Millisecond
	}
	if c.token == nil {
		c.token = &oauth2.Token{}
	}
	return c
}

// SetOAuth replaces the connected app's configuration used for refreshes,
// as after the admin saved a new Consumer Secret.
func (c *Client) SetOAuth(oauth *oauth2.Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.oauth = oauth
}

// SetClientCredentials replaces the client credentials configuration used
// to renew the access token, as after the admin saved a new Consumer
// Secret.
func (c *Client) SetClientCredentials(cc *clientcredentials.Config) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cc = cc
}

// Token returns the current token.
func (c *Client) Token() *oauth2.Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Field is one field of an sObject describe.
type Field struct {
	// Name is the API name, such as LastName.
	Name string `json:"name"`
	// Type is the field type, such as string, email or datetime.
	Type string `json:"type"`
	// Label is the field label shown in Salesforce.
	Label string `json:"label"`
}

// SObjectDescribe is the part of an sObject describe that Beacon uses.
type SObjectDescribe struct {
	// Name is the object's API name.
	Name string `json:"name"`
	// Label is the object's label.
	Label string `json:"label"`
	// Queryable reports whether SOQL can read the object.
	Queryable bool `json:"queryable"`
	// Fields are the object's fields.
	Fields []Field `json:"fields"`
}

// Describe returns the describe of the sObject named object.
func (c *Client) Describe(ctx context.Context, object string) (*SObjectDescribe, error) {
	var d SObjectDescribe
	path := c.dataPath("sobjects/" + url.PathEscape(object) + "/describe")
	if err := c.get(ctx, path, &d); err != nil {
		return nil, fmt.Errorf("salesforce: describe %s: %w", object, err)
	}
	return &d, nil
}

// Record is one record of a query result: field name to JSON value. The
// "attributes" entry Salesforce adds is removed.
type Record map[string]any

// Page is one batch of a SOQL query's records.
type Page struct {
	// Records are the batch's records.
	Records []Record
	// NextRecordsURL is the path of the next batch, "" on the last one.
	// Salesforce keeps it valid for 15 minutes of inactivity, so a caller
	// that saves it can go on with QueryMore after a restart.
	NextRecordsURL string
	// TotalSize is the number of records the whole query matched.
	TotalSize int
}

// queryResult is one page of a SOQL query.
type queryResult struct {
	TotalSize      int      `json:"totalSize"`
	Done           *bool    `json:"done"`
	NextRecordsURL string   `json:"nextRecordsUrl"`
	Records        []Record `json:"records"`
}

// Query runs the SOQL query soql and calls page with each batch of records,
// following nextRecordsUrl until Salesforce says done. An error from page
// stops the query and is returned.
func (c *Client) Query(ctx context.Context, soql string, page func(Page) error) error {
	return c.pages(ctx, c.dataPath("query")+"?"+url.Values{"q": {soql}}.Encode(), page)
}

// QueryAll is Query on the queryAll resource, whose results include deleted
// and archived records (select IsDeleted to tell them apart).
func (c *Client) QueryAll(ctx context.Context, soql string, page func(Page) error) error {
	return c.pages(ctx, c.dataPath("queryAll")+"?"+url.Values{"q": {soql}}.Encode(), page)
}

// QueryMore goes on with a query from nextRecordsURL, a Page's
// NextRecordsURL. An expired or unknown locator fails with an error for
// which IsInvalidLocator is true.
func (c *Client) QueryMore(ctx context.Context, nextRecordsURL string, page func(Page) error) error {
	if !strings.HasPrefix(nextRecordsURL, "/services/data/") {
		return fmt.Errorf("salesforce: query: %q is not a nextRecordsUrl", nextRecordsURL)
	}
	return c.pages(ctx, nextRecordsURL, page)
}

// dataPath is the path of a REST resource of the API version Beacon calls.
func (c *Client) dataPath(resource string) string {
	return "/services/data/" + APIVersion + "/" + resource
}

func (c *Client) pages(ctx context.Context, path string, page func(Page) error) error {
	for pages := 0; path != ""; pages++ {
		var res queryResult
		if err := c.get(ctx, path, &res); err != nil {
			return fmt.Errorf("salesforce: query page %d: %w", pages+1, err)
		}
		for _, r := range res.Records {
			delete(r, "attributes")
		}
		// A missing done with no records means the end, as jsforce treats it.
		done := res.Done == nil || *res.Done
		if !done && res.NextRecordsURL == "" {
			return fmt.Errorf("salesforce: query page %d: done is false but nextRecordsUrl is missing", pages+1)
		}
		next := ""
		if !done {
			next = res.NextRecordsURL
		}
		if err := page(Page{Records: res.Records, NextRecordsURL: next, TotalSize: res.TotalSize}); err != nil {
			return err
		}
		path = next
	}
	return nil
}

// replicationTime is how the replication resources take start and end.
const replicationTime = "2006-01-02T15:04:05Z07:00"

// DeletedRecord is one entry of the deleted-records resource.
type DeletedRecord struct {
	// ID is the deleted record's id.
	ID string `json:"id"`
	// DeletedDate is when it was deleted, as the API writes datetimes.
	DeletedDate string `json:"deletedDate"`
}

// DeletedResult is the answer of the sObject deleted-records resource.
type DeletedResult struct {
	// DeletedRecords are the records deleted in the window.
	DeletedRecords []DeletedRecord `json:"deletedRecords"`
	// EarliestDateAvailable is the oldest deletion Salesforce still knows.
	EarliestDateAvailable string `json:"earliestDateAvailable"`
	// LatestDateCovered is the end of the window the answer covers; the
	// next window starts there.
	LatestDateCovered string `json:"latestDateCovered"`
}

// Deleted lists the records of object deleted between start and end
// (GET /services/data/vXX.X/sobjects/{object}/deleted/?start=&end=).
// Salesforce keeps deletions for about 15 days and wants the window to
// span more than a minute.
func (c *Client) Deleted(ctx context.Context, object string, start, end time.Time) (*DeletedResult, error) {
	var res DeletedResult
	if err := c.get(ctx, c.replicationPath(object, "deleted", start, end), &res); err != nil {
		return nil, fmt.Errorf("salesforce: deleted %s: %w", object, err)
	}
	return &res, nil
}

// UpdatedResult is the answer of the sObject updated-records resource.
type UpdatedResult struct {
	// IDs are the records created or updated in the window.
	IDs []string `json:"ids"`
	// LatestDateCovered is the end of the window the answer covers.
	LatestDateCovered string `json:"latestDateCovered"`
}

// Updated lists the ids of the records of object created or updated
// between start and end (GET .../sobjects/{object}/updated/?start=&end=).
func (c *Client) Updated(ctx context.Context, object string, start, end time.Time) (*UpdatedResult, error) {
	var res UpdatedResult
	if err := c.get(ctx, c.replicationPath(object, "updated", start, end), &res); err != nil {
		return nil, fmt.Errorf("salesforce: updated %s: %w", object, err)
	}
	return &res, nil
}

func (c *Client) replicationPath(object, resource string, start, end time.Time) string {
	q := url.Values{
		"start": {start.UTC().Format(replicationTime)},
		"end":   {end.UTC().Format(replicationTime)},
	}
	return c.dataPath("sobjects/"+url.PathEscape(object)+"/"+resource+"/") + "?" + q.Encode()
}

// get calls GET path (relative to the instance URL) and decodes the JSON
// answer into v, refreshing the token once on INVALID_SESSION_ID.
func (c *Client) get(ctx context.Context, path string, v any) error {
	refreshed := false
	for {
		c.mu.Lock()
		access, base := c.token.AccessToken, c.instanceURL
		c.mu.Unlock()

		status, body, err := c.send(ctx, base+path, access)
		if err != nil {
			return err
		}
		if status >= 200 && status < 300 {
			if err := json.Unmarshal(body, v); err != nil {
				return fmt.Errorf("decode: %w", err)
			}
			return nil
		}
		apiErr := parseAPIError(status, body)
		if status == http.StatusUnauthorized && apiErr.HasCode(CodeInvalidSessionID) && !refreshed {
			if err := c.refresh(ctx, access); err != nil {
				return err
			}
			refreshed = true
			continue
		}
		return apiErr
	}
}

// send does one GET with retries, with exponential backoff, on network
// failures and gateway errors.
func (c *Client) send(ctx context.Context, rawURL, access string) (status int, body []byte, err error) {
	err = withRetries(ctx, c.maxRetries, c.backoff, func(int) (bool, error) {
		status, body, err = c.sendOnce(ctx, rawURL, access)
		return err != nil || retryableStatus(status), err
	})
	if err != nil && ctx.Err() != nil {
		return 0, nil, ctx.Err()
	}
	return status, body, err
}

func (c *Client) sendOnce(ctx context.Context, rawURL, access string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, &transportError{err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, &transportError{err}
	}
	return resp.StatusCode, body, nil
}

// refresh gets a new access token with the refresh token, or the client
// credentials, unless another call already replaced stale, the access
// token that was rejected.
func (c *Client) refresh(ctx context.Context, stale string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token.AccessToken != stale {
		return nil
	}
	var tok *oauth2.Token
	var err error
	switch {
	case c.cc != nil:
		tok, err = c.cc.Token(WithHTTPClient(ctx, c.hc))
	case c.oauth == nil || c.token.RefreshToken == "":
		return fmt.Errorf("refresh: %w: no refresh token", ErrConnectionLost)
	default:
		// Salesforce tokens carry no expiry, so x/oauth2 never refreshes
		// them by itself: hand it a token with only the refresh token to
		// force one.
		ts := c.oauth.TokenSource(WithHTTPClient(ctx, c.hc), &oauth2.Token{RefreshToken: c.token.RefreshToken})
		tok, err = ts.Token()
	}
	if err != nil {
		var re *oauth2.RetrieveError
		switch {
		case c.cc != nil && errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500:
			// Any refusal: no user can log in again to fix it, the admin
			// has to fix the connected app and connect again.
			return fmt.Errorf("client credentials: %w: %w", ErrClientCredentialsRejected, err)
		case errors.As(err, &re) && (re.ErrorCode == "invalid_grant" || re.ErrorCode == "inactive_user" || re.ErrorCode == "inactive_org"):
			return fmt.Errorf("refresh: %w: %w", ErrConnectionLost, err)
		case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= 500:
			// The token endpoint is down, not refusing the grant: an
			// APIError makes the failure temporary, so the sync retries
			// the refresh later with the refresh token it still holds.
			return fmt.Errorf("refresh: token endpoint: %w", parseAPIError(re.Response.StatusCode, re.Body))
		case !errors.As(err, &re):
			// No answer at all: network failure, timeout, cut connection.
			err = &transportError{err}
		}
		return fmt.Errorf("refresh: %w", err)
	}
	if u := Details(tok).InstanceURL; u != "" {
		c.instanceURL = strings.TrimRight(u, "/")
	}
	prev := c.token
	c.token = tok
	if c.onRefresh != nil {
		c.onRefresh(prev, tok)
	}
	return nil
}
