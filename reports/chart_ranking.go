package reports

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartRankingInput is the data of a ranking chart: one horizontal bar per
// unit of a block, best first, coloured by band.
type ChartRankingInput struct {
	// Name names the chart; its id is ChartID(Name).
	Name string
	// Title and Subtitle are shown above the chart, already localised.
	Title, Subtitle string
	// Lang is "vi" (default) or "en".
	Lang string
	// Metric is the number the bars show: ChartMetricValue (default) or
	// ChartMetricPoints.
	Metric ChartMetric
	// Max is the end of the value axis: 0 means 1 for values and the
	// largest bar for points (pass the index scale, e.g. 1000, to keep
	// charts of several blocks comparable).
	Max float64
	// Sort orders the bars: ChartSortRank (default) or ChartSortMetric.
	Sort ChartSort
	// Units are the bars, in any order.
	Units []ChartRankingUnit
	// Bands are the classification bands, best first: they give the bar
	// colours and the legend. Units whose Band is "" are drawn grey.
	Bands []ChartBand
	// ShowAverage draws a dashed line at the mean of the bars, labelled
	// "Trung bình khối" / "Block average".
	ShowAverage bool
}

// ChartRankingUnit is one unit of a ranking chart.
type ChartRankingUnit struct {
	Name string // localised unit name
	// Rank is the unit's rank in its block; 0 for a unit that is not ranked.
	Rank   int
	Value  float64 // index value in 0..1
	Points float64 // points total
	Band   string  // band code, "" when none
}

// ChartBand is a classification band as charts show it.
type ChartBand struct {
	Code string
	Name string // localised name shown in the legend
	// Color is a CSS hex colour (#rgb or #rrggbb); "" picks the default
	// colour for the band's position (green for the best to red).
	Color string
}

// ChartSort orders the bars of a ranking chart.
type ChartSort string

const (
	// ChartSortRank puts rank 1 first; units without a rank come last.
	ChartSortRank ChartSort = "rank"
	// ChartSortMetric puts the largest value (or points) first.
	ChartSortMetric ChartSort = "metric"
)

// chartLabelWidth is the widest a unit name is drawn beside a chart, in
// pixels; longer names end with "…" (the tooltip shows them whole).
const chartLabelWidth = 220

// chartRankingPage is the number of bars a ranking chart shows at once;
// longer rankings scroll.
const chartRankingPage = 50

// chartRankingHeight is the height of a ranking chart drawing bars bars:
// 120 px for the title, the average's label, the axis and the legend, and
// 26 px a bar, at least 160 px: a block of one unit draws a short chart
// rather than one bar in a tall empty frame.
func chartRankingHeight(bars int) int { return max(160, 120+26*bars) }

// chartCategoryZoom returns the zoom of a vertical category axis of n
// categories that shows the first page of them and scrolls.
func chartCategoryZoom(n, page int) []opts.DataZoom {
	end := float32(math.Round(1e4*float64(page)/float64(n)) / 100)
	return []opts.DataZoom{
		{Type: "slider", YAxisIndex: 0, Start: 0, End: end, FilterMode: "empty"},
		{Type: "inside", YAxisIndex: 0, Start: 0, End: end, FilterMode: "empty"},
	}
}

// chartBandColors are the default band colours, best first.
var chartBandColors = []string{"#1b7f3b", "#4caf50", "#f2b600", "#f57c00", "#d32f2f", "#8e24aa"}

// chartNoBandColor is the colour of units without a band.
const chartNoBandColor = "#9e9e9e"

var chartColorRe = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// chartCheckBands validates bands and returns the colour of every band.
func chartCheckBands(kind string, bands []ChartBand) ([]string, error) {
	colors := make([]string, len(bands))
	seen := make(map[string]bool, len(bands))
	for i, b := range bands {
		field := fmt.Sprintf("%s.Bands[%d]", kind, i)
		if b.Code == "" {
			return nil, fmt.Errorf("%s: code is empty", field)
		}
		if seen[b.Code] {
			return nil, fmt.Errorf("%s: band %q is listed twice", field, b.Code)
		}
		seen[b.Code] = true
		switch {
		case b.Color == "":
			colors[i] = chartBandColors[min(i, len(chartBandColors)-1)]
		case chartColorRe.MatchString(b.Color):
			colors[i] = b.Color
		default:
			return nil, fmt.Errorf("%s: colour %q: want #rgb or #rrggbb", field, b.Color)
		}
	}
	return colors, nil
}

