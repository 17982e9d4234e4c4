package store_test

import (
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

// Errors name the line and the field, so a long seed file is easy to fix.
func TestParseSeedErrorsNameLineAndField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{
			name: "unknown key says where",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n        password: pw\n        colour: blue\n",
			want: []string{"line 6", `unknown key "colour" in a user`},
		},
		{
			name: "missing password at the user's line",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - username: a@acme.test\n        password: pw\n      - username: b@acme.test\n",
			want: []string{"line 6: orgs[0].users[1].password is required"},
		},
		{
			name: "bad username at its own line",
			doc:  "orgs:\n  - name: Acme\n    users:\n      - password: pw\n        username: admin\n",
			want: []string{`line 5: orgs[0].users[0].username "admin"`},
		},
		{
			name: "org without a name at the org's line",
			doc:  "orgs:\n  - name: Acme\n  - edition: Enterprise\n",
			want: []string{"line 3: orgs[1].name is required"},
		},
		{
			name: "nested policy field",
			doc:  "orgs:\n  - name: Acme\n    connectedApps:\n      - name: App\n        refreshTokenPolicy:\n          mode: idle\n          for: soon\n",
			want: []string{"line 7: orgs[0].connectedApps[0]: refreshTokenPolicy.for"},
		},
		{
			name: "status",
			doc:  "orgs:\n  - name: Acme\n\n    status: asleep\n",
			want: []string{`line 4: orgs[0].status "asleep"`},
		},
		{
			name: "unknown flow in a block list at its own line",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        flows:\n          - jwtBearer\n          - foo\n",
			want: []string{`line 7: orgs[0].externalClientApps[0].flows[1]: unknown flow "foo"`},
		},
		{
			name: "unknown key in an External Client App says where",
			doc:  "orgs:\n  - name: Acme\n    externalClientApps:\n      - name: App\n        colour: blue\n",
			want: []string{"line 5", `unknown key "colour" in an app (orgs[i].connectedApps[j] or orgs[i].externalClientApps[j])`},
		},
		{
			name: "every error has its line",
			doc:  "orgs:\n  - users:\n      - {username: a@acme.test}\n",
			want: []string{"line 2: orgs[0].name is required", "line 3: orgs[0].users[0].password is required"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := store.ParseSeed([]byte(tc.doc))
			if err == nil {
				t.Fatalf("ParseSeed = nil error; want %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseSeed error = %q; want it to contain %q", err, w)
				}
			}
		})
	}
}
