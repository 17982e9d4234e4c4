package store_test

import (
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestSalesforceLastName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		user store.User
		want string
	}{
		{"the seed's", store.User{Username: "ada@acme.test", LastName: "Lovelace"}, "Lovelace"},
		{"derived from the username", store.User{Username: "sync.user@acme.test"}, "sync.user"},
		{"a username without @", store.User{Username: "integration"}, "integration"},
		{"a username starting with @", store.User{Username: "@acme.test"}, "@acme.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.user.SalesforceLastName(); got != tc.want {
				t.Errorf("SalesforceLastName() = %q; want %q", got, tc.want)
			}
		})
	}
}
