package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
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
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="generator" content="dti (Apache ECharts {{.EChartsVersion}})">
<title>{{.Title}}</title>
<style>
body { margin: 1rem; font-family: {{.Font}}; color: #1f2328; }
h1 { font-size: 1.25rem; font-weight: 600; margin: 0 0 1rem; }
.chart { width: 100%; min-height: 160px; }
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

// chartInline are the embedded scripts ready for a standalone file, and
// the file's Content-Security-Policy: only these three scripts may run
// (by hash), and nothing may be fetched, so even a name that slipped past
// the escaping could neither run nor call out.
type chartInline struct {
	scripts []template.JS
	csp     string
}

// chartInlineScripts checks the embedded scripts once and keeps them as
// template.JS, so a download does not scan and copy a megabyte each time.
var chartInlineScripts = sync.OnceValues(func() (chartInline, error) {
	assets := ChartAssets()
	in := chartInline{scripts: make([]template.JS, len(assets))}
	var hashes []string
	for i, a := range assets {
		var err error
		if in.scripts[i], err = chartInlineScript(a.Name, a.Body); err != nil {
			return chartInline{}, err
		}
		sum := sha256.Sum256(a.Body)
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
	}
	in.csp = "default-src 'none'; script-src " + strings.Join(hashes, " ") +
		"; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'"
	return in, nil
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
	inline, err := chartInlineScripts()
	if err != nil {
		return err
	}
	lang := c.Lang
	if lang == "" {
		lang = ChartLangVI
	}
	return chartPageTmpl.Execute(w, struct {
		Lang, Title, EChartsVersion, CSP string
		Heading                          bool
		Font                             template.CSS
		Embed, Table                     template.HTML
		ECharts, LangVI, Init            template.JS
	}{lang, title, EChartsVersion(), inline.csp, title != c.Title, template.CSS(ChartFontFamily),
		embed, table, inline.scripts[0], inline.scripts[1], inline.scripts[2]})
}
