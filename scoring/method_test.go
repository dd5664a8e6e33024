package scoring

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// Special wants of a method case.
const (
	wantNA      = -1.0 // not applicable
	wantMissing = -2.0 // left missing
)

// oneIndicatorIndex is a points-style index with one unit type, two
// ranked blocks and one indicator X (max 10 points) of the given inputs and
// scoring.
func oneIndicatorIndex(t testing.TB, inputs, scoring string) *Index {
	t.Helper()
	src := fmt.Sprintf(`schema_version: 1
index: {code: T, version: "1", name: {vi: Thử, en: Test}, style: points, scale: 10}
unit_types:
  - {code: u, name: {vi: Đơn vị, en: Unit}}
blocks:
  - {code: B, name: {vi: Khối B, en: Block B}, unit_types: [u], ranked: true}
  - {code: C, name: {vi: Khối C, en: Block C}, unit_types: [u], ranked: true}
tree:
  - code: X
    name: {vi: Chỉ tiêu, en: Indicator}
    max_points: 10
    inputs:
%s
    scoring:
%s
`, indent(inputs, "      "), indent(scoring, "      "))
	return scParse(t, src)
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		lines[i] = pre + l
	}
	return strings.Join(lines, "\n")
}

// fractions scores one unit per map of input values (keys without the
// indicator code) in block B and returns X's fraction per unit.
func fractions(t *testing.T, ix *Index, data []map[string]any) []float64 {
	t.Helper()
	ds := &Dataset{Year: 2025}
	for i, d := range data {
		vals := scIn{}
		for k, v := range d {
			vals["X/"+k] = v
		}
		ds.Units = append(ds.Units, scUnit(t, ix, fmt.Sprintf("U%d", i+1), "u", "B", vals))
	}
	res, err := Score(ix, ds, Options{Explain: true})
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	out := make([]float64, len(res.Units))
	for i := range res.Units {
		n := res.Units[i].Nodes[0]
		switch {
		case !n.Applicable:
			out[i] = wantNA
		case n.Missing:
			out[i] = wantMissing
		default:
			out[i] = n.Value
			if !scNear(n.Points, n.Value*10, 1e-12) {
				t.Errorf("unit %d: points %v for fraction %v × 10", i+1, n.Points, n.Value)
			}
		}
		if n.Explanation == nil || n.Explanation.Steps.VI == "" || n.Explanation.Steps.EN == "" {
			t.Errorf("unit %d: no explanation", i+1)
		}
	}
	return out
}

type methodCase struct {
	name    string
	inputs  string
	scoring string
	data    []map[string]any
	want    []float64
}

const (
	numIn   = "- {key: v, label: {vi: Giá trị, en: Value}, type: number}"
	countIn = "- {key: v, label: {vi: Số lượng, en: Count}, type: count}"
	pctIn   = "- {key: v, label: {vi: Tỷ lệ, en: Share}, type: percent}"
	boolIn  = "- {key: v, label: {vi: Có, en: Yes}, type: boolean}"
	abIn    = "- {key: a, label: {vi: Tử số, en: Numerator}, type: count}\n- {key: b, label: {vi: Mẫu số, en: Denominator}, type: count}"
)

// vs builds one data map per value of input v (nil: missing).
func vs(values ...any) []map[string]any {
	out := make([]map[string]any, len(values))
	for i, v := range values {
		out[i] = map[string]any{}
		if v != nil {
			out[i]["v"] = v
		}
	}
	return out
}

// ab builds data maps of a/b pairs (nil: missing).
func ab(pairs ...[2]any) []map[string]any {
	out := make([]map[string]any, len(pairs))
	for i, p := range pairs {
		out[i] = map[string]any{}
		if p[0] != nil {
			out[i]["a"] = p[0]
		}
		if p[1] != nil {
			out[i]["b"] = p[1]
		}
	}
	return out
}

