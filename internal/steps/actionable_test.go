package steps

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The actions wait in the page for what they need: a click for its
// button to be shown and enabled (and scrolls to it, far below the fold),
// typing for its field to exist, reading for its element to be shown;
// and they go on in the next page when the first one navigates away. A
// selector the page cannot parse fails at once, saying which.
func TestActionsWaitForTheElement(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<!doctype html><body>
<button id="go" disabled hidden style="margin-top:3000px" onclick="document.title = 'clicked ' + window.scrollY">Go</button>
<p id="note" hidden>shown late</p>
<script>
setTimeout(() => { document.getElementById("go").hidden = false; }, 60);
setTimeout(() => { document.getElementById("go").disabled = false; }, 120);
setTimeout(() => { document.getElementById("note").hidden = false; }, 90);
setTimeout(() => { const i = document.createElement("input"); i.id = "late"; i.value = "old"; document.body.prepend(i); }, 150);
</script>`)
		case "/away":
			// Navigates before its field exists: the wait goes on there.
			fmt.Fprint(w, `<!doctype html><script>setTimeout(() => location.href = "/there", 50);</script>`)
		case "/there":
			fmt.Fprint(w, `<!doctype html><input id="there">`)
		}
	}))
	defer srv.Close()
	win, _ := startChromiumCtx(t, "actions")
	if err := win.Navigate(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if err := win.Click("go"); err != nil {
		t.Fatal(err)
	}
	title, err := Eval[string](win, `document.title`)
	if err != nil || !strings.HasPrefix(title, "clicked ") || title == "clicked 0" {
		t.Errorf("after the click the title is %q (%v); want the button's handler to have run, scrolled down to it", title, err)
	}
	if text, err := win.Text("note"); err != nil || text != "shown late" {
		t.Errorf("Text(note) = %q, %v; want the paragraph's text once shown", text, err)
	}
	if err := win.Type("late", "new"); err != nil {
		t.Fatal(err)
	}
	if v, err := Eval[string](win, `document.getElementById("late").value`); err != nil || v != "new" {
		t.Errorf("the late field holds %q (%v); want only what was typed", v, err)
	}
	if err := win.Navigate(srv.URL + "/away"); err != nil {
		t.Fatal(err)
	}
	if err := win.Type("there", "x"); err != nil {
		t.Fatalf("typing into a field of the page the first one went to: %v", err)
	}
	err = win.Click("not a selector[")
	if err == nil || !strings.Contains(err.Error(), "not a selector[") {
		t.Errorf("clicking an unparseable selector: %v; want an error naming it", err)
	}
}
