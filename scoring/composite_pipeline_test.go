package scoring

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

const compositeYAML = `schema_version: 1
index: {code: C, version: "1", name: {vi: Thử tổng hợp, en: Composite test}, style: composite, scale: 100}
unit_types:
  - {code: c, name: {vi: Nước, en: Country}}
blocks:
  - {code: ALL, name: {vi: Tất cả, en: All}, unit_types: [c], ranked: true}
defaults:
  missing: {policy: group_mean, group_by: region}
  peers: all
tree:
  - code: R
    name: {vi: Chỉ số, en: Index}
    aggregation: geometric
    children:
      - code: G1
        name: {vi: Nhóm 1, en: Group 1}
        weight: 2
        aggregation: mean
        children:
          - code: A
            name: {vi: A, en: A}
            inputs: [{key: x, label: {vi: x, en: x}, type: number}]
            scoring: {method: minmax, input: x, denominator: pop}
          - code: B
            name: {vi: B, en: B}
            weight: 3
            inputs: [{key: x, label: {vi: x, en: x}, type: number}]
            scoring: {method: minmax, input: x, lower_is_better: true}
      - code: G2
        name: {vi: Nhóm 2, en: Group 2}
        aggregation: mean
        missing_children: MISSING_RULE
        children:
          - code: C
            name: {vi: C, en: C}
            inputs: [{key: x, label: {vi: x, en: x}, type: number}]
            scoring: {method: minmax, input: x, missing: {policy: none}}
`

func compositeDataset(t *testing.T, ix *Index) *Dataset {
	attrs := []map[string]string{
		{"region": "N", "pop": "1"}, {"region": "N", "pop": "2"},
		{"region": "S", "pop": "4"}, {"region": "S", "pop": "2"},
	}
	vals := []scIn{
		{"A/x": 10.0, "B/x": 1.0, "C/x": 5.0},
		{"B/x": 2.0, "C/x": 10.0},
		{"A/x": 40.0},
		{"A/x": 8.0, "B/x": 3.0, "C/x": 0.0},
	}
	ds := &Dataset{}
	for i := range vals {
		u := scUnit(t, ix, string(rune('1'+i)), "c", "ALL", vals[i])
		u.Code = "U" + u.Code
		u.Attrs = attrs[i]
		ds.Units = append(ds.Units, u)
	}
	return ds
}

// The composite pipeline on a hand-checked example: denominators,
// group-mean imputation, direction, minmax, weighted arithmetic and
// geometric means, and a group's missing_children rule.
func TestScore_CompositePipeline(t *testing.T) {
	g1 := []float64{1, 0.625, 0.25, 0} // (1·A + 3·B) ÷ 4
	cases := []struct {
		rule   string
		g2     []float64 // NaN: missing
		r      []float64
		ranks  []int
		values []float64
	}{
		{"zero", []float64{0.5, 1, 0, 0},
			[]float64{math.Cbrt(0.5), math.Cbrt(0.625 * 0.625), 0, 0}, []int{1, 2, 3, 3}, nil},
		{"skip", []float64{0.5, 1, math.NaN(), 0},
			[]float64{math.Cbrt(0.5), math.Cbrt(0.625 * 0.625), 0.25, 0}, []int{1, 2, 3, 4}, nil},
		{"na", []float64{0.5, 1, math.NaN(), 0},
			[]float64{math.Cbrt(0.5), math.Cbrt(0.625 * 0.625), 0.25, 0}, []int{1, 2, 3, 4}, nil},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", c.rule, 1))
			res, err := Score(ix, compositeDataset(t, ix), Options{Stages: true})
			if err != nil {
				t.Fatal(err)
			}
			for u, ur := range res.Units {
				r, g1r, g2r := scNode(t, &ur, "R"), scNode(t, &ur, "G1"), scNode(t, &ur, "G2")
				if !scNear(g1r.Value, g1[u], 1e-12) {
					t.Errorf("%s G1 = %v; want %v", ur.Code, g1r.Value, g1[u])
				}
				if math.IsNaN(c.g2[u]) != g2r.Missing || (!g2r.Missing && !scNear(g2r.Value, c.g2[u], 1e-12)) {
					t.Errorf("%s G2 = %+v; want %v", ur.Code, g2r, c.g2[u])
				}
				if !scNear(r.Value, c.r[u], 1e-12) || !scNear(r.Points, c.r[u]*100, 1e-9) {
					t.Errorf("%s R = %v (%v points); want %v", ur.Code, r.Value, r.Points, c.r[u])
				}
				if want := roundTo(c.r[u], 4); ur.Value != want || ur.Points != roundTo(c.r[u]*100, 2) {
					t.Errorf("%s value %v points %v; want %v", ur.Code, ur.Value, ur.Points, want)
				}
				if ur.Rank != c.ranks[u] {
					t.Errorf("%s rank %d; want %d", ur.Code, ur.Rank, c.ranks[u])
				}
			}
			// Stages of A: U2 has no raw value, is imputed from U1 (same
			// region), U4 is 8 ÷ 2.
			a := res.Stages[0]
			if a.Code != "A" || !math.IsNaN(a.Raw[1]) || !math.IsNaN(a.Denominated[1]) || a.Imputed[1] != 10 || a.Denominated[3] != 4 {
				t.Errorf("stages of A = %+v", a)
			}
			// B: U3 imputed with the S mean (3), then reversed minmax.
			b := res.Stages[1]
			if b.Imputed[2] != 3 || b.Normalised[0] != 1 || b.Normalised[1] != 0.5 || b.Normalised[2] != 0 {
				t.Errorf("stages of B = %+v", b)
			}
			// C keeps its missing value (policy none) and it is no peer.
			cs := res.Stages[2]
			if !math.IsNaN(cs.Normalised[2]) || cs.Normalised[0] != 0.5 {
				t.Errorf("stages of C = %+v", cs)
			}
		})
	}
}

