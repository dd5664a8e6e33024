package scoring

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// smallFull is a department with full marks on small.yaml's department
// indicators, except what the caller changes.
func smallFull(t *testing.T, ix *Index, code string, change scIn) UnitData {
	vals := scIn{
		"A.1/has_plan": true, "A.2/chair_role": "head", "A.3/online": 80, "A.3/total": 100,
		"A.4/signed_pct": 80.0, "A.5/trained": 9, "A.5/staff": 10, "A.6/platforms": 4,
		"B.1/services": 10, "B.2/score": 5.0, "B.2/responses": 40, "B.3/sent_on": "2025-12-01",
		"B.5/approved": true, "B.5/incidents": 0,
	}
	for k, v := range change {
		if v == nil {
			delete(vals, k)
		} else {
			vals[k] = v
		}
	}
	return scUnit(t, ix, code, "department", "SO", vals)
}

func TestScore_PointsTotalsPillarsAndOverrides(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	full := smallFull(t, ix, "S1", nil)
	na := smallFull(t, ix, "S2", scIn{"A.2/chair_role": "deputy"})
	na.NotApplicable = map[string]bool{"A.4": true}
	ov := smallFull(t, ix, "S3", scIn{"A.2/chair_role": "none"})
	ov.Overrides = map[string]float64{"A.2": 7.5}
	bonus := smallFull(t, ix, "S4", scIn{"A.1/has_plan": false, "BONUS.01/awards": 3})
	pen := smallFull(t, ix, "S5", scIn{"PEN.01/incident": true, "B.1/services": 5})
	// Nothing but a penalty: the total is clamped at 0.
	zero := scUnit(t, ix, "S6", "department", "SO", scIn{"PEN.01/incident": true})
	ds := &Dataset{Year: 2025, Units: []UnitData{full, na, ov, bonus, pen, zero}}
	res, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		a, aMax, value, points, adj float64
		cqs                         float64
		rank                        int
		band                        string
	}
	// Departments: A has 60 points (A.1–A.6), B 40 (B.1, B.2, B.3, B.5).
	wants := map[string]want{
		"S1": {60, 60, 1, 100, 0, 1, 1, "XUAT_SAC"},
		// A.4 removed from the max: A = 45/50; total 85/90.
		"S2": {45, 50, 0.9444, 94.44, 0, 55.0 / 60, 4, "XUAT_SAC"},
		// The council gives A.2 7.5 points instead of 0.
		"S3": {57.5, 60, 0.975, 97.5, 0, 67.5 / 70, 3, "XUAT_SAC"},
		// 3 awards × 5 points = 15, capped at the bonus max 10; total
		// 90 + 10 = 100, clamped to the scale.
		// Ranked on the total with adjustments: ties with S1.
		"S4": {50, 60, 0.9, 100, 10, 60.0 / 70, 1, "XUAT_SAC"},
		// B.1 = 5/10 (best in block 10): 95 − 5 penalty.
		"S5": {60, 60, 0.95, 90, -5, 65.0 / 70, 5, "XUAT_SAC"},
		"S6": {0, 60, 0, 0, -5, 0, 6, "YEU"},
	}
	for _, ur := range res.Units {
		w := wants[ur.Code]
		a := scNode(t, &ur, "A")
		if !scNear(a.Points, w.a, 1e-9) || a.MaxPoints != w.aMax {
			t.Errorf("%s A = %v/%v; want %v/%v", ur.Code, a.Points, a.MaxPoints, w.a, w.aMax)
		}
		if ur.Value != w.value || ur.Points != w.points || ur.Adjustment != w.adj {
			t.Errorf("%s value %v points %v adj %v; want %v %v %v", ur.Code, ur.Value, ur.Points, ur.Adjustment, w.value, w.points, w.adj)
		}
		if cqs := scNode(t, &ur, "CQS"); !scNear(cqs.Value, w.cqs, 1e-12) {
			t.Errorf("%s pillar CQS = %v; want %v", ur.Code, cqs.Value, w.cqs)
		}
		if ur.Rank != w.rank || ur.Band != w.band {
			t.Errorf("%s rank %d band %q; want %d %q", ur.Code, ur.Rank, ur.Band, w.rank, w.band)
		}
		if n := scNode(t, &ur, "B.4"); n.Applicable {
			t.Errorf("%s: B.4 (districts only) is applicable", ur.Code)
		}
	}
	if n := scNode(t, &res.Units[1], "A.4"); n.Applicable || n.MaxPoints != 0 {
		t.Errorf("S2 A.4 = %+v; want not applicable", n)
	}
	if n := scNode(t, &res.Units[2], "A.2"); !n.Overridden || n.Points != 7.5 || n.Value != 0.75 {
		t.Errorf("S3 A.2 = %+v; want overridden to 7.5 points", n)
	}
}

