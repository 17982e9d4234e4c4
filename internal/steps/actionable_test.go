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

// A click waits until nothing covers its element (a dialog's backdrop, an
// overlay), reaches a visually hidden checkbox through its label, and is
// made again, once, when the page moves the element away under the
// pointer (a message shown above it): the element hears exactly one click.
func TestClickHitsItsElement(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<!doctype html><body style="margin:0">
<div id="cover" style="position:fixed;inset:0;background:rgba(0,0,0,.3)"></div>
<button id="under" onclick="document.title += ' under'">Under</button>
<p><input type="checkbox" id="box" style="position:absolute;opacity:0;width:1px;height:1px;margin:0">
<label for="box" style="padding:8px 30px">Tick</label></p>
<div id="slot"></div>
<button id="moving">Moving</button>
<script>
setTimeout(() => document.getElementById("cover").remove(), 100);
let moved = false, clicks = 0;
const moving = document.getElementById("moving");
moving.addEventListener("mousedown", () => {
	if (moved) return;
	moved = true;
	document.getElementById("slot").innerHTML = '<p style="height:80px">Saved.</p>';
});
moving.addEventListener("click", () => { clicks++; document.body.dataset.clicks = clicks; });
</script>`)
	}))
	defer srv.Close()
	win, _ := startChromiumCtx(t, "clicks")
	if err := win.Navigate(srv.URL); err != nil {
		t.Fatal(err)
	}
	if err := win.Click("under"); err != nil {
		t.Fatal(err)
	}
	if title, _ := Eval[string](win, `document.title`); title != "under" {
		t.Errorf("title %q after clicking the covered button; want its handler to have run once, after the cover went", title)
	}
	if err := win.Click("box"); err != nil {
		t.Fatal(err)
	}
	if ticked, _ := Eval[bool](win, `document.getElementById("box").checked`); !ticked {
		t.Error("the hidden checkbox is not ticked; want it ticked through its label")
	}
	if err := win.Click("moving"); err != nil {
		t.Fatal(err)
	}
	if clicks, _ := Eval[string](win, `document.body.dataset.clicks || "0"`); clicks != "1" {
		t.Errorf("the button that moved at the first press heard %s clicks; want 1", clicks)
	}
}
