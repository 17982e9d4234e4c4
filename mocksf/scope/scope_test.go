package scope_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/scope"
)

// reference is the table of §10.3 of the Salesforce reference (current
// labels), in its order.
var reference = []struct {
	label  string
	tokens []string
}{
	{"Manage user data via APIs", []string{"api"}},
	{"Manage user data via Web browsers", []string{"web"}},
	{"Full access", []string{"full"}},
	{"Perform requests at any time", []string{"refresh_token", "offline_access"}},
	{"Access the identity URL service", []string{"id", "profile", "email", "address", "phone"}},
	{"Access unique user identifiers", []string{"openid"}},
	{"Access custom permissions", []string{"custom_permissions"}},
	{"Access Connect REST API resources", []string{"chatter_api"}},
	{"Access Visualforce applications", []string{"visualforce"}},
	{"Access Lightning applications", []string{"lightning"}},
	{"Access content resources", []string{"content"}},
	{"Access Analytics REST API resources", []string{"wave_api"}},
	{"Access Analytics REST API Charts Geodata resources", []string{"eclair_api"}},
	{"Manage Pardot services", []string{"pardot_api"}},
	{"Access chatbot services", []string{"chatbot_api"}},
	{"Perform ANSI SQL queries on Customer Data Platform data", []string{"cdp_query_api"}},
	{"Manage Customer Data Platform profile data", []string{"cdp_profile_api"}},
	{"Manage Customer Data Platform Ingestion API data", []string{"cdp_ingest_api"}},
	{"Access all Data Cloud API resources", []string{"cdp_api"}},
	{"Access Headless Registration API", []string{"user_registration_api"}},
	{"Access Headless Forgot Password API", []string{"forgot_password"}},
	{"Access the Salesforce API Platform", []string{"sfap_api"}},
	{"Access Interaction API resources", []string{"interaction_api"}},
}

func TestCatalogMatchesReference(t *testing.T) {
	t.Parallel()
	if got, want := len(scope.Catalog), 23; got != want {
		t.Fatalf("len(Catalog) = %d; want %d", got, want)
	}
	if got, want := len(reference), 23; got != want {
		t.Fatalf("len(reference) = %d; want %d (the test table is wrong)", got, want)
	}
	for i, want := range reference {
		got := scope.Catalog[i]
		if got.Label != want.label {
			t.Errorf("Catalog[%d].Label = %q; want %q", i, got.Label, want.label)
		}
		if !slices.Equal(got.Tokens, want.tokens) {
			t.Errorf("Catalog[%d] (%s).Tokens = %q; want %q", i, want.label, got.Tokens, want.tokens)
		}
	}
}

func TestCatalogIsUnique(t *testing.T) {
	t.Parallel()
	labels := map[string]bool{}
	tokens := map[string]string{}
	for _, s := range scope.Catalog {
		if labels[s.Label] {
			t.Errorf("label %q appears twice in Catalog", s.Label)
		}
		labels[s.Label] = true
		for _, tok := range s.Tokens {
			if other, ok := tokens[tok]; ok {
				t.Errorf("token %q is under both %q and %q", tok, other, s.Label)
			}
			tokens[tok] = s.Label
		}
	}
}

func TestPickerAndValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		scope      scope.Scope
		wantPicker string
		wantValue  string
	}{
		{scope.Catalog[0], "Manage user data via APIs (api)", "api"},
		{scope.Catalog[3], "Perform requests at any time (refresh_token, offline_access)", "refresh_token offline_access"},
		{scope.Catalog[4], "Access the identity URL service (id, profile, email, address, phone)", "id profile email address phone"},
	}
	for _, tc := range tests {
		t.Run(tc.scope.Label, func(t *testing.T) {
			t.Parallel()
			if got := tc.scope.Picker(); got != tc.wantPicker {
				t.Errorf("Picker() = %q; want %q", got, tc.wantPicker)
			}
			if got := tc.scope.Value(); got != tc.wantValue {
				t.Errorf("Value() = %q; want %q", got, tc.wantValue)
			}
		})
	}
}

func TestKnown(t *testing.T) {
	t.Parallel()
	for _, row := range reference {
		for _, tok := range row.tokens {
			if !scope.Known(tok) {
				t.Errorf("Known(%q) = false; want true", tok)
			}
		}
	}
	unknown := []string{
		"", "API", "Api", " api", "api ", "refresh", "offline", "chatter",
		"refresh_token offline_access", "einstein_gpt_api", "mcp_api",
	}
	for _, tok := range unknown {
		if scope.Known(tok) {
			t.Errorf("Known(%q) = true; want false", tok)
		}
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"empty", []string{}, nil},
		{"api implies chatter_api", []string{"api"}, []string{"api", "chatter_api"}},
		{"web implies visualforce", []string{"web"}, []string{"web", "visualforce"}},
		{"implied token right after its source", []string{"refresh_token", "api", "id"}, []string{"refresh_token", "api", "chatter_api", "id"}},
		{"both implications in input order", []string{"web", "api"}, []string{"web", "visualforce", "api", "chatter_api"}},
		{"no duplicate when the implied token is also given after", []string{"api", "chatter_api"}, []string{"api", "chatter_api"}},
		{"no duplicate when the implied token is given first", []string{"chatter_api", "api"}, []string{"chatter_api", "api"}},
		{"repeated tokens once", []string{"id", "api", "id", "api"}, []string{"id", "api", "chatter_api"}},
		{"visualforce does not imply web", []string{"visualforce"}, []string{"visualforce"}},
		{"full implies nothing", []string{"full"}, []string{"full"}},
		{"unknown tokens kept", []string{"bogus", "api"}, []string{"bogus", "api", "chatter_api"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := slices.Clone(tc.in)
			got := scope.Expand(in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Expand(%q) = %q; want %q", tc.in, got, tc.want)
			}
			if !slices.Equal(in, tc.in) {
				t.Errorf("Expand changed its input to %q; want %q", in, tc.in)
			}
		})
	}
}

func TestLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, nil},
		{"unknown only", []string{"bogus"}, nil},
		{"one", []string{"api"}, []string{"Manage user data via APIs"}},
		{
			"catalog order, not input order",
			[]string{"refresh_token", "api", "web", "id"},
			[]string{"Manage user data via APIs", "Manage user data via Web browsers", "Perform requests at any time", "Access the identity URL service"},
		},
		{
			"one label for several tokens of a scope",
			[]string{"email", "profile", "offline_access", "refresh_token"},
			[]string{"Perform requests at any time", "Access the identity URL service"},
		},
		{
			"expanded api lists chatter too",
			scope.Expand([]string{"api"}),
			[]string{"Manage user data via APIs", "Access Connect REST API resources"},
		},
		{"duplicates once", []string{"openid", "openid"}, []string{"Access unique user identifiers"}},
		{"last entry", []string{"interaction_api", "bogus"}, []string{"Access Interaction API resources"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := scope.Labels(tc.in); !slices.Equal(got, tc.want) {
				t.Errorf("Labels(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLabelsOfEveryToken(t *testing.T) {
	t.Parallel()
	var all []string
	var want []string
	for _, row := range reference {
		all = append(all, row.tokens...)
		want = append(want, row.label)
	}
	slices.Reverse(all)
	if got := scope.Labels(all); !slices.Equal(got, want) {
		t.Errorf("Labels(every token, reversed) =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
