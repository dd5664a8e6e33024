package reports

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

// chartTestIndex is a small points-style index: two top-level groups with
// two subgroups each, three pillars and two blocks.
func chartTestIndex() *scoring.Index {
	leaf := func(code string, depth int) *scoring.Node {
		return &scoring.Node{Code: code, Depth: depth, Method: &scoring.Method{Kind: scoring.MethodBoolean}}
	}
	group := func(code, vi, en string, depth int, children ...*scoring.Node) *scoring.Node {
		return &scoring.Node{Code: code, Name: scoring.Text{VI: vi, EN: en}, Depth: depth, Children: children}
	}
	return &scoring.Index{
		Code:  "T",
		Name:  scoring.Text{VI: "Chỉ số thử", EN: "Test index"},
		Style: scoring.StylePoints,
		Scale: 1000,
		Blocks: []scoring.Block{
			{Code: "SO", Name: scoring.Text{VI: "Khối Sở", EN: "Departments"}, Ranked: true},
			{Code: "XA", Name: scoring.Text{VI: "Khối xã", EN: "Communes"}, Ranked: true},
			{Code: "RONG", Name: scoring.Text{VI: "Khối trống"}},
		},
		Pillars: []scoring.Pillar{
			{Code: "CQS", Name: scoring.Text{VI: "Chính quyền số", EN: "Digital government"}},
			{Code: "KTS", Name: scoring.Text{VI: "Kinh tế số", EN: "Digital economy"}},
			{Code: "XHS", Name: scoring.Text{VI: "Xã hội số", EN: "Digital society"}},
		},
		Bands: []scoring.Band{
			{Code: "TOT", Name: scoring.Text{VI: "Tốt", EN: "Good"}, MinPercent: 80},
			{Code: "KHA", Name: scoring.Text{VI: "Khá", EN: "Fair"}, MinPercent: 0},
		},
		Nodes: []*scoring.Node{
			group("NT", "Nền tảng", "Foundations", 0,
				group("NTS", "Nhận thức số", "Awareness", 1, leaf("NTS.01", 2)),
				group("TCS", "Thể chế số", "Institutions", 1, leaf("TCS.01", 2))),
			group("HD", "Hoạt động", "Activities", 0,
				group("CQ", "Chính quyền số", "Government", 1, leaf("CQ.01", 2)),
				leaf("HD.01", 1)),
		},
	}
}

// chartTestUnit is a unit result whose nodes and pillars have the values
// given in the order NT NTS NTS.01 TCS TCS.01 HD CQ CQ.01 HD.01 and
// CQS KTS XHS; NaN marks a node that is not applicable.
func chartTestUnit(code, name, block string, rank int, value float64, band string, nodes, pillars []float64) scoring.UnitResult {
	codes := []string{"NT", "NTS", "NTS.01", "TCS", "TCS.01", "HD", "CQ", "CQ.01", "HD.01"}
	u := scoring.UnitResult{Code: code, Name: name, Block: block, Rank: rank, Value: value, Points: value * 1000, Band: band}
	for i, c := range codes {
		u.Nodes = append(u.Nodes, scoring.NodeResult{Code: c, Applicable: !math.IsNaN(nodes[i]), Value: nodes[i]})
	}
	for i, c := range []string{"CQS", "KTS", "XHS"} {
		u.Pillars = append(u.Pillars, scoring.NodeResult{Code: c, Applicable: !math.IsNaN(pillars[i]), Value: pillars[i]})
	}
	return u
}

func chartTestResults() *scoring.Results {
	nan := math.NaN()
	return &scoring.Results{
		IndexCode: "T",
		Units: []scoring.UnitResult{
			chartTestUnit("S1", "Sở Y tế", "SO", 2, 0.7, "KHA",
				[]float64{0.6, 0.5, 0.5, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8}, []float64{0.6, 0.8, 0.7}),
			chartTestUnit("X1", "Xã A", "XA", 1, 0.5, "KHA",
				[]float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, []float64{0.5, 0.5, 0.5}),
			chartTestUnit("S2", "Sở Tài chính", "SO", 1, 0.9, "TOT",
				[]float64{0.9, 1, 1, 0.8, 0.8, 0.9, nan, nan, 0.9}, []float64{1, nan, 0.9}),
			chartTestUnit("S3", "Ban Quản lý", "SO", 0, 0.4, "",
				[]float64{0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4}, []float64{0.2, 0.3, 0.4}),
		},
	}
}

