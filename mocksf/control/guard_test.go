package control_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/sfharness/sfharness/mocksf"
)

// controlRoutes is every guarded route, for the guard tests.
var controlRoutes = []struct{ method, path string }{
	{"POST", "/__mocksf/orgs"}, {"GET", "/__mocksf/orgs"}, {"GET", "/__mocksf/orgs/00D000000000001AAA"},
	{"DELETE", "/__mocksf/orgs/00D000000000001AAA"}, {"POST", "/__mocksf/orgs/00D000000000001AAA/records/Lead"},
	{"POST", "/__mocksf/orgs/00D000000000001AAA/revoke"}, {"PATCH", "/__mocksf/orgs/00D000000000001AAA/users/sync@acme.test"},
	{"PATCH", "/__mocksf/orgs/00D000000000001AAA/connectedApps/" + acmeKey}, {"POST", "/__mocksf/reset"},
	{"POST", "/__mocksf/faults"}, {"GET", "/__mocksf/faults"}, {"DELETE", "/__mocksf/faults"},
	{"GET", "/__mocksf/faults/f1"}, {"DELETE", "/__mocksf/faults/f1"},
	{"GET", "/__mocksf/clock"}, {"POST", "/__mocksf/clock"},
	{"GET", "/__mocksf/requests"}, {"DELETE", "/__mocksf/requests"},
	{"GET", "/__mocksf/mail"}, {"DELETE", "/__mocksf/mail"},
}

// serve sends a request from remote to h, to Host 127.0.0.1:1 unless
// header sets "Host".
func serve(h http.Handler, method, path, remote string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = remote
	req.Host = "127.0.0.1:1"
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "Host" {
			req.Host = header[i+1]
			continue
		}
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestGuardWithoutTokenAllowsOnlyLoopback(t *testing.T) {
	t.Parallel()
	srv, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:1", Seed: []byte(testSeed)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, r := range controlRoutes {
		if rec := serve(srv, r.method, r.path, "192.0.2.10:4000"); rec.Code != http.StatusForbidden {
			t.Errorf("%s %s from 192.0.2.10 = %d; want 403", r.method, r.path, rec.Code)
		} else {
			wantError(t, rec.Code, rec.Body.Bytes(), 403, "forbidden", "loopback")
		}
	}
	tests := []struct {
		name   string
		remote string
		header []string
		want   int
	}{
		{"IPv4 loopback", "127.0.0.1:5000", nil, 200},
		{"another 127/8 address", "127.0.0.2:5000", nil, 200},
		{"IPv6 loopback", "[::1]:5000", nil, 200},
		{"private network", "10.0.0.5:5000", nil, 403},
		{"IPv6 elsewhere", "[2001:db8::1]:5000", nil, 403},
		{"a web page's cross-site request", "127.0.0.1:5000", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"a web page of another origin", "127.0.0.1:5000", []string{"Origin", "https://evil.example"}, 403},
		{"a page of mocksf itself", "127.0.0.1:5000", []string{"Origin", "http://localhost:8080"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if rec := serve(srv, "GET", "/__mocksf/orgs", tc.remote, tc.header...); rec.Code != tc.want {
				t.Errorf("GET /__mocksf/orgs = %d %s; want %d", rec.Code, rec.Body, tc.want)
			}
		})
	}
	// Health stays open for readiness checks, and Salesforce's own routes
	// are not guarded.
	if rec := serve(srv, "GET", "/__mocksf/health", "192.0.2.10:4000"); rec.Code != 200 {
		t.Errorf("health from elsewhere = %d; want 200", rec.Code)
	}
	if rec := serve(srv, "GET", "/services/data", "192.0.2.10:4000"); rec.Code != 200 {
		t.Errorf("/services/data from elsewhere = %d; want 200", rec.Code)
	}
}

