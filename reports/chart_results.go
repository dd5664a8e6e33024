package reports

// This file turns scoring results into chart inputs, so that the web
// handlers only pick a block or a unit: block averages and the choice of
// nodes stay here, next to the charts, and out of the web layer.

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/dti-platform/dti/scoring"
)

// chartResultsWords are the words of the titles these helpers write.
var chartResultsWords = map[string]struct {
	Ranking, Radar, Heatmap, Trend, Distribution, BlockAverage string
}{
	ChartLangVI: {
		Ranking: "Xếp hạng", Radar: "Các trụ cột so với trung bình khối", Heatmap: "Giá trị theo nhóm chỉ số",
		Trend: "Diễn biến qua các kỳ đánh giá", Distribution: "Phân bố giá trị chỉ số theo khối",
		BlockAverage: "Trung bình khối",
	},
	ChartLangEN: {
		Ranking: "Ranking", Radar: "Pillars against the block average", Heatmap: "Values by indicator group",
		Trend: "Trend over the assessment periods", Distribution: "Distribution of index values by block",
		BlockAverage: "Block average",
	},
}

// chartBlock returns the block with the given code.
func chartBlock(ix *scoring.Index, code string) (scoring.Block, error) {
	for _, b := range ix.Blocks {
		if b.Code == code {
			return b, nil
		}
	}
	return scoring.Block{}, fmt.Errorf("block %q is not in index %s", code, ix.Code)
}

// chartUnit returns the result of the unit with the given code.
func chartUnit(res *scoring.Results, code string) (*scoring.UnitResult, bool) {
	for i := range res.Units {
		if res.Units[i].Code == code {
			return &res.Units[i], true
		}
	}
	return nil, false
}

// chartCheckResults checks the arguments every helper takes.
func chartCheckResults(ix *scoring.Index, res *scoring.Results, lang string) (string, error) {
	if ix == nil || res == nil {
		return "", fmt.Errorf("chart from results: index and results are required")
	}
	if res.IndexCode != "" && res.IndexCode != ix.Code {
		return "", fmt.Errorf("chart from results: results of index %q, not of %q", res.IndexCode, ix.Code)
	}
	return chartLang("lang", lang)
}

// chartBands returns the index's bands for a chart legend.
func chartBands(ix *scoring.Index, lang string) []ChartBand {
	bands := make([]ChartBand, len(ix.Bands))
	for i, b := range ix.Bands {
		bands[i] = ChartBand{Code: b.Code, Name: b.Name.In(lang)}
	}
	return bands
}

// ChartRankingFromResults returns the ranking chart input of one block:
// every unit of the block with its rank, value, points and band, the
// index's bands and a title naming the block. Set Metric to
// ChartMetricPoints (and Max to ix.Scale) to show points. It fails when the
// block is not in the index or has no unit in res.
func ChartRankingFromResults(ix *scoring.Index, res *scoring.Results, block, lang string) (ChartRankingInput, error) {
	lang, err := chartCheckResults(ix, res, lang)
	if err != nil {
		return ChartRankingInput{}, err
	}
	b, err := chartBlock(ix, block)
	if err != nil {
		return ChartRankingInput{}, err
	}
	in := ChartRankingInput{
		Name:        "ranking " + block,
		Title:       chartResultsWords[lang].Ranking + " — " + b.Name.In(lang),
		Subtitle:    ix.Name.In(lang),
		Lang:        lang,
		Bands:       chartBands(ix, lang),
		ShowAverage: true,
	}
	for _, u := range res.Units {
		if u.Block == block {
			in.Units = append(in.Units, ChartRankingUnit{Name: u.Name, Rank: u.Rank, Value: u.Value, Points: u.Points, Band: u.Band})
		}
	}
	if len(in.Units) == 0 {
		return ChartRankingInput{}, fmt.Errorf("block %q: no unit in the results", block)
	}
	return in, nil
}

// chartNodeValue returns a node's value, NaN when it has none (not
// applicable or missing).
func chartNodeValue(n scoring.NodeResult) float64 {
	if !n.Applicable || n.Missing {
		return math.NaN()
	}
	return n.Value
}

// chartAxes are the spokes of a unit radar: the index's pillars when it has
// at least 3, otherwise its top-level nodes.
type chartAxis struct {
	code, name string
	pillar     bool
}