// A unit without the denominator attribute has no denominated value; a
// unit whose group has no value at all stays missing.
func TestScore_DenominatorAndEmptyGroup(t *testing.T) {
	ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", "skip", 1))
	ds := compositeDataset(t, ix)
	delete(ds.Units[0].Attrs, "pop")        // U1: A has no denominator
	ds.Units[3].Values = ds.Units[2].Values // U4 like U3: S has no B value
	ds.Units[3].Attrs["region"] = "S"       // (unchanged, for clarity)
	res, err := Score(ix, ds, Options{Stages: true})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Stages[0]
	if !math.IsNaN(a.Denominated[0]) || !math.IsNaN(a.Imputed[0]) || !math.IsNaN(a.Imputed[1]) {
		t.Errorf("A: denominated %v imputed %v; want U1 and U2 without a value (no N value left)", a.Denominated, a.Imputed)
	}
	b := res.Stages[1]
	if !math.IsNaN(b.Imputed[2]) || !math.IsNaN(b.Imputed[3]) {
		t.Errorf("B imputed %v; want S units missing", b.Imputed)
	}
	if n := scNode(t, &res.Units[2], "B"); !n.Missing {
		t.Errorf("U3 B = %+v; want missing", n)
	}
}

// Outlier treatment applies to peer-relative methods only: a percent
// against a fixed target scores the values as given.
func TestScore_OutliersOnlyForPeerMethods(t *testing.T) {
	src := `schema_version: 1
index: {code: O, version: "1", name: {vi: O, en: O}, style: points, scale: 100}
unit_types: [{code: u, name: {vi: u, en: u}}]
blocks: [{code: B, name: {vi: B, en: B}, unit_types: [u]}]
defaults:
  outliers: {method: winsorise, max_skew: 2, max_kurtosis: 3.5, max_points: 5, fallback: log}
tree:
  - code: P
    name: {vi: P, en: P}
    max_points: 50
    inputs: [{key: v, label: {vi: v, en: v}, type: number}]
    scoring: {method: percent, input: v}
  - code: M
    name: {vi: M, en: M}
    max_points: 50
    inputs: [{key: v, label: {vi: v, en: v}, type: number}]
    scoring: {method: minmax, input: v}
`
	ix := scParse(t, src)
	vals := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}
	ds := &Dataset{}
	for i, v := range vals {
		ds.Units = append(ds.Units, scUnit(t, ix, string(rune('A'+i)), "u", "B", scIn{"P/v": v, "M/v": v}))
	}
	res, err := Score(ix, ds, Options{Stages: true})
	if err != nil {
		t.Fatal(err)
	}
	// P: 100 % stays 100 %; M: 100 is winsorised to 9, so 9 and 100 both
	// score 1 and 1 scores 0.
	for i, v := range vals {
		p, m := res.Units[i].Nodes[0].Value, res.Units[i].Nodes[1].Value
		wantM := (math.Min(v, 9) - 1) / 8
		if !scNear(p, v/100, 1e-12) || !scNear(m, wantM, 1e-12) {
			t.Errorf("value %v: P %v M %v; want %v %v", v, p, m, v/100, wantM)
		}
	}
	if res.Stages[1].Treated[9] != 9 || res.Stages[0].Treated[9] != 100 {
		t.Errorf("treated: P %v, M %v", res.Stages[0].Treated, res.Stages[1].Treated)
	}
}

