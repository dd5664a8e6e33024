package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dti-platform/dti/scoring"
)

func init() {
	register(command{
		name:    "uncertainty",
		usage:   "dti uncertainty --index FILE --data FILE [--draws N] [--seed S] [--format table|csv|json]",
		summary: "Monte Carlo uncertainty of the ranking: each unit's nominal rank and rank interval",
		run:     runUncertainty,
	})
}

// uncertaintyFlags maps the fields of scoring.UncertaintyConfig to the
// flags that set them, so configuration errors name the flag.
var uncertaintyFlags = map[string]string{
	"Draws": "--draws", "Workers": "--workers", "WeightSpread": "--spread", "Levels": "--levels",
	"MissingPolicies": "--missing", "Normalisations": "--normalisation",
}

// runUncertainty reads an index and a data file, runs the Monte Carlo
// uncertainty analysis of the ranking and prints, per unit, the nominal
// rank and the rank interval over the draws. Problems in the files are
// reported on stderr as dti score reports them (exit 1); bad flags exit 2.
func runUncertainty(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("uncertainty", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	indexFile, dataFile, year, format := scoringFlags(fs)
	draws := fs.Int("draws", scoring.DefaultUncertaintyDraws, "number of Monte Carlo draws")
	seed := fs.Uint64("seed", 1, "seed of the draws: the same seed gives the same result")
	workers := fs.Int("workers", 0, "goroutines sharing the draws (0: one per CPU); never changes the result")
	spread := fs.Float64("spread", scoring.DefaultWeightSpread, "weights (points style: max points) drawn within ± this share, e.g. 0.25")
	fixed := fs.Bool("fixed-weights", false, "keep the weights as declared")
	levels := fs.String("levels", "", "comma-separated tree depths whose weights are drawn (0: top-level nodes; default: every depth)")
	aggregation := fs.Bool("aggregation", false, "draw the arithmetic or the geometric aggregation in each draw")
	missing := fs.String("missing", "", "comma-separated missing-data policies drawn for every indicator (zero, na, mean, none)")
	norms := fs.String("normalisation", "", "comma-separated methods drawn for indicators compared with peers (minmax, zscore, rank, percentile, best_in_block)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: dti uncertainty --index FILE --data FILE [--draws N] [--seed S] [--format table|csv|json] [flags]")
		fmt.Fprintln(env.stderr, "\nRuns a Monte Carlo uncertainty analysis of the ranking (see docs/uncertainty.md): the")
		fmt.Fprintln(env.stderr, "weights, and with the flags below the aggregation, missing-data policy and normalisation,")
		fmt.Fprintln(env.stderr, "are drawn at random; every unit gets its nominal rank, the median and the 5th-95th")
		fmt.Fprintln(env.stderr, "percentile of its ranks over the draws, and its mean absolute rank shift.")
		fmt.Fprintln(env.stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	if done, err := parseFlags(fs, args); done {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	usageErr := scoringUsage(fs, *indexFile, *dataFile, *format)
	if *draws < 1 {
		usageErr = append(usageErr, fmt.Sprintf("--draws %d: want 1 or more", *draws))
	}
	cfg := scoring.UncertaintyConfig{Draws: *draws, Seed: *seed, Workers: *workers, FixedWeights: *fixed, Aggregation: *aggregation}
	switch {
	case *fixed && set["spread"]:
		usageErr = append(usageErr, "--spread cannot be used with --fixed-weights")
	case *fixed && set["levels"]:
		usageErr = append(usageErr, "--levels cannot be used with --fixed-weights")
	case *fixed:
	case *spread == 0:
		usageErr = append(usageErr, "--spread 0: use --fixed-weights to keep the weights as declared")
	default:
		cfg.WeightSpread = *spread
	}
	for _, s := range splitList(*levels) {
		l, err := strconv.Atoi(s)
		if err != nil {
			usageErr = append(usageErr, fmt.Sprintf("--levels: %q is not a tree depth (0, 1, 2...)", s))
			continue
		}
		cfg.Levels = append(cfg.Levels, l)
	}
	for _, s := range splitList(*missing) {
		cfg.MissingPolicies = append(cfg.MissingPolicies, scoring.MissingPolicy(s))
	}
	for _, s := range splitList(*norms) {
		cfg.Normalisations = append(cfg.Normalisations, scoring.MethodKind(s))
	}
	if len(usageErr) > 0 {
		return usageError(env, fs, "uncertainty", usageErr)
	}

	ix, ds, err := loadScoringInput(env, *indexFile, *dataFile, *year)
	if err != nil {
		return commandError("uncertainty", err)
	}
	res, err := scoring.UncertaintyContext(ctx, ix, ds, cfg)
	if err != nil {
		var ce *scoring.UncertaintyConfigError
		if errors.As(err, &ce) {
			fmt.Fprintf(env.stderr, "dti uncertainty: %s: %s\n", uncertaintyFlags[ce.Field], ce.Message)
			return exitError{2}
		}
		if ctx.Err() != nil {
			return fmt.Errorf("uncertainty: interrupted: %w", err)
		}
		return reportScoreError(env, *dataFile, err)
	}

	t := newUncertaintyTable(ix, res)
	var out bytes.Buffer
	switch *format {
	case "csv":
		err = t.writeCSV(&out)
	case "json":
		err = t.writeJSON(&out)
	default:
		err = t.writeText(&out)
	}
	if err != nil {
		return fmt.Errorf("uncertainty: %w", err)
	}
	_, err = env.stdout.Write(out.Bytes())
	return err
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// uncertaintyTable is what dti uncertainty prints: units by block (in the
// index's order), then nominal rank (unranked last), then code.
type uncertaintyTable struct {
	ix    *scoring.Index
	res   *scoring.UncertaintyResult
	units []scoring.UnitUncertainty
	vdec  int
	pdec  int
}

func newUncertaintyTable(ix *scoring.Index, res *scoring.UncertaintyResult) *uncertaintyTable {
	t := &uncertaintyTable{ix: ix, res: res, units: slices.Clone(res.Units), vdec: ix.Rounding.ValueDecimals, pdec: ix.Rounding.PointsDecimals}
	if t.vdec <= 0 {
		t.vdec = 4
	}
	blockNo := map[string]int{}
	for i, b := range ix.Blocks {
		blockNo[b.Code] = i
	}
	rank := func(u scoring.UnitUncertainty) int {
		if u.Rank == 0 {
			return int(^uint(0) >> 1)
		}
		return u.Rank
	}
	slices.SortStableFunc(t.units, func(a, b scoring.UnitUncertainty) int {
		return cmp.Or(cmp.Compare(blockNo[a.Block], blockNo[b.Block]), cmp.Compare(rank(a), rank(b)), strings.Compare(a.Code, b.Code))
	})
	return t
}

func (t *uncertaintyTable) num(x float64, dec int) string {
	return strconv.FormatFloat(x, 'f', dec, 64)
}

// stats formats a unit's rank statistics: nominal rank, median, low,
// high, best, worst, mean shift; all "" for an unranked unit.
func (t *uncertaintyTable) stats(u scoring.UnitUncertainty) []string {
	if u.Rank == 0 {
		return make([]string, 7)
	}
	return []string{strconv.Itoa(u.Rank), strconv.FormatFloat(u.MedianRank, 'f', -1, 64),
		strconv.Itoa(u.RankLow), strconv.Itoa(u.RankHigh), strconv.Itoa(u.RankBest), strconv.Itoa(u.RankWorst),
		t.num(u.MeanShift, 2)}
}

func (t *uncertaintyTable) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := []string{"code", "name", "block", "points", "value", "rank", "rank_median", "rank_low", "rank_high", "rank_best", "rank_worst", "mean_shift", "points_low", "points_high"}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, u := range t.units {
		row := append([]string{safeCell(u.Code), safeCell(u.Name), safeCell(u.Block), t.num(u.Points, t.pdec), t.num(u.Value, t.vdec)}, t.stats(u)...)
		row = append(row, t.num(u.PointsLow, t.pdec), t.num(u.PointsHigh, t.pdec))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonUncertaintyUnit is one unit of the JSON output; Ranks is null for a
// unit of an unranked block.
type jsonUncertaintyUnit struct {
	Code   string     `json:"code"`
	Name   string     `json:"name"`
	Block  string     `json:"block"`
	Points float64    `json:"points"`
	Value  float64    `json:"value"`
	Ranks  *jsonRanks `json:"ranks"`
	// PointsInterval is [5th, 95th percentile] of the points over the draws.
	PointsInterval [2]float64 `json:"points_interval"`
}

type jsonRanks struct {
	Nominal   int     `json:"nominal"`
	Median    float64 `json:"median"`
	Low       int     `json:"low"`
	High      int     `json:"high"`
	Best      int     `json:"best"`
	Worst     int     `json:"worst"`
	MeanShift float64 `json:"mean_shift"`
}

type jsonUncertaintyBlock struct {
	Code      string  `json:"code"`
	Units     int     `json:"units"`
	MeanShift float64 `json:"mean_shift"`
}

func (t *uncertaintyTable) writeJSON(w io.Writer) error {
	c := t.res.Config
	doc := struct {
		Index          string                  `json:"index"`
		Version        string                  `json:"version"`
		Draws          int                     `json:"draws"`
		Seed           uint64                  `json:"seed"`
		WeightSpread   float64                 `json:"weight_spread"`
		FixedWeights   bool                    `json:"fixed_weights"`
		Levels         []int                   `json:"levels"`
		Aggregation    bool                    `json:"aggregation"`
		Missing        []scoring.MissingPolicy `json:"missing"`
		Normalisations []scoring.MethodKind    `json:"normalisations"`
		Units          []jsonUncertaintyUnit   `json:"units"`
		Blocks         []jsonUncertaintyBlock  `json:"blocks"`
	}{Index: t.ix.Code, Version: t.ix.Version, Draws: c.Draws, Seed: c.Seed, WeightSpread: c.WeightSpread,
		FixedWeights: c.FixedWeights, Levels: orEmpty(c.Levels), Aggregation: c.Aggregation,
		Missing: orEmpty(c.MissingPolicies), Normalisations: orEmpty(c.Normalisations),
		Units: []jsonUncertaintyUnit{}, Blocks: []jsonUncertaintyBlock{}}
	for _, u := range t.units {
		ju := jsonUncertaintyUnit{Code: u.Code, Name: u.Name, Block: u.Block, Points: u.Points, Value: u.Value,
			PointsInterval: [2]float64{u.PointsLow, u.PointsHigh}}
		if u.Rank > 0 {
			ju.Ranks = &jsonRanks{Nominal: u.Rank, Median: u.MedianRank, Low: u.RankLow, High: u.RankHigh,
				Best: u.RankBest, Worst: u.RankWorst, MeanShift: roundShift(u.MeanShift)}
		}
		doc.Units = append(doc.Units, ju)
	}
	for _, b := range t.res.Blocks {
		doc.Blocks = append(doc.Blocks, jsonUncertaintyBlock{Code: b.Code, Units: b.Units, MeanShift: roundShift(b.MeanShift)})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// roundShift keeps 4 decimals of a mean rank shift.
func roundShift(x float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', 4, 64), 64)
	return v
}

// orEmpty turns a nil slice into an empty one, so JSON shows [] not null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// writeText prints what was drawn, then an aligned table per block,
// Vietnamese headings first.
func (t *uncertaintyTable) writeText(w io.Writer) error {
	c := t.res.Config
	weights := "trọng số cố định / fixed weights"
	if !c.FixedWeights {
		weights = fmt.Sprintf("trọng số ±%s%% / weights ±%s%%", t.num(c.WeightSpread*100, -1), t.num(c.WeightSpread*100, -1))
		if len(c.Levels) > 0 {
			lv := make([]string, len(c.Levels))
			for i, l := range c.Levels {
				lv[i] = strconv.Itoa(l)
			}
			weights += " (cấp / levels " + strings.Join(lv, ", ") + ")"
		}
	}
	fmt.Fprintf(w, "%s %s: %d lần rút / draws, hạt giống / seed %d; %s", oneLine(t.ix.Code), oneLine(t.ix.Version), c.Draws, c.Seed, weights)
	if c.Aggregation {
		fmt.Fprint(w, "; tổng hợp cộng hoặc nhân / arithmetic or geometric aggregation")
	}
	if len(c.MissingPolicies) > 0 {
		fmt.Fprintf(w, "; thiếu dữ liệu / missing: %s", joinAny(c.MissingPolicies))
	}
	if len(c.Normalisations) > 0 {
		fmt.Fprintf(w, "; chuẩn hoá / normalisation: %s", joinAny(c.Normalisations))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Khoảng hạng, khoảng điểm: phân vị 5–95 % qua các lần rút / Rank and points intervals: 5th–95th percentile over the draws")

	shift := map[string]float64{}
	for _, b := range t.res.Blocks {
		shift[b.Code] = b.MeanShift
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := "Hạng/Rank\tKhoảng hạng/Interval\tTrung vị/Median\tTốt nhất–kém nhất/Best–worst\tDịch chuyển TB/Mean shift\tMã/Code\tĐơn vị/Unit\tĐiểm/Points\tKhoảng điểm/Points interval"
	block := ""
	for k, u := range t.units {
		if k == 0 || u.Block != block {
			block = u.Block
			fmt.Fprintln(tw)
			name, ranked := u.Block, true
			if b, ok := t.ix.Block(u.Block); ok {
				name, ranked = b.Name.In("vi"), b.Ranked
			}
			if ranked {
				fmt.Fprintf(tw, "%s — %s (dịch chuyển hạng TB / mean rank shift %s)\n", oneLine(u.Block), oneLine(name), t.num(shift[u.Block], 2))
			} else {
				fmt.Fprintf(tw, "%s — %s (không xếp hạng / not ranked)\n", oneLine(u.Block), oneLine(name))
			}
			fmt.Fprintln(tw, head)
		}
		cells := []string{"—", "—", "—", "—", "—"}
		if s := t.stats(u); s[0] != "" {
			cells = []string{s[0], s[2] + "–" + s[3], s[1], s[4] + "–" + s[5], s[6]}
		}
		cells = append(cells, oneLine(u.Code), oneLine(u.Name), t.num(u.Points, t.pdec),
			t.num(u.PointsLow, t.pdec)+"–"+t.num(u.PointsHigh, t.pdec))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// joinAny joins string-like values with ", ".
func joinAny[T ~string](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}
