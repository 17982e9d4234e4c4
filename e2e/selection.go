package e2e

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	gherkin "github.com/cucumber/gherkin/go/v26"
	messages "github.com/cucumber/messages/go/v21"

	"github.com/sfharness/sfharness/e2e/tagexpr"
)

// Scenario is one runnable scenario (or one Examples row of an outline)
// found in the feature files.
type Scenario struct {
	File string // path as godog is given it
	Line int    // the scenario's line, or the Examples row's
	// ScenarioLine is the scenario's own line; for an outline's row, the
	// outline's. godog runs by it: an outline runs with all its rows.
	ScenarioLine int
	Name         string
	Tags         []string
}

// Ref is the "file:line" of the scenario or Examples row, as reports and
// people (FEATURE=) name it.
func (s Scenario) Ref() string { return s.File + ":" + strconv.Itoa(s.Line) }

// RunRef is the "file:line" godog runs: the scenario, or the whole outline.
func (s Scenario) RunRef() string { return s.File + ":" + strconv.Itoa(s.ScenarioLine) }

// Discover parses every .feature file under the paths (files or
// directories; a "file:line" keeps only the scenario at that line) and
// returns their scenarios in file and line order.
func Discover(paths []string) ([]Scenario, error) {
	var out []Scenario
	for _, p := range paths {
		path, line := splitLine(p)
		var files []string
		err := filepath.WalkDir(path, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(f, ".feature") {
				files = append(files, f)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("e2e: features %s: %w", p, err)
		}
		sort.Strings(files)
		for _, f := range files {
			found, err := parseFeature(f)
			if err != nil {
				return nil, err
			}
			for _, s := range found {
				if line == 0 || s.Line == line || s.ScenarioLine == line {
					out = append(out, s.Scenario)
				}
			}
		}
		if line != 0 && len(out) == 0 {
			return nil, fmt.Errorf("e2e: %s: no scenario starts at line %d", path, line)
		}
	}
	return out, nil
}

func splitLine(p string) (string, int) {
	if i := strings.LastIndexByte(p, ':'); i > 0 {
		if n, err := strconv.Atoi(p[i+1:]); err == nil && n > 0 {
			return p[:i], n
		}
	}
	return p, 0
}

type found struct{ Scenario }

// parseDocument parses one feature file; ids numbers its AST nodes, and
// numbers its pickles when given to gherkin.Pickles after it.
func parseDocument(file string, ids *messages.Incrementing) (*messages.GherkinDocument, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("e2e: %w", err)
	}
	defer f.Close()
	doc, err := gherkin.ParseGherkinDocument(f, ids.NewId)
	if err != nil {
		return nil, fmt.Errorf("e2e: %s: %w", file, err)
	}
	doc.Uri = file
	return doc, nil
}

func parseFeature(file string) ([]found, error) {
	ids := &messages.Incrementing{}
	doc, err := parseDocument(file, ids)
	if err != nil {
		return nil, err
	}
	if doc.Feature == nil {
		return nil, nil
	}
	// Lines of scenarios and Examples rows by AST node id.
	lines := map[string]int{}
	index := func(sc *messages.Scenario) {
		lines[sc.Id] = int(sc.Location.Line)
		for _, ex := range sc.Examples {
			for _, row := range ex.TableBody {
				lines[row.Id] = int(row.Location.Line)
			}
		}
	}
	for _, c := range doc.Feature.Children {
		if c.Scenario != nil {
			index(c.Scenario)
		}
		if c.Rule != nil {
			for _, rc := range c.Rule.Children {
				if rc.Scenario != nil {
					index(rc.Scenario)
				}
			}
		}
	}
	var out []found
	for _, p := range gherkin.Pickles(*doc, file, ids.NewId) {
		s := found{Scenario: Scenario{File: file, Name: p.Name}}
		s.ScenarioLine = lines[p.AstNodeIds[0]]
		s.Line = s.ScenarioLine
		if len(p.AstNodeIds) > 1 {
			s.Line = lines[p.AstNodeIds[len(p.AstNodeIds)-1]]
		}
		for _, t := range p.Tags {
			s.Tags = append(s.Tags, t.Name)
		}
		out = append(out, s)
	}
	return out, nil
}

// Select keeps the scenarios whose tags match the expression, then this
// shard's share ("i/n", 1-based; "" for all), dealt round-robin in file
// and line order so each shard gets a similar mix and every scenario runs
// in exactly one shard. An outline's rows stay together, since godog runs
// an outline whole. It fails when nothing is left, so a typo in TAGS does
// not pass green.
func Select(all []Scenario, tags, shard string) ([]Scenario, error) {
	expr, err := tagexpr.Parse(tags)
	if err != nil {
		return nil, err
	}
	var matched []Scenario
	for _, s := range all {
		if expr.Eval(s.Tags) {
			matched = append(matched, s)
		}
	}
	if shard != "" {
		i, n, err := parseShard(shard)
		if err != nil {
			return nil, err
		}
		var mine []Scenario
		units := map[string]int{}
		for _, s := range matched {
			k, ok := units[s.RunRef()]
			if !ok {
				k = len(units)
				units[s.RunRef()] = k
			}
			if k%n == i-1 {
				mine = append(mine, s)
			}
		}
		if len(mine) == 0 && len(matched) > 0 {
			// More shards than scenarios: an empty shard is not an error.
			return nil, nil
		}
		matched = mine
	}
	if len(matched) == 0 {
		return nil, fmt.Errorf("e2e: no scenario matches the tag expression %q (of %d scenarios)", tags, len(all))
	}
	return matched, nil
}

func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || errors.Join(err1, err2) != nil || n < 1 || i < 1 || i > n {
		return 0, 0, fmt.Errorf("e2e: SHARD=%q: want i/n with 1 <= i <= n, e.g. 2/4", s)
	}
	return i, n, nil
}
