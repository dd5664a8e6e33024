package reports

// This file holds what every chart shares: the Chart value the builders
// return, chart IDs, languages and number formatting. The builders live in
// chart_<kind>.go; embedding in pages in chart_embed.go; the standalone
// download in chart_html.go.
//
// Why no go-echarts renderer: its HTML templates paste the option object
// into an inline script without escaping it, and turn any string wrapped in
// "__f__" into JavaScript code, so a unit named "</script><script>..." or
// "__f__alert(1)__f__" would run as script. Here go-echarts only builds the
// option; encoding/json marshals it (escaping <, > and &), the page carries
// it as data in <script type="application/json">, and one static script
// (assets/chart-init.js) draws every chart. User text is never placed in a
// formatter template: echarts reads those as HTML.

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/dti-platform/dti/scoring"
)

// Chart is a chart ready to embed in a page (ChartEmbed) or to download as
// a standalone file (WriteChartHTML).
type Chart struct {
	// ID is the HTML id of the chart element, made of [a-z0-9-] (see
	// ChartID); its option data element has the id ID + "-data".
	ID string
	// Title is the chart's title in the chart's language.
	Title string
	// Lang is "vi" or "en": the language of the fixed labels and of the
	// number format the page uses for values (0,8 or 0.8).
	Lang string
	// Height is the suggested height of the chart element in CSS pixels.
	Height int
	// Option is the echarts option as JSON with <, > and & escaped as
	// \u003c, \u003e and \u0026: the same input gives the same bytes.
	Option json.RawMessage
	// Table holds the chart's numbers as text, formatted in the chart's
	// language: the text alternative of the drawing (see ChartTableHTML).
	Table ChartTable
}

// ChartTable is a chart's data as a table of text cells. The first cell of
// each row names the row (a unit, a period, a pillar...).
type ChartTable struct {
	Header []string
	Rows   [][]string
}

// Chart languages.
const (
	ChartLangVI = "vi"
	ChartLangEN = "en"
)

// chartMaxIDLen bounds chart IDs so that a long unit name does not make a
// long element id.
const chartMaxIDLen = 64

