package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// chartFixtureBands are the five bands of the provincial draft index.
var chartFixtureBands = []ChartBand{
	{Code: "XS", Name: "Xuất sắc"},
	{Code: "T", Name: "Tốt"},
	{Code: "K", Name: "Khá"},
	{Code: "TB", Name: "Trung bình"},
	{Code: "Y", Name: "Yếu", Color: "#b71c1c"},
}

func chartFixtureRanking() ChartRankingInput {
	return ChartRankingInput{
		Name:     "Xếp hạng khối Sở, ban, ngành 2025",
		Title:    "Xếp hạng DTI 2025 — Khối Sở, ban, ngành",
		Subtitle: "Giá trị chỉ số (0–1)",
		Lang:     ChartLangVI,
		Units: []ChartRankingUnit{
			{Name: "Sở Tài chính", Rank: 2, Value: 0.7812, Points: 781.2, Band: "T"},
			{Name: "Sở Khoa học và Công nghệ", Rank: 1, Value: 0.8735, Points: 873.5, Band: "XS"},
			{Name: "Sở Y tế", Rank: 4, Value: 0.6021, Points: 602.1, Band: "K"},
			{Name: "Sở Xây dựng", Rank: 2, Value: 0.7812, Points: 781.2, Band: "T"},
			{Name: "Ban Quản lý Khu kinh tế", Rank: 0, Value: 0.4518, Points: 451.8},
			{Name: "Sở Nội vụ", Rank: 5, Value: 0.3507, Points: 350.7, Band: "Y"},
		},
		Bands:       chartFixtureBands,
		ShowAverage: true,
	}
}

func chartFixtureRadar() ChartRadarInput {
	return ChartRadarInput{
		Name:  "Radar Sở Tài chính 2025",
		Title: "Sở Tài chính — các trụ cột so với trung bình khối",
		Lang:  ChartLangVI,
		Axes: []ChartRadarAxis{
			{Name: "Chính quyền số"}, {Name: "Kinh tế số"}, {Name: "Xã hội số"},
		},
		Series: []ChartRadarSeries{
			{Name: "Sở Tài chính", Values: []float64{0.8123, 0.7, 0.65}},
			{Name: "Trung bình khối", Values: []float64{0.7, 0.6, 0.6000000000000001}},
		},
	}
}

func chartFixtureHeatmap() ChartHeatmapInput {
	return ChartHeatmapInput{
		Name:   "Heatmap khối Sở 2025",
		Title:  "Giá trị các chỉ số chính theo đơn vị",
		Lang:   ChartLangVI,
		Units:  []string{"Sở Tài chính", "Sở Y tế", "Sở Nội vụ"},
		Groups: []string{"Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số"},
		Values: [][]float64{
			{0.9, 0.75, 0.8, 1},
			{0.5, math.NaN(), 0.66667, 0.3},
			{0, 0.25, 0.4, 0.55},
		},
	}
}

func chartFixtureTrend() ChartTrendInput {
	return ChartTrendInput{
		Name:    "Trend Sở Tài chính",
		Title:   "Sở Tài chính qua các kỳ đánh giá",
		Lang:    ChartLangVI,
		Metric:  ChartMetricPoints,
		Max:     1000,
		Periods: []string{"DTI 2022", "DTI 2023", "DTI 2024", "DTI 2025"},
		Values:  []float64{612.4, math.NaN(), 744.85, 781.2},
		Ranks:   []int{7, 0, 3, 2},
		Compare: []ChartTrendSeries{
			{Name: "Trung bình khối", Values: []float64{580, 601.5, 640.25, 662}},
		},
	}
}

func chartFixtureHistogram() ChartDistributionInput {
	return ChartDistributionInput{
		Name:  "Phân bố giá trị 2025",
		Title: "Phân bố giá trị DTI theo khối",
		Lang:  ChartLangVI,
		Bins:  5,
		Blocks: []ChartDistributionBlock{
			{Name: "Khối Sở", Values: []float64{0.87, 0.78, 0.78, 0.6, 0.45, 0.35}},
			{Name: "Khối xã", Values: []float64{0, 0.2, 0.2, 0.41, 0.6, 1}},
		},
	}
}