// Explanations of the composite steps.
func TestScore_CompositeExplanations(t *testing.T) {
	ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", "skip", 1))
	res, err := Score(ix, compositeDataset(t, ix), Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		unit int
		code string
		vi   string
		en   string
	}{
		{3, "A", "giá trị 8; ÷ pop 2 = 4; (v − min) ÷ (max − min) = (4 − 4) ÷ (10 − 4); → giá trị chuẩn hoá 0",
			"value 8; ÷ pop 2 = 4; (v − min) ÷ (max − min) = (4 − 4) ÷ (10 − 4); → normalised value 0"},
		{1, "A", "thiếu dữ liệu, thay bằng trung bình nhóm region N = 10; (v − min) ÷ (max − min) = (10 − 4) ÷ (10 − 4); → giá trị chuẩn hoá 1",
			"missing, replaced by the mean of group region N = 10; (v − min) ÷ (max − min) = (10 − 4) ÷ (10 − 4); → normalised value 1"},
		{1, "B", "giá trị 2; (max − v) ÷ (max − min) = (3 − 2) ÷ (3 − 1); → giá trị chuẩn hoá 0,5",
			"value 2; (max − v) ÷ (max − min) = (3 − 2) ÷ (3 − 1); → normalised value 0.5"},
		{2, "C", "thiếu dữ liệu", "missing data"},
	} {
		e := scNode(t, &res.Units[c.unit], c.code).Explanation
		if e == nil || e.Steps.VI != c.vi || e.Steps.EN != c.en {
			t.Errorf("U%d %s explanation = %+v; want\n%q\n%q", c.unit+1, c.code, e, c.vi, c.en)
		}
	}
}

// A composite index with several top-level nodes: the unit value is their
// weighted mean.
func TestScore_CompositeSeveralTopNodes(t *testing.T) {
	src := `schema_version: 1
index: {code: T, version: "1", name: {vi: T, en: T}, style: composite, scale: 100}
unit_types: [{code: u, name: {vi: u, en: u}}]
blocks: [{code: B, name: {vi: B, en: B}, unit_types: [u]}]
tree:
  - code: P
    name: {vi: P, en: P}
    weight: 3
    inputs: [{key: v, label: {vi: v, en: v}, type: percent}]
    scoring: {method: percent, input: v}
  - code: Q
    name: {vi: Q, en: Q}
    inputs: [{key: v, label: {vi: v, en: v}, type: percent}]
    scoring: {method: percent, input: v}
`
	ix := scParse(t, src)
	ds := &Dataset{Units: []UnitData{scUnit(t, ix, "A", "u", "B", scIn{"P/v": 80.0, "Q/v": 40.0})}}
	res, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if u := res.Units[0]; u.Value != 0.7 || u.Points != 70 {
		t.Errorf("value %v points %v; want (3 × 0.8 + 0.4) ÷ 4 = 0.7, 70 points", u.Value, u.Points)
	}
}

func TestStageValues_MarshalJSON(t *testing.T) {
	b, err := json.Marshal(StageValues{1.5, math.NaN(), 0, math.Inf(1), -2e-9})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "[1.5,null,0,null,-2e-09]"; got != want {
		t.Errorf("MarshalJSON = %s; want %s", got, want)
	}
}
