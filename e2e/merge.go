package e2e

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// runInfoFile is the run's runInfo as JSON, beside its reports.
const runInfoFile = "run.json"

// MergeShards merges the results folders of CI shards (each written by a
// run with SHARD=i/n and its own RESULTS_DIR) into one set of reports in
// out: report.html, junit.xml and cucumber.json over every shard's
// scenarios, and run.json. out is replaced, as a run replaces its
// results folder; each shard's folder is copied into it as
// shards/<folder name>/, so the merged report's artefact links work when
// out alone is published. It refuses a shard without reports (a run that
// never ended), a scenario that two shards ran, and, when the shards
// were run with SHARD=i/n, a missing or repeated i. root is the
// directory paths are shown relative to. It returns the merged summary,
// why shards were cut short ("" when none was) and out as shown.
func MergeShards(root, out string, shards []string) (sum Summary, cutShort, shown string, err error) {
	if len(shards) == 0 {
		return Summary{}, "", "", errors.New("e2e: merge: no shard folders given (make report SHARDS='results-1 results-2')")
	}
	absOut := absUnder(root, out)
	type shard struct {
		dir, sub string
		fs       []cukeFeature
		info     runInfo
	}
	var all []shard
	subs := map[string]bool{}
	for i, dir := range shards {
		abs := absUnder(root, dir)
		if abs == absOut || strings.HasPrefix(abs, absOut+string(filepath.Separator)) {
			return Summary{}, "", "", fmt.Errorf("e2e: merge: shard folder %s lies in the output folder %s, which the merge replaces; choose another RESULTS_DIR", dir, out)
		}
		fs, err := readCucumber(filepath.Join(abs, "cucumber.json"))
		if err != nil {
			return Summary{}, "", "", fmt.Errorf("e2e: merge: shard %s: %w (did its run end? a run writes cucumber.json at its end, or when cut short)", dir, err)
		}
		b, err := os.ReadFile(filepath.Join(abs, runInfoFile))
		if err != nil {
			return Summary{}, "", "", fmt.Errorf("e2e: merge: shard %s: %w", dir, err)
		}
		var info runInfo
		if err := json.Unmarshal(b, &info); err != nil {
			return Summary{}, "", "", fmt.Errorf("e2e: merge: shard %s: %s: %w", dir, runInfoFile, err)
		}
		sub := filepath.Base(abs)
		if subs[sub] {
			sub += "-" + strconv.Itoa(i+1)
		}
		subs[sub] = true
		all = append(all, shard{dir: dir, sub: "shards/" + sub, fs: fs, info: info})
	}

	var labels []string
	for _, s := range all {
		labels = append(labels, envValue(s.info.Env, "shard"))
	}
	if err := checkShardLabels(labels); err != nil {
		return Summary{}, "", "", err
	}

	type key struct {
		uri  string
		line int
	}
	ranBy := map[key]string{}
	byURI := map[string]*cukeFeature{}
	var order []string
	info := runInfo{}
	var cut, dirs []string
	for _, s := range all {
		dirs = append(dirs, displayPath(root, s.dir))
		if info.Started.IsZero() || (!s.info.Started.IsZero() && s.info.Started.Before(info.Started)) {
			info.Started = s.info.Started
		}
		if s.info.CutShort != "" {
			cut = append(cut, fmt.Sprintf("shard %s: %s", s.dir, s.info.CutShort))
		}
		for _, f := range s.fs {
			m, ok := byURI[f.URI]
			if !ok {
				c := f
				c.Elements = nil
				m = &c
				byURI[f.URI] = m
				order = append(order, f.URI)
			}
			for _, e := range f.Elements {
				k := key{f.URI, e.Line}
				if e.Type != "background" {
					if other, dup := ranBy[k]; dup {
						return Summary{}, "", "", fmt.Errorf("e2e: merge: %s:%d ran in both %s and %s: were they run with different SHARD=i/n of the same n?", f.URI, e.Line, other, s.dir)
					}
					ranBy[k] = s.dir
				}
				relinkArtefacts(e.Steps, s.sub, displayPath(root, out))
				m.Elements = append(m.Elements, e)
			}
		}
	}
	sort.Strings(order)
	var merged []cukeFeature
	for _, uri := range order {
		f := byURI[uri]
		sort.SliceStable(f.Elements, func(i, j int) bool { return f.Elements[i].Line < f.Elements[j].Line })
		merged = append(merged, *f)
	}
	info.CutShort = strings.Join(cut, "; ")
	info.Env = mergedEnv(all[0].info.Env, labels, dirs)

	shown, err = freshResults(root, out)
	if err != nil {
		return Summary{}, "", "", err
	}
	for _, s := range all {
		dst := filepath.Join(absUnder(root, shown), filepath.FromSlash(s.sub))
		if err := os.CopyFS(dst, os.DirFS(absUnder(root, s.dir))); err != nil {
			return Summary{}, "", "", fmt.Errorf("e2e: merge: copy shard %s: %w", s.dir, err)
		}
	}
	if err := writeReports(absUnder(root, shown), merged, info); err != nil {
		return Summary{}, "", "", err
	}
	return summarize(merged), info.CutShort, shown, nil
}

