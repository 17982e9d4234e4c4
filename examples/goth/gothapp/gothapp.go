// Package gothapp is the second sample product of the harness: a small
// web app that connects to Salesforce with github.com/markbates/goth's
// Salesforce provider and gothic (v1.82.0), where Beacon (package client)
// uses golang.org/x/oauth2 itself. It exists so that the harness can be
// shown to test a product it did not grow up with.
//
// Its one page, GET /, has the settings form (Consumer Key, Consumer
// Secret, Salesforce login URL, Save) and a "Connect to Salesforce"
// button that sends this window, not a pop-up, through goth's web server
// flow. The callback (Config.CallbackURL, default BaseURL +
// CallbackPath) shows "Connected as <username>" with the org and user
// IDs of the identity goth read, and the first records of Config.Query
// read through the REST API with the access token; an OAuth error
// (access_denied, invalid_client_id, invalid_client, ...) is shown on the
// page instead. Forms carry a CSRF token. Everything is kept in memory.
//
// Use New to mount the product in a server of one's own, or Start to run
// it on a loopback port as httptest does:
//
//	app, err := gothapp.Start("", gothapp.Config{LoginURL: mocksfURL})
//	defer app.Close()
//	// open app.URL; the connected app's Callback URL is app.CallbackURL
package gothapp

import (
	"net/http"
)

// New returns the product's handler. cfg.BaseURL or cfg.CallbackURL is
// required.
func New(cfg Config) (http.Handler, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	installGothicStore()
	st := &state{name: providerName()}
	csrf := newCSRFTokens()
	p, err := newPage(st, csrf, cfg)
	if err != nil {
		return nil, err
	}
	return routes(cfg, st, csrf, p), nil
}
