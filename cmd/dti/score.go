package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dti-platform/dti/scoring"
)

func init() {
	register(command{
		name:    "score",
		usage:   "dti score --index FILE --data FILE [--format table|csv|json] [--year N] [--uncertainty N] [--explain UNIT]",
		summary: "score a data file (CSV, see docs/data-file.md) against an index and print the ranking",
		run:     runScore,
	})
}

// runScore reads an index and a data file, scores every unit and prints
// one row per unit. Any problem in either file is reported on stderr
// (index: FILE:LINE:COL, data: FILE:ROW:COLUMN) with exit status 1, and
// nothing is written on stdout.
func runScore(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	indexFile, dataFile, year, format := scoringFlags(fs)
	explain := fs.String("explain", "", "print the scorecard of the unit with this `code`: every indicator with its points and how they were reached")
	lang := fs.String("lang", "vi", "language of the scorecard: vi or en")
	draws := fs.Int("uncertainty", 0, "add each unit's rank interval from this many Monte Carlo draws of the weights (e.g. 1000; seed 1)")
	fs.Usage = func() {
		fmt.Fprintln(env.stderr, "Usage: dti score --index FILE --data FILE [--format table|csv|json] [--year N] [--uncertainty N] [--explain UNIT [--lang vi|en]]")
		fmt.Fprintln(env.stderr, "\nScores every unit of the data file against the index and prints one row per unit,")
		fmt.Fprintln(env.stderr, "by block and rank: points, value, rank, band, pillar and top-level group values.")
		fmt.Fprintln(env.stderr, "With --explain, prints that unit's scorecard instead: every indicator with its points")
		fmt.Fprintln(env.stderr, "and how they were reached.")
		fmt.Fprintln(env.stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	if done, err := parseFlags(fs, args); done {
		return err
	}
	usageErr := scoringUsage(fs, *indexFile, *dataFile, *format)
	if *draws < 0 {
		usageErr = append(usageErr, fmt.Sprintf("--uncertainty %d: want a number of draws ≥ 0", *draws))
	}
	if *lang != "vi" && *lang != "en" {
		usageErr = append(usageErr, fmt.Sprintf("--lang %q: want vi or en", *lang))
	}
	if len(usageErr) > 0 {
		return usageError(env, fs, "score", usageErr)
	}

	ix, ds, err := loadScoringInput(env, *indexFile, *dataFile, *year)
	if err != nil {
		return commandError("score", err)
	}
	opts := scoring.Options{}
	if *explain != "" {
		found := false
		for _, u := range ds.Units {
			found = found || u.Code == *explain
		}
		if !found {
			fmt.Fprintf(env.stderr, "%s: --explain: no unit %q in the data file\n", *dataFile, *explain)
			return exitError{1}
		}
		opts = scoring.Options{Explain: true, ExplainUnits: []string{*explain}}
	}
	res, err := scoring.Score(ix, ds, opts)
	if err != nil {
		return reportScoreError(env, *dataFile, err)
	}

	var out bytes.Buffer
	t := newScoreTable(ix, res)
	if *draws > 0 && *explain == "" {
		cfg := scoring.UncertaintyConfig{Draws: *draws, Seed: 1, Aggregation: ix.Style == scoring.StyleComposite}
		unc, err := scoring.Uncertainty(ix, ds, cfg)
		if err != nil {
			return fmt.Errorf("score: %w", err)
		}
		t.unc = map[string]scoring.UnitUncertainty{}
		for _, u := range unc.Units {
			t.unc[u.Code] = u
		}
	}
	switch {
	case *explain != "":
		err = t.writeScorecard(&out, *explain, *lang)
	case *format == "csv":
		err = t.writeCSV(&out)
	case *format == "json":
		err = t.writeJSON(&out)
	default:
		err = t.writeText(&out)
	}
	if err != nil {
		return fmt.Errorf("score: %w", err)
	}
	_, err = env.stdout.Write(out.Bytes())
	return err
}

// scoreTable is the ranking a score command prints: units by block (in
// the index's order), then rank (unranked last), then code.
type scoreTable struct {
	ix     *scoring.Index
	units  []*scoring.UnitResult
	groups []int // indexes in UnitResult.Nodes of the top-level nodes
	// unc holds the rank intervals by unit code (--uncertainty), or nil.
	unc     map[string]scoring.UnitUncertainty
	vdec    int
	pdec    int
	blockNo map[string]int
}

func newScoreTable(ix *scoring.Index, res *scoring.Results) *scoreTable {
	t := &scoreTable{ix: ix, vdec: ix.Rounding.ValueDecimals, pdec: ix.Rounding.PointsDecimals, blockNo: map[string]int{}}
	if t.vdec <= 0 {
		t.vdec = 4
	}
	for i, b := range ix.Blocks {
		t.blockNo[b.Code] = i
	}
	for i, n := range ix.AllNodes() {
		if n.Parent == nil {
			t.groups = append(t.groups, i)
		}
	}
	for i := range res.Units {
		t.units = append(t.units, &res.Units[i])
	}
	sort.SliceStable(t.units, func(a, b int) bool {
		ua, ub := t.units[a], t.units[b]
		if ba, bb := t.blockNo[ua.Block], t.blockNo[ub.Block]; ba != bb {
			return ba < bb
		}
		ra, rb := ua.Rank, ub.Rank
		if ra == 0 {
			ra = int(^uint(0) >> 1)
		}
		if rb == 0 {
			rb = int(^uint(0) >> 1)
		}
		if ra != rb {
			return ra < rb
		}
		return ua.Code < ub.Code
	})
	return t
}

func (t *scoreTable) num(x float64, dec int) string { return strconv.FormatFloat(x, 'f', dec, 64) }

// round rounds points to the index's points decimals.
func (t *scoreTable) round(x float64) float64 {
	pow := math.Pow(10, float64(t.pdec))
	return math.Round(x*pow) / pow
}

// nodeValue formats a node's value, "" when it has none.
func (t *scoreTable) nodeValue(n scoring.NodeResult) string {
	if !n.Applicable || n.Missing {
		return ""
	}
	return t.num(n.Value, t.vdec)
}

func (t *scoreTable) rank(u *scoring.UnitResult) string {
	if u.Rank == 0 {
		return ""
	}
	return strconv.Itoa(u.Rank)
}

// safeCell keeps a spreadsheet from reading user text as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (t *scoreTable) header() []string {
	h := []string{"code", "name", "block", "points", "value", "rank", "band"}
	for _, p := range t.ix.Pillars {
		h = append(h, "pillar:"+p.Code)
	}
	all := t.ix.AllNodes()
	for _, i := range t.groups {
		h = append(h, all[i].Code)
	}
	if t.unc != nil {
		h = append(h, "rank_low", "rank_median", "rank_high")
	}
	return h
}

// rankRange formats a unit's rank interval ("" without one).
func (t *scoreTable) rankRange(u *scoring.UnitResult) (lo, median, hi string) {
	x, ok := t.unc[u.Code]
	if !ok || x.Rank == 0 {
		return "", "", ""
	}
	return strconv.Itoa(x.RankLow), strconv.FormatFloat(x.MedianRank, 'f', -1, 64), strconv.Itoa(x.RankHigh)
}

func (t *scoreTable) row(u *scoring.UnitResult) []string {
	r := []string{u.Code, u.Name, u.Block, t.num(u.Points, t.pdec), t.num(u.Value, t.vdec), t.rank(u), u.Band}
	for _, p := range u.Pillars {
		r = append(r, t.nodeValue(p))
	}
	for _, i := range t.groups {
		r = append(r, t.nodeValue(u.Nodes[i]))
	}
	if t.unc != nil {
		lo, med, hi := t.rankRange(u)
		r = append(r, lo, med, hi)
	}
	return r
}

func (t *scoreTable) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.header()); err != nil {
		return err
	}
	for _, u := range t.units {
		r := t.row(u)
		for i := range r {
			r[i] = safeCell(r[i])
		}
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonUnit is one unit of the JSON output.
type jsonUnit struct {
	Code    string      `json:"code"`
	Name    string      `json:"name"`
	Block   string      `json:"block"`
	Points  float64     `json:"points"`
	Value   float64     `json:"value"`
	Rank    *int        `json:"rank"`
	Band    string      `json:"band"`
	Pillars []jsonValue `json:"pillars"`
	Groups  []jsonValue `json:"groups"`
	// RankInterval is [low, high] over the uncertainty draws.
	RankInterval []int `json:"rank_interval,omitempty"`
}

type jsonValue struct {
	Code  string   `json:"code"`
	Value *float64 `json:"value"`
}

func (t *scoreTable) writeJSON(w io.Writer) error {
	units := make([]jsonUnit, 0, len(t.units))
	val := func(n scoring.NodeResult) jsonValue {
		v := jsonValue{Code: n.Code}
		if n.Applicable && !n.Missing {
			x, _ := strconv.ParseFloat(t.num(n.Value, t.vdec), 64)
			v.Value = &x
		}
		return v
	}
	for _, u := range t.units {
		ju := jsonUnit{Code: u.Code, Name: u.Name, Block: u.Block, Points: u.Points, Value: u.Value, Band: u.Band,
			Pillars: []jsonValue{}, Groups: []jsonValue{}}
		if u.Rank > 0 {
			r := u.Rank
			ju.Rank = &r
		}
		for _, p := range u.Pillars {
			ju.Pillars = append(ju.Pillars, val(p))
		}
		for _, i := range t.groups {
			ju.Groups = append(ju.Groups, val(u.Nodes[i]))
		}
		if x, ok := t.unc[u.Code]; ok && x.Rank > 0 {
			ju.RankInterval = []int{x.RankLow, x.RankHigh}
		}
		units = append(units, ju)
	}
	doc := struct {
		Index   string     `json:"index"`
		Version string     `json:"version"`
		Units   []jsonUnit `json:"units"`
	}{t.ix.Code, t.ix.Version, units}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// writeText prints an aligned table per block, Vietnamese headings first.
func (t *scoreTable) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"Hạng/Rank", "Mã/Code", "Đơn vị/Unit", "Điểm/Points", "Giá trị/Value", "Xếp loại/Band"}
	if t.unc != nil {
		head = append(head[:1], append([]string{"Khoảng hạng/Rank range"}, head[1:]...)...)
	}
	for _, p := range t.ix.Pillars {
		head = append(head, "pillar:"+p.Code)
	}
	all := t.ix.AllNodes()
	for _, i := range t.groups {
		head = append(head, all[i].Code)
	}
	bands := map[string]string{}
	for _, b := range t.ix.Bands {
		bands[b.Code] = b.Name.In("vi")
	}
	block := ""
	for k, u := range t.units {
		if k == 0 || u.Block != block {
			block = u.Block
			if k > 0 {
				fmt.Fprintln(tw)
			}
			name := u.Block
			if b, ok := t.ix.Block(u.Block); ok {
				name = b.Name.In("vi")
				if !b.Ranked {
					name += " (không xếp hạng / not ranked)"
				}
			}
			fmt.Fprintf(tw, "%s — %s\n", u.Block, name)
			fmt.Fprintln(tw, strings.Join(head, "\t"))
		}
		rank := t.rank(u)
		if rank == "" {
			rank = "—"
		}
		cells := []string{rank, oneLine(u.Code), oneLine(u.Name), t.num(u.Points, t.pdec), t.num(u.Value, t.vdec), bands[u.Band]}
		if t.unc != nil {
			rng := "—"
			if lo, _, hi := t.rankRange(u); lo != "" {
				rng = lo + "–" + hi
			}
			cells = append(cells[:1], append([]string{rng}, cells[1:]...)...)
		}
		for _, p := range u.Pillars {
			cells = append(cells, orDash(t.nodeValue(p)))
		}
		for _, i := range t.groups {
			cells = append(cells, orDash(t.nodeValue(u.Nodes[i])))
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}

// oneLine keeps user text from breaking the table's rows and columns.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// writeScorecard prints one unit's scorecard: every node of the tree with
// its points (or value) and, for indicators, how they were reached.
func (t *scoreTable) writeScorecard(w io.Writer, code, lang string) error {
	var u *scoring.UnitResult
	for _, x := range t.units {
		if x.Code == code {
			u = x
		}
	}
	tr := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	rank := t.rank(u)
	if rank == "" {
		rank = "—"
	}
	band := u.Band
	if b, ok := t.ix.BandFor(u.Points / t.ix.Scale); ok && b.Code == u.Band {
		band = b.Name.In(lang)
	}
	fmt.Fprintf(w, "%s — %s (%s)\n", oneLine(u.Code), oneLine(u.Name), u.Block)
	fmt.Fprintf(w, "%s: %s   %s: %s   %s: %s   %s: %s\n",
		tr("Điểm", "Points"), scoring.FormatNumber(u.Points, lang), tr("Giá trị", "Value"), scoring.FormatNumber(u.Value, lang),
		tr("Hạng", "Rank"), rank, tr("Xếp loại", "Band"), band)
	if u.Adjustment != 0 {
		fmt.Fprintf(w, "%s: %s\n", tr("Điểm thưởng/trừ", "Bonus/penalty"), scoring.FormatNumber(u.Adjustment, lang))
	}
	fmt.Fprintln(w)
	points := t.ix.Style == scoring.StylePoints
	line := func(n *scoring.Node, r scoring.NodeResult) {
		indent := strings.Repeat("  ", n.Depth)
		var score string
		switch {
		case !r.Applicable:
			score = tr("không áp dụng", "not applicable")
		case r.Missing:
			score = tr("thiếu dữ liệu", "missing")
		case points:
			score = scoring.FormatNumber(t.round(r.Points), lang) + "/" + scoring.FormatNumber(t.round(r.MaxPoints), lang)
		default:
			score = scoring.FormatNumber(t.round(r.Value*t.ix.Scale), lang)
		}
		fmt.Fprintf(w, "%s%s %s: %s\n", indent, n.Code, n.Name.In(lang), score)
		if r.Explanation != nil && r.Applicable {
			steps := r.Explanation.Steps.In(lang)
			fmt.Fprintf(w, "%s    %s\n", indent, steps)
		}
	}
	for i, n := range t.ix.AllNodes() {
		line(n, u.Nodes[i])
	}
	for i, n := range t.ix.Adjustments {
		line(n, u.Adjustments[i])
	}
	return nil
}
