package reports

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"sync"
)

// chartPageTmpl is a standalone chart file: everything inline, so it opens
// from disk with no network. The scripts are inlined as template.JS; they
// are checked to contain no "</script", "<script" or "<!--" (chartInlineScript).
var chartPageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dti (Apache ECharts {{.EChartsVersion}})">
<title>{{.Title}}</title>
<style>
body { margin: 1rem; font-family: {{.Font}}; color: #1f2328; }
h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 1rem; }
.chart { width: 100%; min-height: 240px; }
.chart-table { margin-top: 1rem; }
.chart-table table { border-collapse: collapse; font-size: 0.875rem; }
.chart-table caption { text-align: left; font-weight: 600; padding: 0.5rem 0; }
.chart-table th, .chart-table td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; text-align: left; }
</style>
</head>
<body>
{{if .Heading}}<h1>{{.Title}}</h1>
{{end}}{{.Embed}}
{{.Table}}
<script>{{.ECharts}}</script>
<script>{{.LangVI}}</script>
<script>{{.Init}}</script>
</body>
</html>
`))

// chartInlineScript returns a script for inlining in a <script> element,
// refusing one that could end the element early.
func chartInlineScript(name string, b []byte) (template.JS, error) {
	lower := bytes.ToLower(b)
	// "</script" would end the element; "<!--" and "<script" can switch
	// the HTML parser into states where the real end tag is missed.
	for _, bad := range []string{"</script", "<!--", "<script"} {
		if bytes.Contains(lower, []byte(bad)) {
			return "", fmt.Errorf("chart script %s cannot be inlined: it contains %s", name, bad)
		}
	}
	return template.JS(b), nil
}

// chartInlineScripts checks the embedded scripts once and keeps them as
// template.JS, so a download does not scan and copy a megabyte each time.
var chartInlineScripts = sync.OnceValues(func() ([]template.JS, error) {
	assets := ChartAssets()
	scripts := make([]template.JS, len(assets))
	for i, a := range assets {
		var err error
		if scripts[i], err = chartInlineScript(a.Name, a.Body); err != nil {
			return nil, err
		}
	}
	return scripts, nil
})

// WriteChartHTML writes c as a complete HTML file that works opened from
// disk: the echarts library, its Vietnamese locale and the chart-init
// script are inlined (no CDN, no network), the option is JSON data in a
// <script type="application/json"> element, and the chart's data table
// (ChartTableHTML) follows the drawing. title names the browser tab
// and, when it differs from the chart's own title (drawn in the chart and in
// its saved picture), heads the page; "" uses c.Title. It fails when c is not a valid chart
// (see ChartEmbed) or w fails.
func WriteChartHTML(w io.Writer, c *Chart, title string) error {
	embed, err := ChartEmbed(c)
	if err != nil {
		return err
	}
	table, err := ChartTableHTML(c)
	if err != nil {
		return err
	}
	if title == "" {
		title = c.Title
	}
	scripts, err := chartInlineScripts()
	if err != nil {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = ChartLangVI
	}
	return chartPageTmpl.Execute(w, struct {
		Lang, Title, EChartsVersion string
		Heading                     bool
		Font                        template.CSS
		Embed, Table                template.HTML
		ECharts, LangVI, Init       template.JS
	}{lang, title, EChartsVersion(), title != c.Title, template.CSS(ChartFontFamily),
		embed, table, scripts[0], scripts[1], scripts[2]})
}
