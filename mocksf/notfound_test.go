package mocksf_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// A path that names nothing gets Salesforce's shapes, never net/http's
// "404 page not found": the REST API's NOT_FOUND under /services/data/ and
// /services/async/, the URL
// No Longer Exists page elsewhere, a missing static file included, in the
// browser's language.
func TestUnknownPathsAnswerAsSalesforce(t *testing.T) {
	t.Parallel()
	_, ts := newServer(t)
	tests := []struct {
		path, acceptLanguage string
		wantType             string
		want                 []string
	}{
		{"/no/such/page", "", "text/html", []string{`id="messagePage"`, "<h1>URL No Longer Exists</h1>", "no longer exists on salesforce.com."}},
		{"/static/nope.css", "", "text/html", []string{"<h1>URL No Longer Exists</h1>"}},
		{"/static/", "", "text/html", []string{"<h1>URL No Longer Exists</h1>"}},
		{"/no/such/page", "ja", "text/html", []string{"<h1>URL が存在しません</h1>", `<html lang="ja">`}},
		{"/no/such/page", "nl", "text/html", []string{"<h1>URL bestaat niet meer</h1>"}},
		{"/services/data/nope", "", "application/json", []string{`"errorCode":"NOT_FOUND"`, `"message":"The requested resource does not exist"`}},
		{"/services/async/nope", "", "application/json", []string{`"errorCode":"NOT_FOUND"`}},
		{"/services/oauth2/nope", "", "text/html", []string{"<h1>URL No Longer Exists</h1>"}},
		// The API's words stay English in every language.
		{"/services/data/nope", "ja", "application/json", []string{`"errorCode":"NOT_FOUND"`, "The requested resource does not exist"}},
	}
	for _, tc := range tests {
		t.Run(tc.acceptLanguage+tc.path, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tc.acceptLanguage != "" {
				req.Header.Set("Accept-Language", tc.acceptLanguage)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			body := string(b)
			if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.wantType) {
				t.Fatalf("GET %s = %d %s; want 404 %s\n%s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.wantType, body)
			}
			if strings.Contains(body, "404 page not found") {
				t.Errorf("GET %s answered net/http's text:\n%s", tc.path, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s lacks %s:\n%.600s", tc.path, w, body)
				}
			}
		})
	}
}