func TestChartRankingFromResults(t *testing.T) {
	in, err := ChartRankingFromResults(chartTestIndex(), chartTestResults(), "SO", "en")
	if err != nil {
		t.Fatal(err)
	}
	if in.Title != "Ranking — Departments" || in.Subtitle != "Test index" || in.Lang != "en" {
		t.Errorf("title %q, subtitle %q, lang %q", in.Title, in.Subtitle, in.Lang)
	}
	var names []string
	for _, u := range in.Units {
		names = append(names, u.Name)
	}
	if want := []string{"Sở Y tế", "Sở Tài chính", "Ban Quản lý"}; !slices.Equal(names, want) {
		t.Errorf("units %q; want %q (the block's, in result order)", names, want)
	}
	if in.Units[1].Points != 900 || in.Units[1].Band != "TOT" || in.Units[1].Rank != 1 {
		t.Errorf("unit S2 = %+v", in.Units[1])
	}
	if want := []ChartBand{{Code: "TOT", Name: "Good"}, {Code: "KHA", Name: "Fair"}}; !slices.Equal(in.Bands, want) {
		t.Errorf("bands %v; want %v", in.Bands, want)
	}
	if _, err := RankingChart(in); err != nil {
		t.Errorf("RankingChart of the input: %v", err)
	}
}

func TestChartRadarFromResults(t *testing.T) {
	in, err := ChartRadarFromResults(chartTestIndex(), chartTestResults(), "S1", "vi")
	if err != nil {
		t.Fatal(err)
	}
	var axes []string
	for _, a := range in.Axes {
		axes = append(axes, a.Name)
	}
	if want := []string{"Chính quyền số", "Kinh tế số", "Xã hội số"}; !slices.Equal(axes, want) {
		t.Errorf("axes %q; want the pillars %q", axes, want)
	}
	if got, want := in.Series[0].Values, []float64{0.6, 0.8, 0.7}; !slices.Equal(got, want) {
		t.Errorf("unit values %v; want %v", got, want)
	}
	// Block SO: CQS (0.6+1+0.2)/3, KTS (0.8+0.3)/2 (S2 has none), XHS (0.7+0.9+0.4)/3.
	want := []float64{0.6, 0.55, 2.0 / 3}
	for i, v := range in.Series[1].Values {
		if math.Abs(v-want[i]) > 1e-12 {
			t.Errorf("block average %v; want %v", in.Series[1].Values, want)
			break
		}
	}
	if in.Series[1].Name != "Trung bình khối" || !strings.HasPrefix(in.Title, "Sở Y tế — ") {
		t.Errorf("series name %q, title %q", in.Series[1].Name, in.Title)
	}
	if _, err := RadarChart(in); err != nil {
		t.Errorf("RadarChart of the input: %v", err)
	}

	// Without 3 pillars the spokes are the top-level nodes: only 2 here.
	ix := chartTestIndex()
	ix.Pillars = nil
	if _, err := ChartRadarFromResults(ix, chartTestResults(), "S1", "vi"); err == nil || !strings.Contains(err.Error(), "a radar needs 3") {
		t.Errorf("radar of 2 top-level nodes: error %v; want a radar needs 3", err)
	}
}

