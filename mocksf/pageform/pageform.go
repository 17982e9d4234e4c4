// Package pageform reads mocksf's own HTML pages as a browserless client
// must: the forms (their action and hidden fields, CSRF token included)
// and the error a page shows. mocksfclient's browserless login (which
// mocksftest, e2e, cmd/sfload and cmd/sfconform use) drives the login,
// verification and Allow Access pages with it.
package pageform

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

var (
	formTag     = regexp.MustCompile(`(?s)<form\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</form>`)
	actionAttr  = regexp.MustCompile(`\baction="([^"]*)"`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	errorDiv    = regexp.MustCompile(`(?s)<div id="error"[^>]*>(.*?)</div>`)
)

// Form returns the action and hidden fields of the form with the id in
// body; ok is false when there is no such form.
func Form(body, id string) (action string, fields url.Values, ok bool) {
	for _, m := range formTag.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			continue
		}
		fields = url.Values{}
		for _, h := range hiddenInput.FindAllStringSubmatch(m[2], -1) {
			fields.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
		}
		if a := actionAttr.FindStringSubmatch(m[0]); a != nil {
			action = html.UnescapeString(a[1])
		}
		return action, fields, true
	}
	return "", nil, false
}

// Problem says what a page shows that explains an unexpected stop: its
// error message, else the start of the page (at most max bytes).
func Problem(body string, max int) string {
	if m := errorDiv.FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(html.UnescapeString(m[1]))
	}
	if len(body) > max {
		body = body[:max] + "…"
	}
	return body
}
