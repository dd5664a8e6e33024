package reports

import (
	"bytes"
	"encoding/json"
	"html/template"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// chartHostile are names a unit, group, band or period could carry that
// would run as script if pasted into a page unescaped.
var chartHostile = []string{
	`</script><script>alert(1)</script>`,
	`__f__alert(1)__f__`,
	`"><img src=x onerror=alert(1)>`,
	`<!--<script>alert(1)//`,
	"line\u2028sep\u2029</SCRIPT >",
	`{a|x}{b}\u003c/script\u003e`,
}

// chartHostileCharts builds one chart of every kind with name in every
// user text field.
func chartHostileCharts(t *testing.T, name string) []*Chart {
	t.Helper()
	var out []*Chart
	add := func(c *Chart, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("build with name %q: %v", name, err)
		}
		out = append(out, c)
	}
	add(RankingChart(ChartRankingInput{
		Name: "ranking " + name, Title: name, Subtitle: name,
		Units:       []ChartRankingUnit{{Name: name, Rank: 1, Value: 0.5, Band: "B"}, {Name: "Sở " + name, Value: 0.3}},
		Bands:       []ChartBand{{Code: "B", Name: name}},
		ShowAverage: true,
	}))
	add(RadarChart(ChartRadarInput{
		Name: "radar", Title: name,
		Axes:   []ChartRadarAxis{{Name: name}, {Name: "b"}, {Name: "c"}},
		Series: []ChartRadarSeries{{Name: name, Values: []float64{0.1, 0.2, 0.3}}},
	}))
	add(HeatmapChart(ChartHeatmapInput{
		Name: "heatmap", Title: name,
		Units: []string{name}, Groups: []string{name, "g"},
		Values: [][]float64{{0.5, math.NaN()}},
	}))
	add(TrendChart(ChartTrendInput{
		Name: "trend", Title: name,
		Periods: []string{name, "2025"}, Values: []float64{0.4, 0.5}, Ranks: []int{2, 1},
		Compare: []ChartTrendSeries{{Name: name, Values: []float64{0.3, 0.3}}},
	}))
	add(DistributionChart(ChartDistributionInput{
		Name: "hist", Title: name,
		Blocks: []ChartDistributionBlock{{Name: name, Values: []float64{0.2, 0.9}}},
	}))
	add(DistributionChart(ChartDistributionInput{
		Name: "box", Title: name, Kind: ChartBoxplot,
		Blocks: []ChartDistributionBlock{{Name: name, Values: []float64{0.2, 0.9}}},
	}))
	return out
}

// chartAssertInert checks that page holds the hostile name only escaped:
// no script element but ours, no raw markup, and the name back verbatim
// from the JSON data.
func chartAssertInert(t *testing.T, what, page string, c *Chart, name string, wantScripts int) {
	t.Helper()
	lower := strings.ToLower(page)
	if n := strings.Count(lower, "<script"); n != wantScripts {
		t.Errorf("%s: %d <script tags; want %d", what, n, wantScripts)
	}
	if n := strings.Count(lower, "</script"); n != wantScripts {
		t.Errorf("%s: %d </script tags; want %d", what, n, wantScripts)
	}
	for _, raw := range []string{"<img", "<!--"} {
		if strings.Contains(lower, raw) {
			t.Errorf("%s: contains raw %q", what, raw)
		}
	}
	// The data element's body is JSON that decodes back to the exact name:
	// the name is data, escaped, not markup or code.
	open := `<script type="application/json" id="` + c.ID + `-data">`
	_, body, ok := strings.Cut(page, open)
	if !ok {
		t.Fatalf("%s: no data element %q", what, open)
	}
	body, _, _ = strings.Cut(body, "</script>")
	// JavaScript line terminators and any "<" are escaped in the data.
	if strings.ContainsAny(body, "<>&\u2028\u2029") {
		t.Errorf("%s: data element holds a raw <, >, & or line separator: %s", what, body)
	}
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%s: data element is not JSON: %v", what, err)
	}
	if !chartJSONHasString(v, name) && !chartJSONHasString(v, name+" (n = 2)") {
		t.Errorf("%s: the name %q does not come back from the JSON data", what, name)
	}
	// echarts reads formatter strings as templates (HTML in HTML
	// tooltips): no user text may reach one.
	chartWalkFormatters(v, func(f string) {
		if strings.Contains(f, name) {
			t.Errorf("%s: the name reached a formatter: %q", what, f)
		}
	})
	if strings.Contains(body, "__f__") && !strings.Contains(body, `__f__alert(1)__f__`) {
		t.Errorf("%s: unexpected __f__ marker in data", what)
	}
}

