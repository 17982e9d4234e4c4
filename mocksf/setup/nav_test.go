package setup_test

import (
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/locales"
	"github.com/sfharness/sfharness/mocksf/setup"
	"github.com/sfharness/sfharness/mocksf/web"
)

// ids lists the ids of a tree's entries, depth first.
func ids(nodes []web.NavNode) []string {
	var out []string
	for _, n := range nodes {
		if n.ID != "" {
			out = append(out, n.ID)
		}
		out = append(out, ids(n.Children)...)
	}
	return out
}

func TestNavFiltersByQuickFind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		quickFind string
		lang      string // the page's language; "" is English
		want      string
	}{
		{"", "", "setupUsers appManager manageConnectedApps externalClientAppManager externalClientAppSettingsNav setupCompanySettings setupSessionSettings"},
		{"External Client App Manager", "", "externalClientAppManager"},
		{"external client apps", "", "externalClientAppManager externalClientAppSettingsNav"},
		{"  APP MANAGER ", "", "appManager externalClientAppManager"},
		{"Platform Tools", "", "appManager manageConnectedApps externalClientAppManager externalClientAppSettingsNav"},
		{"connected", "", "manageConnectedApps"},
		{"users", "", "setupUsers"},
		{"session", "", "setupSessionSettings"},
		{"nothing like this", "", ""},
		// In Dutch and Japanese the labels the page shows are matched, and
		// their English no longer is.
		{"externe client-apps", "nl", "externalClientAppManager externalClientAppSettingsNav"},
		{"External Client App Manager", "nl", ""},
		{"アプリマネージャー", "ja", "appManager"},
		{"App Manager", "ja", ""},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.quickFind, func(t *testing.T) {
			var shown func(string) string
			if tt.lang != "" {
				shown = locales.Catalogue.Localizer(tt.lang).Text
			}
			nav := setup.Nav(tt.quickFind, "", shown)
			if got := strings.Join(ids(nav.Nodes), " "); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
			if nav.NoMatch != (tt.want == "") {
				t.Errorf("got NoMatch %v; want %v", nav.NoMatch, tt.want == "")
			}
		})
	}
}

func TestNavMarksTheActiveEntry(t *testing.T) {
	t.Parallel()
	var active []string
	var walk func([]web.NavNode)
	walk = func(nodes []web.NavNode) {
		for _, n := range nodes {
			if n.Active {
				active = append(active, n.ID)
			}
			walk(n.Children)
		}
	}
	walk(setup.Nav("", setup.ECAManagerPath, nil).Nodes)
	if strings.Join(active, " ") != "externalClientAppManager" {
		t.Errorf("got active %v; want [externalClientAppManager]", active)
	}
}
