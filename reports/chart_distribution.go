package reports

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartDistributionInput is the data of a distribution chart: how the
// values (or points) of the units of each block spread, as a histogram or
// as box plots.
type ChartDistributionInput struct {
	// Name names the chart; its id is ChartID(Name).
	Name string
	// Title and Subtitle are shown above the chart, already localised.
	Title, Subtitle string
	// Lang is "vi" (default) or "en".
	Lang string
	// Kind is ChartHistogram (default) or ChartBoxplot.
	Kind ChartDistributionKind
	// Metric names what Values hold: ChartMetricValue (default) or
	// ChartMetricPoints.
	Metric ChartMetric
	// Min and Max bound the histogram bins; both 0 means 0..1 for values
	// and 0..the largest value for points. Every value must lie inside.
	Min, Max float64
	// Bins is the number of histogram bins; 0 means 10.
	Bins int
	// Blocks are the groups compared, each with its units' values.
	Blocks []ChartDistributionBlock
}

// ChartDistributionBlock is one block of a distribution chart.
type ChartDistributionBlock struct {
	Name   string    // localised block name
	Values []float64 // one per unit, in any order
}

// ChartDistributionKind is the shape of a distribution chart.
type ChartDistributionKind string

const (
	// ChartHistogram counts units per bin, one bar colour per block.
	ChartHistogram ChartDistributionKind = "histogram"
	// ChartBoxplot draws min, quartiles and max per block.
	ChartBoxplot ChartDistributionKind = "boxplot"
)

// chartMaxBins bounds Bins so a typo cannot ask for a million bars.
const chartMaxBins = 100

// DistributionChart builds a distribution chart. It returns an error naming
// the field when the input is invalid: a bad name, language, metric or
// kind, no blocks, a block without values, a value that is not a number or
// lies outside Min..Max, or a bin count outside 1..100.
func DistributionChart(in ChartDistributionInput) (*Chart, error) {
	const kind = "ChartDistributionInput"
	id, lang, metric, err := chartCheckMetric(kind, in.Name, in.Lang, in.Metric)
	if err != nil {
		return nil, err
	}
	if len(in.Blocks) == 0 {
		return nil, fmt.Errorf("%s.Blocks: %w", kind, errChartEmpty)
	}
	largest := 0.0
	for i, b := range in.Blocks {
		field := fmt.Sprintf("%s.Blocks[%d] (%s).Values", kind, i, b.Name)
		if len(b.Values) == 0 {
			return nil, fmt.Errorf("%s: %w", field, errChartEmpty)
		}
		for j, v := range b.Values {
			if err := chartFinite(fmt.Sprintf("%s[%d]", field, j), v); err != nil {
				return nil, err
			}
			largest = max(largest, v)
		}
	}
	words := chartWordsByLang[lang]
	switch in.Kind {
	case "", ChartHistogram:
		lo, hi := in.Min, in.Max
		if lo == 0 && hi == 0 {
			hi = 1
			if metric == ChartMetricPoints && largest > 0 {
				hi = largest
			}
		}
		if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || hi <= lo {
			return nil, fmt.Errorf("%s.Min, Max: %v..%v: want Min < Max", kind, in.Min, in.Max)
		}
		bins := in.Bins
		if bins == 0 {
			bins = 10
		}
		if bins < 1 || bins > chartMaxBins {
			return nil, fmt.Errorf("%s.Bins: %d: want 1..%d", kind, in.Bins, chartMaxBins)
		}
		return histogramChart(id, lang, metric, words, in, lo, hi, bins)
	case ChartBoxplot:
		return boxplotChart(id, lang, metric, words, in)
	}
	return nil, fmt.Errorf("%s.Kind: %q: want %q or %q", kind, string(in.Kind), ChartHistogram, ChartBoxplot)
}

// chartBinEdges returns the bins+1 edges of equal bins over lo..hi.
// Computing each edge from lo and hi (not by adding a width) keeps the last
// edge exactly hi.
func chartBinEdges(lo, hi float64, bins int) []float64 {
	edges := make([]float64, bins+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(bins)
	}
	edges[bins] = hi
	return edges
}