func chartFixtureBoxplot() ChartDistributionInput {
	in := chartFixtureHistogram()
	in.Name = "Boxplot 2025"
	in.Kind = ChartBoxplot
	in.Lang = ChartLangEN
	in.Title = "DTI value by block"
	return in
}

// chartFixtures builds every chart of the golden tests.
var chartFixtures = []struct {
	name  string
	build func() (*Chart, error)
}{
	{"ranking", func() (*Chart, error) { return RankingChart(chartFixtureRanking()) }},
	{"ranking-points-en", func() (*Chart, error) {
		in := chartFixtureRanking()
		in.Name, in.Lang, in.Metric, in.Max, in.Sort = "ranking points en", ChartLangEN, ChartMetricPoints, 1000, ChartSortMetric
		in.Title, in.Subtitle = "DTI 2025 ranking — departments", ""
		return RankingChart(in)
	}},
	{"radar", func() (*Chart, error) { return RadarChart(chartFixtureRadar()) }},
	{"heatmap", func() (*Chart, error) { return HeatmapChart(chartFixtureHeatmap()) }},
	{"trend", func() (*Chart, error) { return TrendChart(chartFixtureTrend()) }},
	{"histogram", func() (*Chart, error) { return DistributionChart(chartFixtureHistogram()) }},
	{"boxplot", func() (*Chart, error) { return DistributionChart(chartFixtureBoxplot()) }},
}

// chartStandaloneDump returns the standalone HTML of c with the inlined
// scripts replaced by short markers, so the golden file stays small and
// does not change when echarts is updated.
func chartStandaloneDump(t *testing.T, c *Chart) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteChartHTML(&b, c, ""); err != nil {
		t.Fatalf("WriteChartHTML(%s): %v", c.ID, err)
	}
	out := b.Bytes()
	for _, a := range ChartAssets() {
		if n := bytes.Count(out, a.Body); n != 1 {
			t.Fatalf("WriteChartHTML(%s): %s inlined %d times; want 1", c.ID, a.Name, n)
		}
		out = bytes.Replace(out, a.Body, []byte("/* "+a.Name+" inlined here */"), 1)
		// The policy names each script by hash (HTML-escaped in the
		// attribute); markers keep the golden file stable too.
		sum := sha256.Sum256(a.Body)
		hash := strings.ReplaceAll(base64.StdEncoding.EncodeToString(sum[:]), "+", "&#43;")
		if n := bytes.Count(out, []byte(hash)); n != 1 {
			t.Fatalf("WriteChartHTML(%s): sha256 of %s in the policy %d times; want 1", c.ID, a.Name, n)
		}
		out = bytes.Replace(out, []byte(hash), []byte("HASH-OF-"+a.Name), 1)
	}
	return out
}

func TestCharts_Golden(t *testing.T) {
	for _, f := range chartFixtures {
		t.Run(f.name, func(t *testing.T) {
			c, err := f.build()
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, c.Option, "", "  "); err != nil {
				t.Fatalf("option is not JSON: %v", err)
			}
			pretty.WriteByte('\n')
			chartGolden(t, f.name+".json", pretty.Bytes())
			chartGolden(t, f.name+".html", chartStandaloneDump(t, c))

			// Same input, same bytes: build it again, several times, so
			// that map iteration order would show if it leaked.
			var again *Chart
			for range 10 {
				if again, err = f.build(); err != nil {
					t.Fatalf("second build: %v", err)
				}
				if !bytes.Equal(c.Option, again.Option) || c.ID != again.ID || c.Height != again.Height {
					t.Fatalf("two builds differ:\n%s\n%s", c.Option, again.Option)
				}
			}
			var h1, h2 bytes.Buffer
			if err := WriteChartHTML(&h1, c, "x"); err != nil {
				t.Fatal(err)
			}
			if err := WriteChartHTML(&h2, again, "x"); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(h1.Bytes(), h2.Bytes()) {
				t.Error("two standalone files of the same chart differ")
			}
		})
	}
}

// TestRankingChart_InputOrder: the order of the units given must not change
// the chart (ties are broken by name).
func TestRankingChart_InputOrder(t *testing.T) {
	in := chartFixtureRanking()
	want, err := RankingChart(in)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(in.Units)
	got, err := RankingChart(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Option, want.Option) {
		t.Errorf("reversed units give another chart:\n got %s\nwant %s", got.Option, want.Option)
	}
}

