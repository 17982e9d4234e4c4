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
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
	errorDiv    = regexp.MustCompile(`(?s)<div id="error"[^>]*>(.*?)</div>`)
)

// Form returns the action and hidden fields of the form with the id in
// body; ok is false when there is no such form.
func Form(body, id string) (action string, fields url.Values, ok bool) {
	for rest := body; ; {
		whole, formID, inner, after, found := nextForm(rest)
		if !found {
			return "", nil, false
		}
		rest = after
		if formID != id {
			continue
		}
		fields = url.Values{}
		for _, h := range hiddenInput.FindAllStringSubmatch(inner, -1) {
			fields.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
		}
		if a, ok := actionIn(whole); ok {
			action = html.UnescapeString(a)
		}
		return action, fields, true
	}
}

// nextForm finds the first form in s as the regular expression
// (?s)<form\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</form> would (whole, the
// match; id and inner, its groups; after, the rest of s), with string
// searches instead: that expression's backtracking over whole pages was
// 4-6% of make load's CPU, the client's share of every page it reads.
// TestNextFormIsTheRegexp checks it against the expression.
func nextForm(s string) (whole, id, inner, after string, found bool) {
	for pos := 0; ; pos++ {
		i := strings.Index(s[pos:], "<form")
		if i < 0 {
			return "", "", "", "", false
		}
		start := pos + i
		pos = start
		tagAt := start + len("<form")
		if tagAt < len(s) && isWordByte(s[tagAt]) {
			continue // \b after "<form": not "<formula"
		}
		gt := strings.IndexByte(s[tagAt:], '>')
		if gt < 0 {
			return "", "", "", "", false // no tag ends: no form further on either
		}
		// [^>]* keeps \bid=" before the tag's first '>', but the value
		// ([^"]*) may hold one, and the tag then ends at the first '>'
		// after the value. Being greedy, [^>]* tries the last id=" first.
		tag := s[tagAt : tagAt+gt]
		for k := strings.LastIndex(tag, `id="`); k >= 0; k = strings.LastIndex(tag[:k], `id="`) {
			if k == 0 || isWordByte(tag[k-1]) {
				continue // \b before id: not "xid"; tag[0] follows "<form"'s m
			}
			valueAt := tagAt + k + len(`id="`)
			q := strings.IndexByte(s[valueAt:], '"')
			if q < 0 {
				continue
			}
			gt2 := strings.IndexByte(s[valueAt+q+1:], '>')
			if gt2 < 0 {
				continue
			}
			innerAt := valueAt + q + 1 + gt2 + 1
			end := strings.Index(s[innerAt:], "</form>")
			if end < 0 {
				continue
			}
			stop := innerAt + end + len("</form>")
			return s[start:stop], s[valueAt : valueAt+q], s[innerAt : innerAt+end], s[stop:], true
		}
	}
}

// actionIn finds the value of the first action attribute in a form, as
// \baction="([^"]*)" would: without a literal prefix, that expression
// was run as a backtracking search from every byte of the form.
// TestActionInIsTheRegexp checks it against the expression.
func actionIn(s string) (string, bool) {
	for k := 0; ; k++ {
		i := strings.Index(s[k:], `action="`)
		if i < 0 {
			return "", false
		}
		k += i
		if k > 0 && isWordByte(s[k-1]) {
			continue // \b before action: not "data-action"'s "taction"
		}
		value := s[k+len(`action="`):]
		q := strings.IndexByte(value, '"')
		if q < 0 {
			return "", false // no closing quote here, nor after a later one
		}
		return value[:q], true
	}
}

func isWordByte(b byte) bool {
	return b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z'
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
