// Package scope lists Salesforce's OAuth scopes as Setup shows them: a label
// per scope with the tokens it grants (reference §10.3).
package scope

import "strings"

// Scope is one entry of the connected app's scope picker.
type Scope struct {
	Label  string
	Tokens []string
}

// Picker returns "Label (token, token)" as the picker shows it.
func (s Scope) Picker() string { return s.Label + " (" + strings.Join(s.Tokens, ", ") + ")" }

// Value is the form value that stands for this scope: its tokens joined by
// spaces.
func (s Scope) Value() string { return strings.Join(s.Tokens, " ") }

// Catalog is every scope Setup offers, in Salesforce's order.
var Catalog = []Scope{
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

// Known reports whether token is a scope token Salesforce knows.
func Known(token string) bool {
	for _, s := range Catalog {
		for _, t := range s.Tokens {
			if t == token {
				return true
			}
		}
	}
	return false
}

// Expand returns every token a list of selected tokens grants, following
// Salesforce's implications (api includes chatter_api, web includes
// visualforce), without duplicates and in input order.
func Expand(tokens []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, t := range tokens {
		add(t)
		switch t {
		case "api":
			add("chatter_api")
		case "web":
			add("visualforce")
		}
	}
	return out
}

// Labels returns the picker labels covering the tokens, in catalog order,
// as the Allow Access page lists them.
func Labels(tokens []string) []string {
	has := map[string]bool{}
	for _, t := range tokens {
		has[t] = true
	}
	var out []string
	for _, s := range Catalog {
		for _, t := range s.Tokens {
			if has[t] {
				out = append(out, s.Label)
				break
			}
		}
	}
	return out
}