// absUnder is p made absolute, relative to root when it is not already.
func absUnder(root, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(root, p)
}

// checkShardLabels accepts shards run without SHARD, or with SHARD=i/n
// for one n and every i from 1 to n once.
func checkShardLabels(labels []string) error {
	n := 0
	seen := map[int]bool{}
	for _, l := range labels {
		if l == "" || l == "all" {
			continue
		}
		i, ni, err := parseShard(l)
		if err != nil {
			return fmt.Errorf("e2e: merge: %w", err)
		}
		if n != 0 && ni != n {
			return fmt.Errorf("e2e: merge: shards of different splits: %s", strings.Join(labels, ", "))
		}
		n = ni
		if seen[i] {
			return fmt.Errorf("e2e: merge: shard %d/%d given twice", i, n)
		}
		seen[i] = true
	}
	for i := 1; i <= n; i++ {
		if !seen[i] {
			return fmt.Errorf("e2e: merge: shard %d/%d is missing: its scenarios would be absent from the report", i, n)
		}
	}
	return nil
}

// relinkArtefacts points a shard's artefact links, screenshots and film
// strips (relinkTrace) at its copy under the merged folder, and the paths
// a failed step's message prints (the shard's results folder, then the
// artefact) at the same copy, under shown, the merged folder as printed.
func relinkArtefacts(steps []cukeStep, sub, shown string) {
	for i := range steps {
		for j, em := range steps[i].Embeddings {
			relinkTrace(&steps[i].Embeddings[j], sub)
			links := artefactLinks(em)
			if links == nil {
				continue
			}
			for k, l := range links {
				steps[i].Result.Error = relinkMessage(steps[i].Result.Error, l, path.Join(filepath.ToSlash(shown), sub, l))
				links[k] = sub + "/" + l
			}
			steps[i].Embeddings[j].Data = base64.StdEncoding.EncodeToString([]byte(strings.Join(links, "\n")))
		}
	}
}

// mergedEnv is the first shard's environment with the shard row naming
// every shard, and the folders merged.
func mergedEnv(env [][2]string, labels, dirs []string) [][2]string {
	out := slices.Clone(env)
	row := [2]string{"shard", "merged: " + strings.Join(labels, ", ")}
	if i := slices.IndexFunc(out, func(r [2]string) bool { return r[0] == "shard" }); i >= 0 {
		out[i] = row
	} else {
		out = append(out, row)
	}
	return append(out, [2]string{"merged from", strings.Join(dirs, " ")}, [2]string{"merged at", time.Now().UTC().Format(time.RFC3339)})
}

// envValue is the value of the environment row label, or "".
func envValue(env [][2]string, label string) string {
	for _, r := range env {
		if r[0] == label {
			return r[1]
		}
	}
	return ""
}

// relinkMessage replaces, in a step's message, each path that ends in the
// artefact rel (the shard's results folder as that run printed it, which
// the merge does not know, then rel) with to.
func relinkMessage(msg, rel, to string) string {
	if msg == "" {
		return msg
	}
	re := regexp.MustCompile(`(^|\s)\S*` + regexp.QuoteMeta("/"+rel) + `(\s|$)`)
	return re.ReplaceAllString(msg, "${1}"+strings.ReplaceAll(to, "$", "$$")+"${2}")
}
