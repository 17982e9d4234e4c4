package gothapp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/markbates/goth"
)

// maxQueryBytes bounds the query answer read: five names are far below.
const maxQueryBytes = 1 << 20

// queryURL returns the REST query URL of the user's org for the API
// version. goth keeps neither the token's instance_url nor the token
// itself, only goth.User; its RawData is the identity document, whose
// urls.query is the org's query resource on its instance host with the
// literal "{version}" in place of the version ("If this value isn't
// specified, the returned API URLs contain the literal value {version}",
// Salesforce's "Using Identity URLs"; shared/docs/salesforce-reference.md
// §8).
func queryURL(u goth.User, version string) (string, bool) {
	urls, _ := u.RawData["urls"].(map[string]any)
	q, _ := urls["query"].(string)
	if q == "" {
		return "", false
	}
	return strings.ReplaceAll(q, "{version}", version), true
}

// firstRecords runs the SOQL query with the user's access token (one GET
// of …/query/?q=…) and returns each record's Name, or the problem the
// page shows instead.
func firstRecords(ctx context.Context, hc *http.Client, u goth.User, version, soql string) (names []string, problem string) {
	base, ok := queryURL(u, version)
	if !ok {
		return nil, msgNoQueryURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"?q="+url.QueryEscape(soql), nil)
	if err != nil {
		return nil, fmt.Sprintf(msgRecordsFailed, err)
	}
	req.Header.Set("Authorization", "Bearer "+u.AccessToken)
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Sprintf(msgRecordsFailed, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxQueryBytes))
	if err != nil {
		return nil, fmt.Sprintf(msgRecordsUnreadable, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Sprintf(msgRecordsFailed, restError(resp.StatusCode, body))
	}
	var result struct {
		Records []map[string]any `json:"records"`
	}
	if err := json.Unmarshal(body, &result); err != nil {
		return nil, fmt.Sprintf(msgRecordsUnreadable, err)
	}
	names = make([]string, 0, len(result.Records))
	for _, r := range result.Records {
		name, _ := r["Name"].(string)
		names = append(names, name)
	}
	return names, ""
}

// restError describes a REST API refusal: Salesforce's errorCode and
// message ([{"message":…,"errorCode":…}]), else the HTTP status.
func restError(status int, body []byte) string {
	var errs []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(body, &errs) == nil && len(errs) > 0 && errs[0].ErrorCode != "" {
		return errs[0].ErrorCode + ": " + errs[0].Message
	}
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}
