package mocksf_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/store"
)

// The sections mocksf stores but does not simulate: saved by form field
// name when they differ from the form's default, shown on the app's page,
// and refused with an error next to the field where they have a format.
// everyUnsimulatedField sets every unsimulated field of New Connected App
// off its default.
var everyUnsimulatedField = map[string]string{
	"enableDeviceFlow": "1", "configureIdToken": "1", "idTokenValidMinutes": "30", "idTokenStandardClaims": "1",
	"idTokenCustomAttributes": "1", "idTokenCustomPermissions": "1",
	"enableSingleLogout": "1", "singleLogoutUrl": "https://beacon.example.com/logout",
	"webAppStartUrl": "https://beacon.example.com/start", "enableSaml": "1",
	"apexPluginClass": "BeaconPlugin", "pluginRunAs": "admin@acme.test",
	"pinProtect": "1", "appPlatform": "ios",
	"canvas": "1", "canvasUrl": "https://beacon.example.com/canvas", "canvasAccessMethod": "post",
}

func TestNewConnectedAppStoresUnsimulatedSettings(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	tests := []struct {
		name string
		set  map[string]string
		want map[string]string
	}{
		{"defaults store nothing", nil, nil},
		// Every field set off its default is stored as it was typed.
		{"every section", everyUnsimulatedField, everyUnsimulatedField},
		{"a default value is not stored", map[string]string{"configureIdToken": "1", "idTokenValidMinutes": "720", "canvasAccessMethod": "get"},
			map[string]string{"configureIdToken": "1"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "Beacon " + string(rune('A'+i))
			set := map[string]string{"name": name, "apiName": store.APIName(name)}
			for k, v := range tt.set {
				set[k] = v
			}
			resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), set), nil)
			if resp.Request.URL.Path != setup.SavedPath {
				t.Fatalf("got %s (errors %v); want the saved notice", resp.Request.URL.Path, fieldErrors(page))
			}
			app := appNamed(t, srv, name)
			if !reflect.DeepEqual(app.Unsimulated, tt.want) {
				t.Errorf("got %v; want %v", app.Unsimulated, tt.want)
			}
			_, page = get(t, c, ts.URL+setup.DetailPath+"?applicationId="+app.ID)
			if tt.want["canvasAccessMethod"] == "post" && !strings.Contains(page, `<dd id="detail-canvasAccessMethod">Signed Request (POST)</dd>`) {
				t.Errorf("the app's page does not show the Access Method")
			}
			if tt.want["idTokenValidMinutes"] == "30" && !strings.Contains(page, `<dd id="detail-idTokenValidMinutes">30</dd>`) {
				t.Errorf("the app's page does not show Token Valid for")
			}
			if tt.want == nil && !strings.Contains(page, `<dd id="detail-idTokenValidMinutes">720</dd>`) {
				t.Errorf("the app's page does not show the default Token Valid for")
			}
			if !strings.Contains(page, "mocksf stores and shows the settings") {
				t.Errorf("the app's page lacks the note that these are not simulated")
			}
			_, page = get(t, c, ts.URL+setup.EditPath+"?applicationId="+app.ID)
			if tt.want["canvasUrl"] != "" && !strings.Contains(page, `value="https://beacon.example.com/canvas"`) {
				t.Errorf("the Edit form does not hold the stored Canvas App URL")
			}
		})
	}
}

func TestUnsimulatedSettingsErrors(t *testing.T) {
	srv, ts := newServer(t)
	c, token := adminBrowser(t, srv, ts)
	tests := []struct {
		name      string
		set       map[string]string
		wantField string
		wantError string
	}{
		{"minutes not a number", map[string]string{"configureIdToken": "1", "idTokenValidMinutes": "ten"}, "idTokenValidMinutes", setup.MsgBadMinutes},
		{"minutes too many", map[string]string{"configureIdToken": "1", "idTokenValidMinutes": "721"}, "idTokenValidMinutes", setup.MsgBadMinutes},
		{"minutes missing", map[string]string{"configureIdToken": "1", "idTokenValidMinutes": " "}, "idTokenValidMinutes", setup.MsgRequired},
		{"single logout URL", map[string]string{"enableSingleLogout": "1", "singleLogoutUrl": "not a url"}, "singleLogoutUrl", setup.MsgBadURL},
		{"start URL", map[string]string{"webAppStartUrl": "ftp://x"}, "webAppStartUrl", setup.MsgBadURL},
		{"canvas URL missing", map[string]string{"canvas": "1"}, "canvasUrl", setup.MsgRequired},
		{"apex class", map[string]string{"apexPluginClass": "1Plugin"}, "apexPluginClass", setup.MsgBadApexClass},
		{"platform", map[string]string{"appPlatform": "palm"}, "appPlatform", setup.MsgBadPicklist + "palm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[string]string{"webAppStartUrl": "", "pluginRunAs": "kept@acme.test"}
			for k, v := range tt.set {
				set[k] = v
			}
			resp, page := postMultipart(t, c, ts.URL+setup.EditPath, with(validAppForm(token), set), nil)
			if resp.Request.URL.Path != setup.EditPath {
				t.Fatalf("got %s; want the form again", resp.Request.URL.Path)
			}
			if got := fieldErrors(page)[tt.wantField]; got != tt.wantError {
				t.Errorf("got error %q for %s; want %q", got, tt.wantField, tt.wantError)
			}
			if !strings.Contains(page, `value="kept@acme.test"`) {
				t.Errorf("the form lost what was typed in Run As")
			}
		})
	}
}

// Every page closes the divs it opens: the layout wraps each Setup page
// in the sidebar's columns, so one left open breaks every page after it.
func TestSetupPagesCloseTheirDivs(t *testing.T) {
	srv, ts := newServer(t)
	c, _ := adminBrowser(t, srv, ts)
	app := appNamed(t, srv, "Product Sync")
	id := "?applicationId=" + app.ID
	for _, p := range []string{setup.HomePath, setup.LightningHomePath, setup.EditPath, setup.EditPath + id, setup.DetailPath + id,
		setup.PoliciesPath + id, setup.ManageAppPath + id, setup.AppManagerPath, setup.ManageAppsPath, "/secur/logout.jsp"} {
		t.Run(p, func(t *testing.T) {
			_, page := get(t, c, ts.URL+p)
			if open, closed := strings.Count(page, "<div"), strings.Count(page, "</div>"); open != closed {
				t.Errorf("got %d <div and %d </div>; want as many", open, closed)
			}
		})
	}
}