func TestChartHeatmapFromResults(t *testing.T) {
	tests := []struct {
		depth      int
		wantGroups []string
		wantRow2   []float64 // Sở Y tế, second in rank order
	}{
		{0, []string{"NT", "HD"}, []float64{0.6, 0.8}},
		{1, []string{"NTS", "TCS", "CQ"}, []float64{0.5, 0.7, 0.8}},
	}
	for _, tt := range tests {
		in, err := ChartHeatmapFromResults(chartTestIndex(), chartTestResults(), "SO", tt.depth, "vi")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(in.Groups, tt.wantGroups) {
			t.Errorf("depth %d: groups %q; want %q", tt.depth, in.Groups, tt.wantGroups)
		}
		if want := []string{"Sở Tài chính", "Sở Y tế", "Ban Quản lý"}; !slices.Equal(in.Units, want) {
			t.Errorf("depth %d: rows %q; want rank order %q", tt.depth, in.Units, want)
		}
		if !slices.Equal(in.Values[1], tt.wantRow2) {
			t.Errorf("depth %d: Sở Y tế row %v; want %v", tt.depth, in.Values[1], tt.wantRow2)
		}
		if _, err := HeatmapChart(in); err != nil {
			t.Errorf("HeatmapChart of the input: %v", err)
		}
	}
	in, err := ChartHeatmapFromResults(chartTestIndex(), chartTestResults(), "SO", 1, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(in.Values[0][2]) {
		t.Errorf("Sở Tài chính CQ = %v; want NaN (not applicable)", in.Values[0][2])
	}
	if _, err := ChartHeatmapFromResults(chartTestIndex(), chartTestResults(), "SO", 5, "vi"); err == nil {
		t.Error("depth 5: want an error (no group there)")
	}
}

func TestChartDistributionFromResults(t *testing.T) {
	in, err := ChartDistributionFromResults(chartTestIndex(), chartTestResults(), ChartBoxplot, "vi")
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Blocks) != 2 || in.Blocks[0].Name != "Khối Sở" || in.Blocks[1].Name != "Khối xã" {
		t.Fatalf("blocks %+v; want Khối Sở and Khối xã (the empty block left out)", in.Blocks)
	}
	if want := []float64{0.7, 0.9, 0.4}; !slices.Equal(in.Blocks[0].Values, want) {
		t.Errorf("Khối Sở values %v; want %v", in.Blocks[0].Values, want)
	}
	if _, err := DistributionChart(in); err != nil {
		t.Errorf("DistributionChart of the input: %v", err)
	}
}

func TestChartTrendFromResults(t *testing.T) {
	old := chartTestResults()
	old.Units = old.Units[1:] // S1 was not assessed in the first period
	periods := []ChartPeriod{
		{Name: "DTI 2023", Results: old},
		{Name: "DTI 2024", Results: chartTestResults()},
	}
	in, err := ChartTrendFromResults(periods, "S1", "vi")
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(in.Values[0]) || in.Values[1] != 0.7 || !slices.Equal(in.Ranks, []int{0, 2}) {
		t.Errorf("values %v, ranks %v; want [NaN 0.7], [0 2]", in.Values, in.Ranks)
	}
	if avg := in.Compare[0].Values; !math.IsNaN(avg[0]) || math.Abs(avg[1]-2.0/3) > 1e-12 {
		t.Errorf("block averages %v; want [NaN 0.6667]", avg)
	}
	if in.Title != "Sở Y tế — Diễn biến qua các kỳ đánh giá" {
		t.Errorf("title %q", in.Title)
	}
	if _, err := TrendChart(in); err != nil {
		t.Errorf("TrendChart of the input: %v", err)
	}
	if _, err := ChartTrendFromResults(periods, "NOPE", "vi"); err == nil {
		t.Error("unknown unit: want an error")
	}
	if _, err := ChartTrendFromResults([]ChartPeriod{{Name: "DTI 2025"}}, "S1", "vi"); err == nil ||
		!strings.Contains(err.Error(), "periods[0] (DTI 2025): results are required") {
		t.Errorf("period without results: error %v", err)
	}
}

func TestChartFromResults_Errors(t *testing.T) {
	ix, res := chartTestIndex(), chartTestResults()
	other := chartTestResults()
	other.IndexCode = "OTHER"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"unknown block", func() error { _, err := ChartRankingFromResults(ix, res, "NOPE", "vi"); return err }(), `block "NOPE" is not in index T`},
		{"empty block", func() error { _, err := ChartRankingFromResults(ix, res, "RONG", "vi"); return err }(), `block "RONG": no unit`},
		{"unknown unit", func() error { _, err := ChartRadarFromResults(ix, res, "NOPE", "vi"); return err }(), `unit "NOPE" is not in the results`},
		{"other index", func() error { _, err := ChartRankingFromResults(ix, other, "SO", "vi"); return err }(), `results of index "OTHER"`},
		{"nil results", func() error { _, err := ChartHeatmapFromResults(ix, nil, "SO", 0, "vi"); return err }(), "index and results are required"},
		{"language", func() error { _, err := ChartDistributionFromResults(ix, res, ChartHistogram, "fr"); return err }(), `language "fr"`},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v; want it to contain %q", tt.name, tt.err, tt.want)
		}
	}
}