func phi(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

func TestScore_Methods(t *testing.T) {
	choiceIn := `- key: v
  label: {vi: Chủ trì, en: Chair}
  type: choice
  options:
    - {value: head, label: {vi: Người đứng đầu, en: Head}}
    - {value: deputy, label: {vi: Cấp phó, en: Deputy}}
    - {value: none, label: {vi: Không, en: None}}`
	multiIn := strings.Replace(choiceIn, "type: choice", "type: multi_choice", 1)
	dateIn := "- {key: v, label: {vi: Ngày gửi, en: Sent on}, type: date}"
	cases := []methodCase{
		{"boolean", boolIn, "{method: boolean, input: v}", vs(true, false, nil), []float64{1, 0, 0}},
		{"boolean lower is better", boolIn, "{method: boolean, input: v, lower_is_better: true}", vs(true, false), []float64{0, 1}},
		{"choice", choiceIn, "{method: choice, input: v, fractions: {head: 1, deputy: 0.5, none: 0}}",
			vs("head", "deputy", "none", nil), []float64{1, 0.5, 0, 0}},
		{"multi choice sums and caps at 1", multiIn, "{method: choice, input: v, fractions: {head: 0.6, deputy: 0.5, none: 0}}",
			vs("head", "head,deputy", "deputy,none"), []float64{0.6, 1, 0.5}},
		{"ratio against target 1", abIn, "{method: ratio, numerator: a, denominator: b}",
			ab([2]any{12, 15}, [2]any{130, 100}, [2]any{0, 7}, [2]any{nil, 7}), []float64{0.8, 1, 0, 0}},
		{"ratio against target 0.8", abIn, "{method: ratio, numerator: a, denominator: b, target: 0.8}",
			ab([2]any{60, 100}, [2]any{90, 100}), []float64{0.75, 1}},
		{"ratio lower is better", abIn, "{method: ratio, numerator: a, denominator: b, target: 0.5, lower_is_better: true}",
			ab([2]any{10, 100}, [2]any{60, 100}, [2]any{0, 100}), []float64{0.8, 0, 1}},
		{"ratio zero denominator zero", abIn, "{method: ratio, numerator: a, denominator: b, on_zero_denominator: zero}",
			ab([2]any{0, 0}), []float64{0}},
		{"ratio zero denominator full", abIn, "{method: ratio, numerator: a, denominator: b, on_zero_denominator: full}",
			ab([2]any{0, 0}, [2]any{1, 2}), []float64{1, 0.5}},
		{"ratio zero denominator na", abIn, "{method: ratio, numerator: a, denominator: b, on_zero_denominator: na}",
			ab([2]any{0, 0}, [2]any{1, 2}), []float64{wantNA, 0.5}},
		{"ratio zero denominator missing, policy none", abIn,
			"{method: ratio, numerator: a, denominator: b, on_zero_denominator: missing, missing: {policy: none}}",
			ab([2]any{0, 0}, [2]any{1, 2}), []float64{wantMissing, 0.5}},
		{"ratio zero denominator missing, policy mean", abIn,
			"{method: ratio, numerator: a, denominator: b, on_zero_denominator: missing, missing: {policy: mean}}",
			ab([2]any{0, 0}, [2]any{1, 2}, [2]any{1, 1}), []float64{0.75, 0.5, 1}},
		{"percent", pctIn, "{method: percent, input: v, target: 80}", vs(65.0, 130.0, -5.0, 80.0), []float64{0.8125, 1, 0, 1}},
		{"percent default target 100", pctIn, "{method: percent, input: v}", vs(42.0), []float64{0.42}},
		{"percent lower is better", pctIn, "{method: percent, input: v, lower_is_better: true}", vs(20.0, 150.0), []float64{0.8, 0}},
		{"tiers", countIn, "{method: tiers, input: v, tiers: [{min: 4, fraction: 1}, {min: 3, fraction: 0.75}, {min: 1, fraction: 0.25}]}",
			vs(5, 4, 3, 2, 0), []float64{1, 1, 0.75, 0.25, 0}},
		{"tiers lower is better", countIn, "{method: tiers, input: v, tiers: [{max: 0, fraction: 1}, {max: 2, fraction: 0.5}]}",
			vs(0, 2, 3), []float64{1, 0.5, 0}},
		{"tiers on a ratio value", abIn, "{method: tiers, value: {ratio_of: [a, b], as_percent: true}, tiers: [{min: 80, fraction: 1}, {min: 50, fraction: 0.5}]}",
			ab([2]any{9, 10}, [2]any{6, 10}, [2]any{1, 10}, [2]any{1, 0}), []float64{1, 0.5, 0, 0}},
		{"count capped", countIn, "{method: count_capped, input: v, per_item: 0.25}", vs(3, 5, 0), []float64{0.75, 1, 0}},
		{"count capped with cap", countIn, "{method: count_capped, input: v, per_item: 0.25, cap: 0.5}", vs(1, 3), []float64{0.25, 0.5}},
		{"count capped points per item", countIn, "{method: count_capped, input: v, points_per_item: 4}", vs(1, 2, 3), []float64{0.4, 0.8, 1}},
		{"negative number counts nothing", numIn, "{method: count_capped, input: v, per_item: 0.5}", vs(-3.0), []float64{0}},
		{"best in block", numIn, "{method: best_in_block, input: v}", vs(10.0, 20.0, 5.0, 20.0), []float64{0.5, 1, 0.25, 1}},
		{"best in block lower is better", numIn, "{method: best_in_block, input: v, lower_is_better: true}", vs(10.0, 20.0, 5.0), []float64{0.5, 0.25, 1}},
		{"best in block lower is better with zero", numIn, "{method: best_in_block, input: v, lower_is_better: true}", vs(0.0, 5.0), []float64{1, 0}},
		{"best in block all zero", numIn, "{method: best_in_block, input: v}", vs(0.0, 0.0), []float64{0, 0}},
		{"best in block single peer", numIn, "{method: best_in_block, input: v}", vs(7.0), []float64{1}},
		{"best in block missing scores zero and is no peer", numIn, "{method: best_in_block, input: v}", vs(nil, 4.0, 2.0), []float64{0, 1, 0.5}},
		{"minmax", numIn, "{method: minmax, input: v}", vs(10.0, 20.0, 15.0), []float64{0, 1, 0.5}},
		{"minmax lower is better", numIn, "{method: minmax, input: v, lower_is_better: true}", vs(10.0, 20.0, 15.0), []float64{1, 0, 0.5}},
		{"minmax all equal", numIn, "{method: minmax, input: v}", vs(3.0, 3.0), []float64{1, 1}},
		{"minmax all equal lower is better", numIn, "{method: minmax, input: v, lower_is_better: true}", vs(3.0, 3.0), []float64{1, 1}},
		{"minmax single peer", numIn, "{method: minmax, input: v}", vs(3.0), []float64{1}},
		{"minmax ties", numIn, "{method: minmax, input: v}", vs(1.0, 1.0, 3.0), []float64{0, 0, 1}},
		{"minmax goalposts", numIn, "{method: minmax, input: v, goalposts: {low: 0, high: 50}}", vs(25.0, 60.0, -5.0), []float64{0.5, 1, 0}},
		{"minmax goalposts lower is better", numIn, "{method: minmax, input: v, goalposts: {low: 0, high: 50}, lower_is_better: true}",
			vs(10.0, 60.0), []float64{0.8, 0}},
		{"zscore", numIn, "{method: zscore, input: v}", vs(1.0, 2.0, 3.0), []float64{phi(-1), 0.5, phi(1)}},
		{"zscore lower is better", numIn, "{method: zscore, input: v, lower_is_better: true}", vs(1.0, 2.0, 3.0), []float64{phi(1), 0.5, phi(-1)}},
		{"zscore all equal", numIn, "{method: zscore, input: v}", vs(4.0, 4.0), []float64{0.5, 0.5}},
		{"zscore single peer", numIn, "{method: zscore, input: v}", vs(4.0), []float64{0.5}},
		{"rank with ties", numIn, "{method: rank, input: v}", vs(10.0, 20.0, 20.0, 5.0), []float64{1.0 / 3, 1, 1, 0}},
		{"rank lower is better", numIn, "{method: rank, input: v, lower_is_better: true}", vs(10.0, 20.0, 20.0, 5.0), []float64{2.0 / 3, 1.0 / 3, 1.0 / 3, 1}},
		{"rank single peer", numIn, "{method: rank, input: v}", vs(10.0), []float64{1}},
		{"rank all equal", numIn, "{method: rank, input: v}", vs(2.0, 2.0, 2.0), []float64{1, 1, 1}},
		{"percentile with ties", numIn, "{method: percentile, input: v}", vs(10.0, 20.0, 20.0, 5.0), []float64{1.0 / 3, 2.5 / 3, 2.5 / 3, 0}},
		{"percentile lower is better", numIn, "{method: percentile, input: v, lower_is_better: true}", vs(10.0, 20.0, 20.0, 5.0), []float64{2.0 / 3, 0.5 / 3, 0.5 / 3, 1}},
		{"percentile all equal", numIn, "{method: percentile, input: v}", vs(7.0, 7.0), []float64{0.5, 0.5}},
		{"percentile single peer", numIn, "{method: percentile, input: v}", vs(7.0), []float64{1}},
		{"survey scale", "- {key: v, label: {vi: Điểm, en: Score}, type: number}\n- {key: n, label: {vi: Số phiếu, en: Responses}, type: count}",
			"{method: survey_scale, input: v, scale_min: 1, scale_max: 5, min_responses: 30, responses_input: n, missing: {policy: none}}",
			[]map[string]any{{"v": 4.0, "n": 50}, {"v": 4.0, "n": 20}, {"v": 6.0, "n": 30}, {"v": 4.0}}, []float64{0.75, wantMissing, 1, wantMissing}},
		{"survey scale lower is better", numIn, "{method: survey_scale, input: v, scale_min: 1, scale_max: 5, lower_is_better: true}",
			vs(2.0), []float64{0.75}},
		{"deadline", dateIn, "{method: deadline, input: v, due: \"12-15\", late_tiers: [{days: 0, fraction: 1}, {days: 10, fraction: 0.5}]}",
			vs("2025-12-10", "2025-12-15", "2025-12-20", "2025-12-25", "2026-01-10"), []float64{1, 1, 0.5, 0.5, 0}},
		{"deadline on time only", dateIn, "{method: deadline, input: v, due: \"03-31\", late_tiers: [{days: 0, fraction: 1}]}",
			vs("2025-03-31", "2025-04-01", "2024-12-31"), []float64{1, 0, 1}},
		{"sum of parts", "- {key: ok, label: {vi: Có, en: Yes}, type: boolean}\n- {key: n, label: {vi: Số, en: Number}, type: count}",
			"method: sum_of_parts\nparts:\n  - {share: 0.4, method: boolean, input: ok}\n  - {share: 0.6, method: tiers, input: n, tiers: [{max: 0, fraction: 1}, {max: 2, fraction: 0.5}]}",
			[]map[string]any{{"ok": true, "n": 1}, {"ok": false, "n": 0}, {"ok": true}, {}}, []float64{0.7, 0.6, 0.4, 0}},
		{"formula", abIn, "{method: formula, formula: \"b > 0 ? a / b : 0\"}",
			ab([2]any{3, 4}, [2]any{5, 4}, [2]any{1, 0}, [2]any{nil, 4}), []float64{0.75, 1, 0, 0}},
		{"formula missing input, policy none", abIn, "{method: formula, formula: \"a / b\", missing: {policy: none}}",
			ab([2]any{nil, 4}), []float64{wantMissing}},
		{"missing as na", numIn, "{method: minmax, input: v, missing: {policy: na}}", vs(nil, 1.0, 3.0), []float64{wantNA, 0, 1}},
		{"missing as peer mean", numIn, "{method: minmax, input: v, missing: {policy: mean}}", vs(nil, 1.0, 3.0), []float64{0.5, 0, 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ix := oneIndicatorIndex(t, c.inputs, c.scoring)
			got := fractions(t, ix, c.data)
			for i := range c.want {
				if !scNear(got[i], c.want[i], 1e-12) {
					t.Errorf("unit %d (%v): fraction %v; want %v", i+1, c.data[i], got[i], c.want[i])
				}
			}
		})
	}
}

// Peers are the block by default; peers: all compares across blocks.
func TestScore_PeerScope(t *testing.T) {
	for _, c := range []struct {
		peers string
		want  []float64
	}{
		{"", []float64{0.5, 1, 1}},
		{", peers: block", []float64{0.5, 1, 1}},
		{", peers: all", []float64{0.25, 0.5, 1}},
		// Every unit has type u: the same as all.
		{", peers: type", []float64{0.25, 0.5, 1}},
	} {
		ix := oneIndicatorIndex(t, numIn, "{method: best_in_block, input: v"+c.peers+"}")
		ds := &Dataset{Units: []UnitData{
			scUnit(t, ix, "B1", "u", "B", scIn{"X/v": 10.0}),
			scUnit(t, ix, "B2", "u", "B", scIn{"X/v": 20.0}),
			scUnit(t, ix, "C1", "u", "C", scIn{"X/v": 40.0}),
		}}
		res, err := Score(ix, ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range c.want {
			if got := res.Units[i].Nodes[0].Value; !scNear(got, w, 1e-12) {
				t.Errorf("peers%q: %s = %v; want %v", c.peers, res.Units[i].Code, got, w)
			}
		}
	}
}

// Bad data is reported, every problem at once, and nothing is scored.
func TestScore_DataErrors(t *testing.T) {
	choiceIn := "- key: v\n  label: {vi: Chọn, en: Pick}\n  type: choice\n  options: [{value: a, label: {vi: A, en: A}}]"
	ix := oneIndicatorIndex(t, choiceIn, "{method: choice, input: v, fractions: {a: 1}}")
	ds := &Dataset{Units: []UnitData{
		scUnit(t, ix, "U1", "u", "B", scIn{"X/v": "zzz"}),
		scUnit(t, ix, "U1", "u", "B", nil),
		scUnit(t, ix, "U3", "commune", "B", nil),
		{Code: "U8", Type: "commune", Block: "B", Overrides: map[string]float64{"X": 1}},
		scUnit(t, ix, "U4", "u", "NOPE", nil),
		{Code: "U5", Type: "u", Block: "B", NotApplicable: map[string]bool{"X": true}},
		{Code: "U6", Type: "u", Block: "B", Overrides: map[string]float64{"X": 11}},
		{Code: "U7", Type: "u", Block: "B", Overrides: map[string]float64{"Y": 1}},
	}}
	_, err := Score(ix, ds, Options{})
	var de *DataError
	if !errors.As(err, &de) {
		t.Fatalf("Score = %v; want a *DataError", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "does not take units") {
		t.Errorf("a unit of an unknown type also gets a block problem:\n%s", msg)
	}
	for _, want := range []string{
		"unit U1: duplicate unit code",
		`unit U3: unknown unit type "commune"`,
		`unit U4: unknown block "NOPE"`,
		"unit U5: indicator X: declared not applicable, but the indicator is not optional",
		"unit U6: indicator X: override 11 outside 0..10",
		"unit U7: indicator Y: override for an unknown indicator",
		`unit U8: unknown unit type "commune"`,
		"unit U8: indicator X: override for an indicator that does not apply to the unit",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The choice problem shows once the units are fine.
	ds.Units = ds.Units[:1]
	_, err = Score(ix, ds, Options{})
	if err == nil || !strings.Contains(err.Error(), `unit U1: indicator X: input v: "zzz" is not one of the options`) {
		t.Errorf("Score = %v; want the bad choice reported", err)
	}

	// A deadline needs the year.
	ix = oneIndicatorIndex(t, "- {key: v, label: {vi: Ngày, en: Date}, type: date}", "{method: deadline, input: v, due: \"12-15\", late_tiers: [{days: 0, fraction: 1}]}")
	if _, err := Score(ix, &Dataset{Units: []UnitData{scUnit(t, ix, "U1", "u", "B", nil)}}, Options{}); !errors.Is(err, ErrNoYear) {
		t.Errorf("Score without year = %v; want ErrNoYear", err)
	}
	ds = &Dataset{Year: 2025, Units: []UnitData{scUnit(t, ix, "U1", "u", "B", scIn{"X/v": "2025-02-30"})}}
	if _, err := Score(ix, ds, Options{}); err == nil || !strings.Contains(err.Error(), `"2025-02-30" is not a date`) {
		t.Errorf("Score with a bad date = %v", err)
	}
}

// Explanations say why an indicator scored nothing or left the max.
func TestScore_ExplainFixedOutcomes(t *testing.T) {
	for _, c := range []struct {
		scoring string
		data    map[string]any
		vi, en  string
	}{
		{"{method: ratio, numerator: a, denominator: b, on_zero_denominator: na}", map[string]any{"a": 0, "b": 0},
			"Mẫu số bằng 0: chỉ tiêu không áp dụng, loại khỏi điểm tối đa", "Zero denominator: not applicable, removed from the max"},
		{"{method: ratio, numerator: a, denominator: b, on_zero_denominator: zero}", map[string]any{"a": 0, "b": 0},
			"mẫu số bằng 0: tính 0; → 0 × 10 = 0 điểm", "zero denominator: scores 0; → 0 × 10 = 0 points"},
		{"{method: ratio, numerator: a, denominator: b, missing: {policy: na}}", map[string]any{"a": 1},
			"Thiếu dữ liệu: không áp dụng, loại khỏi điểm tối đa", "Missing data: not applicable, removed from the max"},
		{"{method: ratio, numerator: a, denominator: b}", map[string]any{"b": 4},
			"thiếu dữ liệu: tính 0; → 0 × 10 = 0 điểm", "missing data: counted as 0; → 0 × 10 = 0 points"},
	} {
		ix := oneIndicatorIndex(t, abIn, c.scoring)
		vals := scIn{}
		for k, v := range c.data {
			vals["X/"+k] = v
		}
		res, err := Score(ix, &Dataset{Units: []UnitData{scUnit(t, ix, "U1", "u", "B", vals)}}, Options{Explain: true})
		if err != nil {
			t.Fatal(err)
		}
		e := res.Units[0].Nodes[0].Explanation
		if e == nil || e.Steps.VI != c.vi || e.Steps.EN != c.en {
			t.Errorf("%s with %v: explanation %+v; want %q / %q", c.scoring, c.data, e, c.vi, c.en)
		}
	}
}
