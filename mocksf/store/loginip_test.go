package store_test

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/store"
)

func TestOrgLoginIPAllowed(t *testing.T) {
	t.Parallel()
	restricted := store.Org{LoginIPRanges: store.NewIPRanges(
		netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.10/32"), netip.MustParsePrefix("2001:db8::/32"),
	)}
	tests := []struct {
		org        store.Org
		remoteAddr string
		want       bool
	}{
		{store.Org{}, "203.0.113.9:5000", true},
		{store.Org{}, "not an address", true},
		{restricted, "10.200.3.4:5000", true},
		{restricted, "192.168.1.10:443", true},
		{restricted, "192.168.1.11:443", false},
		{restricted, "127.0.0.1:5000", false},
		{restricted, "10.1.2.3", true},
		{restricted, "[::ffff:10.1.2.3]:5000", true},
		{restricted, "[2001:db8::1]:5000", true},
		{restricted, "[2001:db8::1%eth0]:5000", true},
		{restricted, "[2001:db9::1]:5000", false},
		{restricted, "", false},
		{restricted, "example.com:80", false},
	}
	for _, tt := range tests {
		if got := tt.org.LoginIPAllowed(tt.remoteAddr); got != tt.want {
			t.Errorf("LoginIPAllowed(%q) with ranges %v: got %v; want %v", tt.remoteAddr, tt.org.LoginIPRanges.Strings(), got, tt.want)
		}
	}
}

func TestAppPolicyRelaxesIP(t *testing.T) {
	t.Parallel()
	tests := []struct {
		mode                        string
		wantMode                    string
		wantOtherFlows, wantRefresh bool
	}{
		{"", store.IPEnforce, false, false},
		{store.IPEnforce, store.IPEnforce, false, false},
		{store.IPEnforceRelaxRefresh, store.IPEnforceRelaxRefresh, false, true},
		{store.IPRelax, store.IPRelax, true, true},
	}
	for _, tt := range tests {
		p := store.AppPolicy{IPRelaxation: tt.mode}
		if got := p.IPRelaxationMode(); got != tt.wantMode {
			t.Errorf("IPRelaxationMode() of %q: got %q; want %q", tt.mode, got, tt.wantMode)
		}
		if got := p.RelaxesIP(false); got != tt.wantOtherFlows {
			t.Errorf("RelaxesIP(false) of %q: got %v; want %v", tt.mode, got, tt.wantOtherFlows)
		}
		if got := p.RelaxesIP(true); got != tt.wantRefresh {
			t.Errorf("RelaxesIP(true) of %q: got %v; want %v", tt.mode, got, tt.wantRefresh)
		}
	}
}

func TestSeedLoginIPRangesAndIPRelaxation(t *testing.T) {
	t.Parallel()
	seed, err := store.ParseSeed([]byte(`
orgs:
  - name: Acme
    loginIpRanges: ["10.0.0.0/8", "192.168.1.10/32", "172.16.5.4/12"]
    users:
      - {username: a@acme.test, password: pw}
    connectedApps:
      - {name: Relaxed, ipRelaxation: relax}
      - {name: Default}
`))
	if err != nil {
		t.Fatal(err)
	}
	s := store.New(nil)
	res, err := s.Apply(seed)
	if err != nil {
		t.Fatal(err)
	}
	org, _ := s.Org(res[0].Org.ID)
	// A range with host bits is kept as its network.
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.10/32"), netip.MustParsePrefix("172.16.0.0/12")}
	if got := org.LoginIPRanges.Prefixes(); !reflect.DeepEqual(got, want) {
		t.Errorf("got LoginIPRanges %v; want %v", got, want)
	}
	if got, want := org.LoginIPRanges.Strings(), []string{"10.0.0.0/8", "192.168.1.10/32", "172.16.0.0/12"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got LoginIPRanges.Strings() %v; want %v", got, want)
	}
	if got := (store.IPRanges{}).Strings(); got == nil || len(got) != 0 {
		t.Errorf("got %#v for no ranges; want an empty list", got)
	}
	if got := res[0].Apps[0].Policy.IPRelaxation; got != store.IPRelax {
		t.Errorf("got IPRelaxation %q; want %q", got, store.IPRelax)
	}
	if got := res[0].Apps[1].Policy.IPRelaxationMode(); got != store.IPEnforce {
		t.Errorf("got IPRelaxationMode %q for an app without; want %q", got, store.IPEnforce)
	}

	bad := []struct{ doc, want string }{
		{`
orgs:
  - name: Acme
    loginIpRanges:
      - 10.0.0.0/8
      - 10.0.0.0/33
`, `line 6: orgs[0].loginIpRanges[1] "10.0.0.0/33": want a CIDR range such as 10.0.0.0/8 or 192.168.1.10/32`},
		{`
orgs:
  - name: Acme
    loginIpRanges: [somewhere]
`, `orgs[0].loginIpRanges[0] "somewhere": want a CIDR range`},
		{`
orgs:
  - name: Acme
    connectedApps:
      - name: A
        ipRelaxation: loose
`, `line 6: orgs[0].connectedApps[0]: ipRelaxation "loose": want enforce, enforce-relax-refresh or relax`},
	}
	for _, tt := range bad {
		if _, err := store.ParseSeed([]byte(tt.doc)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSeed: got error %v; want one with %q", err, tt.want)
		}
	}
}