// Ties share a rank (1, 2, 2, 4), decided on the rounded value; unranked
// blocks get rank 0; units are ranked in their own block only.
func TestScore_RanksAndBands(t *testing.T) {
	src := `schema_version: 1
index: {code: R, version: "1", name: {vi: R, en: R}, style: points, scale: 1000, rounding: {value_decimals: 3, points_decimals: 1}}
unit_types:
  - {code: u, name: {vi: u, en: u}}
blocks:
  - {code: B, name: {vi: B, en: B}, unit_types: [u], ranked: true}
  - {code: C, name: {vi: C, en: C}, unit_types: [u], ranked: true}
  - {code: N, name: {vi: N, en: N}, unit_types: [u], ranked: false}
bands:
  - {code: DAN_DAT, name: {vi: Dẫn dắt, en: Leading}, min_percent: 75, exclusive: true}
  - {code: NANG_CAO, name: {vi: Nâng cao, en: Advanced}, min_percent: 50, exclusive: true}
  - {code: KHOI_DONG, name: {vi: Khởi động, en: Starting}, min_percent: 0}
tree:
  - code: X
    name: {vi: X, en: X}
    max_points: 1000
    inputs: [{key: p, label: {vi: p, en: p}, type: number}]
    scoring: {method: percent, input: p}
`
	ix := scParse(t, src)
	cases := []struct {
		code, block string
		p           float64
		rank        int
		band        string
	}{
		{"A", "B", 75, 3, "NANG_CAO"},    // exactly 75 %: not above 75
		{"B", "B", 75.04, 3, "NANG_CAO"}, // 0.7504 rounds to 0.750: ties with A
		{"C", "B", 90, 1, "DAN_DAT"},
		{"D", "B", 75.02, 3, "NANG_CAO"},
		{"H", "B", 75.06, 2, "DAN_DAT"}, // 0.751
		{"E", "C", 10, 1, "KHOI_DONG"},
		{"F", "N", 99, 0, "DAN_DAT"},
		{"G", "B", 50, 6, "KHOI_DONG"},
	}
	var ds Dataset
	for _, c := range cases {
		ds.Units = append(ds.Units, scUnit(t, ix, c.code, "u", c.block, scIn{"X/p": c.p}))
	}
	res, err := Score(ix, &ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		ur := res.Units[i]
		if ur.Rank != c.rank || ur.Band != c.band {
			t.Errorf("%s (%v %%): rank %d band %s; want %d %s", c.code, c.p, ur.Rank, ur.Band, c.rank, c.band)
		}
	}
}

func TestCompetitionRanks(t *testing.T) {
	for _, c := range []struct {
		values []float64
		codes  []string
		want   []int
	}{
		{[]float64{0.9, 0.8, 0.8, 0.7}, nil, []int{1, 2, 2, 4}},
		{[]float64{0.7, 0.8, 0.9, 0.8}, []string{"d", "c", "a", "b"}, []int{4, 2, 1, 2}},
		{[]float64{0.5, 0.5, 0.5}, nil, []int{1, 1, 1}},
		{[]float64{}, nil, []int{}},
	} {
		if got := CompetitionRanks(c.values, c.codes); !slices.Equal(got, c.want) {
			t.Errorf("CompetitionRanks(%v) = %v; want %v", c.values, got, c.want)
		}
	}
}

