// Command e2ereport is make report: it merges the results folders of CI
// shards of the e2e suite (each run with SHARD=i/n and its own
// RESULTS_DIR) into one report.html, junit.xml and cucumber.json.
//
//	e2ereport -o results results-1 results-2 ...
//
// The output folder is replaced; each shard's folder is copied into it
// under shards/, so the merged report's artefact links work when it is
// published alone. It exits 1 when the merge fails, or when a merged
// scenario failed or a shard's run was cut short, so a CI merge job is
// as red as its shards.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sfharness/sfharness/e2e"
)

func main() {
	if err := run(os.Args, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// run is the whole program, so tests can run it: args is the command
// line with the program's name first.
func run(args []string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fl.SetOutput(stderr)
	out := fl.String("o", "results", "the merged results folder, replaced")
	fl.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s [-o results] SHARD_FOLDER...\n", filepath.Base(args[0]))
		fl.PrintDefaults()
	}
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	sum, cut, shown, err := e2e.MergeShards(root, *out, fl.Args())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d shards merged: %s; reports in %s\n", fl.NArg(), sum, shown)
	if cut != "" {
		return fmt.Errorf("e2ereport: a shard's run was cut short: %s", cut)
	}
	if sum.Failed > 0 {
		return fmt.Errorf("e2ereport: %d scenarios failed; see %s", sum.Failed, filepath.Join(shown, "report.html"))
	}
	return nil
}
