package e2e

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// repoRoot is the directory above dir that holds the module's go.mod:
// the suite runs from there, so every path it prints, and every path in
// its reports, is relative to the repository root, as people type them
// (FEATURE=features/x.feature:12), not to e2e/ where go test starts it.
func repoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("e2e: find the repository root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("e2e: no go.mod above %s", dir)
		}
	}
}

// displayPath is p as the suite prints it: relative to root when it lies
// inside it, absolute otherwise.
func displayPath(root, p string) string {
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, p)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.Clean(abs)
	}
	return rel
}

// freshResults empties the results folder dir (relative to root unless
// absolute) and returns it as displayPath gives it. A run's folder holds
// that run's files only: after a run cut short, nothing of an earlier
// run can pass for its result. It refuses a folder that holds a source
// tree (a go.mod or a .git), so RESULTS_DIR=. cannot wipe a checkout.
func freshResults(root, dir string) (string, error) {
	shown := displayPath(root, dir)
	abs := shown
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(root, abs)
	}
	home, _ := os.UserHomeDir()
	if abs == root || abs == filepath.Dir(abs) || abs == home {
		return "", fmt.Errorf("e2e: RESULTS_DIR=%s is not a results folder: the suite replaces it at the start of a run", dir)
	}
	for _, marker := range []string{"go.mod", ".git"} {
		if _, err := os.Stat(filepath.Join(abs, marker)); err == nil {
			return "", fmt.Errorf("e2e: RESULTS_DIR=%s holds a %s: the suite replaces that folder at the start of a run; choose another", dir, marker)
		}
	}
	if err := os.RemoveAll(abs); err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("e2e: replace the results folder %s: %w", shown, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", fmt.Errorf("e2e: create the results folder %s: %w", shown, err)
	}
	return shown, nil
}
