package mocksftest

import (
	"context"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"
)

// Login completes the OAuth 2.0 web-server flow with PKCE for a user and
// a connected app or an External Client App (which requires PKCE by
// default), the way a person does in a browser but without one:
// authorize, the login page, the emailed verification code, Allow Access,
// then the code exchange with golang.org/x/oauth2. It returns the token
// a client would hold (Extra("instance_url"), Extra("id") and the
// refresh token when the app grants one). The app's first callback URL is
// the redirect URI; nothing needs to listen there.
func (s *Server) Login(t TB, username, password string, app OrgApp) *oauth2.Token {
	t.Helper()
	tok, err := s.Control.Login(context.Background(), s.OAuth2Config(app), username, password)
	if err != nil {
		t.Fatalf("mocksftest: login as %s with %q: %v", username, app.Name, err)
	}
	return tok
}

// Browser returns an HTTP client with a cookie jar, logged in to mocksf's
// pages as the user (password and emailed code), for tests of the Setup
// pages or of a flow step by step. Redirects to other hosts are not
// followed.
func (s *Server) Browser(t TB, username, password string) *http.Client {
	t.Helper()
	c, err := s.Control.LoggedIn(context.Background(), username, password)
	if err != nil {
		t.Fatalf("mocksftest: browser login as %s: %v", username, err)
	}
	return c
}

// Authorize does the browser's part of the web-server flow for an
// authorize URL another client built (its own state, PKCE challenge and
// redirect_uri): the login page, the emailed verification code and Allow
// Access, as a person would. It returns the callback URL mocksf
// redirected to, with the code or the error, for that client to exchange
// itself; nothing needs to listen there.
func (s *Server) Authorize(t TB, authURL, username, password string) *url.URL {
	t.Helper()
	cb, err := s.Control.Authorize(context.Background(), authURL, username, password)
	if err != nil {
		t.Fatalf("mocksftest: authorize as %s: %v", username, err)
	}
	return cb
}