// chartBin returns the bin of v: bin i holds edges[i] ≤ v < edges[i+1],
// and the last bin also holds v == hi. It returns -1 outside lo..hi.
func chartBin(edges []float64, v float64) int {
	last := len(edges) - 1
	if v < edges[0] || v > edges[last] {
		return -1
	}
	// The first edge greater than v closes v's bin.
	i := sort.SearchFloat64s(edges, math.Nextafter(v, math.Inf(1))) - 1
	return min(i, last-1)
}

func histogramChart(id, lang string, metric ChartMetric, words chartWords, in ChartDistributionInput, lo, hi float64, bins int) (*Chart, error) {
	edges := chartBinEdges(lo, hi, bins)
	labels := make([]string, bins)
	for i := range labels {
		labels[i] = ChartFormatNumber(edges[i], chartDecimals, lang) + "–" + ChartFormatNumber(edges[i+1], chartDecimals, lang)
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	bar.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "10", Right: "20", Top: "70", Bottom: "50", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: metric.word(words), NameLocation: "middle", NameGap: 30,
			AxisLabel: &opts.AxisLabel{Interval: "0", HideOverlap: opts.Bool(true)}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: words.Count, Min: 0, MinInterval: 1}),
	)
	bar.SetXAxis(labels)
	table := ChartTable{Header: []string{words.Range}, Rows: make([][]string, bins)}
	for k := range table.Rows {
		table.Rows[k] = []string{labels[k]}
	}
	for i, b := range in.Blocks {
		table.Header = append(table.Header, b.Name)
		counts := make([]int, bins)
		for j, v := range b.Values {
			k := chartBin(edges, v)
			if k < 0 {
				return nil, fmt.Errorf("ChartDistributionInput.Blocks[%d] (%s).Values[%d]: %v lies outside %v..%v", i, b.Name, j, v, lo, hi)
			}
			counts[k]++
		}
		data := make([]opts.BarData, bins)
		for k, n := range counts {
			data[k] = opts.BarData{Value: n}
			table.Rows[k] = append(table.Rows[k], strconv.Itoa(n))
		}
		bar.AddSeries(b.Name, data,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: chartSeriesColors[i%len(chartSeriesColors)]}))
	}
	return chartFinish(id, in.Title, lang, 380, table, bar)
}

// chartQuantile returns the q-quantile of sorted values by linear
// interpolation between closest ranks (Hyndman & Fan type 7, the default of
// R and of spreadsheet QUARTILE.INC).
func chartQuantile(sorted []float64, q float64) float64 {
	h := float64(len(sorted)-1) * q
	i := int(math.Floor(h))
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-float64(i))*(sorted[i+1]-sorted[i])
}

func boxplotChart(id, lang string, metric ChartMetric, words chartWords, in ChartDistributionInput) (*Chart, error) {
	labels := make([]string, len(in.Blocks))
	data := make([]opts.BoxPlotData, len(in.Blocks))
	table := ChartTable{Header: []string{words.Block, words.Count, words.Min, words.Q1, words.Median, words.Q3, words.Max}}
	for i, b := range in.Blocks {
		s := slices.Clone(b.Values)
		slices.Sort(s)
		labels[i] = fmt.Sprintf("%s (n = %d)", b.Name, len(s))
		five := []float64{
			chartRound(s[0]),
			chartRound(chartQuantile(s, 0.25)),
			chartRound(chartQuantile(s, 0.5)),
			chartRound(chartQuantile(s, 0.75)),
			chartRound(s[len(s)-1]),
		}
		data[i] = opts.BoxPlotData{Value: five}
		row := []string{b.Name, strconv.Itoa(len(s))}
		for _, v := range five {
			row = append(row, chartCell(v, metric.decimals(), lang))
		}
		table.Rows = append(table.Rows, row)
	}
	yAxis := opts.YAxis{Type: "value", Name: metric.word(words), Min: 0}
	if metric == ChartMetricValue {
		yAxis.Max = 1
	}
	box := charts.NewBoxPlot()
	box.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	box.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "10", Right: "20", Top: "70", Bottom: "30", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		charts.WithYAxisOpts(yAxis),
	)
	box.SetXAxis(labels)
	box.AddSeries(metric.word(words), data,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#bbdefb", BorderColor: chartSeriesColors[0]}))
	return chartFinish(id, in.Title, lang, 380, table, box)
}