func chartRadarAxes(ix *scoring.Index, lang string) []chartAxis {
	var axes []chartAxis
	if len(ix.Pillars) >= 3 {
		for _, p := range ix.Pillars {
			axes = append(axes, chartAxis{p.Code, p.Name.In(lang), true})
		}
		return axes
	}
	for _, n := range ix.Nodes {
		axes = append(axes, chartAxis{n.Code, n.Name.In(lang), false})
	}
	return axes
}

// chartUnitValue returns a unit's value of a pillar or node, NaN when it has
// none.
func chartUnitValue(u *scoring.UnitResult, a chartAxis) float64 {
	list := u.Nodes
	if a.pillar {
		list = u.Pillars
	}
	for _, n := range list {
		if n.Code == a.code {
			return chartNodeValue(n)
		}
	}
	return math.NaN()
}

// ChartRadarFromResults returns the radar chart input of one unit: its
// pillar values (or, for an index with fewer than 3 pillars, the values of
// its top-level nodes) against the mean of the units of its block that have
// a value. A pillar the unit has no value for is drawn at 0. It fails when
// the unit is not in res or there are fewer than 3 axes.
func ChartRadarFromResults(ix *scoring.Index, res *scoring.Results, unit, lang string) (ChartRadarInput, error) {
	lang, err := chartCheckResults(ix, res, lang)
	if err != nil {
		return ChartRadarInput{}, err
	}
	u, ok := chartUnit(res, unit)
	if !ok {
		return ChartRadarInput{}, fmt.Errorf("unit %q is not in the results", unit)
	}
	axes := chartRadarAxes(ix, lang)
	if len(axes) < 3 {
		return ChartRadarInput{}, fmt.Errorf("index %s: %d pillars and %d top-level nodes: a radar needs 3", ix.Code, len(ix.Pillars), len(ix.Nodes))
	}
	in := ChartRadarInput{
		Name:     "radar " + unit,
		Title:    u.Name + " — " + chartResultsWords[lang].Radar,
		Subtitle: ix.Name.In(lang),
		Lang:     lang,
		Axes:     make([]ChartRadarAxis, len(axes)),
		Series: []ChartRadarSeries{
			{Name: u.Name, Values: make([]float64, len(axes))},
			{Name: chartResultsWords[lang].BlockAverage, Values: make([]float64, len(axes))},
		},
	}
	for i, a := range axes {
		in.Axes[i] = ChartRadarAxis{Name: a.name, Max: 1}
		if v := chartUnitValue(u, a); !math.IsNaN(v) {
			in.Series[0].Values[i] = v
		}
		sum, n := 0.0, 0
		for j := range res.Units {
			peer := &res.Units[j]
			if peer.Block != u.Block {
				continue
			}
			if v := chartUnitValue(peer, a); !math.IsNaN(v) {
				sum += v
				n++
			}
		}
		if n > 0 {
			in.Series[1].Values[i] = sum / float64(n)
		}
	}
	return in, nil
}

// chartGroupsAt returns the group nodes (nodes with children) at depth in
// document order: depth 0 is the top-level nodes.
func chartGroupsAt(nodes []*scoring.Node, depth int, out []*scoring.Node) []*scoring.Node {
	for _, n := range nodes {
		if n.IsIndicator() {
			continue
		}
		if n.Depth == depth {
			out = append(out, n)
			continue
		}
		out = chartGroupsAt(n.Children, depth, out)
	}
	return out
}

// ChartHeatmapFromResults returns the heatmap input of one block: a row
// per unit of the block in rank order (unranked units last, then by name)
// and a column per group node at depth (0: the top-level nodes, 1: their
// groups...), each cell the unit's value of the group in 0..1, blank when
// it has none. Columns are named by group code, which keeps them short;
// the tooltip shows the same. It fails when the block is unknown or empty
// or the index has no group at depth.
func ChartHeatmapFromResults(ix *scoring.Index, res *scoring.Results, block string, depth int, lang string) (ChartHeatmapInput, error) {
	lang, err := chartCheckResults(ix, res, lang)
	if err != nil {
		return ChartHeatmapInput{}, err
	}
	b, err := chartBlock(ix, block)
	if err != nil {
		return ChartHeatmapInput{}, err
	}
	groups := chartGroupsAt(ix.Nodes, depth, nil)
	if len(groups) == 0 {
		return ChartHeatmapInput{}, fmt.Errorf("index %s has no group at depth %d", ix.Code, depth)
	}
	in := ChartHeatmapInput{
		Name:     fmt.Sprintf("heatmap %s %d", block, depth),
		Title:    chartResultsWords[lang].Heatmap + " — " + b.Name.In(lang),
		Subtitle: ix.Name.In(lang),
		Lang:     lang,
	}
	for _, g := range groups {
		in.Groups = append(in.Groups, g.Code)
	}
	var units []*scoring.UnitResult
	for i := range res.Units {
		if res.Units[i].Block == block {
			units = append(units, &res.Units[i])
		}
	}
	if len(units) == 0 {
		return ChartHeatmapInput{}, fmt.Errorf("block %q: no unit in the results", block)
	}
	chartSortUnits(units)
	for _, u := range units {
		in.Units = append(in.Units, u.Name)
		row := make([]float64, len(groups))
		for j, g := range groups {
			row[j] = chartUnitValue(u, chartAxis{code: g.Code})
		}
		in.Values = append(in.Values, row)
	}
	return in, nil
}

