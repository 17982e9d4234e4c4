package i18n_test

import (
	"bytes"
	"fmt"
	"html/template"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sfharness/sfharness/internal/i18n"
	"golang.org/x/text/language"
)

func complete(t *testing.T) *i18n.Catalogue {
	t.Helper()
	c, err := i18n.New(os.DirFS("testdata/complete"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMatch(t *testing.T) {
	c := complete(t)
	tests := []struct {
		name  string
		prefs []string
		want  language.Tag
	}{
		{"salesforce key en_US", []string{"en_US"}, language.English},
		{"salesforce key nl_NL", []string{"nl_NL"}, language.Dutch},
		{"salesforce key ja", []string{"ja"}, language.Japanese},
		{"bcp47 nl-BE", []string{"nl-BE"}, language.Dutch},
		{"accept-language header", []string{"de-DE,de;q=0.9,ja;q=0.8,en;q=0.5"}, language.Japanese},
		{"accept-language quality order", []string{"en;q=0.1, nl;q=0.9"}, language.Dutch},
		{"unknown falls back to English", []string{"de-DE,fr;q=0.5"}, language.English},
		{"unparsable falls back to English", []string{"!!not a language"}, language.English},
		{"empty falls back to English", []string{""}, language.English},
		{"none falls back to English", nil, language.English},
		{"first preference that parses wins", []string{"", "ja_JP"}, language.Japanese},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Match(tt.prefs...); got != tt.want {
				t.Errorf("Match(%q) = %v; want %v", tt.prefs, got, tt.want)
			}
		})
	}
}

func TestLanguages(t *testing.T) {
	got := fmt.Sprint(complete(t).Languages())
	if !strings.HasPrefix(got, "[en ") || !strings.Contains(got, "nl") || !strings.Contains(got, "ja") {
		t.Errorf("Languages() = %s; want en first, then ja and nl", got)
	}
}

func TestT(t *testing.T) {
	c := complete(t)
	tests := []struct {
		lang string
		key  string
		data []any
		want string
	}{
		{"en_US", "page.title", nil, "Verify Your Identity"},
		{"nl_NL", "page.title", nil, "Uw identiteit verifiëren"},
		{"ja", "page.sentTo", []any{"Email", "a***@example.com"}, "a***@example.com にメールで送信した確認コードを入力してください。"},
		{"nl", "page.sentTo", []any{map[string]string{"Email": "x@y"}}, "Voer de verificatiecode in die we naar x@y hebben gestuurd."},
		{"nl", "page.sentTo", []any{struct{ Email string }{"s@t"}}, "Voer de verificatiecode in die we naar s@t hebben gestuurd."},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key, func(t *testing.T) {
			got, err := c.Localizer(tt.lang).T(tt.key, tt.data...)
			if err != nil || got != tt.want {
				t.Errorf("T(%q) = %q, %v; want %q", tt.key, got, err, tt.want)
			}
		})
	}
}

func TestTErrors(t *testing.T) {
	l := complete(t).Localizer("nl")
	for name, call := range map[string]func() (string, error){
		"unknown key":      func() (string, error) { return l.T("page.nope") },
		"odd data":         func() (string, error) { return l.T("page.sentTo", "Email") },
		"data name number": func() (string, error) { return l.T("page.sentTo", 1, 2) },
	} {
		t.Run(name, func(t *testing.T) {
			if got, err := call(); err == nil {
				t.Errorf("T = %q, nil; want an error", got)
			}
		})
	}
	if got := l.MustT("page.nope"); got != "page.nope" {
		t.Errorf("MustT(unknown) = %q; want the key", got)
	}
}