// chartOption decodes a chart's option for assertions on its structure.
func chartOption(t *testing.T, c *Chart) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(c.Option, &m); err != nil {
		t.Fatalf("option of %s: %v", c.ID, err)
	}
	return m
}

func TestRankingChart_OrderAndBands(t *testing.T) {
	tests := []struct {
		name       string
		sort       ChartSort
		metric     ChartMetric
		wantLabels []string
	}{
		{"by rank", ChartSortRank, ChartMetricValue, []string{
			"1. Sở Khoa học và Công nghệ", "2. Sở Tài chính", "2. Sở Xây dựng", "4. Sở Y tế", "5. Sở Nội vụ", "Ban Quản lý Khu kinh tế",
		}},
		{"by metric", ChartSortMetric, ChartMetricPoints, []string{
			"1. Sở Khoa học và Công nghệ", "2. Sở Tài chính", "2. Sở Xây dựng", "4. Sở Y tế", "Ban Quản lý Khu kinh tế", "5. Sở Nội vụ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := chartFixtureRanking()
			in.Sort, in.Metric = tt.sort, tt.metric
			c, err := RankingChart(in)
			if err != nil {
				t.Fatal(err)
			}
			opt := chartOption(t, c)
			yAxis := opt["yAxis"].([]any)[0].(map[string]any)
			var labels []string
			for _, l := range yAxis["data"].([]any) {
				labels = append(labels, l.(string))
			}
			if !slices.Equal(labels, tt.wantLabels) {
				t.Errorf("labels = %q; want %q", labels, tt.wantLabels)
			}
			// Each bar is in exactly one band series; the unbanded unit
			// in the "no band" series, drawn last.
			series := opt["series"].([]any)
			if len(series) != len(chartFixtureBands)+1 {
				t.Fatalf("%d series; want %d (bands + no band)", len(series), len(chartFixtureBands)+1)
			}
			for bar := range labels {
				n := 0
				for _, s := range series {
					if d := s.(map[string]any)["data"].([]any)[bar]; d != "-" {
						n++
					}
				}
				if n != 1 {
					t.Errorf("bar %q is in %d series; want 1", labels[bar], n)
				}
			}
			last := series[len(series)-1].(map[string]any)
			if last["name"] != "Chưa xếp loại" {
				t.Errorf("last series = %v; want the no-band series", last["name"])
			}
			xAxis := opt["xAxis"].([]any)[0].(map[string]any)
			wantMax := 1.0
			if tt.metric == ChartMetricPoints {
				wantMax = 873.5 // the largest bar
			}
			if xAxis["max"] != wantMax {
				t.Errorf("axis max = %v; want %v", xAxis["max"], wantMax)
			}
		})
	}
}

func TestRankingChart_NoBandSeriesOnlyWhenUsed(t *testing.T) {
	in := chartFixtureRanking()
	in.Units = slices.DeleteFunc(in.Units, func(u ChartRankingUnit) bool { return u.Band == "" })
	c, err := RankingChart(in)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(chartOption(t, c)["series"].([]any)); n != len(chartFixtureBands) {
		t.Errorf("%d series; want %d: no unit lacks a band", n, len(chartFixtureBands))
	}
}

