package store

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// seedTypes names the seed's YAML types for error messages, so they speak
// of the document, not of Go.
var seedTypes = map[string]string{
	"store.Seed":              "at the top level (want orgs)",
	"store.OrgSpec":           "in an org (orgs[i])",
	"store.UserSpec":          "in a user (orgs[i].users[j])",
	"store.AppSpec":           "in an app (orgs[i].connectedApps[j] or orgs[i].externalClientApps[j])",
	"store.RefreshPolicySpec": "in a refreshTokenPolicy (want mode, for)",
}

var unknownField = regexp.MustCompile(`^(line \d+: )field (\S+) not found in type (\S+)$`)

// explainDecodeError rewrites yaml.v3's unknown-field errors ("field x
// not found in type store.OrgSpec") in the seed's own terms. The line
// numbers stay.
func explainDecodeError(err error) error {
	// Only the decoder's own error: one from RecordsSpec wraps a
	// TypeError but has its own words already.
	te, ok := err.(*yaml.TypeError)
	if !ok {
		return err
	}
	lines := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		if m := unknownField.FindStringSubmatch(e); m != nil {
			where := seedTypes[m[3]]
			if where == "" {
				where = "in " + m[3]
			}
			e = fmt.Sprintf("%sunknown key %q %s", m[1], m[2], where)
		}
		lines[i] = e
	}
	return errors.New(strings.Join(lines, "\n"))
}

// fieldPath is the seed path a validation message starts with, such as
// orgs[0].users[1].username, and what may follow it after ": " (a nested
// field such as refreshTokenPolicy.for).
var fieldPath = regexp.MustCompile(`^([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+(?:\[\d+\])?)*)(?:[^:]*: ([A-Za-z]+(?:\.[A-Za-z]+)*)\b)?`)

// locateSeedErrors prefixes each validation error with the line, in data,
// of the field it names: "line 7: orgs[0].users[1].password is required".
// A field that is absent is reported at the line of its parent.
func locateSeedErrors(data []byte, err error) error {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return err
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, 0, len(errs))
	for _, e := range errs {
		m := fieldPath.FindStringSubmatch(e.Error())
		if m == nil {
			out = append(out, e)
			continue
		}
		path := m[1]
		if m[2] != "" {
			path += "." + m[2]
		}
		if line := lineOf(doc.Content[0], path); line > 0 {
			e = fmt.Errorf("line %d: %w", line, e)
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// lineOf follows a path like orgs[0].connectedApps[1].name from a mapping
// node and returns the line of the deepest node it reaches.
func lineOf(n *yaml.Node, path string) int {
	line := 0
	for _, seg := range strings.Split(path, ".") {
		name, index, hasIndex := seg, 0, false
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			k, err := strconv.Atoi(seg[i+1 : len(seg)-1])
			if err != nil {
				return line
			}
			name, index, hasIndex = seg[:i], k, true
		}
		next := mappingValue(n, name)
		if next == nil {
			return line
		}
		n, line = next, next.Line
		if hasIndex {
			if n.Kind != yaml.SequenceNode || index >= len(n.Content) {
				return line
			}
			n, line = n.Content[index], n.Content[index].Line
		}
	}
	return line
}

func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}
