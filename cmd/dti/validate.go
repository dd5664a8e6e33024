package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/dti-platform/dti/scoring"
)

func init() {
	register(command{
		name:    "validate",
		usage:   "dti validate FILE",
		summary: "check an index definition (indicators.yaml) and list every problem",
		run:     runValidate,
	})
}

// runValidate parses and validates an index file. Valid: one summary line
// on stdout, exit 0. Invalid: every problem on stderr as FILE:LINE:COL:
// message, exit 1.
func runValidate(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: dti validate FILE")
		fmt.Fprintln(env.stderr, "\nChecks an index definition and lists every problem with its line and column.")
	}
	if done, err := parseFlags(fs, args); done {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitError{2}
	}
	file := fs.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("validate: cannot read the index file: %w", err)
	}
	ix, err := scoring.ParseIndex(data)
	if err != nil {
		var ve *scoring.ValidationError
		if !errors.As(err, &ve) {
			return fmt.Errorf("validate %s: %w", file, err)
		}
		for _, p := range ve.Problems {
			if p.Pos.Line > 0 {
				fmt.Fprintf(env.stderr, "%s:%d:%d: %s\n", file, p.Pos.Line, p.Pos.Col, p.Message)
			} else {
				fmt.Fprintf(env.stderr, "%s: %s\n", file, p.Message)
			}
		}
		return exitError{1}
	}
	fmt.Fprintln(env.stdout, indexSummary(file, ix))
	return nil
}

// indexSummary is the one-line description of a valid index, e.g.
// "indicators.yaml: PDTI 2025.1 is valid: 70 indicators, 3 adjustments;
// unit types: department (48 indicators, 1000 points), commune (disabled)".
func indexSummary(file string, ix *scoring.Index) string {
	var types []string
	for _, u := range ix.UnitTypes {
		if !u.Enabled {
			types = append(types, u.Code+" (disabled)")
			continue
		}
		inds := ix.IndicatorsFor(u.Code)
		if ix.Style != scoring.StylePoints {
			types = append(types, fmt.Sprintf("%s (%d indicators)", u.Code, len(inds)))
			continue
		}
		total := 0.0
		for _, n := range inds {
			total += ix.MaxPointsFor(n, u.Code)
		}
		types = append(types, fmt.Sprintf("%s (%d indicators, %s points)", u.Code, len(inds), formatPoints(total)))
	}
	return fmt.Sprintf("%s: %s %s is valid: %d indicators, %d adjustments; unit types: %s",
		file, ix.Code, ix.Version, len(ix.Indicators()), len(ix.Adjustments), strings.Join(types, ", "))
}

// formatPoints prints points without float noise.
func formatPoints(x float64) string {
	s := fmt.Sprintf("%.2f", x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
