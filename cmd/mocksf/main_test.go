package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/mocksf/mail"
)

// start runs the real program on a free port and returns its URL.
func start(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the first line: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`^mocksf listening on (http://127\.0\.0\.1:\d+)\n$`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("first line %q; want \"mocksf listening on http://HOST:PORT\"", line)
	}
	return m[1]
}

func TestRunServesOnAFreePort(t *testing.T) {
	base := start(t)
	resp, err := http.Get(base + "/__mocksf/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("health = %d; want 200", resp.StatusCode)
	}
}

func TestRunRejectsABadSeedNamingTheFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "orgs.yaml")
	os.WriteFile(f, []byte("orgs:\n  - name: A\n    colour: blue\n"), 0o644)
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-seed", f}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), f) || !strings.Contains(err.Error(), "colour") {
		t.Errorf("run with a bad seed: %v; want an error naming %s and the field", err, f)
	}
}

func TestRunLoadsASeedFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "orgs.yaml")
	os.WriteFile(f, []byte(`
orgs:
  - name: Globex
    users:
      - {username: hank@globex.test, password: Hank-Pass-1}
`), 0o644)
	base := start(t, "-seed", f)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := fetch(t, c, "GET", base+"/", nil)
	token := regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`).FindStringSubmatch(page)[1]
	page = fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"hank@globex.test"}, "pw": {"Hank-Pass-1"}})
	if !strings.Contains(page, "Verify Your Identity") {
		t.Errorf("the seeded user could not log in: %s", page)
	}
	page = fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"admin@acme.test"}, "pw": {"Admin-Pass-1"}})
	if strings.Contains(page, "Verify Your Identity") {
		t.Errorf("the default org is present although a seed was given")
	}
}

// With -smtp, mail goes to the external server, and the copy is still
// readable from /__mocksf/mail.
func TestRunRelaysMailToAnExternalSMTPServer(t *testing.T) {
	external, err := mail.StartReceiver("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer external.Close()
	base := start(t, "-smtp", external.Addr())
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	page := fetch(t, c, "GET", base+"/", nil)
	token := regexp.MustCompile(`name="_CONFIRMATIONTOKEN" value="([^"]+)"`).FindStringSubmatch(page)[1]
	fetch(t, c, "POST", base+"/", url.Values{"_CONFIRMATIONTOKEN": {token}, "username": {"sync@acme.test"}, "pw": {"Sync-Pass-1"}})

	got := external.Inbox("sync@acme.test")
	if len(got) != 1 || got[0].Code == "" || got[0].Subject != "Verify your identity in Salesforce" {
		t.Fatalf("external server received %+v; want one verification mail", got)
	}
	copyJSON := fetch(t, c, "GET", base+"/__mocksf/mail?to=sync@acme.test", nil)
	if !strings.Contains(copyJSON, `"code":"`+got[0].Code+`"`) {
		t.Errorf("/__mocksf/mail = %s; want the code %s", copyJSON, got[0].Code)
	}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) string {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return string(b)
}

func TestRunNamesTheLineOfABadSeedField(t *testing.T) {
	f := filepath.Join(t.TempDir(), "orgs.yaml")
	os.WriteFile(f, []byte("orgs:\n  - users:\n      - username: a@a.test\n      - {username: b, password: pw}\n"), 0o644)
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-seed", f}, io.Discard, io.Discard)
	want := f + ":2: orgs[0].name is required\n" +
		f + ":3: orgs[0].users[0].password is required\n" +
		f + `:4: orgs[0].users[1].username "b" must look like an email address`
	if err == nil || err.Error() != want {
		t.Errorf("run with a bad seed:\n%v\nwant\n%s", err, want)
	}
}

func TestRunControlToken(t *testing.T) {
	base := start(t, "-control-token", "t0ken")
	for _, tc := range []struct {
		auth string
		want int
	}{{"", 403}, {"Bearer wrong", 403}, {"Bearer t0ken", 200}} {
		req, _ := http.NewRequest("GET", base+"/__mocksf/orgs", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET /__mocksf/orgs with %q = %d; want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
}
