package setup_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

var fieldErrors = regexp.MustCompile(`id="([a-zA-Z]+)-error">([^<]*)<`)

// newAppForm is a valid New Connected App form with the optional Basic
// Information fields set as given.
func newAppForm(sess store.Session, phone, logo, info string) url.Values {
	return url.Values{
		"_CONFIRMATIONTOKEN": {sess.CSRF}, "name": {"Beacon"}, "contactEmail": {"admin@example.com"},
		"contactPhone": {phone}, "logoUrl": {logo}, "infoUrl": {info},
		"oauthEnabled": {"1"}, "callbackUrl": {"https://example.com/cb"}, "scopes": {"api"},
	}
}

func TestBasicInformationValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name              string
		phone, logo, info string
		wantErrors        map[string]string
	}{
		{"all empty", "", "", "", nil},
		{"all valid", "+1 (415) 555-0100 ext. 12", "https://cdn.example.com/logo.png", "http://example.com/about", nil},
		{"phone of 40 characters", strings.Repeat("9", 40), "", "", nil},
		{"phone of 40 non-ASCII characters", strings.Repeat("٩", 40), "", "", nil},
		{"phone too long", strings.Repeat("9", 41), "", "", map[string]string{"contactPhone": setup.MsgPhoneTooLong}},
		{"upper-case scheme", "", "HTTPS://example.com/logo.png", "", nil},
		{"logo without scheme", "", "example.com/logo.png", "", map[string]string{"logoUrl": setup.MsgBadURL}},
		{"logo relative", "", "/logo.png", "", map[string]string{"logoUrl": setup.MsgBadURL}},
		{"logo by ftp", "", "ftp://example.com/logo.png", "", map[string]string{"logoUrl": setup.MsgBadURL}},
		{"logo with a space", "", "https://example.com/my logo.png", "", map[string]string{"logoUrl": setup.MsgBadURL}},
		{"info javascript", "", "", "javascript:alert(1)", map[string]string{"infoUrl": setup.MsgBadURL}},
		{"info without host", "", "", "https://", map[string]string{"infoUrl": setup.MsgBadURL}},
		{"all bad", strings.Repeat("9", 41), "logo", "info", map[string]string{
			"contactPhone": setup.MsgPhoneTooLong, "logoUrl": setup.MsgBadURL, "infoUrl": setup.MsgBadURL}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, sessions := restrictedOrg(t)
			d := quietDeps(st)
			sess := sessions["Acme"]
			rec := record(t, d, setup.HandleCreateApp(d), sess, "POST", setup.EditPath, newAppForm(sess, tt.phone, tt.logo, tt.info))
			got := map[string]string{}
			for _, m := range fieldErrors.FindAllStringSubmatch(rec.Body.String(), -1) {
				got[m[1]] = html.UnescapeString(m[2])
			}
			if len(got) != len(tt.wantErrors) {
				t.Errorf("got field errors %v; want %v", got, tt.wantErrors)
			}
			for field, want := range tt.wantErrors {
				if got[field] != want {
					t.Errorf("got %s error %q; want %q", field, got[field], want)
				}
			}
			if tt.wantErrors == nil {
				if rec.Code != http.StatusFound {
					t.Fatalf("got status %d; want 302 to the saved notice", rec.Code)
				}
				return
			}
			// Nothing typed is lost.
			for _, typed := range []string{tt.phone, tt.logo, tt.info} {
				if typed != "" && !strings.Contains(html.UnescapeString(rec.Body.String()), `value="`+typed+`"`) {
					t.Errorf("got the form without %q; want what was typed kept", typed)
				}
			}
		})
	}
}

// Contact Phone, Logo Image URL and Info URL are saved, shown on the app's
// page and filled in on Edit, and an Edit that leaves them keeps them.
func TestBasicInformationIsSavedShownAndKept(t *testing.T) {
	t.Parallel()
	st, sessions := restrictedOrg(t)
	d := quietDeps(st)
	sess := sessions["Acme"]
	const phone, logo, info = "+1 415 555 0100", "https://cdn.example.com/logo.png?size=64&fmt=png", "https://example.com/about"
	rec := record(t, d, setup.HandleCreateApp(d), sess, "POST", setup.EditPath, newAppForm(sess, phone, logo, info))
	if rec.Code != http.StatusFound {
		t.Fatalf("got status %d; want 302", rec.Code)
	}
	var app store.ConnectedApp
	for _, a := range st.Apps(sess.OrgID) {
		if a.Name == "Beacon" {
			app = a
		}
	}
	if app.ContactPhone != phone || app.LogoURL != logo || app.InfoURL != info {
		t.Fatalf("got saved %q, %q, %q; want %q, %q, %q", app.ContactPhone, app.LogoURL, app.InfoURL, phone, logo, info)
	}
	id := "?applicationId=" + app.ID
	detail := record(t, d, setup.HandleDetail(d), sess, "GET", setup.DetailPath+id, nil).Body.String()
	edit := record(t, d, setup.HandleEditApp(d), sess, "GET", setup.EditPath+id, nil).Body.String()
	tests := []struct {
		page, body, want string
	}{
		{"app page", detail, `<dd id="detailContactPhone">` + phone + `</dd>`},
		{"app page", detail, `<dd id="detailLogoUrl"><a href="` + logo + `" rel="noopener noreferrer">` + logo + `</a></dd>`},
		{"app page", detail, `<dd id="detailInfoUrl"><a href="` + info + `" rel="noopener noreferrer">` + info + `</a></dd>`},
		{"Edit", edit, `id="contactPhone" name="contactPhone" value="` + phone + `"`},
		{"Edit", edit, `id="logoUrl" name="logoUrl" value="` + logo + `"`},
		{"Edit", edit, `id="infoUrl" name="infoUrl" value="` + info + `"`},
	}
	for _, tt := range tests {
		if !strings.Contains(html.UnescapeString(tt.body), tt.want) {
			t.Errorf("got the %s without %s", tt.page, tt.want)
		}
	}
	// The app page loads nothing from the logo's host: the policy allows
	// images from mocksf alone.
	if strings.Contains(detail, "<img") {
		t.Errorf("got an image on the app page; want the logo's URL as a link")
	}

	// Saving Edit with the fields as filled in keeps them; clearing one
	// clears it.
	form := newAppForm(sess, phone, logo, info)
	form.Set("apiName", app.APIName)
	form.Set("infoUrl", "")
	if rec := record(t, d, setup.HandleUpdateApp(d), sess, "POST", setup.EditPath+id, form); rec.Code != http.StatusFound {
		t.Fatalf("got status %d for Edit; want 302", rec.Code)
	}
	got, _ := st.AppByKey(app.ConsumerKey)
	if got.ContactPhone != phone || got.LogoURL != logo || got.InfoURL != "" {
		t.Errorf("got after Edit %q, %q, %q; want %q, %q and none", got.ContactPhone, got.LogoURL, got.InfoURL, phone, logo)
	}
}
