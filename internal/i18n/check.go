package i18n

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Check compares every language of the catalogue in fsys with English: it
// returns an error naming each key a language lacks, each key a language
// has that English lacks, and each message whose placeholders ({{.Email}})
// differ from English's, and each empty message (go-i18n treats an empty
// message as missing and shows English instead), so that a test fails
// when a translation is missing or stale. It returns nil for a complete
// catalogue.
func Check(fsys fs.FS) error {
	files, err := catalogueFiles(fsys)
	if err != nil {
		return err
	}
	var ref map[string]*goi18n.Message
	var errs []error
	for _, f := range files {
		msgs, err := readMessages(fsys, f.name)
		if err != nil {
			return err
		}
		for _, key := range sortedKeys(msgs) {
			if m := msgs[key]; m.Zero+m.One+m.Two+m.Few+m.Many+m.Other == "" {
				errs = append(errs, fmt.Errorf("%s: %q is empty, which shows English instead", f.name, key))
			}
		}
		if ref == nil {
			ref = msgs
			continue
		}
		for _, key := range sortedKeys(ref) {
			m, ok := msgs[key]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: missing %q (in %s%s)", f.name, key, Fallback, fileExt))
				continue
			}
			if want, got := placeholders(ref[key]), placeholders(m); !slices.Equal(want, got) {
				errs = append(errs, fmt.Errorf("%s: %q uses %v; %s%s uses %v", f.name, key, got, Fallback, fileExt, want))
			}
		}
		for _, key := range sortedKeys(msgs) {
			if _, ok := ref[key]; !ok {
				errs = append(errs, fmt.Errorf("%s: %q is not in %s%s", f.name, key, Fallback, fileExt))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("i18n: incomplete catalogue:\n%w", err)
	}
	return nil
}

// TB is the part of testing.TB that CheckComplete uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// CheckComplete fails t with Check's error, for a test of a package that
// embeds a catalogue.
func CheckComplete(t TB, fsys fs.FS) {
	t.Helper()
	if err := Check(fsys); err != nil {
		t.Errorf("%v", err)
	}
}

func readMessages(fsys fs.FS, name string) (map[string]*goi18n.Message, error) {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("i18n: %w", err)
	}
	mf, err := goi18n.ParseMessageFileBytes(buf, name, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
	if err != nil {
		return nil, fmt.Errorf("i18n: %s: %w", name, err)
	}
	out := make(map[string]*goi18n.Message, len(mf.Messages))
	for _, m := range mf.Messages {
		out[m.ID] = m
	}
	return out, nil
}

func sortedKeys(m map[string]*goi18n.Message) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// placeholders lists the {{.Name}} fields of a message's forms, sorted
// and without repeats.
func placeholders(m *goi18n.Message) []string {
	var out []string
	for _, s := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		out = append(out, fieldRefs(s)...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

var (
	actionRE = regexp.MustCompile(`\{\{[^}]*\}\}`)
	fieldRE  = regexp.MustCompile(`\.([A-Za-z_][A-Za-z0-9_]*)`)
)

// fieldRefs returns the fields a message template refers to.
func fieldRefs(s string) []string {
	var out []string
	for _, action := range actionRE.FindAllString(s, -1) {
		for _, m := range fieldRE.FindAllStringSubmatch(action, -1) {
			out = append(out, m[1])
		}
	}
	return out
}
