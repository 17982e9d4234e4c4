package ownproduct_test

import (
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/cucumber/godog"

	"example.com/ownproduct/product"
	"github.com/sfharness/sfharness/mocksf/mocksftest"
	"github.com/sfharness/sfharness/sfsteps"
)

// chromeURL drives a running Chromium (ws://… or http://host:9222)
// instead of starting one: go test -chrome-url=...
var chromeURL = flag.String("chrome-url", os.Getenv("CHROME_URL"), "a running Chromium's CDP endpoint (default: start chromium)")

// TestFeatures runs features/ against this repository's own product,
// Ledgerly, and a mocksf started in-process, with the harness's steps:
// sfsteps drives the browser through Salesforce's pages and, through
// profile.yaml, through Ledgerly's.
func TestFeatures(t *testing.T) {
	// mocksf with no org: each scenario creates its own.
	salesforce := mocksftest.NewServer(t, mocksftest.WithSeed([]byte("orgs: []\n")))

	// The product on a loopback port it knows before it serves, for its
	// redirect URI.
	ts := httptest.NewUnstartedServer(nil)
	ts.Config.Handler = product.New(product.Config{SalesforceURL: salesforce.URL, BaseURL: "http://" + ts.Listener.Addr().String()})
	ts.Start()
	defer ts.Close()

	steps, err := sfsteps.New(context.Background(), sfsteps.Config{
		MocksfURL:  salesforce.URL,
		Product:    "profile.yaml",
		ProductURL: ts.URL,
		ChromeURL:  *chromeURL,
		ResultsDir: "results",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer steps.Close()

	status := godog.TestSuite{
		Name:                "ownproduct",
		ScenarioInitializer: steps.Register,
		Options: &godog.Options{
			Format: "pretty",
			Paths:  []string{"features"},
			// An undefined step fails the run, as in the harness's own suite.
			Strict: true,
			// One product for every scenario: they take turns.
			Concurrency: 1,
			Output:      os.Stdout,
		},
	}.Run()
	if status != 0 {
		t.Fatalf("the features failed (godog status %d); screenshots and pages of a failed step are under results/", status)
	}
}
