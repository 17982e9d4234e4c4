package pageform

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

const page = `<div id="error" class="error">Please check your username &amp; password.</div>
<form id="login_form" method="post" action="/?a=1&amp;b=2">
<input type="hidden" name="_CONFIRMATIONTOKEN" value="tok&lt;1">
<input type="hidden" name="startURL" value="/setup">
<input type="text" name="username" value="ignored">
</form>
<form id="other" action="/x"><input type="hidden" name="k" value="v"></form>`

func TestForm(t *testing.T) {
	action, fields, ok := Form(page, "login_form")
	if !ok || action != "/?a=1&b=2" {
		t.Fatalf("Form = %q, %v; want the unescaped action", action, ok)
	}
	if got := fields.Get("_CONFIRMATIONTOKEN"); got != "tok<1" {
		t.Errorf("CSRF token = %q; want tok<1", got)
	}
	if fields.Get("startURL") != "/setup" || fields.Has("username") {
		t.Errorf("fields = %v; want only the hidden ones", fields)
	}
	if _, _, ok := Form(page, "missing"); ok {
		t.Error("Form found a form that is not there")
	}
}

func TestProblem(t *testing.T) {
	if got := Problem(page, 10); got != "Please check your username & password." {
		t.Errorf("Problem = %q; want the error text", got)
	}
	if got := Problem("<p>plain page</p>", 5); got != "<p>pl…" {
		t.Errorf("Problem = %q; want the cut page", got)
	}
}

// formTag is the expression nextForm stands for.
var formTag = regexp.MustCompile(`(?s)<form\b[^>]*\bid="([^"]*)"[^>]*>(.*?)</form>`)

// TestNextFormIsTheRegexp compares nextForm, form after form, with the
// expression's matches, on pages built from pieces that test each part
// of it (word boundaries, ids in and out of the tag, unclosed tags and
// forms, several ids in one tag), every sequence of up to four pieces.
func TestNextFormIsTheRegexp(t *testing.T) {
	pieces := []string{
		`<form id="a" action="/x">`, `<form method="post" id="b">`, `<formula id="c">`,
		`<form data-id="d" id="e">`, `<form id="f" data-id="g">`, `<form xid="h">`,
		`<form id="i>`, `<form>`, `<form id="j"`, `</form>`, `<input type="hidden" name="k" value="v">`,
		`id="z"`, "\n", `<form`, `>`, `"`, page,
	}
	var pages []string
	var build func(prefix string, n int)
	build = func(prefix string, n int) {
		pages = append(pages, prefix)
		if n == 0 {
			return
		}
		for _, p := range pieces {
			build(prefix+p, n-1)
		}
	}
	build("", 4)
	for _, s := range pages {
		var got [][]string
		for rest := s; ; {
			whole, id, inner, after, ok := nextForm(rest)
			if !ok {
				break
			}
			got = append(got, []string{whole, id, inner})
			rest = after
		}
		want := formTag.FindAllStringSubmatch(s, -1)
		if len(want) == 0 {
			want = nil
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("page %q:\nnextForm %q\nregexp   %q", s, got, want)
		}
	}
	t.Logf("%d pages", len(pages))
}

func BenchmarkForm(b *testing.B) {
	body := strings.Repeat("<p>text of the page, with <b>markup</b></p>\n", 100) + page
	for b.Loop() {
		if _, _, ok := Form(body, "other"); !ok {
			b.Fatal("no form")
		}
	}
}

// TestActionInIsTheRegexp compares actionIn with the expression it stands
// for on every sequence of up to five pieces.
func TestActionInIsTheRegexp(t *testing.T) {
	actionAttr := regexp.MustCompile(`\baction="([^"]*)"`)
	pieces := []string{`action="/a"`, `xaction="/b"`, `data-action="/c"`, ` `, `"`, `action="`, `action=`, "/d", `<form `}
	var build func(prefix string, n int)
	build = func(prefix string, n int) {
		got, ok := actionIn(prefix)
		m := actionAttr.FindStringSubmatch(prefix)
		if ok != (m != nil) || ok && got != m[1] {
			t.Fatalf("%q: actionIn = %q, %v; regexp %q", prefix, got, ok, m)
		}
		if n == 0 {
			return
		}
		for _, p := range pieces {
			build(prefix+p, n-1)
		}
	}
	build("", 5)
}
