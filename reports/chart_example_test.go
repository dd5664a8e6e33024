package reports_test

import (
	"bytes"
	"fmt"
	"html/template"
	"log"
	"os"
	"strings"

	"github.com/dti-platform/dti/reports"
)

// A page embeds charts through html/template with ChartEmbed, and loads
// the chart scripts from versioned URLs once, at the end of the body.
func ExampleChartEmbed() {
	chart, err := reports.RankingChart(reports.ChartRankingInput{
		Name:  "Xếp hạng khối Sở",
		Title: "Xếp hạng DTI 2025 — Khối Sở",
		Units: []reports.ChartRankingUnit{
			{Name: "Sở Tài chính", Rank: 1, Value: 0.8123, Band: "TOT"},
			{Name: "Sở Y tế", Rank: 2, Value: 0.7012, Band: "KHA"},
		},
		Bands: []reports.ChartBand{{Code: "TOT", Name: "Tốt"}, {Code: "KHA", Name: "Khá"}},
	})
	if err != nil {
		log.Fatal(err)
	}
	page := template.Must(template.New("page").Funcs(template.FuncMap{
		"chartEmbed": reports.ChartEmbed,
	}).Parse(`{{chartEmbed .Chart}}
{{range .Scripts}}<script src="/static/{{.VersionedName}}"></script>
{{end}}`))
	var b strings.Builder
	if err := page.Execute(&b, map[string]any{"Chart": chart, "Scripts": reports.ChartAssets()}); err != nil {
		log.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		// Shorten the option JSON and the hashes for the example.
		if i := strings.Index(line, `-data">`); i >= 0 {
			line = line[:i+7] + "{…}</script>"
		}
		for _, a := range reports.ChartAssets() {
			line = strings.Replace(line, a.Hash, "HASH", 1)
		}
		fmt.Println(line)
	}
	// Output:
	// <div class="chart" id="chart-xep-hang-khoi-so" data-chart-id="chart-xep-hang-khoi-so" data-chart-lang="vi" data-chart-height="172" role="img" aria-label="Xếp hạng DTI 2025 — Khối Sở"></div>
	// <script type="application/json" id="chart-xep-hang-khoi-so-data">{…}</script>
	// <script src="/static/echarts.min.HASH.js"></script>
	// <script src="/static/echarts-lang-vi.HASH.js"></script>
	// <script src="/static/chart-init.HASH.js"></script>
}

// A download handler streams a standalone file that opens from disk.
func ExampleWriteChartHTML() {
	chart, err := reports.RadarChart(reports.ChartRadarInput{
		Name:  "radar so tai chinh",
		Title: "Sở Tài chính",
		Axes:  []reports.ChartRadarAxis{{Name: "Chính quyền số"}, {Name: "Kinh tế số"}, {Name: "Xã hội số"}},
		Series: []reports.ChartRadarSeries{
			{Name: "Sở Tài chính", Values: []float64{0.81, 0.7, 0.65}},
			{Name: "Trung bình khối", Values: []float64{0.7, 0.6, 0.6}},
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	var b bytes.Buffer
	if err := reports.WriteChartHTML(&b, chart, "DTI 2025 — Sở Tài chính"); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(os.DevNull, b.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	// One JSON data element and three inline scripts; nothing loaded from
	// elsewhere.
	fmt.Println(strings.Count(b.String(), "<script"), strings.Contains(b.String(), "<script src"))
	// Output: 4 false
}