func TestTFallsBackToEnglish(t *testing.T) {
	c, err := i18n.New(os.DirFS("testdata/incomplete"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Localizer("nl_NL").T("page.title")
	if err != nil || got != "Verify Your Identity" {
		t.Errorf("T(page.title) in nl without it = %q, %v; want English", got, err)
	}
}

func TestFuncsInHTMLTemplate(t *testing.T) {
	l := complete(t).Localizer("ja")
	tmpl := template.Must(template.New("p").Funcs(l.Funcs()).Parse(
		`<html lang="{{lang}}"><h1>{{t "page.title"}}</h1><p>{{t "page.sentTo" "Email" .}}</p>`))
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, "<b>@x"); err != nil {
		t.Fatal(err)
	}
	want := `<html lang="ja"><h1>ID の確認</h1><p>&lt;b&gt;@x にメールで送信した確認コードを入力してください。</p>`
	if got := buf.String(); got != want {
		t.Errorf("page = %s\nwant   %s", got, want)
	}
	if err := template.Must(template.New("p").Funcs(l.Funcs()).Parse(`{{t "page.typo"}}`)).Execute(&buf, nil); err == nil {
		t.Error("a template naming an unknown key rendered; want an error")
	}
}

func TestEach(t *testing.T) {
	got := fmt.Sprint(complete(t).Each("page.title"))
	if want := "[Verify Your Identity Uw identiteit verifiëren ID の確認]"; got != want && got != "[Verify Your Identity ID の確認 Uw identiteit verifiëren]" {
		t.Errorf("Each(page.title) = %s; want %s in some order, English first", got, want)
	}
	if got := complete(t).Each("page.nope"); len(got) != 0 {
		t.Errorf("Each(unknown) = %q; want none", got)
	}
}

func TestText(t *testing.T) {
	c, err := i18n.New(fstest.MapFS{
		"en.toml": {Data: []byte(`"New Connected App" = "New Connected App"`)},
		"nl.toml": {Data: []byte(`"New Connected App" = "Nieuwe Verbonden App"`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	l := c.Localizer("nl")
	if got := l.Text("New Connected App"); got != "Nieuwe Verbonden App" {
		t.Errorf("Text(known) = %q; want the Dutch", got)
	}
	if got := l.Text("Not in the catalogue"); got != "Not in the catalogue" {
		t.Errorf("Text(unknown) = %q; want the text itself", got)
	}
}

func TestNewErrors(t *testing.T) {
	tests := map[string]fstest.MapFS{
		"no English":      {"nl.toml": {Data: []byte(`a = "b"`)}},
		"not a language":  {"en.toml": {Data: []byte(`a = "b"`)}, "xx-notalang-toolong.toml": {Data: []byte(`a = "b"`)}},
		"not TOML":        {"en.toml": {Data: []byte(`a = = "b"`)}},
		"empty catalogue": {},
	}
	for name, fsys := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := i18n.New(fsys); err == nil {
				t.Error("New succeeded; want an error")
			}
		})
	}
}

func TestCheck(t *testing.T) {
	if err := i18n.Check(os.DirFS("testdata/complete")); err != nil {
		t.Errorf("Check(complete) = %v; want nil", err)
	}
	err := i18n.Check(os.DirFS("testdata/incomplete"))
	if err == nil {
		t.Fatal("Check(incomplete) = nil; want an error")
	}
	for _, want := range []string{
		`nl.toml: missing "page.title" (in en.toml)`,
		`nl.toml: "page.extra" is not in en.toml`,
		`nl.toml: "page.sentTo" uses [Adres]; en.toml uses [Email]`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check(incomplete) = %v\nwant it to contain %s", err, want)
		}
	}
}

func TestCheckFindsEmptyMessages(t *testing.T) {
	err := i18n.Check(fstest.MapFS{
		"en.toml": {Data: []byte(`a = "A"` + "\n" + `b = "B"`)},
		"ja.toml": {Data: []byte(`a = ""` + "\n" + `b = "ビー"`)},
	})
	if err == nil || !strings.Contains(err.Error(), `ja.toml: "a" is empty`) {
		t.Errorf("Check = %v; want ja.toml's empty a reported", err)
	}
}

type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckComplete(t *testing.T) {
	i18n.CheckComplete(t, os.DirFS("testdata/complete"))
	var r recorder
	i18n.CheckComplete(&r, os.DirFS("testdata/incomplete"))
	if len(r.errs) != 1 || !strings.Contains(r.errs[0], "missing") {
		t.Errorf("CheckComplete(incomplete) reported %q; want one failure naming the missing key", r.errs)
	}
}
