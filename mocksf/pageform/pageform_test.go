package pageform

import "testing"

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