// RankingChart builds the ranking bar chart of one block. It returns an
// error naming the field when the input is invalid: a bad name, language,
// metric or sort, no units, a value that is not a number, a negative rank, or
// a unit band that is not among Bands.
func RankingChart(in ChartRankingInput) (*Chart, error) {
	const kind = "ChartRankingInput"
	id, lang, metric, err := chartCheckMetric(kind, in.Name, in.Lang, in.Metric)
	if err != nil {
		return nil, err
	}
	switch in.Sort {
	case "", ChartSortRank, ChartSortMetric:
	default:
		return nil, fmt.Errorf("%s.Sort: %q: want %q or %q", kind, string(in.Sort), ChartSortRank, ChartSortMetric)
	}
	if err := chartCheckMax(kind, in.Max); err != nil {
		return nil, err
	}
	if len(in.Units) == 0 {
		return nil, fmt.Errorf("%s.Units: %w", kind, errChartEmpty)
	}
	colors, err := chartCheckBands(kind, in.Bands)
	if err != nil {
		return nil, err
	}
	bandIndex := make(map[string]int, len(in.Bands))
	for i, b := range in.Bands {
		bandIndex[b.Code] = i
	}

	metricOf := func(u ChartRankingUnit) float64 {
		if metric == ChartMetricPoints {
			return u.Points
		}
		return u.Value
	}
	units := slices.Clone(in.Units)
	for i, u := range units {
		field := fmt.Sprintf("%s.Units[%d] (%s)", kind, i, u.Name)
		if err := chartFinite(field+".Value", u.Value); err != nil {
			return nil, err
		}
		if err := chartFinite(field+".Points", u.Points); err != nil {
			return nil, err
		}
		if u.Rank < 0 {
			return nil, fmt.Errorf("%s.Rank: %d: want 0 (not ranked) or more", field, u.Rank)
		}
		if _, ok := bandIndex[u.Band]; u.Band != "" && !ok {
			return nil, fmt.Errorf("%s.Band: band %q is not among Bands", field, u.Band)
		}
	}
	byRank := func(a, b ChartRankingUnit) int {
		switch {
		case a.Rank == b.Rank:
			return 0
		case a.Rank == 0:
			return 1
		case b.Rank == 0:
			return -1
		}
		return cmp.Compare(a.Rank, b.Rank)
	}
	byMetric := func(a, b ChartRankingUnit) int { return cmp.Compare(metricOf(b), metricOf(a)) }
	first, second := byRank, byMetric
	if in.Sort == ChartSortMetric {
		first, second = byMetric, byRank
	}
	// Ties end on the name, so the order never depends on the input order.
	slices.SortStableFunc(units, func(a, b ChartRankingUnit) int {
		if c := first(a, b); c != 0 {
			return c
		}
		if c := second(a, b); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})

	words := chartWordsByLang[lang]
	labels := make([]string, len(units))
	axisMax := in.Max
	for i, u := range units {
		labels[i] = u.Name
		if u.Rank > 0 {
			labels[i] = strconv.Itoa(u.Rank) + ". " + u.Name
		}
		if in.Max == 0 {
			axisMax = max(axisMax, metricOf(u))
		}
	}
	if in.Max == 0 && metric == ChartMetricValue {
		axisMax = 1
	}

	// One stacked series per band: each bar belongs to exactly one, so the
	// stack draws a single bar per unit while the legend lists the bands.
	type series struct {
		name, color string
		data        []any
		used        bool
	}
	all := make([]series, len(in.Bands)+1)
	for i, b := range in.Bands {
		all[i] = series{name: b.Name, color: colors[i]}
	}
	all[len(in.Bands)] = series{name: words.NoBand, color: chartNoBandColor}
	for i := range all {
		// Plain values, not {"value": v} objects: a block of thousands of
		// units has a bar slot in every band series.
		all[i].data = make([]any, len(units))
		for j := range units {
			all[i].data[j] = "-"
		}
	}
	for j, u := range units {
		s := len(in.Bands)
		if u.Band != "" {
			s = bandIndex[u.Band]
		}
		all[s].data[j] = chartRound(metricOf(u))
		all[s].used = true
	}

	bar := charts.NewBar()
	bar.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	bar.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(in.Bands) > 0), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "24", Right: "60", Top: "60", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value", Name: metric.word(words), Min: 0, Max: chartRound(axisMax)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Interval: "0", Width: chartLabelWidth, Overflow: "truncate"}}),
	)
	bar.SetXAxis(labels).XYReversal()
	firstSeries := true
	for i, s := range all {
		// Keep every band in the legend, but leave out an unused "no band".
		if i == len(in.Bands) && !s.used {
			continue
		}
		data := s.data
		options := []charts.SeriesOpts{
			charts.WithBarChartOpts(opts.BarChart{Stack: "rank"}),
			charts.WithSeriesOpts(func(s *charts.SingleSeries) {
				s.BarMaxWidth = "28"
				s.Data = data
			}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color}),
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}),
		}
		if in.ShowAverage && firstSeries {
			sum := 0.0
			for _, u := range units {
				sum += metricOf(u)
			}
			avg := chartRound(sum / float64(len(units)))
			options = append(options,
				charts.WithMarkLineNameXAxisItemOpts(opts.MarkLineNameXAxisItem{Name: words.BlockAverage, XAxis: avg}),
				charts.WithMarkLineStyleOpts(opts.MarkLineStyle{
					Symbol:    []string{"none", "none"},
					LineStyle: &opts.LineStyle{Color: "#455a64", Type: "dashed", Width: 1.5},
					// The label is our words and a number, never user
					// text, so it may be a (canvas) formatter string.
					Label: &opts.Label{Show: opts.Bool(true), Position: "start",
						Formatter: words.BlockAverage + ": " + ChartFormatNumber(avg, metric.decimals(), lang)},
				}))
		}
		firstSeries = false
		bar.AddSeries(s.name, nil, options...)
	}
	bars := len(units)
	if len(units) > chartRankingPage {
		// A block of hundreds of communes would make a chart metres tall:
		// show a page of bars and let the reader scroll (wheel, drag or the
		// slider on the right).
		bars = chartRankingPage
		bar.SetGlobalOptions(charts.WithDataZoomOpts(chartCategoryZoom(len(units), chartRankingPage)...))
	}
	table := ChartTable{Header: []string{words.Rank, words.Unit, metric.word(words), words.Band}}
	for _, u := range units {
		rank, band := "–", words.NoBand
		if u.Rank > 0 {
			rank = strconv.Itoa(u.Rank)
		}
		if u.Band != "" {
			band = in.Bands[bandIndex[u.Band]].Name
		}
		table.Rows = append(table.Rows, []string{rank, u.Name, chartCell(metricOf(u), metric.decimals(), lang), band})
	}
	height := chartRankingHeight(bars)
	return chartFinish(id, in.Title, lang, height, table, bar)
}
