package reports

import (
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// ChartTrendInput is the data of a unit's trend over periods: its value
// (or points) as a line on the left axis and its rank as a line on the
// right axis, rank 1 at the top.
type ChartTrendInput struct {
	// Name names the chart; its id is ChartID(Name).
	Name string
	// Title and Subtitle are shown above the chart, already localised.
	Title, Subtitle string
	// Lang is "vi" (default) or "en".
	Lang string
	// Metric is the number the value line shows: ChartMetricValue
	// (default) or ChartMetricPoints.
	Metric ChartMetric
	// Max is the end of the value axis: 0 means 1 for values and automatic
	// for points.
	Max float64
	// Periods are the x axis labels, oldest first (e.g. "DTI 2023").
	Periods []string
	// Values holds the unit's value per period; NaN for a period without a
	// result.
	Values []float64
	// Ranks holds the unit's rank per period (0: not ranked that period);
	// nil draws no rank line.
	Ranks []int
	// Compare are further value lines, e.g. the block average per period;
	// NaN for a period without a value.
	Compare []ChartTrendSeries
}

// ChartTrendSeries is one further line of a trend chart.
type ChartTrendSeries struct {
	Name   string    // localised name, e.g. "Trung bình khối"
	Values []float64 // one per period
}

// TrendChart builds a unit's trend chart. It returns an error naming the
// field when the input is invalid: a bad name, language or metric, no
// periods, a series or rank list without one entry per period, an infinite
// value or a negative rank.
func TrendChart(in ChartTrendInput) (*Chart, error) {
	const kind = "ChartTrendInput"
	id, lang, metric, err := chartCheckMetric(kind, in.Name, in.Lang, in.Metric)
	if err != nil {
		return nil, err
	}
	if err := chartCheckMax(kind, in.Max); err != nil {
		return nil, err
	}
	if len(in.Periods) == 0 {
		return nil, fmt.Errorf("%s.Periods: %w", kind, errChartEmpty)
	}
	lineData := func(field string, values []float64) ([]opts.LineData, error) {
		if len(values) != len(in.Periods) {
			return nil, fmt.Errorf("%s: %d values: want %d, one per period", field, len(values), len(in.Periods))
		}
		data := make([]opts.LineData, len(values))
		for i, v := range values {
			switch {
			case math.IsNaN(v):
				data[i] = opts.LineData{Value: "-"}
			case math.IsInf(v, 0):
				return nil, fmt.Errorf("%s[%d] (%s): %v is not a number", field, i, in.Periods[i], v)
			default:
				data[i] = opts.LineData{Value: chartRound(v)}
			}
		}
		return data, nil
	}
	values, err := lineData(kind+".Values", in.Values)
	if err != nil {
		return nil, err
	}
	compare := make([][]opts.LineData, len(in.Compare))
	for i, s := range in.Compare {
		compare[i], err = lineData(fmt.Sprintf("%s.Compare[%d] (%s).Values", kind, i, s.Name), s.Values)
		if err != nil {
			return nil, err
		}
	}
	var ranks []opts.LineData
	if in.Ranks != nil {
		if len(in.Ranks) != len(in.Periods) {
			return nil, fmt.Errorf("%s.Ranks: %d ranks: want %d, one per period", kind, len(in.Ranks), len(in.Periods))
		}
		ranks = make([]opts.LineData, len(in.Ranks))
		for i, r := range in.Ranks {
			switch {
			case r < 0:
				return nil, fmt.Errorf("%s.Ranks[%d] (%s): %d: want 0 (not ranked) or more", kind, i, in.Periods[i], r)
			case r == 0:
				ranks[i] = opts.LineData{Value: "-"}
			default:
				ranks[i] = opts.LineData{Value: r}
			}
		}
	}

	words := chartWordsByLang[lang]
	valueAxis := opts.YAxis{Type: "value", Name: metric.word(words), Min: 0}
	switch {
	case in.Max > 0:
		valueAxis.Max = chartRound(in.Max)
	case metric == ChartMetricValue:
		valueAxis.Max = 1
	}
	line := charts.NewLine()
	line.SetGlobalOptions(chartCommon(id, in.Title, in.Subtitle)...)
	line.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "10", Right: "20", Top: "70", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: words.Period, NameLocation: "middle", NameGap: 28}),
		charts.WithYAxisOpts(valueAxis),
	)
	if ranks != nil {
		line.ExtendYAxis(opts.YAxis{Type: "value", Name: words.Rank, Position: "right",
			Inverse: opts.Bool(true), Min: 1, MinInterval: 1,
			SplitLine: &opts.SplitLine{Show: opts.Bool(false)}})
	}
	line.SetXAxis(in.Periods)
	line.AddSeries(metric.word(words), values,
		charts.WithItemStyleOpts(opts.ItemStyle{Color: chartSeriesColors[0]}),
		charts.WithLineChartOpts(opts.LineChart{Symbol: "circle", SymbolSize: 8}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top"}),
	)
	for i, s := range in.Compare {
		color := chartSeriesColors[(i+2)%len(chartSeriesColors)]
		line.AddSeries(s.Name, compare[i],
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: color, Type: "dashed"}),
		)
	}
	if ranks != nil {
		line.AddSeries(words.Rank, ranks,
			charts.WithItemStyleOpts(opts.ItemStyle{Color: chartSeriesColors[1]}),
			charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, Symbol: "diamond", SymbolSize: 9}),
			charts.WithLineStyleOpts(opts.LineStyle{Color: chartSeriesColors[1], Type: "dotted"}),
			// Right of the point, so it does not sit on the value's label
			// when the two lines cross.
			charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "right"}),
		)
	}
	table := ChartTable{Header: []string{words.Period, metric.word(words)}}
	if ranks != nil {
		table.Header = append(table.Header, words.Rank)
	}
	for _, s := range in.Compare {
		table.Header = append(table.Header, s.Name)
	}
	for i, p := range in.Periods {
		row := []string{p, chartCell(in.Values[i], metric.decimals(), lang)}
		if ranks != nil {
			rank := "–"
			if in.Ranks[i] > 0 {
				rank = strconv.Itoa(in.Ranks[i])
			}
			row = append(row, rank)
		}
		for _, s := range in.Compare {
			row = append(row, chartCell(s.Values[i], metric.decimals(), lang))
		}
		table.Rows = append(table.Rows, row)
	}
	return chartFinish(id, in.Title, lang, 380, table, line)
}
