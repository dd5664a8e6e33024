package reports

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartHeatmapInput is the data of a heatmap: one row per unit, one column
// per indicator group, each cell coloured by the unit's value of the group.
type ChartHeatmapInput struct {
	// Name names the chart; its id is ChartID(Name).
	Name string
	// Title and Subtitle are shown above the chart, already localised.
	Title, Subtitle string
	// Lang is "vi" (default) or "en".
	Lang string
	// Units are the rows, top first (localised names).
	Units []string
	// Groups are the columns, left first (localised names or codes).
	Groups []string
	// Values holds Values[unit][group]. NaN marks a cell without a value
	// (not applicable or missing): it is left blank.
	Values [][]float64
	// Min and Max bound the colour scale; both 0 means 0..1 (values).
	// Pass 0 and the group's max points to colour points.
	Min, Max float64
}

// chartHeatColors run from the worst (red) through yellow to the best
// (green), the reading order of DTI tables.
var chartHeatColors = []string{"#d73027", "#fee08b", "#1a9850"}

// chartHeatLabelCells is the largest heatmap that shows the number in each
// cell; bigger ones show numbers in the tooltip only.
const chartHeatLabelCells = 600

// chartHeatmapPage is the number of rows a heatmap shows at once; taller
// ones scroll.
const chartHeatmapPage = 40

// HeatmapChart builds a units × groups heatmap. It returns an error naming
// the field when the input is invalid: a bad name or language, no units or
// groups, a row without one value per group, an infinite value, or a scale
// that is not 0 ≤ Min < Max.
func HeatmapChart(in ChartHeatmapInput) (*Chart, error) {
	const kind = "ChartHeatmapInput"
	id, lang, err := chartCheckCommon(kind, in.Name, in.Lang)
	if err != nil {
		return nil, err
	}
	if len(in.Units) == 0 {
		return nil, fmt.Errorf("%s.Units: %w", kind, errChartEmpty)
	}
	if len(in.Groups) == 0 {
		return nil, fmt.Errorf("%s.Groups: %w", kind, errChartEmpty)
	}
	if len(in.Values) != len(in.Units) {
		return nil, fmt.Errorf("%s.Values: %d rows: want %d, one per unit", kind, len(in.Values), len(in.Units))
	}
	lo, hi := in.Min, in.Max
	if lo == 0 && hi == 0 {
		hi = 1
	}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) || lo < 0 || hi <= lo {
		return nil, fmt.Errorf("%s.Min, Max: %v..%v: want 0 ≤ Min < Max", kind, in.Min, in.Max)
	}
	words := chartWordsByLang[lang]
	table := ChartTable{Header: append([]string{words.Unit}, in.Groups...)}
	data := make([]opts.HeatMapData, 0, len(in.Units)*len(in.Groups))
	for u, row := range in.Values {
		field := fmt.Sprintf("%s.Values[%d] (%s)", kind, u, in.Units[u])
		if len(row) != len(in.Groups) {
			return nil, fmt.Errorf("%s: %d values: want %d, one per group", field, len(row), len(in.Groups))
		}
		cells := []string{in.Units[u]}
		for g, v := range row {
			cells = append(cells, chartCell(v, chartDecimals, lang))
			var cell any = "-"
			switch {
			case math.IsNaN(v):
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("%s[%d] (%s): %v is not a number", field, g, in.Groups[g], v)
			default:
				cell = chartRound(v)
			}
			// The name makes the tooltip say which unit and group.
			data = append(data, opts.HeatMapData{Name: in.Units[u] + " · " + in.Groups[g], Value: []any{g, u, cell}})
		}
		table.Rows = append(table.Rows, cells)
	}

	cells := len(in.Units) * len(in.Groups)
	rotate := 0.0
	if len(in.Groups) > 6 {
		rotate = 30
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	hm.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithGridOpts(opts.Grid{Left: "10", Right: "20", Top: "60", Bottom: "70", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: in.Groups, Position: "top",
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
			AxisLabel: &opts.AxisLabel{Interval: "0", Rotate: rotate}}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: in.Units, Inverse: opts.Bool(true),
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
			AxisLabel: &opts.AxisLabel{Interval: "0", Width: chartLabelWidth, Overflow: "truncate"}}),
		charts.WithVisualMapOpts(opts.VisualMap{
			Type:       "continuous",
			Calculable: opts.Bool(true),
			Min:        float32(chartRound(lo)),
			Max:        float32(chartRound(hi)),
			Orient:     "horizontal",
			Left:       "center",
			Bottom:     "0",
			InRange:    &opts.VisualMapInRange{Color: chartHeatColors},
		}),
	)
	hm.AddSeries(words.Value, data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(cells <= chartHeatLabelCells)}),
		charts.WithEmphasisOpts(opts.Emphasis{ItemStyle: &opts.ItemStyle{BorderColor: "#333", BorderWidth: 1}}),
	)
	rows := len(in.Units)
	if rows > chartHeatmapPage {
		rows = chartHeatmapPage
		hm.SetGlobalOptions(charts.WithDataZoomOpts(chartCategoryZoom(len(in.Units), chartHeatmapPage)...))
	}
	height := max(300, 150+24*rows)
	return chartFinish(id, in.Title, lang, height, table, hm)
}
