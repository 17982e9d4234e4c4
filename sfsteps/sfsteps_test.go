package sfsteps_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sfharness/sfharness/sfsteps"
)

// New refuses what it cannot work with before it starts a browser: no
// mocksf, no profile, a profile that does not check out (its error names
// the file, the line and the field).
func TestNewRefusesBeforeTheBrowserStarts(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte("name: Shop\nstart: beacon\nsteps:\n  open: {url: /admin}\n  colour: blue\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cfg  sfsteps.Config
		want string
	}{
		{"no mocksf", sfsteps.Config{Product: broken}, "sfsteps: Config.MocksfURL names no mocksf"},
		{"no profile", sfsteps.Config{MocksfURL: "http://127.0.0.1:1"}, "sfsteps: Config.Product names no product profile"},
		{"a missing profile", sfsteps.Config{MocksfURL: "http://127.0.0.1:1", Product: "nowhere.yaml"}, "PRODUCT=nowhere.yaml: open nowhere.yaml"},
		{"a broken profile", sfsteps.Config{MocksfURL: "http://127.0.0.1:1", Product: broken}, broken + ":5"},
	} {
		// ChromeURL points nowhere: reaching the browser would fail
		// differently, so each error proves New stopped before it.
		tc.cfg.ChromeURL = "http://127.0.0.1:1"
		steps, err := sfsteps.New(context.Background(), tc.cfg)
		if err == nil {
			steps.Close()
			t.Errorf("%s: New succeeded; want %q", tc.name, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
		}
	}
}
