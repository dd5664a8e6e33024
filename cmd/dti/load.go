package main

// Reading an index and a data file, and reporting their problems, for the
// commands that score (score, uncertainty).

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/dti-platform/dti/scoring"
)

// loadScoringInput reads and parses an index and a data file. Problems
// are written on stderr (index: FILE:LINE:COL, data: FILE:ROW:COLUMN) and
// returned as exit status 1.
func loadScoringInput(env *cmdEnv, indexFile, dataFile string, year int) (*scoring.Index, *scoring.Dataset, error) {
	src, err := os.ReadFile(indexFile)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the index file: %w", err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		var ve *scoring.ValidationError
		if !errors.As(err, &ve) {
			return nil, nil, fmt.Errorf("%s: %w", indexFile, err)
		}
		for _, p := range ve.Problems {
			if p.Pos.Line > 0 {
				fmt.Fprintf(env.stderr, "%s:%d:%d: %s\n", indexFile, p.Pos.Line, p.Pos.Col, p.Message)
			} else {
				fmt.Fprintf(env.stderr, "%s: %s\n", indexFile, p.Message)
			}
		}
		return nil, nil, exitError{1}
	}
	f, err := os.Open(dataFile)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read the data file: %w", err)
	}
	defer f.Close()
	ds, err := scoring.ReadDataCSV(ix, dataFile, f, year)
	if err != nil {
		var ce *scoring.CSVError
		if !errors.As(err, &ce) {
			return nil, nil, fmt.Errorf("%s: %w", dataFile, err)
		}
		for _, p := range ce.Problems {
			fmt.Fprintln(env.stderr, p.String())
		}
		return nil, nil, exitError{1}
	}
	return ix, ds, nil
}

// commandError prefixes an unexpected error with the command's name; an
// exit status (the problems are already on stderr) passes unchanged.
func commandError(name string, err error) error {
	var ee exitError
	if errors.As(err, &ee) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// reportScoreError writes an error of scoring.Score (or of an analysis
// that scores) on stderr and returns exit status 1.
func reportScoreError(env *cmdEnv, dataFile string, err error) error {
	var de *scoring.DataError
	switch {
	case errors.As(err, &de):
		for _, p := range de.Problems {
			fmt.Fprintf(env.stderr, "%s: %s\n", dataFile, p.String())
		}
	case errors.Is(err, scoring.ErrNoYear):
		fmt.Fprintf(env.stderr, "%s: the index has deadline indicators: give the assessed year with --year\n", dataFile)
	default:
		fmt.Fprintf(env.stderr, "%s: %v\n", dataFile, err)
	}
	return exitError{1}
}

// scoringFlags declares on fs the flags the scoring commands share:
// --index, --data, --year and --format.
func scoringFlags(fs *flag.FlagSet) (indexFile, dataFile *string, year *int, format *string) {
	indexFile = fs.String("index", "", "index definition (indicators.yaml)")
	dataFile = fs.String("data", "", "data file: one row per unit (CSV, see docs/data-file.md)")
	year = fs.Int("year", 0, "assessed year (needed by deadline indicators; default: the data file's \"# year:\" comment)")
	format = fs.String("format", "table", "output format: table, csv or json")
	return indexFile, dataFile, year, format
}

// scoringUsage returns the usage problems of the flags the scoring
// commands share.
func scoringUsage(fs *flag.FlagSet, indexFile, dataFile, format string) []string {
	var problems []string
	if indexFile == "" {
		problems = append(problems, "--index is required")
	}
	if dataFile == "" {
		problems = append(problems, "--data is required")
	}
	if format != "table" && format != "csv" && format != "json" {
		problems = append(problems, fmt.Sprintf("--format %q: want table, csv or json", format))
	}
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return problems
}

// usageError prints every usage problem and the command's usage, and
// returns exit status 2.
func usageError(env *cmdEnv, fs *flag.FlagSet, cmd string, problems []string) error {
	for _, m := range problems {
		fmt.Fprintf(env.stderr, "dti %s: %s\n", cmd, m)
	}
	fs.Usage()
	return exitError{2}
}