// chartSortUnits orders units by rank (unranked last), then value, then
// name, as the ranking chart does.
func chartSortUnits(units []*scoring.UnitResult) {
	slices.SortStableFunc(units, func(a, b *scoring.UnitResult) int {
		switch {
		case a.Rank == b.Rank:
		case a.Rank == 0:
			return 1
		case b.Rank == 0:
			return -1
		default:
			return cmp.Compare(a.Rank, b.Rank)
		}
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

// ChartDistributionFromResults returns the distribution chart input of
// every block of the index that has units in res, in index order: the
// units' index values in 0..1. kind is ChartHistogram or ChartBoxplot.
func ChartDistributionFromResults(ix *scoring.Index, res *scoring.Results, kind ChartDistributionKind, lang string) (ChartDistributionInput, error) {
	lang, err := chartCheckResults(ix, res, lang)
	if err != nil {
		return ChartDistributionInput{}, err
	}
	in := ChartDistributionInput{
		Name:     "distribution " + string(kind),
		Title:    chartResultsWords[lang].Distribution,
		Subtitle: ix.Name.In(lang),
		Lang:     lang,
		Kind:     kind,
	}
	for _, b := range ix.Blocks {
		var values []float64
		for _, u := range res.Units {
			if u.Block == b.Code {
				values = append(values, u.Value)
			}
		}
		if len(values) > 0 {
			in.Blocks = append(in.Blocks, ChartDistributionBlock{Name: b.Name.In(lang), Values: values})
		}
	}
	if len(in.Blocks) == 0 {
		return ChartDistributionInput{}, fmt.Errorf("distribution: no unit of any block in the results")
	}
	return in, nil
}

// ChartPeriod is one period of a trend: its name as the axis shows it
// (e.g. "DTI 2024") and its results. Periods may have been scored with
// different index versions: the trend compares index values in 0..1.
type ChartPeriod struct {
	Name    string
	Results *scoring.Results
}

// ChartTrendFromResults returns the trend chart input of one unit over
// periods, oldest first: its value and rank in each period (none where the
// unit has no result) and the average value of its block in that period.
// It fails when a period lacks its results or the unit has no result in
// any period.
func ChartTrendFromResults(periods []ChartPeriod, unit, lang string) (ChartTrendInput, error) {
	lang, err := chartLang("lang", lang)
	if err != nil {
		return ChartTrendInput{}, err
	}
	w := chartResultsWords[lang]
	in := ChartTrendInput{
		Name:    "trend " + unit,
		Lang:    lang,
		Periods: make([]string, len(periods)),
		Values:  make([]float64, len(periods)),
		Ranks:   make([]int, len(periods)),
		Compare: []ChartTrendSeries{{Name: w.BlockAverage, Values: make([]float64, len(periods))}},
	}
	name := ""
	for i, p := range periods {
		if p.Results == nil {
			return ChartTrendInput{}, fmt.Errorf("periods[%d] (%s): results are required", i, p.Name)
		}
		in.Periods[i] = p.Name
		in.Values[i], in.Compare[0].Values[i] = math.NaN(), math.NaN()
		u, ok := chartUnit(p.Results, unit)
		if !ok {
			continue
		}
		name = u.Name
		in.Values[i], in.Ranks[i] = u.Value, u.Rank
		sum, n := 0.0, 0
		for _, peer := range p.Results.Units {
			if peer.Block == u.Block {
				sum += peer.Value
				n++
			}
		}
		in.Compare[0].Values[i] = sum / float64(n)
	}
	if name == "" {
		return ChartTrendInput{}, fmt.Errorf("unit %q has no result in any of the %d periods", unit, len(periods))
	}
	in.Title = name + " — " + w.Trend
	return in, nil
}
