package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/scoring"
)

func testResults() (cur, prev *scoring.Results) {
	pillars := func(a, b float64) []scoring.NodeResult {
		return []scoring.NodeResult{{Code: "CQS", Applicable: true, Value: a}, {Code: "KTS", Applicable: true, Value: b}}
	}
	cur = &scoring.Results{IndexCode: "TEST-2025", Units: []scoring.UnitResult{
		{Code: "SO-TC", Name: "Sở Tài chính", Type: "department", Block: "SO", Value: 0.73161, Points: 731.61, Rank: 2, Band: "B", Pillars: pillars(0.7, 0.76)},
		{Code: "SO-YT", Name: "Sở Y tế", Type: "department", Block: "SO", Value: 0.81234, Points: 812.34, Rank: 1, Band: "A", Pillars: pillars(0.8, 0.82)},
		{Code: "SO-GD", Name: "Sở Giáo dục <và> Đào tạo", Type: "department", Block: "SO", Value: 0.73161, Points: 731.61, Rank: 2, Band: "B",
			Pillars: []scoring.NodeResult{{Code: "CQS", Applicable: true, Value: 0.7}, {Code: "KTS", Applicable: false}}},
		{Code: "H-A", Name: "Huyện A", Type: "district", Block: "HUYEN", Value: 0.4, Points: 1234.5, Rank: 1, Band: "C", Pillars: pillars(0.4, 0.4)},
	}}
	prev = &scoring.Results{Units: []scoring.UnitResult{
		{Code: "SO-TC", Block: "SO", Points: 700.11, Rank: 1},
		{Code: "SO-YT", Block: "SO", Points: 812.34, Rank: 2},
		{Code: "H-A", Block: "HUYEN", Points: 1300, Rank: 1},
	}}
	return cur, prev
}

func TestBuildRanking(t *testing.T) {
	cur, prev := testResults()
	l := &Localizer{Lang: LangVI}
	rv := BuildRanking(testIndex(), cur, RankingOptions{Lang: LangVI, Num: l.Num, Previous: prev})
	if len(rv.Blocks) != 2 || rv.Blocks[0].Code != "SO" || rv.Blocks[1].Code != "HUYEN" {
		t.Fatalf("blocks = %+v; want SO then HUYEN", rv.Blocks)
	}
	type row struct{ rank, code, points, value, band, change, rankChange string }
	var got []row
	for _, r := range rv.Blocks[0].Rows {
		got = append(got, row{r.Rank, r.Code, r.Points, r.Value, r.BandName, r.PointsChange, r.RankChange})
	}
	want := []row{
		{"1", "SO-YT", "812,34", "0,8123", "Tốt", "0,00", "+1"},
		{"2", "SO-GD", "731,61", "0,7316", "Khá", "", ""},
		{"2", "SO-TC", "731,61", "0,7316", "Khá", "+31,50", "-1"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v; want %+v", i, got[i], want[i])
		}
	}
	if c := rv.Blocks[0].Rows[1].Pillars[1]; c.Text != "–" {
		t.Errorf("a not applicable pillar shows %q; want –", c.Text)
	}
	if r := rv.Blocks[1].Rows[0]; r.Points != "1.234,50" || r.PointsChange != "-65,50" || r.ChangeClass != "down" {
		t.Errorf("district row = %+v", r)
	}
}

func TestRankingPage_Golden(t *testing.T) {
	s := newTestServer(t)
	cur, prev := testResults()
	for _, lang := range languages {
		l := &Localizer{Lang: lang}
		rv := BuildRanking(testIndex(), cur, RankingOptions{Lang: lang, Num: l.Num, Previous: prev})
		frag, err := s.views.partial(lang, "ranking", "ranking", rv)
		if err != nil {
			t.Fatal(err)
		}
		body := renderPage(t, s, lang, "ranking", "Xếp hạng", rankingPageView{Heading: "DTI 2025", Tables: frag})
		doc := parseHTML(t, body)
		tables := findAll(doc, func(n *html.Node) bool { return n.Data == "table" })
		if len(tables) != 2 {
			t.Fatalf("%s: %d tables; want one per block", lang, len(tables))
		}
		if strings.Contains(body, "<và>") {
			t.Errorf("%s: a unit name is not escaped", lang)
		}
		// The main content only: the layout carries asset hashes that
		// change with every stylesheet edit.
		main := body[strings.Index(body, "<main"):]
		main = main[:strings.Index(main, "</main>")+len("</main>")]
		checkGolden(t, "ranking_"+lang+".html", []byte(main+"\n"))
	}
}
