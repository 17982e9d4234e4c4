package main

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sfharness/sfharness/examples/goth/gothapp"
	"github.com/sfharness/sfharness/mocksf/mocksfclient"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
)

// make goth-example starts bin/mocksf with examples/goth/seed.yaml and
// gothdemo with its defaults: the seed's app must fit them, and a person
// pasting its key and secret must get connected.
func TestTheSeedOfMakeGothExampleConnects(t *testing.T) {
	b, err := os.ReadFile("../../seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Orgs []struct {
			Users []struct {
				Username, Password string
				Admin              bool
			}
			ConnectedApps []struct {
				ConsumerKey    string   `yaml:"consumerKey"`
				ConsumerSecret string   `yaml:"consumerSecret"`
				CallbackURLs   []string `yaml:"callbackUrls"`
			} `yaml:"connectedApps"`
		}
	}
	if err := yaml.Unmarshal(b, &seed); err != nil {
		t.Fatal(err)
	}
	if len(seed.Orgs) != 1 || len(seed.Orgs[0].ConnectedApps) != 1 || len(seed.Orgs[0].Users) != 2 {
		t.Fatalf("seed: want one org with one connected app and two users, got %+v", seed)
	}
	app, user := seed.Orgs[0].ConnectedApps[0], seed.Orgs[0].Users[1]
	callback := "http://" + defaultAddr + gothapp.CallbackPath
	if len(app.CallbackURLs) != 1 || app.CallbackURLs[0] != callback {
		t.Fatalf("seed's callback URLs = %q; want gothdemo's default %s", app.CallbackURLs, callback)
	}

	srv := mocksftest.NewServer(t, mocksftest.WithSeed(b))
	// The product listens elsewhere than the callback's port; the
	// browser stops at the callback URL and opens its path there.
	demo, err := gothapp.Start("", gothapp.Config{LoginURL: srv.URL, CallbackURL: callback, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = demo.Close() })

	ctx := context.Background()
	br := srv.Control.NewBrowser(callback)
	// step stops the test on an error and follows the product's own
	// redirects, which the browser leaves to its caller.
	var step func(p mocksfclient.Page, err error) mocksfclient.Page
	step = func(p mocksfclient.Page, err error) mocksfclient.Page {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if p.Redirect != nil && p.Callback == nil && strings.HasPrefix(p.Redirect.String(), demo.URL) {
			p = step(br.Get(ctx, p.Redirect.String()))
		}
		return p
	}
	p := step(br.Get(ctx, demo.URL+"/"))
	p = step(br.Submit(ctx, p, "settings_form", url.Values{"consumer_key": {app.ConsumerKey}, "consumer_secret": {app.ConsumerSecret}, "login_url": {srv.URL}}))
	p = step(br.Submit(ctx, p, "connect_form", nil))
	p = step(br.LogIn(ctx, p, user.Username, user.Password))
	p = step(br.Submit(ctx, p, mocksfclient.FormApproval, url.Values{"decision": {"allow"}}))
	if p.Callback == nil {
		t.Fatalf("Allow ended at %s: %s", p.URL, p.Problem())
	}
	p = step(br.Get(ctx, demo.URL+p.Callback.RequestURI()))
	for _, want := range []string{`id="status">Connected as ` + user.Username + `<`, `<li class="record">Ada Lovelace</li><li class="record">Grace Hopper</li>`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("callback page lacks %s:\n%s", want, p.Body)
		}
	}
}