func TestCharts_InvalidInput(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name  string
		build func() (*Chart, error)
		want  string // the error must contain this
	}{
		{"ranking: empty name", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Name = " — "
			return RankingChart(in)
		}, "ChartRankingInput.Name"},
		{"ranking: language", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Lang = "fr"
			return RankingChart(in)
		}, `ChartRankingInput.Lang: language "fr"`},
		{"ranking: metric", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Metric = "score"
			return RankingChart(in)
		}, `ChartRankingInput.Metric: metric "score"`},
		{"ranking: sort", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Sort = "name"
			return RankingChart(in)
		}, `ChartRankingInput.Sort: "name"`},
		{"ranking: no units", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Units = nil
			return RankingChart(in)
		}, "ChartRankingInput.Units: nothing to draw"},
		{"ranking: NaN value", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Units[2].Value = nan
			return RankingChart(in)
		}, "ChartRankingInput.Units[2] (Sở Y tế).Value: NaN is not a number"},
		{"ranking: negative rank", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Units[1].Rank = -1
			return RankingChart(in)
		}, "Units[1] (Sở Khoa học và Công nghệ).Rank: -1"},
		{"ranking: unknown band", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Units[0].Band = "A+"
			return RankingChart(in)
		}, `Units[0] (Sở Tài chính).Band: band "A+" is not among Bands`},
		{"ranking: bad colour", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Bands = slices.Clone(in.Bands)
			in.Bands[1].Color = "red;background:url(x)"
			return RankingChart(in)
		}, "ChartRankingInput.Bands[1]: colour"},
		{"ranking: duplicate band", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Bands = append(slices.Clone(in.Bands), ChartBand{Code: "XS"})
			return RankingChart(in)
		}, `ChartRankingInput.Bands[5]: band "XS" is listed twice`},
		{"ranking: negative max", func() (*Chart, error) {
			in := chartFixtureRanking()
			in.Max = -1
			return RankingChart(in)
		}, "ChartRankingInput.Max: -1"},
		{"radar: two axes", func() (*Chart, error) {
			in := chartFixtureRadar()
			in.Axes = in.Axes[:2]
			return RadarChart(in)
		}, "ChartRadarInput.Axes: 2 axes: a radar needs at least 3"},
		{"radar: short series", func() (*Chart, error) {
			in := chartFixtureRadar()
			in.Series[1].Values = in.Series[1].Values[:2]
			return RadarChart(in)
		}, "ChartRadarInput.Series[1] (Trung bình khối).Values: 2 values: want 3"},
		{"radar: infinite", func() (*Chart, error) {
			in := chartFixtureRadar()
			in.Series[0].Values[2] = math.Inf(1)
			return RadarChart(in)
		}, "ChartRadarInput.Series[0] (Sở Tài chính).Values[2]: +Inf is not a number"},
		{"radar: no series", func() (*Chart, error) {
			in := chartFixtureRadar()
			in.Series = nil
			return RadarChart(in)
		}, "ChartRadarInput.Series: nothing to draw"},
		{"heatmap: ragged row", func() (*Chart, error) {
			in := chartFixtureHeatmap()
			in.Values[1] = in.Values[1][:3]
			return HeatmapChart(in)
		}, "ChartHeatmapInput.Values[1] (Sở Y tế): 3 values: want 4"},
		{"heatmap: rows", func() (*Chart, error) {
			in := chartFixtureHeatmap()
			in.Values = in.Values[:2]
			return HeatmapChart(in)
		}, "ChartHeatmapInput.Values: 2 rows: want 3"},
		{"heatmap: infinite", func() (*Chart, error) {
			in := chartFixtureHeatmap()
			in.Values[0][3] = math.Inf(-1)
			return HeatmapChart(in)
		}, "ChartHeatmapInput.Values[0] (Sở Tài chính)[3] (Nhân lực số): -Inf"},
		{"heatmap: scale", func() (*Chart, error) {
			in := chartFixtureHeatmap()
			in.Min, in.Max = 5, 2
			return HeatmapChart(in)
		}, "ChartHeatmapInput.Min, Max: 5..2"},
		{"trend: values", func() (*Chart, error) {
			in := chartFixtureTrend()
			in.Values = in.Values[:3]
			return TrendChart(in)
		}, "ChartTrendInput.Values: 3 values: want 4"},
		{"trend: ranks", func() (*Chart, error) {
			in := chartFixtureTrend()
			in.Ranks = []int{1}
			return TrendChart(in)
		}, "ChartTrendInput.Ranks: 1 ranks: want 4"},
		{"trend: negative rank", func() (*Chart, error) {
			in := chartFixtureTrend()
			in.Ranks[3] = -2
			return TrendChart(in)
		}, "ChartTrendInput.Ranks[3] (DTI 2025): -2"},
		{"trend: compare", func() (*Chart, error) {
			in := chartFixtureTrend()
			in.Compare[0].Values = nil
			return TrendChart(in)
		}, "ChartTrendInput.Compare[0] (Trung bình khối).Values: 0 values: want 4"},
		{"trend: no periods", func() (*Chart, error) {
			in := chartFixtureTrend()
			in.Periods, in.Values, in.Ranks, in.Compare = nil, nil, nil, nil
			return TrendChart(in)
		}, "ChartTrendInput.Periods: nothing to draw"},
		{"distribution: outside", func() (*Chart, error) {
			in := chartFixtureHistogram()
			in.Blocks[1].Values[5] = 1.01
			return DistributionChart(in)
		}, "ChartDistributionInput.Blocks[1] (Khối xã).Values[5]: 1.01 lies outside 0..1"},
		{"distribution: NaN", func() (*Chart, error) {
			in := chartFixtureHistogram()
			in.Blocks[0].Values[0] = nan
			return DistributionChart(in)
		}, "ChartDistributionInput.Blocks[0] (Khối Sở).Values[0]: NaN"},
		{"distribution: empty block", func() (*Chart, error) {
			in := chartFixtureBoxplot()
			in.Blocks[1].Values = nil
			return DistributionChart(in)
		}, "ChartDistributionInput.Blocks[1] (Khối xã).Values: nothing to draw"},
		{"distribution: bins", func() (*Chart, error) {
			in := chartFixtureHistogram()
			in.Bins = 1000
			return DistributionChart(in)
		}, "ChartDistributionInput.Bins: 1000: want 1..100"},
		{"distribution: kind", func() (*Chart, error) {
			in := chartFixtureHistogram()
			in.Kind = "violin"
			return DistributionChart(in)
		}, `ChartDistributionInput.Kind: "violin"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tt.build()
			if err == nil {
				t.Fatalf("build = %s, nil; want an error containing %q", c.ID, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("build error = %q; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestChartID(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"Xếp hạng khối Sở 2025", "chart-xep-hang-khoi-so-2025"},
		{"ĐỒNG THÁP – Đắk Lắk", "chart-dong-thap-dak-lak"},
		{"  --Radar,  Sở Y tế!! ", "chart-radar-so-y-te"},
		{"</script><script>alert(1)</script>", "chart-script-script-alert-1-script"},
		{"ranking", "chart-ranking"},
		{strings.Repeat("ab-", 40), "chart-" + strings.TrimSuffix(strings.Repeat("ab-", 20)[:58], "-")},
		{"日本 2025", "chart-2025"},
	}
	for _, tt := range tests {
		got, err := ChartID(tt.name)
		if err != nil || got != tt.want {
			t.Errorf("ChartID(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
		if len(got) > 64 || !chartIsID(got) || strings.HasSuffix(got, "-") {
			t.Errorf("ChartID(%q) = %q: not a well-formed id", tt.name, got)
		}
	}
	for _, bad := range []string{"", "  ", "!!!", "日本"} {
		if got, err := ChartID(bad); err == nil {
			t.Errorf("ChartID(%q) = %q, nil; want an error", bad, got)
		}
	}
}

func TestChartFormatNumber(t *testing.T) {
	tests := []struct {
		v        float64
		decimals int
		lang     string
		want     string
	}{
		{0.8, 4, "vi", "0,8"},
		{0.8, 4, "en", "0.8"},
		{0.81234, 4, "vi", "0,8123"},
		{1234.5, 2, "vi", "1.234,5"},
		{1234.5, 2, "en", "1,234.5"},
		{1000, 2, "vi", "1.000"},
		{999.999, 2, "vi", "1.000"},
		{-0.00001, 4, "vi", "0"},
		{-1234567.25, 1, "en", "-1,234,567.3"},
		{0, 4, "vi", "0"},
		{math.NaN(), 4, "vi", "-"},
	}
	for _, tt := range tests {
		if got := ChartFormatNumber(tt.v, tt.decimals, tt.lang); got != tt.want {
			t.Errorf("ChartFormatNumber(%v, %d, %q) = %q; want %q", tt.v, tt.decimals, tt.lang, got, tt.want)
		}
	}
}

func TestChartBin(t *testing.T) {
	edges := chartBinEdges(0, 1, 5)
	tests := []struct {
		v    float64
		want int
	}{
		{0, 0}, {0.1999, 0}, {0.2, 1}, {0.4, 2}, {0.6, 3}, {0.8, 4}, {0.9999, 4}, {1, 4},
		{-0.0001, -1}, {1.0001, -1},
	}
	for _, tt := range tests {
		if got := chartBin(edges, tt.v); got != tt.want {
			t.Errorf("chartBin(0..1 in 5, %v) = %d; want %d", tt.v, got, tt.want)
		}
	}
}

func TestChartQuantile(t *testing.T) {
	sorted := []float64{1, 2, 3, 4, 10}
	tests := []struct {
		q, want float64
	}{
		{0, 1}, {0.25, 2}, {0.5, 3}, {0.75, 4}, {1, 10}, {0.9, 7.6},
	}
	for _, tt := range tests {
		if got := chartQuantile(sorted, tt.q); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("chartQuantile(%v, %v) = %v; want %v", sorted, tt.q, got, tt.want)
		}
	}
	if got := chartQuantile([]float64{0.5}, 0.75); got != 0.5 {
		t.Errorf("chartQuantile([0.5], 0.75) = %v; want 0.5", got)
	}
}

func TestDistributionChart_HistogramCounts(t *testing.T) {
	c, err := DistributionChart(chartFixtureHistogram())
	if err != nil {
		t.Fatal(err)
	}
	opt := chartOption(t, c)
	wantLabels := []any{"0–0,2", "0,2–0,4", "0,4–0,6", "0,6–0,8", "0,8–1"}
	if got := opt["xAxis"].([]any)[0].(map[string]any)["data"].([]any); !slices.Equal(got, wantLabels) {
		t.Errorf("bins = %q; want %q", got, wantLabels)
	}
	want := map[string][]float64{
		"Khối Sở": {0, 1, 1, 3, 1}, // 0.35 | 0.45 | 0.6 0.78 0.78 | 0.87
		"Khối xã": {1, 2, 1, 1, 1}, // 0 | 0.2 0.2 | 0.41 | 0.6 | 1
	}
	for _, s := range opt["series"].([]any) {
		s := s.(map[string]any)
		var got []float64
		for _, d := range s["data"].([]any) {
			got = append(got, d.(map[string]any)["value"].(float64))
		}
		if w := want[s["name"].(string)]; !slices.Equal(got, w) {
			t.Errorf("counts of %s = %v; want %v", s["name"], got, w)
		}
	}
}

// chartLongRanking is a block of n units, best first.
func chartLongRanking(n int) ChartRankingInput {
	in := ChartRankingInput{Name: "long", Title: "Xếp hạng khối xã", Bands: chartFixtureBands}
	for i := 0; i < n; i++ {
		v := 1 - float64(i)/float64(n)
		in.Units = append(in.Units, ChartRankingUnit{
			Name: "Xã " + strconv.Itoa(i+1), Rank: i + 1, Value: v, Points: v * 1000,
			Band: chartFixtureBands[min(4, int((1-v)*5))].Code,
		})
	}
	return in
}

// TestRankingChart_LongRankingScrolls: the chart grows with its units from
// a short minimum (one unit) up to a page of bars, then scrolls.
func TestRankingChart_LongRankingScrolls(t *testing.T) {
	tests := []struct {
		units      int
		wantHeight int
		wantZoom   bool
		wantEnd    float64
	}{
		{1, 160, false, 0},
		{2, 172, false, 0},
		{5, 120 + 26*5, false, 0},
		{50, 120 + 26*50, false, 0},
		{51, 120 + 26*50, true, 98.04},
		{200, 120 + 26*50, true, 25},
	}
	for _, tt := range tests {
		c, err := RankingChart(chartLongRanking(tt.units))
		if err != nil {
			t.Fatal(err)
		}
		if c.Height != tt.wantHeight {
			t.Errorf("%d units: height %d; want %d", tt.units, c.Height, tt.wantHeight)
		}
		zoom, ok := chartOption(t, c)["dataZoom"].([]any)
		if ok != tt.wantZoom {
			t.Fatalf("%d units: dataZoom %v; want present = %v", tt.units, zoom, tt.wantZoom)
		}
		for _, z := range zoom {
			z := z.(map[string]any)
			if z["yAxisIndex"] != 0.0 || z["end"] != tt.wantEnd {
				t.Errorf("%d units: zoom %v; want the y axis, end %v%%", tt.units, z, tt.wantEnd)
			}
		}
	}
}

func TestHeatmapChart_TallScrolls(t *testing.T) {
	in := chartFixtureHeatmap()
	in.Units, in.Values = nil, nil
	for i := 0; i < 100; i++ {
		in.Units = append(in.Units, "Xã "+strconv.Itoa(i))
		in.Values = append(in.Values, []float64{0.1, 0.2, 0.3, 0.4})
	}
	c, err := HeatmapChart(in)
	if err != nil {
		t.Fatal(err)
	}
	if c.Height != 150+24*40 {
		t.Errorf("height %d; want %d", c.Height, 150+24*40)
	}
	if _, ok := chartOption(t, c)["dataZoom"]; !ok {
		t.Error("a 100-row heatmap has no dataZoom")
	}
}

func TestCharts_Table(t *testing.T) {
	built := map[string]*Chart{}
	for _, f := range chartFixtures {
		c, err := f.build()
		if err != nil {
			t.Fatal(err)
		}
		built[f.name] = c
	}
	tests := []struct {
		chart      string
		wantHeader []string
		wantRows   map[int][]string // row index -> cells
		wantLen    int
	}{
		{"ranking", []string{"Thứ hạng", "Đơn vị", "Giá trị", "Xếp loại"}, map[int][]string{
			0: {"1", "Sở Khoa học và Công nghệ", "0,8735", "Xuất sắc"},
			5: {"–", "Ban Quản lý Khu kinh tế", "0,4518", "Chưa xếp loại"},
		}, 6},
		{"ranking-points-en", []string{"Rank", "Unit", "Points", "Band"}, map[int][]string{
			0: {"1", "Sở Khoa học và Công nghệ", "873.5", "Xuất sắc"},
		}, 6},
		{"radar", []string{"Trụ cột", "Sở Tài chính", "Trung bình khối"}, map[int][]string{
			0: {"Chính quyền số", "0,8123", "0,7"},
			2: {"Xã hội số", "0,65", "0,6"},
		}, 3},
		{"heatmap", []string{"Đơn vị", "Nhận thức số", "Thể chế số", "Hạ tầng số", "Nhân lực số"}, map[int][]string{
			1: {"Sở Y tế", "0,5", "–", "0,6667", "0,3"},
		}, 3},
		{"trend", []string{"Kỳ đánh giá", "Điểm", "Thứ hạng", "Trung bình khối"}, map[int][]string{
			0: {"DTI 2022", "612,4", "7", "580"},
			1: {"DTI 2023", "–", "–", "601,5"},
		}, 4},
		{"histogram", []string{"Khoảng giá trị", "Khối Sở", "Khối xã"}, map[int][]string{
			3: {"0,6–0,8", "3", "1"},
		}, 5},
		{"boxplot", []string{"Block", "Number of units", "Minimum", "First quartile", "Median", "Third quartile", "Maximum"}, map[int][]string{
			1: {"Khối xã", "6", "0", "0.2", "0.305", "0.5525", "1"},
		}, 2},
	}
	for _, tt := range tests {
		tab := built[tt.chart].Table
		if !slices.Equal(tab.Header, tt.wantHeader) {
			t.Errorf("%s: header %q; want %q", tt.chart, tab.Header, tt.wantHeader)
		}
		if len(tab.Rows) != tt.wantLen {
			t.Errorf("%s: %d rows; want %d", tt.chart, len(tab.Rows), tt.wantLen)
			continue
		}
		for i, want := range tt.wantRows {
			if !slices.Equal(tab.Rows[i], want) {
				t.Errorf("%s: row %d = %q; want %q", tt.chart, i, tab.Rows[i], want)
			}
		}
		for i, row := range tab.Rows {
			if len(row) != len(tab.Header) {
				t.Errorf("%s: row %d has %d cells; header %d", tt.chart, i, len(row), len(tab.Header))
			}
		}
	}
}

func TestChartTableHTML(t *testing.T) {
	c := &Chart{ID: "chart-t", Lang: "en", Title: `T <b>`, Option: json.RawMessage(`{}`), Table: ChartTable{
		Header: []string{"Unit", "Value"},
		Rows:   [][]string{{`<img src=x onerror=alert(1)>`, "0.5"}},
	}}
	got, err := ChartTableHTML(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<details class="chart-table" id="chart-t-table"><summary>Data table</summary>`,
		`<caption>T &lt;b&gt;</caption>`,
		`<th scope="col">Unit</th><th scope="col">Value</th>`,
		`<tr><td>&lt;img src=x onerror=alert(1)&gt;</td><td>0.5</td></tr>`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("ChartTableHTML = %s\nwant it to contain %s", got, want)
		}
	}
	if _, err := ChartTableHTML(&Chart{ID: "Bad ID"}); err == nil {
		t.Error("ChartTableHTML of a bad chart: want an error")
	}
}
