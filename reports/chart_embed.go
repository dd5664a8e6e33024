package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"
)

// DataJSON returns the chart's option for the body of a
// <script type="application/json"> element in an html/template page. The
// bytes have <, >, & and U+2028/U+2029 escaped, so no text in the option
// (a unit named "</script>...") can end the element or start markup, and
// the page's script reads it with JSON.parse, never as code. An option that
// is not valid JSON gives "null", which the page shows as a chart error.
func (c *Chart) DataJSON() template.JS {
	if c == nil || !json.Valid(c.Option) {
		return "null"
	}
	var b bytes.Buffer
	// Option from a builder is already escaped; escaping again is a no-op
	// then, and protects a Chart built by hand.
	json.HTMLEscape(&b, c.Option)
	return template.JS(b.String())
}

// chartEmbedTmpl is the markup of one chart. html/template escapes the
// attribute values; DataJSON is JSON made safe for a script element.
var chartEmbedTmpl = template.Must(template.New("chart").Parse(
	`<div class="chart" id="{{.ID}}" data-chart-id="{{.ID}}" data-chart-lang="{{.Lang}}" data-chart-height="{{.Height}}" role="img" aria-label="{{.Title}}"></div>` +
		"\n" + `<script type="application/json" id="{{.ID}}-data">{{.DataJSON}}</script>`))

// ChartEmbed returns the markup of a chart for a page: the chart element
// and its option as JSON data. The page must also load the ChartAssets
// scripts (after the chart elements, or anywhere: the init script waits for
// the document). It fails when c is nil, its ID is not a chart id, its
// language is not "vi" or "en", or its option is not valid JSON.
//
// In an html/template page: {{chartEmbed .Chart}} with
// template.FuncMap{"chartEmbed": reports.ChartEmbed}.
func ChartEmbed(c *Chart) (template.HTML, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	var b strings.Builder
	if err := chartEmbedTmpl.Execute(&b, c); err != nil {
		return "", fmt.Errorf("chart %s: %w", c.ID, err)
	}
	return template.HTML(b.String()), nil
}

// chartTableTmpl is the text alternative of a chart: its numbers as a
// table, folded in a <details> element so it stays out of the way.
var chartTableTmpl = template.Must(template.New("table").Parse(
	`<details class="chart-table" id="{{.ID}}-table"><summary>{{.Summary}}</summary>
<table>
<caption>{{.Title}}</caption>
<thead><tr>{{range .Table.Header}}<th scope="col">{{.}}</th>{{end}}</tr></thead>
<tbody>
{{range .Table.Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
{{end}}</tbody>
</table>
</details>`))

// ChartTableHTML returns the chart's data as an HTML table inside a
// <details> element ("Bảng số liệu" / "Data table"): the text alternative
// for screen readers, readers without JavaScript and printing. Pages that
// already show the same numbers (the ranking page) may leave it out. It
// fails as ChartEmbed does.
func ChartTableHTML(c *Chart) (template.HTML, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	lang, _ := chartLang("", c.Lang)
	var b strings.Builder
	err := chartTableTmpl.Execute(&b, struct {
		ID, Title, Summary string
		Table              ChartTable
	}{c.ID, c.Title, chartWordsByLang[lang].Table, c.Table})
	if err != nil {
		return "", fmt.Errorf("chart %s: %w", c.ID, err)
	}
	return template.HTML(b.String()), nil
}

// check validates a chart before it is written into a page.
func (c *Chart) check() error {
	if c == nil {
		return fmt.Errorf("chart: nil")
	}
	if !chartIsID(c.ID) {
		return fmt.Errorf("chart id %q: want letters a-z, digits and -", c.ID)
	}
	if _, err := chartLang("chart "+c.ID+" Lang", c.Lang); err != nil {
		return err
	}
	if !json.Valid(c.Option) {
		return fmt.Errorf("chart %s: option is not valid JSON", c.ID)
	}
	return nil
}
