package client_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/client"
)

// newLanguageServer is a Beacon whose Salesforce is never called: the
// pages and answers of these tests come before any login.
func newLanguageServer(t *testing.T) *client.Server {
	t.Helper()
	srv, err := client.NewServer(client.Config{SalesforceURL: "http://127.0.0.1:1", BaseURL: "http://beacon.test", OAuthFeature: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// serve sends one request through Beacon's router.
func serve(srv http.Handler, method, target string, header map[string]string, body url.Values) *httptest.ResponseRecorder {
	var req *http.Request
	if body != nil {
		req = httptest.NewRequest(method, "http://beacon.test"+target, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, "http://beacon.test"+target, nil)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// ids are the elements the steps and the page's script find, which must
// be the same in every language.
var ids = []string{`id="consumerKey"`, `id="consumerSecret"`, `id="saveCredentials"`, `id="confirmCredentials"`,
	`id="startSalesforceSync"`, `id="startSync"`, `id="sync-status"`, `id="error"`, `id="message"`}

func TestSalesforcePageLanguage(t *testing.T) {
	t.Parallel()
	srv := newLanguageServer(t)
	tests := []struct {
		name       string
		target     string
		header     map[string]string
		wantLang   string
		wantIn     []string
		wantCookie string // the lang cookie set, "" for none
	}{
		{"no preference is English", "/admin/crm/salesforce", nil, "en",
			[]string{"<h1>Sync with Salesforce</h1>", ">Consumer Key</label>", ">Save</button>", ">Confirm Credentials</button>", ">Start Salesforce Sync</button>", ">Start Sync</button>", "Not started",
				` data-http-error="The request failed (HTTP {status}). Reload the page and try again."></script>`}, ""},
		{"Accept-Language nl-BE is Dutch", "/admin/crm/salesforce", map[string]string{"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}, "nl",
			[]string{"<title>Synchroniseren met Salesforce · Beacon</title>", "<h1>Synchroniseren met Salesforce</h1>", ">Consumentencode</label>", ">Consumentengeheim</label>",
				">Opslaan</button>", ">Credentials bevestigen</button>", ">Salesforce Sync starten</button>", ">Sync starten</button>", "Niet gestart",
				` data-http-error="Het verzoek is mislukt (HTTP {status}). Laad de pagina opnieuw en probeer het nog eens."></script>`}, ""},
		{"Accept-Language ja-JP is Japanese", "/admin/crm/salesforce", map[string]string{"Accept-Language": "ja-JP"}, "ja",
			[]string{"<h1>Salesforceと同期</h1>", ">Consumer key</label>", ">保存</button>", ">資格情報を確認</button>", ">開始Salesforce同期</button>", ">開始同期</button>", "未開始",
				` data-http-error="要求が失敗しました (HTTP {status})。ページを再読み込みしてから、もう一度お試しください。"></script>`}, ""},
		{"a language Beacon does not speak is English", "/admin/crm/salesforce", map[string]string{"Accept-Language": "de-DE,fr;q=0.5"}, "en",
			[]string{"<h1>Sync with Salesforce</h1>"}, ""},
		{"an unparsable Accept-Language is English", "/admin/crm/salesforce", map[string]string{"Accept-Language": "!!;q=x"}, "en",
			[]string{"<h1>Sync with Salesforce</h1>"}, ""},
		{"lang beats Accept-Language and is kept", "/admin/crm/salesforce?lang=ja", map[string]string{"Accept-Language": "nl"}, "ja",
			[]string{"<h1>Salesforceと同期</h1>"}, "ja"},
		{"the lang cookie beats Accept-Language", "/admin/crm/salesforce", map[string]string{"Accept-Language": "ja", "Cookie": "beacon_lang=nl"}, "nl",
			[]string{"<h1>Synchroniseren met Salesforce</h1>"}, ""},
		{"an unknown lang is no choice", "/admin/crm/salesforce?lang=de", map[string]string{"Accept-Language": "nl"}, "nl",
			[]string{"<h1>Synchroniseren met Salesforce</h1>"}, ""},
		{"CRM in Dutch", "/admin/crm", map[string]string{"Accept-Language": "nl"}, "nl",
			[]string{`id="crm-sync-salesforce" href="/admin/crm/salesforce">Synchroniseren met Salesforce</a>`, `id="nav-crm"`}, ""},
		{"CRM in Japanese", "/admin/crm", map[string]string{"Accept-Language": "ja"}, "ja",
			[]string{`id="crm-sync-salesforce" href="/admin/crm/salesforce">Salesforceと同期</a>`}, ""},
		{"Admin in Japanese", "/admin", map[string]string{"Accept-Language": "ja"}, "ja",
			[]string{"<h1>管理者</h1>", `id="nav-crm"`}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serve(srv, http.MethodGet, tt.target, tt.header, nil)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s = %d\n%s", tt.target, rec.Code, body)
			}
			if got := rec.Header().Get("Content-Language"); got != tt.wantLang {
				t.Errorf("Content-Language = %q; want %q", got, tt.wantLang)
			}
			for _, want := range append([]string{`<html lang="` + tt.wantLang + `">`}, tt.wantIn...) {
				if !strings.Contains(body, want) {
					t.Errorf("GET %s lacks %s", tt.target, want)
				}
			}
			if strings.HasPrefix(tt.target, "/admin/crm/salesforce") {
				for _, id := range ids {
					if !strings.Contains(body, id) {
						t.Errorf("GET %s in %s lacks %s: ids do not change with the language", tt.target, tt.wantLang, id)
					}
				}
			}
			var cookie string
			for _, c := range rec.Result().Cookies() {
				if c.Name == "beacon_lang" {
					cookie = c.Value
				}
			}
			if cookie != tt.wantCookie {
				t.Errorf("lang cookie = %q; want %q", cookie, tt.wantCookie)
			}
		})
	}
}

func TestMessagesInLanguage(t *testing.T) {
	t.Parallel()
	srv := newLanguageServer(t)
	// A session and its CSRF token, for the form and the script's calls.
	page := serve(srv, http.MethodGet, "/admin/crm/salesforce", nil, nil)
	session := page.Result().Cookies()[0]
	csrf := csrfMeta.FindStringSubmatch(page.Body.String())[1]
	cookie := session.Name + "=" + session.Value

	tests := []struct {
		name         string
		method, path string
		header       map[string]string
		form         url.Values
		wantStatus   int
		wantIn       string
	}{
		{"a form's problems in Dutch", http.MethodPost, "/admin/crm/salesforce", map[string]string{"Accept-Language": "nl", "Cookie": cookie},
			url.Values{"csrf_token": {csrf}}, http.StatusUnprocessableEntity, "<p>Voer de Consumentencode in.</p><p>Voer het Consumentengeheim in.</p>"},
		{"a form's problems in Japanese", http.MethodPost, "/admin/crm/salesforce", map[string]string{"Accept-Language": "ja", "Cookie": cookie},
			url.Values{"csrf_token": {csrf}, "consumerKey": {"short"}}, http.StatusUnprocessableEntity, "Consumer key は 20〜255 文字で"},
		{"the CSRF error page in Dutch", http.MethodPost, "/admin/crm/salesforce", map[string]string{"Accept-Language": "nl", "Cookie": cookie},
			url.Values{"csrf_token": {"forged"}}, http.StatusForbidden, "<h1>Niet toegestaan</h1>"},
		{"the script's error in Japanese", http.MethodPost, "/admin/crm/salesforce/confirm", map[string]string{"Accept-Language": "ja", "Cookie": cookie, "X-CSRF-Token": csrf},
			nil, http.StatusConflict, `"error":"先に Consumer key と Consumer secret を保存してから、Login with Salesforce をクリックしてください。"`},
		{"the status in Dutch", http.MethodGet, "/admin/crm/salesforce/status", map[string]string{"Accept-Language": "nl"},
			nil, http.StatusOK, `"connection":"Niet verbonden"`},
		{"the status in Japanese", http.MethodGet, "/admin/crm/salesforce/status", map[string]string{"Accept-Language": "ja"},
			nil, http.StatusOK, `"text":"Lead: 待機中"`},
		{"the pop-up's page in the lang cookie's language", http.MethodGet, "/salesforce/getSfdcOAuthTokensRedirect?state=forged&code=x", map[string]string{"Cookie": cookie + "; beacon_lang=nl"},
			nil, http.StatusBadRequest, "Deze aanmelding is niet in deze browsersessie begonnen"},
		{"the login without credentials in Japanese", http.MethodGet, "/salesforce/login?lang=ja", map[string]string{"Cookie": cookie},
			nil, http.StatusConflict, "先に Consumer key と Consumer secret を保存してから"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := serve(srv, tt.method, tt.path, tt.header, tt.form)
			if rec.Code != tt.wantStatus || !strings.Contains(rec.Body.String(), tt.wantIn) {
				t.Errorf("%s %s = %d\n%s\nwant %d with %s", tt.method, tt.path, rec.Code, rec.Body.String(), tt.wantStatus, tt.wantIn)
			}
		})
	}
}

// TestStatusTextsDifferByLanguage checks that every text of the status
// the page polls is in the asked language, not only the first.
func TestStatusTextsDifferByLanguage(t *testing.T) {
	t.Parallel()
	srv := newLanguageServer(t)
	texts := map[string]string{}
	for _, lang := range []string{"en", "nl", "ja"} {
		rec := serve(srv, http.MethodGet, "/admin/crm/salesforce/status", map[string]string{"Accept-Language": lang}, nil)
		var s struct {
			Connection string `json:"connection"`
			FieldSync  struct {
				Text string `json:"text"`
			} `json:"fieldSync"`
			Sync struct {
				Text string `json:"text"`
			} `json:"sync"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &s); err != nil {
			t.Fatalf("status in %s: %v\n%s", lang, err, rec.Body.String())
		}
		texts[lang] = s.Connection + "|" + s.FieldSync.Text + "|" + s.Sync.Text
	}
	if want := "Not connected|Field sync not started|Not started"; texts["en"] != want {
		t.Errorf("status in English = %q; want %q", texts["en"], want)
	}
	if texts["nl"] == texts["en"] || texts["ja"] == texts["en"] || texts["nl"] == texts["ja"] {
		t.Errorf("status texts = %q; want each language its own", texts)
	}
}

// The language switcher links each page to itself in every language
// Beacon speaks, named in its own; an error page after a form links to
// the Sync with Salesforce page, since the form's URL takes only a POST.
func TestLanguageSwitcher(t *testing.T) {
	t.Parallel()
	srv := newLanguageServer(t)
	tests := []struct {
		name, method, path string
		form               url.Values
		want               []string
	}{
		{"CRM in Japanese", http.MethodGet, "/admin/crm?lang=ja", nil, []string{
			`<a id="lang-en" href="/admin/crm?lang=en" hreflang="en" lang="en">English</a>`,
			`<a id="lang-nl" href="/admin/crm?lang=nl" hreflang="nl" lang="nl">Nederlands</a>`,
			`<a id="lang-ja" href="/admin/crm?lang=ja" hreflang="ja" lang="ja" aria-current="true">日本語</a>`,
			`aria-label="言語"`}},
		{"Admin", http.MethodGet, "/admin", nil, []string{`id="lang-nl" href="/admin?lang=nl"`, `id="lang-en" href="/admin?lang=en" hreflang="en" lang="en" aria-current="true"`}},
		{"an error page after a form", http.MethodPost, "/admin/crm/salesforce/disconnect?lang=nl", url.Values{"csrf_token": {"forged"}}, []string{
			`id="lang-ja" href="/admin/crm/salesforce?lang=ja"`, "<h1>Niet toegestaan</h1>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body := serve(srv, tt.method, tt.path, nil, tt.form).Body.String()
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("%s %s lacks %s\n%s", tt.method, tt.path, want, body)
				}
			}
		})
	}
}
