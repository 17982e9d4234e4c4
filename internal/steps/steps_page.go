// The steps of the catalogue's section "Any page" (internal/steps/catalog.go,
// docs/steps.md), with the helpers they share with later sections.

package steps

import (
	"fmt"
	"strconv"
	"time"
)

// clicks clicks the visible button or link with exactly this label, or
// with another wording of a label the documentation names, or else the
// element that label names by its id (uiWords, internal/steps/catalog_labels.go):
// a Dutch or Japanese step finds its button on a page in any language.
// In the product's window, a label the product profile has a button for
// (Login with Salesforce, say, in any of its wordings) is that button.
func (w *world) clicks(label string) error {
	win := w.current
	for _, l := range labelTexts(label) {
		if b, path := w.product().productButton(l); b != nil && win == w.main {
			return w.clicksProductButton(win, b, path)
		}
	}
	js := fmt.Sprintf(`(() => {
		const want = %s, ids = %s;
		const buttons = [...document.querySelectorAll("button, a, input[type=submit], input[type=button]")].filter(el => el.id && el.offsetParent !== null);
		for (const el of buttons) {
			const text = (el.tagName === "INPUT" ? el.value : el.textContent).trim();
			if (want.includes(text)) return el.id;
		}
		for (const el of buttons) {
			if (ids.includes(el.id)) return el.id;
		}
		return "";
	})()`, jsStrings(labelTexts(label)), jsStrings(labelIDs(label)))
	// Find the id and use it in one go; a page that reloads in between
	// (a form that just posted) is looked at again.
	var id string
	deadline := time.Now().Add(StepTimeout)
	for {
		if err := win.WaitFor(fmt.Sprintf("a visible %q button", label), js); err != nil {
			return err
		}
		found, err := Eval[string](win, js)
		if err == nil && found != "" {
			id = found
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no visible %q button in window %q", label, win.Name)
		}
	}
	if name, ok := tabOpeners[id]; ok {
		tab, err := win.ClickOpeningPopup(id, name)
		if err != nil {
			return err
		}
		w.tabs, w.current = append(w.tabs, tab), tab
		return nil
	}
	return win.Click(id)
}

// tabOpeners are the ids of buttons that open a new tab, which the next
// steps act in, with the name the tab's artefacts are saved under: an
// External Client App's Consumer Key and Secret opens in a new tab, as
// on Salesforce.
var tabOpeners = map[string]string{sfConsumerKeyAndSecret: "consumer-details"}

func (w *world) salesforceSays(text string) error {
	return w.current.WaitFor(fmt.Sprintf("the page to say %q", text),
		fmt.Sprintf(`document.body.innerText.includes(%s)`, strconv.Quote(text)))
}

// labelledField is the JavaScript expression that finds the id of the
// form control labelled exactly text (or another wording of a label the
// documentation names, or else the control it names by id: uiWords), or
// "".
func labelledField(text string) string {
	return fmt.Sprintf(`(() => {
		const want = %s, ids = %s;
		for (const l of document.querySelectorAll("label")) {
			if (want.includes(l.textContent.trim()) && l.htmlFor && document.getElementById(l.htmlFor)) return l.htmlFor;
		}
		for (const id of ids) {
			if (document.getElementById(id)) return id;
		}
		return "";
	})()`, jsStrings(labelTexts(text)), jsStrings(labelIDs(text)))
}

// fieldID waits for the control labelled text and returns its id.
func (w *world) fieldID(text string) (string, error) {
	js := labelledField(text)
	if err := w.current.WaitFor(fmt.Sprintf("a field labelled %q", text), js); err != nil {
		return "", err
	}
	return Eval[string](w.current, js)
}

// selectsOption picks the option with this text in the select labelled
// field, as a person would in the drop-down.
func (w *world) selectsOption(option, field string) error {
	id, err := w.fieldID(field)
	if err != nil {
		return err
	}
	js := fmt.Sprintf(`(() => {
		const s = document.getElementById(%s);
		if (!s || s.tagName !== "SELECT") return "not a drop-down";
		for (const o of s.options) {
			if (o.textContent.trim() === %s) {
				s.value = o.value;
				s.dispatchEvent(new Event("input", {bubbles: true}));
				s.dispatchEvent(new Event("change", {bubbles: true}));
				return "";
			}
		}
		return "no option " + %s + " among: " + [...s.options].map(o => o.textContent.trim()).join(", ");
	})()`, strconv.Quote(id), strconv.Quote(option), strconv.Quote(strconv.Quote(option)))
	problem, err := Eval[string](w.current, js)
	if err != nil {
		return err
	}
	if problem != "" {
		return fmt.Errorf("the field %q: %s", field, problem)
	}
	return nil
}

// ticks sets the checkbox labelled text to on (tick) or off (untick), by
// clicking it when it is not so already.
func (w *world) ticks(action, text string) error {
	id, err := w.fieldID(text)
	if err != nil {
		return err
	}
	want := inEnglish(action) == "ticks"
	on, err := Eval[bool](w.current, fmt.Sprintf(`document.getElementById(%s).checked === true`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if on == want {
		return nil
	}
	if err := w.current.Click(id); err != nil {
		return err
	}
	return w.current.WaitFor(fmt.Sprintf("%q to be %s", text, map[bool]string{true: "ticked", false: "unticked"}[want]),
		fmt.Sprintf(`document.getElementById(%s).checked === %t`, strconv.Quote(id), want))
}

// checkboxIs checks the state of the checkbox labelled text.
func (w *world) checkboxIs(text, state string) error {
	id, err := w.fieldID(text)
	if err != nil {
		return err
	}
	on, err := Eval[bool](w.current, fmt.Sprintf(`document.getElementById(%s).checked === true`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if want := inEnglish(state) == "ticked"; on != want {
		return fmt.Errorf("%q is %s; want %s", text, map[bool]string{true: "ticked", false: "not ticked"}[on], state)
	}
	return nil
}

// chooses selects the radio button or checkbox with this label, then
// clicks the button.
func (w *world) chooses(option, button string) error {
	id, err := w.fieldID(option)
	if err != nil {
		return err
	}
	if err := w.current.Click(id); err != nil {
		return err
	}
	return w.clicks(button)
}

// fieldHolds checks what a field (found by its label) still holds.
func (w *world) fieldHolds(label, value string) error {
	id, err := w.fieldID(label)
	if err != nil {
		return err
	}
	got, err := Eval[string](w.current, fmt.Sprintf(`document.getElementById(%s).value`, strconv.Quote(id)))
	if err != nil {
		return err
	}
	if got != value {
		return fmt.Errorf("the field %q holds %q; want %q (nothing typed may be lost)", label, got, value)
	}
	return nil
}
