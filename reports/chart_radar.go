package reports

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartRadarInput is the data of a radar chart: a unit's pillars (or main
// groups) against its block average, or any few series over the same axes.
type ChartRadarInput struct {
	// Name names the chart; its id is ChartID(Name).
	Name string
	// Title and Subtitle are shown above the chart, already localised.
	Title, Subtitle string
	// Lang is "vi" (default) or "en".
	Lang string
	// Axes are the spokes, at least 3 (e.g. the pillars).
	Axes []ChartRadarAxis
	// Series are the polygons: the unit first (drawn filled), then what it
	// is compared with (e.g. the block average, drawn dashed). Each has one
	// value per axis.
	Series []ChartRadarSeries
}

// ChartRadarAxis is one spoke of a radar chart.
type ChartRadarAxis struct {
	Name string  // localised name
	Max  float64 // end of the spoke; 0 means 1 (values in 0..1)
}

// ChartRadarSeries is one polygon of a radar chart.
type ChartRadarSeries struct {
	Name   string    // localised name, e.g. the unit or "Trung bình khối"
	Values []float64 // one per axis, in the order of Axes
}

// chartSeriesColors colour the series of radar, trend and distribution
// charts; the first is the unit's.
var chartSeriesColors = []string{"#1565c0", "#757575", "#ef6c00", "#2e7d32", "#6a1b9a", "#00838f"}

// RadarChart builds a radar chart. It returns an error naming the field
// when the input is invalid: a bad name or language, fewer than 3 axes, no
// series, a series without one value per axis, or a value or max that is
// not a number.
func RadarChart(in ChartRadarInput) (*Chart, error) {
	const kind = "ChartRadarInput"
	id, lang, err := chartCheckCommon(kind, in.Name, in.Lang)
	if err != nil {
		return nil, err
	}
	if len(in.Axes) < 3 {
		return nil, fmt.Errorf("%s.Axes: %d axes: a radar needs at least 3", kind, len(in.Axes))
	}
	if len(in.Series) == 0 {
		return nil, fmt.Errorf("%s.Series: %w", kind, errChartEmpty)
	}
	indicators := make([]*opts.Indicator, len(in.Axes))
	for i, a := range in.Axes {
		field := fmt.Sprintf("%s.Axes[%d] (%s)", kind, i, a.Name)
		if err := chartFinite(field+".Max", a.Max); err != nil {
			return nil, err
		}
		if a.Max < 0 {
			return nil, fmt.Errorf("%s.Max: %v: want a number ≥ 0 (0 means 1)", field, a.Max)
		}
		m := a.Max
		if m == 0 {
			m = 1
		}
		indicators[i] = &opts.Indicator{Name: a.Name, Min: 0, Max: float32(chartRound(m))}
	}

	radar := charts.NewRadar()
	radar.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	radar.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithRadarComponentOpts(opts.RadarComponent{
			Indicator: indicators,
			Shape:     "polygon",
			Center:    []string{"50%", "52%"},
			SplitArea: &opts.SplitArea{Show: opts.Bool(true)},
		}),
	)
	words := chartWordsByLang[lang]
	table := ChartTable{Header: []string{words.Axis}, Rows: make([][]string, len(in.Axes))}
	for i, a := range in.Axes {
		table.Rows[i] = []string{a.Name}
	}
	for i, s := range in.Series {
		table.Header = append(table.Header, s.Name)
		field := fmt.Sprintf("%s.Series[%d] (%s)", kind, i, s.Name)
		if len(s.Values) != len(in.Axes) {
			return nil, fmt.Errorf("%s.Values: %d values: want %d, one per axis", field, len(s.Values), len(in.Axes))
		}
		values := make([]float64, len(s.Values))
		for j, v := range s.Values {
			if err := chartFinite(fmt.Sprintf("%s.Values[%d]", field, j), v); err != nil {
				return nil, err
			}
			values[j] = chartRound(v)
			table.Rows[j] = append(table.Rows[j], chartCell(v, chartDecimals, lang))
		}
		color := chartSeriesColors[i%len(chartSeriesColors)]
		options := []charts.SeriesOpts{
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2}),
		}
		if i == 0 {
			options = append(options, charts.WithAreaStyleOpts(opts.AreaStyle{Color: color, Opacity: opts.Float(0.25)}))
		} else {
			options = append(options, charts.WithLineStyleOpts(opts.LineStyle{Color: color, Width: 2, Type: "dashed"}))
		}
		radar.AddSeries(s.Name, []opts.RadarData{{Name: s.Name, Value: values}}, options...)
	}
	return chartFinish(id, in.Title, lang, 420, table, radar)
}
