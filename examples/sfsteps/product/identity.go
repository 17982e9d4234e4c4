package product

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
)

// identity is the connected Salesforce user, from the identity URL.
type identity struct {
	Username string `json:"username"`
	OrgID    string `json:"organization_id"`
	UserID   string `json:"user_id"`
}

// readIdentity GETs the token's identity URL (its id, https://<login
// host>/id/<org>/<user>) with the access token, as Salesforce documents
// for the id scope (developer.salesforce.com, Mobile SDK guide, "Using
// Identity URLs"); its JSON has username and organization_id. A bad token
// there is 403 Bad_OAuth_Token, shown as Salesforce wrote it.
// client is the product's own, not x/oauth2's Config.Client, which would
// drop its Timeout.
func readIdentity(ctx context.Context, client *http.Client, tok *oauth2.Token) (*identity, *problem) {
	idURL, _ := tok.Extra("id").(string)
	if !strings.HasPrefix(idURL, "https://") && !strings.HasPrefix(idURL, "http://") {
		return nil, &problem{"no_identity", msgNoIdentity}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, idURL, nil)
	if err != nil {
		return nil, &problem{"no_identity", msgNoIdentity}
	}
	req.Header.Set("Accept", "application/json")
	tok.SetAuthHeader(req)
	resp, err := client.Do(req)
	if err != nil {
		return nil, &problem{"unreachable", msgUnreachable + err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, &problem{"unreachable", msgUnreachable + err.Error()}
	}
	var id identity
	if resp.StatusCode != http.StatusOK {
		return nil, salesforceProblem("identity", fmt.Sprintf("%s %s", resp.Status, strings.TrimSpace(string(body))))
	}
	if err := json.Unmarshal(body, &id); err != nil || id.Username == "" {
		return nil, salesforceProblem("identity", fmt.Sprintf("the identity URL's answer has no username (%.200s)", body))
	}
	return &id, nil
}