// chartWalkFormatters calls fn with every string under a "formatter" key.
func chartWalkFormatters(v any, fn func(string)) {
	switch v := v.(type) {
	case []any:
		for _, x := range v {
			chartWalkFormatters(x, fn)
		}
	case map[string]any:
		for k, x := range v {
			if f, ok := x.(string); ok && k == "formatter" {
				fn(f)
			}
			chartWalkFormatters(x, fn)
		}
	}
}

// chartJSONHasString reports whether s occurs as a string value (or inside
// one, as in a ranking label "1. name") anywhere in v.
func chartJSONHasString(v any, s string) bool {
	switch v := v.(type) {
	case string:
		return strings.Contains(v, s)
	case []any:
		for _, x := range v {
			if chartJSONHasString(x, s) {
				return true
			}
		}
	case map[string]any:
		for _, x := range v {
			if chartJSONHasString(x, s) {
				return true
			}
		}
	}
	return false
}

func TestCharts_HostileNamesStayInert(t *testing.T) {
	for _, name := range chartHostile {
		for _, c := range chartHostileCharts(t, name) {
			embed, err := ChartEmbed(c)
			if err != nil {
				t.Fatalf("ChartEmbed(%s): %v", c.ID, err)
			}
			chartAssertInert(t, "embed of "+c.ID+" with "+name, string(embed), c, name, 1)
			// The aria-label carries the title escaped for an attribute.
			if !strings.Contains(string(embed), `aria-label="`+template.HTMLEscapeString(c.Title)+`"`) {
				t.Errorf("embed of %s: aria-label is not the escaped title", c.ID)
			}

			var page bytes.Buffer
			if err := WriteChartHTML(&page, c, name); err != nil {
				t.Fatalf("WriteChartHTML(%s): %v", c.ID, err)
			}
			// The inlined scripts are ours and checked separately.
			html := page.String()
			for _, a := range ChartAssets() {
				html = strings.Replace(html, string(a.Body), "", 1)
			}
			chartAssertInert(t, "standalone "+c.ID+" with "+name, html, c, name, 4)
			if !strings.Contains(html, "<title>"+template.HTMLEscapeString(name)+"</title>") {
				t.Errorf("standalone %s: title is not the escaped name", c.ID)
			}
		}
	}
}