// ChartID returns the element id for a chart named name: "chart-" followed
// by the name in lower case, Vietnamese letters without their marks (đ →
// d), and every other run of characters replaced by one "-", cut to 64
// characters. The same name always gives the same id, so a page may link to
// a chart. Names that differ only in marks or punctuation give the same id,
// so give each chart of a page its own name. It fails when nothing of name
// is left: no letter a-z (after removing Vietnamese marks) and no digit.
func ChartID(name string) (string, error) {
	var b strings.Builder
	b.WriteString("chart-")
	dash := false
	for _, r := range strings.ToLower(name) {
		r = chartFoldVietnamese(r)
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > len("chart-") {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	id := b.String()
	if id == "chart-" {
		return "", fmt.Errorf("chart name %q: has no letter or digit to make an id from", name)
	}
	if len(id) > chartMaxIDLen {
		id = strings.TrimRight(id[:chartMaxIDLen], "-")
	}
	return id, nil
}

// chartVietnameseBase maps each base letter to its Vietnamese variants.
var chartVietnameseBase = map[rune]string{
	'a': "àáảãạăằắẳẵặâầấẩẫậ",
	'e': "èéẻẽẹêềếểễệ",
	'i': "ìíỉĩị",
	'o': "òóỏõọôồốổỗộơờớởỡợ",
	'u': "ùúủũụưừứửữự",
	'y': "ỳýỷỹỵ",
	'd': "đ",
}

var chartVietnameseFold = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, variants := range chartVietnameseBase {
		for _, r := range variants {
			m[r] = base
		}
	}
	return m
}()

func chartFoldVietnamese(r rune) rune {
	if r < 0x80 {
		return r
	}
	if b, ok := chartVietnameseFold[r]; ok {
		return b
	}
	return r
}

// chartIsID reports whether id is a well-formed chart id.
func chartIsID(id string) bool {
	if id == "" || len(id) > chartMaxIDLen+len("-data") {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// chartLang checks a chart language; "" means Vietnamese.
func chartLang(field, lang string) (string, error) {
	switch lang {
	case "", ChartLangVI:
		return ChartLangVI, nil
	case ChartLangEN:
		return ChartLangEN, nil
	}
	return "", fmt.Errorf("%s: language %q: want %q or %q", field, lang, ChartLangVI, ChartLangEN)
}

// chartWords are the fixed texts of the charts in one language.
type chartWords struct {
	Value, Points, Rank, NoBand, BlockAverage, Period, Count, Unit, Band, Axis string
	Range, Block, Min, Q1, Median, Q3, Max, Table                              string
}

var chartWordsByLang = map[string]chartWords{
	ChartLangVI: {
		Value: "Giá trị", Points: "Điểm", Rank: "Thứ hạng", NoBand: "Chưa xếp loại",
		BlockAverage: "Trung bình khối", Period: "Kỳ đánh giá", Count: "Số đơn vị",
		Unit: "Đơn vị", Band: "Xếp loại", Axis: "Trụ cột", Range: "Khoảng giá trị",
		Block: "Khối", Min: "Nhỏ nhất", Q1: "Tứ phân vị 1", Median: "Trung vị",
		Q3: "Tứ phân vị 3", Max: "Lớn nhất", Table: "Bảng số liệu",
	},
	ChartLangEN: {
		Value: "Value", Points: "Points", Rank: "Rank", NoBand: "No band",
		BlockAverage: "Block average", Period: "Period", Count: "Number of units",
		Unit: "Unit", Band: "Band", Axis: "Pillar", Range: "Range",
		Block: "Block", Min: "Minimum", Q1: "First quartile", Median: "Median",
		Q3: "Third quartile", Max: "Maximum", Table: "Data table",
	},
}

// ChartMetric says which number a chart shows for a unit.
type ChartMetric string

const (
	// ChartMetricValue is the index value in 0..1.
	ChartMetricValue ChartMetric = "value"
	// ChartMetricPoints is the points total (e.g. out of 1000).
	ChartMetricPoints ChartMetric = "points"
)

func (m ChartMetric) check(field string) (ChartMetric, error) {
	switch m {
	case "", ChartMetricValue:
		return ChartMetricValue, nil
	case ChartMetricPoints:
		return m, nil
	}
	return "", fmt.Errorf("%s: metric %q: want %q or %q", field, string(m), ChartMetricValue, ChartMetricPoints)
}

func (m ChartMetric) word(w chartWords) string {
	if m == ChartMetricPoints {
		return w.Points
	}
	return w.Value
}

// decimals returns the decimals a label of the metric shows: DTI tables
// give values with 4 and points with 2.
func (m ChartMetric) decimals() int {
	if m == ChartMetricPoints {
		return 2
	}
	return chartDecimals
}

// chartDecimals is the number of decimals numbers carry in chart options:
// DTI values have 4, points 2.
const chartDecimals = 4

// chartRound rounds v to chartDecimals decimals so that float noise
// (0.30000000000000004) does not reach the option.
func chartRound(v float64) float64 {
	r := math.Round(v*1e4) / 1e4
	if r == 0 {
		return 0 // no "-0"
	}
	return r
}

// chartFinite reports an error naming field when v is NaN or infinite.
func chartFinite(field string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s: %v is not a number", field, v)
	}
	return nil
}

// ChartFormatNumber formats v with at most decimals decimals, trailing
// zeros dropped, the way the chart's language writes numbers: "1.234,5"
// and "0,8" in Vietnamese, "1,234.5" and "0.8" in English. The chart-init
// script formats values on the page the same way.
func ChartFormatNumber(v float64, decimals int, lang string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	p := math.Pow(10, float64(decimals))
	v = math.Round(v*p) / p
	if v == 0 {
		v = 0
	}
	return scoring.LocalizeDecimal(strconv.FormatFloat(v, 'f', -1, 64), lang)
}

// chartCell formats a number for a table cell; NaN is "–" (no value).
func chartCell(v float64, decimals int, lang string) string {
	if math.IsNaN(v) {
		return "–"
	}
	return ChartFormatNumber(v, decimals, lang)
}

// chartCheckCommon checks the name and language every input has and
// returns the chart id and language.
func chartCheckCommon(kind, name, lang string) (id, l string, err error) {
	id, err = ChartID(name)
	if err != nil {
		return "", "", fmt.Errorf("%s.Name: %w", kind, err)
	}
	l, err = chartLang(kind+".Lang", lang)
	if err != nil {
		return "", "", err
	}
	return id, l, nil
}

// chartCheckMetric checks the name, language and metric of the inputs
// that have a metric and returns the chart id, language and metric.
func chartCheckMetric(kind, name, lang string, m ChartMetric) (id, l string, metric ChartMetric, err error) {
	id, l, err = chartCheckCommon(kind, name, lang)
	if err != nil {
		return "", "", "", err
	}
	metric, err = m.check(kind + ".Metric")
	if err != nil {
		return "", "", "", err
	}
	return id, l, metric, nil
}

// chartCheckMax checks the axis end of the inputs that have one: a number
// ≥ 0, where 0 picks the end from the data.
func chartCheckMax(kind string, axisMax float64) error {
	if err := chartFinite(kind+".Max", axisMax); err != nil || axisMax < 0 {
		return fmt.Errorf("%s.Max: %v: want a number ≥ 0 (0 picks the axis end)", kind, axisMax)
	}
	return nil
}

// chartBuilder is what the go-echarts charts we use have in common.
type chartBuilder interface {
	Validate()
	JSON() map[string]interface{}
}

// chartFinish validates a go-echarts chart and marshals its option.
func chartFinish(id, title, lang string, height int, table ChartTable, c chartBuilder) (*Chart, error) {
	c.Validate()
	// encoding/json sorts map keys and escapes <, > and & (and U+2028,
	// U+2029), so the bytes are deterministic and safe inside a script
	// element.
	option := c.JSON()
	// Canvas text uses the page's font stack: the canvas default
	// ("sans-serif") can miss the stacked marks of Vietnamese (ố, ẫ).
	option["textStyle"] = map[string]string{"fontFamily": ChartFontFamily}
	b, err := json.Marshal(option)
	if err != nil {
		return nil, fmt.Errorf("chart %s: encode option: %w", id, err)
	}
	return &Chart{ID: id, Title: title, Lang: lang, Height: height, Option: b, Table: table}, nil
}

// ChartFontFamily is the font stack of chart text, also used by the
// standalone page.
const ChartFontFamily = `system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif`

// chartInit is the initialisation every chart gets: our id (go-echarts
// would pick a random one) and a local assets host, so that nothing ever
// points at the public CDN even if a go-echarts renderer were used.
func chartInit(id string) charts.GlobalOpts {
	return charts.WithInitializationOpts(opts.Initialization{
		ChartID:    id,
		AssetsHost: "/static/echarts/",
		Theme:      "white",
	})
}

// chartCommon returns the options every chart shares: title, accessible
// description (echarts' aria, in the page locale), a save-as-picture
// button and an item tooltip.
func chartCommon(id, title, subtitle string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		chartInit(id),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center"}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithToolboxOpts(opts.Toolbox{
			Show:  opts.Bool(true),
			Right: "10",
			Feature: &opts.ToolBoxFeature{SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{
				Type: "png", Name: id,
			}},
		}),
	}
}

// errChartEmpty is wrapped by builders given nothing to draw.
var errChartEmpty = errors.New("nothing to draw")