// A browser page whose name is re-pointed at 127.0.0.1 (DNS rebinding)
// reaches mocksf from loopback and same-origin, but names its own host in
// Host: the Guard answers only loopback host names (port ignored) and the
// hosts of mocksf's base and instance URLs.
func TestGuardWithoutTokenAllowsOnlyLoopbackHosts(t *testing.T) {
	t.Parallel()
	srv, err := mocksf.New(mocksf.Config{BaseURL: "http://mocksf.test:8080", InstanceURL: "http://Acme.My.Mocksf.test:8080",
		Seed: []byte(testSeed)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tests := []struct {
		host string
		want int
	}{
		{"127.0.0.1:8080", 200},
		{"127.0.0.1", 200},
		{"127.1.2.3:9", 200},
		{"localhost:8080", 200},
		{"LOCALHOST", 200},
		{"acme.localhost:8080", 200},
		{"[::1]:8080", 200},
		{"[::1]", 200},
		{"mocksf.test:8080", 200},             // the base (-public-url) host
		{"mocksf.test:1234", 200},             // port ignored
		{"acme.my.mocksf.test", 200},          // the instance host, any case
		{"attacker.test:8080", 403},           // DNS rebinding
		{"attacker.test", 403},                //
		{"127.0.0.1.attacker.test:8080", 403}, // a lookalike
		{"localhost.attacker.test:8080", 403}, //
		{"evil-localhost:8080", 403},          //
		{"mocksf.test.attacker.test", 403},    //
		{"my.mocksf.test", 403},               // only the very names
		{"192.168.1.5:8080", 403},             // the machine's own address
		{"[2001:db8::1]:8080", 403},           //
		{"0.0.0.0:8080", 403},                 //
		{"", 403},                             // no Host at all
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			rec := serve(srv, "GET", "/__mocksf/orgs", "127.0.0.1:5000", "Host", tc.host)
			if rec.Code != tc.want {
				t.Fatalf("GET /__mocksf/orgs with Host %q = %d %s; want %d", tc.host, rec.Code, rec.Body, tc.want)
			}
			if tc.want == 403 {
				wantError(t, rec.Code, rec.Body.Bytes(), 403, "forbidden", "host name")
			}
		})
	}
	// A page of mocksf itself, at its base URL, is not another origin.
	if rec := serve(srv, "GET", "/__mocksf/orgs", "127.0.0.1:5000", "Host", "mocksf.test:8080", "Origin", "http://mocksf.test:8080"); rec.Code != 200 {
		t.Errorf("GET /__mocksf/orgs from a page of the base URL = %d %s; want 200", rec.Code, rec.Body)
	}
}

func TestGuardWithTokenWantsTheToken(t *testing.T) {
	t.Parallel()
	srv, err := mocksf.New(mocksf.Config{BaseURL: "http://127.0.0.1:1", Seed: []byte(testSeed), ControlToken: "s3cret-token"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	tests := []struct {
		name   string
		remote string
		header []string
		want   int
	}{
		{"loopback without the token", "127.0.0.1:5000", nil, 403},
		{"the right token from elsewhere", "192.0.2.10:4000", []string{"Authorization", "Bearer s3cret-token"}, 200},
		{"the right token, scheme in lower case", "192.0.2.10:4000", []string{"Authorization", "bearer s3cret-token"}, 200},
		{"a wrong token", "127.0.0.1:5000", []string{"Authorization", "Bearer s3cret-tokeN"}, 403},
		{"a prefix of the token", "127.0.0.1:5000", []string{"Authorization", "Bearer s3cret"}, 403},
		{"Basic with the token", "127.0.0.1:5000", []string{"Authorization", "Basic s3cret-token"}, 403},
		// The token is the authentication, and a rebinding page cannot
		// know it: with it, any Host (a container's name, say) will do.
		{"the right token to another host", "192.0.2.10:4000", []string{"Authorization", "Bearer s3cret-token", "Host", "mocksf:8080"}, 200},
		{"another host without the token", "127.0.0.1:5000", []string{"Host", "attacker.test:1"}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(srv, "GET", "/__mocksf/orgs", tc.remote, tc.header...)
			if rec.Code != tc.want {
				t.Fatalf("GET /__mocksf/orgs = %d %s; want %d", rec.Code, rec.Body, tc.want)
			}
			if tc.want == 403 {
				wantError(t, rec.Code, rec.Body.Bytes(), 403, "forbidden", "control-token")
			}
		})
	}
	for _, r := range controlRoutes {
		if rec := serve(srv, r.method, r.path, "127.0.0.1:5000"); rec.Code != http.StatusForbidden {
			t.Errorf("%s %s without the token = %d; want 403", r.method, r.path, rec.Code)
		}
	}
}
