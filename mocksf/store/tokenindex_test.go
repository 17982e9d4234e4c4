package store

import "testing"

// The indexes that spare the token endpoint a scan of every token
// (heldRefresh, families) follow issues, refreshes, the approvals cap,
// revokes and deletions, and keep nothing of tokens that are gone.
func TestTokenIndexes(t *testing.T) {
	t.Parallel()
	st := New(nil)
	seed, err := ParseSeed([]byte(`
orgs:
  - name: Acme
    users:
      - {username: a@acme.test, password: pw}
      - {username: b@acme.test, password: pw}
    connectedApps:
      - {name: Sync, consumerKey: KEY, callbackUrls: ['http://127.0.0.1:9/cb'], scopes: [api, refresh_token]}
`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := st.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	a, b := res[0].Users[0].ID, res[0].Users[1].ID
	issue := func(user string) (AccessToken, *RefreshToken) {
		t.Helper()
		at, rt, err := st.IssueTokens("", "KEY", user, []string{"api", "refresh_token"}, true)
		if err != nil {
			t.Fatal(err)
		}
		return at, rt
	}
	counts := func() (held, from int) {
		st.mu.RLock()
		defer st.mu.RUnlock()
		for _, ts := range st.heldRefresh {
			held += len(ts)
		}
		return held, len(st.families)
	}

	// Seven logins of a: the cap keeps five refresh tokens, and the
	// first two went with their access tokens.
	var first [2]AccessToken
	for i := range 7 {
		at, _ := issue(a)
		if i < 2 {
			first[i] = at
		}
	}
	if got := st.RefreshTokens(a, "KEY"); len(got) != MaxApprovalsPerApp {
		t.Errorf("a holds %d refresh tokens; want %d", len(got), MaxApprovalsPerApp)
	}
	for _, at := range first {
		if _, err := st.LookupAccessToken(at.Token); err == nil {
			t.Errorf("the access token of a refresh token the cap revoked still works")
		}
	}
	if held, from := counts(); held != 5 || from != 5 {
		t.Errorf("indexes hold %d refresh and %d access lists; want 5 and 5", held, from)
	}

	// A refresh adds an access token that revoking its refresh token
	// revokes too.
	_, rt := issue(b)
	fresh, _, err := st.Refresh(rt.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Revoke(rt.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LookupAccessToken(fresh.Token); err == nil {
		t.Error("an access token from a revoked refresh token still works")
	}
	if held, from := counts(); held != 5 || from != 5 {
		t.Errorf("after the revoke, indexes hold %d and %d; want 5 and 5", held, from)
	}

	// Revoking the app's access for a, then deleting the org, leaves
	// nothing behind.
	issue(b)
	if n := st.RevokeAppAccess(a, "KEY"); n != 10 {
		t.Errorf("RevokeAppAccess revoked %d tokens; want 10", n)
	}
	if held, from := counts(); held != 1 || from != 1 {
		t.Errorf("after RevokeAppAccess, indexes hold %d and %d; want b's 1 and 1", held, from)
	}
	if err := st.DeleteOrg(res[0].Org.ID); err != nil {
		t.Fatal(err)
	}
	if held, from := counts(); held != 0 || from != 0 {
		t.Errorf("after DeleteOrg, indexes hold %d and %d; want none", held, from)
	}
}
