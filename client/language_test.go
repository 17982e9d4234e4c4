package client

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client/salesforce"
	"github.com/sfharness/sfharness/client/store"
	"golang.org/x/oauth2"

	"github.com/sfharness/sfharness/internal/i18n"
)

// TestCatalogueComplete fails when a language lacks a key English has,
// has one English lacks, or fills other placeholders.
func TestCatalogueComplete(t *testing.T) {
	i18n.CheckComplete(t, localeFiles())
}

func TestCatalogueLanguages(t *testing.T) {
	var got []string
	for _, tag := range catalogue.Languages() {
		got = append(got, tag.String())
	}
	if len(got) != 3 || got[0] != "en" {
		t.Errorf("Languages() = %v; want en first, then nl and ja", got)
	}
}

// keyUses are where the code names a catalogue key: msg("key", ...) in
// Go, {{t "key"}} in the templates.
var keyUses = regexp.MustCompile(`(?:\bmsg\(|\{\{t |MustT\()"([^"]+)"`)

// TestEveryKeyInCatalogue fails when the code or a template names a key
// English lacks, which a page would show as the key itself.
func TestEveryKeyInCatalogue(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	templates, _ := filepath.Glob("templates/*.html")
	seen := 0
	for _, f := range append(files, templates...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyUses.FindAllSubmatch(src, -1) {
			seen++
			key := string(m[1])
			for _, tag := range catalogue.Languages() {
				if _, err := catalogue.In(tag).T(key); err != nil {
					t.Errorf("%s names %q, which %s lacks: %v", f, key, tag, err)
				}
			}
		}
	}
	if seen < 100 {
		t.Errorf("found %d uses of catalogue keys; want the pages' and messages' (over 100): is keyUses still right?", seen)
	}
}

// TestMessagesInEveryLanguage renders the messages with placeholders and
// nested messages in each language: Salesforce's code stays as sent and
// the nested hint is in the same language as the sentence around it.
func TestMessagesInEveryLanguage(t *testing.T) {
	m := clientCredentialsErrorMessage("invalid_client", "invalid client credentials")
	tests := []struct {
		lang string
		want string
	}{
		{"en", "Salesforce refused the client credentials flow: invalid_client: invalid client credentials. Check the Consumer Key and Consumer Secret, then click Connect again."},
		{"nl", "Salesforce heeft de client credentials flow geweigerd: invalid_client: invalid client credentials. Controleer de Consumentencode en het Consumentengeheim en klik dan opnieuw op Verbinden."},
		{"ja", "Salesforce がクライアントログイン情報フローを拒否しました: invalid_client: invalid client credentials。Consumer key と Consumer secret を確認してから、もう一度 [接続] をクリックしてください。"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			if got := m.in(catalogue.Localizer(tt.lang)); got != tt.want {
				t.Errorf("in %s = %q\nwant %q", tt.lang, got, tt.want)
			}
		})
	}
	if got := verbatim("as stored").in(catalogue.Localizer("ja")); got != "as stored" {
		t.Errorf("verbatim in ja = %q; want it as it is", got)
	}
}

// TestMessagesFillTheirPlaceholders renders every kind of message the
// code builds, in every language: each fills all its placeholders (go-i18n
// shows a missing one as "<no value>") and none shows as its key.
func TestMessagesFillTheirPlaceholders(t *testing.T) {
	apiErr := func(status int, code, text string) error {
		return &salesforce.APIError{StatusCode: status, Errors: []salesforce.ErrorDetail{{Message: text, ErrorCode: code}}}
	}
	msgs := map[string]message{
		"missing challenge":  oauthErrorMessage("invalid_request", salesforce.DescMissingChallenge, "http://b/cb"),
		"redirect mismatch":  oauthErrorMessage("redirect_uri_mismatch", "", "http://b/cb"),
		"oauth failed":       oauthErrorMessage("inactive_user", "", ""),
		"oauth described":    oauthErrorMessage("invalid_grant", "expired", ""),
		"exchange failed":    exchangeFailedMessage("connection refused"),
		"cc refused":         clientCredentialsErrorMessage("invalid_app_access", "user is not admin approved"),
		"cc http":            clientCredentialsHTTPMessage(404, "https://acme.my.salesforce.com"),
		"cc unreachable":     clientCredentialsUnreachableMessage("https://acme.my.salesforce.com", "no such host"),
		"identity":           identityErrorMessage(errors.New("boom")),
		"not revoked":        disconnectedNotRevokedMessage(apiErr(503, "", "")),
		"connected as":       connectedAsText("sync@acme.test"),
		"field sync failed":  fieldSyncFailedText(apiErr(400, "INVALID_FIELD", "No such column")),
		"sync failed":        syncFailedText(fmt.Errorf("x: %w", &url.Error{Op: "Get", URL: "http://x", Err: errors.New("connection refused")})),
		"session rejected":   describeSyncError(apiErr(401, "INVALID_SESSION_ID", "Session expired or invalid")),
		"bad token":          describeSyncError(apiErr(403, "Bad_OAuth_Token", "Bad_OAuth_Token")),
		"api status":         describeSyncError(apiErr(418, "", "teapot")),
		"api status only":    describeSyncError(&salesforce.APIError{StatusCode: 418}),
		"renew refused":      describeSyncError(fmt.Errorf("%w: %w", salesforce.ErrClientCredentialsRejected, &oauth2.RetrieveError{ErrorCode: "invalid_client"})),
		"storage full":       storageErrorMessage(&store.WriteError{Full: true}),
		"object done":        fieldPhaseText(store.ObjectFields{Object: "Lead", Phase: store.PhaseDone}),
		"object reading":     fieldPhaseText(store.ObjectFields{Object: "Lead", Phase: store.PhaseRunning}),
		"object failed":      fieldPhaseText(store.ObjectFields{Object: "Lead", Phase: store.PhaseFailed}),
		"object waiting":     fieldPhaseText(store.ObjectFields{Object: "Lead"}),
		"consumer key shape": msgConsumerKeyShape,
		"my domain shape":    msgMyDomainShape,
	}
	for name, m := range msgs {
		for _, tag := range catalogue.Languages() {
			got := m.in(catalogue.In(tag))
			if strings.Contains(got, "<no value>") || got == m.key || strings.Contains(got, "{{") {
				t.Errorf("%s in %s = %q: a placeholder is not filled, or the key is missing", name, tag, got)
			}
		}
	}
	if got := msgs["object done"].in(catalogue.Localizer("nl")); got != "Lead: 0 velden" {
		t.Errorf("object done in nl = %q; want %q", got, "Lead: 0 velden")
	}
}