// The __f__ trap: go-echarts' own renderer turns "__f__...__f__" strings
// into code. Ours keeps them as plain JSON strings and the init script never
// turns strings into code.
func TestCharts_FunctionMarkerStaysData(t *testing.T) {
	c, err := RankingChart(ChartRankingInput{Name: "f", Units: []ChartRankingUnit{{Name: "__f__alert(1)__f__", Value: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(c.Option, []byte(`"__f__alert(1)__f__"`)) {
		t.Errorf("option lost the quoted name: %s", c.Option)
	}
	js := string(ChartInitScript())
	for _, bad := range []string{"eval(", "new Function", "Function(", "__f__", "innerHTML", "insertAdjacentHTML", "document.write", "setTimeout(\"", "setTimeout('"} {
		if strings.Contains(js, bad) {
			t.Errorf("chart-init.js contains %q", bad)
		}
	}
	if !strings.Contains(js, "JSON.parse(") {
		t.Error("chart-init.js does not read the option with JSON.parse")
	}
}

func TestChart_DataJSON(t *testing.T) {
	tests := []struct {
		name   string
		option string
		want   template.JS
	}{
		{"escapes a hand-built option", `{"title":{"text":"</script><b>&"}}`,
			`{"title":{"text":"\u003c/script\u003e\u003cb\u003e\u0026"}}`},
		{"keeps escaped bytes", `{"a":"\u003c"}`, `{"a":"\u003c"}`},
		{"line separators", "{\"a\":\"x\u2028y\"}", `{"a":"x\u2028y"}`},
		{"invalid JSON", `{"a":`, "null"},
		{"empty", ``, "null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Chart{ID: "chart-x", Lang: "vi", Option: json.RawMessage(tt.option)}
			if got := c.DataJSON(); got != tt.want {
				t.Errorf("DataJSON(%q) = %q; want %q", tt.option, got, tt.want)
			}
		})
	}
	var nilChart *Chart
	if got := nilChart.DataJSON(); got != "null" {
		t.Errorf("nil DataJSON = %q; want null", got)
	}
}

// TestChart_DataJSONInPageTemplate: a page that writes the pieces itself
// through html/template gets the JSON verbatim (not re-quoted as a JS
// string) inside <script type="application/json">.
func TestChart_DataJSONInPageTemplate(t *testing.T) {
	c, err := RankingChart(ChartRankingInput{Name: "page", Units: []ChartRankingUnit{{Name: "</script>", Value: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	tmpl := template.Must(template.New("p").Parse(
		`<div class="chart" data-chart-id="{{.ID}}"></div><script type="application/json" id="{{.ID}}-data">{{.DataJSON}}</script>`))
	var b strings.Builder
	if err := tmpl.Execute(&b, c); err != nil {
		t.Fatal(err)
	}
	want := `<script type="application/json" id="chart-page-data">` + string(c.Option) + `</script>`
	if !strings.Contains(b.String(), want) {
		t.Errorf("page = %s\nwant it to contain %s", b.String(), want)
	}
}

func TestChartEmbed_Invalid(t *testing.T) {
	good := func() *Chart { return &Chart{ID: "chart-a", Lang: "vi", Option: json.RawMessage(`{}`)} }
	tests := []struct {
		name  string
		chart *Chart
		want  string
	}{
		{"nil", nil, "chart: nil"},
		{"id with quote", func() *Chart { c := good(); c.ID = `a" onload="x`; return c }(), "chart id"},
		{"id with upper case", func() *Chart { c := good(); c.ID = "Chart-A"; return c }(), "chart id"},
		{"empty id", func() *Chart { c := good(); c.ID = ""; return c }(), "chart id"},
		{"language", func() *Chart { c := good(); c.Lang = "de"; return c }(), `language "de"`},
		{"option", func() *Chart { c := good(); c.Option = json.RawMessage("{"); return c }(), "option is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := ChartEmbed(tt.chart); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ChartEmbed = %q, %v; want error containing %q", got, err, tt.want)
			}
			if err := WriteChartHTML(&bytes.Buffer{}, tt.chart, "t"); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteChartHTML error = %v; want error containing %q", err, tt.want)
			}
		})
	}
}

func TestChartInlineScript(t *testing.T) {
	for _, bad := range []string{"a</script>b", "a</SCRIPT b", "x<!--y", "s = '<script>'"} {
		if _, err := chartInlineScript("x.js", []byte(bad)); err == nil {
			t.Errorf("chartInlineScript(%q) = nil error; want refusal", bad)
		}
	}
	for _, a := range ChartAssets() {
		if _, err := chartInlineScript(a.Name, a.Body); err != nil {
			t.Errorf("embedded %s cannot be inlined: %v", a.Name, err)
		}
	}
}

// FuzzChartEmbed: whatever a unit is called, the embed holds exactly one
// script element, and its JSON gives the name back unchanged.
func FuzzChartEmbed(f *testing.F) {
	for _, name := range chartHostile {
		f.Add(name)
	}
	f.Add("Sở Tài chính")
	f.Add("\x00</sCrIpT\t>")
	f.Fuzz(func(t *testing.T, name string) {
		if !utf8.ValidString(name) {
			// encoding/json replaces invalid UTF-8 with U+FFFD; such a name
			// cannot come back byte for byte.
			name = strings.ToValidUTF8(name, "\uFFFD")
		}
		c, err := RankingChart(ChartRankingInput{Name: "fuzz", Title: name,
			Units: []ChartRankingUnit{{Name: name, Value: 0.5}}})
		if err != nil {
			t.Fatal(err)
		}
		embed, err := ChartEmbed(c)
		if err != nil {
			t.Fatal(err)
		}
		page := string(embed)
		if n := strings.Count(strings.ToLower(page), "<script"); n != 1 {
			t.Fatalf("%d <script in %q", n, page)
		}
		if n := strings.Count(strings.ToLower(page), "</script"); n != 1 {
			t.Fatalf("%d </script in %q", n, page)
		}
		_, body, _ := strings.Cut(page, `id="chart-fuzz-data">`)
		body, _, _ = strings.Cut(body, "</script>")
		if strings.ContainsAny(body, "<>&\u2028\u2029") {
			t.Fatalf("raw <, >, & or line separator in the data: %q", body)
		}
		var opt struct {
			YAxis []struct {
				Data []string `json:"data"`
			} `json:"yAxis"`
		}
		if err := json.Unmarshal([]byte(body), &opt); err != nil {
			t.Fatalf("data is not JSON: %v", err)
		}
		if got := opt.YAxis[0].Data[0]; got != name {
			t.Fatalf("name came back as %q; want %q", got, name)
		}
	})
}
