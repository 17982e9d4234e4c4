package salesforce

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Identity is the part of the identity URL's answer that Beacon shows and
// keeps.
type Identity struct {
	// ID is the identity URL itself.
	ID string `json:"id"`
	// UserID is the 18-character Salesforce user id.
	UserID string `json:"user_id"`
	// OrganizationID is the 18-character org id.
	OrganizationID string `json:"organization_id"`
	// Username is the Salesforce username, which looks like an email address.
	Username string `json:"username"`
	// DisplayName is the user's full name.
	DisplayName string `json:"display_name"`
	// Email is the user's email address.
	Email string `json:"email"`
}

// FetchIdentity reads the identity URL identityURL with the access token.
func FetchIdentity(ctx context.Context, hc *http.Client, identityURL, accessToken string) (*Identity, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	var body []byte
	err := withRetries(ctx, defaultRetries, defaultBackoff, func(int) (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, identityURL, nil)
		if err != nil {
			return false, err
		}
		req.Header.Set("Authorization", "Bearer "+accessToken)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			return true, &transportError{err}
		}
		defer resp.Body.Close()
		body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		if err != nil {
			return true, &transportError{err}
		}
		if resp.StatusCode != http.StatusOK {
			return retryableStatus(resp.StatusCode), parseAPIError(resp.StatusCode, body)
		}
		return false, nil
	})
	if err != nil {
		return nil, fmt.Errorf("salesforce: identity: %w", err)
	}
	var id Identity
	if err := json.Unmarshal(body, &id); err != nil {
		return nil, fmt.Errorf("salesforce: identity: decode: %w", err)
	}
	if id.Username == "" || id.OrganizationID == "" {
		return nil, fmt.Errorf("salesforce: identity: answer lacks username or organization_id")
	}
	return &id, nil
}