func TestCompare(t *testing.T) {
	prev := &Results{Units: []UnitResult{
		{Code: "A", Rank: 1, Value: 0.8, Points: 800},
		{Code: "B", Rank: 2, Value: 0.7, Points: 700},
		{Code: "GONE", Rank: 3, Value: 0.1, Points: 100},
	}}
	cur := &Results{Units: []UnitResult{
		{Code: "B", Rank: 1, Value: 0.85, Points: 850},
		{Code: "A", Rank: 2, Value: 0.8, Points: 800},
		{Code: "NEW", Rank: 3, Value: 0.5, Points: 500},
	}}
	got := Compare(prev, cur)
	want := []Change{
		{Code: "B", PrevRank: 2, Rank: 1, RankChange: 1, PrevValue: 0.7, Value: 0.85, ValueChange: 0.15, PrevPoints: 700, Points: 850, PointsChange: 150},
		{Code: "A", PrevRank: 1, Rank: 2, RankChange: -1, PrevValue: 0.8, Value: 0.8, PrevPoints: 800, Points: 800},
		{Code: "NEW", New: true, Rank: 3, Value: 0.5, Points: 500},
		{Code: "GONE", Gone: true, PrevRank: 3, PrevValue: 0.1, PrevPoints: 100},
	}
	if len(got) != len(want) {
		t.Fatalf("Compare = %+v", got)
	}
	for i := range want {
		if g := got[i]; g != want[i] {
			t.Errorf("Compare[%d] = %+v; want %+v", i, g, want[i])
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		x      float64
		vi, en string
	}{
		{0.8, "0,8", "0.8"},
		{12, "12", "12"},
		{1234.5, "1.234,5", "1,234.5"},
		{-1234567.125, "-1.234.567,125", "-1,234,567.125"},
		{0.123456, "0,1235", "0.1235"},
		{0.0033217796, "0,003322", "0.003322"},
		{-0.00001, "-0,00001", "-0.00001"},
		{1e-15, "0", "0"},
	} {
		if vi, en := FormatNumber(c.x, "vi"), FormatNumber(c.x, "en"); vi != c.vi || en != c.en {
			t.Errorf("FormatNumber(%v) = %q, %q; want %q, %q", c.x, vi, en, c.vi, c.en)
		}
	}
}

func TestScore_Explanations(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	ds := &Dataset{Year: 2025, Units: []UnitData{
		smallFull(t, ix, "S1", scIn{"A.3/online": 12, "A.3/total": 20, "A.2/chair_role": nil}),
		smallFull(t, ix, "S2", scIn{"B.1/services": 40}),
	}}
	res, err := Score(ix, ds, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		unit, code string
		vi, en     string
	}{
		{"S1", "A.3", "online/total = 12/20 = 0,6; chỉ tiêu 0,8; → 0,75 × 10 = 7,5 điểm",
			"online/total = 12/20 = 0.6; target 0.8; → 0.75 × 10 = 7.5 points"},
		{"S1", "A.2", "thiếu dữ liệu: tính 0; → 0 × 10 = 0 điểm", "missing data: counted as 0; → 0 × 10 = 0 points"},
		{"S1", "B.1", "giá trị 10; 10 ÷ cao nhất trong nhóm 40; → 0,25 × 10 = 2,5 điểm",
			"value 10; 10 ÷ best among peers 40; → 0.25 × 10 = 2.5 points"},
		{"S1", "B.4", "Không áp dụng cho đơn vị: loại khỏi điểm tối đa", "Does not apply to the unit: removed from the max"},
	}
	for _, c := range cases {
		ur := res.Units[0]
		n := scNode(t, &ur, c.code)
		if n.Explanation == nil {
			t.Fatalf("%s %s: no explanation", c.unit, c.code)
		}
		if n.Explanation.Steps.VI != c.vi || n.Explanation.Steps.EN != c.en {
			t.Errorf("%s %s explanation =\n%q\n%q\nwant\n%q\n%q", c.unit, c.code, n.Explanation.Steps.VI, n.Explanation.Steps.EN, c.vi, c.en)
		}
	}
	ov := smallFull(t, ix, "S3", scIn{"A.3/online": 12, "A.3/total": 20})
	ov.Overrides = map[string]float64{"A.3": 9}
	res2, err := Score(ix, &Dataset{Year: 2025, Units: []UnitData{ov}}, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	e := scNode(t, &res2.Units[0], "A.3").Explanation
	if want := "online/total = 12/20 = 0,6; chỉ tiêu 0,8; theo dữ liệu: 7,5 điểm; hội đồng thẩm định điều chỉnh; → 0,9 × 10 = 9 điểm"; e.Steps.VI != want {
		t.Errorf("overridden A.3 explanation = %q; want %q", e.Steps.VI, want)
	}
	a3 := scNode(t, &res.Units[0], "A.3").Explanation
	if len(a3.Inputs) != 2 || a3.Inputs[0] != (ExplainedInput{Key: "online", Value: "12"}) || a3.Fraction != 0.75 || a3.Points != 7.5 {
		t.Errorf("A.3 explanation = %+v", a3)
	}
	// ExplainUnits limits explanations to the units named.
	res, err = Score(ix, ds, Options{Explain: true, ExplainUnits: []string{"S2"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, ur := range res.Units {
		for _, n := range ur.Nodes {
			if n.Code == "A.1" && (n.Explanation != nil) != (i == 1) {
				t.Errorf("%s A.1 explanation %v; want one for S2 only", ur.Code, n.Explanation)
			}
		}
	}
	// Without Explain, no explanations.
	res, _ = Score(ix, ds, Options{})
	for _, n := range res.Units[0].Nodes {
		if n.Explanation != nil {
			t.Fatalf("%s has an explanation without Options.Explain", n.Code)
		}
	}
}

// The same data give byte-identical results, whatever the order of units.
func TestScore_Deterministic(t *testing.T) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		t.Fatal(err)
	}
	ds := benchDataset(ix, 300)
	marshal := func(ds *Dataset) []byte {
		res, err := Score(ix, ds, Options{Explain: true, Stages: true})
		if err != nil {
			t.Fatal(err)
		}
		units := slices.Clone(res.Units)
		slices.SortFunc(units, func(a, b UnitResult) int { return strings.Compare(a.Code, b.Code) })
		b, err := json.Marshal(units)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := marshal(ds)
	if again := marshal(ds); string(again) != string(first) {
		t.Fatal("scoring the same dataset twice gives different results")
	}
	shuffled := &Dataset{Year: ds.Year, Units: slices.Clone(ds.Units)}
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(shuffled.Units), func(i, j int) {
		shuffled.Units[i], shuffled.Units[j] = shuffled.Units[j], shuffled.Units[i]
	})
	if got := marshal(shuffled); string(got) != string(first) {
		t.Fatal("shuffling the units changes the results")
	}
}

// Concurrent Score calls (they share a pool of scratch buffers) give the
// same results as one call alone.
func TestScore_Concurrent(t *testing.T) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		t.Fatal(err)
	}
	sets := []*Dataset{benchDataset(ix, 50), benchDataset(ix, 120), benchDataset(ix, 80)}
	want := make([][]byte, len(sets))
	for i, ds := range sets {
		res, err := Score(ix, ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[i], _ = json.Marshal(res)
	}
	errs := make(chan error, 12)
	for k := 0; k < 12; k++ {
		go func(i int) {
			res, err := Score(ix, sets[i], Options{})
			if err == nil {
				if got, _ := json.Marshal(res); string(got) != string(want[i]) {
					err = fmt.Errorf("dataset %d: results differ when scored concurrently", i)
				}
			}
			errs <- err
		}(k % len(sets))
	}
	for k := 0; k < 12; k++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// The raw pass scores common cases inline; with explanations on it takes
// the general path. Both must give the same results.
func TestScore_FastPathMatchesGeneralPath(t *testing.T) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		t.Fatal(err)
	}
	ds := benchDataset(ix, 400)
	fast, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	general, err := Score(ix, ds, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	for u := range fast.Units {
		f, g := fast.Units[u], general.Units[u]
		if f.Value != g.Value || f.Points != g.Points || f.Rank != g.Rank || f.Band != g.Band {
			t.Fatalf("%s: fast %v/%v/%d/%s, general %v/%v/%d/%s", f.Code, f.Value, f.Points, f.Rank, f.Band, g.Value, g.Points, g.Rank, g.Band)
		}
		for i := range f.Nodes {
			gn := g.Nodes[i]
			gn.Explanation = nil
			if f.Nodes[i] != gn {
				t.Fatalf("%s %s: fast %+v, general %+v", f.Code, f.Nodes[i].Code, f.Nodes[i], gn)
			}
		}
	}
}
